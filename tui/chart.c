/* chart.c: draws a line chart (tui.h, struct tui_chart) through tui_put:
 * the title with current/min/max on the first row, a legend row when there
 * are several series, y-axis labels on the left, the plot in braille, half
 * blocks or ASCII (chart_model.c does the math), a dashed threshold line,
 * and the time axis on the last row. The
 * plot takes whatever area it is given, so it rescales with the terminal. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "tui.h"

#define CHART_LABEL_MAX 10

/* Title, then the current value (red over the threshold) when there is one
 * series, min/max over all, the threshold and the note. */
static int chart_header(int y, int x, int w, const struct tui_chart *c)
{
	char cur[24], mn[24], mx[24];
	double vc, vmn = INFINITY, vmx = -INFINITY, a, b;
	size_t i, ns = tui_chart_nseries(c);
	int used = 0;

	for (i = 0; i < ns; i++) {
		tui_chart_stats(c, i, &vc, &a, &b);
		if (!isnan(vc)) {
			vmn = fmin(vmn, a);
			vmx = fmax(vmx, b);
		}
	}
	if (vmn > vmx)
		vmn = vmx = NAN;
	tui_chart_stats(c, 0, &vc, &a, &b);
	tui_chart_fmt(vc, c->unit, cur, sizeof cur);
	tui_chart_fmt(vmn, c->unit, mn, sizeof mn);
	tui_chart_fmt(vmx, c->unit, mx, sizeof mx);
	if (c->title)
		used += tui_put(y, x, TUI_TITLE, c->title, w);
	if (used < w && ns == 1)
		used += tui_putf(y, x + used, tui_chart_over(c, vc) ? TUI_CRITICAL : TUI_BOLD,
		                 w - used, "  %s", cur);
	if (used < w)
		used += tui_putf(y, x + used, TUI_DIM, w - used, "  min %s  max %s", mn, mx);
	if (c->has_threshold && used < w) {
		char th[24];
		tui_chart_fmt(c->threshold, c->unit, th, sizeof th);
		used += tui_putf(y, x + used, TUI_WARNING, w - used, "  threshold %s", th);
	}
	if (c->note && used < w)
		used += tui_putf(y, x + used, c->note_role, w - used, "  %s", c->note);
	return used;
}

/* One line naming each series: its mark in its colour, its label (cut to
 * share the width), its current value (red over the threshold); "+N more". */
static void chart_legend(int y, int x, int w, const struct tui_chart *c, enum tui_chart_mode mode,
                         bool plain)
{
	size_t i, ns = tui_chart_nseries(c);
	int used = 0, each = (w - (c->n_more ? 10 : 0)) / (int)ns - 12;
	char buf[8], cur[24];

	if (each < 6)
		each = 6;
	for (i = 0; i < ns && used < w; i++) {
		struct tui_chart_series s = tui_chart_series_at(c, i);
		double vc, a, b;
		char *label = text_trunc(s.label && *s.label ? s.label : "(series)", (size_t)each,
		                         false, tui_utf8());

		tui_chart_stats(c, i, &vc, &a, &b);
		tui_chart_fmt(vc, c->unit, cur, sizeof cur);
		used += tui_put(y, x + used, tui_chart_series_role(c, i),
		                tui_chart_series_mark(mode, i, plain, buf), w - used);
		if (used < w)
			used += tui_putf(y, x + used, TUI_DIM, w - used, " %s ", label);
		if (used < w)
			used += tui_putf(y, x + used, tui_chart_over(c, vc) ? TUI_CRITICAL : TUI_BOLD,
			                 w - used, "%s  ", cur);
		free(label);
	}
	if (c->n_more && used < w)
		tui_putf(y, x + used, TUI_DIM, w - used, "+%zu more", c->n_more);
}

void tui_chart_draw(int y, int x, int h, int w, const struct tui_chart *c)
{
	enum tui_chart_mode mode = tui_chart_mode_for(tui_utf8());
	bool plain = !tui_color();
	size_t ns = tui_chart_nseries(c), si;
	char lab[3][24], glyph[8], t[24];
	double lo, hi;
	bool have, legend;
	int lw = 0, pr, pc, dx, dy, i, r, col, trow = -1, top;
	unsigned char *cells;

	if (h <= 0 || w <= 0)
		return;
	chart_header(y, x, w, c);
	if (h < 4 || w < 24)
		return;
	legend = (ns > 1 || c->n_more) && h >= 6;
	if (legend)
		chart_legend(y + 1, x, w, c, mode, plain);
	top = y + 1 + legend;
	have = tui_chart_range(c, &lo, &hi);
	tui_chart_fmt(hi, c->unit, lab[0], sizeof lab[0]);
	tui_chart_fmt((lo + hi) / 2, c->unit, lab[1], sizeof lab[1]);
	tui_chart_fmt(lo, c->unit, lab[2], sizeof lab[2]);
	for (i = 0; i < 3; i++)
		if ((int)strlen(lab[i]) > lw)
			lw = (int)strlen(lab[i]);
	if (lw > CHART_LABEL_MAX)
		lw = CHART_LABEL_MAX;
	pr = h - 2 - legend;
	pc = w - lw - 1;
	if (pc < 4)
		return;
	tui_chart_dots(mode, &dx, &dy);
	/* One layer of dot cells per series; where they meet, the first wins. */
	cells = xcalloc(ns * (size_t)pr * (size_t)pc, 1);
	for (si = 0; si < ns; si++)
		tui_chart_plot_series(c, si, lo, hi, pc, pr, dx, dy, cells + si * (size_t)pr * (size_t)pc);
	if (c->has_threshold)
		trow = tui_chart_row(c->threshold, lo, hi, pr);
	for (r = 0; r < pr; r++) {
		const char *l = NULL;

		if (r == 0)
			l = lab[0];
		else if (r == pr - 1)
			l = lab[2];
		else if (pr >= 5 && r == (pr - 1) / 2 && (pr - 1) % 2 == 0)
			l = lab[1];
		if (l && have)
			tui_putf(top + r, x, TUI_DIM, lw, "%*s", lw, l);
		tui_put(top + r, x + lw, TUI_DIM, tui_glyph_bar(), 1);
		for (col = 0; col < pc; col++) {
			unsigned m = 0;

			for (si = 0; si < ns && !m; si++)
				m = cells[si * (size_t)pr * (size_t)pc + (size_t)(r * pc + col)];
			if (m)
				tui_put(top + r, x + lw + 1 + col, tui_chart_series_role(c, si - 1),
				        tui_chart_series_glyph(mode, si - 1, plain, m, glyph), 1);
			else if (r == trow)
				tui_put(top + r, x + lw + 1 + col, TUI_WARNING,
				        mode == TUI_CHART_ASCII ? "-" : "\xe2\x94\x84", 1);
		}
	}
	if (!have)
		tui_put(top + pr / 2, x + lw + 1 + (pc > 7 ? (pc - 7) / 2 : 0), TUI_DIM, "no data", pc);
	/* Time axis: the span's start, its middle, now. */
	tui_chart_fmt_ago(c->t1 - c->t0, t, sizeof t);
	tui_put(y + h - 1, x + lw + 1, TUI_DIM, t, pc);
	if (pc > 30) {
		tui_chart_fmt_ago((c->t1 - c->t0) / 2, t, sizeof t);
		tui_put(y + h - 1, x + lw + 1 + pc / 2 - (int)strlen(t) / 2, TUI_DIM, t, -1);
	}
	tui_put(y + h - 1, x + lw + 1 + pc - 3, TUI_DIM, "now", 3);
	free(cells);
}
