/* test_prometheus.c: the Prometheus source against a real Prometheus 2.42
 * served under a route prefix (as Mimir is) and scraping a real Pushgateway,
 * with Sloth's generated rules for the getting-started spec loaded: instant
 * and range queries of every result type, NaN/+Inf, PromQL quoting round
 * trips through the server, API errors (the source stays up), a wrong
 * prefix (plain-text 404: stale), pagetty's SLO queries agreeing with
 * Sloth's recording rules, a refused port and the breaker, cancel and free
 * with queries in flight, and Prometheus stopped (stale, reason kept). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "core/slo.h"
#include "core/slo_math.h"
#include "datasource/prometheus.h"
#include "loop/loop.h"
#include "prom_server.h"

#define WAIT_MS 15000
#define RULES "../shared/fixtures/sloth/getting-started.rules.yml"
#define SPEC "../shared/fixtures/sloth/getting-started.yml"

struct fixture {
	struct loop *loop;
	struct http *http;
	struct prom_server srv;
	struct prom_source src;      /* the right prefix */
	struct prom *prom;
};

/* One answer, taken from the callback. */
struct waiter {
	int calls;
	struct prom *from;
	struct prom_answer a;
};

static void on_done(struct prom *p, struct prom_answer *a, void *data)
{
	struct waiter *w = data;

	w->calls++;
	w->from = p;
	w->a = *a;
	memset(&a->result, 0, sizeof(a->result)); /* taken */
}

static void wait_calls(struct fixture *f, const struct waiter *w, int want)
{
	int64_t end = now_ms() + WAIT_MS;

	while (w->calls < want && now_ms() < end)
		loop_run_once(f->loop, 100);
	assert_int_equal(w->calls, want);
}

/* Instant query through p, waited for; the caller frees w->a.result. */
static void query(struct fixture *f, struct prom *p, const char *expr, struct waiter *w)
{
	memset(w, 0, sizeof(*w));
	assert_true(prom_query(p, expr, 0, on_done, w) > 0);
	assert_int_equal(w->calls, 0); /* never called back from inside */
	wait_calls(f, w, 1);
	assert_ptr_equal(w->from, p);
}

/* A single number from an instant query (NaN when none). */
static double value_of(struct fixture *f, const char *expr)
{
	struct waiter w;
	double v;

	query(f, f->prom, expr, &w);
	if (!w.a.ok)
		fail_msg("%s: %s", expr, w.a.err);
	v = promql_result_value(&w.a.result);
	promql_result_free(&w.a.result);
	return v;
}

static const char push1[] =
	"# TYPE http_request_duration_seconds_count counter\n"
	"http_request_duration_seconds_count{code=\"200\"} 10000\n"
	"http_request_duration_seconds_count{code=\"500\"} 100\n"
	"http_request_duration_seconds_count{code=\"429\"} 50\n";
/* +980 good, +10 5xx, +10 429: error ratio 20/1000 = 2%, burn 20 at 99.9% */
static const char push2[] =
	"# TYPE http_request_duration_seconds_count counter\n"
	"http_request_duration_seconds_count{code=\"200\"} 10980\n"
	"http_request_duration_seconds_count{code=\"500\"} 110\n"
	"http_request_duration_seconds_count{code=\"429\"} 60\n";

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	*state = f;
	f->loop = loop_new();
	f->http = http_new(f->loop);
	if (ps_start(&f->srv, "/prometheus", RULES) < 0) {
		fprintf(stderr, "could not start prometheus/pushgateway\n");
		return -1;
	}
	f->src.name = "mimir-like";
	f->src.url = f->srv.url;
	f->src.http.path_prefix = "/prometheus";
	labelset_set(&f->src.http.headers, "X-Scope-OrgID", "team-a");
	f->prom = prom_new(f->loop, f->http, &f->src);
	/* Two scrapes with different counters, so rate() has an answer. */
	if (ps_push(&f->srv, "myservice", "pod-1", push1) != 200 ||
	    ps_wait_query(&f->srv, "http_request_duration_seconds_count", "\"10000\"", 20000) < 0 ||
	    ps_push(&f->srv, "myservice", "pod-1", push2) != 200 ||
	    ps_wait_query(&f->srv, "http_request_duration_seconds_count", "\"10980\"", 20000) < 0 ||
	    ps_wait_query(&f->srv, "slo:current_burn_rate:ratio", "\"value\"", 20000) < 0) {
		fprintf(stderr, "prometheus never had the pushed series\n");
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	prom_free(f->prom);
	http_free(f->http);
	loop_free(f->loop);
	ps_destroy(&f->srv);
	labelset_free(&f->src.http.headers);
	free(f);
	return 0;
}

static void test_instant_vector(void **state)
{
	struct fixture *f = *state;
	struct waiter w;
	size_t i;
	double sum = 0;

	query(f, f->prom, "http_request_duration_seconds_count{job=\"myservice\"}", &w);
	assert_true(w.a.ok);
	assert_true(w.a.reached);
	assert_int_equal(w.a.status, 200);
	assert_int_equal(w.a.result.type, PROMQL_VECTOR);
	assert_int_equal(w.a.result.n_series, 3);
	for (i = 0; i < w.a.result.n_series; i++) {
		assert_string_equal(labelset_get(&w.a.result.series[i].metric, "job"), "myservice");
		assert_string_equal(labelset_get(&w.a.result.series[i].metric, "instance"), "pod-1");
		sum += w.a.result.series[i].samples[0].v;
	}
	assert_true(sum == 10980 + 110 + 60);
	promql_result_free(&w.a.result);
	assert_true(prom_status(f->prom)->ok);
	assert_true(prom_status(f->prom)->ever_ok);
	assert_false(prom_status(f->prom)->stale);
	assert_true(prom_status(f->prom)->last_ok > 0);
	assert_string_equal(prom_name(f->prom), "mimir-like");
}

static void test_range_matrix(void **state)
{
	struct fixture *f = *state;
	struct waiter w = {0};
	double now = wall_now();
	size_t i;

	assert_true(prom_query_range(f->prom, "sum(http_request_duration_seconds_count)",
	                             now - 60, now, 1, on_done, &w) > 0);
	wait_calls(f, &w, 1);
	if (!w.a.ok)
		fail_msg("%s", w.a.err);
	assert_int_equal(w.a.result.type, PROMQL_MATRIX);
	assert_int_equal(w.a.result.n_series, 1);
	assert_true(w.a.result.series[0].n >= 2);
	for (i = 1; i < w.a.result.series[0].n; i++)
		assert_true(w.a.result.series[0].samples[i].t > w.a.result.series[0].samples[i - 1].t);
	assert_true(w.a.result.series[0].samples[w.a.result.series[0].n - 1].v == 11150);
	promql_result_free(&w.a.result);
}

static void test_types_and_special_values(void **state)
{
	struct fixture *f = *state;
	struct waiter w;

	assert_true(isinf(value_of(f, "1/0")) && value_of(f, "1/0") > 0);
	assert_true(isinf(value_of(f, "-1/0")) && value_of(f, "-1/0") < 0);
	assert_true(isnan(value_of(f, "vector(0)/0")));
	assert_true(value_of(f, "scalar(vector(2.5)) * 2") == 5);
	query(f, f->prom, "\"a string\"", &w);
	assert_true(w.a.ok);
	assert_int_equal(w.a.result.type, PROMQL_STRING);
	assert_string_equal(w.a.result.string, "a string");
	promql_result_free(&w.a.result);
	query(f, f->prom, "no_such_metric", &w);
	assert_true(w.a.ok);
	assert_int_equal(w.a.result.n_series, 0);
	promql_result_free(&w.a.result);
}

/* Values quoted with promql_quote come back from the server unchanged:
 * none of them can end the string or change the query. */
static void test_quote_roundtrip(void **state)
{
	static const char *values[] = {
		"plain", "say \"hi\"", "back\\slash\\", "line\nbreak\ttab\r", "\x1b[31mred\x7f",
		"café 日本 🔥", "\"} or vector(2) #", "x\\\"} or vector(3)", "'`$(id)",
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_LEN(values); i++) {
		char *q = promql_quote(values[i]);
		char *expr = xasprintf("label_replace(vector(1), \"v\", %s, \"\", \"\")", q);
		struct waiter w;

		query(f, f->prom, expr, &w);
		if (!w.a.ok)
			fail_msg("%s: %s", expr, w.a.err);
		assert_int_equal(w.a.result.n_series, 1);
		assert_true(w.a.result.series[0].samples[0].v == 1);
		assert_string_equal(labelset_get(&w.a.result.series[0].metric, "v"), values[i]);
		promql_result_free(&w.a.result);
		free(expr);
		free(q);
	}
}

/* Query errors are the query's, not the source's: it stays up. */
static void test_api_errors(void **state)
{
	static const struct {
		const char *expr, *err;
		long status;
	} cases[] = {
		{ "sum(rate(x[5m]", "bad_data: invalid parameter \"query\": 1:15: parse error: unclosed left parenthesis", 400 },
		{ "sum by (code) (http_request_duration_seconds_count) + on() group_left sum by (code) (http_request_duration_seconds_count)",
		  "execution: found duplicate series", 422 },
		{ "rate(up[5m]", "bad_data:", 400 },
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct waiter w;
		query(f, f->prom, cases[i].expr, &w);
		assert_false(w.a.ok);
		assert_true(w.a.reached);
		assert_int_equal(w.a.status, cases[i].status);
		if (!strstr(w.a.err, cases[i].err))
			fail_msg("case %zu: %s", i, w.a.err);
		promql_result_free(&w.a.result);
		assert_true(prom_status(f->prom)->ok);
		assert_false(prom_status(f->prom)->stale);
	}
}

static void test_wrong_prefix(void **state)
{
	struct fixture *f = *state;
	struct prom_source src = { .name = "no-prefix", .url = f->srv.url };
	struct prom *p = prom_new(f->loop, f->http, &src);
	struct waiter w;
	char *url;

	url = prom_query_url(p, "/api/v1/query", "query=up");
	assert_string_equal(url + strlen(f->srv.url), "/api/v1/query?query=up");
	free(url);
	query(f, p, "up", &w);
	assert_false(w.a.ok);
	assert_false(w.a.reached);
	assert_int_equal(w.a.status, 404);
	assert_string_equal(w.a.err, "HTTP 404: 404 page not found");
	assert_true(prom_status(p)->stale);
	assert_string_equal(prom_status(p)->reason, "HTTP 404: 404 page not found");
	promql_result_free(&w.a.result);
	prom_free(p);
}

/* pagetty's queries for the getting-started spec, and Sloth's recording
 * rules for it (discovered from the server), give the same error ratio;
 * the burn rate pagetty computes is Sloth's slo:current_burn_rate:ratio. */
static void test_sloth_agreement(void **state)
{
	struct fixture *f = *state;
	struct slo_set set = {0};
	struct waiter wo;
	char err[ERR_MAX];
	size_t win;
	double sloth_burn, mine;

	assert_int_equal(slo_load_file(&set, SPEC, err), 0);
	query(f, f->prom, "slo:objective:ratio", &wo);
	assert_true(wo.a.ok);
	assert_int_equal(slo_discover_sloth(&set, &wo.a.result, NULL, prom_name(f->prom)), 0);
	slo_set_free(&set);
	assert_int_equal(slo_discover_sloth(&set, &wo.a.result, NULL, prom_name(f->prom)), 1);
	promql_result_free(&wo.a.result);
	assert_int_equal(slo_load_file(&set, SPEC, err), 0);
	assert_int_equal(set.n, 2);
	assert_int_equal(set.v[0].sli.kind, SLO_SLI_RECORDED);
	assert_int_equal(set.v[1].sli.kind, SLO_SLI_EVENTS);

	for (win = SLO_W5M; win <= SLO_W1H; win++) {
		const char *wn = slo_window_name((enum slo_window)win);
		char *q_spec = slo_error_ratio_query(&set.v[1], wn);
		char *q_rec = slo_error_ratio_query(&set.v[0], wn);
		double r_spec = value_of(f, q_spec), r_rec = value_of(f, q_rec);

		if (!(fabs(r_spec - 0.02) < 1e-9 && fabs(r_rec - 0.02) < 1e-9))
			fail_msg("%s: spec %.12g recorded %.12g, want 0.02", wn, r_spec, r_rec);
		free(q_spec);
		free(q_rec);
	}
	{
		char *q = slo_error_ratio_query(&set.v[1], "5m");
		mine = slo_burn_rate(value_of(f, q), set.v[1].objective);
		free(q);
	}
	sloth_burn = value_of(f, "slo:current_burn_rate:ratio{sloth_service=\"myservice\"}");
	if (!(fabs(mine - sloth_burn) < 1e-6 * sloth_burn) || !(fabs(mine - 20) < 1e-6))
		fail_msg("burn: pagetty %.12g, sloth %.12g, want 20", mine, sloth_burn);
	{
		char *q = slo_total_query(&set.v[1], "5m");
		double total = value_of(f, q);
		assert_true(total > 0 && isfinite(total));
		free(q);
	}
	slo_set_free(&set);
}

static void test_refused_and_breaker(void **state)
{
	struct fixture *f = *state;
	char url[64];
	struct prom_source src = { .name = "down" };
	struct prom *p;
	struct waiter w;
	int i;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", ps_free_port());
	src.url = url;
	p = prom_new(f->loop, f->http, &src);
	for (i = 0; i < 3; i++) {
		query(f, p, "up", &w);
		assert_false(w.a.ok);
		assert_false(w.a.reached);
		assert_string_equal(w.a.err, "connection refused");
		assert_true(prom_status(p)->stale);
		assert_false(prom_status(p)->ever_ok);
		assert_string_equal(prom_status(p)->reason, "connection refused");
	}
	/* three failures opened the breaker: fail fast, still asynchronously */
	query(f, p, "up", &w);
	assert_false(w.a.ok);
	if (!strstr(w.a.err, "circuit open"))
		fail_msg("%s", w.a.err);
	assert_int_equal(prom_pending(p), 0);
	prom_free(p);
}

static void test_invalid_requests(void **state)
{
	struct fixture *f = *state;
	struct waiter w[4];
	struct buf big = {0};
	int i;

	memset(w, 0, sizeof(w));
	assert_true(prom_query(f->prom, "", 0, on_done, &w[0]) > 0);
	assert_true(prom_query(f->prom, NULL, 0, on_done, &w[1]) > 0);
	assert_true(prom_query_range(f->prom, "up", 100, 50, 1, on_done, &w[2]) > 0);
	for (i = 0; i < 20000; i++)
		buf_puts(&big, "up+");
	buf_puts(&big, "up");
	assert_true(prom_query(f->prom, big.data, 0, on_done, &w[3]) > 0);
	buf_free(&big);
	for (i = 0; i < 4; i++)
		assert_int_equal(w[i].calls, 0);
	for (i = 0; i < 4; i++)
		wait_calls(f, &w[i], 1);
	assert_string_equal(w[0].a.err, "empty query");
	assert_string_equal(w[1].a.err, "empty query");
	assert_non_null(strstr(w[2].a.err, "invalid range"));
	assert_non_null(strstr(w[3].a.err, "query too long"));
	assert_int_equal(prom_pending(f->prom), 0);
}

static void test_cancel_and_free(void **state)
{
	struct fixture *f = *state;
	struct waiter w[3];
	struct prom *p = prom_new(f->loop, f->http, &f->src);
	uint64_t id;
	int64_t end;

	memset(w, 0, sizeof(w));
	id = prom_query(p, "up", 0, on_done, &w[0]);
	prom_query(p, "up", 0, on_done, &w[1]);
	prom_query(p, "", 0, on_done, &w[2]); /* deferred failure */
	assert_int_equal(prom_pending(p), 3);
	prom_cancel(p, id);
	prom_cancel(p, 999999);
	assert_int_equal(prom_pending(p), 2);
	prom_free(p); /* the other two are in flight */
	end = now_ms() + 1000;
	while (now_ms() < end)
		loop_run_once(f->loop, 50);
	assert_int_equal(w[0].calls + w[1].calls + w[2].calls, 0);
	assert_int_equal(http_pending(f->http), 0);
	prom_free(NULL);
}

/* Last: Prometheus goes away; the source is stale with the reason, and the
 * time of the last good answer is kept. */
static void test_stale_when_stopped(void **state)
{
	struct fixture *f = *state;
	struct waiter w;
	double last;

	query(f, f->prom, "up", &w);
	assert_true(w.a.ok);
	promql_result_free(&w.a.result);
	last = prom_status(f->prom)->last_ok;
	ps_stop_prometheus(&f->srv);
	query(f, f->prom, "up", &w);
	assert_false(w.a.ok);
	assert_string_equal(w.a.err, "connection refused");
	assert_true(prom_status(f->prom)->stale);
	assert_false(prom_status(f->prom)->ok);
	assert_true(prom_status(f->prom)->ever_ok);
	assert_true(prom_status(f->prom)->last_ok == last);
	assert_string_equal(prom_status(f->prom)->reason, "connection refused");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instant_vector),
		cmocka_unit_test(test_range_matrix),
		cmocka_unit_test(test_types_and_special_values),
		cmocka_unit_test(test_quote_roundtrip),
		cmocka_unit_test(test_api_errors),
		cmocka_unit_test(test_wrong_prefix),
		cmocka_unit_test(test_sloth_agreement),
		cmocka_unit_test(test_refused_and_breaker),
		cmocka_unit_test(test_invalid_requests),
		cmocka_unit_test(test_cancel_and_free),
		cmocka_unit_test(test_stale_when_stopped),
	};

	return cmocka_run_group_tests_name("prometheus", tests, setup, teardown);
}
