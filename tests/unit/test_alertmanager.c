/* test_alertmanager.c: the Alertmanager source against two real
 * prometheus-alertmanager peers of one HA cluster on free loopback ports:
 * merge and dedupe across peers, one peer down (degraded), both down
 * (stale, old alerts kept), a refused port, silences created and expired
 * through the source and seen on the other peer, readiness check, invalid
 * bodies, and freeing with requests in flight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "am_server.h"
#include "datasource/source.h"
#include "loop/loop.h"

#define WAIT_MS 10000

struct fixture {
	struct loop *loop;
	struct http *http;
	struct am_server am[2];
	struct am_cluster cluster;
	char *urls[2];
	struct source *src;
	int updates;
	/* last silence callback */
	int sil_calls;
	bool sil_ok;
	char sil_id[128];
	char sil_err[ERR_MAX];
};

static void on_update(struct source *s, void *data)
{
	struct fixture *f = data;

	(void)s;
	f->updates++;
}

static void on_silence(struct source *s, bool ok, const char *id, const char *err, void *data)
{
	struct fixture *f = data;

	(void)s;
	f->sil_calls++;
	f->sil_ok = ok;
	snprintf(f->sil_id, sizeof(f->sil_id), "%s", id ? id : "");
	snprintf(f->sil_err, sizeof(f->sil_err), "%s", err ? err : "");
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	int i;

	*state = f;
	f->loop = loop_new();
	f->http = http_new(f->loop);
	for (i = 0; i < 2; i++) {
		if (am_prepare(&f->am[i]) < 0)
			return -1;
	}
	if (am_start(&f->am[0], &f->am[1]) < 0 || am_start(&f->am[1], &f->am[0]) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int i;

	source_free(f->src);
	http_free(f->http);
	loop_free(f->loop);
	for (i = 0; i < 2; i++) {
		am_destroy(&f->am[i]);
		free(f->urls[i]);
	}
	free(f->cluster.urls);
	free(f);
	return 0;
}

/* Build the cluster from n urls (borrowed into f) and the source. */
static void make_source(struct fixture *f, const char *u0, const char *u1)
{
	f->urls[0] = xstrdup(u0);
	f->urls[1] = u1 ? xstrdup(u1) : NULL;
	f->cluster.name = "prod-eu";
	f->cluster.urls = xcalloc(2, sizeof(char *));
	f->cluster.urls[0] = f->urls[0];
	f->cluster.urls[1] = f->urls[1];
	f->cluster.n_urls = u1 ? 2 : 1;
	f->src = alertmanager_source_new(f->loop, f->http, &f->cluster);
	f->src->on_update = on_update;
	f->src->update_data = f;
}

static void wait_updates(struct fixture *f, int want)
{
	int64_t end = now_ms() + WAIT_MS;

	while (f->updates < want && now_ms() < end)
		loop_run_once(f->loop, 100);
	assert_int_equal(f->updates, want);
}

/* refresh() and wait for its on_update, which must not come synchronously. */
static void refresh(struct fixture *f)
{
	int before = f->updates;

	f->src->ops->refresh(f->src);
	assert_int_equal(f->updates, before);
	assert_true(f->src->status.fetching);
	wait_updates(f, before + 1);
	assert_false(f->src->status.fetching);
}

static const struct alert *find(const struct source *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->alerts.n; i++) {
		if (strcmp(alert_name(s->alerts.v[i]), name) == 0)
			return s->alerts.v[i];
	}
	return NULL;
}

static void post(struct fixture *f, int peer, const char *name, const char *sev)
{
	char body[256];

	snprintf(body, sizeof(body),
	         "[{\"labels\":{\"alertname\":\"%s\",\"severity\":\"%s\"},"
	         "\"annotations\":{\"summary\":\"%s is failing\"}}]", name, sev, name);
	assert_int_equal(am_post_alerts(&f->am[peer], body), 200);
}

static void test_merge_and_peer_failures(void **state)
{
	struct fixture *f = *state;
	char want[128];
	uint64_t gen;

	post(f, 0, "Both", "critical");
	post(f, 1, "Both", "critical");
	post(f, 0, "OnlyFirst", "warning");
	post(f, 1, "OnlySecond", "info");
	make_source(f, f->am[0].url, f->am[1].url);

	refresh(f);
	assert_true(f->src->status.ok);
	assert_true(f->src->status.ever_ok);
	assert_false(f->src->status.stale);
	assert_false(f->src->status.degraded);
	assert_string_equal(f->src->status.reason, "");
	assert_int_equal(f->src->alerts.n, 3); /* "Both" deduped */
	assert_non_null(find(f->src, "OnlyFirst"));
	assert_non_null(find(f->src, "OnlySecond"));
	assert_string_equal(alert_name(f->src->alerts.v[0]), "Both"); /* sorted: critical first */
	assert_string_equal(f->src->alerts.v[0]->cluster, "prod-eu");
	assert_true(f->src->generation > 0);
	assert_true(f->src->status.last_ok > 0);

	/* one peer down: still fresh, degraded, the reason names it */
	am_stop(&f->am[1]);
	refresh(f);
	assert_true(f->src->status.ok);
	assert_false(f->src->status.stale);
	assert_true(f->src->status.degraded);
	snprintf(want, sizeof(want), "1/2 peers down: 127.0.0.1:%d: connection refused",
	         f->am[1].web_port);
	assert_string_equal(f->src->status.reason, want);
	assert_non_null(find(f->src, "Both"));
	assert_non_null(find(f->src, "OnlyFirst"));
	assert_int_equal(f->src->alerts.n, 2);

	/* both down: stale, the old alerts kept, reason = first peer's error */
	am_stop(&f->am[0]);
	gen = f->src->generation;
	refresh(f);
	assert_false(f->src->status.ok);
	assert_true(f->src->status.stale);
	assert_false(f->src->status.degraded);
	assert_string_equal(f->src->status.reason, "connection refused");
	assert_int_equal(f->src->alerts.n, 2);
	assert_non_null(find(f->src, "Both"));
	assert_int_equal(f->src->generation, gen);
	assert_true(f->src->status.ever_ok);
}

static void test_refused_single(void **state)
{
	struct fixture *f = *state;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", am_free_port());
	make_source(f, url, NULL);
	refresh(f);
	assert_false(f->src->status.ok);
	assert_true(f->src->status.stale);
	assert_false(f->src->status.ever_ok);
	assert_string_equal(f->src->status.reason, "connection refused");
	assert_int_equal(f->src->alerts.n, 0);
}

/* Refresh until the reason shows the breaker open (at most 8 refreshes). */
static void refresh_until_open(struct fixture *f)
{
	int i;

	for (i = 0; i < 8 && !strstr(f->src->status.reason, "circuit open"); i++)
		refresh(f);
	assert_non_null(strstr(f->src->status.reason, "circuit open"));
}

/* "... ROOT (circuit open, retry in Ns)" at the end of reason. */
static void assert_open_with_cause(const char *reason, const char *root)
{
	char want[128];
	const char *at;
	int secs = 0, used = 0;

	snprintf(want, sizeof(want), "%s (circuit open, retry in ", root);
	at = strstr(reason, want);
	if (!at)
		fail_msg("no \"%s\" in \"%s\"", want, reason);
	at += strlen(want);
	assert_int_equal(sscanf(at, "%ds)%n", &secs, &used), 1);
	assert_true(used > 0);
	assert_int_equal(at[used], '\0');
	assert_true(secs >= 1 && secs <= 60);
}

/* While a peer's breaker is open, the reason still says what went wrong. */
static void test_breaker_keeps_cause(void **state)
{
	struct fixture *f = *state;
	char url[64], want[128];
	int64_t end;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", am_free_port());
	make_source(f, url, NULL);
	refresh(f);
	assert_string_equal(f->src->status.reason, "connection refused");
	refresh_until_open(f);
	assert_true(f->src->status.stale);
	assert_open_with_cause(f->src->status.reason, "connection refused");
	/* a refresh that only meets the open breaker still knows the cause */
	refresh(f);
	assert_open_with_cause(f->src->status.reason, "connection refused");

	/* a silence op failing fast says the same */
	f->src->ops->silence_expire(f->src, "abc", on_silence, f);
	end = now_ms() + WAIT_MS;
	while (f->sil_calls == 0 && now_ms() < end)
		loop_run_once(f->loop, 100);
	assert_int_equal(f->sil_calls, 1);
	assert_false(f->sil_ok);
	assert_open_with_cause(f->sil_err, "connection refused");
	source_free(f->src);
	f->src = NULL;
	free(f->urls[0]);
	free(f->cluster.urls);

	/* one of two peers down: degraded, the peer named with its cause */
	post(f, 0, "Up", "warning");
	am_stop(&f->am[1]);
	make_source(f, f->am[0].url, f->am[1].url);
	refresh_until_open(f);
	assert_true(f->src->status.ok);
	assert_true(f->src->status.degraded);
	snprintf(want, sizeof(want), "1/2 peers down: 127.0.0.1:%d: connection refused",
	         f->am[1].web_port);
	assert_true(str_has_prefix(f->src->status.reason, want));
	assert_open_with_cause(f->src->status.reason, want);
	assert_non_null(find(f->src, "Up"));
}

/* A peer that answers with something that is not alerts JSON fails alone. */
static void test_invalid_body(void **state)
{
	struct fixture *f = *state;
	char bad[128];

	post(f, 0, "Good", "critical");
	/* /-/healthy answers plain text; the query string swallows the API path */
	snprintf(bad, sizeof(bad), "%s/-/healthy?x=", f->am[1].url);
	make_source(f, f->am[0].url, bad);
	refresh(f);
	assert_true(f->src->status.ok);
	assert_true(f->src->status.degraded);
	assert_true(str_has_prefix(f->src->status.reason, "1/2 peers down: 127.0.0.1:"));
	assert_int_equal(f->src->alerts.n, 1);
	assert_non_null(find(f->src, "Good"));
}

static bool peer_has_silence(const struct am_server *am, const char *id, const char *state)
{
	char url[128], *body = NULL, *at;
	bool found = false;

	snprintf(url, sizeof(url), "%s/api/v2/silences", am->url);
	if (am_http("GET", url, NULL, &body) == 200 && (at = strstr(body, id))) {
		/* the object that holds the id holds its state right after */
		char *st = strstr(at, "\"state\":\"");
		found = st && str_has_prefix(st + 9, state);
	}
	free(body);
	return found;
}

static void test_silence_create_expire(void **state)
{
	struct fixture *f = *state;
	struct silence *sil = xcalloc(1, sizeof(*sil));
	const struct alert *a;
	char id[128];
	int64_t end;
	int upd;

	post(f, 0, "Noisy", "warning");
	post(f, 1, "Noisy", "warning");
	make_source(f, f->am[0].url, f->am[1].url);
	refresh(f);
	a = find(f->src, "Noisy");
	assert_non_null(a);
	assert_int_equal(a->state, ALERT_ACTIVE);

	silence_from_alert(sil, a);
	sil->starts = wall_now();
	sil->ends = wall_now() + 3600;
	sil->created_by = xstrdup("test");
	sil->comment = xstrdup("unit test");
	upd = f->updates;
	f->src->ops->silence_create(f->src, sil, on_silence, f);
	silence_free(sil); /* the source copied what it needs */
	assert_int_equal(f->sil_calls, 0);
	end = now_ms() + WAIT_MS;
	while (f->sil_calls == 0 && now_ms() < end)
		loop_run_once(f->loop, 100);
	assert_int_equal(f->sil_calls, 1);
	assert_true(f->sil_ok);
	assert_string_equal(f->sil_err, "");
	assert_true(strlen(f->sil_id) > 8);
	snprintf(id, sizeof(id), "%s", f->sil_id);
	/* the source refreshes after a change */
	wait_updates(f, upd + 1);

	/* gossip carries it to the other peer */
	end = now_ms() + WAIT_MS;
	while (!peer_has_silence(&f->am[1], id, "active") && now_ms() < end)
		usleep(100 * 1000);
	assert_true(peer_has_silence(&f->am[1], id, "active"));

	refresh(f);
	a = find(f->src, "Noisy");
	assert_non_null(a);
	assert_int_equal(a->state, ALERT_SILENCED);
	assert_int_equal(a->n_silenced_by, 1);
	assert_string_equal(a->silenced_by[0], id);
	assert_true(f->src->silences.n >= 1);

	/* expire it */
	upd = f->updates;
	f->src->ops->silence_expire(f->src, id, on_silence, f);
	assert_int_equal(f->sil_calls, 1);
	end = now_ms() + WAIT_MS;
	while (f->sil_calls == 1 && now_ms() < end)
		loop_run_once(f->loop, 100);
	assert_int_equal(f->sil_calls, 2);
	assert_true(f->sil_ok);
	assert_string_equal(f->sil_id, id);
	wait_updates(f, upd + 1);
	a = find(f->src, "Noisy");
	assert_non_null(a);
	assert_int_equal(a->state, ALERT_ACTIVE);
	end = now_ms() + WAIT_MS;
	while (!peer_has_silence(&f->am[1], id, "expired") && now_ms() < end)
		usleep(100 * 1000);
	assert_true(peer_has_silence(&f->am[1], id, "expired"));

	/* expiring an unknown id fails with the server's words */
	f->src->ops->silence_expire(f->src, "no/such id", on_silence, f);
	end = now_ms() + WAIT_MS;
	while (f->sil_calls == 2 && now_ms() < end)
		loop_run_once(f->loop, 100);
	assert_int_equal(f->sil_calls, 3);
	assert_false(f->sil_ok);
	assert_true(f->sil_err[0] != '\0');
}

/* Create fails over to the second peer when the first is down. */
static void test_silence_failover(void **state)
{
	struct fixture *f = *state;
	struct silence *sil = xcalloc(1, sizeof(*sil));
	int64_t end;

	make_source(f, f->am[0].url, f->am[1].url);
	am_stop(&f->am[0]);
	sil->matchers = xcalloc(1, sizeof(*sil->matchers));
	sil->matchers[0].name = xstrdup("alertname");
	sil->matchers[0].value = xstrdup("Anything");
	sil->matchers[0].is_equal = true;
	sil->n_matchers = 1;
	sil->starts = wall_now();
	sil->ends = wall_now() + 600;
	sil->created_by = xstrdup("test");
	sil->comment = xstrdup("failover");
	f->src->ops->silence_create(f->src, sil, on_silence, f);
	silence_free(sil);
	end = now_ms() + WAIT_MS;
	while (f->sil_calls == 0 && now_ms() < end)
		loop_run_once(f->loop, 100);
	assert_int_equal(f->sil_calls, 1);
	assert_true(f->sil_ok);
	assert_true(peer_has_silence(&f->am[1], f->sil_id, "active"));
}

static void test_check(void **state)
{
	struct fixture *f = *state;
	char want[128];

	make_source(f, f->am[0].url, f->am[1].url);
	f->src->ops->check(f->src);
	assert_int_equal(f->updates, 0);
	wait_updates(f, 1);
	assert_true(f->src->status.ok);
	assert_false(f->src->status.degraded);
	assert_string_equal(f->src->status.version, "0.25.0");
	assert_true(f->src->status.latency_ms >= 0);

	am_stop(&f->am[0]);
	f->src->ops->check(f->src);
	wait_updates(f, 2);
	assert_false(f->src->status.ok);
	assert_true(f->src->status.degraded);
	snprintf(want, sizeof(want), "1/2 peers down: 127.0.0.1:%d: connection refused",
	         f->am[0].web_port);
	assert_string_equal(f->src->status.reason, want);
}

/* Freed with requests and a silence op in flight: no callback, no leak. */
static void on_silence_never(struct source *s, bool ok, const char *id, const char *err,
                             void *data)
{
	(void)s;
	(void)ok;
	(void)id;
	(void)err;
	(void)data;
	fail_msg("silence callback after free");
}

static void on_update_never(struct source *s, void *data)
{
	(void)s;
	(void)data;
	fail_msg("on_update after free");
}

static void test_free_in_flight(void **state)
{
	struct fixture *f = *state;

	make_source(f, f->am[0].url, f->am[1].url);
	f->src->on_update = on_update_never;
	f->src->ops->refresh(f->src);
	f->src->ops->refresh(f->src); /* in flight: no-op */
	f->src->ops->check(f->src);
	f->src->ops->silence_expire(f->src, "abc", on_silence_never, NULL);
	loop_run_once(f->loop, 0);
	source_free(f->src);
	f->src = NULL;
	assert_int_equal(http_pending(f->http), 0);
	loop_run_once(f->loop, 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_merge_and_peer_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_single, setup, teardown),
		cmocka_unit_test_setup_teardown(test_breaker_keeps_cause, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_create_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_failover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_in_flight, setup, teardown),
	};

	return cmocka_run_group_tests_name("alertmanager", tests, NULL, NULL);
}
