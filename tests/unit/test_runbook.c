/* test_runbook.c: runbook parsing (real prometheus-operator runbooks and
 * the DESIGN.md §5 canonical shape), hostile markdown, layout widths and
 * runbook resolution against a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/runbook.h"
#include "core/text.h"

#define OPDIR "../shared/fixtures/runbooks-prometheus-operator/"
#define CANON "tests/fixtures/runbooks/CheckoutHighErrorRate.md"

/* ---- helpers ---------------------------------------------------------- */

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

static void parse_str(const char *md, struct runbook *rb)
{
	char err[ERR_MAX];

	if (runbook_parse(md, strlen(md), "test.md", rb, err) != 0)
		fail_msg("%s", err);
}

static const struct rb_section *find_section(const struct runbook *rb, enum rb_kind k)
{
	size_t i;

	for (i = 0; i < rb->n_sections; i++)
		if (rb->sections[i].kind == k)
			return &rb->sections[i];
	return NULL;
}

/* All commands of all blocks, in document order. */
static size_t all_commands(const struct runbook *rb, const char **out, size_t max)
{
	size_t i, j, k, c, n = 0;

	for (i = 0; i < rb->n_sections; i++)
		for (j = 0; j < rb->sections[i].n_steps; j++)
			for (k = 0; k < rb->sections[i].steps[j].n_blocks; k++) {
				const struct rb_block *b = &rb->sections[i].steps[j].blocks[k];

				for (c = 0; c < b->n_commands; c++)
					if (n < max)
						out[n++] = b->commands[c];
			}
	return n;
}

static void assert_text(const struct rb_text *t, const char *want)
{
	char *p = rb_text_plain(t);

	assert_string_equal(p, want);
	free(p);
}

/* Every layout line fits the width, indices are in range. */
static void check_layout(const struct runbook *rb, size_t width, bool utf8)
{
	struct rb_layout lo;
	size_t i;
	char *p;

	runbook_layout(rb, width, utf8 ? RB_LAYOUT_UTF8 : 0, &lo);
	assert_true(lo.n > 0 || rb->n_sections == 0);
	for (i = 0; i < lo.n; i++) {
		p = rb_text_plain(&lo.v[i].text);
		if (text_width(p) > width)
			fail_msg("width %zu line %zu is %zu wide: \"%s\"", width, i, text_width(p), p);
		if (!utf8)
			for (const char *q = p; *q; q++)
				assert_true((unsigned char)*q < 0x80);
		free(p);
		assert_true(lo.v[i].section >= -1 && lo.v[i].section < (int)rb->n_sections);
		if (lo.v[i].section >= 0)
			assert_true(lo.v[i].step >= -1 &&
			            lo.v[i].step < (int)rb->sections[lo.v[i].section].n_steps);
	}
	rb_layout_free(&lo);
}

static void check_widths(const struct runbook *rb)
{
	static const size_t widths[] = { 20, 80, 200 };
	size_t i;

	for (i = 0; i < ARRAY_LEN(widths); i++) {
		check_layout(rb, widths[i], true);
		check_layout(rb, widths[i], false);
	}
	check_layout(rb, 1, true);
}

/* ---- prometheus-operator runbooks ------------------------------------- */

static const struct op_case {
	const char *file;
	size_t n_cmds;
	const char *cmds[6];
} op_cases[] = {
	{ "AlertmanagerClusterCrashlooping", 2, {
		NULL, /* no prompts: the whole block, checked below */
		"kubectl get events --field-selector involvedObject.name=alertmanager-main-0" } },
	{ "AlertmanagerClusterDown", 1, {
		"kubectl get events --field-selector involvedObject.kind=Pod | grep alertmanager" } },
	{ "AlertmanagerClusterFailedToSendAlerts", 0, { NULL } },
	{ "AlertmanagerConfigInconsistent", 0, { NULL } },
	{ "AlertmanagerFailedReload", 1, { "kubectl logs sts/alertmanager-main -c config-reloader" } },
	{ "AlertmanagerFailedToSendAlerts", 2, {
		"rate(alertmanager_notifications_total{integration=\"pagerduty\"}[5m])",
		"kubectl -n monitoring logs -l 'alertmanager=main' -c alertmanager" } },
	{ "AlertmanagerMembersInconsistent", 2, {
		"kubectl describe svc alertmanager-main",
		"kubectl get pod -o wide | grep alertmanager-main" } },
	{ "InfoInhibitor", 0, { NULL } },
	{ "KubePodCrashLooping", 0, { NULL } },
	{ "NodeNetworkInterfaceFlapping", 0, { NULL } },
	{ "TargetDown", 0, { NULL } },
	{ "Watchdog", 0, { NULL } },
	{ "etcdMembersDown", 5, {
		"kubectl get nodes -l node-role.kubernetes.io/master=",
		"kubectl get nodes -l node-role.kubernetes.io/master= -o template --template='{{range .items}}"
		"{{\"===> node:> \"}}{{.metadata.name}}{{\"\\n\"}}{{range $k, $v := .metadata.annotations}}"
		"{{println $k \":\" $v}}{{end}}{{\"\\n\"}}{{end}}'",
		"kubectl exec -c etcdctl -n openshift-etcd $(kubectl get po -l app=etcd -oname -n openshift-etcd"
		" | awk -F\"/\" 'NR==1{ print $2 }')",
		"etcdctl version",
		"etcdctl endpoint health -w table" } },
};

static void test_operator_runbooks(void **state)
{
	const struct op_case *c;
	const struct rb_section *s;
	struct runbook rb;
	const char *cmds[32];
	char path[256], *text;
	size_t i, j, n;

	(void)state;
	for (i = 0; i < ARRAY_LEN(op_cases); i++) {
		c = &op_cases[i];
		snprintf(path, sizeof path, OPDIR "%s.md", c->file);
		parse_file(path, &rb);
		assert_string_equal(rb.title, c->file);
		assert_string_equal(rb.source, path);
		assert_non_null(find_section(&rb, RB_MEANING));
		assert_non_null(find_section(&rb, RB_IMPACT));
		s = find_section(&rb, RB_TRIAGE);
		assert_non_null(s);
		assert_string_equal(s->title, "Diagnosis");
		s = find_section(&rb, RB_MITIGATION);
		assert_non_null(s);
		assert_string_equal(s->title, "Mitigation");
		assert_true(s->n_steps > 0);
		assert_false(s->reordered);
		/* front matter is gone: no section before Meaning, no "weight:" */
		assert_int_equal(rb.sections[0].kind, RB_MEANING);
		text = runbook_to_text(&rb, 80);
		assert_null(strstr(text, "weight:"));
		assert_null(strstr(text, "title:"));
		free(text);
		assert_int_equal(rb.n_warnings, 0);

		n = all_commands(&rb, cmds, ARRAY_LEN(cmds));
		if (n != c->n_cmds)
			fail_msg("%s: %zu commands, want %zu", c->file, n, c->n_cmds);
		for (j = 0; j < n; j++)
			if (c->cmds[j])
				assert_string_equal(cmds[j], c->cmds[j]);
		check_widths(&rb);
		runbook_free(&rb);
	}
}

/* Cross-check every ```shell block in the fixtures against its raw text:
 * one command per "$ " line, and none of the sample output. */
static void test_operator_prompts(void **state)
{
	DIR *d = opendir(OPDIR);
	struct dirent *e;
	struct runbook rb;
	char path[512];
	size_t i, j, k, c, prompts, blocks = 0;
	const char *s;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".md"))
			continue;
		snprintf(path, sizeof path, OPDIR "%s", e->d_name);
		parse_file(path, &rb);
		for (i = 0; i < rb.n_sections; i++)
			for (j = 0; j < rb.sections[i].n_steps; j++)
				for (k = 0; k < rb.sections[i].steps[j].n_blocks; k++) {
					const struct rb_block *b = &rb.sections[i].steps[j].blocks[k];

					if (strcmp(b->lang, "shell") != 0)
						continue;
					assert_true(b->runnable);
					prompts = 0;
					for (s = b->code; s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
						prompts += strncmp(s, "$ ", 2) == 0;
					blocks++;
					if (prompts == 0) {
						assert_int_equal(b->n_commands, 1);
						continue;
					}
					assert_int_equal(b->n_commands, prompts);
					for (c = 0; c < b->n_commands; c++) {
						assert_false(str_has_prefix(b->commands[c], "$"));
						assert_null(strchr(b->commands[c], '\n'));
						assert_non_null(strstr(b->code, b->commands[c]));
					}
				}
		runbook_free(&rb);
	}
	closedir(d);
	assert_true(blocks >= 9);
}

static void test_operator_details(void **state)
{
	const struct rb_section *s;
	struct runbook rb;
	char *text;

	(void)state;
	/* nested list lines, link URLs */
	parse_file(OPDIR "KubePodCrashLooping.md", &rb);
	s = find_section(&rb, RB_TRIAGE);
	assert_int_equal(s->n_steps, 13);  /* 4 items, "Other things to check:", 8 items */
	assert_int_equal(s->steps[3].n_more, 3);
	assert_text(&s->steps[3].more[0], "- pod priority");
	assert_text(&s->steps[0].text, "Check template via kubectl -n $NAMESPACE get pod $POD.");
	assert_int_equal(s->steps[0].text.v[1].style, RBS_CODE);
	assert_int_equal(s->steps[0].ordinal, 0);
	assert_int_equal(s->steps[4].ordinal, -1);
	assert_int_equal(s->steps[0].line, 21);  /* front matter lines counted */
	s = find_section(&rb, RB_MITIGATION);
	assert_text(&s->steps[1].text, "See Debugging Pods <https://kubernetes.io/docs/tasks/debug-"
	            "application-cluster/debug-application/#debugging-pods>");
	assert_int_equal(s->steps[1].text.v[1].style, RBS_LINK);
	assert_int_equal(s->steps[1].text.v[2].style, RBS_DIM);
	runbook_free(&rb);

	/* an H3 under Diagnosis stays triage; an empty section says so */
	parse_file(OPDIR "etcdMembersDown.md", &rb);
	assert_int_equal(rb.n_sections, 5);
	assert_string_equal(rb.sections[3].title, "General etcd health");
	assert_int_equal(rb.sections[3].kind, RB_TRIAGE);
	assert_int_equal(rb.sections[3].level, 3);
	assert_int_equal(rb.sections[2].steps[0].blocks[0].line, 24);
	runbook_free(&rb);
	parse_file(OPDIR "AlertmanagerMembersInconsistent.md", &rb);
	assert_int_equal(find_section(&rb, RB_IMPACT)->n_steps, 0);
	text = runbook_to_text(&rb, 80);
	assert_non_null(strstr(text, "Impact\n(empty)\n"));
	free(text);
	runbook_free(&rb);
	/* <details> HTML: tags dropped, text kept */
	parse_file(OPDIR "TargetDown.md", &rb);
	s = find_section(&rb, RB_MEANING);
	assert_int_equal(s->n_steps, 3);  /* "</details>" alone shows nothing */
	assert_text(&s->steps[1].text, "Full context");
	runbook_free(&rb);
}

/* ---- the canonical shape (DESIGN.md §5) -------------------------------- */

static void test_canonical(void **state)
{
	static const enum rb_kind kinds[] = {
		RB_MEANING, RB_VERIFY, RB_TRIAGE, RB_MITIGATION, RB_ESCALATION, RB_POSTMORTEM,
	};
	const struct rb_section *s;
	const struct rb_block *b;
	struct runbook rb;
	char *text;
	size_t i;

	(void)state;
	parse_file(CANON, &rb);
	assert_string_equal(rb.title, "Runbook: CheckoutHighErrorRate");
	assert_int_equal(rb.n_sections, ARRAY_LEN(kinds));
	for (i = 0; i < ARRAY_LEN(kinds); i++)
		assert_int_equal(rb.sections[i].kind, kinds[i]);
	assert_string_equal(rb.sections[2].title, "Initial triage (5 minutes)");
	assert_int_equal(rb.n_warnings, 0);

	s = find_section(&rb, RB_VERIFY);
	assert_int_equal(s->n_steps, 1);
	b = &s->steps[0].blocks[0];
	assert_string_equal(b->lang, "promql");
	assert_true(b->runnable && b->promql);
	assert_int_equal(b->n_commands, 1);
	assert_string_equal(b->commands[0], "sum(rate(http_requests_total{service=\"{{ $labels.service }}\","
	                    "code=~\"5..\"}[5m]))");

	s = find_section(&rb, RB_TRIAGE);
	assert_int_equal(s->n_steps, 2);
	assert_int_equal(s->steps[1].ordinal, 2);
	assert_text(&s->steps[1].text, "Was anything deployed in the last hour?");
	assert_string_equal(s->steps[1].blocks[0].commands[0],
	                    "kubectl -n \"$PAGETTY_LABEL_namespace\" rollout history deploy/\"$PAGETTY_LABEL_service\"");

	s = find_section(&rb, RB_MITIGATION);
	assert_int_equal(s->n_steps, 3);
	assert_false(s->reordered);
	assert_int_equal(s->steps[0].rev, REV_REVERSIBLE);
	assert_int_equal(s->steps[1].rev, REV_RISKY);
	assert_int_equal(s->steps[2].rev, REV_IRREVERSIBLE);
	assert_text(&s->steps[0].text, "Turn off the new cart flag");  /* tag removed */
	assert_string_equal(s->steps[0].rollback, "flagctl set checkout.new-cart on");
	assert_int_equal(s->steps[0].n_more, 0);                       /* not duplicated */
	assert_null(s->steps[1].rollback);
	assert_int_equal(s->steps[1].blocks[0].timeout_ms, 120000);
	assert_int_equal(s->steps[1].blocks[0].confirm, CONFIRM_DEFAULT);
	assert_int_equal(s->steps[2].blocks[0].confirm, CONFIRM_TYPED);
	assert_int_equal(s->steps[2].blocks[0].timeout_ms, 0);
	assert_string_equal(s->steps[2].blocks[0].commands[0], "dbctl failover --to replica");
	assert_int_equal(s->steps[2].line, 31);
	assert_int_equal(s->steps[2].blocks[0].line, 32);

	s = find_section(&rb, RB_ESCALATION);
	assert_int_equal(s->steps[0].escalate_after_ms, 15 * 60 * 1000);
	assert_int_equal(s->steps[1].escalate_after_ms, 0);
	s = find_section(&rb, RB_POSTMORTEM);
	assert_int_equal(s->steps[0].checkbox, 0);
	assert_text(&s->steps[0].text, "Save the error-ratio graph for the incident window before it ages out");

	text = runbook_to_text(&rb, 80);
	assert_non_null(strstr(text, "Runbook: CheckoutHighErrorRate\n"));
	assert_non_null(strstr(text, "1. [reversible] Turn off the new cart flag\n"));
	assert_non_null(strstr(text, "2. [risky] Roll back the last deploy\n"));
	assert_non_null(strstr(text, "3. [irreversible] Fail over the database to the replica\n"));
	assert_non_null(strstr(text, "   Rollback: flagctl set checkout.new-cart on\n"));
	assert_non_null(strstr(text, "\xe2\x96\xb6 sh (runnable)"));
	assert_non_null(strstr(text, "\xe2\x80\xa2 [ ] Save the error-ratio graph"));
	assert_null(strstr(text, "Shown in reversibility order"));
	assert_null(strstr(strstr(text, "Rollback:") + 1, "Rollback:"));  /* once */
	free(text);
	check_widths(&rb);
	runbook_free(&rb);
}

static const char wrong_order[] =
	"# Runbook: X\n"
	"## Remediation\n"
	"1. [irreversible] Fail over\n"
	"   ```sh\n   dbctl failover\n   ```\n"
	"2. Restart the pods\n"
	"   ```sh\n   kubectl rollout restart deploy/x\n   ```\n"
	"3. [REVERSIBLE] Flip the flag\n"
	"   Rollback: `flagctl on`\n"
	"4. Scale up\n"
	"   ```bash {reversibility=risky}\n   kubectl scale --replicas=9 deploy/x\n   ```\n"
	"5. [x] [reversible] Drain the bad node\n"
	"6. [reversible] Says reversible, fence says not\n"
	"   ```sh {reversibility=irreversible}\n   rm -rf /data\n   ```\n";

static void test_mitigation_order(void **state)
{
	static const size_t want_author[] = { 2, 4, 1, 3, 0, 5 };
	static const enum rb_rev want_rev[] = {
		REV_REVERSIBLE, REV_REVERSIBLE, REV_UNKNOWN, REV_RISKY, REV_IRREVERSIBLE, REV_IRREVERSIBLE,
	};
	struct rb_layout lo;
	const struct rb_section *s;
	struct runbook rb;
	char *text;
	size_t i, notes = 0;

	(void)state;
	parse_str(wrong_order, &rb);
	s = find_section(&rb, RB_MITIGATION);
	assert_non_null(s);
	assert_int_equal(s->n_steps, 6);
	assert_true(s->reordered);
	for (i = 0; i < s->n_steps; i++) {
		assert_int_equal(s->steps[i].author_index, want_author[i]);
		assert_int_equal(s->steps[i].rev, want_rev[i]);
		assert_int_equal(s->steps[i].ordinal, (int)want_author[i] + 1);
	}
	assert_true(s->steps[3].has_rev);   /* from the fence attribute */
	assert_false(s->steps[2].has_rev);
	assert_int_equal(s->steps[1].checkbox, 1);
	assert_text(&s->steps[1].text, "Drain the bad node");
	assert_string_equal(s->steps[0].rollback, "flagctl on");
	runbook_layout(&rb, 80, RB_LAYOUT_UTF8, &lo);
	for (i = 0; i < lo.n; i++)
		notes += lo.v[i].kind == RBL_NOTE;
	assert_int_equal(notes, 1);
	rb_layout_free(&lo);
	text = runbook_to_text(&rb, 80);
	assert_non_null(strstr(text, "Shown in reversibility order; the author's order differs.\n"));
	assert_non_null(strstr(text, "2. [unknown] Restart the pods"));
	assert_true(strstr(text, "[reversible] Flip") < strstr(text, "[irreversible] Fail"));
	free(text);
	check_widths(&rb);
	runbook_free(&rb);
}

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

/* ---- resolution ------------------------------------------------------------ */

static char tmpdir[64];

static void touch(const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# x\n", f);
	fclose(f);
}

static int resolve_setup(void **state)
{
	char path[256];

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/pagetty-rb-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	touch("HighErrorRate.md");
	touch("kube-pod-crash-looping.md");
	touch("node_disk_full.md");
	touch("WATCHDOG.MD");
	snprintf(path, sizeof path, "%s/team", tmpdir);
	mkdir(path, 0700);
	touch("team/svc.md");
	snprintf(path, sizeof path, "%s/Dir.md", tmpdir);
	mkdir(path, 0700);       /* a directory is not a runbook */
	return 0;
}

static int resolve_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_resolve(void **state)
{
	static const struct {
		const char *alertname;
		const char *annotation;  /* runbook_url, or NULL */
		const char *base_url;
		enum rb_loc kind;
		const char *want;        /* location; "@" stands for the temp dir */
	} cases[] = {
		{ "HighErrorRate", NULL, NULL, RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "KubePodCrashLooping", NULL, NULL, RB_LOC_FILE, "@/kube-pod-crash-looping.md" },
		{ "NodeDiskFull", NULL, NULL, RB_LOC_FILE, "@/node_disk_full.md" },
		{ "Watchdog", NULL, NULL, RB_LOC_FILE, "@/WATCHDOG.MD" },
		{ "highERRORrate", NULL, NULL, RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "X", "https://wiki.example/rb/X", NULL, RB_LOC_URL, "https://wiki.example/rb/X" },
		{ "X", "team/svc.md", "https://git.example.net/raw/main/", RB_LOC_URL,
		  "https://git.example.net/raw/main/team/svc.md" },
		{ "X", "team/svc.md", "https://git.example.net/raw", RB_LOC_URL,
		  "https://git.example.net/raw/team/svc.md" },
		{ "X", "./team/svc.md", NULL, RB_LOC_FILE, "@/team/svc.md" },
		{ "X", "file://@/team/svc.md", NULL, RB_LOC_FILE, "@/team/svc.md" },
		{ "X", "@/team/svc.md", NULL, RB_LOC_FILE, "@/team/svc.md" },
		{ "HighErrorRate", "javascript:alert(1)", NULL, RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "HighErrorRate", "../../etc/passwd", NULL, RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "HighErrorRate", "ftp://x/y.md", "https://b/", RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "HighErrorRate", "file:///nonexistent/x.md", NULL, RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "../HighErrorRate", NULL, NULL, RB_LOC_NONE, NULL },
		{ "team/svc", NULL, NULL, RB_LOC_NONE, NULL },
		{ ".hidden", NULL, NULL, RB_LOC_NONE, NULL },
		{ "Dir", NULL, NULL, RB_LOC_NONE, NULL },
		{ "", NULL, NULL, RB_LOC_NONE, NULL },
	};
	char *dirs[] = { tmpdir }, want[256], ann[256];
	struct config cfg = {0};
	struct alert a = {0};
	struct rb_where w;
	const char *at;
	size_t i;

	(void)state;
	cfg.runbook_dirs = dirs;
	cfg.n_runbook_dirs = 1;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		labelset_set(&a.labels, "alertname", cases[i].alertname);
		labelset_free(&a.annotations);
		if (cases[i].annotation) {
			at = strchr(cases[i].annotation, '@');
			if (at)
				snprintf(ann, sizeof ann, "%.*s%s%s", (int)(at - cases[i].annotation),
				         cases[i].annotation, tmpdir, at + 1);
			else
				snprintf(ann, sizeof ann, "%s", cases[i].annotation);
			labelset_set(&a.annotations, "runbook_url", ann);
		}
		cfg.runbook_base_url = (char *)cases[i].base_url;
		runbook_resolve(&a, &cfg, &w);
		if (w.kind != cases[i].kind)
			fail_msg("case %zu (%s): kind %d, want %d", i, cases[i].alertname, w.kind, cases[i].kind);
		if (cases[i].want) {
			at = strchr(cases[i].want, '@');
			snprintf(want, sizeof want, "%s%s", at ? tmpdir : "", at ? at + 1 : cases[i].want);
			assert_string_equal(w.location, want);
		} else {
			assert_null(w.location);
			assert_true(w.n_looked > 0);
		}
		rb_where_free(&w);
	}
	labelset_free(&a.labels);
	labelset_free(&a.annotations);
}

static void test_resolve_missing(void **state)
{
	char *dirs[] = { tmpdir, "/nonexistent-pagetty" }, want[256];
	struct config cfg = {0};
	struct alert a = {0};
	struct rb_where w;
	size_t i;
	bool seen_kebab = false, seen_second = false, seen_ann = false;

	(void)state;
	cfg.runbook_dirs = dirs;
	cfg.n_runbook_dirs = 2;
	labelset_set(&a.labels, "alertname", "CheckoutHighErrorRate");
	labelset_set(&a.annotations, "runbook", "gopher://x/y\x1b[2J");
	runbook_resolve(&a, &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_NONE);
	assert_null(w.location);
	snprintf(want, sizeof want, "%s/CheckoutHighErrorRate.md", tmpdir);
	assert_string_equal(w.looked[1], want);
	snprintf(want, sizeof want, "%s/checkout-high-error-rate.md", tmpdir);
	for (i = 0; i < w.n_looked; i++) {
		seen_kebab |= strcmp(w.looked[i], want) == 0;
		seen_second |= strcmp(w.looked[i], "/nonexistent-pagetty/checkout_high_error_rate.md") == 0;
		seen_ann |= strstr(w.looked[i], "gopher://x/y\\e[2J") && strstr(w.looked[i], "not followed");
		assert_null(strchr(w.looked[i], '\x1b'));
	}
	assert_true(seen_kebab && seen_second && seen_ann);
	assert_int_equal(w.n_looked, 9);  /* annotation + 2 dirs x (3 names + any case) */
	rb_where_free(&w);

	/* no dirs at all still says something */
	cfg.n_runbook_dirs = 0;
	runbook_resolve(&a, &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_NONE);
	assert_true(w.n_looked >= 2);
	rb_where_free(&w);
	runbook_resolve(&a, NULL, &w);
	assert_int_equal(w.kind, RB_LOC_NONE);
	rb_where_free(&w);
	labelset_free(&a.labels);
	labelset_free(&a.annotations);
}

static void test_resolve_name(void **state)
{
	char *dirs[] = { tmpdir }, want[256];
	struct config cfg = {0};
	struct rb_where w;

	(void)state;
	cfg.runbook_dirs = dirs;
	cfg.n_runbook_dirs = 1;
	runbook_resolve_name(CANON, &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_FILE);
	assert_string_equal(w.location, CANON);
	rb_where_free(&w);
	runbook_resolve_name("KubePodCrashLooping", &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_FILE);
	snprintf(want, sizeof want, "%s/kube-pod-crash-looping.md", tmpdir);
	assert_string_equal(w.location, want);
	rb_where_free(&w);
	runbook_resolve_name("no/such/file.md", &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_NONE);
	assert_int_equal(w.n_looked, 1);
	rb_where_free(&w);
	runbook_resolve_name("https://wiki.example/x.md", &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_URL);
	rb_where_free(&w);
	runbook_resolve_name("", &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_NONE);
	rb_where_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operator_runbooks),
		cmocka_unit_test(test_operator_prompts),
		cmocka_unit_test(test_operator_details),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_mitigation_order),
		cmocka_unit_test(test_heading_kinds),
		cmocka_unit_test(test_fence_attributes),
		cmocka_unit_test(test_chart_attribute),
		cmocka_unit_test(test_prompts),
		cmocka_unit_test(test_escalation),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test_setup_teardown(test_resolve, resolve_setup, resolve_teardown),
		cmocka_unit_test_setup_teardown(test_resolve_missing, resolve_setup, resolve_teardown),
		cmocka_unit_test_setup_teardown(test_resolve_name, resolve_setup, resolve_teardown),
	};

	return cmocka_run_group_tests_name("runbook", tests, NULL, NULL);
}
