/* test_promql.c: decoding Prometheus query API answers captured from a real
 * Prometheus 2.42 (tests/fixtures/prom-*.json, see capture-prom.sh): every
 * result type, NaN/+Inf/-Inf, hostile label values, warnings, JSON and
 * plain-text errors; hostile bodies; sample value parsing; PromQL quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/promql.h"

static char *slurp(const char *name, size_t *len)
{
	char path[256], err[ERR_MAX], *data = NULL;

	snprintf(path, sizeof(path), "tests/fixtures/%s", name);
	if (read_file(path, 1 << 20, &data, len, err) < 0)
		fail_msg("%s", err);
	return data;
}

/* Decode fixture name with HTTP status; expect rc. */
static int decode_fixture(const char *name, long status, struct promql_result *res, char *err)
{
	size_t len;
	char *body = slurp(name, &len);
	int rc = promql_decode(body, len, status, res, err);

	free(body);
	return rc;
}

static void test_vector(void **state)
{
	struct promql_result r;
	char err[ERR_MAX] = "";
	const struct promql_series *odd;

	(void)state;
	assert_int_equal(decode_fixture("prom-vector.json", 200, &r, err), 0);
	assert_int_equal(r.type, PROMQL_VECTOR);
	assert_int_equal(r.n_series, 3);
	assert_int_equal(r.n_warnings, 0);
	assert_int_equal(r.dropped, 0);
	assert_string_equal(labelset_get(&r.series[0].metric, "code"), "200");
	assert_string_equal(labelset_get(&r.series[0].metric, "__name__"),
	                    "http_request_duration_seconds_count");
	assert_int_equal(r.series[0].n, 1);
	assert_true(r.series[0].samples[0].v == 4000.0);
	assert_true(r.series[0].samples[0].t > 1.6e9);
	assert_true(r.series[1].samples[0].v == 40.0);
	odd = &r.series[2];
	/* Label values are kept raw (sanitized only for display). */
	assert_string_equal(labelset_get(&odd->metric, "quote"), "say \"hi\" \\ back\\slash\nnewline");
	assert_string_equal(labelset_get(&odd->metric, "esc"), "\x1b[31mred");
	assert_string_equal(labelset_get(&odd->metric, "team"), "café 日本 🔥");
	assert_true(odd->samples[0].v == 42.5);
	assert_true(promql_result_value(&r) == 4000.0);
	promql_result_free(&r);
}

static void test_matrix(void **state)
{
	struct promql_result r;
	char err[ERR_MAX] = "";
	size_t i;

	(void)state;
	assert_int_equal(decode_fixture("prom-matrix.json", 200, &r, err), 0);
	assert_int_equal(r.type, PROMQL_MATRIX);
	assert_int_equal(r.n_series, 2);
	/* capture-prom.sh: 4 pushes 1.5 s apart, a 5 s range at step 1 s */
	assert_true(r.series[0].n >= 4 && r.series[0].n <= 6);
	assert_int_equal(r.series[1].n, r.series[0].n);
	for (i = 1; i < r.series[0].n; i++) {
		assert_true(r.series[0].samples[i].t == r.series[0].samples[i - 1].t + 1);
		assert_true(r.series[0].samples[i].v >= r.series[0].samples[i - 1].v);
		/* pushed 1% errors */
		assert_true(r.series[1].samples[i].v * 100 == r.series[0].samples[i].v);
	}
	assert_true(r.series[0].samples[0].v <= 2000.0);
	assert_true(r.series[0].samples[r.series[0].n - 1].v == 4000.0);
	/* a matrix is not a single number */
	assert_true(isnan(promql_result_value(&r)));
	promql_result_free(&r);
}

static void test_scalar_string(void **state)
{
	struct promql_result r;
	char err[ERR_MAX] = "";

	(void)state;
	assert_int_equal(decode_fixture("prom-scalar.json", 200, &r, err), 0);
	assert_int_equal(r.type, PROMQL_SCALAR);
	assert_int_equal(r.n_series, 1);
	assert_int_equal(r.series[0].metric.n, 0);
	assert_true(promql_result_value(&r) == 85.0);
	promql_result_free(&r);

	assert_int_equal(decode_fixture("prom-scalar-inf.json", 200, &r, err), 0);
	assert_int_equal(r.type, PROMQL_SCALAR);
	assert_true(isinf(promql_result_value(&r)) && promql_result_value(&r) > 0);
	promql_result_free(&r);

	assert_int_equal(decode_fixture("prom-string.json", 200, &r, err), 0);
	assert_int_equal(r.type, PROMQL_STRING);
	assert_string_equal(r.string, "checkout \"eu\"");
	assert_true(r.series[0].samples[0].t > 1.6e9);
	assert_true(isnan(promql_result_value(&r)));
	promql_result_free(&r);
}

static void test_special_values(void **state)
{
	struct promql_result r;
	char err[ERR_MAX] = "";
	size_t i;
	int seen = 0;

	(void)state;
	assert_int_equal(decode_fixture("prom-special.json", 200, &r, err), 0);
	assert_int_equal(r.n_series, 3);
	for (i = 0; i < r.n_series; i++) {
		const char *v = labelset_get(&r.series[i].metric, "v");
		double x = r.series[i].samples[0].v;
		assert_non_null(v);
		if (!strcmp(v, "+inf")) {
			assert_true(isinf(x) && x > 0);
			seen |= 1;
		} else if (!strcmp(v, "-inf")) {
			assert_true(isinf(x) && x < 0);
			seen |= 2;
		} else if (!strcmp(v, "nan")) {
			assert_true(isnan(x));
			seen |= 4;
		}
	}
	assert_int_equal(seen, 7);
	promql_result_free(&r);
}

static void test_empty_and_warnings(void **state)
{
	struct promql_result r;
	char err[ERR_MAX] = "";

	(void)state;
	assert_int_equal(decode_fixture("prom-empty.json", 200, &r, err), 0);
	assert_int_equal(r.type, PROMQL_VECTOR);
	assert_int_equal(r.n_series, 0);
	assert_true(isnan(promql_result_value(&r)));
	promql_result_free(&r);

	assert_int_equal(decode_fixture("prom-warnings.json", 200, &r, err), 0);
	assert_int_equal(r.n_warnings, 1);
	assert_non_null(strstr(r.warnings[0], "remote_read"));
	assert_non_null(strstr(r.warnings[0], "connection refused"));
	promql_result_free(&r);
}

static void test_errors(void **state)
{
	static const struct {
		const char *file;
		long status;
		const char *type;   /* error_type or NULL */
		const char *err;    /* substring of err */
	} cases[] = {
		{ "prom-error-bad-data.json", 400, "bad_data", "bad_data: invalid parameter \"query\": 1:33: parse error: unclosed left parenthesis" },
		{ "prom-error-exec.json", 422, "execution", "execution: found duplicate series" },
		{ "prom-error-404.txt", 404, NULL, "HTTP 404: 404 page not found" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct promql_result r;
		char err[ERR_MAX] = "";

		assert_int_equal(decode_fixture(cases[i].file, cases[i].status, &r, err), -1);
		if (!strstr(err, cases[i].err))
			fail_msg("%s: err %s", cases[i].file, err);
		if (cases[i].type)
			assert_string_equal(r.error_type, cases[i].type);
		else
			assert_null(r.error_type);
		assert_int_equal(r.n_series, 0);
		assert_int_equal(r.type, PROMQL_NONE);
		promql_result_free(&r);
	}
}

/* Hostile and malformed bodies: never crash, never leak, say what is wrong. */
static void test_hostile(void **state)
{
	static const struct {
		const char *body;
		long status;
		int rc;
		const char *err;  /* substring, or NULL when rc == 0 */
		size_t series, dropped;
	} cases[] = {
		{ "", 200, -1, "empty answer", 0, 0 },
		{ "   \n", 502, -1, "HTTP 502: empty answer", 0, 0 },
		{ "<html><body>Bad Gateway</body></html>", 502, -1, "HTTP 502: <html>", 0, 0 },
		{ "upstream \x1b[31mred\nsecond line", 503, -1, "HTTP 503: upstream \\e[31mred", 0, 0 },
		{ "{", 200, -1, "invalid JSON", 0, 0 },
		{ "[1,2]", 200, -1, "not a query API answer", 0, 0 },
		{ "{}", 200, -1, "no \"status\"", 0, 0 },
		{ "{\"status\":\"success\"}", 200, -1, "no data", 0, 0 },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\"}}", 200, -1, "no resultType or result", 0, 0 },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"histo\x1b\",\"result\":[]}}", 200, -1, "unknown resultType histo\\e", 0, 0 },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":{}}}", 200, -1, "not a list", 0, 0 },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1]}}", 200, -1, "malformed scalar", 0, 0 },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,2]}}", 200, -1, "malformed string", 0, 0 },
		{ "{\"status\":\"error\"}", 500, -1, "HTTP 500: no message", 0, 0 },
		{ "{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out in expression evaluation\"}", 503, -1, "timeout: query timed out", 0, 0 },
		/* bad samples are dropped, good ones kept */
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		  "{\"metric\":{\"a\":\"1\"},\"value\":[1,\"1.5\"]},"
		  "{\"metric\":{\"a\":\"2\"},\"value\":[1,\"1.5x\"]},"
		  "{\"metric\":{\"a\":3},\"value\":[\"1\",\"2\"]},"
		  "{\"metric\":null,\"value\":[1,\"inf\"]},"
		  "7,"
		  "{\"metric\":{},\"histogram\":[1,{\"count\":\"2\"}]}]}}", 200, 0, NULL, 5, 5 },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
		  "{\"metric\":{},\"values\":[[1,\"1\"],[2],[3,\"3\"],null,[4,\"NaN\"]]}]}}", 200, 0, NULL, 1, 2 },
		{ "{\"status\":\"success\",\"warnings\":[\"a\",7,\"b\"],\"data\":{\"resultType\":\"vector\",\"result\":[]}}", 200, 0, NULL, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct promql_result r;
		char err[ERR_MAX] = "";
		int rc = promql_decode(cases[i].body, strlen(cases[i].body), cases[i].status, &r, err);

		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d err %s", i, rc, err);
		if (cases[i].err && !strstr(err, cases[i].err))
			fail_msg("case %zu: err \"%s\", want \"%s\"", i, err, cases[i].err);
		assert_int_equal(r.n_series, cases[i].series);
		assert_int_equal(r.dropped, cases[i].dropped);
		promql_result_free(&r);
	}
	/* NULL body */
	{
		struct promql_result r;
		char err[ERR_MAX];
		assert_int_equal(promql_decode(NULL, 10, 0, &r, err), -1);
		promql_result_free(&r);
		promql_result_free(NULL);
	}
	/* the matrix case keeps the three good samples, NaN included */
	{
		const char *b = cases[ARRAY_LEN(cases) - 2].body;
		struct promql_result r;
		char err[ERR_MAX];
		assert_int_equal(promql_decode(b, strlen(b), 200, &r, err), 0);
		assert_int_equal(r.series[0].n, 3);
		assert_true(isnan(r.series[0].samples[2].v));
		promql_result_free(&r);
		b = cases[ARRAY_LEN(cases) - 1].body;
		assert_int_equal(promql_decode(b, strlen(b), 200, &r, err), 0);
		assert_int_equal(r.n_warnings, 2);
		assert_string_equal(r.warnings[1], "b");
		promql_result_free(&r);
	}
}

static void test_parse_value(void **state)
{
	static const struct {
		const char *s;
		int rc;
		double v;  /* checked when rc == 0 and finite */
	} cases[] = {
		{ "0", 0, 0 }, { "1.5", 0, 1.5 }, { "-2e-3", 0, -2e-3 }, { "1e+300", 0, 1e300 },
		{ "+Inf", 0, INFINITY }, { "-Inf", 0, -INFINITY }, { "NaN", 0, NAN },
		{ "", -1, 0 }, { " 1", -1, 0 }, { "1 ", -1, 0 }, { "0x10", -1, 0 },
		{ "nan", -1, 0 }, { "infinity", -1, 0 }, { "1.5.5", -1, 0 }, { "e", -1, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		double v = 12345;
		int rc = promql_parse_value(cases[i].s, &v);

		if (rc != cases[i].rc)
			fail_msg("\"%s\": rc %d", cases[i].s, rc);
		if (rc == 0 && isnan(cases[i].v))
			assert_true(isnan(v));
		else if (rc == 0)
			assert_true(v == cases[i].v);
	}
	assert_int_equal(promql_parse_value(NULL, NULL), -1);
}

static void test_quote(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "\"\"" },
		{ "checkout", "\"checkout\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "x\"} or vector(1) #", "\"x\\\"} or vector(1) #\"" },
		{ "line\nnext\ttab\r", "\"line\\nnext\\ttab\\r\"" },
		{ "\x1b[31m\x7f", "\"\\x1b[31m\\x7f\"" },
		{ "café 日本 🔥", "\"café 日本 🔥\"" },
		{ "bad\xff\xc3(end", "\"bad\\xff\\xc3(end\"" },
		{ "\xed\xa0\x80", "\"\\xed\\xa0\\x80\"" },  /* surrogate */
		{ "`'", "\"`'\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char *q = promql_quote(cases[i].in);
		assert_string_equal(q, cases[i].out);
		free(q);
	}
	{
		char *q = promql_quote(NULL);
		assert_string_equal(q, "\"\"");
		free(q);
	}
}

/* Legend labels: only what differs among the series shown, sanitized and
 * cut; "" for a single series or when nothing differs. */
static void test_series_label(void **state)
{
	static const char body[] =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
		"{\"metric\":{\"__name__\":\"http_requests\",\"job\":\"api\",\"code\":\"200\"},"
		"\"values\":[[1,\"1\"]]},"
		"{\"metric\":{\"__name__\":\"http_requests\",\"job\":\"api\",\"code\":\"500\","
		"\"path\":\"/pay\\u001b[31m\"},\"values\":[[1,\"2\"]]},"
		"{\"metric\":{\"__name__\":\"http_errors\",\"job\":\"api\",\"code\":\"500\"},"
		"\"values\":[[1,\"3\"]]},"
		"{\"metric\":{\"__name__\":\"http_requests\",\"job\":\"api\",\"code\":\"200\"},"
		"\"values\":[[1,\"4\"]]}]}}";
	struct promql_result r;
	char err[ERR_MAX], *l;

	(void)state;
	assert_int_equal(promql_decode(body, strlen(body), 200, &r, err), 0);
	assert_int_equal(r.n_series, 4);
	l = promql_series_label(&r, 0, 3, 0);
	assert_string_equal(l, "http_requests,code=200");
	free(l);
	/* The escape in a label value is made visible, never passed through. */
	l = promql_series_label(&r, 1, 3, 0);
	assert_string_equal(l, "http_requests,code=500,path=/pay\\e[31m");
	free(l);
	l = promql_series_label(&r, 2, 3, 0);
	assert_string_equal(l, "http_errors,code=500");
	free(l);
	/* Among the first two only code (and path) differ. */
	l = promql_series_label(&r, 0, 2, 0);
	assert_string_equal(l, "code=200");
	free(l);
	/* Cut to max_bytes with an ellipsis. */
	l = promql_series_label(&r, 1, 3, 16);
	assert_true(strlen(l) <= 16);
	assert_non_null(strstr(l, "\xe2\x80\xa6"));
	assert_true(strncmp(l, "http_req", 8) == 0);
	free(l);
	/* One series, out of range, more than there are. */
	l = promql_series_label(&r, 0, 1, 0);
	assert_string_equal(l, "");
	free(l);
	l = promql_series_label(&r, 5, 4, 0);
	assert_string_equal(l, "");
	free(l);
	l = promql_series_label(&r, 3, 99, 0);
	assert_string_equal(l, "http_requests,code=200");
	free(l);
	promql_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_scalar_string),
		cmocka_unit_test(test_special_values),
		cmocka_unit_test(test_empty_and_warnings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_parse_value),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_series_label),
	};

	return cmocka_run_group_tests_name("promql", tests, NULL, NULL);
}
