/* test_runbook_syntax.c: the runbook markup, one piece at a time: heading
 * kinds, fence attributes, the chart attribute, prompts, escalation and
 * inline text, then hostile markdown that must parse and lay out without
 * harm. Whole runbooks are in test_runbook.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"
#include "core/text.h"
#include "runbook_check.h"

/* ---- headings, attributes, prompts, escalation -------------------------- */

static void test_heading_kinds(void **state)
{
	static const struct {
		const char *heading;
		enum rb_kind kind;
	} cases[] = {
		{ "What this alert means", RB_MEANING }, { "Meaning", RB_MEANING },
		{ "Overview", RB_MEANING }, { "DESCRIPTION", RB_MEANING },
		{ "Impact", RB_IMPACT }, { "Symptoms to verify", RB_VERIFY }, { "Verify", RB_VERIFY },
		{ "Initial triage (5 minutes)", RB_TRIAGE }, { "Diagnosis", RB_TRIAGE },
		{ "Investigation", RB_TRIAGE }, { "Debugging", RB_TRIAGE },
		{ "Mitigations (in order of reversibility)", RB_MITIGATION },
		{ "Remediation", RB_MITIGATION }, { "Resolution", RB_MITIGATION },
		{ "When to escalate", RB_ESCALATION }, { "Escalation", RB_ESCALATION },
		{ "Postmortem checklist", RB_POSTMORTEM }, { "Post-mortem", RB_POSTMORTEM },
		{ "Follow-up", RB_POSTMORTEM }, { "Dashboards", RB_OTHER }, { "", RB_OTHER },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++)
		if (rb_kind_of_heading(cases[i].heading) != cases[i].kind)
			fail_msg("\"%s\": %s", cases[i].heading, rb_kind_str(rb_kind_of_heading(cases[i].heading)));
	assert_int_equal(rb_kind_of_heading(NULL), RB_OTHER);
	assert_string_equal(rb_kind_str(RB_MITIGATION), "mitigation");
	assert_string_equal(rb_kind_label(RB_TRIAGE), "Triage");
	assert_string_equal(rb_rev_str(REV_UNKNOWN), "unknown");
}

static void test_fence_attributes(void **state)
{
	static const char md[] =
		"---\ntitle: x\nweight: 2\n---\n"
		"## Triage\n"
		"Text\n"
		"```sh {timeout=90s confirm=yes reversibility=irreversible name=\"drop it\" bogus=1}\n"
		"echo hi\n```\n"
		"```Bash {timeout=soon confirm=maybe}\nls\n```\n"
		"```text\nnot run\n```\n"
		"```\nplain\n```\n"
		"```SH\x1b[31m\nx\n```\n";
	const struct rb_block *b;
	struct runbook rb;

	(void)state;
	parse_str(md, &rb);
	assert_string_equal(rb.title, "test");  /* no H1: the file name */
	assert_int_equal(rb.n_sections, 1);
	assert_int_equal(rb.sections[0].line, 5);
	assert_int_equal(rb.sections[0].n_steps, 1);
	assert_int_equal(rb.sections[0].steps[0].n_blocks, 5);
	b = rb.sections[0].steps[0].blocks;
	assert_int_equal(b[0].line, 7);
	assert_int_equal(b[0].timeout_ms, 90000);
	assert_int_equal(b[0].confirm, CONFIRM_YES);
	assert_true(b[0].has_rev);
	assert_int_equal(b[0].rev, REV_IRREVERSIBLE);
	assert_string_equal(b[0].name, "drop it");
	assert_string_equal(b[1].lang, "bash");
	assert_true(b[1].runnable);
	assert_int_equal(b[1].timeout_ms, 0);
	assert_false(b[2].runnable);
	assert_int_equal(b[2].n_commands, 0);
	assert_string_equal(b[3].lang, "");
	assert_string_equal(b[4].lang, "sh\\e[31m");  /* sanitized: it is shown */
	assert_false(b[4].runnable);
	assert_int_equal(rb.n_warnings, 3);
	assert_string_equal(rb.warnings[0], "line 7: unknown fence attribute bogus");
	assert_string_equal(rb.warnings[1], "line 10: bad timeout value: soon");
	assert_non_null(strstr(rb.warnings[2], "line 10: bad confirm value"));
	check_widths(&rb);
	runbook_free(&rb);
}

/* chart=DURATION: 1m..7d, else a warning naming the line and chart_ms 0.
 * Accepted on any block (it parses the same), only promql blocks use it. */
static void test_chart_attribute(void **state)
{
	static const struct {
		const char *md;
		int64_t chart_ms;
		const char *warning; /* NULL: none */
	} cases[] = {
		{ "## Triage\n1. x\n```promql {chart=1h}\nup\n```\n", 3600000, NULL },
		{ "## Triage\n1. x\n```promql {chart=15m}\nup\n```\n", 900000, NULL },
		{ "## Triage\n1. x\n```promql {chart=\"7d\"}\nup\n```\n", 7 * 86400000LL, NULL },
		{ "## Triage\n1. x\n```promql {chart=1m timeout=5s}\nup\n```\n", 60000, NULL },
		{ "## Triage\n1. x\n```sh {chart=1h}\nls\n```\n", 3600000, NULL },
		{ "## Triage\n1. x\n```promql\nup\n```\n", 0, NULL },
		{ "## Triage\n1. x\n```promql {chart=banana}\nup\n```\n", 0,
		  "line 3: bad chart range (1m..7d): banana" },
		{ "## Triage\n1. x\n```promql {chart=30s}\nup\n```\n", 0,
		  "line 3: bad chart range (1m..7d): 30s" },
		{ "## Triage\n1. x\n```promql {chart=8d}\nup\n```\n", 0,
		  "line 3: bad chart range (1m..7d): 8d" },
		{ "## Triage\n1. x\n```promql {chart=}\nup\n```\n", 0,
		  "line 3: bad chart range (1m..7d): " },
		{ "## Triage\n1. x\n```promql {chart=-1h}\nup\n```\n", 0,
		  "line 3: bad chart range (1m..7d): -1h" },
		{ "## Triage\n1. x\n```promql {chart=99999999999999999999d}\nup\n```\n", 0,
		  "line 3: bad chart range (1m..7d): 99999999999999999999d" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct runbook rb;
		const struct rb_block *b;

		parse_str(cases[i].md, &rb);
		assert_int_equal(rb.n_sections, 1);
		assert_int_equal(rb.sections[0].n_steps, 1);
		assert_int_equal(rb.sections[0].steps[0].n_blocks, 1);
		b = &rb.sections[0].steps[0].blocks[0];
		assert_true(b->runnable);
		assert_int_equal(b->chart_ms, cases[i].chart_ms);
		if (cases[i].warning) {
			assert_int_equal(rb.n_warnings, 1);
			assert_string_equal(rb.warnings[0], cases[i].warning);
		} else {
			assert_int_equal(rb.n_warnings, 0);
		}
		runbook_free(&rb);
	}
}

static void test_prompts(void **state)
{
	static const struct {
		const char *md;
		size_t n;
		const char *cmds[3];
	} cases[] = {
		{ "```console\n$ echo a\noutput a\n$ kubectl get pods \\\n>   -n x\nNAME\n```\n",
		  2, { "echo a", "kubectl get pods   -n x" } },
		{ "```shell\n  $ ls -l\ntotal 0\n$\n$ a \\\n  b \\\n  c\n```\n", 2, { "ls -l", "a   b   c" } },
		{ "```shell\nuptime\n  load average\n```\n", 1, { "uptime\n  load average" } },
		{ "```sh\n$ echo not a prompt in sh\n```\n", 1, { "$ echo not a prompt in sh" } },
		{ "```console\n$ echo \"$HOME\" \\\n```\n", 1, { "echo \"$HOME\"" } },
		{ "```console\r\n$ echo crlf\r\nout\r\n```\r\n", 1, { "echo crlf" } },
		{ "```sh\n\n   \n```\n", 0, { NULL } },
	};
	const struct rb_block *b;
	struct runbook rb;
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		parse_str(cases[i].md, &rb);
		assert_int_equal(rb.sections[0].n_steps, 1);
		b = &rb.sections[0].steps[0].blocks[0];
		if (b->n_commands != cases[i].n)
			fail_msg("case %zu: %zu commands", i, b->n_commands);
		for (j = 0; j < b->n_commands; j++)
			assert_string_equal(b->commands[j], cases[i].cmds[j]);
		runbook_free(&rb);
	}
}

static void test_escalation(void **state)
{
	static const struct {
		const char *item;
		int64_t ms;
	} cases[] = {
		{ "page the lead after 15 minutes", 900000 },
		{ "After 15m, page", 900000 },
		{ "after 1 hour", 3600000 },
		{ "after 2h without progress", 7200000 },
		{ "after an hour", 3600000 },
		{ "after 30 s", 30000 },
		{ "hereafter 5 minutes", 0 },
		{ "at once", 0 },
		{ "after the deploy, after 10 min", 600000 },
	};
	struct runbook rb;
	char md[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		snprintf(md, sizeof md, "## Escalation\n- %s\n", cases[i].item);
		parse_str(md, &rb);
		if (rb.sections[0].steps[0].escalate_after_ms != cases[i].ms)
			fail_msg("\"%s\": %lld", cases[i].item, (long long)rb.sections[0].steps[0].escalate_after_ms);
		runbook_free(&rb);
	}
	/* only escalation sections count */
	parse_str("## Triage\n- after 15 minutes\n", &rb);
	assert_int_equal(rb.sections[0].steps[0].escalate_after_ms, 0);
	runbook_free(&rb);
}

static void test_inline(void **state)
{
	static const char md[] =
		"Intro before any heading\n\n"
		"# T \x1b[31mred\x1b[0m\n"
		"## Triage\n"
		"*em* **strong** `code` [link](https://x.example/) <https://auto.example/>\n"
		"line two\\\nhard \x1b]52;c;AAAA\x07 \xe2\x80\xae rtl \xff\n\n"
		"```sh\nprintf '\x1b[2J'\n```\n";
	const struct rb_step *st;
	struct runbook rb;
	char *p;

	(void)state;
	parse_str(md, &rb);
	assert_string_equal(rb.title, "T \\e[31mred\\e[0m");
	assert_int_equal(rb.n_sections, 2);
	assert_string_equal(rb.sections[0].title, "");
	assert_int_equal(rb.sections[0].kind, RB_OTHER);
	st = &rb.sections[1].steps[0];
	assert_int_equal(st->text.v[0].style, RBS_EMPH);
	assert_string_equal(st->text.v[0].text, "em");
	assert_int_equal(st->text.v[2].style, RBS_STRONG);
	assert_int_equal(st->text.v[4].style, RBS_CODE);
	assert_int_equal(st->text.v[6].style, RBS_LINK);
	assert_string_equal(st->text.v[7].text, " <https://x.example/>");
	p = rb_text_plain(&st->text);
	assert_non_null(strstr(p, "em strong code link <https://x.example/> https://auto.example/ line two\nhard"));
	assert_null(strchr(p, '\x1b'));
	assert_null(strchr(p, '\x07'));
	assert_null(strstr(p, "\xe2\x80\xae"));
	assert_non_null(strstr(p, "\\e]52;c;AAAA"));
	free(p);
	/* code stays raw: it may run */
	assert_string_equal(st->blocks[0].code, "printf '\x1b[2J'\n");
	p = runbook_to_text(&rb, 80);
	assert_null(strchr(p, '\x1b'));
	free(p);
	check_widths(&rb);
	runbook_free(&rb);
}

/* ---- hostile input ------------------------------------------------------- */

static void check_hostile(const char *md, size_t len)
{
	struct runbook rb;
	char err[ERR_MAX], *text;

	if (runbook_parse(md, len, "hostile.md", &rb, err) != 0)
		fail_msg("%zu bytes: %s", len, err);
	text = runbook_to_text(&rb, 80);
	assert_non_null(text);
	free(text);
	check_layout(&rb, 20, true);
	check_layout(&rb, 200, false);
	runbook_free(&rb);
}

static void test_hostile(void **state)
{
	static const char *const odd[] = {
		"", "---\n", "---\nunterminated: front matter\n", "```", "- [ ]", "[x]", "\xef\xbb\xbf---\n---\n",
		"1. [irreversible]\n## Mitigation\n- [irreversible]\n- Rollback:\nRollback: `x`\n",
		"<details><summary></summary></details>", "| a | b |\n|---|---|\n", "![img](javascript:x)",
	};
	struct buf b = {0};
	struct runbook rb;
	char err[ERR_MAX];
	size_t i;
	(void)state;
	/* 1000-deep nested list, inside a mitigation */
	buf_puts(&b, "## Mitigation\n");
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%*s- level %zu \x1b[1m\n", (int)(2 * i), "", i);
	check_hostile(b.data, b.len);
	parse_str(b.data, &rb);
	assert_int_equal(rb.sections[0].n_steps, 1);
	assert_true(rb.sections[0].steps[0].n_more > 10);
	runbook_free(&rb);
	buf_reset(&b);
	/* 1000-deep list on one line, block quotes, brackets, emphasis */
	for (i = 0; i < 1000; i++)
		buf_puts(&b, "- ");
	buf_puts(&b, "x\n");
	for (i = 0; i < 100000; i++)
		buf_putc(&b, '>');
	buf_puts(&b, " deep\n\n");
	for (i = 0; i < 50000; i++)
		buf_puts(&b, "[*_`");
	buf_puts(&b, "\n\n");
	for (i = 0; i < 50000; i++)
		buf_puts(&b, "**a ");
	buf_puts(&b, "\n");
	check_hostile(b.data, b.len);
	buf_reset(&b);
	/* unterminated fences, a heading storm, escapes everywhere */
	buf_puts(&b, "# \x1b]0;title\x07\n## Mitigation\n1. [risky]\n   ```sh {timeout=\n   rm -rf /\n");
	for (i = 0; i < 2000; i++)
		buf_printf(&b, "%.*s x\n~~~\n", (int)(1 + i % 6), "######");
	check_hostile(b.data, b.len);
	buf_reset(&b);
	/* just under the cap: a wall of words and long lines */
	while (b.len < (4u << 20) - 200)
		buf_puts(&b, "word \xe4\xb8\xad\xe6\x96\x87 `code` *em* ");
	check_hostile(b.data, b.len);
	/* over the cap, NUL bytes: refused, not crashed */
	while (b.len <= (4u << 20))
		buf_puts(&b, "more ");
	assert_int_equal(runbook_parse(b.data, b.len, "big.md", &rb, err), -1);
	assert_non_null(strstr(err, "limit"));
	assert_int_equal(runbook_parse("ab\0cd", 5, "nul.md", &rb, err), -1);
	assert_non_null(strstr(err, "NUL"));
	buf_free(&b);
	/* empty and odd */
	for (i = 0; i < ARRAY_LEN(odd); i++)
		check_hostile(odd[i], strlen(odd[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heading_kinds),
		cmocka_unit_test(test_fence_attributes),
		cmocka_unit_test(test_chart_attribute),
		cmocka_unit_test(test_prompts),
		cmocka_unit_test(test_escalation),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests_name("runbook_syntax", tests, NULL, NULL);
}
