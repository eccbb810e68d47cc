/* promql.h: the Prometheus HTTP query API (v1) answer, decoded: result types
 * vector, matrix, scalar and string; sample values "NaN", "+Inf", "-Inf";
 * error bodies (JSON {"status":"error",...} and the plain-text 404 of a
 * wrong path); `warnings` (Thanos partial responses) kept for display. Also
 * PromQL string quoting for values spliced into queries. Pure: bytes in,
 * model out; what Thanos, Mimir and VictoriaMetrics answer decodes too. */
#ifndef PAGETTY_PROMQL_H
#define PAGETTY_PROMQL_H

#include <stdbool.h>
#include <stddef.h>

#include "labels.h"
#include "util.h"

enum promql_type {
	PROMQL_NONE,   /* nothing decoded (error) */
	PROMQL_VECTOR, /* instant: series with one sample each */
	PROMQL_MATRIX, /* range: series with n samples each, time ascending */
	PROMQL_SCALAR, /* one series, no labels, one sample */
	PROMQL_STRING, /* `string` holds the value, one sample with v = NaN */
};

struct promql_sample {
	double t; /* unix seconds (fractional) */
	double v; /* may be NaN or +-Inf */
};

struct promql_series {
	struct labelset metric;          /* owned; raw (untrusted) bytes */
	struct promql_sample *samples;   /* owned array of n */
	size_t n;
};

struct promql_result {
	enum promql_type type;
	struct promql_series *series;    /* owned array of n_series */
	size_t n_series;
	char *string;                    /* owned or NULL: a string result */
	char **warnings;                 /* owned array of owned (raw) messages */
	size_t n_warnings;
	char *error_type;                /* owned or NULL: "bad_data", "timeout", ... */
	size_t dropped;                  /* samples skipped (histograms, bad values) */
};

/* Decode an answer. status is the HTTP status (0 if unknown); body need not
 * be NUL-terminated. On success returns 0 with *res filled (free it with
 * promql_result_free). On an error answer returns -1, with err
 * "bad_data: 1:5: parse error: ..." (JSON error body, error_type set in
 * *res, warnings kept), "HTTP 404: 404 page not found" (plain text), or
 * what is wrong with the body; *res then holds no series. Messages in err
 * are sanitized. res is always safe to free afterwards. */
int promql_decode(const char *body, size_t len, long status, struct promql_result *res,
                  char err[ERR_MAX]);
void promql_result_free(struct promql_result *res);

/* The value of the first sample of the first series of a vector or scalar
 * (NaN when there is none): what a single-number query answered. */
double promql_result_value(const struct promql_result *res);

/* What tells series i apart from the other first n series of res: each of
 * its labels whose value is not the same in all n series, as
 * "name=value,name=value" in its order (a metric name bare), sanitized and
 * cut to max_bytes (0: no cap) with "…". "" when nothing differs (or n < 2).
 * Malloced. */
char *promql_series_label(const struct promql_result *res, size_t i, size_t n, size_t max_bytes);

/* Parse a Prometheus sample value: "1.5", "-2e-3", "NaN", "+Inf", "-Inf".
 * Returns 0 or -1 (not a number, trailing bytes). */
int promql_parse_value(const char *s, double *v);

/* s as a PromQL double-quoted string literal, malloced: `"`, `\` and
 * control characters escaped (\n \t \xNN), invalid UTF-8 bytes as \xNN, so
 * no value can end the string or change the query. NULL gives `""`. */
char *promql_quote(const char *s);

#endif
