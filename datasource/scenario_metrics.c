/* scenario_metrics.c: the demo's numbers, behind the metrics interface.
 * Curves that tell the same story as scenario.c's alerts (times relative to
 * the moment the demo started, read from wall_now() so PAGETTY_NOW
 * fast-forwards them): the payments replica falls behind 14 minutes before
 * the demo began, checkout starts failing 6.2% of requests at the same time
 * (its error alert fires 2 minutes later, after its `for:`), burning the
 * 99.9% budget about 60x; checkout p99 latency spikes from 0.3s to 2.8s
 * ten minutes before; search has been burning slowly for days (a ticket).
 *
 * It understands just the expressions its own SLO specs and panels use:
 * `NAME` (the curve's value) and `avg_over_time(NAME[DURATION])` (the
 * curve's exact mean over the window). Anything else answers bad_data, as
 * Prometheus would. Answers arrive from a 0 ms loop timer. */
#include "metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/duration.h"

#define SM_MIN 60.0
#define SM_HOUR 3600.0
#define SM_DAY 86400.0
#define SM_MAX_POINTS 11000 /* as Prometheus: at most 11,000 points per series */

/* A level that holds over [start, end) (relative seconds; end 0 = still). */
struct sm_seg {
	double start, end, level;
};

struct sm_curve {
	const char *name;
	double base;       /* level outside the segments */
	double wobble;     /* relative noise amplitude for charts (0: none) */
	struct sm_seg seg[3];
};

static const struct sm_curve sm_curves[] = {
	/* SLO error ratios */
	{ "demo:checkout_error_ratio", 0.0003, 0.15,
	  { { -10 * SM_DAY, -10 * SM_DAY + 2 * SM_HOUR, 0.03 }, { -14 * SM_MIN, 0, 0.062 } } },
	{ "demo:checkout_slow_ratio", 0.003, 0.2, { { -10 * SM_MIN, 0, 0.09 } } },
	{ "demo:payments_error_ratio", 0.0001, 0.2, { { -14 * SM_MIN, 0, 0.0015 } } },
	{ "demo:search_error_ratio", 0.0008, 0.1, { { -4 * SM_DAY, 0, 0.0056 } } },
	{ "demo:edge_error_ratio", 0.00002, 0.3, { { 0, 0, 0 } } },
	/* checkout golden signals */
	{ "demo:checkout_latency_p99", 0.31, 0.08, { { -10 * SM_MIN, 0, 2.8 } } },
	{ "demo:checkout_rps", 142, 0.06, { { -14 * SM_MIN, 0, 171 } } },
	{ "demo:checkout_saturation", 0.41, 0.05, { { -14 * SM_MIN, 0, 0.78 } } },
	/* payments-db */
	{ "demo:payments_query_p99", 0.004, 0.1, { { -14 * SM_MIN, 0, 0.094 } } },
	{ "demo:payments_qps", 910, 0.05, { { -40 * SM_MIN, 0, 1240 } } },
	{ "demo:payments_saturation", 0.52, 0.04,
	  { { -40 * SM_MIN, -14 * SM_MIN, 0.81 }, { -14 * SM_MIN, 0, 0.97 } } },
	/* checkout-cache */
	{ "demo:cache_latency_p99", 0.0009, 0.1, { { -9 * SM_MIN, 4 * SM_MIN, 0.004 } } },
	{ "demo:cache_ops", 5200, 0.05, { { 0, 0, 0 } } },
	{ "demo:cache_error_ratio", 0.0, 0.0, { { -9 * SM_MIN, 4 * SM_MIN, 0.02 } } },
	{ "demo:cache_saturation", 0.74, 0.02, { { -9 * SM_MIN, 4 * SM_MIN, 0.98 } } },
};

static const char sm_slo_yaml[] =
	"version: prometheus/v1\n"
	"service: checkout\n"
	"slos:\n"
	"  - name: checkout-availability\n"
	"    objective: 99.9\n"
	"    description: POST /api/checkout answers without a 5xx\n"
	"    sli: {raw: {error_ratio_query: 'avg_over_time(demo:checkout_error_ratio[{{.window}}])'}}\n"
	"  - name: checkout-latency\n"
	"    objective: 99\n"
	"    description: checkout answers within 1s\n"
	"    sli: {raw: {error_ratio_query: 'avg_over_time(demo:checkout_slow_ratio[{{.window}}])'}}\n"
	"---\n"
	"version: prometheus/v1\n"
	"service: payments\n"
	"slos:\n"
	"  - name: payments-api-availability\n"
	"    objective: 99.95\n"
	"    sli: {raw: {error_ratio_query: 'avg_over_time(demo:payments_error_ratio[{{.window}}])'}}\n"
	"---\n"
	"version: prometheus/v1\n"
	"service: search\n"
	"slos:\n"
	"  - name: search-availability\n"
	"    objective: 99.5\n"
	"    sli: {raw: {error_ratio_query: 'avg_over_time(demo:search_error_ratio[{{.window}}])'}}\n"
	"---\n"
	"version: prometheus/v1\n"
	"service: edge-gateway\n"
	"slos:\n"
	"  - name: edge-availability\n"
	"    objective: 99.99\n"
	"    sli: {raw: {error_ratio_query: 'avg_over_time(demo:edge_error_ratio[{{.window}}])'}}\n";

#define SIG(svc, l, t, e, s) { .service = (char *)(svc), .latency = (char *)(l), \
	.traffic = (char *)(t), .errors = (char *)(e), .saturation = (char *)(s) }
static const struct signal_cfg sm_signals[] = {
	{ .service = (char *)"checkout", .latency = (char *)"demo:checkout_latency_p99",
	  .traffic = (char *)"demo:checkout_rps", .errors = (char *)"demo:checkout_error_ratio",
	  .saturation = (char *)"demo:checkout_saturation",
	  /* the spike and the failures cross these when the alerts fire */
	  .thresholds = { [SIGNAL_LATENCY] = { true, 1.0 }, [SIGNAL_ERRORS] = { true, 0.01 },
	                  [SIGNAL_SATURATION] = { true, 0.8 } } },
	SIG("payments-db", "demo:payments_query_p99", "demo:payments_qps",
	    "demo:payments_error_ratio", "demo:payments_saturation"),
	SIG("checkout-cache", "demo:cache_latency_p99", "demo:cache_ops",
	    "demo:cache_error_ratio", "demo:cache_saturation"),
};

const char *scenario_slo_yaml(void)
{
	return sm_slo_yaml;
}

const struct signal_cfg *scenario_signals(size_t *n)
{
	*n = ARRAY_LEN(sm_signals);
	return sm_signals;
}

/* ---- curves ---- */

static double sm_level(const struct sm_curve *c, double t)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(c->seg) && c->seg[i].level; i++) {
		double end = c->seg[i].end ? c->seg[i].end : INFINITY;
		if (t >= c->seg[i].start && t < end)
			return c->seg[i].level;
	}
	return c->base;
}

/* The value at t with deterministic noise, never negative. */
static double sm_value(const struct sm_curve *c, double t)
{
	double v = sm_level(c, t);
	double n = 0.6 * sin(t * 2 * M_PI / 1170.0) + 0.4 * sin(t * 2 * M_PI / 301.0 + 1.3);

	v *= 1 + c->wobble * n;
	return v < 0 ? 0 : v;
}

/* The exact mean level over [t - w, t] (noise averages out). */
static double sm_mean(const struct sm_curve *c, double t, double w)
{
	double a = t - w, sum = c->base * w;
	size_t i;

	if (w <= 0)
		return sm_level(c, t);
	for (i = 0; i < ARRAY_LEN(c->seg) && c->seg[i].level; i++) {
		double s = fmax(a, c->seg[i].start);
		double e = fmin(t, c->seg[i].end ? c->seg[i].end : INFINITY);
		if (e > s)
			sum += (e - s) * (c->seg[i].level - c->base);
	}
	return sum / w;
}

/* ---- expressions ---- */

struct sm_expr {
	const struct sm_curve *curve; /* borrowed, static */
	double window;                /* avg_over_time window, 0 for the plain value */
};

static const struct sm_curve *sm_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(sm_curves); i++)
		if (strlen(sm_curves[i].name) == len && !strncmp(sm_curves[i].name, name, len))
			return &sm_curves[i];
	return NULL;
}

static int sm_parse(const char *expr, struct sm_expr *x, char err[ERR_MAX])
{
	static const char avg[] = "avg_over_time(";
	const char *s = expr, *open, *close;
	size_t len;

	memset(x, 0, sizeof *x);
	while (*s == ' ' || *s == '\n')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\n'))
		len--;
	if (!strncmp(s, avg, sizeof avg - 1)) {
		char dur[32];
		int64_t ms;
		char derr[ERR_MAX];

		s += sizeof avg - 1;
		len -= sizeof avg - 1;
		open = memchr(s, '[', len);
		close = open ? memchr(open, ']', len - (size_t)(open - s)) : NULL;
		if (!open || !close || close + 2 != s + len || close[1] != ')' ||
		    (size_t)(close - open - 1) >= sizeof dur)
			goto bad;
		memcpy(dur, open + 1, (size_t)(close - open - 1));
		dur[close - open - 1] = '\0';
		if (duration_parse(dur, &ms, derr) < 0 || ms <= 0)
			goto bad;
		x->window = (double)ms / 1000.0;
		len = (size_t)(open - s);
	}
	x->curve = sm_find(s, len);
	if (x->curve)
		return 0;
bad:
	return errf(err, "bad_data: the demo scenario has no series for this query");
}

static double sm_eval(const struct sm_expr *x, double rel)
{
	return x->window > 0 ? sm_mean(x->curve, rel, x->window) : sm_value(x->curve, rel);
}

/* ---- the source ---- */

struct sm_call {
	uint64_t id;
	uint64_t timer;
	struct metrics *m;        /* borrowed */
	char *expr;               /* owned */
	bool range;
	double at, start, end, step;
	metrics_done_fn done;
	void *data;               /* borrowed */
	struct sm_call *next;
};

struct sm {
	struct loop *loop;        /* borrowed */
	double t0;                /* wall time the demo started */
	uint64_t next_id;
	struct sm_call *calls;    /* owned list */
};

static void sm_unlink(struct sm *sm, struct sm_call *c)
{
	struct sm_call **pp;

	for (pp = &sm->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			return;
		}
	}
}

static void sm_call_free(struct sm_call *c)
{
	free(c->expr);
	free(c);
}

static void sm_answer(struct sm *sm, struct sm_call *c, struct metrics_answer *a)
{
	struct sm_expr x;
	struct promql_series *s;
	double now = wall_now(), t;
	size_t n, i;

	a->reached = true;
	if (sm_parse(c->expr, &x, a->err) < 0) {
		a->result.error_type = xstrdup("bad_data");
		return;
	}
	a->ok = true;
	a->result.type = c->range ? PROMQL_MATRIX : PROMQL_VECTOR;
	a->result.series = s = xcalloc(1, sizeof *s);
	a->result.n_series = 1;
	labelset_set(&s->metric, "__name__", x.curve->name);
	if (!c->range) {
		t = c->at > 0 ? c->at : now;
		s->samples = xcalloc(1, sizeof *s->samples);
		s->samples[0].t = t;
		s->samples[0].v = sm_eval(&x, t - sm->t0);
		s->n = 1;
		return;
	}
	if (!(c->step > 0) || !(c->end >= c->start) ||
	    (c->end - c->start) / c->step > SM_MAX_POINTS) {
		a->ok = false;
		errf(a->err, "bad_data: exceeded maximum resolution of 11,000 points per timeseries");
		return;
	}
	n = (size_t)floor((c->end - c->start) / c->step) + 1;
	s->samples = xcalloc(n, sizeof *s->samples);
	for (i = 0; i < n; i++) {
		t = c->start + (double)i * c->step;
		if (t > now)
			break;
		s->samples[i].t = t;
		s->samples[i].v = sm_eval(&x, t - sm->t0);
		s->n++;
	}
}

static void sm_fire(struct loop *l, void *data)
{
	struct sm_call *c = data;
	struct metrics *m = c->m;
	struct sm *sm = m->priv;
	struct metrics_answer a;

	(void)l;
	memset(&a, 0, sizeof a);
	sm_unlink(sm, c);
	sm_answer(sm, c, &a);
	m->status.ever_ok = m->status.ok = true;
	m->status.last_ok = wall_now();
	c->done(&a, c->data);
	promql_result_free(&a.result);
	sm_call_free(c);
}

static uint64_t sm_start(struct metrics *m, struct sm_call *c, metrics_done_fn done, void *data)
{
	struct sm *sm = m->priv;

	c->m = m;
	c->id = ++sm->next_id;
	c->done = done;
	c->data = data;
	c->next = sm->calls;
	sm->calls = c;
	c->timer = loop_add_timer(sm->loop, 0, sm_fire, c);
	return c->id;
}

static uint64_t sm_query(struct metrics *m, const char *expr, double at,
                         metrics_done_fn done, void *data)
{
	struct sm_call *c = xcalloc(1, sizeof *c);

	c->expr = xstrdup(expr ? expr : "");
	c->at = at;
	return sm_start(m, c, done, data);
}

static uint64_t sm_query_range(struct metrics *m, const char *expr, double start, double end,
                               double step, metrics_done_fn done, void *data)
{
	struct sm_call *c = xcalloc(1, sizeof *c);

	c->expr = xstrdup(expr ? expr : "");
	c->range = true;
	c->start = start;
	c->end = end;
	c->step = step;
	return sm_start(m, c, done, data);
}

static void sm_cancel(struct metrics *m, uint64_t id)
{
	struct sm *sm = m->priv;
	struct sm_call *c;

	for (c = sm->calls; c; c = c->next) {
		if (c->id == id) {
			loop_del_timer(sm->loop, c->timer);
			sm_unlink(sm, c);
			sm_call_free(c);
			return;
		}
	}
}

static void sm_free(struct metrics *m)
{
	struct sm *sm = m->priv;

	while (sm->calls) {
		struct sm_call *c = sm->calls;
		loop_del_timer(sm->loop, c->timer);
		sm->calls = c->next;
		sm_call_free(c);
	}
	free(sm);
}

static const struct metrics_ops sm_ops = {
	.kind = "scenario",
	.query = sm_query,
	.query_range = sm_query_range,
	.cancel = sm_cancel,
	.free = sm_free,
};

struct metrics *metrics_scenario_new(struct loop *l)
{
	struct metrics *m = xcalloc(1, sizeof *m);
	struct sm *sm = xcalloc(1, sizeof *sm);

	sm->loop = l;
	sm->t0 = wall_now();
	m->ops = &sm_ops;
	m->priv = sm;
	m->name = xstrdup("demo");
	m->demo = true;
	snprintf(m->status.url, sizeof m->status.url, "demo scenario");
	return m;
}
