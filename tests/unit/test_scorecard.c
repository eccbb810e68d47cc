/* test_scorecard.c: scorecard math on scripted drill sessions (synthetic
 * event lists), and its JSON, markdown and files. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <cmocka.h>

#include "core/scorecard.h"
#include "core/util.h"

enum { TRI = DRILL_SEC_TRIAGE, MIT = DRILL_SEC_MITIGATION, ESC = DRILL_SEC_ESCALATION,
       OTH = DRILL_SEC_OTHER };

struct ev {
	enum drill_ev kind;
	double t;
	int sec;
	int rev;
	bool rollback;
};

#define END { -1, 0, 0, 0, false }

static const struct {
	const char *name;
	double escalate_by, end;
	struct ev evs[12];
	/* expected */
	double runbook_s;
	int triage, mitigations;
	bool order, escalated;
	double escalated_s;
	bool in_time;
	int silences, commands;
	bool resolved;
	double resolve_s;
} cases[] = {
	{ "textbook", 600, 900,
	  { { DRILL_EV_FIRED, -60, OTH, 0, false }, { DRILL_EV_FIRED, 30, OTH, 0, false },
	    { DRILL_EV_RUNBOOK, 45, OTH, 0, false }, { DRILL_EV_STEP_RUN, 60, TRI, 0, false },
	    { DRILL_EV_STEP_RUN, 90, TRI, 0, false }, { DRILL_EV_SILENCE, 100, OTH, 0, false },
	    { DRILL_EV_STEP_RUN, 120, MIT, 1, false }, { DRILL_EV_STEP_RUN, 150, MIT, 2, false },
	    { DRILL_EV_STEP_DONE, 200, ESC, 0, false }, { DRILL_EV_RESOLVED, 300, OTH, 0, false },
	    { DRILL_EV_RESOLVED, 310, OTH, 0, false }, END },
	  105, 2, 2, true, true, 260, true, 1, 4, true, 370 },
	{ "blind and out of order", 300, 1200,
	  { { DRILL_EV_FIRED, 0, OTH, 0, false }, { DRILL_EV_RUNBOOK, 400, OTH, 0, false },
	    { DRILL_EV_STEP_RUN, 410, MIT, 3, false }, { DRILL_EV_STEP_RUN, 420, TRI, 0, false },
	    { DRILL_EV_STEP_RUN, 430, MIT, 1, false }, { DRILL_EV_STEP_RUN, 500, ESC, 0, false },
	    END },
	  400, 0, 2, false, true, 500, false, 0, 4, false, -1 },
	{ "rollbacks do not count as mitigations; unknown ranks with risky", 0, 100,
	  { { DRILL_EV_FIRED, 5, OTH, 0, false }, { DRILL_EV_STEP_RUN, 10, MIT, 2, false },
	    { DRILL_EV_STEP_RUN, 20, MIT, 1, true }, { DRILL_EV_STEP_RUN, 30, MIT, 0, false },
	    { DRILL_EV_RESOLVED, 40, OTH, 0, false }, END },
	  -1, 0, 2, true, false, -1, true, 0, 3, true, 35 },
	{ "nothing fired", 60, 10, { END }, -1, 0, 0, true, false, -1, false, 0, 0, false, -1 },
};

static void script(struct drill_log *l, const struct ev *evs)
{
	for (; (int)evs->kind != -1; evs++)
		drill_log_add(l, evs->kind, evs->t, "A", (enum drill_sec)evs->sec, "step", "cmd",
		              evs->rev, 0, evs->rollback);
}

static void test_math(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct drill_log l = {0};
		struct scorecard sc;

		script(&l, cases[i].evs);
		scorecard_compute(&sc, &l, cases[i].name, cases[i].escalate_by, cases[i].end);
		print_message("case %s\n", cases[i].name);
		assert_string_equal(sc.name, cases[i].name);
		assert_true(fabs(sc.runbook_s - cases[i].runbook_s) < 1e-9);
		assert_int_equal(sc.triage_before_mitigation, cases[i].triage);
		assert_int_equal(sc.mitigations, cases[i].mitigations);
		assert_int_equal(sc.reversibility_order, cases[i].order);
		assert_int_equal(sc.escalated, cases[i].escalated);
		assert_true(fabs(sc.escalated_s - cases[i].escalated_s) < 1e-9);
		assert_int_equal(sc.escalated_in_time, cases[i].in_time);
		assert_int_equal(sc.silences, cases[i].silences);
		assert_int_equal(sc.commands, cases[i].commands);
		assert_int_equal(sc.resolved, cases[i].resolved);
		assert_true(fabs(sc.resolve_s - cases[i].resolve_s) < 1e-9);
		assert_true(sc.elapsed_s == cases[i].end);
		scorecard_free(&sc);
		drill_log_free(&l);
	}
}

static void test_json(void **state)
{
	struct drill_log l = {0};
	struct scorecard sc;
	cJSON *o;
	char *json;

	(void)state;
	script(&l, cases[0].evs);
	scorecard_compute(&sc, &l, "text\x1b[31m", 600, 900);
	json = scorecard_json(&sc);
	o = cJSON_Parse(json);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "drill")->valuestring, "text\\e[31m");
	assert_true(cJSON_GetObjectItem(o, "time_to_runbook_s")->valuedouble == 105);
	assert_int_equal(cJSON_GetObjectItem(o, "triage_before_mitigation")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(o, "mitigations")->valueint, 2);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "mitigations_in_reversibility_order")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "escalated")));
	assert_true(cJSON_GetObjectItem(o, "escalated_after_s")->valuedouble == 260);
	assert_true(cJSON_GetObjectItem(o, "escalation_deadline_s")->valuedouble == 600);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "escalated_before_deadline")));
	assert_int_equal(cJSON_GetObjectItem(o, "silences_created")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(o, "commands_run")->valueint, 4);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "resolved")));
	assert_true(cJSON_GetObjectItem(o, "time_to_resolve_s")->valuedouble == 370);
	cJSON_Delete(o);
	free(json);
	scorecard_free(&sc);

	/* never: null, not -1 */
	scorecard_compute(&sc, &l, "x", 0, 10);
	sc.runbook_s = -1;
	sc.resolve_s = -1;
	json = scorecard_json(&sc);
	o = cJSON_Parse(json);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "time_to_runbook_s")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "time_to_resolve_s")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "escalation_deadline_s")));
	cJSON_Delete(o);
	free(json);
	scorecard_free(&sc);
	drill_log_free(&l);
}

static void test_markdown_and_files(void **state)
{
	struct drill_log l = {0};
	struct scorecard sc;
	char dir[] = "/tmp/pagetty-sc-XXXXXX", *base, *path, *text, err[ERR_MAX] = "";
	size_t len;

	(void)state;
	drill_log_add(&l, DRILL_EV_FIRED, 0, "A|B", DRILL_SEC_OTHER, NULL, NULL, 0, 0, false);
	drill_log_add(&l, DRILL_EV_STEP_RUN, 65, "A|B", DRILL_SEC_TRIAGE, "look `here`",
	              "kubectl get pods | grep x", 0, 1, false);
	scorecard_compute(&sc, &l, "md", 0, 100);
	text = scorecard_markdown(&sc, &l);
	assert_non_null(strstr(text, "# Drill scorecard: md\n"));
	assert_non_null(strstr(text, "| 1m05s | step run | A\\|B | look \\`here\\` "
	                             "(kubectl get pods \\| grep x) exit 1 |"));
	free(text);

	assert_non_null(mkdtemp(dir));
	base = xasprintf("%s/report.json", dir);
	assert_int_equal(scorecard_write(&sc, &l, base, err), 0);
	assert_int_equal(read_file(base, 1 << 20, &text, &len, err), 0);
	assert_non_null(strstr(text, "\"drill\":"));
	free(text);
	path = xasprintf("%s/report.md", dir);
	assert_int_equal(read_file(path, 1 << 20, &text, &len, err), 0);
	assert_non_null(strstr(text, "# Drill scorecard"));
	free(text);
	unlink(base);
	unlink(path);
	free(path);
	free(base);
	/* a directory that does not exist: an error, not a crash */
	base = xasprintf("%s/nope/report.json", dir);
	assert_int_equal(scorecard_write(&sc, &l, base, err), -1);
	assert_non_null(strstr(err, "nope/report.json"));
	free(base);
	rmdir(dir);
	scorecard_free(&sc);
	drill_log_free(&l);
}

static void test_lines(void **state)
{
	struct drill_log l = {0};
	struct scorecard sc;
	char *lines[16];
	size_t n, i;

	(void)state;
	script(&l, cases[1].evs);
	scorecard_compute(&sc, &l, "b", 300, 1200);
	n = scorecard_lines(&sc, lines, ARRAY_LEN(lines));
	assert_int_equal(n, 7);
	assert_non_null(strstr(lines[0], "6m40s"));
	assert_non_null(strstr(lines[1], "mitigated blind"));
	assert_non_null(strstr(lines[2], "NOT in reversibility order"));
	assert_non_null(strstr(lines[3], "LATE"));
	assert_non_null(strstr(lines[6], "not resolved"));
	for (i = 0; i < n; i++)
		free(lines[i]);
	/* a short array is filled, not overrun */
	assert_int_equal(scorecard_lines(&sc, lines, 2), 2);
	free(lines[0]);
	free(lines[1]);
	scorecard_free(&sc);
	drill_log_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_math),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_markdown_and_files),
		cmocka_unit_test(test_lines),
	};

	return cmocka_run_group_tests_name("scorecard", tests, NULL, NULL);
}
