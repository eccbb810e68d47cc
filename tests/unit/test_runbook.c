/* test_runbook.c: whole runbooks parsed: the real prometheus-operator
 * runbooks and the DESIGN.md §5 canonical shape (sections, steps, commands,
 * mitigations ordered by reversibility), laid out at several widths. The
 * markup pieces and hostile markdown are in test_runbook_syntax.c,
 * resolution in test_runbook_resolve.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"
#include "core/text.h"
#include "runbook_check.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operator_runbooks),
		cmocka_unit_test(test_operator_prompts),
		cmocka_unit_test(test_operator_details),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_mitigation_order),
	};

	return cmocka_run_group_tests_name("runbook", tests, NULL, NULL);
}
