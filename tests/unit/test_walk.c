/* test_walk.c: the walker's pure state (core/walk.h): done flags and
 * progress per section on a real runbook, the confirm policy per
 * reversibility, typed confirmation, the escalation clock and its
 * formatting, what a step runs, and the output line index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/runbook.h"
#include "core/walk.h"

static void parse_file(const char *path, struct runbook *rb)
{
	char *md = NULL, err[ERR_MAX];
	size_t len = 0;

	assert_int_equal(read_file(path, 4u << 20, &md, &len, err), 0);
	assert_int_equal(runbook_parse(md, len, path, rb, err), 0);
	free(md);
}

static int section_of(const struct runbook *rb, enum rb_kind k)
{
	size_t i;

	for (i = 0; i < rb->n_sections; i++)
		if (rb->sections[i].kind == k)
			return (int)i;
	return -1;
}

static void test_progress(void **state)
{
	struct runbook rb;
	struct walk w;
	size_t done, total;
	int tri, pm, mit;

	(void)state;
	parse_file("tests/e2e/runbooks/E2ECheckoutErrors.md", &rb);
	walk_init(&w, &rb);
	tri = section_of(&rb, RB_TRIAGE);
	pm = section_of(&rb, RB_POSTMORTEM);
	mit = section_of(&rb, RB_MITIGATION);
	assert_true(tri >= 0 && pm >= 0 && mit >= 0);
	walk_progress(&w, tri, &done, &total);
	assert_int_equal(done, 0);
	assert_int_equal(total, 2);
	assert_true(walk_toggle(&w, tri, 1));
	walk_progress(&w, tri, &done, &total);
	assert_int_equal(done, 1);
	assert_true(walk_is_done(&w, tri, 1));
	assert_false(walk_is_done(&w, tri, 0));
	assert_false(walk_toggle(&w, tri, 1));
	walk_progress(&w, tri, &done, &total);
	assert_int_equal(done, 0);
	walk_progress(&w, mit, &done, &total);
	assert_int_equal(total, 3);
	/* out of range: no crash, nothing counted */
	assert_false(walk_toggle(&w, tri, 2));
	assert_false(walk_toggle(&w, 99, 0));
	assert_false(walk_toggle(&w, -1, 0));
	assert_int_equal(walk_index(&w, tri, -1), (size_t)-1);
	walk_progress(&w, 99, &done, &total);
	assert_int_equal(total, 0);
	assert_true(walk_section_counts(&rb.sections[tri]));
	assert_false(walk_section_counts(&rb.sections[section_of(&rb, RB_MEANING)]));
	walk_free(&w);
	runbook_free(&rb);
}

static void test_checkbox_starts_done(void **state)
{
	const char *md = "# X\n\n## Postmortem\n- [x] saved the graph\n- [ ] filed the ticket\n";
	struct runbook rb;
	struct walk w;
	char err[ERR_MAX];
	size_t done, total;
	int pm;

	(void)state;
	assert_int_equal(runbook_parse(md, strlen(md), NULL, &rb, err), 0);
	walk_init(&w, &rb);
	pm = section_of(&rb, RB_POSTMORTEM);
	walk_progress(&w, pm, &done, &total);
	assert_int_equal(done, 1);
	assert_int_equal(total, 2);
	walk_free(&w);
	runbook_free(&rb);
}

static void test_confirm_policy(void **state)
{
	static const struct {
		enum rb_kind kind;
		bool has_rev;
		enum rb_rev rev;
		enum rb_confirm confirm;
		bool rollback;
		enum walk_confirm want;
	} cases[] = {
		{ RB_TRIAGE, false, REV_UNKNOWN, CONFIRM_DEFAULT, false, WALK_CONFIRM_NONE },
		{ RB_TRIAGE, false, REV_UNKNOWN, CONFIRM_YES, false, WALK_CONFIRM_YN },
		{ RB_TRIAGE, false, REV_UNKNOWN, CONFIRM_TYPED, false, WALK_CONFIRM_TYPED },
		{ RB_TRIAGE, true, REV_IRREVERSIBLE, CONFIRM_DEFAULT, false, WALK_CONFIRM_TYPED },
		{ RB_MITIGATION, true, REV_REVERSIBLE, CONFIRM_DEFAULT, false, WALK_CONFIRM_NONE },
		{ RB_MITIGATION, true, REV_RISKY, CONFIRM_DEFAULT, false, WALK_CONFIRM_YN },
		{ RB_MITIGATION, false, REV_UNKNOWN, CONFIRM_DEFAULT, false, WALK_CONFIRM_YN },
		{ RB_MITIGATION, true, REV_IRREVERSIBLE, CONFIRM_DEFAULT, false, WALK_CONFIRM_TYPED },
		{ RB_MITIGATION, true, REV_REVERSIBLE, CONFIRM_TYPED, false, WALK_CONFIRM_TYPED },
		{ RB_MITIGATION, true, REV_REVERSIBLE, CONFIRM_DEFAULT, true, WALK_CONFIRM_YN },
		{ RB_MITIGATION, true, REV_IRREVERSIBLE, CONFIRM_DEFAULT, true, WALK_CONFIRM_TYPED },
		{ RB_TRIAGE, false, REV_UNKNOWN, CONFIRM_DEFAULT, true, WALK_CONFIRM_YN },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct rb_section sec = { .kind = cases[i].kind };
		struct rb_step st = { .has_rev = cases[i].has_rev, .rev = cases[i].rev };
		struct rb_block b = { .confirm = cases[i].confirm, .runnable = true };

		if (walk_confirm_for(&sec, &st, &b, cases[i].rollback) != cases[i].want)
			fail_msg("case %zu: got %d want %d", i,
			         walk_confirm_for(&sec, &st, &b, cases[i].rollback), cases[i].want);
	}
	/* a block's reversibility= counts when the step has no tag */
	{
		struct rb_section sec = { .kind = RB_OTHER };
		struct rb_step st = {0};
		struct rb_block b = { .has_rev = true, .rev = REV_IRREVERSIBLE };

		assert_int_equal(walk_confirm_for(&sec, &st, &b, false), WALK_CONFIRM_TYPED);
	}
}

static void test_typed(void **state)
{
	(void)state;
	assert_true(walk_typed_ok("CheckoutHighErrorRate", "CheckoutHighErrorRate"));
	assert_true(walk_typed_ok("  CheckoutHighErrorRate ", "CheckoutHighErrorRate"));
	assert_false(walk_typed_ok("checkouthigherrorrate", "CheckoutHighErrorRate"));
	assert_false(walk_typed_ok("CheckoutHighErrorRat", "CheckoutHighErrorRate"));
	assert_false(walk_typed_ok("", "CheckoutHighErrorRate"));
	assert_false(walk_typed_ok("y", "CheckoutHighErrorRate"));
	assert_false(walk_typed_ok(NULL, "X"));
	assert_false(walk_typed_ok("", ""));
	assert_string_equal(walk_typed_expect("A"), "A");
	assert_string_equal(walk_typed_expect(""), "irreversible");
	assert_string_equal(walk_typed_expect(NULL), "irreversible");
}

static void test_escalation(void **state)
{
	static const struct {
		double base, opened;
		int64_t after_ms;
		double now;
		bool due;
		int64_t remaining, elapsed;
	} cases[] = {
		{ 1000, 5000, 15 * 60000, 1000 + 60, false, 14 * 60000, 60000 },
		{ 1000, 5000, 15 * 60000, 1000 + 900, true, 0, 900000 },
		{ 1000, 5000, 15 * 60000, 1000 + 1000, true, 0, 1000000 },
		{ 0, 5000, 60000, 5030, false, 30000, 30000 },     /* unknown start: from opened */
		{ 1000, 0, 60000, 900, false, 60000, 0 },          /* clock skew: never negative */
		{ 1000, 0, 0, 1000, true, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int64_t rem = -7, el = -7;
		bool due = walk_escalation(cases[i].base, cases[i].opened, cases[i].after_ms,
		                           cases[i].now, &rem, &el);

		assert_int_equal(due, cases[i].due);
		assert_int_equal(rem, cases[i].remaining);
		assert_int_equal(el, cases[i].elapsed);
	}
}

static void test_fmt_duration(void **state)
{
	static const struct { int64_t ms; const char *want; } cases[] = {
		{ 0, "0s" }, { -5, "0s" }, { 999, "1s" }, { 45000, "45s" },
		{ 252000, "4m12s" }, { 251200, "4m12s" }, { 3600000, "1h00m" },
		{ 3720000, "1h02m" }, { 86400000LL * 2 + 3600000LL * 3, "2d03h" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		walk_fmt_duration(cases[i].ms, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_scripts(void **state)
{
	const char *md =
		"# X\n\n## Diagnosis\n"
		"1. Check\n\n"
		"   ```console\n   $ kubectl get pods\n   NAME READY\n   $ echo two\n   two\n   ```\n\n"
		"## Mitigation\n"
		"1. [reversible] Flag off\n\n"
		"   ```sh\n   flagctl set x off\n   ```\n\n"
		"   Rollback: `flagctl set x on`\n"
		"2. [risky] Restart\n\n"
		"   ```sh\n   kubectl rollout restart deploy/x\n   ```\n\n"
		"   Rollback: none needed.\n";
	struct runbook rb;
	char err[ERR_MAX], *s;
	int tri, mit;

	(void)state;
	assert_int_equal(runbook_parse(md, strlen(md), NULL, &rb, err), 0);
	tri = section_of(&rb, RB_TRIAGE);
	mit = section_of(&rb, RB_MITIGATION);
	assert_true(tri >= 0 && mit >= 0);
	s = walk_block_script(walk_runnable(&rb.sections[tri].steps[0]));
	assert_string_equal(s, "kubectl get pods\necho two");
	free(s);
	s = walk_rollback_command(&rb.sections[mit].steps[0]);
	assert_non_null(s);
	assert_string_equal(s, "flagctl set x on");
	free(s);
	assert_null(walk_rollback_command(&rb.sections[mit].steps[1]));
	assert_null(walk_runnable(NULL));
	s = walk_block_script(NULL);
	assert_string_equal(s, "");
	free(s);
	runbook_free(&rb);
}

static void test_output_lines(void **state)
{
	struct walk_out o = {0};
	const char *l;
	size_t len;

	(void)state;
	assert_int_equal(o.n_lines, 0);
	walk_out_append(&o, "ab", 2);
	assert_int_equal(o.n_lines, 1);
	walk_out_append(&o, "c\nde", 4);
	assert_int_equal(o.n_lines, 2);
	l = walk_out_line(&o, 0, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(l, "abc", 3);
	walk_out_append(&o, "f\n", 2);
	assert_int_equal(o.n_lines, 2);
	l = walk_out_line(&o, 1, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(l, "def", 3);
	walk_out_append(&o, "\n\x1b[2J\r\0x", 8);
	assert_int_equal(o.n_lines, 4);
	l = walk_out_line(&o, 2, &len);
	assert_int_equal(len, 0);
	l = walk_out_line(&o, 3, &len);
	assert_int_equal(len, 7); /* raw bytes kept, NUL included: sanitizing is the drawer's */
	assert_memory_equal(l, "\x1b[2J\r\0x", 7);
	l = walk_out_line(&o, 9, &len);
	assert_int_equal(len, 0);
	walk_out_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_checkbox_starts_done),
		cmocka_unit_test(test_confirm_policy),
		cmocka_unit_test(test_typed),
		cmocka_unit_test(test_escalation),
		cmocka_unit_test(test_fmt_duration),
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_output_lines),
	};

	return cmocka_run_group_tests_name("walk", tests, NULL, NULL);
}
