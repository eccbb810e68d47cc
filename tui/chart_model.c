/* chart_model.c: the pure half of the terminal line charts: the value range
 * to plot, mapping samples to dots in braille (2x4), half-block (1x2) or
 * ASCII (1x3) cells, joining consecutive points, glyphs and axis labels;
 * several series per chart (their roles, glyphs and legend marks), current
 * value and threshold; fitting the legend's labels into few columns.
 * No curses here, so it is unit-tested (tests/unit/test_chart_model.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "tui.h"

/* A "nice" step (1, 2, 2.5, 5 x 10^k) at least raw. */
static double chart_nice(double raw)
{
	double p, f;

	if (!(raw > 0) || !isfinite(raw))
		return 1;
	p = pow(10, floor(log10(raw)));
	f = raw / p;
	if (f <= 1)
		return p;
	if (f <= 2)
		return 2 * p;
	if (f <= 2.5)
		return 2.5 * p;
	if (f <= 5)
		return 5 * p;
	return 10 * p;
}

size_t tui_chart_nseries(const struct tui_chart *c)
{
	if (!c->series || !c->n_series)
		return 1;
	return c->n_series < TUI_CHART_SERIES_MAX ? c->n_series : TUI_CHART_SERIES_MAX;
}

struct tui_chart_series tui_chart_series_at(const struct tui_chart *c, size_t i)
{
	struct tui_chart_series s = { NULL, NULL, 0, NULL };

	if (!c->series || !c->n_series) {
		if (i == 0) {
			s.t = c->t;
			s.v = c->v;
			s.n = c->n;
		}
	} else if (i < tui_chart_nseries(c)) {
		s = c->series[i];
	}
	return s;
}

void tui_chart_stats(const struct tui_chart *c, size_t i, double *cur, double *mn, double *mx)
{
	struct tui_chart_series s = tui_chart_series_at(c, i);
	size_t k;

	*cur = NAN;
	*mn = INFINITY;
	*mx = -INFINITY;
	for (k = 0; s.v && s.t && k < s.n; k++) {
		double v = s.v[k];
		if (!isfinite(v) || s.t[k] < c->t0 || s.t[k] > c->t1)
			continue;
		*cur = v;
		*mn = fmin(*mn, v);
		*mx = fmax(*mx, v);
	}
	if (isnan(*cur))
		*mn = *mx = NAN;
}

bool tui_chart_over(const struct tui_chart *c, double v)
{
	return c->has_threshold && isfinite(c->threshold) && !isnan(v) && v > c->threshold;
}

enum tui_role tui_chart_series_role(const struct tui_chart *c, size_t i)
{
	static const enum tui_role palette[] = { TUI_INFO, TUI_BADGE, TUI_OK, TUI_WARNING };
	size_t k, n = 0;

	if (i == 0)
		return c->role;
	for (k = 0; k < ARRAY_LEN(palette); k++)
		if (palette[k] != c->role && ++n == i)
			return palette[k];
	return TUI_NORMAL;
}

bool tui_chart_range(const struct tui_chart *c, double *lo, double *hi)
{
	double mn = INFINITY, mx = -INFINITY, step;
	size_t i, k;

	for (k = 0; k < tui_chart_nseries(c); k++) {
		struct tui_chart_series s = tui_chart_series_at(c, k);

		for (i = 0; s.v && i < s.n; i++) {
			if (!isfinite(s.v[i]) || (s.t && (s.t[i] < c->t0 || s.t[i] > c->t1)))
				continue;
			if (s.v[i] < mn)
				mn = s.v[i];
			if (s.v[i] > mx)
				mx = s.v[i];
		}
	}
	if (mn > mx) {
		*lo = 0;
		*hi = 1;
		return false;
	}
	if (c->has_threshold && isfinite(c->threshold)) {
		mn = fmin(mn, c->threshold);
		mx = fmax(mx, c->threshold);
	}
	if (mn >= 0 && mn < (mx - mn) * 0.5)
		mn = 0;
	if (mx == mn) {
		double pad = mx != 0 ? fabs(mx) * 0.1 : 1;
		if (mn >= 0 && mn - pad < 0)
			mn = 0;
		else
			mn -= pad;
		mx += pad;
	}
	step = chart_nice((mx - mn) / 4);
	*lo = floor(mn / step) * step;
	*hi = ceil(mx / step) * step;
	if (*hi <= *lo)
		*hi = *lo + step;
	return true;
}

void tui_chart_dots(enum tui_chart_mode m, int *dx, int *dy)
{
	switch (m) {
	case TUI_CHART_BRAILLE: *dx = 2; *dy = 4; break;
	case TUI_CHART_BLOCK: *dx = 1; *dy = 2; break;
	default: *dx = 1; *dy = 3; break;
	}
}

enum tui_chart_mode tui_chart_mode_for(bool utf8)
{
	const char *e = getenv("PAGETTY_CHART");

	if (e && !strcmp(e, "ascii"))
		return TUI_CHART_ASCII;
	if (!utf8)
		return TUI_CHART_ASCII;
	if (e && !strcmp(e, "block"))
		return TUI_CHART_BLOCK;
	return TUI_CHART_BRAILLE;
}

static void chart_dot(unsigned char *cells, int cols, int rows, int dx, int dy, long px, long py)
{
	long w = (long)cols * dx, h = (long)rows * dy;

	if (px < 0 || py < 0 || px >= w || py >= h)
		return;
	cells[(py / dy) * cols + px / dx] |= (unsigned char)(1u << ((py % dy) * dx + px % dx));
}

size_t tui_chart_plot(const struct tui_chart *c, double lo, double hi, int cols, int rows,
                      int dx, int dy, unsigned char *cells)
{
	return tui_chart_plot_series(c, 0, lo, hi, cols, rows, dx, dy, cells);
}

size_t tui_chart_plot_series(const struct tui_chart *c, size_t si, double lo, double hi, int cols,
                             int rows, int dx, int dy, unsigned char *cells)
{
	struct tui_chart_series s = tui_chart_series_at(c, si);
	long w, h, prev_x = -1, prev_y = -1;
	double span = c->t1 - c->t0, vspan = hi - lo;
	size_t i, n = 0;

	if (cols <= 0 || rows <= 0 || dx <= 0 || dy <= 0 || dx * dy > 8)
		return 0;
	memset(cells, 0, (size_t)cols * (size_t)rows);
	if (!s.t || !s.v || !(span > 0) || !(vspan > 0) || !isfinite(vspan))
		return 0;
	w = (long)cols * dx;
	h = (long)rows * dy;
	for (i = 0; i < s.n; i++) {
		double t = s.t[i], v = s.v[i], fy;
		long px, py, y;

		if (!isfinite(v) || !isfinite(t) || t < c->t0 || t > c->t1) {
			prev_x = -1;
			continue;
		}
		n++;
		px = lround((t - c->t0) / span * (double)(w - 1));
		fy = (v - lo) / vspan;
		if (fy < 0)
			fy = 0;
		if (fy > 1)
			fy = 1;
		py = (h - 1) - lround(fy * (double)(h - 1));
		if (prev_x >= 0 && px > prev_x) {
			long x, ly = prev_y;
			/* Join: each column from the last one's height to its own. */
			for (x = prev_x + 1; x <= px; x++) {
				long yy = prev_y + (py - prev_y) * (x - prev_x) / (px - prev_x);
				long a = ly < yy ? ly : yy, b = ly < yy ? yy : ly;
				for (y = a; y <= b; y++)
					chart_dot(cells, cols, rows, dx, dy, x, y);
				ly = yy;
			}
		} else if (prev_x == px && prev_x >= 0) {
			long a = prev_y < py ? prev_y : py, b = prev_y < py ? py : prev_y;
			for (y = a; y <= b; y++)
				chart_dot(cells, cols, rows, dx, dy, px, y);
		}
		chart_dot(cells, cols, rows, dx, dy, px, py);
		prev_x = px;
		prev_y = py;
	}
	return n;
}

int tui_chart_row(double v, double lo, double hi, int rows)
{
	double f;

	if (!isfinite(v) || !(hi > lo) || rows <= 0 || v < lo || v > hi)
		return -1;
	f = (v - lo) / (hi - lo);
	return (rows - 1) - (int)lround(f * (rows - 1));
}

static void chart_utf8(unsigned cp, char buf[8])
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		buf[1] = '\0';
	} else if (cp < 0x800) {
		buf[0] = (char)(0xc0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3f));
		buf[2] = '\0';
	} else {
		buf[0] = (char)(0xe0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		buf[3] = '\0';
	}
}

const char *tui_chart_glyph(enum tui_chart_mode m, unsigned mask, char buf[8])
{
	/* Braille dot numbers by (y, x): 1 4 / 2 5 / 3 6 / 7 8. */
	static const unsigned braille[4][2] = { { 0x01, 0x08 }, { 0x02, 0x10 },
	                                        { 0x04, 0x20 }, { 0x40, 0x80 } };
	static const char *const block[4] = { " ", "\xe2\x96\x80", "\xe2\x96\x84", "\xe2\x96\x88" };
	static const char ascii[8] = { ' ', '`', '-', '\'', '.', ':', ':', '|' };
	unsigned cp = 0x2800;
	int y, x;

	switch (m) {
	case TUI_CHART_BRAILLE:
		if (!(mask & 0xff))
			return " ";
		for (y = 0; y < 4; y++)
			for (x = 0; x < 2; x++)
				if (mask & (1u << (y * 2 + x)))
					cp |= braille[y][x];
		chart_utf8(cp, buf);
		return buf;
	case TUI_CHART_BLOCK:
		return block[mask & 3];
	default:
		buf[0] = ascii[mask & 7];
		buf[1] = '\0';
		return buf;
	}
}

const char *tui_chart_series_glyph(enum tui_chart_mode m, size_t i, bool plain, unsigned mask,
                                   char buf[8])
{
	static const char marks[] = "*+o";

	if (i == 0 || (!plain && m != TUI_CHART_ASCII))
		return tui_chart_glyph(m, mask, buf);
	if (!mask)
		return " ";
	buf[0] = marks[(i - 1) % (sizeof marks - 1)];
	buf[1] = '\0';
	return buf;
}

const char *tui_chart_series_mark(enum tui_chart_mode m, size_t i, bool plain, char buf[8])
{
	if (i > 0 && (plain || m == TUI_CHART_ASCII))
		return tui_chart_series_glyph(m, i, plain, 1, buf);
	if (m == TUI_CHART_ASCII)
		return "-";
	return tui_chart_glyph(m, 0xff, buf);
}

/* Significant digits for a value shown in few columns. */
static void chart_num(double v, char *out, size_t n, const char *suffix)
{
	double a = fabs(v);

	if (a >= 1e6)
		snprintf(out, n, "%.3g%s", v, suffix);
	else if (a >= 100 || a == 0 || a == floor(a))
		snprintf(out, n, "%.0f%s", v, suffix);
	else if (a >= 10)
		snprintf(out, n, "%.1f%s", v, suffix);
	else if (a >= 1)
		snprintf(out, n, "%.2f%s", v, suffix);
	else
		snprintf(out, n, "%.2g%s", v, suffix);
}

void tui_chart_fmt(double v, enum tui_chart_unit u, char *out, size_t n)
{
	static const char *const si[] = { "", "k", "M", "G", "T", "P" };
	const char *per = u == TUI_UNIT_RATE ? "/s" : "";
	char suffix[8];
	int k = 0;

	if (!isfinite(v)) {
		snprintf(out, n, isnan(v) ? "-" : v > 0 ? "+Inf" : "-Inf");
		return;
	}
	switch (u) {
	case TUI_UNIT_SECONDS:
		if (fabs(v) >= 60)
			snprintf(out, n, "%.0fm%02.0fs", trunc(v / 60), fmod(fabs(v), 60));
		else if (fabs(v) >= 1 || v == 0)
			chart_num(v, out, n, "s");
		else if (fabs(v) >= 1e-3)
			chart_num(v * 1e3, out, n, "ms");
		else
			chart_num(v * 1e6, out, n, "us");
		return;
	case TUI_UNIT_RATIO:
		chart_num(v * 100, out, n, "%");
		return;
	default:
		while (fabs(v) >= 1000 && k < 5) {
			v /= 1000;
			k++;
		}
		snprintf(suffix, sizeof suffix, "%s%s", si[k], per);
		chart_num(v, out, n, suffix);
		return;
	}
}

void tui_chart_fmt_ago(double s, char *out, size_t n)
{
	long v = lround(s);

	if (v <= 0)
		snprintf(out, n, "now");
	else if (v < 60)
		snprintf(out, n, "-%lds", v);
	else if (v < 3600)
		snprintf(out, n, v % 60 ? "-%ldm%02lds" : "-%ldm", v / 60, v % 60);
	else if (v < 86400)
		snprintf(out, n, v % 3600 / 60 ? "-%ldh%02ldm" : "-%ldh", v / 3600, v % 3600 / 60);
	else
		snprintf(out, n, v % 86400 / 3600 ? "-%ldd%02ldh" : "-%ldd", v / 86400, v % 86400 / 3600);
}

char *tui_chart_label_values(const char *label)
{
	struct buf b = {0};
	const char *p = label ? label : "", *end, *v;

	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		v = p;
		if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || *v == '_') {
			while (v < end && ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
			                   (*v >= '0' && *v <= '9') || *v == '_'))
				v++;
			v = v < end && *v == '=' ? v + 1 : p;
		}
		if (b.len)
			buf_putc(&b, ',');
		buf_append(&b, v, (size_t)(end - v));
		p = *end ? end + 1 : end;
	}
	return buf_steal(&b);
}

char *tui_chart_label_fit(const char *label, size_t cols, bool utf8)
{
	char *vals, *out;

	if (!label)
		label = "";
	if (text_width(label) <= cols)
		return xstrdup(label);
	vals = tui_chart_label_values(label);
	out = text_trunc(vals, cols, false, utf8);
	free(vals);
	return out;
}

int tui_chart_label_want(const char *label, size_t cols)
{
	char *vals;
	int w;

	if (!label)
		return 0;
	if (text_width(label) <= cols)
		return (int)text_width(label);
	vals = tui_chart_label_values(label);
	w = (int)text_width(vals);
	free(vals);
	return w;
}

bool tui_chart_share(int total, size_t n, const int *want, int min, int *got)
{
	int left = total, open, each;
	size_t i;

	for (i = 0; i < n; i++) {
		got[i] = want[i] < min ? want[i] : min;
		left -= got[i];
	}
	if (left < 0)
		return false;
	while (left > 0) {
		open = 0;
		for (i = 0; i < n; i++)
			open += got[i] < want[i];
		if (!open)
			break;
		each = left / open;
		for (i = 0; i < n && left > 0; i++) {
			int add;

			if (got[i] >= want[i])
				continue;
			add = each ? each : 1;
			if (add > want[i] - got[i])
				add = want[i] - got[i];
			got[i] += add;
			left -= add;
		}
	}
	return true;
}
