/* test_slo_math.c: SLO arithmetic against hand-computed tables, most of them
 * the Google SRE Workbook's own numbers (ch. 5, "Alerting on SLOs"): a 99.9%
 * SLO over 30 days allows 43.2 minutes of full outage; burn rate 1, 2, 10,
 * 1000 spend the budget in 30 days, 15 days, 3 days, 43.2 minutes; 14.4x
 * over 1h spends 2%, 6x over 6h 5%, 1x over 3d 10%. Also the multi-window
 * states, budget exhausted, zero traffic and NaN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>

#include "core/slo_math.h"
#include "core/util.h"

#define DAY 86400.0
#define D30 (30 * 86400)

/* want == got, both NaN, both the same infinity, or within 1e-9 relative. */
static void near(double want, double got, const char *what, size_t i)
{
	if (isnan(want) && isnan(got))
		return;
	if (isinf(want) && want == got)
		return;
	if (fabs(want - got) <= 1e-9 * (fabs(want) > 1 ? fabs(want) : 1))
		return;
	fail_msg("%s case %zu: want %.12g got %.12g", what, i, want, got);
}

static void test_windows(void **state)
{
	static const char *names[] = { "5m", "30m", "1h", "2h", "6h", "1d", "3d" };
	static const int64_t secs[] = { 300, 1800, 3600, 7200, 21600, 86400, 259200 };
	size_t i;

	(void)state;
	for (i = 0; i < SLO_NWINDOWS; i++) {
		assert_string_equal(slo_window_name((enum slo_window)i), names[i]);
		assert_int_equal(slo_window_seconds((enum slo_window)i), secs[i]);
	}
	assert_null(slo_window_name(SLO_NWINDOWS));
	assert_int_equal(slo_window_seconds(SLO_NWINDOWS), 0);
	assert_string_equal(slo_state_name(SLO_STATE_OK), "ok");
	assert_string_equal(slo_state_name(SLO_STATE_TICKET), "ticket");
	assert_string_equal(slo_state_name(SLO_STATE_PAGE), "page");
}

/* Workbook table 5-8 (plus Sloth's 3x/1d ticket): the fraction of a 30-day
 * budget each alert spends before it fires = factor * long window / period. */
static void test_mwmb_budget_spent(void **state)
{
	static const struct {
		enum slo_state sev;
		double factor;
		enum slo_window long_w, short_w;
		double spent;
	} want[] = {
		{ SLO_STATE_PAGE, 14.4, SLO_W1H, SLO_W5M, 0.02 },
		{ SLO_STATE_PAGE, 6, SLO_W6H, SLO_W30M, 0.05 },
		{ SLO_STATE_TICKET, 3, SLO_W1D, SLO_W2H, 0.10 },
		{ SLO_STATE_TICKET, 1, SLO_W3D, SLO_W6H, 0.10 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(want); i++) {
		const struct slo_mwmb *r = &slo_mwmb_rules[i];
		assert_int_equal(r->severity, want[i].sev);
		near(want[i].factor, r->factor, "factor", i);
		assert_int_equal(r->long_w, want[i].long_w);
		assert_int_equal(r->short_w, want[i].short_w);
		near(want[i].spent, r->factor * (double)slo_window_seconds(r->long_w) / D30, "spent", i);
	}
}

static void test_budget_and_burn(void **state)
{
	static const struct {
		double objective, ratio;
		double budget, burn, remaining;
	} cases[] = {
		/* 99.9%: budget 0.1% */
		{ 0.999, 0, 0.001, 0, 1 },
		{ 0.999, 0.0005, 0.001, 0.5, 0.5 },
		{ 0.999, 0.001, 0.001, 1, 0 },           /* exactly spent */
		{ 0.999, 0.002, 0.001, 2, -1 },          /* overspent */
		{ 0.999, 0.0144, 0.001, 14.4, -13.4 },
		{ 0.999, 1, 0.001, 1000, -999 },         /* total outage */
		{ 0.99, 0.05, 0.01, 5, -4 },
		{ 0.95, 0.01, 0.05, 0.2, 0.8 },
		{ 0.75, 0.25, 0.25, 1, 0 },
		{ 0.999, -0.001, 0.001, 0, 1 },          /* negative ratio counts as 0 */
		/* unknown */
		{ 0.999, NAN, 0.001, NAN, NAN },
		{ 1.5, 0.1, NAN, NAN, NAN },
		{ -0.1, 0.1, NAN, NAN, NAN },
		{ NAN, 0.1, NAN, NAN, NAN },
		/* 100%: no budget */
		{ 1, 0, 0, 0, 1 },
		{ 1, 0.001, 0, INFINITY, -INFINITY },
		/* 0%: everything is budget */
		{ 0, 0.5, 1, 0.5, 0.5 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		near(cases[i].budget, slo_error_budget(cases[i].objective), "budget", i);
		near(cases[i].burn, slo_burn_rate(cases[i].ratio, cases[i].objective), "burn", i);
		near(cases[i].remaining, slo_budget_remaining(cases[i].ratio, cases[i].objective),
		     "remaining", i);
	}
}

static void test_budget_as_time(void **state)
{
	static const struct {
		double remaining, objective;
		int64_t window;
		double seconds;
	} cases[] = {
		{ 1, 0.999, D30, 43.2 * 60 },     /* 43.2 minutes a month */
		{ 0.5, 0.999, D30, 21.6 * 60 },
		{ 1, 0.99, D30, 7.2 * 3600 },     /* 7.2 hours */
		{ 1, 0.9999, 28 * 86400, 241.92 },/* 4 minutes a 4 weeks */
		{ 0, 0.999, D30, 0 },
		{ -1, 0.999, D30, -43.2 * 60 },
		{ NAN, 0.999, D30, NAN },
		{ 1, 0.999, 0, NAN },
		{ 1, 1, D30, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++)
		near(cases[i].seconds, slo_budget_remaining_seconds(cases[i].remaining,
		     cases[i].objective, cases[i].window), "seconds", i);
}

/* Workbook table 5-4: time to spend the whole budget of a 30-day 99.9% SLO. */
static void test_exhaustion(void **state)
{
	static const struct {
		double remaining, burn;
		int64_t window;
		double seconds;
	} cases[] = {
		{ 1, 1, D30, 30 * DAY },
		{ 1, 2, D30, 15 * DAY },
		{ 1, 10, D30, 3 * DAY },
		{ 1, 1000, D30, 43.2 * 60 },
		{ 1, 14.4, D30, 50 * 3600 },
		{ 0.5, 10, D30, 1.5 * DAY },
		{ 0.02, 14.4, D30, 3600 },       /* the last 2% go in the 1h window */
		{ 0.6, 0.5, D30, 36 * DAY },     /* slow burn: beyond the window */
		{ 0, 5, D30, 0 },                /* exhausted */
		{ -0.3, 5, D30, 0 },             /* overspent */
		{ -0.3, 0, D30, 0 },
		{ 1, 0, D30, NAN },              /* not burning */
		{ 1, -1, D30, NAN },
		{ 1, NAN, D30, NAN },
		{ NAN, 3, D30, NAN },
		{ 1, INFINITY, D30, 0 },
		{ 1, 2, 0, NAN },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++)
		near(cases[i].seconds, slo_exhaustion_seconds(cases[i].remaining, cases[i].burn,
		     cases[i].window), "exhaustion", i);
}

static void test_alert_state(void **state)
{
	/* burn per window: 5m 30m 1h 2h 6h 1d 3d */
	static const struct {
		double burn[SLO_NWINDOWS];
		enum slo_state want;
	} cases[] = {
		{ { 0, 0, 0, 0, 0, 0, 0 }, SLO_STATE_OK },
		{ { 20, 0, 15, 0, 0, 0, 0 }, SLO_STATE_PAGE },       /* 14.4x 1h & 5m */
		{ { 20, 0, 10, 0, 0, 0, 0 }, SLO_STATE_OK },         /* 1h not high enough */
		{ { 1, 0, 15, 0, 0, 0, 0 }, SLO_STATE_OK },          /* 5m recovered: reset */
		{ { 0, 7, 0, 0, 7, 0, 0 }, SLO_STATE_PAGE },         /* 6x 6h & 30m */
		{ { 0, 7, 0, 0, 5, 0, 0 }, SLO_STATE_OK },
		{ { 0, 0, 0, 4, 0, 4, 0 }, SLO_STATE_TICKET },       /* 3x 1d & 2h */
		{ { 0, 0, 0, 4, 0, 2.9, 0 }, SLO_STATE_OK },
		{ { 0, 0, 0, 0, 1.5, 0, 1.5 }, SLO_STATE_TICKET },   /* 1x 3d & 6h */
		{ { 0, 0, 0, 0, 0.5, 0, 1.5 }, SLO_STATE_OK },
		{ { 1, 1, 1, 1, 1, 1, 1 }, SLO_STATE_OK },           /* exactly 1x: '>' */
		{ { 15, 15, 15, 15, 15, 15, 15 }, SLO_STATE_PAGE },  /* page wins over ticket */
		{ { 5, 5, 5, 5, 5, 5, 5 }, SLO_STATE_TICKET },
		{ { NAN, 0, 20, 0, 0, 0, 0 }, SLO_STATE_OK },        /* unknown never fires */
		{ { NAN, NAN, NAN, NAN, NAN, NAN, NAN }, SLO_STATE_OK },
		{ { NAN, 8, 20, 0, 8, 0, 0 }, SLO_STATE_PAGE },
		{ { INFINITY, 0, INFINITY, 0, 0, 0, 0 }, SLO_STATE_PAGE },
		{ { 1000, 1000, 1000, NAN, NAN, NAN, NAN }, SLO_STATE_PAGE }, /* new SLO, full outage */
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		enum slo_state got = slo_alert_state(cases[i].burn);
		if (got != cases[i].want)
			fail_msg("case %zu: got %s want %s", i, slo_state_name(got),
			         slo_state_name(cases[i].want));
	}
}

static void test_low_traffic(void **state)
{
	static const struct {
		double rate;
		int64_t window;
		double objective;
		bool low;
	} cases[] = {
		/* 99.9%: one failure pages unless 1h has >= 1/0.0144 = 69.4 events */
		{ 0.02, 3600, 0.999, false },      /* 72 an hour */
		{ 0.019, 3600, 0.999, true },      /* 68.4 an hour */
		{ 100, 3600, 0.999, false },
		{ 0, 3600, 0.999, true },          /* zero traffic */
		{ NAN, 3600, 0.999, false },       /* not measured */
		/* 95%: 1/0.72 = 1.4 events, so the floor of 10 applies */
		{ 10.0 / 3600, 3600, 0.95, false },
		{ 9.0 / 3600, 3600, 0.95, true },
		/* 99.99%: 695 events an hour */
		{ 0.2, 3600, 0.9999, false },      /* 720 */
		{ 0.19, 3600, 0.9999, true },      /* 684 */
		{ 1, 0, 0.999, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		if (slo_low_traffic(cases[i].rate, cases[i].window, cases[i].objective) != cases[i].low)
			fail_msg("case %zu: want %d", i, cases[i].low);
	}
}

static void test_evaluate(void **state)
{
	static const struct {
		struct slo_eval_in in;
		double sli, remaining, remaining_s, exhaustion;
		double burn[SLO_NWINDOWS];
		enum slo_state st;
		bool low, no_data;
	} cases[] = {
		/* an outage in progress: page, 60% left, 21.6h to go at 20x */
		{ { 0.999, D30, { 0.02, 0.01, 0.015, 0.005, 0.003, 0.002, 0.0012 }, 0.0004, 100 },
		  0.98, 0.6, 1555.2, 0.6 * D30 / 20,
		  { 20, 10, 15, 5, 3, 2, 1.2 }, SLO_STATE_PAGE, false, false },
		/* healthy */
		{ { 0.99, 28 * 86400, { 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001 }, 0.002, 5 },
		  0.999, 0.8, 0.8 * 0.01 * 28 * 86400, 0.8 * 28 * 86400 / 0.1,
		  { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1 }, SLO_STATE_OK, false, false },
		/* budget exhausted, errors stopped: not burning, exhaustion 0 */
		{ { 0.999, D30, { 0, 0, 0, 0, 0, 0.004, 0.002 }, 0.0015, 50 },
		  1, -0.5, -0.5 * 2592, 0,
		  { 0, 0, 0, 0, 0, 4, 2 }, SLO_STATE_OK, false, false },
		/* zero traffic: every ratio 0/0 = NaN */
		{ { 0.999, D30, { NAN, NAN, NAN, NAN, NAN, NAN, NAN }, NAN, 0 },
		  NAN, NAN, NAN, NAN,
		  { NAN, NAN, NAN, NAN, NAN, NAN, NAN }, SLO_STATE_OK, true, true },
		/* 5m unknown: current burn falls back to 30m */
		{ { 0.999, D30, { NAN, 0.002, NAN, NAN, NAN, NAN, NAN }, 0.0005, NAN },
		  NAN, 0.5, 1296, 0.5 * D30 / 2,
		  { NAN, 2, NAN, NAN, NAN, NAN, NAN }, SLO_STATE_OK, false, false },
		/* a trickle of traffic with one failure: pages, but flagged */
		{ { 0.999, D30, { 0.05, 0.05, 0.05, 0.01, 0.01, 0.001, 0.0005 }, 0.0001, 0.01 },
		  0.95, 0.9, 0.9 * 2592, 0.9 * D30 / 50,
		  { 50, 50, 50, 10, 10, 1, 0.5 }, SLO_STATE_PAGE, true, false },
	};
	size_t i, w;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct slo_eval e;
		slo_evaluate(&cases[i].in, &e);
		near(1 - cases[i].in.objective, e.budget, "eval budget", i);
		near(cases[i].sli, e.sli, "eval sli", i);
		near(cases[i].remaining, e.budget_remaining, "eval remaining", i);
		near(cases[i].remaining_s, e.budget_remaining_s, "eval remaining_s", i);
		near(cases[i].exhaustion, e.exhaustion_s, "eval exhaustion", i);
		for (w = 0; w < SLO_NWINDOWS; w++)
			near(cases[i].burn[w], e.burn[w], "eval burn", i * 100 + w);
		assert_int_equal(e.state, cases[i].st);
		assert_int_equal(e.low_traffic, cases[i].low);
		assert_int_equal(e.no_data, cases[i].no_data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_mwmb_budget_spent),
		cmocka_unit_test(test_budget_and_burn),
		cmocka_unit_test(test_budget_as_time),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_alert_state),
		cmocka_unit_test(test_low_traffic),
		cmocka_unit_test(test_evaluate),
	};

	return cmocka_run_group_tests_name("slo_math", tests, NULL, NULL);
}
