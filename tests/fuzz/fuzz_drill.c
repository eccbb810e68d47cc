/* fuzz_drill.c: libFuzzer target for drill scenario YAML (core/drill.c).
 * A scenario that parses must respect its limits (items per list, points
 * per curve), have sorted curves whose value between points stays within
 * the points' range, a speed >= 1 and a positive duration, and every alert
 * and curve must be found again by name; a failure names file:line:col and
 * leaves the drill empty. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/drill.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_curve(const struct drill_curve *c)
{
	double lo = INFINITY, hi = -INFINITY, v, t;
	size_t i;

	FUZZ_ASSERT(c->name && c->pts && c->n >= 1 && c->n <= DRILL_MAX_POINTS,
	            "curve with %zu points", c->n);
	for (i = 0; i < c->n; i++) {
		FUZZ_ASSERT(isfinite(c->pts[i].t) && isfinite(c->pts[i].v), "curve point not finite");
		if (i)
			FUZZ_ASSERT(c->pts[i - 1].t <= c->pts[i].t, "curve not sorted by time");
		lo = fmin(lo, c->pts[i].v);
		hi = fmax(hi, c->pts[i].v);
	}
	for (i = 0; i <= 8; i++) {
		t = c->pts[0].t - 1 + (c->pts[c->n - 1].t - c->pts[0].t + 2) * (double)i / 8;
		v = drill_curve_at(c, t);
		/* linear interpolation can round just past an end point */
		FUZZ_ASSERT(v >= lo - 1e-9 * fabs(lo) - 1e-9 && v <= hi + 1e-9 * fabs(hi) + 1e-9,
		            "curve at %g = %g outside [%g, %g]", t, v, lo, hi);
	}
	FUZZ_ASSERT(drill_curve_at(c, c->pts[0].t - 1e6) == c->pts[0].v, "not flat before the start");
	FUZZ_ASSERT(drill_curve_at(c, c->pts[c->n - 1].t + 1e6) == c->pts[c->n - 1].v,
	            "not flat after the end");
}

static void check_drill(const struct drill *d)
{
	size_t i;
	long k;

	FUZZ_ASSERT(d->name && d->description && d->file, "drill without name/description/file");
	FUZZ_ASSERT(d->speed >= 1, "speed %g", d->speed);
	FUZZ_ASSERT(d->duration > 0, "duration %g", d->duration);
	FUZZ_ASSERT(d->n_alerts <= DRILL_MAX_ITEMS && d->n_curves <= DRILL_MAX_ITEMS &&
	            d->n_canned <= DRILL_MAX_ITEMS && d->n_injects <= DRILL_MAX_ITEMS,
	            "a list over the limit");
	for (i = 0; i < d->n_alerts; i++) {
		const struct drill_alert *a = &d->alerts[i];

		FUZZ_ASSERT(a->name, "alert without name");
		FUZZ_ASSERT(labelset_get(&a->labels, "alertname") &&
		            strcmp(labelset_get(&a->labels, "alertname"), a->name) == 0,
		            "alertname label is not the name");
		k = drill_alert_find(d, a->name);
		FUZZ_ASSERT(k >= 0 && (size_t)k <= i && strcmp(d->alerts[k].name, a->name) == 0,
		            "alert %zu not found by name", i);
	}
	for (i = 0; i < d->n_curves; i++) {
		check_curve(&d->curves[i]);
		FUZZ_ASSERT(drill_curve_find(d, d->curves[i].name), "curve %zu not found by name", i);
	}
	for (i = 0; i < d->n_canned; i++) {
		const struct drill_canned *c = &d->canned[i];

		FUZZ_ASSERT(c->command && c->output, "canned without command/output");
		if (c->match == DRILL_MATCH_EXACT)
			/* found when run from the runbook of the alert it names */
			FUZZ_ASSERT(drill_canned_find(d, c->alert, c->command), "canned %zu not found", i);
	}
	for (i = 0; i < d->n_injects; i++)
		FUZZ_ASSERT(d->injects[i].target, "inject without target");
	(void)drill_canned_find(d, NULL, "kubectl get pods");
	(void)drill_canned_find(d, "A", "kubectl get pods");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drill d;
	char err[ERR_MAX];
	int rc;

	if (size > 1 << 20)
		return 0;
	memset(&d, 0x33, sizeof d);   /* drill_parse must not rely on a zeroed d */
	memset(err, 0x55, sizeof err);
	/* exact length: ASan catches a read past the text */
	rc = drill_parse(&d, (const char *)data, size, "fuzz.yaml", err);
	if (rc == 0) {
		check_drill(&d);
	} else {
		FUZZ_ASSERT(rc == -1 && fuzz_err_ok(err) && err[0], "failed without a message");
		FUZZ_ASSERT(strncmp(err, "fuzz.yaml:", 10) == 0, "error does not name the file: %s",
		            fuzz_show(err));
		FUZZ_ASSERT(d.n_alerts == 0 && d.alerts == NULL && d.curves == NULL &&
		            d.canned == NULL && d.injects == NULL && d.name == NULL,
		            "a failed parse left a drill");
	}
	drill_free(&d);
	drill_free(&d);  /* idempotent */
	return 0;
}
