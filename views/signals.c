/* signals.c: the Signals view (`3`): for the selected service, four range
 * charts (latency, traffic, errors, saturation) in a 2x2 grid (stacked when
 * narrow), each up to SLO_SERIES_MAX series with a legend and the service's
 * threshold for it; services from the config's `signals:`, the demo's, or offered
 * from the jobs Prometheus scrapes. `[` / `]` (or `r`) switch the range
 * 15m/1h/6h/24h, j/k or Tab the service. Data lives in struct slo_live;
 * this file only draws and maps keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "slo_state.h"
#include "views.h"

struct signals_view {
	struct app *app;   /* borrowed: to stop the queries when the view closes */
	size_t sel;        /* selected panel */
};

static const enum tui_chart_unit sig_units[SLO_SIG_COUNT] = {
	TUI_UNIT_SECONDS, TUI_UNIT_RATE, TUI_UNIT_RATIO, TUI_UNIT_RATIO,
};

static void signals_chart(struct slo_live *s, const struct slo_panel *p, int k,
                          int y, int x, int h, int w)
{
	struct tui_chart_series series[SLO_SERIES_MAX];
	const struct slo_plot *d = &p->data[k];
	struct tui_chart c;
	char note[ERR_MAX + 16];
	double now = wall_now();
	size_t i;

	memset(&c, 0, sizeof c);
	for (i = 0; i < d->n; i++) {
		series[i].t = d->s[i].t;
		series[i].v = d->s[i].v;
		series[i].n = d->s[i].n;
		series[i].label = d->s[i].label;
	}
	c.series = series;
	c.n_series = d->n;
	c.n_more = d->n_more;
	c.has_threshold = p->thr[k].set;
	c.threshold = p->thr[k].value;
	c.t1 = p->have[k] && p->end > 0 ? p->end : now;
	c.t0 = c.t1 - (double)slo_ranges_s[s->range];
	c.unit = sig_units[k];
	c.title = slo_signal_name((enum slo_signal)k);
	c.role = k == SLO_SIG_ERRORS ? TUI_ERROR : k == SLO_SIG_LATENCY ? TUI_WARNING : TUI_INFO;
	if (!p->expr[k]) {
		c.note = "not configured";
		c.note_role = TUI_DIM;
	} else if (p->err[k][0]) {
		char *e = text_clean(p->err[k]);
		snprintf(note, sizeof note, "%s: %s", p->stale[k] ? "STALE" : "error", e);
		free(e);
		c.note = note;
		c.note_role = TUI_STALE;
	} else if (p->pending[k] && !p->have[k]) {
		c.note = "loading";
		c.note_role = TUI_DIM;
	}
	tui_chart_draw(y, x, h, w, &c);
}

static void signals_draw(struct app *a, struct view *v, int y, int h, int w)
{
	struct signals_view *p = v->priv;
	struct slo_live *s = a->slo;
	const struct slo_panel *pn;
	size_t i;
	int x, k, ch, cw;

	if (!s) {
		tui_put(y + 1, 2, TUI_ERROR, "Signals are not available", w - 4);
		return;
	}
	x = tui_putf(y, 2, TUI_TITLE, w - 4, "Signals  range %s ", slo_range_names[s->range]) + 2;
	for (i = 0; i < s->n_panels && x < w - 2; i++) {
		char *svc = text_clean(s->panels[i].service);
		x += tui_putf(y, x, i == p->sel ? TUI_SELECTED : TUI_DIM, w - 2 - x, " %s ", svc);
		free(svc);
	}
	if (!s->n_panels) {
		if (!s->metrics)
			tui_put(y + 2, 2, TUI_BOLD, "No Prometheus configured: add a prometheus: source "
			        "and signals: panels to the config.", w - 4);
		else if (s->jobs_err[0])
			tui_putf(y + 2, 2, TUI_STALE, w - 4, "Cannot list scraped jobs: %s", s->jobs_err);
		else
			tui_put(y + 2, 2, TUI_DIM, s->jobs_pending ? "Looking for scraped jobs..."
			        : "No services configured (signals: in the config) and no scraped jobs found.",
			        w - 4);
		return;
	}
	if (p->sel >= s->n_panels)
		p->sel = s->n_panels - 1;
	pn = &s->panels[p->sel];
	if (s->panels_from_jobs)
		tui_put(y + 1, 2, TUI_DIM, "panels offered from the jobs Prometheus scrapes "
		        "(configure signals: for your own queries)", w - 4);
	y += 2;
	h -= 2;
	if (w >= 100 && h >= 12) {
		ch = h / 2;
		cw = (w - 3) / 2;
		for (k = 0; k < SLO_SIG_COUNT; k++)
			signals_chart(s, pn, k, y + (k / 2) * ch, 1 + (k % 2) * (cw + 1), ch - 1, cw);
	} else {
		ch = h / SLO_SIG_COUNT;
		for (k = 0; k < SLO_SIG_COUNT; k++)
			signals_chart(s, pn, k, y + k * ch, 1, ch - (ch > 4), w - 2);
	}
}

static bool signals_command(struct app *a, struct view *v, const char *name, const char *args)
{
	struct signals_view *p = v->priv;
	size_t n = a->slo ? a->slo->n_panels : 0;

	(void)args;
	if (!strcmp(name, "down") || !strcmp(name, "next-service")) {
		if (n)
			p->sel = (p->sel + 1) % n;
	} else if (!strcmp(name, "up") || !strcmp(name, "prev-service")) {
		if (n)
			p->sel = (p->sel + n - 1) % n;
	} else if (!strcmp(name, "range-next") && a->slo) {
		slo_live_range(a->slo, 1);
	} else if (!strcmp(name, "range-prev") && a->slo) {
		slo_live_range(a->slo, -1);
	} else if (!strcmp(name, "back")) {
		app_pop(a);
	} else {
		return false;
	}
	app_dirty(a);
	return true;
}

static void signals_free(struct view *v)
{
	struct signals_view *p = v->priv;

	if (p->app->slo)
		slo_live_signals(p->app->slo, false);
	free(p);
}

static const struct app_binding signals_keys[] = {
	{ 'j', "down", "next service" },
	{ TUI_KEY_DOWN, "down", "next service" },
	{ TUI_KEY_TAB, "next-service", "next service" },
	{ 'k', "up", "previous service" },
	{ TUI_KEY_UP, "up", "previous service" },
	{ TUI_KEY_BTAB, "prev-service", "previous service" },
	{ ']', "range-next", "longer range (15m, 1h, 6h, 24h)" },
	{ 'r', "range-next", "next range (15m, 1h, 6h, 24h)" },
	{ '[', "range-prev", "shorter range" },
	{ TUI_KEY_ESC, "back", "back to the Alerts view" },
	{ 0, NULL, NULL },
};

const struct view_ops signals_view = {
	.name = "signals",
	.draw = signals_draw,
	.command = signals_command,
	.free = signals_free,
	.keys = signals_keys,
	.hint = "j/k service  [ ] range  2 SLOs  1 alerts  ? help",
};

void signals_view_open(struct app *a)
{
	struct signals_view *p = xcalloc(1, sizeof *p);

	p->app = a;
	slo_views_start(a);
	if (a->slo)
		slo_live_signals(a->slo, true);
	app_push(a, &signals_view, p);
}
