/* test_labels_prom.c: label sets read from Prometheus answers, where a
 * hostile server can send as many labels as it likes. promql_decode()'s
 * metrics, promql_series_label() and slo_discover_sloth() compared with
 * the old pair-by-pair code (kept below, tiny) on random answers whose
 * names repeat a lot; and the shape of 40,000 labels, checked. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/promql.h"
#include "core/slo.h"
#include "core/text.h"
#include "labels_ref.h"

#define ROUNDS 200
#define MANY 40000

/* ---- the old code ------------------------------------------------------- */

/* promql_series_label() before: a labelset_get() per label and series. */
static char *ref_series_label(const struct promql_result *res, size_t i, size_t n, size_t max)
{
	const struct labelset *ls;
	struct buf b = {0};
	char *out;
	size_t k, j;

	if (n > res->n_series)
		n = res->n_series;
	if (i >= n || n < 2)
		return xstrdup("");
	ls = &res->series[i].metric;
	for (k = 0; k < ls->n; k++) {
		bool same = true;

		for (j = 0; j < n && same; j++) {
			const char *o = ref_get(&res->series[j].metric, ls->v[k].name);
			same = o && !strcmp(o, ls->v[k].value);
		}
		if (same)
			continue;
		if (strcmp(ls->v[k].name, "__name__"))
			buf_printf(&b, "%s%s=%s", b.len ? "," : "", ls->v[k].name, ls->v[k].value);
		else
			buf_printf(&b, "%s%s", b.len ? "," : "", ls->v[k].value);
	}
	out = text_sanitize(b.data ? b.data : "", b.len, 0, max);
	buf_free(&b);
	return out;
}

/* slo_discover_sloth() before: a scan of the set per series, and of every
 * period series per SLO added. */
static size_t ref_discover(struct slo_set *set, const struct promql_result *objectives,
                           const struct promql_result *periods, const char *source)
{
	size_t i, j, k, added = 0;

	if (!objectives || objectives->type != PROMQL_VECTOR)
		return 0;
	for (i = 0; i < objectives->n_series && set->n < SLO_MAX_PER_FILE; i++) {
		const struct promql_series *s = &objectives->series[i];
		const char *svc = ref_get(&s->metric, "sloth_service");
		const char *name = ref_get(&s->metric, "sloth_slo");
		struct slo_def *d;
		bool have = false;

		for (k = 0; svc && name && k < set->n; k++)
			have = have || (!strcmp(set->v[k].service, svc) && !strcmp(set->v[k].name, name));
		if (!svc || !name || s->n == 0 || have)
			continue;
		if (!(s->samples[0].v > 0 && s->samples[0].v <= 1))
			continue;
		xgrow(&set->v, &set->cap, set->n + 1, sizeof(*set->v));
		d = &set->v[set->n++];
		memset(d, 0, sizeof(*d));
		d->service = xstrdup(svc);
		d->name = xstrdup(name);
		d->file = xstrdup(source);
		d->format = SLO_FMT_SLOTH_RULES;
		d->objective = s->samples[0].v;
		d->window_ms = SLO_DEFAULT_WINDOW_MS;
		d->sli.kind = SLO_SLI_RECORDED;
		for (j = 0; j < s->metric.n; j++)
			if (strcmp(s->metric.v[j].name, "__name__") &&
			    strcmp(s->metric.v[j].name, "sloth_window"))
				ref_set(&d->labels, s->metric.v[j].name, s->metric.v[j].value);
		for (j = 0; periods && periods->type == PROMQL_VECTOR && j < periods->n_series; j++) {
			const struct promql_series *ps = &periods->series[j];
			const char *ps_svc = ref_get(&ps->metric, "sloth_service");
			const char *ps_name = ref_get(&ps->metric, "sloth_slo");
			if (ps_svc && ps_name && ps->n > 0 && !strcmp(ps_svc, svc) &&
			    !strcmp(ps_name, name) && ps->samples[0].v >= 1 &&
			    ps->samples[0].v <= 5 * 366) {
				d->window_ms = (int64_t)ps->samples[0].v * 86400 * 1000;
				break;
			}
		}
		added++;
	}
	return added;
}

/* ---- random answers ----------------------------------------------------- */

/* A random vector answer as JSON: names repeat within a metric (cJSON
 * keeps every pair of an object), and sloth_service / sloth_slo come from
 * a few values so that series share them. want gets the metrics the old
 * decoder made: labelset_set() of each pair, then sorted by name. */
static char *random_answer(struct labelset *want, size_t *n_series)
{
	struct buf b = {0};
	size_t s, k, n = ref_rand(8);

	buf_puts(&b, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
	for (s = 0; s < n; s++) {
		size_t pairs = ref_rand(40);

		buf_printf(&b, "%s{\"metric\":{", s ? "," : "");
		for (k = 0; k < pairs; k++) {
			char *name = xstrdup(ref_rand(5) == 0 ? "sloth_service" : ref_name());
			const char *value = ref_rand(3) ? ref_value() : "s1";

			buf_printf(&b, "%s\"%s\":\"%s\"", k ? "," : "", name, value);
			ref_set(&want[s], name, value);
			free(name);
		}
		ref_sort(&want[s]);
		buf_printf(&b, "},\"value\":[1,\"%s\"]}", ref_rand(2) ? "1" : "0.5");
	}
	buf_puts(&b, "]}}");
	*n_series = n;
	return buf_steal(&b);
}

static void test_decode_differential(void **state)
{
	size_t r, s, n, i;

	(void)state;
	ref_seed(11);
	for (r = 0; r < ROUNDS; r++) {
		struct labelset want[8] = {{0}};
		struct promql_result res = {0};
		char err[ERR_MAX], *body = random_answer(want, &n);

		assert_int_equal(promql_decode(body, strlen(body), 200, &res, err), 0);
		assert_int_equal(res.n_series, n);
		for (s = 0; s < n; s++)
			ref_assert_same(&want[s], &res.series[s].metric);
		for (s = 2; s <= n; s++) {
			for (i = 0; i < s; i++) {
				char *a = ref_series_label(&res, i, s, 200), *g = promql_series_label(&res, i, s, 200);

				assert_string_equal(g, a);
				free(a);
				free(g);
			}
		}
		for (s = 0; s < 8; s++)
			labelset_free(&want[s]);
		promql_result_free(&res);
		free(body);
	}
}

/* Series built by hand, labels in any order and names repeated:
 * promql_series_label() answers as before there too. */
static void test_series_label_unsorted(void **state)
{
	size_t r, s, i, k;

	(void)state;
	ref_seed(12);
	for (r = 0; r < ROUNDS; r++) {
		struct promql_result res = {0};

		res.type = PROMQL_VECTOR;
		res.n_series = 2 + ref_rand(4);
		res.series = xcalloc(res.n_series, sizeof *res.series);
		for (s = 0; s < res.n_series; s++)
			for (k = ref_rand(30); k > 0; k--) {
				char *name = xstrdup(ref_name());

				ref_append(&res.series[s].metric, name, ref_rand(2) ? "1" : ref_value());
				free(name);
			}
		if (r % 2) /* some sorted, some not */
			labelset_sort(&res.series[0].metric);
		for (i = 0; i < res.n_series; i++) {
			char *a = ref_series_label(&res, i, res.n_series, 100);
			char *g = promql_series_label(&res, i, res.n_series, 100);

			assert_string_equal(g, a);
			free(a);
			free(g);
		}
		promql_result_free(&res);
	}
}

/* ---- Sloth discovery ---------------------------------------------------- */

/* A random answer to slo:objective:ratio or slo:time_period:days, built by
 * hand: names repeat, series share services and names, values in and out
 * of range. Deterministic for one seed, so two calls make equal answers. */
static void random_sloth(struct promql_result *res, bool periods)
{
	static const char *const svcs[] = { "s1", "s2", "s3" }, *const slos[] = { "o1", "o2" };
	static const double objs[] = { 0.999, 0.5, 1, 2, 0, -1 }, days[] = { 28, 30, 1, 0, 2000 };
	size_t s, k;

	res->type = ref_rand(10) ? PROMQL_VECTOR : PROMQL_MATRIX;
	res->n_series = ref_rand(12);
	res->series = xcalloc(res->n_series + 1, sizeof *res->series);
	for (s = 0; s < res->n_series; s++) {
		struct promql_series *se = &res->series[s];

		for (k = ref_rand(12); k > 0; k--) {
			char *name = xstrdup(ref_name());

			ref_append(&se->metric, name, ref_value());
			free(name);
		}
		if (ref_rand(6))
			ref_append(&se->metric, "sloth_service", svcs[ref_rand(3)]);
		if (ref_rand(6))
			ref_append(&se->metric, "sloth_slo", slos[ref_rand(2)]);
		if (ref_rand(4) == 0)
			ref_append(&se->metric, "sloth_slo", slos[ref_rand(2)]); /* twice */
		se->n = ref_rand(8) ? 1 : 0;
		se->samples = xcalloc(1, sizeof *se->samples);
		se->samples[0].v = periods ? days[ref_rand(5)] : objs[ref_rand(6)];
	}
}

static void random_slo_set(struct slo_set *set)
{
	static const char *const svcs[] = { "s1", "s2", "s9" }, *const slos[] = { "o1", "o2" };
	size_t i, n = ref_rand(4);

	for (i = 0; i < n; i++) {
		struct slo_def *d;

		xgrow(&set->v, &set->cap, set->n + 1, sizeof(*set->v));
		d = &set->v[set->n++];
		memset(d, 0, sizeof(*d));
		d->service = xstrdup(svcs[ref_rand(3)]);
		d->name = xstrdup(slos[ref_rand(2)]);
		d->file = xstrdup("f.yaml");
	}
}

static void assert_same_slos(const struct slo_set *want, const struct slo_set *got)
{
	size_t i;

	assert_int_equal(got->n, want->n);
	for (i = 0; i < want->n; i++) {
		assert_string_equal(got->v[i].service, want->v[i].service);
		assert_string_equal(got->v[i].name, want->v[i].name);
		assert_string_equal(got->v[i].file, want->v[i].file);
		assert_int_equal(got->v[i].format, want->v[i].format);
		assert_true(got->v[i].objective == want->v[i].objective);
		assert_int_equal(got->v[i].window_ms, want->v[i].window_ms);
		assert_int_equal(got->v[i].sli.kind, want->v[i].sli.kind);
		ref_assert_same(&want->v[i].labels, &got->v[i].labels);
	}
}

static void test_discover_differential(void **state)
{
	size_t r;

	(void)state;
	for (r = 0; r < 4 * ROUNDS; r++) {
		struct promql_result obj[2] = {{0}}, per[2] = {{0}};
		struct slo_set set[2] = {{0}};
		size_t k, added[2];

		for (k = 0; k < 2; k++) { /* the same inputs twice */
			ref_seed(1000 + r);
			random_slo_set(&set[k]);
			random_sloth(&obj[k], false);
			random_sloth(&per[k], true);
		}
		added[0] = ref_discover(&set[0], &obj[0], r % 5 ? &per[0] : NULL, "p");
		added[1] = slo_discover_sloth(&set[1], &obj[1], r % 5 ? &per[1] : NULL, "p");
		assert_int_equal(added[1], added[0]);
		assert_same_slos(&set[0], &set[1]);
		for (k = 0; k < 2; k++) {
			slo_set_free(&set[k]);
			promql_result_free(&obj[k]);
			promql_result_free(&per[k]);
		}
	}
}

/* ---- 40,000 labels ------------------------------------------------------- */

/* Two series of MANY labels, sent in reverse order with every tenth name
 * sent again (the last value wins); the second differs in one label. */
static void test_many_labels(void **state)
{
	struct promql_result res = {0}, per = {0};
	struct slo_set set = {0};
	struct buf b = {0};
	char err[ERR_MAX], name[16], *label;
	size_t s, i;

	(void)state;
	buf_puts(&b, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
	for (s = 0; s < 2; s++) {
		buf_printf(&b, "%s{\"metric\":{\"sloth_service\":\"svc\",\"sloth_slo\":\"slo%zu\"",
		           s ? "," : "", s);
		for (i = MANY; i-- > 0;)
			buf_printf(&b, ",\"l%05zu\":\"%s\"", i,
			           i % 10 == 0 ? "first" : s && i == 12345 ? "other" : "v");
		for (i = 0; i < MANY; i += 10)
			buf_printf(&b, ",\"l%05zu\":\"last\"", i);
		buf_puts(&b, "},\"value\":[1,\"0.999\"]}");
	}
	buf_puts(&b, "]}}");
	assert_int_equal(promql_decode(b.data, b.len, 200, &res, err), 0);
	buf_free(&b);
	assert_int_equal(res.n_series, 2);
	for (s = 0; s < 2; s++) {
		const struct labelset *m = &res.series[s].metric;

		assert_int_equal(m->n, MANY + 2);
		for (i = 0; i < MANY; i++) { /* sorted: l00000 ... l39999, sloth_* */
			snprintf(name, sizeof name, "l%05zu", i);
			assert_string_equal(m->v[i].name, name);
			assert_string_equal(m->v[i].value,
			                    i % 10 == 0 ? "last" : s && i == 12345 ? "other" : "v");
		}
		assert_string_equal(m->v[MANY].name, "sloth_service");
	}
	label = promql_series_label(&res, 1, 2, 1000);
	assert_string_equal(label, "l12345=other,sloth_slo=slo1");
	free(label);

	/* both become SLOs, each with all its labels; the period of the second */
	per.type = PROMQL_VECTOR;
	per.n_series = MANY;
	per.series = xcalloc(MANY, sizeof *per.series);
	for (i = 0; i < MANY; i++) {
		snprintf(name, sizeof name, "slo%zu", i);
		labelset_set(&per.series[i].metric, "sloth_service", "svc");
		labelset_set(&per.series[i].metric, "sloth_slo", name);
		per.series[i].n = 1;
		per.series[i].samples = xcalloc(1, sizeof *per.series[i].samples);
		per.series[i].samples[0].v = i == 1 ? 7 : 28;
	}
	assert_int_equal(slo_discover_sloth(&set, &res, &per, "p"), 2);
	assert_int_equal(set.v[0].labels.n, MANY + 2);
	assert_string_equal(labelset_get(&set.v[1].labels, "l12345"), "other");
	assert_int_equal(set.v[0].window_ms, (int64_t)28 * 86400 * 1000);
	assert_int_equal(set.v[1].window_ms, (int64_t)7 * 86400 * 1000);
	assert_int_equal(slo_discover_sloth(&set, &res, &per, "p"), 0); /* held already */
	slo_set_free(&set);
	promql_result_free(&per);
	promql_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_differential),
		cmocka_unit_test(test_series_label_unsorted),
		cmocka_unit_test(test_discover_differential),
		cmocka_unit_test(test_many_labels),
	};

	return cmocka_run_group_tests_name("labels_prom", tests, NULL, NULL);
}
