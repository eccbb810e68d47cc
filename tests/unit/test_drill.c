/* test_drill.c: the drill scenario format (core/drill.c) and its playback
 * through the drill source (datasource/drill.c) on a virtual clock
 * (PAGETTY_NOW): every shipped drill parses; bad scenarios fail with the
 * exact file:line:col; curves interpolate; canned answers match exactly or
 * by regex; alerts fire on time, resolve on time or on a mitigation, and
 * injects fire alerts and worsen curves; nothing is ever executed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/drill.h"
#include "core/scorecard.h"
#include "core/util.h"
#include "datasource/drill.h"
#include "loop/loop.h"

#define T0 1800000000.0

static void set_now(double t)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%.3f", t);
	setenv("PAGETTY_NOW", buf, 1);
}

/* ---- parsing ---- */

static const struct {
	const char *path;
	size_t alerts, canned, curves, injects;
} shipped[] = {
	{ "examples/drills/service-restart.yaml", 2, 5, 4, 1 },
	{ "examples/drills/database-failover.yaml", 2, 5, 3, 0 },
	{ "examples/drills/cache-invalidation.yaml", 2, 6, 2, 1 },
	{ "examples/drills/upstream-dependency-down.yaml", 2, 4, 2, 0 },
	{ "examples/drills/certificate-expiry.yaml", 1, 4, 0, 0 },
	{ "examples/drills/demo.yaml", 5, 5, 5, 0 },
};

static void test_shipped_drills_parse(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_LEN(shipped); i++) {
		struct drill d;
		char err[ERR_MAX] = "";

		if (drill_load(&d, shipped[i].path, err) < 0)
			fail_msg("%s: %s", shipped[i].path, err);
		assert_int_equal(d.n_alerts, shipped[i].alerts);
		assert_int_equal(d.n_canned, shipped[i].canned);
		assert_int_equal(d.n_curves, shipped[i].curves);
		assert_int_equal(d.n_injects, shipped[i].injects);
		assert_true(d.speed >= 1);
		assert_true(d.duration > 0);
		/* every alert points at a runbook pagetty ships */
		for (k = 0; k < d.n_alerts; k++) {
			const char *url = labelset_get(&d.alerts[k].annotations, "runbook_url");
			char *path;

			assert_non_null(url);
			path = xasprintf("runbooks/%s", url);
			if (access(path, R_OK) != 0)
				fail_msg("%s: alert %s: no runbook %s", shipped[i].path, d.alerts[k].name,
				         path);
			free(path);
		}
		drill_free(&d);
	}
}

/* Every shipped drill, broken two ways: an unknown top-level key appended
 * (reported at its line, column 1) and its first alert's name replaced by a
 * list (reported at the list's line and column). */
static void test_shipped_drills_broken(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(shipped); i++) {
		struct drill d;
		char err[ERR_MAX] = "", want[ERR_MAX], *buf, *bad, *at;
		size_t len, line = 1, col;
		const char *p;

		assert_int_equal(read_file(shipped[i].path, 1 << 20, &buf, &len, err), 0);
		for (p = buf; *p; p++)
			line += *p == '\n';
		bad = xasprintf("%sbogus_key: 1\n", buf);
		assert_int_equal(drill_parse(&d, bad, strlen(bad), "x.yaml", err), -1);
		snprintf(want, sizeof want, "x.yaml:%zu:1: unknown key \"bogus_key\"", line);
		assert_string_equal(err, want);
		free(bad);

		at = strstr(buf, "  - name: ");
		assert_non_null(at);
		{
			const char *eol = strchr(at, '\n');

			/* "  - name: X" -> "  - name: [X]" */
			bad = xasprintf("%.*s[%.*s]%s", (int)(at + 10 - buf), buf,
			                (int)(eol - (at + 10)), at + 10, eol);
		}
		for (line = 1, p = buf; p < at; p++)
			line += *p == '\n';
		col = 11;
		assert_int_equal(drill_parse(&d, bad, strlen(bad), "x.yaml", err), -1);
		snprintf(want, sizeof want, "x.yaml:%zu:%zu: alert name: expected a string", line, col);
		assert_string_equal(err, want);
		free(bad);
		free(buf);
	}
}

static const char good_yaml[] =
	"name: t\n"
	"description: a test\n"
	"duration: 20m\n"
	"speed: 10x\n"
	"escalate_by: 5m\n"
	"alerts:\n"
	"  - name: A\n"
	"    labels: {severity: critical, service: api}\n"
	"    annotations: {runbook_url: A.md}\n"
	"    fire_at: -2m\n"
	"    resolve_on: {mitigation: \"restart\"}\n"
	"  - name: B\n"
	"    labels: {severity: warning}\n"
	"    fire_at: 1m\n"
	"    resolve_at: 3m\n"
	"  - name: C\n"
	"    labels: {severity: critical}\n"
	"metrics:\n"
	"  - series: err\n"
	"    points: [[10m, 5], [0, 1], [5m, 3]]\n"
	"    noise: 0.1\n"
	"canned:\n"
	"  - {match: exact, command: \"kubectl get pods\", output: \"pod-1 Running\\n\", exit: 0, delay: 20s}\n"
	"  - {match: regex, command: \"rollout (restart|undo)\", output: ok, exit: 3}\n"
	"inject:\n"
	"  - {at: 4m, fire: C}\n"
	"  - {on_mitigation: undo, worsen: err, factor: 4}\n";

static void test_parse_good(void **state)
{
	struct drill d;
	char err[ERR_MAX] = "";
	const struct drill_canned *c;

	(void)state;
	if (drill_parse(&d, good_yaml, strlen(good_yaml), "good.yaml", err) < 0)
		fail_msg("%s", err);
	assert_string_equal(d.name, "t");
	assert_true(d.duration == 1200);
	assert_true(d.speed == 10);
	assert_true(d.escalate_by == 300);
	assert_int_equal(d.n_alerts, 3);
	assert_string_equal(labelset_get(&d.alerts[0].labels, "alertname"), "A");
	assert_true(d.alerts[0].fire_at == -120);
	assert_true(d.alerts[0].resolve_at == DRILL_NEVER);
	assert_string_equal(d.alerts[0].resolve_on, "restart");
	assert_true(d.alerts[1].resolve_at == 180);
	/* C has no fire_at and an inject fires it: it waits for the inject */
	assert_true(d.alerts[2].fire_at == DRILL_NEVER);
	/* points are sorted */
	assert_true(d.curves[0].pts[0].t == 0 && d.curves[0].pts[2].t == 600);
	assert_true(fabs(drill_curve_at(&d.curves[0], -10) - 1) < 1e-9);
	assert_true(fabs(drill_curve_at(&d.curves[0], 150) - 2) < 1e-9);
	assert_true(fabs(drill_curve_at(&d.curves[0], 450) - 4) < 1e-9);
	assert_true(fabs(drill_curve_at(&d.curves[0], 9999) - 5) < 1e-9);
	/* canned: exact ignores extra blanks, regex matches, no match */
	c = drill_canned_find(&d, NULL, "  kubectl   get pods ");
	assert_non_null(c);
	assert_string_equal(c->output, "pod-1 Running\n");
	assert_true(c->delay == 20);
	assert_null(drill_canned_find(&d, NULL, "kubectl get pods -A"));
	c = drill_canned_find(&d, NULL, "kubectl rollout undo deploy/x");
	assert_non_null(c);
	assert_int_equal(c->exit_code, 3);
	assert_null(drill_canned_find(&d, NULL, "touch /tmp/canary"));
	/* mitigation patterns: step title (any case) or regex on title/command */
	assert_true(drill_pattern_match(d.alerts[0].resolve_on, &d.alerts[0].resolve_re,
	                                "Restart", NULL));
	assert_true(drill_pattern_match(d.alerts[0].resolve_on, &d.alerts[0].resolve_re,
	                                "other", "kubectl rollout restart deploy/api"));
	assert_false(drill_pattern_match(d.alerts[0].resolve_on, &d.alerts[0].resolve_re,
	                                 "other", "kubectl get pods"));
	assert_true(d.injects[0].at == 240 && d.injects[0].action == DRILL_FIRE);
	assert_true(d.injects[1].on_mitigation && d.injects[1].action == DRILL_WORSEN);
	assert_true(d.injects[1].factor == 4);
	drill_free(&d);
	drill_free(&d); /* idempotent */
}

static const struct {
	const char *yaml;
	const char *err;   /* the exact message */
} bad[] = {
	{ "", "b.yaml:1:1: empty scenario" },
	{ "- 1\n", "b.yaml:1:1: scenario: expected a mapping" },
	{ "name: [\n", "b.yaml:2:1: did not find expected node content" },
	{ "name: x\nalerts: []\nbogus: 1\n", "b.yaml:3:1: unknown key \"bogus\"" },
	{ "name: x\n", "b.yaml:1:1: alerts: at least one alert is required" },
	{ "alerts:\n  - name: A\n", "b.yaml:1:1: name is required" },
	{ "name: x\nduration: soon\nalerts: [{name: A}]\n",
	  "b.yaml:2:11: duration: col 1: expected a number, got 's' (durations look like 90s, "
	  "1h30m, 500ms)" },
	{ "name: x\nspeed: fast\nalerts: [{name: A}]\n",
	  "b.yaml:2:8: speed: expected a number, not \"fast\"" },
	{ "name: x\nspeed: 0\nalerts: [{name: A}]\n",
	  "b.yaml:2:8: speed: 0 is out of range [1, 10000]" },
	{ "name: x\nalerts:\n  - labels: {a: b}\n", "b.yaml:3:5: alert: name is required" },
	{ "name: x\nalerts:\n  - name: A\n    fire_at: 5m\n    resolve_at: 1m\n",
	  "b.yaml:3:5: alert A: resolve_at must come after fire_at" },
	{ "name: x\nalerts:\n  - name: A\n    colour: red\n",
	  "b.yaml:4:5: alert: unknown key \"colour\"" },
	{ "name: x\nalerts:\n  - name: A\n    labels: {a: [1]}\n",
	  "b.yaml:4:17: labels.a: expected a string" },
	{ "name: x\nalerts:\n  - name: A\n    resolve_on: {mitigation: \"(\"}\n",
	  "b.yaml:3:5: resolve_on: bad regex: Unmatched ( or \\(" },
	{ "name: x\nalerts:\n  - name: A\n    resolve_on: {step: x}\n",
	  "b.yaml:4:18: resolve_on: unknown key \"step\" (want mitigation)" },
	{ "name: x\nalerts: [{name: A}]\nmetrics:\n  - series: s\n    points: [[1, 2, 3]]\n",
	  "b.yaml:5:14: points: each point is [t, value]" },
	{ "name: x\nalerts: [{name: A}]\nmetrics:\n  - series: s\n",
	  "b.yaml:4:5: metric s: points are required" },
	{ "name: x\nalerts: [{name: A}]\nmetrics:\n  - points: [[0, 1]]\n",
	  "b.yaml:4:5: metric: series or query is required" },
	{ "name: x\nalerts: [{name: A}]\ncanned:\n  - {match: glob, command: x}\n",
	  "b.yaml:4:13: match: exact or regex" },
	{ "name: x\nalerts: [{name: A}]\ncanned:\n  - {match: regex, command: \"[\"}\n",
	  "b.yaml:4:5: canned: bad regex: Invalid regular expression" },
	{ "name: x\nalerts: [{name: A}]\ncanned:\n  - {output: x}\n",
	  "b.yaml:4:5: canned: command is required" },
	{ "name: x\nalerts: [{name: A}]\ncanned:\n  - {command: x, exit: 300}\n",
	  "b.yaml:4:24: exit: 300 is out of range [0, 255]" },
	{ "name: x\nalerts: [{name: A}]\ninject:\n  - {fire: A}\n",
	  "b.yaml:4:5: inject: give exactly one of at or on_mitigation" },
	{ "name: x\nalerts: [{name: A}]\ninject:\n  - {at: 1m, fire: A, resolve: A}\n",
	  "b.yaml:4:5: inject: give exactly one of fire, resolve or worsen" },
	{ "name: x\nalerts: [{name: A}]\ninject:\n  - {at: 1m, fire: Z}\n",
	  "b.yaml:4:5: inject: no alert named Z" },
	{ "name: x\nalerts: [{name: A}]\ninject:\n  - {at: 1m, worsen: m}\n",
	  "b.yaml:4:5: inject: no metric named m" },
	{ "name: x\nalerts: [{name: A}, {name: A}]\n", "b.yaml:2:21: alert A is given twice" },
	{ "name: x\nalerts: [{name: A}]\ncanned:\n  - {command: x, alert: \"\"}\n",
	  "b.yaml:4:25: alert: empty" },
	/* regexes get the filter's limits: none of these can hang regcomp */
	{ "name: x\nalerts: [{name: A}]\ncanned:\n  - {match: regex, command: \"(x|)*(x|)*(x|)*\"}\n",
	  "b.yaml:4:5: canned: regex: quantified group can match the empty string" },
	{ "name: x\nalerts:\n  - name: A\n    resolve_on: {mitigation: \"((((ab?)+)+)+)+\"}\n",
	  "b.yaml:3:5: resolve_on: regex: quantified groups nested too deeply" },
	{ "name: x\nalerts: [{name: A}]\ninject:\n  - {on_mitigation: \"x{1,1000}{1,1000}\", fire: A}\n",
	  "b.yaml:4:5: on_mitigation: regex repetition too large" },
};

static void test_parse_bad(void **state)
{
	size_t i;
	int failed = 0;

	(void)state;
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		struct drill d;
		char err[ERR_MAX] = "";

		if (drill_parse(&d, bad[i].yaml, strlen(bad[i].yaml), "b.yaml", err) == 0) {
			drill_free(&d);
			fail_msg("case %zu parsed", i);
		}
		if (strcmp(err, bad[i].err) != 0) {
			print_error("case %zu: got '%s', want '%s'\n", i, err, bad[i].err);
			failed++;
		}
		assert_null(d.alerts);
		assert_null(d.name);
	}
	assert_int_equal(failed, 0);
}

/* Canned answers scoped to an alert's runbook, and the demo's canned-only
 * file shape. */
static const char canned_yaml[] =
	"name: demo-canned\n"
	"canned:\n"
	"  - {command: kubectl get pods, alert: Inventory, output: \"inventory-1 0/1\\n\", exit: 0}\n"
	"  - {command: kubectl get pods, alert: Checkout, output: \"checkout-1 1/1\\n\", delay: 3s}\n"
	"  - {command: kubectl get pods, output: \"any-1 1/1\\n\", exit: 4}\n"
	"  - {match: regex, command: 'flagctl set', output: \"ok\\n\", delay: 10s}\n";

static void test_canned_scoped(void **state)
{
	struct drill d;
	char err[ERR_MAX] = "";
	const struct drill_canned *c;
	struct drill_reply r;

	(void)state;
	if (drill_parse_canned(&d, canned_yaml, strlen(canned_yaml), "c.yaml", err) < 0)
		fail_msg("%s", err);
	assert_int_equal(d.n_alerts, 0);
	assert_int_equal(d.n_canned, 4);
	c = drill_canned_find(&d, "Inventory", "kubectl  get pods");
	assert_non_null(c);
	assert_string_equal(c->output, "inventory-1 0/1\n");
	c = drill_canned_find(&d, "Checkout", "kubectl get pods");
	assert_string_equal(c->output, "checkout-1 1/1\n");
	/* another alert, or none: only the unscoped answer */
	c = drill_canned_find(&d, "Other", "kubectl get pods");
	assert_string_equal(c->output, "any-1 1/1\n");
	c = drill_canned_find(&d, NULL, "kubectl get pods");
	assert_int_equal(c->exit_code, 4);
	/* the reply: delay in wall time (scenario delay / speed), or the none text */
	drill_canned_reply(&d, "Checkout", "kubectl get pods", 1, "none", &r);
	assert_true(r.canned);
	assert_int_equal(r.delay_ms, 3000);
	drill_canned_reply(&d, "Checkout", "flagctl set x on", 10, "none", &r);
	assert_string_equal(r.output, "ok\n");
	assert_int_equal(r.delay_ms, 1000);
	drill_canned_reply(&d, "Checkout", "rm -rf /", 10, "none", &r);
	assert_false(r.canned);
	assert_string_equal(r.output, "none");
	assert_int_equal(r.exit_code, 0);
	assert_int_equal(r.delay_ms, 0);
	drill_free(&d);

	/* a canned-only file refuses the keys of a scenario; a scenario needs alerts */
	assert_int_equal(drill_parse_canned(&d, "name: x\nalerts: [{name: A}]\n", 28, "c.yaml",
	                                    err), -1);
	assert_string_equal(err, "c.yaml:2:1: unknown key \"alerts\" (a canned-answer file has "
	                         "name, description and canned)");
	assert_int_equal(drill_parse(&d, canned_yaml, strlen(canned_yaml), "c.yaml", err), -1);
	assert_string_equal(err, "c.yaml:1:1: alerts: at least one alert is required");
}

/* Hostile input: never crashes, never leaks (valgrind checks the leaks). */
static void test_parse_hostile(void **state)
{
	static const char *inputs[] = {
		"name: x\nalerts: [{name: A}]\nmetrics: [{series: s, points: [[1e999, 1]]}]\n",
		"name: x\nalerts: [{name: A, fire_at: -}]\n",
		"name: \"a\\0b\"\nalerts: [{name: A}]\n",
		"&a [*a]\n",
		"name: x\nalerts: [{name: A}]\ncanned: [{command: x, delay: 2h}]\n",
		"name: x\nalerts: [{name: A, resolve_on: {mitigation: \"\"}}]\n",
		"name: x\nalerts: [{name: A}]\ninject: [{on_mitigation: \"(\", fire: A}]\n",
		"name: x\nalerts: [{name: A}]\ncanned: [{match: regex, command: x, exit: nope}]\n",
		"\xff\xfe\x00",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(inputs); i++) {
		struct drill d;
		char err[ERR_MAX] = "";

		assert_int_equal(drill_parse(&d, inputs[i], strlen(inputs[i]) + (i == 8 ? 1 : 0),
		                             "h.yaml", err), -1);
		assert_true(strncmp(err, "h.yaml:", 7) == 0);
	}
}

/* Aliases cannot multiply a big curve past the total cap. */
static void test_parse_alias_bomb(void **state)
{
	struct buf b = {0};
	struct drill d;
	char err[ERR_MAX] = "";
	int i;

	(void)state;
	buf_puts(&b, "name: x\nalerts: [{name: A}]\nmetrics:\n  - &c\n    series: s\n    points: [");
	for (i = 0; i < DRILL_MAX_POINTS; i++)
		buf_printf(&b, "%s[%d, 1]", i ? ", " : "", i);
	buf_puts(&b, "]\n");
	for (i = 0; i < 30; i++)
		buf_puts(&b, "  - *c\n");
	assert_int_equal(drill_parse(&d, b.data, b.len, "bomb.yaml", err), -1);
	assert_non_null(strstr(err, "points: more than 200000 in all curves"));
	buf_free(&b);
}

/* ---- playback on a virtual clock ---- */

struct fx {
	struct loop *loop;
	struct source *src;
	int updates;
};

static void on_update(struct source *s, void *data)
{
	struct fx *f = data;

	(void)s;
	f->updates++;
}

static void fx_start(struct fx *f, const char *yaml)
{
	struct drill d;
	char err[ERR_MAX] = "";

	set_now(T0);
	if (drill_parse(&d, yaml, strlen(yaml), "p.yaml", err) < 0)
		fail_msg("%s", err);
	memset(f, 0, sizeof *f);
	f->loop = loop_new();
	f->src = drill_source_new(f->loop, &d);
	assert_null(d.alerts); /* taken */
	f->src->on_update = on_update;
	f->src->update_data = f;
	assert_true(drill_source_is(f->src));
	assert_true(f->src->demo);
	assert_ptr_equal(drill_source_find(&f->src, 1), f->src);
}

static void fx_stop(struct fx *f)
{
	source_free(f->src);
	loop_free(f->loop);
	unsetenv("PAGETTY_NOW");
}

/* Move the virtual clock to T0 + wall seconds, refresh, wait for the answer. */
static void fx_at(struct fx *f, double wall)
{
	int want, i;

	set_now(T0 + wall);
	want = f->updates + 1;
	f->src->ops->refresh(f->src);
	for (i = 0; i < 50 && f->updates < want; i++)
		loop_run_once(f->loop, 5);
	assert_true(f->updates >= want);
}

static bool firing(struct fx *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->src->alerts.n; i++)
		if (!strcmp(alert_name(f->src->alerts.v[i]), name))
			return true;
	return false;
}

static void test_playback_timing(void **state)
{
	struct fx f;
	struct drill_reply r;

	(void)state;
	fx_start(&f, good_yaml);
	/* speed 10: wall second 6 is scenario minute 1 */
	fx_at(&f, 0);
	assert_true(fabs(drill_source_now(f.src)) < 1e-6);
	assert_true(firing(&f, "A"));
	assert_false(firing(&f, "B"));
	assert_false(firing(&f, "C"));
	/* A fired 2 minutes before the drill began: startsAt says so */
	assert_true(fabs(f.src->alerts.v[0]->starts - (T0 - 12)) < 1e-6);
	assert_string_equal(f.src->alerts.v[0]->cluster, "drill");
	fx_at(&f, 6.5);
	assert_true(firing(&f, "B"));
	fx_at(&f, 18.5); /* 3m05s: B resolved on time */
	assert_false(firing(&f, "B"));
	assert_false(firing(&f, "C"));
	fx_at(&f, 24.5); /* 4m05s: the inject fired C */
	assert_true(firing(&f, "C"));
	assert_false(drill_source_over(f.src));

	/* a command without a canned answer: says so, nothing runs */
	drill_source_run(f.src, "A", DRILL_SEC_TRIAGE, "Look", "touch /tmp/pagetty-canary", 0,
	                 false, &r);
	assert_false(r.canned);
	assert_string_equal(r.output, "(no output in this drill)\n");
	assert_int_equal(r.exit_code, 0);
	/* canned: delay is scenario time, shown after delay / speed */
	drill_source_run(f.src, "A", DRILL_SEC_TRIAGE, "Pods", "kubectl get pods", 0, false, &r);
	assert_true(r.canned);
	assert_int_equal(r.delay_ms, 2000);
	/* a failing mitigation (exit 3) resolves nothing */
	drill_source_run(f.src, "A", DRILL_SEC_MITIGATION, "Roll", "kubectl rollout restart x", 1,
	                 false, &r);
	assert_int_equal(r.exit_code, 3);
	drill_source_answered(f.src, "Roll", "kubectl rollout restart x", false, r.exit_code);
	fx_at(&f, 25);
	assert_true(firing(&f, "A"));
	/* a successful one matching resolve_on by step title resolves A */
	drill_source_run(f.src, "A", DRILL_SEC_MITIGATION, "Restart", "svc restart", 1, false, &r);
	drill_source_answered(f.src, "Restart", "svc restart", false, 0);
	fx_at(&f, 25.5);
	assert_false(firing(&f, "A"));
	assert_true(firing(&f, "C")); /* C never resolves: not over yet */
	assert_false(drill_source_over(f.src));
	fx_at(&f, 121); /* past the 20m duration */
	assert_true(drill_source_over(f.src));
	assert_true(access("/tmp/pagetty-canary", F_OK) != 0);
	fx_stop(&f);
}

static void test_playback_log_and_score(void **state)
{
	struct fx f;
	struct drill_reply r;
	struct scorecard sc;
	const struct drill_log *l;
	size_t i, fired = 0, resolved = 0;

	(void)state;
	fx_start(&f, good_yaml);
	fx_at(&f, 0);
	drill_source_runbook(f.src, "A");
	fx_at(&f, 3);
	drill_source_run(f.src, "A", DRILL_SEC_TRIAGE, "Pods", "kubectl get pods", 0, false, &r);
	drill_source_run(f.src, "A", DRILL_SEC_MITIGATION, "Restart", "restart it", 1, false, &r);
	drill_source_answered(f.src, "Restart", "restart it", false, 0);
	drill_source_step_done(f.src, "A", DRILL_SEC_ESCALATION, "Page the manager", true);
	fx_at(&f, 30);
	l = drill_source_log(f.src);
	for (i = 0; i < l->n; i++) {
		fired += l->v[i].kind == DRILL_EV_FIRED;
		resolved += l->v[i].kind == DRILL_EV_RESOLVED;
	}
	assert_int_equal(fired, 3);    /* A, B, C (injected at 4m) */
	assert_int_equal(resolved, 2); /* A by mitigation, B on time */
	drill_source_score(f.src, &sc);
	assert_string_equal(sc.name, "t");
	if (fabs(sc.runbook_s - 120) > 1e-6) /* A fired at -2m, opened at 0 */
		fail_msg("runbook_s %g first_fire %g", sc.runbook_s, sc.first_fire);
	assert_int_equal(sc.triage_before_mitigation, 1);
	assert_int_equal(sc.mitigations, 1);
	assert_true(sc.escalated);
	assert_true(sc.escalated_in_time);
	assert_false(sc.resolved);
	scorecard_free(&sc);
	fx_stop(&f);
}

static const char worsen_yaml[] =
	"name: w\nspeed: 1\n"
	"alerts: [{name: A, resolve_on: {mitigation: fix}}]\n"
	"metrics: [{series: err, points: [[0, 1]]}, {query: 'sum(rate(x[5m]))', points: [[0, 7]]}]\n"
	"inject: [{on_mitigation: undo, worsen: err, factor: 3}]\n";

static struct metrics_answer last_answer;
static int answers;

static void on_answer(struct metrics_answer *a, void *data)
{
	(void)data;
	promql_result_free(&last_answer.result);
	last_answer = *a;
	memset(&a->result, 0, sizeof a->result);
	answers++;
}

static double ask(struct fx *f, struct metrics *m, const char *expr)
{
	int want = answers + 1, i;

	m->ops->query(m, expr, 0, on_answer, NULL);
	for (i = 0; i < 50 && answers < want; i++)
		loop_run_once(f->loop, 5);
	assert_int_equal(answers, want);
	if (!last_answer.ok)
		return NAN;
	assert_int_equal(last_answer.result.n_series, 1);
	return last_answer.result.series[0].samples[0].v;
}

static void test_metrics_and_worsen(void **state)
{
	struct fx f;
	struct metrics *m;
	struct drill_reply r;

	(void)state;
	fx_start(&f, worsen_yaml);
	m = metrics_drill_new(f.loop, f.src);
	assert_true(fabs(ask(&f, m, "err") - 1) < 1e-9);
	assert_true(fabs(ask(&f, m, "sum(rate(x[5m]))") - 7) < 1e-9);
	assert_true(fabs(ask(&f, m, "avg_over_time(err[5m])") - 1) < 1e-9);
	assert_true(isnan(ask(&f, m, "up")));
	assert_string_equal(last_answer.result.error_type, "bad_data");
	set_now(T0 + 10);
	drill_source_run(f.src, "A", DRILL_SEC_MITIGATION, "Roll back", "kubectl rollout undo", 2,
	                 false, &r);
	drill_source_answered(f.src, "Roll back", "kubectl rollout undo", false, 0);
	assert_true(fabs(ask(&f, m, "err") - 3) < 1e-9);
	/* a cancelled query never answers */
	m->ops->cancel(m, m->ops->query(m, "err", 0, on_answer, NULL));
	loop_run_once(f.loop, 5);
	metrics_free(m);
	promql_result_free(&last_answer.result);
	memset(&last_answer, 0, sizeof last_answer);
	fx_stop(&f);
}

/* Silences created in a drill mute alerts and are counted. */
static int silence_cbs;

static void on_silence(struct source *s, bool ok, const char *id, const char *err, void *data)
{
	(void)s;
	(void)data;
	(void)err;
	assert_true(ok);
	assert_non_null(id);
	silence_cbs++;
}

static void test_silence(void **state)
{
	struct fx f;
	struct silence sil = {0};
	struct silence_matcher mt = { .name = "alertname", .value = "A", .is_equal = true };
	struct scorecard sc;
	int i;

	(void)state;
	fx_start(&f, good_yaml);
	fx_at(&f, 0);
	sil.matchers = &mt;
	sil.n_matchers = 1;
	sil.starts = T0;
	sil.ends = T0 + 3600;
	sil.comment = "drill";
	sil.created_by = "me";
	f.src->ops->silence_create(f.src, &sil, on_silence, NULL);
	for (i = 0; i < 50 && !silence_cbs; i++)
		loop_run_once(f.loop, 5);
	assert_int_equal(silence_cbs, 1);
	assert_int_equal(f.src->alerts.v[0]->state, ALERT_SILENCED);
	drill_source_score(f.src, &sc);
	assert_int_equal(sc.silences, 1);
	scorecard_free(&sc);
	fx_stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_drills_parse),
		cmocka_unit_test(test_shipped_drills_broken),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_canned_scoped),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_parse_alias_bomb),
		cmocka_unit_test(test_playback_timing),
		cmocka_unit_test(test_playback_log_and_score),
		cmocka_unit_test(test_metrics_and_worsen),
		cmocka_unit_test(test_silence),
	};

	return cmocka_run_group_tests_name("drill", tests, NULL, NULL);
}
