/* test_duration.c: Prometheus durations (good, bad, overflow), human ages,
 * byte sizes, and every duration found in real rule and SLO fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/duration.h"

#define SEC 1000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

static const struct {
	const char *s;
	int64_t ms;
} parse_good[] = {
	{"0", 0},
	{"0s", 0},
	{"90", 90 * SEC},
	{"1.5", 1500},
	{"0.25", 250},
	{"90s", 90 * SEC},
	{"500ms", 500},
	{"5m", 5 * MIN},
	{"1h30m", HOUR + 30 * MIN},
	{"1h30m15s250ms", HOUR + 30 * MIN + 15 * SEC + 250},
	{"2d", 2 * DAY},
	{"1w", 7 * DAY},
	{"1y", 365 * DAY},
	{"1y2w3d4h5m6s7ms", 365 * DAY + 14 * DAY + 3 * DAY + 4 * HOUR + 5 * MIN + 6 * SEC + 7},
	{"3h04m", 3 * HOUR + 4 * MIN},
	{"90m", 90 * MIN},              /* Prometheus allows units past their range */
	{" 15s ", 15 * SEC},
	{"1m1ms", MIN + 1},
	{"106751991167d", 106751991167LL * DAY},  /* just under INT64_MAX ms */
};

static const struct {
	const char *s;
	const char *err;                /* a substring of the message */
} parse_bad[] = {
	{"", "empty"},
	{"   ", "empty"},
	{NULL, "empty"},
	{"-5m", "negative"},
	{"1x", "col 2: unknown unit 'x'"},
	{"h", "col 1: expected a number, got 'h'"},
	{"ms", "col 1: expected a number"},
	{"5m1h", "col 4: unit 'h' out of order"},
	{"1h1h", "col 4: unit 'h' out of order or repeated"},
	{"1h 30m", "col 3: expected a number, got a space"},
	{"1.5h", "col 4: unexpected 'h'"},
	{"1.", "unexpected '.'"},
	{"1h30", "col 5: missing unit"},
	{"+5s", "col 1"},
	{"5s\x1b[2J", "byte 0x1b"},
	{"99999999999999999999s", "too large"},
	{"106751991168d", "too large"},
	{"300000000y", "too large"},
	{"9223372036854775807", "too large"},
	{"292471208y100w", "too large"},
	{"292471209y", "too large"},
};

static void test_parse_good(void **state)
{
	char err[ERR_MAX];
	int64_t ms;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof parse_good / sizeof parse_good[0]; i++) {
		ms = -1;
		err[0] = '\0';
		if (duration_parse(parse_good[i].s, &ms, err) != 0)
			fail_msg("\"%s\": unexpected error: %s", parse_good[i].s, err);
		if (ms != parse_good[i].ms)
			fail_msg("\"%s\": got %lld ms want %lld", parse_good[i].s,
			         (long long)ms, (long long)parse_good[i].ms);
	}
}

static void test_parse_bad(void **state)
{
	char err[ERR_MAX];
	int64_t ms;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof parse_bad / sizeof parse_bad[0]; i++) {
		ms = 4242;
		err[0] = '\0';
		if (duration_parse(parse_bad[i].s, &ms, err) != -1)
			fail_msg("\"%s\": parsed to %lld, want an error", parse_bad[i].s,
			         (long long)ms);
		if (!strstr(err, parse_bad[i].err))
			fail_msg("\"%s\": error \"%s\" lacks \"%s\"", parse_bad[i].s, err,
			         parse_bad[i].err);
		assert_int_equal(ms, 4242);   /* untouched on error */
	}
	/* err may be NULL */
	assert_int_equal(duration_parse("bogus", &ms, NULL), -1);
}

static const struct {
	int64_t ms;
	const char *want;
} format_cases[] = {
	{0, "0s"},
	{250, "250ms"},
	{999, "999ms"},
	{1000, "1s"},
	{1999, "1s"},
	{45 * SEC, "45s"},
	{59 * SEC, "59s"},
	{MIN, "1m"},
	{12 * MIN, "12m"},
	{12 * MIN + 5 * SEC, "12m05s"},
	{HOUR, "1h"},
	{3 * HOUR + 4 * MIN, "3h04m"},
	{3 * HOUR + 4 * MIN + 59 * SEC, "3h04m"},
	{23 * HOUR + 59 * MIN, "23h59m"},
	{DAY, "1d"},
	{2 * DAY + 5 * HOUR, "2d05h"},
	{2 * DAY + 5 * HOUR + 30 * MIN, "2d05h"},
	{400 * DAY + HOUR, "400d01h"},
	{-12 * MIN, "-12m"},
	{-(3 * HOUR + 4 * MIN), "-3h04m"},
	{-250, "-250ms"},
	{INT64_MIN, "-106751991167d07h"},
	{INT64_MAX, "106751991167d07h"},
};

static void test_format(void **state)
{
	char out[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof format_cases / sizeof format_cases[0]; i++) {
		duration_format(format_cases[i].ms, out, sizeof out);
		if (strcmp(out, format_cases[i].want) != 0)
			fail_msg("%lld ms: got \"%s\" want \"%s\"",
			         (long long)format_cases[i].ms, out, format_cases[i].want);
	}
	/* a short buffer is cut, never overrun */
	memset(out, 'X', sizeof out);
	duration_format(2 * DAY + 5 * HOUR, out, 3);
	assert_string_equal(out, "2d");
	assert_int_equal(out[3], 'X');
}

/* What format prints, parse reads back (for whole two-unit values). */
static void test_format_roundtrip(void **state)
{
	static const int64_t v[] = {
		0, 7, 999, SEC, 45 * SEC, 12 * MIN + 5 * SEC, 3 * HOUR + 4 * MIN,
		2 * DAY + 5 * HOUR, 30 * DAY,
	};
	char out[32], err[ERR_MAX];
	int64_t ms;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		duration_format(v[i], out, sizeof out);
		assert_int_equal(duration_parse(out, &ms, err), 0);
		assert_int_equal(ms, v[i]);
	}
}

static const struct {
	const char *s;
	size_t bytes;
} size_good[] = {
	{"0", 0},
	{"1024", 1024},
	{"1B", 1},
	{"512KiB", 512 * 1024},
	{"1MiB", 1024 * 1024},
	{"1MB", 1000000},
	{"1mb", 1000000},
	{"2GiB", 2ULL * 1024 * 1024 * 1024},
	{"3KB", 3000},
	{"3kB", 3000},
	{"3K", 3000},
	{"3Ki", 3072},
	{"4 MiB", 4 * 1024 * 1024},
	{"1TiB", 1ULL << 40},
	{" 7GB ", 7000000000ULL},
};

static const struct {
	const char *s;
	const char *err;
} size_bad[] = {
	{"", "empty"},
	{NULL, "empty"},
	{"-1", "negative"},
	{"MiB", "col 1: expected a number"},
	{"12XB", "col 3: unknown size unit"},
	{"1.5MiB", "col 2: unknown size unit"},
	{"99999999999999999999", "too large"},
	{"17000000TiB", "too large"},
	{"1MiB\n", "unknown size unit"},
};

static void test_size(void **state)
{
	char err[ERR_MAX];
	size_t i, bytes;

	(void)state;
	for (i = 0; i < sizeof size_good / sizeof size_good[0]; i++) {
		bytes = 7;
		if (size_parse(size_good[i].s, &bytes, err) != 0)
			fail_msg("\"%s\": unexpected error: %s", size_good[i].s, err);
		if (bytes != size_good[i].bytes)
			fail_msg("\"%s\": got %zu want %zu", size_good[i].s, bytes,
			         size_good[i].bytes);
	}
	for (i = 0; i < sizeof size_bad / sizeof size_bad[0]; i++) {
		err[0] = '\0';
		if (size_parse(size_bad[i].s, &bytes, err) != -1)
			fail_msg("\"%s\": parsed, want an error", size_bad[i].s);
		if (!strstr(err, size_bad[i].err))
			fail_msg("\"%s\": error \"%s\" lacks \"%s\"", size_bad[i].s, err,
			         size_bad[i].err);
	}
}

/* Every `for:`, `window:`, `duration:` value in the real rule and SLO files
 * parses. */
static void test_fixture_durations(void **state)
{
	static const char *files[] = {
		"../shared/fixtures/rules-awesome-prometheus-alerts/node-exporter.yml",
		"../shared/fixtures/rules-awesome-prometheus-alerts/blackbox-exporter.yml",
		"../shared/fixtures/sloth/getting-started.yml",
		"../shared/fixtures/sloth/getting-started.rules.yml",
		"../shared/fixtures/sloth/home-wifi.yml",
	};
	static const char *keys[] = {"for:", "window:", "duration:"};
	char line[4096], val[64], err[ERR_MAX], *p, *q;
	size_t i, k, found = 0;
	int64_t ms;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		f = fopen(files[i], "r");
		if (!f)
			fail_msg("cannot open %s (run from the repo root)", files[i]);
		while (fgets(line, sizeof line, f)) {
			for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
				p = strstr(line, keys[k]);
				if (!p || (p > line && p[-1] != ' ' && p[-1] != '-'))
					continue;
				p += strlen(keys[k]);
				while (*p == ' ')
					p++;
				snprintf(val, sizeof val, "%s", p);
				for (q = val; *q && *q != '\n' && *q != ' ' && *q != '#'; q++)
					;
				*q = '\0';
				if (!val[0] || val[0] == '"' || val[0] == '{')
					continue;
				if (duration_parse(val, &ms, err) != 0)
					fail_msg("%s: \"%s\": %s", files[i], val, err);
				found++;
			}
		}
		fclose(f);
	}
	assert_true(found >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_fixture_durations),
	};

	return cmocka_run_group_tests_name("duration", tests, NULL, NULL);
}
