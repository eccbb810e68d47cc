/* test_lint.c: `pagetty lint` checks. A table of small runbooks, each
 * breaking exactly one rule (and passing variants); the shipped runbooks
 * with examples/rules.yml (lint-clean); the real prometheus-operator
 * runbooks and awesome-prometheus-alerts / Sloth rule files (expected
 * findings at exact lines); label references against a linked rule; the
 * code checks (sh -n, PromQL balance) alone; text and JSON output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/lint.h"

#define FIX "../shared/fixtures/"

/* ---- helpers ---------------------------------------------------------- */

static void parse_str(const char *md, struct runbook *rb)
{
	char err[ERR_MAX];

	if (runbook_parse(md, strlen(md), "t.md", rb, err) != 0)
		fail_msg("%s", err);
}

static void parse_file(const char *path, struct runbook *rb)
{
	char err[ERR_MAX], *md;
	size_t len;

	if (read_file(path, 8u << 20, &md, &len, err) != 0)
		fail_msg("%s", err);
	if (runbook_parse(md, len, path, rb, err) != 0)
		fail_msg("%s: %s", path, err);
	free(md);
}

static void lint_one(const char *md, struct lint_report *rep)
{
	struct runbook rb;
	struct lint_input in = {0};
	struct lint_opts o = { .shell_check = true };

	parse_str(md, &rb);
	in.runbooks = &rb;
	in.n_runbooks = 1;
	memset(rep, 0, sizeof *rep);
	lint_run(&in, &o, rep);
	runbook_free(&rb);
}

static size_t count_rule(const struct lint_report *rep, const char *rule)
{
	size_t i, n = 0;

	for (i = 0; i < rep->n; i++)
		n += strcmp(rep->v[i].rule, rule) == 0;
	return n;
}

static void dump(const struct lint_report *rep)
{
	char *t = lint_report_text(rep);

	print_message("%s", t);
	free(t);
}

/* Sorted *.md files of a dir, parsed into rbs (at most max). */
static size_t parse_dir(const char *dir, struct runbook *rbs, size_t max)
{
	struct dirent **ents;
	int n, i;
	size_t k = 0, l;
	char path[512];

	n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		l = strlen(ents[i]->d_name);
		if (k < max && l > 3 && strcmp(ents[i]->d_name + l - 3, ".md") == 0) {
			snprintf(path, sizeof path, "%s%s", dir, ents[i]->d_name);
			parse_file(path, &rbs[k++]);
		}
		free(ents[i]);
	}
	free(ents);
	return k;
}

/* ---- one rule each ------------------------------------------------------ */

#define H1 "# Runbook: X\n\n"
#define MEANING "## Meaning\nUsers see errors at checkout.\n\n"
#define TRIAGE "## Triage\n1. Check the pods\n   ```sh\n   kubectl get pods\n   ```\n\n"
#define MITIG "## Mitigations\n" \
	"1. [reversible] Turn the flag off\n   ```sh\n   flagctl set x off\n   ```\n" \
	"   Rollback: `flagctl set x on`\n" \
	"2. [risky] Roll back the deploy\n   ```sh\n   kubectl rollout undo deploy/x\n   ```\n" \
	"   Rollback: `kubectl rollout undo deploy/x`\n\n"
#define ESC "## When to escalate\n- If errors stay above 2% after 15 minutes, page the checkout on-call.\n"
#define ESC_ITEM(s) "## When to escalate\n- " s "\n"
#define MITIG_ONE(s) "## Mitigations\n1. " s "\n"

static void test_rules_table(void **state)
{
	static const struct {
		const char *rule;   /* NULL: no finding at all */
		const char *md;
	} cases[] = {
		{ NULL, H1 MEANING TRIAGE MITIG ESC },
		{ "section-meaning", H1 TRIAGE MITIG ESC },
		{ "section-meaning", H1 "## Meaning\n\n" TRIAGE MITIG ESC },
		{ "section-triage", H1 MEANING MITIG ESC },
		{ "section-triage", H1 MEANING "## Diagnosis\n\n" MITIG ESC },
		{ "section-mitigation", H1 MEANING TRIAGE ESC },
		{ "section-escalation", H1 MEANING TRIAGE MITIG },
		{ "triage-order", H1 MEANING MITIG TRIAGE ESC },
		{ "step-runnable", H1 MEANING TRIAGE "2. Look at the dashboard\n\n" MITIG ESC },
		{ "step-runnable", H1 MEANING "## Diagnosis\nLook at the graphs.\n\n" MITIG ESC },
		{ "step-one-block", H1 MEANING "## Triage\n1. Check the pods\n   ```sh\n   kubectl get pods\n   ```\n"
		  "   ```promql\n   up\n   ```\n\n" MITIG ESC },
		{ "mitigation-tag", H1 MEANING TRIAGE MITIG_ONE("Restart it\n   ```sh\n   systemctl restart x\n   ```") ESC },
		{ "mitigation-order", H1 MEANING TRIAGE "## Mitigations\n"
		  "1. [risky] Roll back\n   ```sh\n   undo\n   ```\n   Rollback: `redo`\n"
		  "2. [reversible] Flag off\n   ```sh\n   flag off\n   ```\n   Rollback: `flag on`\n\n" ESC },
		{ "rollback", H1 MEANING TRIAGE MITIG_ONE("[irreversible] Drop the cache\n   ```sh\n   redis-cli flushall\n   ```") ESC },
		{ "rollback", H1 MEANING TRIAGE MITIG_ONE("[risky] Restart\n   ```sh\n   restart\n   ```") ESC },
		{ NULL, H1 MEANING TRIAGE MITIG_ONE("[irreversible] Drop the cache\n   ```sh\n   redis-cli flushall\n   ```\n"
		  "   No rollback: the keys are gone and refill from the database.") ESC },
		{ NULL, H1 MEANING TRIAGE MITIG_ONE("[irreversible] Drop the cache\n   ```sh\n   redis-cli flushall\n   ```\n"
		  "   Rollback: none, the keys refill on reads") ESC },
		{ NULL, H1 MEANING TRIAGE MITIG_ONE("Restore\n   ```sh {reversibility=reversible}\n   x\n   ```") ESC },
		{ "escalation-condition", H1 MEANING TRIAGE MITIG ESC_ITEM("Page the checkout on-call after 15 minutes.") },
		{ "escalation-time", H1 MEANING TRIAGE MITIG ESC_ITEM("If errors stay above 2%, page the checkout on-call.") },
		{ "escalation-who", H1 MEANING TRIAGE MITIG ESC_ITEM("If errors stay above 2% after 15 minutes, page the on-call.") },
		{ "escalation-who", H1 MEANING TRIAGE MITIG ESC_ITEM("If it persists after 1h, page the on-call engineer.") },
		{ NULL, H1 MEANING TRIAGE MITIG ESC_ITEM("If errors stay above 2% at once, page the incident commander.") },
		{ NULL, H1 MEANING TRIAGE MITIG ESC_ITEM("If the database is down, page the on-call DBA immediately.") },
		{ NULL, H1 MEANING TRIAGE MITIG ESC_ITEM("When it is still firing after 30m, page Alice Smith.") },
		{ NULL, H1 MEANING TRIAGE MITIG ESC_ITEM("If fewer than 3 days are left, notify @platform-oncall.") },
		{ NULL, H1 MEANING TRIAGE MITIG ESC_ITEM("If the burn continues after 2 hours, page the payments oncall.") },
		{ "shell-syntax", H1 MEANING "## Triage\n1. Check\n   ```sh\n   if true; then echo x\n   ```\n\n" MITIG ESC },
		{ "shell-syntax", H1 MEANING "## Triage\n1. Check\n   ```console\n   $ echo 'unterminated\n   ```\n\n" MITIG ESC },
		{ NULL, H1 MEANING "## Triage\n1. Check\n   ```sh\n   kubectl -n {{ $labels.namespace }} get pods\n   ```\n\n" MITIG ESC },
		{ NULL, H1 MEANING "## Triage\n1. Check\n   ```console\n   $ kubectl get pods\n   NAME   READY   STATUS\n   web-1  1/1     Running\n   ```\n\n" MITIG ESC },
		{ "promql-syntax", H1 MEANING "## Triage\n1. Ratio\n   ```promql\n   sum(rate(x{a=\"b\"}[5m])\n   ```\n\n" MITIG ESC },
		{ "promql-syntax", H1 MEANING "## Triage\n1. Ratio\n   ```promql\n   sum(rate(x{a=\"b}[5m]))\n   ```\n\n" MITIG ESC },
		{ NULL, H1 MEANING "## Triage\n1. Ratio\n   ```promql\n   sum(rate(x{a=\"{{ $labels.a }}\"}[5m])) # ) comment\n   ```\n\n" MITIG ESC },
		{ "console-output", H1 MEANING "## Triage\n1. Check\n   ```console\n   kubectl get pods\n   NAME   READY   STATUS\n   web-1  1/1     Running\n   ```\n\n" MITIG ESC },
		{ "runbook-markdown", H1 MEANING "## Triage\n1. Check\n   ```sh {colour=red}\n   true\n   ```\n\n" MITIG ESC },
	};
	struct lint_report rep;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		lint_one(cases[i].md, &rep);
		if (cases[i].rule ? (rep.n != 1 || strcmp(rep.v[0].rule, cases[i].rule) != 0) : rep.n != 0) {
			dump(&rep);
			fail_msg("case %zu: want %s", i, cases[i].rule ? cases[i].rule : "no finding");
		}
		if (rep.n)
			assert_int_equal(rep.n_errors + rep.n_warnings, 1);
		lint_report_free(&rep);
	}
}

/* Every rule id the table above exercises is a known rule with its level. */
static void test_rule_levels(void **state)
{
	size_t n, i;
	const struct lint_rule_info *r = lint_rule_infos(&n);
	struct lint_report rep;

	(void)state;
	assert_true(n >= 20);
	for (i = 0; i < n; i++)
		assert_non_null(r[i].what);
	lint_one(H1 MEANING TRIAGE MITIG ESC_ITEM("If errors stay above 2%, page the checkout on-call."), &rep);
	assert_int_equal(rep.n_warnings, 1);   /* escalation-time is a warning ... */
	assert_int_equal(rep.n_errors, 0);
	lint_report_free(&rep);
	lint_one(H1 MEANING TRIAGE MITIG, &rep);
	assert_int_equal(rep.n_errors, 1);     /* ... a missing escalation an error */
	assert_int_equal(rep.v[0].level, LINT_ERROR);
	assert_int_equal(rep.v[0].line, 1);
	lint_report_free(&rep);
}

/* ---- the code checks alone ------------------------------------------------ */

static void test_sh_check(void **state)
{
	static const struct {
		const char *code;
		int rc, line;
	} cases[] = {
		{ "echo hi\n", 0, 0 },
		{ "kubectl get pods | grep -E 'a|b' \\\n  | tail -n 3\n", 0, 0 },
		{ "if true; then\n  echo x\n", 1, 3 },
		{ "echo 'open\n", 1, 0 },
		{ "echo $(\n", 1, 0 },
		{ "rm -rf /tmp/pagetty-lint-canary-$$\ntouch /tmp/pagetty-lint-canary\n", 0, 0 },
		{ "", 0, 0 },
	};
	char msg[ERR_MAX];
	size_t i;
	int line;

	(void)state;
	unlink("/tmp/pagetty-lint-canary");
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int rc = lint_sh_check(NULL, cases[i].code, 0, msg, &line);

		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d (%s)", i, rc, msg);
		if (cases[i].line)
			assert_int_equal(line, cases[i].line);
		if (rc)
			assert_true(msg[0] != '\0');
	}
	/* sh -n parses, never runs */
	assert_int_equal(access("/tmp/pagetty-lint-canary", F_OK), -1);
	/* a shell that cannot be run is said, not a syntax error */
	assert_int_equal(lint_sh_check("/nonexistent/sh", "echo\n", 0, msg, &line), -1);
	assert_non_null(strstr(msg, "cannot run"));
	/* big input: the shell reads it all, within the time */
	{
		struct buf b = {0};

		for (i = 0; i < 20000; i++)
			buf_puts(&b, "echo 'a fairly long line of shell code to fill the pipe'\n");
		assert_int_equal(lint_sh_check(NULL, b.data, 5000, msg, &line), 0);
		buf_puts(&b, "fi\n");
		assert_int_equal(lint_sh_check(NULL, b.data, 5000, msg, &line), 1);
		buf_free(&b);
	}
}

static void test_promql_check(void **state)
{
	static const struct {
		const char *code;
		int rc, line;
	} cases[] = {
		{ "up", 0, 0 },
		{ "sum by (le) (rate(x_bucket{a=\"(\"}[5m]))", 0, 0 },
		{ "sum(rate(x[5m])", 1, 1 },
		{ "sum(rate(x[5m])))", 1, 1 },
		{ "sum(rate(x[5m)])", 1, 1 },
		{ "x{a=\"b}", 1, 1 },
		{ "x{a='b\\'c'}", 0, 0 },
		{ "x{a=`raw\\`}", 0, 0 },
		{ "sum(\n  x\n", 1, 1 },
		{ "a\n  / b)\n", 1, 2 },
		{ "x{a=\"{{ $labels.a }}\"} # (unbalanced in a comment\n", 0, 0 },
		{ "{{ $labels.a\n}} + x\n)", 1, 3 },
		{ "x{a=\"b\nc\"}", 1, 1 },
	};
	char msg[ERR_MAX];
	size_t i;
	int line;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int rc = lint_promql_check(cases[i].code, msg, &line);

		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d (%s)", i, rc, msg);
		if (rc)
			assert_int_equal(line, cases[i].line);
	}
	{
		struct buf b = {0};

		for (i = 0; i < 10000; i++)
			buf_putc(&b, '(');
		assert_int_equal(lint_promql_check(b.data, msg, &line), 1);
		assert_non_null(strstr(msg, "nested"));
		buf_free(&b);
	}
}

/* ---- real files ------------------------------------------------------------- */

/* The shipped runbooks with the example rules: no errors; the warnings
 * left are steps without a command on purpose (see the report). */
static void test_shipped_clean(void **state)
{
	struct runbook rbs[16];
	struct rule_file rf;
	struct lint_input in = {0};
	const char *dirs[] = { "runbooks" };
	struct lint_opts o = { .runbook_dirs = dirs, .n_runbook_dirs = 1, .shell_check = true };
	struct lint_report rep = {0};
	char err[ERR_MAX];
	size_t n, i;

	(void)state;
	n = parse_dir("runbooks/", rbs, ARRAY_LEN(rbs));
	assert_true(n >= 7);
	assert_int_equal(rules_load_file("examples/rules.yml", &rf, err), 0);
	in.runbooks = rbs;
	in.n_runbooks = n;
	in.rule_files = &rf;
	in.n_rule_files = 1;
	lint_run(&in, &o, &rep);
	for (i = 0; i < rep.n; i++)
		if (rep.v[i].level == LINT_ERROR || strcmp(rep.v[i].rule, "step-runnable") != 0) {
			dump(&rep);
			fail_msg("shipped runbooks are not lint-clean");
		}
	assert_true(rep.n <= 3);
	lint_report_free(&rep);
	rules_free(&rf);
	for (i = 0; i < n; i++)
		runbook_free(&rbs[i]);
}

static void test_operator_runbooks(void **state)
{
	struct runbook rbs[32];
	struct lint_input in = {0};
	struct lint_opts o = { .shell_check = true };
	struct lint_report rep = {0};
	size_t n, i;
	bool crashloop_output = false;

	(void)state;
	n = parse_dir(FIX "runbooks-prometheus-operator/", rbs, ARRAY_LEN(rbs));
	assert_int_equal(n, 13);
	in.runbooks = rbs;
	in.n_runbooks = n;
	lint_run(&in, &o, &rep);
	/* none has an escalation path; all have meaning, triage and mitigation */
	assert_int_equal(count_rule(&rep, "section-escalation"), 13);
	assert_int_equal(count_rule(&rep, "section-meaning"), 0);
	assert_int_equal(count_rule(&rep, "section-mitigation"), 0);
	assert_int_equal(count_rule(&rep, "triage-order"), 0);
	assert_int_equal(count_rule(&rep, "shell-syntax"), 0);
	assert_int_equal(count_rule(&rep, "promql-syntax"), 0);
	assert_int_equal(count_rule(&rep, "runbook-parse"), 0);
	assert_true(count_rule(&rep, "mitigation-tag") >= 13);
	assert_int_equal(rep.n_errors, 13);
	for (i = 0; i < rep.n; i++) {
		if (strstr(rep.v[i].file, "AlertmanagerClusterCrashlooping.md") &&
		    strcmp(rep.v[i].rule, "console-output") == 0 && rep.v[i].line == 18)
			crashloop_output = true;
		assert_true(rep.v[i].line >= 1);
	}
	assert_true(crashloop_output);   /* sample output in an unprompted ```shell block */
	lint_report_free(&rep);
	for (i = 0; i < n; i++)
		runbook_free(&rbs[i]);
}

/* Paging rules with no runbook_url: reported at the rule's exact line. */
static void test_rule_files(void **state)
{
	static const struct {
		const char *file;
		int lines[10];
	} cases[] = {
		{ FIX "rules-awesome-prometheus-alerts/blackbox-exporter.yml", { 8, 35, 53, 66 } },
		{ FIX "rules-awesome-prometheus-alerts/node-exporter.yml", { 67, 88, 97, 218, 228 } },
		{ FIX "sloth/getting-started.rules.yml", { 206 } },
	};
	struct rule_file rf;
	struct lint_input in = {0};
	struct lint_opts o = {0};
	struct lint_report rep;
	char err[ERR_MAX];
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(rules_load_file(cases[i].file, &rf, err), 0);
		in.rule_files = &rf;
		in.n_rule_files = 1;
		memset(&rep, 0, sizeof rep);
		lint_run(&in, &o, &rep);
		for (j = 0; j < ARRAY_LEN(cases[i].lines) && cases[i].lines[j]; j++) {
			assert_true(j < rep.n);
			assert_int_equal(rep.v[j].line, cases[i].lines[j]);
			assert_string_equal(rep.v[j].rule, "rule-runbook-url");
			assert_int_equal(rep.v[j].level, LINT_ERROR);
			assert_string_equal(rep.v[j].file, cases[i].file);
		}
		assert_int_equal(rep.n, j);
		lint_report_free(&rep);
		rules_free(&rf);
	}
}

/* tests/fixtures/lint: a rule linked to a runbook by runbook_url, and the
 * rule-file checks. */
static void test_linked(void **state)
{
	static const struct {
		const char *file;
		int line;
		const char *rule;
		enum lint_level level;
		const char *text;
	} want[] = {
		{ "tests/fixtures/lint/rules.yml", 14, "rule-runbook-url", LINT_ERROR, "ApiNoRunbook" },
		{ "tests/fixtures/lint/rules.yml", 23, "rule-runbook-resolve", LINT_ERROR, "NoSuchRunbook.md" },
		{ "tests/fixtures/lint/rules.yml", 29, "rule-runbook-resolve", LINT_ERROR, "no host" },
		{ "tests/fixtures/lint/runbooks/ApiErrors.md", 17, "label-ref", LINT_ERROR, "\"cluster\"" },
	};
	struct runbook rb;
	struct rule_file rf;
	struct lint_input in = {0};
	const char *dirs[] = { "tests/fixtures/lint/runbooks" };
	struct lint_opts o = { .runbook_dirs = dirs, .n_runbook_dirs = 1, .shell_check = true };
	struct lint_report rep = {0};
	char err[ERR_MAX];
	size_t i;

	(void)state;
	parse_file("tests/fixtures/lint/runbooks/ApiErrors.md", &rb);
	assert_int_equal(rules_load_file("tests/fixtures/lint/rules.yml", &rf, err), 0);
	in.runbooks = &rb;
	in.n_runbooks = 1;
	in.rule_files = &rf;
	in.n_rule_files = 1;
	lint_run(&in, &o, &rep);
	if (rep.n != ARRAY_LEN(want))
		dump(&rep);
	assert_int_equal(rep.n, ARRAY_LEN(want));
	for (i = 0; i < ARRAY_LEN(want); i++) {
		assert_string_equal(rep.v[i].file, want[i].file);
		assert_int_equal(rep.v[i].line, want[i].line);
		assert_string_equal(rep.v[i].rule, want[i].rule);
		assert_int_equal(rep.v[i].level, want[i].level);
		assert_non_null(strstr(rep.v[i].message, want[i].text));
	}
	lint_report_free(&rep);

	/* with a base_url, a relative runbook_url is a URL: only its syntax counts */
	o.base_url = "https://git.example.net/runbooks/";
	lint_run(&in, &o, &rep);
	assert_int_equal(count_rule(&rep, "rule-runbook-resolve"), 1);   /* the bad URL */
	assert_int_equal(count_rule(&rep, "label-ref"), 1);   /* still linked through the dirs */
	lint_report_free(&rep);
	rules_free(&rf);
	runbook_free(&rb);
}

/* ---- output ------------------------------------------------------------------ */

static void test_output(void **state)
{
	struct lint_report rep = {0};
	cJSON *arr, *o;
	char *text, *json;

	(void)state;
	lint_add(&rep, "b.md", 3, LINT_WARNING, "escalation-time", "no \"time\"");
	lint_add(&rep, "a.md", 9, LINT_ERROR, "rollback", "evil \x1b[2J text");
	lint_add(&rep, "a.md", 2, LINT_ERROR, "section-meaning", "x");
	lint_report_sort(&rep);
	assert_int_equal(rep.n_errors, 2);
	assert_int_equal(rep.n_warnings, 1);
	text = lint_report_text(&rep);
	assert_string_equal(text, "a.md:2: error: x (section-meaning)\n"
	                          "a.md:9: error: evil \\e[2J text (rollback)\n"
	                          "b.md:3: warning: no \"time\" (escalation-time)\n");
	json = lint_report_json(&rep);
	arr = cJSON_Parse(json);
	assert_non_null(arr);
	assert_int_equal(cJSON_GetArraySize(arr), 3);
	o = cJSON_GetArrayItem(arr, 2);
	assert_string_equal(cJSON_GetObjectItem(o, "file")->valuestring, "b.md");
	assert_int_equal(cJSON_GetObjectItem(o, "line")->valueint, 3);
	assert_string_equal(cJSON_GetObjectItem(o, "level")->valuestring, "warning");
	assert_string_equal(cJSON_GetObjectItem(o, "rule")->valuestring, "escalation-time");
	assert_string_equal(cJSON_GetObjectItem(o, "message")->valuestring, "no \"time\"");
	cJSON_Delete(arr);
	free(json);
	free(text);
	lint_report_free(&rep);
	json = lint_report_json(&rep);
	assert_string_equal(json, "[]");
	free(json);
}

/* Which severities page is configurable (--paging); the default is page,critical. */
static void test_paging_severities(void **state)
{
	static const char yaml[] =
		"groups:\n"
		"  - name: g\n"
		"    rules:\n"
		"      - alert: A\n"
		"        expr: up == 0\n"
		"        labels: {severity: SEV1}\n"
		"      - alert: B\n"
		"        expr: up == 0\n"
		"        labels: {severity: critical}\n";
	static const struct {
		const char *paging;
		size_t findings;
		int first_line;
	} cases[] = {
		{ NULL, 1, 7 },            /* default: only the critical one */
		{ "sev1", 1, 4 },          /* any case */
		{ "page,sev1,critical", 2, 4 },
		{ "sev1x,sev", 0, 0 },     /* whole words only */
	};
	struct rule_file rf;
	struct lint_input in = {0};
	struct lint_report rep;
	char err[ERR_MAX];
	size_t i;

	(void)state;
	assert_int_equal(rules_parse(yaml, sizeof yaml - 1, "p.yml", &rf, err), 0);
	in.rule_files = &rf;
	in.n_rule_files = 1;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct lint_opts o = { .paging = cases[i].paging };

		memset(&rep, 0, sizeof rep);
		lint_run(&in, &o, &rep);
		assert_int_equal(rep.n, cases[i].findings);
		if (rep.n) {
			assert_int_equal(rep.v[0].line, cases[i].first_line);
			assert_string_equal(rep.v[0].rule, "rule-runbook-url");
		}
		lint_report_free(&rep);
	}
	rules_free(&rf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_table),
		cmocka_unit_test(test_rule_levels),
		cmocka_unit_test(test_sh_check),
		cmocka_unit_test(test_promql_check),
		cmocka_unit_test(test_shipped_clean),
		cmocka_unit_test(test_operator_runbooks),
		cmocka_unit_test(test_rule_files),
		cmocka_unit_test(test_linked),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_paging_severities),
	};

	return cmocka_run_group_tests_name("lint", tests, NULL, NULL);
}
