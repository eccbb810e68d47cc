/* chart.c: draws a line chart (tui.h, struct tui_chart) through tui_put:
 * the title with current/min/max on the first row, y-axis labels on the
 * left, the plot in braille, half blocks or ASCII (chart_model.c does the
 * math), a dashed threshold line, and the time axis on the last row. The
 * plot takes whatever area it is given, so it rescales with the terminal. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define CHART_LABEL_MAX 10

static void chart_stats(const struct tui_chart *c, double *cur, double *mn, double *mx)
{
	size_t i;

	*cur = NAN;
	*mn = INFINITY;
	*mx = -INFINITY;
	for (i = 0; c->v && c->t && i < c->n; i++) {
		double v = c->v[i];
		if (!isfinite(v) || c->t[i] < c->t0 || c->t[i] > c->t1)
			continue;
		*cur = v;
		*mn = fmin(*mn, v);
		*mx = fmax(*mx, v);
	}
	if (isnan(*cur))
		*mn = *mx = NAN;
}

static int chart_header(int y, int x, int w, const struct tui_chart *c)
{
	char cur[24], mn[24], mx[24];
	double vc, vmn, vmx;
	int used = 0;

	chart_stats(c, &vc, &vmn, &vmx);
	tui_chart_fmt(vc, c->unit, cur, sizeof cur);
	tui_chart_fmt(vmn, c->unit, mn, sizeof mn);
	tui_chart_fmt(vmx, c->unit, mx, sizeof mx);
	if (c->title)
		used += tui_put(y, x, TUI_TITLE, c->title, w);
	if (used < w)
		used += tui_putf(y, x + used, TUI_BOLD, w - used, "  %s", cur);
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

void tui_chart_draw(int y, int x, int h, int w, const struct tui_chart *c)
{
	enum tui_chart_mode mode = tui_chart_mode_for(tui_utf8());
	char lab[3][24], glyph[8], t[24];
	double lo, hi;
	bool have;
	int lw = 0, pr, pc, dx, dy, i, r, col, trow = -1;
	unsigned char *cells;

	if (h <= 0 || w <= 0)
		return;
	chart_header(y, x, w, c);
	if (h < 4 || w < 24)
		return;
	have = tui_chart_range(c, &lo, &hi);
	tui_chart_fmt(hi, c->unit, lab[0], sizeof lab[0]);
	tui_chart_fmt((lo + hi) / 2, c->unit, lab[1], sizeof lab[1]);
	tui_chart_fmt(lo, c->unit, lab[2], sizeof lab[2]);
	for (i = 0; i < 3; i++)
		if ((int)strlen(lab[i]) > lw)
			lw = (int)strlen(lab[i]);
	if (lw > CHART_LABEL_MAX)
		lw = CHART_LABEL_MAX;
	pr = h - 2;
	pc = w - lw - 1;
	if (pc < 4)
		return;
	tui_chart_dots(mode, &dx, &dy);
	cells = xcalloc((size_t)pr * (size_t)pc, 1);
	tui_chart_plot(c, lo, hi, pc, pr, dx, dy, cells);
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
			tui_putf(y + 1 + r, x, TUI_DIM, lw, "%*s", lw, l);
		tui_put(y + 1 + r, x + lw, TUI_DIM, tui_glyph_bar(), 1);
		for (col = 0; col < pc; col++) {
			unsigned m = cells[r * pc + col];
			if (m)
				tui_put(y + 1 + r, x + lw + 1 + col, c->role,
				        tui_chart_glyph(mode, m, glyph), 1);
			else if (r == trow)
				tui_put(y + 1 + r, x + lw + 1 + col, TUI_WARNING,
				        mode == TUI_CHART_ASCII ? "-" : "\xe2\x94\x84", 1);
		}
	}
	if (!have)
		tui_put(y + 1 + pr / 2, x + lw + 1 + (pc > 7 ? (pc - 7) / 2 : 0), TUI_DIM, "no data", pc);
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
