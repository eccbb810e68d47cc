/* drill_metrics.c: a drill's metric curves behind the metrics interface
 * (metrics.h), so the SLO and Signals views draw the drill's story. It
 * answers a curve by its exact name (a series name or a whole query) and
 * avg_over_time(NAME[W]) (the mean of 60 samples over the window); anything
 * else answers bad_data, as Prometheus would. Values come from the drill
 * source (worsened by injects, with deterministic noise). Answers arrive
 * from a 0 ms loop timer. */
#include "drill.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

struct dm_call {
	uint64_t id, timer;
	struct metrics *m;            /* borrowed */
	char *expr;                   /* owned */
	bool range;
	double at, start, end, step;
	metrics_done_fn done;
	void *data;                   /* borrowed */
	struct dm_call *next;         /* owned */
};

struct dm {
	struct loop *loop;            /* borrowed */
	struct source *src;           /* borrowed: the drill source */
	uint64_t next_id;
	struct dm_call *calls;        /* owned */
};

/* NAME or avg_over_time(NAME[W]) or a curve named by its whole query.
 * Returns the curve index or -1; *window in scenario seconds. */
static long dm_parse(const struct drill *d, const char *expr, double *window)
{
	static const char avg[] = "avg_over_time(";
	const char *open, *close;
	char *name;
	long k = -1;
	size_t i;

	*window = 0;
	for (i = 0; i < d->n_curves; i++)
		if (!strcmp(d->curves[i].name, expr))
			return (long)i;
	if (strncmp(expr, avg, sizeof avg - 1) != 0)
		return -1;
	expr += sizeof avg - 1;
	open = strchr(expr, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!open || !close || strcmp(close, "])") != 0)
		return -1;
	name = xstrndup(expr, (size_t)(open - expr));
	for (i = 0; i < d->n_curves; i++)
		if (!strcmp(d->curves[i].name, name))
			k = (long)i;
	free(name);
	if (k >= 0) {
		char dur[32], *end;
		double w;

		snprintf(dur, sizeof dur, "%.*s", (int)(close - open - 1), open + 1);
		w = strtod(dur, &end);
		if (end == dur || w <= 0)
			return -1;
		switch (*end) {
		case 'm': w *= 60; break;
		case 'h': w *= 3600; break;
		case 'd': w *= 86400; break;
		case 'w': w *= 604800; break;
		case 's': case '\0': break;
		default: return -1;
		}
		*window = w;
	}
	return k;
}

/* Value at wall time `wall`: the mean over the window in 60 samples, or the point. */
static double dm_eval(const struct dm *dm, long k, double window, double wall)
{
	const struct drill *d = drill_source_drill(dm->src);
	double t = drill_source_now(dm->src) - (wall_now() - wall) * d->speed, sum = 0;
	int i;

	if (window <= 0)
		return drill_source_curve(dm->src, (size_t)k, t, true);
	for (i = 0; i < 60; i++)
		sum += drill_source_curve(dm->src, (size_t)k, t - window * i / 59.0, false);
	return sum / 60;
}

static void dm_answer(struct dm *dm, struct dm_call *c, struct metrics_answer *a)
{
	const struct drill *d = drill_source_drill(dm->src);
	struct promql_series *se;
	double window, now = wall_now();
	long k = dm_parse(d, c->expr, &window);
	size_t n, i;

	a->reached = true;
	if (k < 0) {
		a->result.error_type = xstrdup("bad_data");
		errf(a->err, "bad_data: this drill has no series for this query");
		return;
	}
	a->ok = true;
	a->result.type = c->range ? PROMQL_MATRIX : PROMQL_VECTOR;
	a->result.series = se = xcalloc(1, sizeof *se);
	a->result.n_series = 1;
	labelset_set(&se->metric, "__name__", d->curves[k].name);
	if (!c->range) {
		se->samples = xcalloc(1, sizeof *se->samples);
		se->samples[0].t = c->at > 0 ? c->at : now;
		se->samples[0].v = dm_eval(dm, k, window, se->samples[0].t);
		se->n = 1;
		return;
	}
	if (!(c->step > 0) || !(c->end >= c->start) || (c->end - c->start) / c->step > 11000) {
		a->ok = false;
		errf(a->err, "bad_data: exceeded maximum resolution of 11,000 points per timeseries");
		return;
	}
	n = (size_t)floor((c->end - c->start) / c->step) + 1;
	se->samples = xcalloc(n, sizeof *se->samples);
	for (i = 0; i < n; i++) {
		double t = c->start + (double)i * c->step;

		if (t > now)
			break;
		se->samples[se->n].t = t;
		se->samples[se->n].v = dm_eval(dm, k, window, t);
		se->n++;
	}
}

static void dm_unlink(struct dm *dm, struct dm_call *c)
{
	struct dm_call **pp;

	for (pp = &dm->calls; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			return;
		}
}

static void dm_fire(struct loop *l, void *data)
{
	struct dm_call *c = data;
	struct metrics *m = c->m;
	struct metrics_answer a;

	(void)l;
	memset(&a, 0, sizeof a);
	dm_unlink(m->priv, c);
	dm_answer(m->priv, c, &a);
	m->status.ever_ok = m->status.ok = true;
	m->status.last_ok = wall_now();
	c->done(&a, c->data);
	promql_result_free(&a.result);
	free(c->expr);
	free(c);
}

static uint64_t dm_start(struct metrics *m, struct dm_call *c, const char *expr,
                         metrics_done_fn done, void *data)
{
	struct dm *dm = m->priv;

	c->expr = xstrdup(expr ? expr : "");
	c->m = m;
	c->id = ++dm->next_id;
	c->done = done;
	c->data = data;
	c->next = dm->calls;
	dm->calls = c;
	c->timer = loop_add_timer(dm->loop, 0, dm_fire, c);
	return c->id;
}

static uint64_t dm_query(struct metrics *m, const char *expr, double at, metrics_done_fn done,
                         void *data)
{
	struct dm_call *c = xcalloc(1, sizeof *c);

	c->at = at;
	return dm_start(m, c, expr, done, data);
}

static uint64_t dm_query_range(struct metrics *m, const char *expr, double start, double end,
                               double step, metrics_done_fn done, void *data)
{
	struct dm_call *c = xcalloc(1, sizeof *c);

	c->range = true;
	c->start = start;
	c->end = end;
	c->step = step;
	return dm_start(m, c, expr, done, data);
}

static void dm_cancel(struct metrics *m, uint64_t id)
{
	struct dm *dm = m->priv;
	struct dm_call *c;

	for (c = dm->calls; c; c = c->next)
		if (c->id == id) {
			loop_del_timer(dm->loop, c->timer);
			dm_unlink(dm, c);
			free(c->expr);
			free(c);
			return;
		}
}

static void dm_free(struct metrics *m)
{
	struct dm *dm = m->priv;

	while (dm->calls) {
		struct dm_call *c = dm->calls;

		loop_del_timer(dm->loop, c->timer);
		dm->calls = c->next;
		free(c->expr);
		free(c);
	}
	free(dm);
}

static const struct metrics_ops dm_ops = {
	.kind = "drill",
	.query = dm_query,
	.query_range = dm_query_range,
	.cancel = dm_cancel,
	.free = dm_free,
};

struct metrics *metrics_drill_new(struct loop *l, struct source *src)
{
	struct metrics *m = xcalloc(1, sizeof *m);
	struct dm *dm = xcalloc(1, sizeof *dm);

	dm->loop = l;
	dm->src = src;
	m->ops = &dm_ops;
	m->priv = dm;
	m->name = xstrdup("drill");
	m->demo = true;
	snprintf(m->status.url, sizeof m->status.url, "drill scenario");
	return m;
}
