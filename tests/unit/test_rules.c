/* test_rules.c: Prometheus rule files: the real awesome-prometheus-alerts
 * and Sloth-generated files (counts, names, positions), and a table of
 * broken and hostile inputs that must give an error or a problem, never a
 * crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rules.h"

#define FIX "../shared/fixtures/"

static void load(const char *path, struct rule_file *rf)
{
	char err[ERR_MAX];

	if (rules_load_file(path, rf, err) != 0)
		fail_msg("%s", err);
}

static size_t count_alerts(const struct rule_file *rf)
{
	size_t i, n = 0;

	for (i = 0; i < rf->n_rules; i++)
		n += rf->rules[i].alert != NULL;
	return n;
}

static void test_awesome(void **state)
{
	static const struct {
		const char *file;
		size_t groups, alerts, critical;
		const char *first;
		int first_line;
	} cases[] = {
		{ FIX "rules-awesome-prometheus-alerts/blackbox-exporter.yml", 1, 9, 4, "BlackboxProbeFailed", 8 },
		{ FIX "rules-awesome-prometheus-alerts/node-exporter.yml", 1, 35, 5, "HostOutOfMemory", 8 },
	};
	struct rule_file rf;
	size_t i, j, crit;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		load(cases[i].file, &rf);
		assert_int_equal(rf.n_groups, cases[i].groups);
		assert_int_equal(rf.n_rules, cases[i].alerts);
		assert_int_equal(count_alerts(&rf), cases[i].alerts);
		assert_int_equal(rf.n_problems, 0);
		assert_string_equal(rf.rules[0].alert, cases[i].first);
		assert_int_equal(rf.rules[0].pos.line, cases[i].first_line);
		assert_int_equal(rf.rules[0].pos.col, 7);
		assert_int_equal(rf.rules[0].expr_pos.line, cases[i].first_line + 1);
		for (j = 0, crit = 0; j < rf.n_rules; j++) {
			const char *sev = labelset_get(&rf.rules[j].labels, "severity");

			assert_non_null(sev);
			crit += strcmp(sev, "critical") == 0;
			assert_non_null(labelset_get(&rf.rules[j].annotations, "summary"));
			assert_null(labelset_get(&rf.rules[j].annotations, "runbook_url"));
			assert_true(rf.rules[j].expr[0] != '\0');
		}
		assert_int_equal(crit, cases[i].critical);
		rules_free(&rf);
	}
	/* "for: 2m" and a label's key position */
	load(FIX "rules-awesome-prometheus-alerts/node-exporter.yml", &rf);
	assert_string_equal(rf.rules[0].for_str, "2m");
	assert_int_equal(rf.rules[0].for_ms, 120000);
	assert_int_equal(rf.rules[0].label_pos[0].line, 12);
	assert_non_null(prom_rule_annotation_pos(&rf.rules[0], "summary"));
	assert_int_equal(prom_rule_annotation_pos(&rf.rules[0], "summary")->line, 14);
	assert_null(prom_rule_annotation_pos(&rf.rules[0], "runbook_url"));
	rules_free(&rf);
}

static void test_sloth(void **state)
{
	struct rule_file rf;
	size_t i, records = 0;

	(void)state;
	load(FIX "sloth/getting-started.rules.yml", &rf);
	assert_int_equal(rf.n_groups, 3);
	assert_int_equal(rf.n_rules, 17);
	assert_int_equal(rf.n_problems, 0);
	for (i = 0; i < rf.n_rules; i++)
		records += rf.rules[i].record != NULL;
	assert_int_equal(records, 15);
	assert_int_equal(count_alerts(&rf), 2);
	assert_string_equal(rf.rules[0].record, "slo:sli_error:ratio_rate5m");
	assert_string_equal(rf.rules[0].group, "sloth-slo-sli-recordings-myservice-requests-availability");
	assert_string_equal(labelset_get(&rf.rules[0].labels, "tier"), "2");
	assert_string_equal(rf.rules[15].alert, "MyServiceHighErrorRate");
	assert_int_equal(rf.rules[15].pos.line, 206);
	assert_string_equal(labelset_get(&rf.rules[15].labels, "sloth_severity"), "page");
	assert_string_equal(labelset_get(&rf.rules[16].labels, "sloth_severity"), "ticket");
	assert_non_null(strstr(rf.rules[15].expr, "without (sloth_window)"));
	rules_free(&rf);
}

/* Inputs that are not rule files at all: -1 with file:line:col. */
static void test_errors(void **state)
{
	static const struct {
		const char *yaml;
		const char *err;
	} cases[] = {
		{ "groups: [", "t.yml:2:1: YAML" },
		{ "- a\n- b\n", "t.yml:1:1: expected a mapping" },
		{ "foo: 1\n", "t.yml:1:1: no \"groups\" list" },
		{ "groups: 3\n", "t.yml:1:9: groups: expected a list" },
		{ "groups:\n  - name: a\n    rules:\n      - alert: [\n", "t.yml:" },
		{ "\tgroups: []\n", "t.yml:1:1: YAML" },
	};
	struct rule_file rf;
	char err[ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		err[0] = '\0';
		assert_int_equal(rules_parse(cases[i].yaml, strlen(cases[i].yaml), "t.yml", &rf, err), -1);
		if (strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err, cases[i].err);
		rules_free(&rf);
	}
	/* NUL bytes, and a missing file */
	assert_int_equal(rules_parse("groups: []\0x", 12, "t.yml", &rf, err), -1);
	rules_free(&rf);
	assert_int_equal(rules_load_file("tests/fixtures/lint/no-such.yml", &rf, err), -1);
	rules_free(&rf);
}

/* Broken rules: the file is read, each break is a problem at its place. */
static void test_problems(void **state)
{
	static const struct {
		const char *yaml;
		size_t rules;
		const char *problem;   /* substring of the first problem, NULL: none */
	} cases[] = {
		{ "", 0, NULL },
		{ "groups:\n", 0, NULL },
		{ "groups: []\n", 0, NULL },
		{ "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n", 1, NULL },
		{ "groups:\n- name: g\n  rules:\n  - alert: A\n", 1, "t.yml:4:5: A: no expr" },
		{ "groups:\n- name: g\n  rules:\n  - expr: up\n", 0, "t.yml:4:5: a rule needs alert or record" },
		{ "groups:\n- name: g\n  rules:\n  - alert: A\n    record: b\n    expr: up\n", 1, "either alert or record" },
		{ "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    bogus: 1\n", 1, "t.yml:6:5: unknown rule field \"bogus\"" },
		{ "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels: {1x: a}\n", 1, "invalid name \"1x\"" },
		{ "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    expr: down\n", 1, "t.yml:6:5: duplicate key \"expr\"" },
		{ "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    for: 5 minutes\n", 1, "for: " },
		{ "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels: [a]\n", 1, "labels: expected a mapping" },
		{ "groups:\n- rules:\n  - alert: A\n    expr: up\n", 1, "a group needs a name" },
		{ "groups:\n- name: g\n  rules: 3\n", 0, "rules: expected a list" },
		{ "groups:\n- 3\n", 0, "a group must be a mapping" },
		{ "groups:\n- name: g\n  rules:\n  - 3\n", 0, "a rule must be a mapping" },
		{ "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n    for: 1m\n", 1, "only alerting rules" },
	};
	struct rule_file rf;
	char err[ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		if (rules_parse(cases[i].yaml, strlen(cases[i].yaml), "t.yml", &rf, err) != 0)
			fail_msg("case %zu: %s", i, err);
		assert_int_equal(rf.n_rules, cases[i].rules);
		if (!cases[i].problem && rf.n_problems)
			fail_msg("case %zu: unexpected problem %s", i, rf.problems[0]);
		if (cases[i].problem && (!rf.n_problems || !strstr(rf.problems[0], cases[i].problem)))
			fail_msg("case %zu: want a problem with \"%s\", got %s", i, cases[i].problem,
			         rf.n_problems ? rf.problems[0] : "none");
		rules_free(&rf);
	}
}

static void test_group_labels_and_positions(void **state)
{
	const char *y =
		"groups:\n"
		"- name: g\n"
		"  labels: {team: a, severity: page}\n"
		"  rules:\n"
		"  - alert: A\n"
		"    expr: up == 0\n"
		"    labels:\n"
		"      severity: warning\n"
		"    annotations:\n"
		"      runbook_url: A.md\n";
	struct rule_file rf;
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(rules_parse(y, strlen(y), "g.yml", &rf, err), 0);
	assert_int_equal(rf.n_rules, 1);
	assert_string_equal(labelset_get(&rf.rules[0].labels, "severity"), "warning");
	assert_string_equal(labelset_get(&rf.rules[0].labels, "team"), "a");
	assert_int_equal(rf.rules[0].pos.line, 5);
	assert_int_equal(rf.rules[0].expr_pos.line, 6);
	assert_int_equal(prom_rule_annotation_pos(&rf.rules[0], "runbook_url")->line, 10);
	assert_int_equal(prom_rule_annotation_pos(&rf.rules[0], "runbook_url")->col, 7);
	rules_free(&rf);
}

/* Aliases: a small file that names one node a great many times is bounded. */
static void test_alias_bomb(void **state)
{
	struct rule_file rf;
	char err[ERR_MAX];
	const char *y =
		"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"groups:\n"
		"- name: g\n"
		"  rules: &r\n"
		"  - alert: A\n"
		"    expr: up\n"
		"    labels: {x: y}\n"
		"- {name: h, rules: *r}\n";

	(void)state;
	assert_int_equal(rules_parse(y, strlen(y), "a.yml", &rf, err), 0);
	assert_int_equal(rf.n_rules, 2);
	rules_free(&rf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_awesome),
		cmocka_unit_test(test_sloth),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_group_labels_and_positions),
		cmocka_unit_test(test_alias_bomb),
	};

	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
