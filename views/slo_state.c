/* slo_state.c: runs the SLO and golden-signal queries for the SLO and
 * Signals views and `pagetty slo` (see slo_state.h). Curses-free: it talks
 * to a struct metrics (Prometheus or the demo scenario) and core/slo*.h
 * only. Each query carries a small context naming the SLO row or panel it
 * belongs to, so an answer, good or bad, only ever touches its own row. */
#include "slo_state.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"

#define SLO_HIST_POINTS 120
#define SLO_PANEL_POINTS 240
#define SLO_MAX_JOBS 24

const int64_t slo_ranges_s[SLO_NRANGES] = { 15 * 60, 3600, 6 * 3600, 86400 };
const char *const slo_range_names[SLO_NRANGES] = { "15m", "1h", "6h", "24h" };

enum sq_kind { SQ_WINDOW, SQ_PERIOD, SQ_TOTAL, SQ_HIST, SQ_DISC_OBJ, SQ_DISC_PER,
               SQ_PANEL, SQ_JOBS };

/* One query in flight. */
struct slo_query {
	struct slo_live *s;     /* borrowed back pointer */
	enum sq_kind kind;
	size_t src;              /* index into srcs */
	size_t idx;              /* row or panel */
	int which;               /* burn window or signal */
	uint64_t id;
	struct slo_query *next;
};

const char *slo_signal_name(enum slo_signal s)
{
	static const char *names[] = { "latency", "traffic", "errors", "saturation" };

	return (unsigned)s < SLO_SIG_COUNT ? names[s] : "?";
}

static void slo_changed(struct slo_live *s)
{
	s->gen++;
	if (s->on_change)
		s->on_change(s, s->data);
}

static void series_free(struct slo_series *x)
{
	free(x->t);
	free(x->v);
	free(x->label);
	memset(x, 0, sizeof *x);
}

static bool series_result(const struct promql_result *r)
{
	return r->type == PROMQL_MATRIX || r->type == PROMQL_VECTOR || r->type == PROMQL_SCALAR;
}

/* Series i of a matrix or vector, copied (nothing when it has no samples). */
static void series_take(struct slo_series *x, const struct promql_result *r, size_t i)
{
	const struct promql_series *ps;
	size_t k;

	series_free(x);
	if (!series_result(r) || i >= r->n_series || !r->series[i].n)
		return;
	ps = &r->series[i];
	x->t = xcalloc(ps->n, sizeof *x->t);
	x->v = xcalloc(ps->n, sizeof *x->v);
	for (k = 0; k < ps->n; k++) {
		x->t[k] = ps->samples[k].t;
		x->v[k] = ps->samples[k].v;
	}
	x->n = ps->n;
}

static void plot_free(struct slo_plot *p)
{
	for (size_t i = 0; i < SLO_SERIES_MAX; i++)
		series_free(&p->s[i]);
	p->n = p->n_more = 0;
}

/* The first SLO_SERIES_MAX series of an answer, each labelled by what tells
 * it apart from the others drawn. */
static void plot_take(struct slo_plot *p, const struct promql_result *r)
{
	size_t i, n;

	plot_free(p);
	if (!series_result(r))
		return;
	n = r->n_series < SLO_SERIES_MAX ? r->n_series : SLO_SERIES_MAX;
	for (i = 0; i < n; i++) {
		series_take(&p->s[i], r, i);
		if (n > 1)
			p->s[i].label = promql_series_label(r, i, n, SLO_LABEL_MAX);
	}
	p->n = n;
	p->n_more = r->n_series - n;
}

/* ---- queries ---- */

static void slo_answer(struct metrics_answer *a, void *data);

static void slo_ask(struct slo_live *s, size_t src, enum sq_kind kind, size_t idx, int which,
                    const char *expr, double range_s)
{
	struct slo_query *q = xcalloc(1, sizeof *q);
	struct metrics *m = s->srcs[src].m;
	double now = wall_now();

	q->s = s;
	q->src = src;
	q->kind = kind;
	q->idx = idx;
	q->which = which;
	q->next = s->queries;
	s->queries = q;
	if (range_s > 0) {
		double points = kind == SQ_HIST ? SLO_HIST_POINTS : SLO_PANEL_POINTS;
		double step = floor(range_s / points);
		if (step < 1)
			step = 1;
		q->id = m->ops->query_range(m, expr, now - range_s, now, step, slo_answer, q);
	} else {
		q->id = m->ops->query(m, expr, 0, slo_answer, q);
	}
}

static void slo_unlink(struct slo_live *s, struct slo_query *q)
{
	struct slo_query **pp;

	for (pp = &s->queries; *pp; pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			return;
		}
	}
}

size_t slo_live_pending(const struct slo_live *s)
{
	const struct slo_query *q;
	size_t n = 0;

	for (q = s->queries; q; q = q->next)
		n++;
	return n;
}

/* ---- SLO rows ---- */

static void row_round(struct slo_live *s, size_t i)
{
	struct slo_row *r = &s->rows[i];
	const struct slo_def *d = &s->set.v[r->def];
	char win[32];
	char *q;
	int w;

	if (r->pending)
		return;
	if (!slo_queryable(d)) {
		snprintf(r->err, sizeof r->err, "%s",
		         d->sli.note ? d->sli.note
		         : d->indicator_ref ? "SLI not found" : "cannot be queried");
		return;
	}
	if (r->src >= s->n_srcs) {
		snprintf(r->err, sizeof r->err, "no Prometheus configured");
		return;
	}
	memset(&r->in, 0, sizeof r->in);
	r->in.objective = d->objective;
	r->in.window_s = d->window_ms / 1000;
	r->in.window_error_ratio = NAN;
	r->in.total_rate = NAN;
	r->failed = false;
	r->round_err[0] = '\0';
	for (w = 0; w < SLO_NWINDOWS; w++) {
		r->in.error_ratio[w] = NAN;
		q = slo_error_ratio_query(d, slo_window_name((enum slo_window)w));
		if (q) {
			r->pending++;
			slo_ask(s, r->src, SQ_WINDOW, i, w, q, 0);
		}
		free(q);
	}
	slo_window_format(d->window_ms, win, sizeof win);
	q = slo_error_ratio_query(d, win);
	if (q) {
		r->pending++;
		slo_ask(s, r->src, SQ_PERIOD, i, 0, q, 0);
	}
	free(q);
	q = slo_total_query(d, slo_window_name(SLO_TRAFFIC_WINDOW));
	if (q) {
		r->pending++;
		slo_ask(s, r->src, SQ_TOTAL, i, 0, q, 0);
	}
	free(q);
}

static void row_answer(struct slo_live *s, struct slo_query *q, struct metrics_answer *a)
{
	struct slo_row *r = &s->rows[q->idx];
	double v = NAN;

	if (!a->ok) {
		if (!r->failed)
			snprintf(r->round_err, sizeof r->round_err, "%s", a->err);
		r->failed = true;
	} else {
		v = promql_result_value(&a->result);
		if (a->result.type == PROMQL_MATRIX)
			v = NAN;
	}
	switch (q->kind) {
	case SQ_WINDOW: r->in.error_ratio[q->which] = v; break;
	case SQ_PERIOD: r->in.window_error_ratio = v; break;
	case SQ_TOTAL: r->in.total_rate = v; break;
	default: break;
	}
	if (r->pending && --r->pending)
		return;
	if (r->failed) {
		r->stale = r->have;
		snprintf(r->err, sizeof r->err, "%s", r->round_err);
		return;
	}
	slo_evaluate(&r->in, &r->ev);
	r->have = true;
	r->stale = false;
	r->err[0] = '\0';
	r->updated = wall_now();
	if (r->hist_asked)
		slo_live_history(s, q->idx);
}

/* Rows for the SLOs added to the set, querying source src. */
static void rows_sync(struct slo_live *s, size_t src)
{
	size_t i;

	if (s->n_rows == s->set.n)
		return;
	s->rows = xrealloc(s->rows, s->set.n * sizeof *s->rows);
	for (i = s->n_rows; i < s->set.n; i++) {
		memset(&s->rows[i], 0, sizeof s->rows[i]);
		s->rows[i].def = i;
		s->rows[i].src = src;
	}
	s->n_rows = s->set.n;
}

void slo_live_history(struct slo_live *s, size_t i)
{
	struct slo_row *r;
	const struct slo_def *d;
	char win[32];
	char *q;

	if (i >= s->n_rows)
		return;
	r = &s->rows[i];
	d = &s->set.v[r->def];
	r->hist_asked = true;
	if (r->hist_pending || r->src >= s->n_srcs || !slo_queryable(d))
		return;
	slo_window_format(d->window_ms, win, sizeof win);
	q = slo_error_ratio_query(d, win);
	if (!q)
		return;
	r->hist_pending = true;
	slo_ask(s, r->src, SQ_HIST, i, 0, q, (double)d->window_ms / 1000.0);
	free(q);
}

static void hist_answer(struct slo_live *s, struct slo_query *q, struct metrics_answer *a)
{
	struct slo_row *r = &s->rows[q->idx];
	double obj = s->set.v[r->def].objective;
	size_t i;

	r->hist_pending = false;
	if (!a->ok) {
		snprintf(r->hist_err, sizeof r->hist_err, "%s", a->err);
		return;
	}
	r->hist_err[0] = '\0';
	series_take(&r->hist, &a->result, 0);
	for (i = 0; i < r->hist.n; i++)
		r->hist.v[i] = slo_budget_remaining(r->hist.v[i], obj);
}

/* ---- Sloth rule discovery ---- */

/* On every server: its SLOs are queried there. */
static void disc_start(struct slo_live *s)
{
	size_t i;

	for (i = 0; i < s->n_srcs && !s->demo; i++) {
		struct slo_src *src = &s->srcs[i];

		if (src->disc_pending)
			continue;
		promql_result_free(&src->disc_obj);
		promql_result_free(&src->disc_per);
		src->disc_pending = 2;
		slo_ask(s, i, SQ_DISC_OBJ, 0, 0, "slo:objective:ratio", 0);
		slo_ask(s, i, SQ_DISC_PER, 0, 0, "slo:time_period:days", 0);
	}
}

static void disc_answer(struct slo_live *s, struct slo_query *q, struct metrics_answer *a)
{
	struct slo_src *src = &s->srcs[q->src];
	size_t i, before = s->n_rows;

	if (a->ok) {
		if (q->kind == SQ_DISC_OBJ)
			src->disc_obj = a->result;
		else
			src->disc_per = a->result;
		memset(&a->result, 0, sizeof a->result);
	} else {
		snprintf(src->disc_err, sizeof src->disc_err, "%s", a->err);
	}
	if (--src->disc_pending)
		return;
	slo_discover_sloth(&s->set, &src->disc_obj,
	                   src->disc_per.type == PROMQL_VECTOR ? &src->disc_per : NULL,
	                   src->m->name);
	rows_sync(s, q->src);
	for (i = before; i < s->n_rows; i++)
		row_round(s, i);
}

/* ---- golden-signal panels ---- */

static void panel_add(struct slo_live *s, const struct signal_cfg *c, size_t src)
{
	struct slo_panel *p;
	int k;

	s->panels = xrealloc(s->panels, (s->n_panels + 1) * sizeof *s->panels);
	p = &s->panels[s->n_panels++];
	memset(p, 0, sizeof *p);
	p->service = xstrdup(c->service ? c->service : "?");
	p->src = src;
	for (k = 0; k < SLO_SIG_COUNT; k++)
		p->thr[k] = c->thresholds[k];
	p->expr[SLO_SIG_LATENCY] = xstrdup(c->latency);
	p->expr[SLO_SIG_TRAFFIC] = xstrdup(c->traffic);
	p->expr[SLO_SIG_ERRORS] = xstrdup(c->errors);
	p->expr[SLO_SIG_SATURATION] = xstrdup(c->saturation);
}

/* Panels for a scraped job from the common metric names. */
static void panel_add_job(struct slo_live *s, const char *job)
{
	char *j = promql_quote(job);
	struct signal_cfg c = {
		.service = (char *)job,
		.latency = xasprintf("histogram_quantile(0.99, sum by (le) "
		                     "(rate(http_request_duration_seconds_bucket{job=%s}[5m])))", j),
		.traffic = xasprintf("sum(rate(http_requests_total{job=%s}[5m])) or "
		                     "sum(rate(http_request_duration_seconds_count{job=%s}[5m]))", j, j),
		.errors = xasprintf("sum(rate(http_requests_total{job=%s,code=~\"5..\"}[5m])) / "
		                    "sum(rate(http_requests_total{job=%s}[5m]))", j, j),
		.saturation = xasprintf("max(process_open_fds{job=%s} / process_max_fds{job=%s}) or "
		                        "max(rate(process_cpu_seconds_total{job=%s}[5m]))", j, j, j),
	};

	panel_add(s, &c, 0);
	free(c.latency);
	free(c.traffic);
	free(c.errors);
	free(c.saturation);
	free(j);
}

static void panels_round(struct slo_live *s)
{
	size_t i;
	int k;

	if (!s->n_srcs)
		return;
	if (s->panels_from_jobs && !s->jobs_pending) {
		s->jobs_pending = true;
		slo_ask(s, 0, SQ_JOBS, 0, 0, "count by (job) (up)", 0);
	}
	for (i = 0; i < s->n_panels; i++) {
		for (k = 0; k < SLO_SIG_COUNT; k++) {
			struct slo_panel *p = &s->panels[i];
			if (!p->expr[k] || p->pending[k])
				continue;
			p->pending[k] = true;
			slo_ask(s, p->src, SQ_PANEL, i, k, p->expr[k], (double)slo_ranges_s[s->range]);
		}
	}
}

static void jobs_answer(struct slo_live *s, struct metrics_answer *a)
{
	size_t i, j, before = s->n_panels;

	s->jobs_pending = false;
	if (!a->ok) {
		snprintf(s->jobs_err, sizeof s->jobs_err, "%s", a->err);
		return;
	}
	s->jobs_err[0] = '\0';
	for (i = 0; i < a->result.n_series && s->n_panels < SLO_MAX_JOBS; i++) {
		const char *job = labelset_get(&a->result.series[i].metric, "job");
		bool have = false;

		if (!job || !*job)
			continue;
		for (j = 0; j < s->n_panels && !have; j++)
			have = !strcmp(s->panels[j].service, job);
		if (!have)
			panel_add_job(s, job);
	}
	if (s->n_panels != before)
		panels_round(s);
}

static void panel_answer(struct slo_live *s, struct slo_query *q, struct metrics_answer *a)
{
	struct slo_panel *p = &s->panels[q->idx];
	int k = q->which;

	p->pending[k] = false;
	if (!a->ok) {
		p->stale[k] = p->have[k];
		snprintf(p->err[k], sizeof p->err[k], "%s", a->err);
		return;
	}
	plot_take(&p->data[k], &a->result);
	p->have[k] = true;
	p->stale[k] = false;
	p->err[k][0] = '\0';
	p->end = wall_now();
	p->start = p->end - (double)slo_ranges_s[s->range];
}

static void slo_answer(struct metrics_answer *a, void *data)
{
	struct slo_query *q = data;
	struct slo_live *s = q->s;

	slo_unlink(s, q);
	switch (q->kind) {
	case SQ_WINDOW:
	case SQ_PERIOD:
	case SQ_TOTAL: row_answer(s, q, a); break;
	case SQ_HIST: hist_answer(s, q, a); break;
	case SQ_DISC_OBJ:
	case SQ_DISC_PER: disc_answer(s, q, a); break;
	case SQ_PANEL: panel_answer(s, q, a); break;
	case SQ_JOBS: jobs_answer(s, a); break;
	}
	free(q);
	slo_changed(s);
}

/* ---- life ---- */

static int slo_load_globs(struct slo_live *s, char err[ERR_MAX])
{
	size_t i, j;

	for (i = 0; i < s->cfg->n_slo_files; i++) {
		glob_t g;
		const char *pat = s->cfg->slo_files[i];
		/* A pattern that matches nothing is fine; a plain name that is
		 * missing is an error. */
		int rc = glob(pat, strpbrk(pat, "*?[") ? 0 : GLOB_NOCHECK, NULL, &g);

		if (rc != 0) {
			if (rc != GLOB_NOMATCH)
				globfree(&g);
			continue;
		}
		for (j = 0; j < g.gl_pathc; j++) {
			if (slo_load_file(&s->set, g.gl_pathv[j], err) < 0) {
				globfree(&g);
				return -1;
			}
		}
		globfree(&g);
	}
	return 0;
}

/* The source a `prometheus: NAME` names (the config checked that it
 * exists); NULL or the demo: the first. */
static size_t src_index(const struct slo_live *s, const char *name)
{
	for (size_t i = 0; name && !s->demo && i < s->cfg->n_prom && i < s->n_srcs; i++)
		if (!strcmp(s->cfg->prom[i].name, name))
			return i;
	return 0;
}

static void src_add(struct slo_live *s, struct metrics *m)
{
	s->srcs = xrealloc(s->srcs, (s->n_srcs + 1) * sizeof *s->srcs);
	memset(&s->srcs[s->n_srcs], 0, sizeof *s->srcs);
	s->srcs[s->n_srcs++].m = m;
	s->metrics = s->srcs[0].m;
}

struct slo_live *slo_live_new(struct config *cfg, struct loop *l, struct http *h,
                                bool demo, bool keep_going, char err[ERR_MAX])
{
	struct slo_live *s = xcalloc(1, sizeof *s);
	const struct signal_cfg *sig = cfg->signals;
	size_t n_sig = cfg->n_signals, i;
	char lerr[ERR_MAX];

	s->cfg = cfg;
	s->loop = l;
	s->demo = demo;
	s->range = 1;
	if (demo) {
		const char *y = scenario_slo_yaml();

		src_add(s, metrics_scenario_new(l));
		if (slo_parse(&s->set, y, strlen(y), "demo", lerr) < 0)
			snprintf(s->load_err, sizeof s->load_err, "%s", lerr);
		sig = scenario_signals(&n_sig);
	} else {
		for (i = 0; i < cfg->n_prom; i++)
			src_add(s, metrics_prom_new(l, h, &cfg->prom[i]));
		if (slo_load_globs(s, lerr) < 0) {
			char *clean = text_clean(lerr);

			snprintf(s->load_err, sizeof s->load_err, "%s", clean);
			free(clean);
			if (!keep_going) {
				snprintf(err, ERR_MAX, "%s", s->load_err);
				slo_live_free(s);
				return NULL;
			}
		}
	}
	for (i = 0; i < n_sig; i++)
		panel_add(s, &sig[i], src_index(s, sig[i].prometheus));
	s->panels_from_jobs = !n_sig && !demo;
	rows_sync(s, src_index(s, cfg->slo_prometheus));
	return s;
}

/* Forget the queries in flight on source src (all when src is SIZE_MAX). */
static void slo_cancel_src(struct slo_live *s, size_t src)
{
	struct slo_query **pp = &s->queries;

	while (*pp) {
		struct slo_query *q = *pp;

		if (src != SIZE_MAX && q->src != src) {
			pp = &q->next;
			continue;
		}
		*pp = q->next;
		s->srcs[q->src].m->ops->cancel(s->srcs[q->src].m, q->id);
		free(q);
	}
}

void slo_live_set_metrics(struct slo_live *s, struct metrics *m)
{
	if (!s->n_srcs) {
		src_add(s, m);
		return;
	}
	slo_cancel_src(s, 0);
	metrics_free(s->srcs[0].m);
	s->srcs[0].m = m;
	s->srcs[0].disc_pending = 0;
	s->metrics = m;
	/* What was in flight there is not coming back. */
	for (size_t i = 0; i < s->n_rows; i++) {
		if (s->rows[i].src == 0) {
			s->rows[i].pending = 0;
			s->rows[i].hist_pending = false;
		}
	}
	for (size_t i = 0; i < s->n_panels; i++)
		if (s->panels[i].src == 0)
			memset(s->panels[i].pending, 0, sizeof s->panels[i].pending);
	s->jobs_pending = false;
}

void slo_live_free(struct slo_live *s)
{
	size_t i;
	int k;

	if (!s)
		return;
	if (s->timer)
		loop_del_timer(s->loop, s->timer);
	slo_cancel_src(s, SIZE_MAX);
	for (i = 0; i < s->n_srcs; i++) {
		metrics_free(s->srcs[i].m);
		promql_result_free(&s->srcs[i].disc_obj);
		promql_result_free(&s->srcs[i].disc_per);
	}
	free(s->srcs);
	for (i = 0; i < s->n_rows; i++)
		series_free(&s->rows[i].hist);
	free(s->rows);
	for (i = 0; i < s->n_panels; i++) {
		free(s->panels[i].service);
		for (k = 0; k < SLO_SIG_COUNT; k++) {
			free(s->panels[i].expr[k]);
			plot_free(&s->panels[i].data[k]);
		}
	}
	free(s->panels);
	slo_set_free(&s->set);
	free(s);
}

void slo_live_refresh(struct slo_live *s)
{
	size_t i;

	disc_start(s);
	for (i = 0; i < s->n_rows; i++)
		row_round(s, i);
	if (s->signals_on)
		panels_round(s);
	slo_changed(s);
}

static void slo_timer(struct loop *l, void *data)
{
	struct slo_live *s = data;

	s->timer = loop_add_timer(l, s->cfg->refresh_ms > 0 ? s->cfg->refresh_ms : 15000,
	                          slo_timer, s);
	slo_live_refresh(s);
}

void slo_live_start_timer(struct slo_live *s)
{
	if (s->timer)
		loop_del_timer(s->loop, s->timer);
	slo_timer(s->loop, s);
}

const struct slo_def *slo_live_def(const struct slo_live *s, const struct slo_row *r)
{
	return &s->set.v[r->def];
}

static const struct slo_live *sort_state; /* qsort has no context argument */

static double sort_key(const struct slo_row *r)
{
	return r->have && !isnan(r->ev.budget_remaining) ? r->ev.budget_remaining : INFINITY;
}

static int sort_cmp(const void *pa, const void *pb)
{
	const struct slo_row *a = &sort_state->rows[*(const size_t *)pa];
	const struct slo_row *b = &sort_state->rows[*(const size_t *)pb];
	const struct slo_def *da = slo_live_def(sort_state, a), *db = slo_live_def(sort_state, b);
	double ka = sort_key(a), kb = sort_key(b);
	int c;

	if (ka != kb)
		return ka < kb ? -1 : 1;
	c = strcmp(da->service, db->service);
	return c ? c : strcmp(da->name, db->name);
}

void slo_live_sorted(const struct slo_live *s, size_t *order)
{
	size_t i;

	for (i = 0; i < s->n_rows; i++)
		order[i] = i;
	sort_state = s;
	if (s->n_rows > 1)
		qsort(order, s->n_rows, sizeof *order, sort_cmp);
	sort_state = NULL;
}

size_t slo_live_burning(const struct slo_live *s, size_t *pages, size_t *tickets)
{
	size_t i, p = 0, t = 0;

	for (i = 0; s && i < s->n_rows; i++) {
		if (!s->rows[i].have)
			continue;
		if (s->rows[i].ev.state == SLO_STATE_PAGE)
			p++;
		else if (s->rows[i].ev.state == SLO_STATE_TICKET)
			t++;
	}
	if (pages)
		*pages = p;
	if (tickets)
		*tickets = t;
	return p + t;
}

void slo_live_signals(struct slo_live *s, bool on)
{
	s->signals_on = on;
	if (on)
		panels_round(s);
}

void slo_live_range(struct slo_live *s, int delta)
{
	struct slo_query **pp = &s->queries;
	size_t i;

	s->range = (s->range + SLO_NRANGES + delta) % SLO_NRANGES;
	/* Answers for the old range are no use now. */
	while (*pp) {
		struct slo_query *q = *pp;
		if (q->kind == SQ_PANEL) {
			*pp = q->next;
			s->srcs[q->src].m->ops->cancel(s->srcs[q->src].m, q->id);
			s->panels[q->idx].pending[q->which] = false;
			free(q);
		} else {
			pp = &q->next;
		}
	}
	for (i = 0; i < s->n_panels; i++) {
		int k;
		for (k = 0; k < SLO_SIG_COUNT; k++)
			s->panels[i].have[k] = false;
	}
	panels_round(s);
	slo_changed(s);
}
