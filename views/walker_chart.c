/* walker_chart.c: a runbook promql block's answer: the table of series and
 * values written into the run's output, and with a chart= attribute
 * (```promql {chart=1h}```) the range query's window and step, the first
 * series kept as a chart of the step's run, and drawing it above the table
 * of last values in the Runbook view's output pane. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/promql.h"
#include "../core/text.h"
#include "../core/util.h"
#include "../tui/tui.h"
#include "walker.h"
#include "walker_int.h"

#define WALKER_CHART_POINTS 120
#define WALKER_CHART_MAX_SAMPLES 100000 /* more are dropped (oldest kept) */
#define WALKER_CHART_TITLE_MAX 200

struct walk_chart {
	double *t, *v;        /* owned arrays of n: the first series */
	size_t n;
	double t0, t1;        /* the window asked for */
	char *title;          /* owned, sanitized: series labels and the range */
	char *note;           /* owned or NULL, sanitized: "no data", "N series, first shown" */
};

void walker_chart_window(int64_t chart_ms, double now, double *start, double *end, double *step)
{
	double span = (double)chart_ms / 1000.0, s = span / WALKER_CHART_POINTS;

	if (!(s >= 1.0))
		s = 1.0;
	*step = floor(s);
	/* whole seconds: the times sent (%.3f) are then exactly these, and the
	 * last sample is not rounded past the end of the chart */
	*end = floor(now);
	/* a whole number of steps, so the last point Prometheus evaluates is now */
	*start = *end - ceil(span / *step) * *step;
}

void walker_chart_free(struct walk_chart *c)
{
	if (!c)
		return;
	free(c->t);
	free(c->v);
	free(c->title);
	free(c->note);
	free(c);
}

/* "{job="x", instance="y"}  15m" from a series' labels, sanitized. */
static char *walker_chart_title(const struct promql_series *s, int64_t chart_ms)
{
	struct buf b = {0};
	char range[32], *out;
	size_t k;

	if (s) {
		buf_putc(&b, '{');
		for (k = 0; k < s->metric.n; k++)
			buf_printf(&b, "%s%s=\"%s\"", k ? ", " : "", s->metric.v[k].name,
			           s->metric.v[k].value);
		buf_putc(&b, '}');
	}
	tui_chart_fmt_ago((double)chart_ms / 1000.0, range, sizeof range);
	out = text_sanitize(b.data ? b.data : "", b.len, 0, WALKER_CHART_TITLE_MAX);
	buf_free(&b);
	b = (struct buf){0};
	buf_printf(&b, "%s%slast %s", out, *out ? "  " : "", range[0] == '-' ? range + 1 : range);
	free(out);
	out = xstrdup(b.data);
	buf_free(&b);
	return out;
}

void walker_chart_take(struct walk_run *r, const struct promql_result *res)
{
	const struct promql_series *s = NULL;
	struct walk_chart *c;
	size_t i, n;

	walker_chart_free(r->chart);
	r->chart = c = xcalloc(1, sizeof *c);
	c->t1 = r->chart_end;
	c->t0 = r->chart_end - (double)r->chart_ms / 1000.0;
	if (res && (res->type == PROMQL_MATRIX || res->type == PROMQL_VECTOR ||
	            res->type == PROMQL_SCALAR) && res->n_series)
		s = &res->series[0];
	c->title = walker_chart_title(s, r->chart_ms);
	if (!s || !s->n) {
		c->note = xstrdup("no data");
		return;
	}
	n = s->n;
	if (n > WALKER_CHART_MAX_SAMPLES)
		n = WALKER_CHART_MAX_SAMPLES;
	c->t = xcalloc(n, sizeof *c->t);
	c->v = xcalloc(n, sizeof *c->v);
	for (i = 0; i < n; i++) {
		c->t[i] = s->samples[s->n - n + i].t;
		c->v[i] = s->samples[s->n - n + i].v;
	}
	c->n = n;
	if (res->n_series > 1)
		c->note = xasprintf("%zu series, first shown", res->n_series);
}

int walker_chart_rows(const struct walk_run *r)
{
	return r && r->chart ? WALKER_CHART_ROWS : 0;
}

void walker_chart_draw(const struct walk_run *r, int y, int x, int h, int w)
{
	const struct walk_chart *c = r ? r->chart : NULL;
	struct tui_chart tc;

	if (!c || h <= 0 || w <= 0)
		return;
	memset(&tc, 0, sizeof tc);
	tc.t = c->t;
	tc.v = c->v;
	tc.n = c->n;
	tc.t0 = c->t0;
	tc.t1 = c->t1;
	tc.unit = TUI_UNIT_NONE;
	tc.title = c->title;
	tc.role = TUI_INFO;
	tc.note = c->note;
	tc.note_role = TUI_DIM;
	tui_chart_draw(y, x, h, w, &tc);
}

/* The answer as a small table: one line per series, labels then value. */
void walker_prom_table(struct walk_run *r, const struct promql_result *res)
{
	struct buf b = {0};
	size_t i, k;

	switch (res->type) {
	case PROMQL_STRING:
		buf_printf(&b, "string  %s\n", res->string ? res->string : "");
		break;
	case PROMQL_SCALAR:
		if (res->n_series && res->series[0].n)
			buf_printf(&b, "scalar  %g\n", res->series[0].samples[0].v);
		break;
	default:
		for (i = 0; i < res->n_series; i++) {
			const struct promql_series *s = &res->series[i];

			buf_putc(&b, '{');
			for (k = 0; k < s->metric.n; k++)
				buf_printf(&b, "%s%s=\"%s\"", k ? ", " : "", s->metric.v[k].name,
				           s->metric.v[k].value);
			buf_putc(&b, '}');
			if (s->n)
				buf_printf(&b, "  %g", s->samples[s->n - 1].v);
			buf_putc(&b, '\n');
		}
		if (!res->n_series)
			buf_puts(&b, "(empty result)\n");
		break;
	}
	for (i = 0; i < res->n_warnings; i++)
		buf_printf(&b, "warning: %s\n", res->warnings[i]);
	if (b.len)
		walk_out_append(&r->out, b.data, b.len);
	buf_free(&b);
}
