/* test_scenario.c: the embedded demo source (`pagetty --demo`): it answers
 * through the loop like a real Alertmanager, tells the incident story as
 * PAGETTY_NOW moves forward, and silences/expiries work in memory. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alert.h"
#include "core/runbook.h"
#include "core/silence.h"
#include "core/util.h"
#include "datasource/source.h"
#include "loop/loop.h"

#define T0 1800000000.0

struct fixture {
	struct loop *loop;
	struct source *src;
	int updates;
	/* last silence callback */
	int cb_calls;
	bool cb_ok;
	char cb_id[128];
	char cb_err[ERR_MAX];
};

static void set_now(double t)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%.3f", t);
	setenv("PAGETTY_NOW", buf, 1);
}

static void on_update(struct source *s, void *data)
{
	struct fixture *f = data;

	assert_ptr_equal(s, f->src);
	f->updates++;
}

static void on_silence(struct source *s, bool ok, const char *id, const char *err, void *data)
{
	struct fixture *f = data;

	assert_ptr_equal(s, f->src);
	assert_non_null(id);
	assert_non_null(err);
	f->cb_calls++;
	f->cb_ok = ok;
	snprintf(f->cb_id, sizeof f->cb_id, "%s", id);
	snprintf(f->cb_err, sizeof f->cb_err, "%s", err);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	set_now(T0);
	f->loop = loop_new();
	f->src = scenario_source_new(f->loop);
	f->src->on_update = on_update;
	f->src->update_data = f;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	source_free(f->src);
	loop_free(f->loop);
	free(f);
	unsetenv("PAGETTY_NOW");
	return 0;
}

/* Run the loop until *counter passes want (bounded: the scenario answers
 * with 0 ms timers, so a few iterations are plenty). */
static void run_until(struct fixture *f, int *counter, int want)
{
	int i;

	for (i = 0; i < 100 && *counter < want; i++)
		loop_run_once(f->loop, 10);
	assert_int_equal(*counter, want);
}

static void refresh(struct fixture *f)
{
	int before = f->updates;

	f->src->ops->refresh(f->src);
	/* never synchronously from refresh */
	assert_int_equal(f->updates, before);
	assert_true(f->src->status.fetching);
	run_until(f, &f->updates, before + 1);
	assert_false(f->src->status.fetching);
}

static const struct alert *find(const struct source *s, const char *alertname)
{
	size_t i;

	for (i = 0; i < s->alerts.n; i++)
		if (strcmp(alert_name(s->alerts.v[i]), alertname) == 0)
			return s->alerts.v[i];
	return NULL;
}

static const char *label(const struct alert *a, const char *name)
{
	const char *v = labelset_get(&a->labels, name);

	return v ? v : "";
}

static bool is_hex16(const char *s)
{
	size_t i;

	if (strlen(s) != 16)
		return false;
	for (i = 0; i < 16; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

/* At the demo's start: who is firing, with what severity and state. */
static const struct {
	const char *alertname;
	enum alert_severity sev;
	enum alert_state state;
	double started_ago; /* seconds before T0 */
} initial[] = {
	{ "CheckoutHighErrorRate", SEV_CRITICAL, ALERT_ACTIVE, 12 * 60 },
	{ "PaymentsDatabaseReplicationLag", SEV_CRITICAL, ALERT_ACTIVE, 14 * 60 },
	{ "CheckoutLatencyHigh", SEV_WARNING, ALERT_INHIBITED, 10 * 60 },
	{ "PaymentsDatabaseReplicaDown", SEV_WARNING, ALERT_SILENCED, 40 * 60 },
	{ "RedisCacheEvictions", SEV_WARNING, ALERT_ACTIVE, 9 * 60 },
	{ "CertificateExpiringSoon", SEV_INFO, ALERT_ACTIVE, 3 * 3600 },
};

static void test_initial_state(void **state)
{
	struct fixture *f = *state;
	struct source *s = f->src;
	static const char *required[] = {
		"alertname", "severity", "service", "namespace", "instance", "job", "team",
	};
	size_t i, j;
	char want[128];

	assert_true(s->demo);
	assert_string_equal(s->name, "demo");
	assert_string_equal(s->ops->kind, "scenario");
	refresh(f);
	assert_true(s->status.ok);
	assert_true(s->status.ever_ok);
	assert_false(s->status.stale);
	assert_int_equal(s->status.latency_ms, 0);
	assert_string_equal(s->status.active_url, "embedded");
	assert_true(fabs(s->status.last_ok - T0) < 1);
	assert_true(s->generation > 0);

	assert_int_equal(s->alerts.n, ARRAY_LEN(initial));
	for (i = 0; i < ARRAY_LEN(initial); i++) {
		const struct alert *a = find(s, initial[i].alertname);

		assert_non_null(a);
		assert_int_equal(a->severity, initial[i].sev);
		assert_int_equal(a->state, initial[i].state);
		assert_true(fabs(a->starts - (T0 - initial[i].started_ago)) < 0.01);
		assert_non_null(a->starts_at);
		assert_string_equal(a->cluster, "demo");
		assert_true(is_hex16(a->fingerprint));
		for (j = 0; j < ARRAY_LEN(required); j++)
			assert_true(label(a, required[j])[0] != '\0');
		assert_non_null(labelset_get(&a->annotations, "summary"));
		assert_non_null(labelset_get(&a->annotations, "description"));
		snprintf(want, sizeof want, "%s.md", initial[i].alertname);
		assert_string_equal(labelset_get(&a->annotations, "runbook_url"), want);
		assert_true(a->n_receivers > 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(a->fingerprint,
			                        find(s, initial[j].alertname)->fingerprint);
	}
	/* the view's order: most urgent first */
	for (i = 1; i < s->alerts.n; i++)
		assert_true(s->alerts.v[i - 1]->severity <= s->alerts.v[i]->severity);
}

static void test_silenced_and_inhibited(void **state)
{
	struct fixture *f = *state;
	struct source *s = f->src;
	const struct alert *crit, *inh, *sil;
	const struct silence *demo;

	refresh(f);
	crit = find(s, "CheckoutHighErrorRate");
	inh = find(s, "CheckoutLatencyHigh");
	sil = find(s, "PaymentsDatabaseReplicaDown");
	assert_non_null(crit);
	assert_non_null(inh);
	assert_non_null(sil);

	assert_int_equal(inh->n_inhibited_by, 1);
	assert_string_equal(inh->inhibited_by[0], crit->fingerprint);
	assert_int_equal(inh->n_silenced_by, 0);

	assert_int_equal(s->silences.n, 1);
	demo = s->silences.v[0];
	assert_non_null(demo->id);
	assert_true(demo->n_matchers >= 1);
	assert_true(demo->created_by && demo->created_by[0]);
	assert_true(demo->comment && demo->comment[0]);
	assert_string_equal(demo->state, "active");
	assert_true(fabs(demo->ends - (T0 + 2 * 3600)) < 1);
	assert_true(silence_matches(demo, &sil->labels));
	assert_false(silence_matches(demo, &crit->labels));
	assert_int_equal(sil->n_silenced_by, 1);
	assert_string_equal(sil->silenced_by[0], demo->id);
	assert_int_equal(crit->n_silenced_by, 0);
	assert_int_equal(crit->n_inhibited_by, 0);
}

static void test_fingerprints_stable(void **state)
{
	struct fixture *f = *state;
	char fp[17];
	uint64_t gen;

	refresh(f);
	snprintf(fp, sizeof fp, "%s", find(f->src, "CheckoutHighErrorRate")->fingerprint);
	gen = f->src->generation;
	set_now(T0 + 20);
	refresh(f);
	assert_true(f->src->generation > gen);
	assert_string_equal(find(f->src, "CheckoutHighErrorRate")->fingerprint, fp);
	/* a second source (another run of the demo) agrees */
	{
		struct source *other = scenario_source_new(f->loop);
		int n = 0;

		other->on_update = NULL;
		other->ops->refresh(other);
		while (other->status.fetching && n++ < 100)
			loop_run_once(f->loop, 10);
		assert_string_equal(find(other, "CheckoutHighErrorRate")->fingerprint, fp);
		source_free(other);
	}
}

/* The story, minute by minute. */
static const struct {
	double at;           /* seconds after T0 */
	size_t n_alerts;
	const char *present; /* must be firing, or NULL */
	const char *absent;  /* must not be, or NULL */
} story[] = {
	{ 0, 6, "RedisCacheEvictions", "CheckoutErrorBudgetBurn" },
	{ 30, 6, NULL, "CheckoutErrorBudgetBurn" },
	{ 50, 7, "CheckoutErrorBudgetBurn", NULL },
	{ 200, 7, "RedisCacheEvictions", NULL },
	{ 300, 6, "CheckoutErrorBudgetBurn", "RedisCacheEvictions" },
	{ 3600, 6, "CheckoutHighErrorRate", "RedisCacheEvictions" },
};

static void test_story_advances(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_LEN(story); i++) {
		set_now(T0 + story[i].at);
		refresh(f);
		assert_int_equal(f->src->alerts.n, story[i].n_alerts);
		if (story[i].present)
			assert_non_null(find(f->src, story[i].present));
		if (story[i].absent)
			assert_null(find(f->src, story[i].absent));
	}
	set_now(T0 + 60);
	refresh(f);
	{
		const struct alert *burn = find(f->src, "CheckoutErrorBudgetBurn");
		const struct alert *lat = find(f->src, "CheckoutLatencyHigh");

		assert_non_null(burn);
		assert_int_equal(burn->severity, SEV_CRITICAL); /* severity="page" */
		assert_true(fabs(burn->starts - (T0 + 45)) < 0.01);
		/* the inhibit rule: both pages of the service mute its warning */
		assert_int_equal(lat->state, ALERT_INHIBITED);
		assert_int_equal(lat->n_inhibited_by, 2);
		assert_true(strcmp(lat->inhibited_by[0], burn->fingerprint) == 0 ||
		            strcmp(lat->inhibited_by[1], burn->fingerprint) == 0);
		/* a warning of another instance is not inhibited */
		assert_int_equal(find(f->src, "PaymentsDatabaseReplicaDown")->n_inhibited_by, 0);
	}
	/* the demo silence ends 2h in: the replica alert is shown again */
	set_now(T0 + 2 * 3600 + 1);
	refresh(f);
	assert_int_equal(find(f->src, "PaymentsDatabaseReplicaDown")->state, ALERT_ACTIVE);
	assert_string_equal(f->src->silences.v[0]->state, "expired");
}

static void test_refresh_in_flight(void **state)
{
	struct fixture *f = *state;
	int i;

	f->src->ops->refresh(f->src);
	f->src->ops->refresh(f->src);
	f->src->ops->refresh(f->src);
	for (i = 0; i < 10; i++)
		loop_run_once(f->loop, 5);
	assert_int_equal(f->updates, 1);
}

static struct silence *mk_silence(const char *name, const char *value, bool regex,
                                  double starts, double ends, const char *comment)
{
	struct silence *sil = xcalloc(1, sizeof *sil);

	if (name) {
		sil->matchers = xcalloc(1, sizeof *sil->matchers);
		sil->n_matchers = 1;
		sil->matchers[0].name = xstrdup(name);
		sil->matchers[0].value = xstrdup(value);
		sil->matchers[0].is_regex = regex;
		sil->matchers[0].is_equal = true;
	}
	sil->starts = starts;
	sil->ends = ends;
	sil->created_by = xstrdup("tester");
	sil->comment = xstrdup(comment);
	return sil;
}

static void test_silence_create_expire(void **state)
{
	struct fixture *f = *state;
	struct source *s = f->src;
	struct silence *sil;
	const struct alert *a;
	char id[128];
	int updates;

	refresh(f);
	a = find(s, "CheckoutHighErrorRate");
	assert_int_equal(a->state, ALERT_ACTIVE);

	sil = xcalloc(1, sizeof *sil);
	silence_from_alert(sil, a);
	sil->starts = T0;
	sil->ends = T0 + 3600;
	sil->created_by = xstrdup("alice");
	sil->comment = xstrdup("working on it");
	updates = f->updates;
	s->ops->silence_create(s, sil, on_silence, f);
	silence_free(sil); /* the source copied it */
	assert_int_equal(f->cb_calls, 0);
	run_until(f, &f->cb_calls, 1);
	assert_true(f->cb_ok);
	assert_string_equal(f->cb_err, "");
	assert_true(strlen(f->cb_id) > 0);
	assert_int_equal(f->updates, updates + 1);
	snprintf(id, sizeof id, "%s", f->cb_id);

	assert_int_equal(s->silences.n, 2);
	a = find(s, "CheckoutHighErrorRate");
	assert_int_equal(a->state, ALERT_SILENCED);
	assert_int_equal(a->n_silenced_by, 1);
	assert_string_equal(a->silenced_by[0], id);
	/* only that alert: its sibling with other labels is not muted */
	assert_int_equal(find(s, "RedisCacheEvictions")->state, ALERT_ACTIVE);
	/* still muted on a later refresh */
	set_now(T0 + 10);
	refresh(f);
	assert_int_equal(find(s, "CheckoutHighErrorRate")->state, ALERT_SILENCED);

	s->ops->silence_expire(s, id, on_silence, f);
	assert_int_equal(f->cb_calls, 1);
	run_until(f, &f->cb_calls, 2);
	assert_true(f->cb_ok);
	assert_string_equal(f->cb_id, id);
	a = find(s, "CheckoutHighErrorRate");
	assert_int_equal(a->state, ALERT_ACTIVE);
	assert_int_equal(a->n_silenced_by, 0);
	assert_string_equal(s->silences.v[1]->state, "expired");

	/* expiring twice, or an unknown id, fails through the callback */
	s->ops->silence_expire(s, id, on_silence, f);
	run_until(f, &f->cb_calls, 3);
	assert_false(f->cb_ok);
	assert_non_null(strstr(f->cb_err, "already expired"));
	s->ops->silence_expire(s, "no-such-silence", on_silence, f);
	run_until(f, &f->cb_calls, 4);
	assert_false(f->cb_ok);
	assert_non_null(strstr(f->cb_err, "not found"));
	s->ops->silence_expire(s, NULL, on_silence, f);
	run_until(f, &f->cb_calls, 5);
	assert_false(f->cb_ok);
}

static void test_silence_regex_mutes_service(void **state)
{
	struct fixture *f = *state;
	struct source *s = f->src;
	struct silence *sil;
	size_t i, muted = 0;

	refresh(f);
	sil = mk_silence("service", "check.*", true, T0, T0 + 600, "checkout deploy");
	s->ops->silence_create(s, sil, on_silence, f);
	silence_free(sil);
	run_until(f, &f->cb_calls, 1);
	assert_true(f->cb_ok);
	for (i = 0; i < s->alerts.n; i++) {
		const char *svc = label(s->alerts.v[i], "service");

		if (strncmp(svc, "check", 5) == 0) {
			assert_int_equal(s->alerts.v[i]->state, ALERT_SILENCED);
			muted++;
		} else if (strcmp(alert_name(s->alerts.v[i]), "PaymentsDatabaseReplicaDown") != 0) {
			assert_int_not_equal(s->alerts.v[i]->state, ALERT_SILENCED);
		}
	}
	/* CheckoutHighErrorRate, CheckoutLatencyHigh (silenced wins over
	 * inhibited), RedisCacheEvictions (service checkout-cache) */
	assert_int_equal(muted, 3);
	assert_int_equal(find(s, "CheckoutLatencyHigh")->n_inhibited_by, 1);
	/* the silence ends after 10 minutes */
	set_now(T0 + 601);
	refresh(f);
	assert_int_equal(find(s, "CheckoutHighErrorRate")->state, ALERT_ACTIVE);
	assert_int_equal(find(s, "CheckoutLatencyHigh")->state, ALERT_INHIBITED);
}

/* Silences Alertmanager would refuse, refused the same way. */
static void test_silence_invalid(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		double starts, ends;
		const char *comment;
		const char *err;
	} cases[] = {
		{ NULL, T0, T0 + 60, "c", "matcher" },
		{ "", T0, T0 + 60, "c", "label name" },
		{ "alertname", T0 - 120, T0 - 60, "c", "past" },
		{ "alertname", T0 + 60, T0 + 30, "c", "before start" },
		{ "alertname", T0, T0 + 60, "", "comment" },
		{ "alertname", T0, NAN, "c", "time" },
		{ "alertname", -INFINITY, T0 + 60, "c", "time" },
	};
	size_t i;
	int updates;

	refresh(f);
	updates = f->updates;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct silence *sil = mk_silence(cases[i].name, "x", false, cases[i].starts,
		                                 cases[i].ends, cases[i].comment);

		f->src->ops->silence_create(f->src, sil, on_silence, f);
		silence_free(sil);
		run_until(f, &f->cb_calls, (int)i + 1);
		assert_false(f->cb_ok);
		if (!strstr(f->cb_err, cases[i].err))
			fail_msg("case %zu: err \"%s\" lacks \"%s\"", i, f->cb_err, cases[i].err);
	}
	f->src->ops->silence_create(f->src, NULL, on_silence, f);
	run_until(f, &f->cb_calls, (int)ARRAY_LEN(cases) + 1);
	assert_false(f->cb_ok);
	assert_int_equal(f->src->silences.n, 1);
	assert_int_equal(f->updates, updates);
}

/* Freeing the source with operations in flight: no callback, no leak. */
static void test_free_pending(void **state)
{
	struct fixture *f = *state;
	struct silence *sil = mk_silence("alertname", "RedisCacheEvictions", false,
	                                 T0, T0 + 60, "c");
	int i;

	f->src->ops->refresh(f->src);
	f->src->ops->silence_create(f->src, sil, on_silence, f);
	f->src->ops->silence_expire(f->src, "x", on_silence, f);
	silence_free(sil);
	source_free(f->src);
	f->src = scenario_source_new(f->loop);
	for (i = 0; i < 5; i++)
		loop_run_once(f->loop, 5);
	assert_int_equal(f->cb_calls, 0);
	assert_int_equal(f->updates, 0);
}

static void on_silence_free(struct source *s, bool ok, const char *id, const char *err,
                            void *data)
{
	struct fixture *f = data;

	on_silence(s, ok, id, err, data);
	source_free(f->src);
	f->src = NULL;
}

/* A callback may free the source: nothing touches it afterwards. */
static void test_free_in_callback(void **state)
{
	struct fixture *f = *state;
	struct silence *sil = mk_silence("alertname", "RedisCacheEvictions", false,
	                                 T0, T0 + 60, "c");

	f->src->ops->silence_create(f->src, sil, on_silence_free, f);
	silence_free(sil);
	run_until(f, &f->cb_calls, 1);
	assert_true(f->cb_ok);
	assert_null(f->src);
	assert_int_equal(f->updates, 1);
}

static const struct rb_section *section(const struct runbook *rb, enum rb_kind k)
{
	size_t i;

	for (i = 0; i < rb->n_sections; i++)
		if (rb->sections[i].kind == k)
			return &rb->sections[i];
	return NULL;
}

/* Every demo alert's runbook_url names a shipped runbook in the canonical
 * shape (DESIGN.md section 5). */
static void test_runbooks_shipped(void **state)
{
	struct fixture *f = *state;
	static const enum rb_kind kinds[] = {
		RB_MEANING, RB_VERIFY, RB_TRIAGE, RB_MITIGATION, RB_ESCALATION, RB_POSTMORTEM,
	};
	size_t i, j, k, b;

	set_now(T0 + 60);
	refresh(f);
	assert_int_equal(f->src->alerts.n, 7);
	for (i = 0; i < f->src->alerts.n; i++) {
		const struct alert *a = f->src->alerts.v[i];
		const char *url = labelset_get(&a->annotations, "runbook_url");
		struct runbook rb = {0};
		const struct rb_section *sec;
		char path[256], err[ERR_MAX];
		char *md = NULL;
		size_t len = 0;
		bool escalates = false, triage_runs = false;

		snprintf(path, sizeof path, "runbooks/%s", url);
		if (read_file(path, 1 << 20, &md, &len, err) < 0)
			fail_msg("%s", err);
		assert_int_equal(runbook_parse(md, len, path, &rb, err), 0);
		for (k = 0; k < rb.n_warnings; k++)
			fail_msg("%s: %s", path, rb.warnings[k]);
		for (k = 0; k < ARRAY_LEN(kinds); k++) {
			sec = section(&rb, kinds[k]);
			if (!sec || (kinds[k] != RB_MEANING && sec->n_steps == 0))
				fail_msg("%s: no %s section", path, rb_kind_str(kinds[k]));
		}
		sec = section(&rb, RB_TRIAGE);
		for (j = 0; j < sec->n_steps; j++) {
			for (b = 0; b < sec->steps[j].n_blocks; b++) {
				const struct rb_block *blk = &sec->steps[j].blocks[b];

				triage_runs |= blk->runnable;
				/* labels reach commands as env vars, never spliced */
				if (!blk->promql && strstr(blk->code, "{{"))
					fail_msg("%s: template in a shell block", path);
			}
		}
		assert_true(triage_runs);
		sec = section(&rb, RB_MITIGATION);
		assert_false(sec->reordered);
		for (j = 0; j < sec->n_steps; j++) {
			const struct rb_step *st = &sec->steps[j];

			if (!st->has_rev)
				fail_msg("%s: mitigation %zu has no reversibility tag", path, j + 1);
			for (b = 0; b < st->n_blocks; b++)
				if (st->rev == REV_IRREVERSIBLE && st->blocks[b].confirm != CONFIRM_TYPED)
					fail_msg("%s: irreversible step %zu without confirm=typed", path, j + 1);
		}
		sec = section(&rb, RB_ESCALATION);
		for (j = 0; j < sec->n_steps; j++)
			escalates |= sec->steps[j].escalate_after_ms > 0;
		if (!escalates)
			fail_msg("%s: no escalation with a duration", path);
		runbook_free(&rb);
		free(md);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_initial_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silenced_and_inhibited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fingerprints_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_story_advances, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_create_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_regex_mutes_service, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runbooks_shipped, setup, teardown),
	};

	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
