/* test_runbooks_shipped.c: the runbooks pagetty ships (every runbooks/NAME.md) parse
 * into exactly the sections, steps and runnable blocks written out here, and
 * the demo (`pagetty --demo`) has a canned answer for every runnable block
 * and every Rollback: command in them (runbooks/demo-canned.yaml, embedded
 * in the binary): a step added without one fails here. Every canned answer
 * is also used by some runbook, so a typo in the YAML fails too. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/drill.h"
#include "../../core/runbook.h"
#include "../../core/walk.h"
#include "../../datasource/source.h"

#define MAX_SECTIONS 8

/* One shipped runbook as it must parse. Every one has the canonical six
 * sections: meaning, verify, triage, mitigations, escalation, postmortem. */
struct shipped {
	const char *alert;                  /* runbooks/<alert>.md */
	size_t n_sections;
	size_t steps[MAX_SECTIONS];         /* per section, in document order */
	size_t blocks;                      /* runnable blocks, all steps */
	size_t rollbacks;                   /* runnable Rollback: commands */
};

static const enum rb_kind canonical[] = {
	RB_MEANING, RB_VERIFY, RB_TRIAGE, RB_MITIGATION, RB_ESCALATION, RB_POSTMORTEM,
};

static const struct shipped shipped[] = {
	{ "CertificateExpiringSoon", 6, { 2, 1, 3, 2, 2, 2 }, 6, 1 },
	{ "CheckoutErrorBudgetBurn", 6, { 2, 3, 3, 3, 3, 3 }, 7, 2 },
	{ "CheckoutHighErrorRate", 6, { 2, 3, 5, 4, 3, 5 }, 12, 4 },
	{ "CheckoutLatencyHigh", 6, { 2, 3, 4, 3, 3, 3 }, 10, 3 },
	{ "CheckoutStalePrices", 6, { 2, 1, 3, 2, 2, 2 }, 6, 1 },
	{ "InventoryServiceDown", 6, { 2, 1, 3, 2, 2, 2 }, 6, 1 },
	{ "PaymentsDatabasePrimaryDown", 6, { 2, 1, 3, 2, 2, 2 }, 6, 1 },
	{ "PaymentsDatabaseReplicaDown", 6, { 2, 2, 4, 3, 2, 2 }, 8, 0 },
	{ "PaymentsDatabaseReplicationLag", 6, { 2, 3, 5, 4, 3, 4 }, 12, 2 },
	{ "PaymentsProviderDown", 6, { 2, 1, 3, 2, 2, 2 }, 6, 2 },
	{ "RedisCacheEvictions", 6, { 2, 3, 3, 3, 2, 3 }, 9, 2 },
};

static void parse_shipped(const char *alert, struct runbook *rb)
{
	char path[256], err[ERR_MAX];
	char *md = NULL;
	size_t len = 0;

	snprintf(path, sizeof path, "runbooks/%s.md", alert);
	if (read_file(path, 1 << 20, &md, &len, err) < 0)
		fail_msg("%s", err);
	if (runbook_parse(md, len, path, rb, err) < 0)
		fail_msg("%s: %s", path, err);
	free(md);
}

static void load_canned(struct drill *d)
{
	const char *y = scenario_canned_yaml();
	char err[ERR_MAX];

	if (drill_parse_canned(d, y, strlen(y), "demo-canned.yaml", err) < 0)
		fail_msg("%s", err);
}

/* The demo's answer to cmd in alert's runbook; marks it used. */
static void expect_canned(const struct drill *d, bool *used, const char *alert,
                          const char *what, const char *cmd, int *missing)
{
	const struct drill_canned *c = drill_canned_find(d, alert, cmd);

	if (!c) {
		print_error("%s: %s has no demo canned answer:\n%s\n", alert, what, cmd);
		(*missing)++;
		return;
	}
	used[c - d->canned] = true;
	/* each answer shows something, and is scoped to the runbook's alert */
	assert_non_null(c->alert);
	assert_string_equal(c->alert, alert);
	assert_true(c->output[0] != '\0');
}

static void test_shipped_shapes_and_canned(void **state)
{
	struct drill d;
	bool *used;
	int missing = 0;
	size_t i, s, k, b;

	(void)state;
	load_canned(&d);
	used = calloc(d.n_canned + 1, sizeof *used);
	for (i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
		const struct shipped *e = &shipped[i];
		struct runbook rb;
		size_t blocks = 0, rollbacks = 0;

		parse_shipped(e->alert, &rb);
		if (rb.n_sections != e->n_sections)
			fail_msg("%s: %zu sections, want %zu", e->alert, rb.n_sections, e->n_sections);
		for (s = 0; s < rb.n_sections; s++) {
			const struct rb_section *sec = &rb.sections[s];

			assert_int_equal(sec->kind, canonical[s]);
			if (sec->n_steps != e->steps[s])
				fail_msg("%s: section %s has %zu steps, want %zu", e->alert, sec->title,
				         sec->n_steps, e->steps[s]);
			for (k = 0; k < sec->n_steps; k++) {
				const struct rb_step *st = &sec->steps[k];
				char *cmd;
				size_t here = 0;

				for (b = 0; b < st->n_blocks; b++) {
					if (!st->blocks[b].runnable || !st->blocks[b].n_commands)
						continue;
					/* the walker runs a step's first runnable block only */
					if (++here > 1)
						fail_msg("%s: step %zu of %s has more than one runnable block",
						         e->alert, k + 1, sec->title);
					blocks++;
					cmd = walk_block_script(&st->blocks[b]);
					expect_canned(&d, used, e->alert, "a runnable block", cmd, &missing);
					free(cmd);
				}
				cmd = walk_rollback_command(st);
				if (cmd) {
					rollbacks++;
					expect_canned(&d, used, e->alert, "a Rollback: command", cmd, &missing);
					free(cmd);
				}
			}
		}
		if (blocks != e->blocks || rollbacks != e->rollbacks)
			fail_msg("%s: %zu runnable blocks and %zu rollbacks, want %zu and %zu", e->alert,
			         blocks, rollbacks, e->blocks, e->rollbacks);
		runbook_free(&rb);
	}
	assert_int_equal(missing, 0);
	for (i = 0; i < d.n_canned; i++)
		if (!used[i])
			fail_msg("demo canned answer %zu (%s: %.60s) answers no shipped step", i,
			         d.canned[i].alert ? d.canned[i].alert : "-", d.canned[i].command);
	free(used);
	drill_free(&d);
}

/* The table above names every runbook in runbooks/ (a new one must be
 * added to it, with its canned answers). */
static void test_shipped_all_listed(void **state)
{
	DIR *dir = opendir("runbooks");
	struct dirent *de;
	size_t n = 0, i, l;
	bool found;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		l = strlen(de->d_name);
		if (l < 4 || strcmp(de->d_name + l - 3, ".md") != 0)
			continue;
		found = false;
		for (i = 0; i < sizeof shipped / sizeof shipped[0]; i++)
			found |= strlen(shipped[i].alert) == l - 3 &&
			         !strncmp(shipped[i].alert, de->d_name, l - 3);
		if (!found)
			fail_msg("runbooks/%s is not in the table of shipped runbooks", de->d_name);
		n++;
	}
	closedir(dir);
	assert_int_equal(n, sizeof shipped / sizeof shipped[0]);
}

/* Scoped answers: the same command tells each alert's own story, and a
 * command nobody wrote an answer for has none. */
static void test_canned_scoping(void **state)
{
	static const char reinit[] =
		"kubectl -n \"$PAGETTY_LABEL_namespace\" exec pg-payments-0 -c postgres \\\n"
		"  -- patronictl reinit pg-payments \"$PAGETTY_LABEL_replica\" --force";
	struct drill d;
	const struct drill_canned *lag, *down;

	(void)state;
	load_canned(&d);
	lag = drill_canned_find(&d, "PaymentsDatabaseReplicationLag", reinit);
	down = drill_canned_find(&d, "PaymentsDatabaseReplicaDown", reinit);
	assert_non_null(lag);
	assert_non_null(down);
	assert_non_null(strstr(lag->output, "pg-payments-1"));
	assert_non_null(strstr(down->output, "pg-payments-2"));
	assert_null(drill_canned_find(&d, "CheckoutHighErrorRate", reinit));
	assert_null(drill_canned_find(&d, NULL, reinit));
	assert_null(drill_canned_find(&d, "CheckoutHighErrorRate", "rm -rf /"));
	drill_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_shapes_and_canned),
		cmocka_unit_test(test_shipped_all_listed),
		cmocka_unit_test(test_canned_scoping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
