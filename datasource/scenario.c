/* scenario.c: the embedded demo (`pagetty --demo`): a built-in incident
 * played through the same source interface as a real Alertmanager, with no
 * network and no files. Times are relative to the moment the source was
 * made and read from wall_now(), so tests fast-forward with PAGETTY_NOW.
 *
 * The story: a replica of the payments database was taken down for a
 * planned rebuild (its alert is silenced); the remaining replica falls
 * behind under the extra read load, checkout reads stale payment state and
 * starts failing. Checkout latency is inhibited by the checkout error-rate
 * page. About 45 s into the demo the checkout SLO fast-burn page fires; a
 * few minutes in, the cache-eviction warning resolves and disappears.
 *
 * Silences created here live in memory: they mute matching alerts on the
 * next update and expiring them restores the alerts. Every result reaches
 * the caller from a loop timer, never synchronously. */
#include "source.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alert.h"
#include "../core/labels.h"
#include "../core/silence.h"
#include "../core/util.h"
#include "../loop/loop.h"

#define SCENARIO_NAME "demo"
#define SCENARIO_RESOLVE_TIMEOUT 300 /* endsAt of a firing alert: now + 5m, as Alertmanager */

/* One alert of the story. Times are seconds relative to the demo start. */
struct scenario_alert {
	const char *alertname;
	const char *severity;
	const char *service;
	const char *namespace;
	const char *instance;
	const char *job;
	const char *team;
	const char *extra_name;   /* one more label, or NULL */
	const char *extra_value;
	const char *summary;
	const char *description;
	const char *receiver;
	int start;                /* fired at t0 + start (negative: before the demo began) */
	int resolve;              /* resolves at t0 + resolve; 0: never */
};

enum {
	DEMO_CHECKOUT_ERRORS = 0,
	DEMO_CHECKOUT_LATENCY,
	DEMO_PAYMENTS_LAG,
	DEMO_PAYMENTS_REPLICA_DOWN,
	DEMO_REDIS_EVICTIONS,
	DEMO_CERT_EXPIRY,
	DEMO_CHECKOUT_BURN,
};

static const struct scenario_alert scenario_alerts[] = {
	[DEMO_CHECKOUT_ERRORS] = {
		"CheckoutHighErrorRate", "critical", "checkout", "shop",
		"checkout-7d9f8c6b5-x2kqz:8080", "checkout", "checkout",
		"slo", "checkout-availability",
		"Checkout is failing 6.2% of requests",
		"6.2% of POST /api/checkout requests returned 5xx over the last 5 minutes "
		"(threshold 2%). Most errors are 502 from the payments client: "
		"\"payment status not found\".",
		"checkout-pager", -12 * 60, 0,
	},
	[DEMO_CHECKOUT_LATENCY] = {
		"CheckoutLatencyHigh", "warning", "checkout", "shop",
		"checkout-7d9f8c6b5-x2kqz:8080", "checkout", "checkout",
		NULL, NULL,
		"Checkout p99 latency is 2.8s",
		"p99 latency of POST /api/checkout is 2.8s over the last 10 minutes "
		"(threshold 1.5s). Payment status retries add up to 3 x 800ms.",
		"checkout-pager", -10 * 60, 0,
	},
	[DEMO_PAYMENTS_LAG] = {
		"PaymentsDatabaseReplicationLag", "critical", "payments-db", "payments",
		"pg-payments-1:9187", "postgres-exporter", "payments",
		"replica", "pg-payments-1",
		"Replica pg-payments-1 is 94s behind the primary",
		"Streaming replication lag on pg-payments-1 is 94 seconds (threshold 30s). "
		"Reads routed to this replica return stale payment state.",
		"payments-pager", -14 * 60, 0,
	},
	[DEMO_PAYMENTS_REPLICA_DOWN] = {
		"PaymentsDatabaseReplicaDown", "warning", "payments-db", "payments",
		"pg-payments-2:9187", "postgres-exporter", "payments",
		"replica", "pg-payments-2",
		"Replica pg-payments-2 is not streaming from the primary",
		"pg-payments-2 has reported no WAL receiver for 40 minutes. "
		"Only one replica is serving reads.",
		"payments-slack", -40 * 60, 0,
	},
	[DEMO_REDIS_EVICTIONS] = {
		"RedisCacheEvictions", "warning", "checkout-cache", "shop",
		"redis-checkout-0:9121", "redis-exporter", "checkout",
		NULL, NULL,
		"redis-checkout-0 is evicting 1.4k keys/s",
		"redis-checkout-0 evicted 1,400 keys per second over the last 5 minutes "
		"(threshold 100/s); memory is at 98% of maxmemory. Cart sessions may be lost.",
		"checkout-slack", -9 * 60, 4 * 60,
	},
	[DEMO_CERT_EXPIRY] = {
		"CertificateExpiringSoon", "info", "edge-gateway", "ingress",
		"api.shop.example.com:443", "blackbox-https", "platform",
		NULL, NULL,
		"TLS certificate for api.shop.example.com expires in 9 days",
		"The certificate served on api.shop.example.com:443 expires in 9 days "
		"(threshold 14 days). Automatic renewal has not replaced it.",
		"platform-slack", -3 * 3600, 0,
	},
	[DEMO_CHECKOUT_BURN] = {
		"CheckoutErrorBudgetBurn", "page", "checkout", "shop",
		"checkout-7d9f8c6b5-x2kqz:8080", "checkout", "checkout",
		"slo", "checkout-availability",
		"Checkout is burning its 30-day error budget 15x too fast",
		"Burn rate is 15.1x over 1h and 18.4x over 5m (page threshold 14.4x). "
		"At this rate the 99.9% monthly error budget is gone in 2 days.",
		"checkout-pager", 45, 0,
	},
};

/* The inhibit rule of examples/alertmanager.yml: a firing critical or page
 * alert mutes the warnings with the same service, namespace and instance. */
static bool scenario_inhibits(const struct scenario_alert *src, const struct scenario_alert *dst)
{
	if (src == dst || strcmp(dst->severity, "warning") != 0)
		return false;
	if (strcmp(src->severity, "critical") != 0 && strcmp(src->severity, "page") != 0)
		return false;
	return strcmp(src->service, dst->service) == 0 &&
	       strcmp(src->namespace, dst->namespace) == 0 &&
	       strcmp(src->instance, dst->instance) == 0;
}

/* The silence that was already there when the demo started. */
static const struct {
	const char *name;
	const char *value;
} scenario_silence_matchers[] = {
	{ "alertname", "PaymentsDatabaseReplicaDown" },
	{ "instance", "pg-payments-2:9187" },
};
#define SCENARIO_SILENCE_ID "5e2b8c1d-4a7f-4c3e-9b1a-0d6f2e8a9c47"

/* A silence operation waiting for its loop timer. */
enum scenario_op_kind { OP_CREATE, OP_EXPIRE };
struct scenario_op {
	enum scenario_op_kind kind;
	struct silence *sil;        /* owned (create), NULL for expire */
	char *id;                   /* owned (expire), NULL for create */
	source_silence_fn cb;       /* borrowed */
	void *data;                 /* borrowed: cb's */
	uint64_t timer;
	struct scenario_op *next;   /* owned: rest of the pending list */
	struct source *src;         /* borrowed: back pointer */
};

struct scenario {
	struct loop *loop;          /* borrowed */
	double t0;                  /* wall time the demo started */
	uint64_t refresh_timer;     /* pending refresh, 0 none */
	struct scenario_op *ops;    /* owned: pending silence operations */
	unsigned next_silence;      /* counter for new silence ids */
};

static void scenario_labels(const struct scenario_alert *sa, struct labelset *ls)
{
	labelset_set(ls, "alertname", sa->alertname);
	labelset_set(ls, "severity", sa->severity);
	labelset_set(ls, "service", sa->service);
	labelset_set(ls, "namespace", sa->namespace);
	labelset_set(ls, "instance", sa->instance);
	labelset_set(ls, "job", sa->job);
	labelset_set(ls, "team", sa->team);
	if (sa->extra_name)
		labelset_set(ls, sa->extra_name, sa->extra_value);
	labelset_sort(ls);
}

static void strv_push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

static bool scenario_firing(const struct scenario_alert *sa, double elapsed)
{
	if (elapsed < sa->start)
		return false;
	return sa->resolve == 0 || elapsed < sa->resolve;
}

static const char *scenario_silence_state(const struct silence *sil, double now)
{
	if (now >= sil->ends)
		return "expired";
	if (now < sil->starts)
		return "pending";
	return "active";
}

/* Build one alert of the story as Alertmanager would report it now. */
static struct alert *scenario_alert_new(struct source *s, size_t idx, double now,
                                        char fps[][17])
{
	const struct scenario_alert *sa = &scenario_alerts[idx];
	struct scenario *sc = s->priv;
	struct alert *a = xcalloc(1, sizeof *a);
	char fp[17], ts[40];
	char *url;
	size_t i;

	scenario_labels(sa, &a->labels);
	labelset_fingerprint(&a->labels, fp);
	a->fingerprint = xstrdup(fp);

	labelset_set(&a->annotations, "summary", sa->summary);
	labelset_set(&a->annotations, "description", sa->description);
	url = xasprintf("%s.md", sa->alertname);
	labelset_set(&a->annotations, "runbook_url", url);
	free(url);

	a->starts = sc->t0 + sa->start;
	rfc3339_format(a->starts, ts, sizeof ts);
	a->starts_at = xstrdup(ts);
	a->ends = now + SCENARIO_RESOLVE_TIMEOUT;
	rfc3339_format(a->ends, ts, sizeof ts);
	a->ends_at = xstrdup(ts);
	rfc3339_format(now, ts, sizeof ts);
	a->updated_at = xstrdup(ts);
	a->generator_url = NULL;
	a->severity = alert_severity_parse(sa->severity);
	strv_push(&a->receivers, &a->n_receivers, sa->receiver);
	a->cluster = xstrdup(s->name);

	for (i = 0; i < s->silences.n; i++) {
		const struct silence *sil = s->silences.v[i];

		if (!sil->id || strcmp(scenario_silence_state(sil, now), "active") != 0)
			continue;
		if (silence_matches(sil, &a->labels))
			strv_push(&a->silenced_by, &a->n_silenced_by, sil->id);
	}
	for (i = 0; i < ARRAY_LEN(scenario_alerts); i++) {
		if (scenario_firing(&scenario_alerts[i], now - sc->t0) &&
		    scenario_inhibits(&scenario_alerts[i], sa))
			strv_push(&a->inhibited_by, &a->n_inhibited_by, fps[i]);
	}
	if (a->n_silenced_by)
		a->state = ALERT_SILENCED;
	else if (a->n_inhibited_by)
		a->state = ALERT_INHIBITED;
	else
		a->state = ALERT_ACTIVE;
	return a;
}

/* Replace s->alerts with the story as it stands now; refresh silence states. */
static void scenario_rebuild(struct source *s)
{
	struct scenario *sc = s->priv;
	double now = wall_now();
	double elapsed = now - sc->t0;
	char fps[ARRAY_LEN(scenario_alerts)][17];
	size_t i;

	for (i = 0; i < s->silences.n; i++) {
		struct silence *sil = s->silences.v[i];

		free(sil->state);
		sil->state = xstrdup(scenario_silence_state(sil, now));
	}
	for (i = 0; i < ARRAY_LEN(scenario_alerts); i++) {
		struct labelset ls = {0};

		scenario_labels(&scenario_alerts[i], &ls);
		labelset_fingerprint(&ls, fps[i]);
		labelset_free(&ls);
	}
	alert_list_clear(&s->alerts);
	for (i = 0; i < ARRAY_LEN(scenario_alerts); i++) {
		if (scenario_firing(&scenario_alerts[i], elapsed))
			alert_list_push(&s->alerts, scenario_alert_new(s, i, now, fps));
	}
	alert_list_sort(&s->alerts);
	s->generation++;
}

static void scenario_mark_ok(struct source *s)
{
	s->status.ever_ok = true;
	s->status.ok = true;
	s->status.stale = false;
	s->status.degraded = false;
	s->status.fetching = false;
	s->status.reason[0] = '\0';
	s->status.last_ok = wall_now();
	s->status.latency_ms = 0;
	snprintf(s->status.active_url, sizeof s->status.active_url, "embedded");
	snprintf(s->status.version, sizeof s->status.version, "demo");
}

static void scenario_refresh_fire(struct loop *l, void *data)
{
	struct source *s = data;
	struct scenario *sc = s->priv;

	(void)l;
	sc->refresh_timer = 0;
	scenario_rebuild(s);
	scenario_mark_ok(s);
	if (s->on_update)
		s->on_update(s, s->update_data);
}

static void scenario_refresh(struct source *s)
{
	struct scenario *sc = s->priv;

	if (sc->refresh_timer)
		return;
	s->status.fetching = true;
	sc->refresh_timer = loop_add_timer(sc->loop, 0, scenario_refresh_fire, s);
}

/* Alertmanager's checks on a new silence, in its words. */
static int scenario_silence_validate(const struct silence *sil, double now, char err[ERR_MAX])
{
	size_t i;

	if (sil->n_matchers == 0 || !sil->matchers)
		return errf(err, "at least one matcher required");
	for (i = 0; i < sil->n_matchers; i++) {
		if (!sil->matchers[i].name || !sil->matchers[i].name[0])
			return errf(err, "invalid label matcher %zu: empty label name", i);
		if (!sil->matchers[i].value)
			return errf(err, "invalid label matcher %zu: no value", i);
	}
	if (!isfinite(sil->starts) || !isfinite(sil->ends))
		return errf(err, "invalid start or end time");
	if (sil->ends < sil->starts)
		return errf(err, "end time must not be before start time");
	if (sil->ends <= now)
		return errf(err, "end time can't be in the past");
	if (!sil->comment || !sil->comment[0])
		return errf(err, "comment missing");
	if (!sil->created_by || !sil->created_by[0])
		return errf(err, "creator information missing");
	return 0;
}

static char *scenario_silence_id(struct scenario *sc)
{
	uint64_t h = 14695981039346656037ULL;
	unsigned n = ++sc->next_silence;
	int i;

	for (i = 0; i < 4; i++) {
		h ^= (n >> (8 * i)) & 0xff;
		h *= 1099511628211ULL;
	}
	h ^= (uint64_t)sc->t0;
	h *= 1099511628211ULL;
	return xasprintf("%08x-%04x-4%03x-8%03x-%012llx", (unsigned)(h >> 32),
	                 (unsigned)(h >> 16) & 0xffff, (unsigned)h & 0xfff, n & 0xfff,
	                 (unsigned long long)(h & 0xffffffffffffULL));
}

static long scenario_silence_find(const struct source *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->silences.n; i++)
		if (s->silences.v[i]->id && strcmp(s->silences.v[i]->id, id) == 0)
			return (long)i;
	return -1;
}

/* Apply a pending operation. Returns 0 with *id_out set (borrowed from the
 * silence list), or -1 with err. */
static int scenario_op_apply(struct source *s, struct scenario_op *op,
                             const char **id_out, char err[ERR_MAX])
{
	struct scenario *sc = s->priv;
	double now = wall_now();
	struct silence *sil;
	long i;

	if (op->kind == OP_CREATE) {
		if (!op->sil)
			return errf(err, "no silence given");
		if (scenario_silence_validate(op->sil, now, err) < 0)
			return -1;
		sil = op->sil;
		op->sil = NULL;
		free(sil->id);
		sil->id = scenario_silence_id(sc);
		if (sil->starts < now)
			sil->starts = now;
		free(sil->cluster);
		sil->cluster = xstrdup(s->name);
		free(sil->state);
		sil->state = xstrdup(scenario_silence_state(sil, now));
		silence_list_push(&s->silences, sil);
		*id_out = sil->id;
		return 0;
	}
	if (!op->id || !op->id[0])
		return errf(err, "no silence id given");
	i = scenario_silence_find(s, op->id);
	if (i < 0)
		return errf(err, "silence %.64s not found", op->id);
	sil = s->silences.v[i];
	if (now >= sil->ends)
		return errf(err, "silence %.64s already expired", op->id);
	sil->ends = now;
	if (sil->starts > now)
		sil->starts = now;
	*id_out = sil->id;
	return 0;
}

static void scenario_op_unlink(struct scenario *sc, struct scenario_op *op)
{
	struct scenario_op **pp;

	for (pp = &sc->ops; *pp; pp = &(*pp)->next) {
		if (*pp == op) {
			*pp = op->next;
			return;
		}
	}
}

static void scenario_op_free(struct scenario_op *op)
{
	if (op->sil)
		silence_free(op->sil);
	free(op->id);
	free(op);
}

static void scenario_op_fire(struct loop *l, void *data)
{
	struct scenario_op *op = data;
	struct source *s = op->src;
	struct scenario *sc = s->priv;
	char err[ERR_MAX] = "";
	const char *id = NULL;
	source_silence_fn cb;
	void *cb_data;
	char *idcopy;
	bool ok;

	(void)l;
	scenario_op_unlink(sc, op);
	ok = scenario_op_apply(s, op, &id, err) == 0;
	idcopy = xstrdup(ok ? id : (op->id ? op->id : ""));
	cb = op->cb;
	cb_data = op->data;
	scenario_op_free(op);
	/* As after a real POST/DELETE, the views see the new state; the
	 * callback comes last so that it may even free the source. */
	if (ok) {
		scenario_rebuild(s);
		scenario_mark_ok(s);
		if (s->on_update)
			s->on_update(s, s->update_data);
	}
	if (cb)
		cb(s, ok, idcopy, ok ? "" : err, cb_data);
	free(idcopy);
}

static void scenario_op_queue(struct source *s, struct scenario_op *op)
{
	struct scenario *sc = s->priv;

	op->src = s;
	op->next = sc->ops;
	sc->ops = op;
	op->timer = loop_add_timer(sc->loop, 0, scenario_op_fire, op);
}

static void scenario_silence_create(struct source *s, const struct silence *sil,
                                    source_silence_fn cb, void *data)
{
	struct scenario_op *op = xcalloc(1, sizeof *op);

	op->kind = OP_CREATE;
	op->sil = sil ? silence_dup(sil) : NULL;
	op->cb = cb;
	op->data = data;
	scenario_op_queue(s, op);
}

static void scenario_silence_expire(struct source *s, const char *id,
                                    source_silence_fn cb, void *data)
{
	struct scenario_op *op = xcalloc(1, sizeof *op);

	op->kind = OP_EXPIRE;
	op->id = xstrdup(id ? id : "");
	op->cb = cb;
	op->data = data;
	scenario_op_queue(s, op);
}

/* pagetty check: the embedded scenario is always ready. */
static void scenario_check(struct source *s)
{
	scenario_refresh(s);
}

static void scenario_free(struct source *s)
{
	struct scenario *sc = s->priv;
	struct scenario_op *op, *next;

	if (!sc)
		return;
	loop_del_timer(sc->loop, sc->refresh_timer);
	for (op = sc->ops; op; op = next) {
		next = op->next;
		loop_del_timer(sc->loop, op->timer);
		scenario_op_free(op);
	}
	free(sc);
	s->priv = NULL;
}

static const struct source_ops scenario_ops = {
	.kind = "scenario",
	.refresh = scenario_refresh,
	.silence_create = scenario_silence_create,
	.silence_expire = scenario_silence_expire,
	.check = scenario_check,
	.free = scenario_free,
};

static struct silence *scenario_demo_silence(double t0)
{
	struct silence *sil = xcalloc(1, sizeof *sil);
	size_t i, n = ARRAY_LEN(scenario_silence_matchers);

	sil->id = xstrdup(SCENARIO_SILENCE_ID);
	sil->matchers = xcalloc(n, sizeof *sil->matchers);
	sil->n_matchers = n;
	for (i = 0; i < n; i++) {
		sil->matchers[i].name = xstrdup(scenario_silence_matchers[i].name);
		sil->matchers[i].value = xstrdup(scenario_silence_matchers[i].value);
		sil->matchers[i].is_regex = false;
		sil->matchers[i].is_equal = true;
	}
	sil->starts = t0 - 45 * 60;
	sil->ends = t0 + 2 * 3600;
	sil->created_by = xstrdup("dana.okafor@shop.example");
	sil->comment = xstrdup("CHG-4821: pg-payments-2 rebuild after disk replacement, "
	                       "back in rotation by 14:00 UTC");
	sil->state = xstrdup("active");
	sil->cluster = xstrdup(SCENARIO_NAME);
	return sil;
}

struct source *scenario_source_new(struct loop *l)
{
	struct source *s = xcalloc(1, sizeof *s);
	struct scenario *sc = xcalloc(1, sizeof *sc);

	sc->loop = l;
	sc->t0 = wall_now();
	s->ops = &scenario_ops;
	s->name = xstrdup(SCENARIO_NAME);
	s->demo = true;
	s->priv = sc;
	silence_list_push(&s->silences, scenario_demo_silence(sc->t0));
	snprintf(s->status.active_url, sizeof s->status.active_url, "embedded");
	return s;
}
