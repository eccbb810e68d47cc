/* chart.c: draws a line chart (tui.h, struct tui_chart) through tui_put:
 * the title with current/min/max on the first row, a legend row when there
 * are several series (or the legend on the first row when the chart is too
 * low for one; nothing on those rows is cut mid-word), y-axis labels on the left, the plot in braille, half
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

#define CHART_LABEL_MIN 3   /* columns a legend label keeps at least */
#define CHART_NOTE_MIN 12   /* columns of a note (STALE: reason) shown at least */

/* The legend laid out in w columns. */
struct chart_legend {
	size_t ns;
	char cur[TUI_CHART_SERIES_MAX][24];    /* each series' current value */
	int lw[TUI_CHART_SERIES_MAX];          /* each label's columns */
	char more[32];                         /* "+N more" or "" */
	bool values;                           /* labels as their values alone */
	int width;                             /* columns it takes */
};

static const char *chart_label(const struct tui_chart *c, size_t i)
{
	struct tui_chart_series s = tui_chart_series_at(c, i);

	return s.label && *s.label ? s.label : "(series)";
}

/* Fit the legend into w columns: each entry is its mark, its label and its
 * current value; "+N more" at the end. Labels share what the rest leaves
 * (tui_chart_share); when one does not fit whole, all fall back to their
 * values alone (tui_chart_label_fit), then to an ellipsis. False when even CHART_LABEL_MIN columns
 * per label do not fit; lg then holds that narrowest layout. */
static bool chart_legend_fit(const struct tui_chart *c, int w, struct chart_legend *lg)
{
	int want[TUI_CHART_SERIES_MAX], fixed = 0, sum = 0, pass;
	size_t i;
	bool ok = true;

	memset(lg, 0, sizeof *lg);
	lg->ns = tui_chart_nseries(c);
	for (i = 0; i < lg->ns; i++) {
		double vc, a, b;

		tui_chart_stats(c, i, &vc, &a, &b);
		tui_chart_fmt(vc, c->unit, lg->cur[i], sizeof lg->cur[i]);
		/* mark, space, label, space, value; two spaces before the next */
		fixed += 3 + (int)text_width(lg->cur[i]) + (i ? 2 : 0);
		want[i] = (int)text_width(chart_label(c, i));
	}
	if (c->n_more) {
		snprintf(lg->more, sizeof lg->more, "+%zu more", c->n_more);
		fixed += 2 + (int)strlen(lg->more);
	}
	/* When one label is cut short, all are wanted at the width of their
	 * values alone ("200", "500": alike, and what tells them apart). */
	for (pass = 0; pass < 2; pass++) {
		bool cut = false;

		ok = tui_chart_share(w - fixed, lg->ns, want, CHART_LABEL_MIN, lg->lw);
		for (i = 0; i < lg->ns; i++)
			cut |= lg->lw[i] < want[i];
		if (!cut)
			break;
		for (i = 0; i < lg->ns; i++)
			want[i] = tui_chart_label_want(chart_label(c, i), 0);
		lg->values = true;
	}
	for (i = 0; i < lg->ns; i++) {
		if (lg->lw[i] > want[i])
			lg->lw[i] = want[i];
		sum += lg->lw[i];
	}
	lg->width = fixed + sum;
	return ok;
}

/* Draw a fitted legend: each mark in its series' colour, its label, its
 * current value (red over the threshold); "+N more". */
static int chart_legend_draw(int y, int x, int w, const struct tui_chart *c,
                             const struct chart_legend *lg, enum tui_chart_mode mode, bool plain)
{
	int used = 0;
	size_t i;
	char buf[8];

	for (i = 0; i < lg->ns && used < w; i++) {
		double vc, a, b;
		char *label = lg->values ? tui_chart_label_values(chart_label(c, i))
		                         : tui_chart_label_fit(chart_label(c, i), (size_t)lg->lw[i], tui_utf8());
		char *cut = text_trunc(label, (size_t)lg->lw[i], false, tui_utf8());

		tui_chart_stats(c, i, &vc, &a, &b);
		if (i)
			used += tui_put(y, x + used, TUI_DIM, "  ", w - used);
		used += tui_put(y, x + used, tui_chart_series_role(c, i),
		                tui_chart_series_mark(mode, i, plain, buf), w - used);
		used += tui_putf(y, x + used, TUI_DIM, w - used, " %s ", cut);
		used += tui_put_cut(y, x + used, tui_chart_over(c, vc) ? TUI_CRITICAL : TUI_BOLD,
		                    lg->cur[i], w - used);
		free(label);
		free(cut);
	}
	if (lg->more[0] && used < w)
		used += tui_putf_cut(y, x + used, TUI_DIM, w - used, "  %s", lg->more);
	return used;
}

/* The first row: the title, the current value when there is one series (red
 * over the threshold), min/max over all, the threshold and the note; with
 * inline_legend (several series and no row for the legend) the legend after
 * the title. What does not fit is left out whole, in this order: min/max,
 * the threshold, the legend, the note (cut with an ellipsis first), so no
 * part is ever cut mid-word. */
static void chart_header(int y, int x, int w, const struct tui_chart *c, bool inline_legend,
                         enum tui_chart_mode mode, bool plain)
{
	char cur[24], mn[24], mx[24], th[24], minmax[64], thr[40];
	double vc, vmn = INFINITY, vmx = -INFINITY, a, b;
	size_t i, ns = tui_chart_nseries(c);
	struct chart_legend lg;
	int used = 0, left, note_w = 0, note_full = 0, leg_w = 0, mm_w = 0, th_w = 0, cur_w = 0;

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
	tui_chart_fmt(c->threshold, c->unit, th, sizeof th);
	snprintf(minmax, sizeof minmax, "  min %s  max %s", mn, mx);
	snprintf(thr, sizeof thr, "  threshold %s", th);
	if (c->title)
		used = tui_put_cut(y, x, TUI_TITLE, c->title, w);
	left = w - used;
	/* what is shown, by priority */
	if (ns == 1 && !inline_legend && 2 + (int)strlen(cur) <= left)
		left -= cur_w = 2 + (int)strlen(cur);
	if (c->note) {
		note_full = 2 + (int)text_width(c->note);
		note_w = note_full < CHART_NOTE_MIN ? note_full : CHART_NOTE_MIN;
		if (note_w > left)
			note_w = 0;
		left -= note_w;
	}
	if (inline_legend) {
		chart_legend_fit(c, 0, &lg); /* its narrowest: reserved, grown below */
		if (2 + lg.width <= left)
			left -= leg_w = 2 + lg.width;
	}
	if (c->has_threshold && (int)strlen(thr) <= left)
		left -= th_w = (int)strlen(thr);
	if (!inline_legend && (int)strlen(minmax) <= left)
		left -= mm_w = (int)strlen(minmax);
	/* what is left: the note whole, then the legend */
	if (note_w && note_full > note_w) {
		int more = note_full - note_w < left ? note_full - note_w : left;

		note_w += more;
		left -= more;
	}
	if (leg_w) {
		left += leg_w;
		chart_legend_fit(c, left - 2, &lg);
		leg_w = 2 + lg.width;
		left -= leg_w;
	}
	if (inline_legend && !leg_w && !mm_w && (int)strlen(minmax) <= left)
		left -= mm_w = (int)strlen(minmax);
	(void)left;
	/* drawn in reading order */
	if (cur_w)
		used += tui_putf(y, x + used, tui_chart_over(c, vc) ? TUI_CRITICAL : TUI_BOLD,
		                 cur_w, "  %s", cur);
	if (leg_w) {
		used += tui_put(y, x + used, TUI_DIM, "  ", 2);
		used += chart_legend_draw(y, x + used, leg_w - 2, c, &lg, mode, plain);
	}
	if (mm_w)
		used += tui_put(y, x + used, TUI_DIM, minmax, mm_w);
	if (th_w)
		used += tui_put(y, x + used, TUI_WARNING, thr, th_w);
	if (note_w) {
		used += tui_put(y, x + used, c->note_role, "  ", 2);
		used += tui_put_cut(y, x + used, c->note_role, c->note, note_w - 2);
	}
}

void tui_chart_draw(int y, int x, int h, int w, const struct tui_chart *c)
{
	enum tui_chart_mode mode = tui_chart_mode_for(tui_utf8());
	bool plain = !tui_color();
	size_t ns = tui_chart_nseries(c), si;
	char lab[3][24], glyph[8], t[24];
	double lo, hi;
	bool have, legend, axis;
	int lw = 0, pr, pc, dx, dy, i, r, col, trow = -1, top;
	unsigned char *cells;

	if (h <= 0 || w <= 0)
		return;
	/* Several series: the legend on a row of its own when there are rows
	 * to spare, else on the first row after the title. */
	legend = (ns > 1 || c->n_more) && h >= 6 && w >= 24;
	chart_header(y, x, w, c, (ns > 1 || c->n_more) && !legend, mode, plain);
	if (h < 3 || w < 24)
		return;
	if (legend) {
		struct chart_legend lg;

		chart_legend_fit(c, w, &lg);
		chart_legend_draw(y + 1, x, w, c, &lg, mode, plain);
	}
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
	/* three rows: two of plot and no time axis */
	axis = h >= 4;
	pr = h - 1 - axis - legend;
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
	free(cells);
	if (!axis)
		return;
	/* Time axis: the span's start, its middle, now. */
	tui_chart_fmt_ago(c->t1 - c->t0, t, sizeof t);
	tui_put(y + h - 1, x + lw + 1, TUI_DIM, t, pc);
	if (pc > 30) {
		tui_chart_fmt_ago((c->t1 - c->t0) / 2, t, sizeof t);
		tui_put(y + h - 1, x + lw + 1 + pc / 2 - (int)strlen(t) / 2, TUI_DIM, t, -1);
	}
	tui_put(y + h - 1, x + lw + 1 + pc - 3, TUI_DIM, "now", 3);
}
