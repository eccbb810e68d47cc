/* drill.c: the drill source (see drill.h). A parsed scenario played
 * through the same source interface as a real Alertmanager: scenario time
 * is (wall_now() - t0) * speed, so PAGETTY_NOW fast-forwards it in tests.
 * Alerts fire and resolve on their times, on injected events, or when a
 * mitigation that matches their resolve_on is "run"; nothing is ever
 * executed: commands are answered from the drill's canned outputs. Every
 * thing the responder does and every alert change is logged in scenario
 * time for the scorecard. Silences live in memory, as in the demo. Results
 * reach the app from loop timers, never synchronously. */
#include "drill.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alert.h"
#include "../core/labels.h"
#include "../core/silence.h"
#include "../core/util.h"

#define DS_RESOLVE_TIMEOUT 300
#define DS_TICK_MS 1000
#define DS_NO_OUTPUT "(no output in this drill)\n"

enum ds_op_kind { DS_CREATE, DS_EXPIRE };
struct ds_op {
	enum ds_op_kind kind;
	struct silence *sil;          /* owned (create) or NULL */
	char *id;                     /* owned (expire) or NULL */
	source_silence_fn cb;         /* borrowed */
	void *data;                   /* borrowed: cb's */
	uint64_t timer;
	struct ds_op *next;           /* owned: rest of the list */
	struct source *src;           /* borrowed back pointer */
};

struct ds {
	struct loop *loop;            /* borrowed */
	struct drill d;               /* owned */
	double t0;                    /* wall time the drill began */
	double *fired;                /* owned, n_alerts: when it fired (DRILL_NEVER: not yet) */
	double *resolved;             /* owned, n_alerts: when it resolved by a mitigation */
	bool *logged_fire, *logged_resolve; /* owned, n_alerts */
	bool *inject_done;            /* owned, n_injects */
	double *worse_factor;         /* owned, n_curves: product of worsen factors */
	double *worse_at;             /* owned, n_curves: scenario time of the first worsen */
	struct drill_log log;         /* owned */
	uint64_t refresh_timer, tick_timer, notify_timer;
	struct ds_op *ops;            /* owned pending silence operations */
	unsigned next_silence;
	char firing_sig[64];          /* which alerts fired last time, to notice changes */
};

static const struct source_ops ds_ops;

bool drill_source_is(const struct source *s)
{
	return s && s->ops == &ds_ops;
}

struct source *drill_source_find(struct source **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (drill_source_is(v[i]))
			return v[i];
	return NULL;
}

double drill_source_now(const struct source *s)
{
	const struct ds *ds = s->priv;

	return (wall_now() - ds->t0) * ds->d.speed;
}

const struct drill *drill_source_drill(const struct source *s)
{
	return &((const struct ds *)s->priv)->d;
}

const struct drill_log *drill_source_log(const struct source *s)
{
	return &((const struct ds *)s->priv)->log;
}

/* ---- the story at time t ---- */

static double ds_fire_time(const struct ds *ds, size_t i)
{
	return fmin(ds->d.alerts[i].fire_at, ds->fired[i]);
}

static double ds_resolve_time(const struct ds *ds, size_t i)
{
	return fmin(ds->d.alerts[i].resolve_at, ds->resolved[i]);
}

static bool ds_firing(const struct ds *ds, size_t i, double t)
{
	return t >= ds_fire_time(ds, i) && t < ds_resolve_time(ds, i);
}

static void ds_apply(struct ds *ds, const struct drill_inject *in, double t)
{
	long k;

	drill_log_add(&ds->log, DRILL_EV_INJECT, t, in->action == DRILL_WORSEN ? NULL : in->target,
	              DRILL_SEC_OTHER, NULL,
	              in->action == DRILL_FIRE ? "fire" : in->action == DRILL_RESOLVE ? "resolve"
	                                                                             : "worsen",
	              0, 0, false);
	switch (in->action) {
	case DRILL_FIRE:
		k = drill_alert_find(&ds->d, in->target);
		if (k >= 0 && !ds_firing(ds, (size_t)k, t)) {
			ds->fired[k] = t;
			ds->resolved[k] = DRILL_NEVER;
			ds->logged_resolve[k] = false;
			if (ds->d.alerts[k].resolve_at <= t)
				ds->d.alerts[k].resolve_at = DRILL_NEVER;
		}
		break;
	case DRILL_RESOLVE:
		k = drill_alert_find(&ds->d, in->target);
		if (k >= 0 && ds->resolved[k] > t)
			ds->resolved[k] = t;
		break;
	case DRILL_WORSEN:
		for (k = 0; k < (long)ds->d.n_curves; k++) {
			if (strcmp(ds->d.curves[k].name, in->target) != 0)
				continue;
			if (ds->worse_factor[k] == 1)
				ds->worse_at[k] = t;
			ds->worse_factor[k] *= in->factor;
		}
		break;
	}
}

/* Bring the story up to scenario time t: timed injects, and the log of
 * alerts that fired or resolved since last time (at their own times). */
static void ds_advance(struct ds *ds, double t)
{
	size_t i;

	for (i = 0; i < ds->d.n_injects; i++) {
		const struct drill_inject *in = &ds->d.injects[i];

		if (!ds->inject_done[i] && !in->on_mitigation && in->at <= t) {
			ds->inject_done[i] = true;
			ds_apply(ds, in, in->at);
		}
	}
	for (i = 0; i < ds->d.n_alerts; i++) {
		double f = ds_fire_time(ds, i), r = ds_resolve_time(ds, i);

		if (!ds->logged_fire[i] && f <= t) {
			ds->logged_fire[i] = true;
			drill_log_add(&ds->log, DRILL_EV_FIRED, f, ds->d.alerts[i].name, DRILL_SEC_OTHER,
			              NULL, NULL, 0, 0, false);
		}
		if (ds->logged_fire[i] && !ds->logged_resolve[i] && r <= t) {
			ds->logged_resolve[i] = true;
			drill_log_add(&ds->log, DRILL_EV_RESOLVED, r, ds->d.alerts[i].name,
			              DRILL_SEC_OTHER, NULL, NULL, 0, 0, false);
		}
	}
}

static void ds_strv_push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

static struct alert *ds_alert_new(struct source *s, size_t i, double wall)
{
	struct ds *ds = s->priv;
	const struct drill_alert *da = &ds->d.alerts[i];
	struct alert *a = xcalloc(1, sizeof *a);
	char fp[17], ts[40];
	size_t k;

	labelset_copy(&a->labels, &da->labels);
	labelset_sort(&a->labels);
	labelset_copy(&a->annotations, &da->annotations);
	labelset_fingerprint(&a->labels, fp);
	a->fingerprint = xstrdup(fp);
	a->starts = ds->t0 + ds_fire_time(ds, i) / ds->d.speed;
	rfc3339_format(a->starts, ts, sizeof ts);
	a->starts_at = xstrdup(ts);
	a->ends = wall + DS_RESOLVE_TIMEOUT;
	rfc3339_format(a->ends, ts, sizeof ts);
	a->ends_at = xstrdup(ts);
	rfc3339_format(wall, ts, sizeof ts);
	a->updated_at = xstrdup(ts);
	a->severity = alert_severity_parse(labelset_get(&a->labels, "severity"));
	ds_strv_push(&a->receivers, &a->n_receivers, "drill");
	a->cluster = xstrdup(s->name);
	for (k = 0; k < s->silences.n; k++) {
		const struct silence *sil = s->silences.v[k];

		if (sil->id && wall >= sil->starts && wall < sil->ends &&
		    silence_matches(sil, &a->labels))
			ds_strv_push(&a->silenced_by, &a->n_silenced_by, sil->id);
	}
	a->state = a->n_silenced_by ? ALERT_SILENCED : ALERT_ACTIVE;
	return a;
}

/* Replace s->alerts with the story as it stands now. */
static void ds_rebuild(struct source *s)
{
	struct ds *ds = s->priv;
	double wall = wall_now(), t = (wall - ds->t0) * ds->d.speed;
	size_t i;

	ds_advance(ds, t);
	for (i = 0; i < s->silences.n; i++) {
		struct silence *sil = s->silences.v[i];

		free(sil->state);
		sil->state = xstrdup(wall >= sil->ends ? "expired" : wall < sil->starts ? "pending"
		                                                                        : "active");
	}
	alert_list_clear(&s->alerts);
	for (i = 0; i < ds->d.n_alerts; i++)
		if (ds_firing(ds, i, t))
			alert_list_push(&s->alerts, ds_alert_new(s, i, wall));
	alert_list_sort(&s->alerts);
	s->generation++;
	s->status.ever_ok = s->status.ok = true;
	s->status.stale = s->status.degraded = s->status.fetching = false;
	s->status.reason[0] = '\0';
	s->status.last_ok = wall;
}

/* Which alerts fire now, as a short signature (changes mean: tell the app). */
static void ds_sig(const struct ds *ds, double t, char out[64])
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < ds->d.n_alerts; i++) {
		h ^= ds_firing(ds, i, t) ? 1 + i : 0;
		h *= 1099511628211ULL;
	}
	snprintf(out, 64, "%016llx/%zu/%d", (unsigned long long)h, ds->log.n,
	         t >= ds->d.duration);
}

static void ds_notify_fire(struct loop *l, void *data)
{
	struct source *s = data;
	struct ds *ds = s->priv;

	(void)l;
	ds->notify_timer = 0;
	ds->refresh_timer = 0;
	ds_rebuild(s);
	ds_sig(ds, drill_source_now(s), ds->firing_sig);
	if (s->on_update)
		s->on_update(s, s->update_data);
}

static void ds_notify(struct source *s)
{
	struct ds *ds = s->priv;

	if (!ds->notify_timer)
		ds->notify_timer = loop_add_timer(ds->loop, 0, ds_notify_fire, s);
}

/* Every second: when an alert fired or resolved on its own time, say so at
 * once rather than at the next refresh. */
static void ds_tick(struct loop *l, void *data)
{
	struct source *s = data;
	struct ds *ds = s->priv;
	char sig[64];

	ds->tick_timer = loop_add_timer(l, DS_TICK_MS, ds_tick, s);
	ds_advance(ds, drill_source_now(s));
	ds_sig(ds, drill_source_now(s), sig);
	if (strcmp(sig, ds->firing_sig) != 0)
		ds_notify(s);
}

static void ds_refresh(struct source *s)
{
	struct ds *ds = s->priv;

	s->status.fetching = true;
	if (!ds->refresh_timer && !ds->notify_timer)
		ds->refresh_timer = ds->notify_timer = loop_add_timer(ds->loop, 0, ds_notify_fire, s);
}

/* ---- the walker's side ---- */

void drill_source_run(struct source *s, const char *alertname, enum drill_sec sec,
                      const char *step, const char *command, int rev, bool rollback,
                      struct drill_reply *r)
{
	struct ds *ds = s->priv;
	double t = drill_source_now(s);

	drill_canned_reply(&ds->d, alertname, command, ds->d.speed, DS_NO_OUTPUT, r);
	ds_advance(ds, t);
	drill_log_add(&ds->log, DRILL_EV_STEP_RUN, t, alertname, sec, step, command, rev,
	              r->exit_code, rollback);
	ds_notify(s);
}

void drill_source_answered(struct source *s, const char *step, const char *command,
                           bool rollback, int exit_code)
{
	struct ds *ds = s->priv;
	double t = drill_source_now(s);
	size_t i;

	ds_advance(ds, t);
	if (rollback || exit_code != 0)
		goto out;
	for (i = 0; i < ds->d.n_alerts; i++) {
		const struct drill_alert *da = &ds->d.alerts[i];

		if (da->resolve_on && ds_firing(ds, i, t) &&
		    drill_pattern_match(da->resolve_on, &da->resolve_re, step, command))
			ds->resolved[i] = t;
	}
	for (i = 0; i < ds->d.n_injects; i++) {
		const struct drill_inject *in = &ds->d.injects[i];

		if (in->on_mitigation && !ds->inject_done[i] &&
		    drill_pattern_match(in->on_mitigation, &in->on_re, step, command)) {
			ds->inject_done[i] = true;
			ds_apply(ds, in, t);
		}
	}
	ds_advance(ds, t);
out:
	ds_notify(s);
}

void drill_source_step_done(struct source *s, const char *alertname, enum drill_sec sec,
                            const char *step, bool done)
{
	struct ds *ds = s->priv;

	if (done)
		drill_log_add(&ds->log, DRILL_EV_STEP_DONE, drill_source_now(s), alertname, sec, step,
		              NULL, 0, 0, false);
}

void drill_source_runbook(struct source *s, const char *alertname)
{
	struct ds *ds = s->priv;

	drill_log_add(&ds->log, DRILL_EV_RUNBOOK, drill_source_now(s), alertname, DRILL_SEC_OTHER,
	              NULL, NULL, 0, 0, false);
}

bool drill_source_over(const struct source *s)
{
	const struct ds *ds = s->priv;
	double t = drill_source_now(s);
	bool any = false;
	size_t i;

	if (t >= ds->d.duration)
		return true;
	for (i = 0; i < ds->d.n_alerts; i++) {
		double f = ds_fire_time(ds, i);

		if (f >= DRILL_NEVER)
			continue;
		if (f > t || ds_firing(ds, i, t))
			return false; /* still to come, or still firing */
		any = true;
	}
	for (i = 0; i < ds->d.n_injects; i++)
		if (!ds->inject_done[i] && !ds->d.injects[i].on_mitigation &&
		    ds->d.injects[i].action == DRILL_FIRE)
			return false;
	return any;
}

void drill_source_score(const struct source *s, struct scorecard *sc)
{
	const struct ds *ds = s->priv;
	double t = drill_source_now(s);

	scorecard_compute(sc, &ds->log, ds->d.name, ds->d.escalate_by,
	                  t > ds->d.duration ? ds->d.duration : t);
}

/* ---- silences ---- */

static int ds_op_apply(struct source *s, struct ds_op *op, char **id, char err[ERR_MAX])
{
	struct ds *ds = s->priv;
	double now = wall_now();
	struct silence *sil;
	size_t i;

	if (op->kind == DS_CREATE) {
		sil = op->sil;
		if (!sil || sil->n_matchers == 0)
			return errf(err, "at least one matcher required");
		for (i = 0; i < sil->n_matchers; i++)
			if (!sil->matchers[i].name[0])
				return errf(err, "invalid label matcher %zu: empty label name", i);
		if (!isfinite(sil->starts) || !isfinite(sil->ends) || sil->ends <= now ||
		    sil->ends < sil->starts)
			return errf(err, "end time can't be in the past");
		if (!sil->comment || !sil->comment[0])
			return errf(err, "comment missing");
		op->sil = NULL;
		free(sil->id);
		sil->id = xasprintf("drill-silence-%u", ++ds->next_silence);
		if (sil->starts < now)
			sil->starts = now;
		free(sil->cluster);
		sil->cluster = xstrdup(s->name);
		free(sil->state);
		sil->state = xstrdup("active");
		silence_list_push(&s->silences, sil);
		drill_log_add(&ds->log, DRILL_EV_SILENCE, drill_source_now(s), NULL, DRILL_SEC_OTHER,
		              NULL, sil->comment, 0, 0, false);
		*id = xstrdup(sil->id);
		return 0;
	}
	for (i = 0; i < s->silences.n; i++) {
		sil = s->silences.v[i];
		if (sil->id && op->id && !strcmp(sil->id, op->id) && now < sil->ends) {
			sil->ends = now;
			*id = xstrdup(sil->id);
			return 0;
		}
	}
	return errf(err, "silence %.64s not found", op->id ? op->id : "");
}

static void ds_op_free(struct ds_op *op)
{
	if (op->sil)
		silence_free(op->sil);
	free(op->id);
	free(op);
}

static void ds_op_fire(struct loop *l, void *data)
{
	struct ds_op *op = data, **pp;
	struct source *s = op->src;
	struct ds *ds = s->priv;
	char err[ERR_MAX] = "", *id = NULL;
	source_silence_fn cb = op->cb;
	void *cb_data = op->data;
	bool ok;

	(void)l;
	for (pp = &ds->ops; *pp; pp = &(*pp)->next)
		if (*pp == op) {
			*pp = op->next;
			break;
		}
	ok = ds_op_apply(s, op, &id, err) == 0;
	ds_op_free(op);
	if (ok) {
		ds_rebuild(s);
		if (s->on_update)
			s->on_update(s, s->update_data);
	}
	if (cb)
		cb(s, ok, id ? id : "", ok ? "" : err, cb_data);
	free(id);
}

static void ds_op_queue(struct source *s, struct ds_op *op)
{
	struct ds *ds = s->priv;

	op->src = s;
	op->next = ds->ops;
	ds->ops = op;
	op->timer = loop_add_timer(ds->loop, 0, ds_op_fire, op);
}

static void ds_silence_create(struct source *s, const struct silence *sil,
                              source_silence_fn cb, void *data)
{
	struct ds_op *op = xcalloc(1, sizeof *op);

	op->kind = DS_CREATE;
	op->sil = sil ? silence_dup(sil) : NULL;
	op->cb = cb;
	op->data = data;
	ds_op_queue(s, op);
}

static void ds_silence_expire(struct source *s, const char *id, source_silence_fn cb,
                              void *data)
{
	struct ds_op *op = xcalloc(1, sizeof *op);

	op->kind = DS_EXPIRE;
	op->id = xstrdup(id ? id : "");
	op->cb = cb;
	op->data = data;
	ds_op_queue(s, op);
}

static void ds_free(struct source *s)
{
	struct ds *ds = s->priv;
	struct ds_op *op, *next;

	if (!ds)
		return;
	loop_del_timer(ds->loop, ds->tick_timer);
	loop_del_timer(ds->loop, ds->notify_timer);
	for (op = ds->ops; op; op = next) {
		next = op->next;
		loop_del_timer(ds->loop, op->timer);
		ds_op_free(op);
	}
	drill_free(&ds->d);
	drill_log_free(&ds->log);
	free(ds->fired);
	free(ds->resolved);
	free(ds->logged_fire);
	free(ds->logged_resolve);
	free(ds->inject_done);
	free(ds->worse_factor);
	free(ds->worse_at);
	free(ds);
	s->priv = NULL;
}

static const struct source_ops ds_ops = {
	.kind = "drill",
	.refresh = ds_refresh,
	.silence_create = ds_silence_create,
	.silence_expire = ds_silence_expire,
	.check = ds_refresh,
	.free = ds_free,
};

struct source *drill_source_new(struct loop *l, struct drill *d)
{
	struct source *s = xcalloc(1, sizeof *s);
	struct ds *ds = xcalloc(1, sizeof *ds);
	size_t i, na, nc;

	ds->loop = l;
	ds->d = *d;
	memset(d, 0, sizeof *d);
	ds->t0 = wall_now();
	na = ds->d.n_alerts ? ds->d.n_alerts : 1;
	nc = ds->d.n_curves ? ds->d.n_curves : 1;
	ds->fired = xcalloc(na, sizeof *ds->fired);
	ds->resolved = xcalloc(na, sizeof *ds->resolved);
	ds->logged_fire = xcalloc(na, sizeof *ds->logged_fire);
	ds->logged_resolve = xcalloc(na, sizeof *ds->logged_resolve);
	for (i = 0; i < ds->d.n_alerts; i++)
		ds->fired[i] = ds->resolved[i] = DRILL_NEVER;
	ds->inject_done = xcalloc(ds->d.n_injects ? ds->d.n_injects : 1, sizeof *ds->inject_done);
	ds->worse_factor = xcalloc(nc, sizeof *ds->worse_factor);
	ds->worse_at = xcalloc(nc, sizeof *ds->worse_at);
	for (i = 0; i < nc; i++)
		ds->worse_factor[i] = 1;
	s->ops = &ds_ops;
	s->name = xstrdup("drill");
	s->demo = true;
	s->priv = ds;
	snprintf(s->status.active_url, sizeof s->status.active_url, "drill");
	snprintf(s->status.version, sizeof s->status.version, "drill");
	ds->tick_timer = loop_add_timer(l, DS_TICK_MS, ds_tick, s);
	return s;
}

/* ---- curves (drill_metrics.c serves them) ---- */

double drill_source_curve(const struct source *s, size_t k, double t, bool noise)
{
	const struct ds *ds = s->priv;
	const struct drill_curve *c = &ds->d.curves[k];
	double v = drill_curve_at(c, t);

	if (ds->worse_factor[k] != 1 && t >= ds->worse_at[k])
		v *= ds->worse_factor[k];
	if (noise && c->noise > 0)
		v *= 1 + c->noise * (0.6 * sin(t * 2 * M_PI / 1170.0) +
		                     0.4 * sin(t * 2 * M_PI / 301.0 + 1.3));
	return v < 0 ? 0 : v;
}
