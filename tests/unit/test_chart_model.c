/* test_chart_model.c: the pure chart math (tui/chart_model.c): value
 * ranges, plotting into dot cells and joining points, glyphs per mode,
 * value and time-axis labels; several series (range over all, each plotted
 * on its own, roles and glyphs that tell them apart), stats and thresholds;
 * legend labels fitted to few columns and columns shared among them. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui.h"

static void test_range_table(void **state)
{
	static const struct {
		double v[4];
		size_t n;
		bool thr;
		double threshold;
		bool ok;
		double lo, hi;
	} cases[] = {
		{ { 1, 2, 3, 4 }, 4, false, 0, true, 0, 4 },          /* near 0: starts at 0 */
		{ { 100, 101, 102, 103 }, 4, false, 0, true, 100, 103 },
		{ { 5, 5, 5, 5 }, 4, false, 0, true, 4.5, 5.5 },      /* flat: widened */
		{ { NAN, NAN, NAN, NAN }, 4, false, 0, false, 0, 1 }, /* nothing finite */
		{ { 0.1, 0.2, NAN, INFINITY }, 4, true, 1.0, true, 0, 1 }, /* threshold included */
		{ { -2, -1, 1, 2 }, 4, false, 0, true, -2, 2 },
		{ { 0, 0, 0, 0 }, 4, false, 0, true, 0, 1 },
	};
	size_t i;
	double t[4] = { 1, 2, 3, 4 };

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tui_chart c = { .t = t, .v = cases[i].v, .n = cases[i].n, .t0 = 0, .t1 = 10,
		                       .has_threshold = cases[i].thr, .threshold = cases[i].threshold };
		double lo, hi;

		assert_int_equal(tui_chart_range(&c, &lo, &hi), cases[i].ok);
		assert_true(hi > lo);
		assert_true(lo <= cases[i].lo + 1e-9);
		assert_true(hi >= cases[i].hi - 1e-9);
		/* nice bounds never more than doubles the span */
		if (cases[i].ok && cases[i].hi > cases[i].lo)
			assert_true(hi - lo <= 2.5 * (cases[i].hi - cases[i].lo) + 1e-9);
	}
}

static int dots_set(const unsigned char *cells, int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += __builtin_popcount(cells[i]);
	return k;
}

static void test_plot_corners(void **state)
{
	double t[2] = { 0, 10 }, v[2] = { 0, 1 };
	struct tui_chart c = { .t = t, .v = v, .n = 2, .t0 = 0, .t1 = 10 };
	unsigned char cells[4 * 3];

	(void)state;
	/* 4 cols x 3 rows braille: 8 x 12 dots. (0,0) bottom-left, (10,1) top-right. */
	assert_int_equal(tui_chart_plot(&c, 0, 1, 4, 3, 2, 4, cells), 2);
	assert_true(cells[2 * 4 + 0] & (1u << (3 * 2 + 0))); /* bottom row, col 0, dot (0,3) */
	assert_true(cells[0 * 4 + 3] & (1u << (0 * 2 + 1))); /* top row, col 3, dot (1,0) */
	/* joined: every dot column 0..7 has at least one dot */
	{
		int x, y;
		for (x = 0; x < 8; x++) {
			bool any = false;
			for (y = 0; y < 12; y++)
				if (cells[(y / 4) * 4 + x / 2] & (1u << ((y % 4) * 2 + x % 2)))
					any = true;
			assert_true(any);
		}
	}
}

static void test_plot_gaps_and_span(void **state)
{
	double t[5] = { -5, 0, 5, 10, 20 }, v[5] = { 1, 0.5, NAN, 0.5, 1 };
	struct tui_chart c = { .t = t, .v = v, .n = 5, .t0 = 0, .t1 = 10 };
	unsigned char cells[10];

	(void)state;
	/* Outside the span and NaN are skipped; a NaN breaks the line. */
	assert_int_equal(tui_chart_plot(&c, 0, 1, 10, 1, 1, 3, cells), 2);
	assert_int_equal(dots_set(cells, 10), 2);
	/* Degenerate inputs plot nothing and never crash. */
	c.t1 = c.t0;
	assert_int_equal(tui_chart_plot(&c, 0, 1, 10, 1, 1, 3, cells), 0);
	c.t1 = 10;
	assert_int_equal(tui_chart_plot(&c, 1, 1, 10, 1, 1, 3, cells), 0);
	assert_int_equal(tui_chart_plot(&c, 0, 1, 0, 1, 1, 3, cells), 0);
	c.v = NULL;
	assert_int_equal(tui_chart_plot(&c, 0, 1, 10, 1, 1, 3, cells), 0);
}

static void test_plot_clamps(void **state)
{
	double t[2] = { 0, 10 }, v[2] = { -100, 100 };
	struct tui_chart c = { .t = t, .v = v, .n = 2, .t0 = 0, .t1 = 10 };
	unsigned char cells[5 * 2];

	(void)state;
	assert_int_equal(tui_chart_plot(&c, 0, 1, 5, 2, 1, 2, cells), 2);
	assert_true(cells[1 * 5 + 0] & 2); /* bottom dot, bottom row */
	assert_true(cells[0 * 5 + 4] & 1); /* top dot, top row */
}

static void test_row(void **state)
{
	(void)state;
	assert_int_equal(tui_chart_row(0, 0, 1, 10), 9);
	assert_int_equal(tui_chart_row(1, 0, 1, 10), 0);
	assert_int_equal(tui_chart_row(0.5, 0, 1, 11), 5);
	assert_int_equal(tui_chart_row(2, 0, 1, 10), -1);
	assert_int_equal(tui_chart_row(NAN, 0, 1, 10), -1);
	assert_int_equal(tui_chart_row(0.5, 1, 1, 10), -1);
}

static void test_glyphs(void **state)
{
	char buf[8];

	(void)state;
	assert_string_equal(tui_chart_glyph(TUI_CHART_BRAILLE, 0, buf), " ");
	assert_string_equal(tui_chart_glyph(TUI_CHART_BRAILLE, 0xff, buf), "\xe2\xa3\xbf"); /* ⣿ */
	assert_string_equal(tui_chart_glyph(TUI_CHART_BRAILLE, 1, buf), "\xe2\xa0\x81");    /* ⠁ */
	assert_string_equal(tui_chart_glyph(TUI_CHART_BRAILLE, 1u << 6, buf), "\xe2\xa1\x80"); /* ⡀ */
	assert_string_equal(tui_chart_glyph(TUI_CHART_BLOCK, 1, buf), "\xe2\x96\x80");
	assert_string_equal(tui_chart_glyph(TUI_CHART_BLOCK, 3, buf), "\xe2\x96\x88");
	assert_string_equal(tui_chart_glyph(TUI_CHART_ASCII, 1, buf), "`");
	assert_string_equal(tui_chart_glyph(TUI_CHART_ASCII, 4, buf), ".");
	assert_string_equal(tui_chart_glyph(TUI_CHART_ASCII, 7, buf), "|");
}

static void test_mode(void **state)
{
	int dx, dy;

	(void)state;
	unsetenv("PAGETTY_CHART");
	assert_int_equal(tui_chart_mode_for(true), TUI_CHART_BRAILLE);
	assert_int_equal(tui_chart_mode_for(false), TUI_CHART_ASCII);
	setenv("PAGETTY_CHART", "block", 1);
	assert_int_equal(tui_chart_mode_for(true), TUI_CHART_BLOCK);
	assert_int_equal(tui_chart_mode_for(false), TUI_CHART_ASCII);
	unsetenv("PAGETTY_CHART");
	tui_chart_dots(TUI_CHART_BRAILLE, &dx, &dy);
	assert_int_equal(dx * dy, 8);
	tui_chart_dots(TUI_CHART_BLOCK, &dx, &dy);
	assert_int_equal(dx * dy, 2);
	tui_chart_dots(TUI_CHART_ASCII, &dx, &dy);
	assert_int_equal(dx * dy, 3);
}

static void test_fmt_table(void **state)
{
	static const struct {
		double v;
		enum tui_chart_unit u;
		const char *want;
	} cases[] = {
		{ 2.8, TUI_UNIT_SECONDS, "2.80s" },
		{ 0.25, TUI_UNIT_SECONDS, "250ms" },
		{ 0.0009, TUI_UNIT_SECONDS, "900us" },
		{ 90, TUI_UNIT_SECONDS, "1m30s" },
		{ 0, TUI_UNIT_SECONDS, "0s" },
		{ 0.062, TUI_UNIT_RATIO, "6.20%" },
		{ 0.5, TUI_UNIT_RATIO, "50%" },
		{ 1400, TUI_UNIT_RATE, "1.40k/s" },
		{ 142, TUI_UNIT_RATE, "142/s" },
		{ 3.5e6, TUI_UNIT_NONE, "3.50M" },
		{ NAN, TUI_UNIT_NONE, "-" },
		{ INFINITY, TUI_UNIT_RATIO, "+Inf" },
		{ -INFINITY, TUI_UNIT_RATIO, "-Inf" },
		{ 1e300, TUI_UNIT_NONE, "1e+285P" },
	};
	char out[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tui_chart_fmt(cases[i].v, cases[i].u, out, sizeof out);
		assert_string_equal(out, cases[i].want);
	}
}

static void test_ago_table(void **state)
{
	static const struct {
		double s;
		const char *want;
	} cases[] = {
		{ 0, "now" }, { -5, "now" }, { 45, "-45s" }, { 900, "-15m" }, { 450, "-7m30s" },
		{ 3600, "-1h" }, { 5400, "-1h30m" }, { 86400, "-1d" }, { 30 * 86400.0, "-30d" },
		{ 86400 + 7200, "-1d02h" },
	};
	char out[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tui_chart_fmt_ago(cases[i].s, out, sizeof out);
		assert_string_equal(out, cases[i].want);
	}
}

/* Three series: the range covers all of them, each plots its own dots,
 * the first keeps the chart's role and the others get distinct ones. */
static void test_series(void **state)
{
	double t[3] = { 0, 5, 10 }, a[3] = { 1, 1, 1 }, b[3] = { 3, 3, 3 }, c3[3] = { 2, NAN, 8 };
	struct tui_chart_series s[3] = {
		{ t, a, 3, "code=200" }, { t, b, 3, "code=500" }, { t, c3, 3, "code=503" },
	};
	struct tui_chart c = { .series = s, .n_series = 3, .n_more = 2, .t0 = 0, .t1 = 10,
	                       .role = TUI_INFO };
	struct tui_chart one = { .t = t, .v = a, .n = 3, .t0 = 0, .t1 = 10 };
	struct tui_chart_series got;
	unsigned char cells[3][4 * 4];
	double lo, hi, cur, mn, mx;
	size_t i, j, k;

	(void)state;
	assert_int_equal(tui_chart_nseries(&c), 3);
	assert_int_equal(tui_chart_nseries(&one), 1);
	got = tui_chart_series_at(&one, 0);
	assert_ptr_equal(got.v, a);
	assert_null(got.label);
	assert_null(tui_chart_series_at(&one, 1).v);
	got = tui_chart_series_at(&c, 2);
	assert_ptr_equal(got.v, c3);
	assert_string_equal(got.label, "code=503");

	/* The range spans every series: 1..8, from 0 since it is near 0. */
	assert_true(tui_chart_range(&c, &lo, &hi));
	assert_true(lo == 0 && hi == 8);
	/* Each series alone: a flat line at its own height (rows from the top). */
	for (i = 0; i < 2; i++) {
		size_t row_of = (size_t)-1;

		assert_int_equal(tui_chart_plot_series(&c, i, 0, 4, 4, 4, 1, 1, cells[i]), 3);
		for (j = 0; j < 16; j++)
			if (cells[i][j])
				row_of = j / 4;
		assert_int_equal(row_of, i == 0 ? 2 : 1); /* 1 and 3 of 0..4 */
		for (k = 0; k < 4; k++)
			assert_int_not_equal(cells[i][row_of * 4 + k], 0);
	}
	/* The NaN breaks the third series' line: only its two ends are drawn. */
	assert_int_equal(tui_chart_plot_series(&c, 2, 0, 8, 4, 4, 1, 1, cells[2]), 2);
	assert_int_equal(tui_chart_plot(&c, 0, 4, 4, 4, 1, 1, cells[1]), 3);
	assert_memory_equal(cells[0], cells[1], sizeof cells[0]);
	/* Series beyond the cap are not drawn. */
	c.n_series = 6;
	assert_int_equal(tui_chart_nseries(&c), TUI_CHART_SERIES_MAX);
	c.n_series = 3;

	/* Roles: the chart's for the first, then distinct ones, never repeated. */
	assert_int_equal(tui_chart_series_role(&c, 0), TUI_INFO);
	for (i = 1; i < TUI_CHART_SERIES_MAX; i++) {
		assert_int_not_equal(tui_chart_series_role(&c, i), TUI_INFO);
		assert_int_not_equal(tui_chart_series_role(&c, i), TUI_NORMAL);
		for (j = 0; j < i; j++)
			assert_int_not_equal(tui_chart_series_role(&c, i), tui_chart_series_role(&c, j));
	}

	/* Stats per series: the last finite value and min/max. */
	tui_chart_stats(&c, 2, &cur, &mn, &mx);
	assert_true(cur == 8 && mn == 2 && mx == 8);
	tui_chart_stats(&c, 3, &cur, &mn, &mx);
	assert_true(isnan(cur) && isnan(mn) && isnan(mx));
}

/* Series glyphs: with colours in braille/block every series draws dots;
 * in ASCII (or with no colours) series after the first get their own mark,
 * distinct from each other and from the first series' glyphs. */
static void test_series_glyphs(void **state)
{
	static const char first[] = " `-'.::|";
	char buf[8], buf2[8];
	size_t i, j;

	(void)state;
	assert_string_equal(tui_chart_series_glyph(TUI_CHART_BRAILLE, 2, false, 0x01, buf), "\xe2\xa0\x81");
	assert_string_equal(tui_chart_series_glyph(TUI_CHART_BRAILLE, 0, true, 0x01, buf), "\xe2\xa0\x81");
	assert_string_equal(tui_chart_series_glyph(TUI_CHART_ASCII, 0, false, 0x04, buf), ".");
	for (i = 1; i < TUI_CHART_SERIES_MAX; i++) {
		const char *g = tui_chart_series_glyph(TUI_CHART_ASCII, i, false, 0x04, buf);

		assert_int_equal(strlen(g), 1);
		assert_null(strchr(first, g[0]));
		assert_string_equal(tui_chart_series_glyph(TUI_CHART_BRAILLE, i, true, 0x01, buf2), g);
		assert_string_equal(tui_chart_series_glyph(TUI_CHART_ASCII, i, false, 0, buf2), " ");
		for (j = 1; j < i; j++)
			assert_string_not_equal(tui_chart_series_glyph(TUI_CHART_ASCII, j, false, 1, buf2), g);
		/* The legend shows the same mark. */
		assert_string_equal(tui_chart_series_mark(TUI_CHART_ASCII, i, false, buf2), g);
	}
	assert_string_equal(tui_chart_series_mark(TUI_CHART_ASCII, 0, false, buf), "-");
	assert_string_equal(tui_chart_series_mark(TUI_CHART_BRAILLE, 1, false, buf), "\xe2\xa3\xbf");
	assert_string_equal(tui_chart_series_mark(TUI_CHART_BLOCK, 0, false, buf), "\xe2\x96\x88");
}

/* Over the threshold: strictly above it, and only with a threshold set. */
static void test_over(void **state)
{
	struct tui_chart c = { .has_threshold = true, .threshold = 0.5 };

	(void)state;
	assert_true(tui_chart_over(&c, 0.51));
	assert_false(tui_chart_over(&c, 0.5));
	assert_false(tui_chart_over(&c, 0.2));
	assert_false(tui_chart_over(&c, NAN));
	assert_true(tui_chart_over(&c, INFINITY));
	c.has_threshold = false;
	assert_false(tui_chart_over(&c, 9));
	c.has_threshold = true;
	c.threshold = NAN;
	assert_false(tui_chart_over(&c, 9));
}

/* Legend labels: whole when they fit, else the values alone (what tells
 * series apart), else cut with an ellipsis; never wider than asked. */
static void test_label_fit(void **state)
{
	static const struct {
		const char *label;
		size_t cols;
		bool utf8;
		const char *want;
		int want_w;
	} cases[] = {
		{ "code=200", 8, true, "code=200", 8 },
		{ "code=200", 20, true, "code=200", 8 },
		{ "code=200", 7, true, "200", 3 },
		{ "code=200", 3, true, "200", 3 },
		{ "code=200", 2, true, "2\xe2\x80\xa6", 3 },
		{ "code=200", 2, false, "2~", 3 },
		{ "code=500,instance=api-1:9090", 12, true, "500,api-1:9\xe2\x80\xa6", 14 },
		{ "code=500,instance=api-1:9090", 15, true, "500,api-1:9090", 14 },
		/* a metric name (no "name=") and a value holding '=' stay whole */
		{ "up,job=a=b", 6, true, "up,a=b", 6 },
		{ "x-y=1,=2", 4, true, "x-y\xe2\x80\xa6", 8 },
		{ "", 3, true, "", 0 },
	};
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = tui_chart_label_fit(cases[i].label, cases[i].cols, cases[i].utf8);
		if (strcmp(out, cases[i].want))
			fail_msg("label case %zu: got \"%s\" want \"%s\"", i, out, cases[i].want);
		assert_int_equal(tui_chart_label_want(cases[i].label, cases[i].cols), cases[i].want_w);
		free(out);
	}
	out = tui_chart_label_fit(NULL, 4, true);
	assert_string_equal(out, "");
	free(out);
	out = tui_chart_label_values("code=500,instance=api-1:9090");
	assert_string_equal(out, "500,api-1:9090");
	free(out);
	out = tui_chart_label_values("code=500");
	assert_string_equal(out, "500");
	free(out);
}

/* Sharing columns: the minimum first, then evenly, none past its want. */
static void test_share(void **state)
{
	static const struct {
		int total, min;
		int want[4];
		bool ok;
		int got[4];
	} cases[] = {
		{ 40, 3, { 8, 8, 8, 8 }, true, { 8, 8, 8, 8 } },
		{ 20, 3, { 8, 8, 8, 8 }, true, { 5, 5, 5, 5 } },
		{ 21, 3, { 8, 8, 8, 8 }, true, { 6, 5, 5, 5 } },
		{ 20, 3, { 2, 30, 8, 8 }, true, { 2, 6, 6, 6 } },
		{ 30, 3, { 2, 30, 4, 8 }, true, { 2, 16, 4, 8 } },
		{ 11, 3, { 8, 8, 8, 8 }, false, { 3, 3, 3, 3 } },
		{ 12, 3, { 8, 8, 8, 8 }, true, { 3, 3, 3, 3 } },
		{ 0, 3, { 0, 0, 0, 0 }, true, { 0, 0, 0, 0 } },
	};
	int got[4];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int sum = 0;

		assert_int_equal(tui_chart_share(cases[i].total, 4, cases[i].want, cases[i].min, got),
		                 cases[i].ok);
		for (j = 0; j < 4; j++) {
			if (got[j] != cases[i].got[j])
				fail_msg("share case %zu item %zu: got %d want %d", i, j, got[j],
				         cases[i].got[j]);
			sum += got[j];
		}
		if (cases[i].ok)
			assert_true(sum <= cases[i].total);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_table),
		cmocka_unit_test(test_plot_corners),
		cmocka_unit_test(test_plot_gaps_and_span),
		cmocka_unit_test(test_plot_clamps),
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_fmt_table),
		cmocka_unit_test(test_ago_table),
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_series_glyphs),
		cmocka_unit_test(test_over),
		cmocka_unit_test(test_label_fit),
		cmocka_unit_test(test_share),
	};

	return cmocka_run_group_tests_name("chart_model", tests, NULL, NULL);
}
