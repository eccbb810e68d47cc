/* fuzz_slo.c: libFuzzer target for SLO specs (core/slo.c, slo_openslo.c):
 * Sloth prometheus/v1 (and its CRD) and OpenSLO v1 YAML. The input is
 * parsed into an empty set and then again into the same set: a file loads
 * whole or not at all (a failure leaves the set as it was), every SLO
 * loaded has a name, a service, an objective in (0, 1] and a positive
 * window, and an SLO is queryable exactly when it yields an error-ratio
 * query, in which no {{.window}} placeholder is left. Errors are terminated
 * and name the file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/slo.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_msg(const char *m, const char *what)
{
	FUZZ_ASSERT(m, "%s: NULL", what);
	FUZZ_ASSERT(strncmp(m, "fuzz.yaml:", 10) == 0, "%s does not name the file: %s", what,
	            fuzz_show(m));
}

static void check_query(const char *q, const char *what)
{
	FUZZ_ASSERT(q[0], "%s: empty query", what);
	FUZZ_ASSERT(!strstr(q, "{{.window}}") && !strstr(q, "{{ .window }}"),
	            "%s: window placeholder left in %s", what, fuzz_show(q));
}

static void check_def(const struct slo_def *d)
{
	char *q;

	FUZZ_ASSERT(d->service && d->name && d->file, "SLO without service, name or file");
	FUZZ_ASSERT(d->objective > 0 && d->objective <= 1, "objective %g outside (0, 1]",
	            d->objective);
	FUZZ_ASSERT(d->window_ms > 0, "window %lld ms", (long long)d->window_ms);
	FUZZ_ASSERT(d->line >= 1 && d->col >= 1, "SLO from a file without a position");
	FUZZ_ASSERT(d->format == SLO_FMT_SLOTH || d->format == SLO_FMT_OPENSLO,
	            "format %d from a file", (int)d->format);
	q = slo_error_ratio_query(d, "5m");
	FUZZ_ASSERT(slo_queryable(d) == (q != NULL), "queryable %d but query %s",
	            slo_queryable(d), q ? fuzz_show(q) : "NULL");
	if (q)
		check_query(q, "error ratio");
	free(q);
	q = slo_total_query(d, "30d");
	if (q) {
		FUZZ_ASSERT(slo_queryable(d), "a total query for an SLO that cannot be queried");
		check_query(q, "total");
	}
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slo_set set = {0};
	char err[ERR_MAX], *q;
	size_t i, n1, w1;
	int rc;

	if (size > 1 << 20)
		return 0;
	memset(err, 0x55, sizeof err);
	/* exact length: ASan catches a read past the text */
	rc = slo_parse(&set, (const char *)data, size, "fuzz.yaml", err);
	if (rc < 0) {
		FUZZ_ASSERT(rc == -1 && fuzz_err_ok(err) && err[0], "failed without a message");
		check_msg(err, "error");
		FUZZ_ASSERT(set.n == 0 && set.n_slis == 0 && set.n_warnings == 0,
		            "a failed parse changed the set");
		slo_set_free(&set);
		return 0;
	}
	for (i = 0; i < set.n; i++)
		check_def(&set.v[i]);
	for (i = 0; i < set.n_warnings; i++)
		check_msg(set.warnings[i], "warning");

	/* again into the same set: whole or nothing */
	n1 = set.n;
	w1 = set.n_warnings;
	memset(err, 0x55, sizeof err);
	rc = slo_parse(&set, (const char *)data, size, "fuzz.yaml", err);
	if (rc == 0) {
		FUZZ_ASSERT(set.n == 2 * n1, "second parse loaded %zu, first %zu", set.n - n1, n1);
		for (i = 0; i < set.n; i++)
			check_def(&set.v[i]);
	} else {
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "failed without a message");
		check_msg(err, "error");
		FUZZ_ASSERT(set.n == n1 && set.n_warnings == w1, "a failed parse changed the set");
	}

	q = slo_window_subst("rate(x[{{.window}}]) / rate(y[{{ .window }}])", "1h");
	FUZZ_ASSERT(q && strcmp(q, "rate(x[1h]) / rate(y[1h])") == 0, "window subst");
	free(q);
	slo_set_free(&set);
	return 0;
}
