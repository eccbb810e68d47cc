/* fuzz_promql.c: libFuzzer target for the Prometheus query API decoder and
 * PromQL string quoting (core/promql.c). The first input byte picks the HTTP
 * status, the rest is the body given to promql_decode: a success must hold
 * a consistent model (a vector has one sample per series, a scalar or string
 * one series without labels, counts match), an error must leave no series
 * and a terminated, printable message. The input is also quoted with
 * promql_quote and the literal read back by an independent reader of
 * PromQL's (Go's) double-quoted strings: it must be one literal, with no
 * raw control byte, valid UTF-8, and decode to exactly the input. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/promql.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const long statuses[] = {200, 0, 400, 404, 422, 500, 503, 204};

static void check_result(const struct promql_result *r, const char *body, size_t len)
{
	size_t i, j;

	(void)body;
	(void)len;
	FUZZ_ASSERT(r->type != PROMQL_NONE, "success without a result type");
	FUZZ_ASSERT((r->n_series == 0) == (r->series == NULL), "series count and array disagree");
	for (i = 0; i < r->n_series; i++) {
		const struct promql_series *s = &r->series[i];

		FUZZ_ASSERT((s->n == 0) == (s->samples == NULL), "sample count and array disagree");
		if (r->type == PROMQL_VECTOR)
			FUZZ_ASSERT(s->n <= 1, "vector series %zu has %zu samples", i, s->n);
		for (j = 0; j < s->metric.n; j++)
			FUZZ_ASSERT(s->metric.v[j].name && s->metric.v[j].value, "label without text");
		for (j = 1; j < s->metric.n; j++)
			FUZZ_ASSERT(strcmp(s->metric.v[j - 1].name, s->metric.v[j].name) < 0,
			            "metric labels not sorted or not unique");
	}
	if (r->type == PROMQL_SCALAR || r->type == PROMQL_STRING) {
		FUZZ_ASSERT(r->n_series == 1 && r->series[0].n == 1 && r->series[0].metric.n == 0,
		            "scalar/string result is not one bare sample");
		FUZZ_ASSERT((r->type == PROMQL_STRING) == (r->string != NULL),
		            "string set for a non-string result (or missing)");
	} else {
		FUZZ_ASSERT(r->string == NULL, "string set for a vector/matrix");
	}
	for (i = 0; i < r->n_warnings; i++)
		FUZZ_ASSERT(r->warnings[i], "NULL warning");
	/* promql_result_value: the first sample of a vector or scalar */
	if ((r->type == PROMQL_VECTOR || r->type == PROMQL_SCALAR) && r->n_series &&
	    r->series[0].n) {
		double v = promql_result_value(r), w = r->series[0].samples[0].v;

		FUZZ_ASSERT((isnan(v) && isnan(w)) || v == w, "result value is not the first sample");
	}
}

static void check_quote(const char *s)
{
	char *q = promql_quote(s), *back;
	const char *why;
	size_t n = 0;

	FUZZ_ASSERT(q, "promql_quote gave NULL");
	back = xmalloc(strlen(q) + 1);
	why = fuzz_promql_unquote(q, strlen(q), back, &n);
	FUZZ_ASSERT(!why, "promql_quote(\"%s\"): %s", fuzz_show(s), why);
	FUZZ_ASSERT(n == strlen(s) && memcmp(back, s, n) == 0,
	            "promql_quote(\"%s\") does not read back", fuzz_show(s));
	free(back);
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct promql_result r;
	char err[ERR_MAX], *s;
	const char *body;
	size_t len;
	long status;
	double v;
	int rc;

	if (size < 1 || size > 1 << 20)
		return 0;
	status = statuses[data[0] % (sizeof statuses / sizeof statuses[0])];
	body = (const char *)data + 1;
	len = size - 1;

	/* exact length, no NUL after it: ASan catches a read past the body */
	memset(err, 0x55, sizeof err);
	rc = promql_decode(len ? body : NULL, len, status, &r, err);
	if (rc == 0) {
		check_result(&r, body, len);
	} else {
		FUZZ_ASSERT(rc == -1, "promql_decode returned %d", rc);
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "failed without a message");
		FUZZ_ASSERT_SAFE(err, false, "promql_decode error");
		FUZZ_ASSERT(r.n_series == 0 && r.series == NULL && r.string == NULL,
		            "error answer left series");
	}
	promql_result_free(&r);

	s = fuzz_cstr(data + 1, size - 1);
	check_quote(s);
	if (promql_parse_value(s, &v) == 0)
		FUZZ_ASSERT(s[0] != '\0', "empty text parsed as a value");
	free(s);
	return 0;
}
