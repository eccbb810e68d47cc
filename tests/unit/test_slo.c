/* test_slo.c: SLO definitions. The shared real-world files (Sloth examples,
 * OpenSLO examples) load; the queries built for Sloth specs are exactly the
 * ones Sloth generates (checked against its getting-started.rules.yml);
 * OpenSLO inline and referenced SLIs, targetPercent, bad/total and raw
 * ratios; the Sloth CRD; placeholder and unsupported SLIs load and say so;
 * errors name FILE:LINE:COL and leave the set unchanged; hostile input;
 * {{.window}} substitution; Sloth's recording rules discovered from a query
 * answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/slo.h"
#include "core/slo_math.h"

#define FIX "../shared/fixtures/"
#define DAY_MS ((int64_t)86400 * 1000)

static void load_ok(struct slo_set *set, const char *path)
{
	char err[ERR_MAX] = "";

	if (slo_load_file(set, path, err) < 0)
		fail_msg("%s: %s", path, err);
}

static void parse_ok(struct slo_set *set, const char *text, const char *name)
{
	char err[ERR_MAX] = "";

	if (slo_parse(set, text, strlen(text), name, err) < 0)
		fail_msg("%s: %s", name, err);
}

static bool has_warning(const struct slo_set *set, const char *needle)
{
	size_t i;

	for (i = 0; i < set->n_warnings; i++)
		if (strstr(set->warnings[i], needle))
			return true;
	return false;
}

static const struct slo_def *find(const struct slo_set *set, const char *service, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].service, service) && !strcmp(set->v[i].name, name))
			return &set->v[i];
	fail_msg("SLO %s/%s not loaded", service, name);
	return NULL;
}

/* The getting-started spec builds, for every window, the very expression
 * Sloth put in its slo:sli_error:ratio_rate<window> rule. */
static void test_sloth_getting_started(void **state)
{
	struct slo_set set = {0};
	const struct slo_def *d;
	char *rules = NULL, err[ERR_MAX];
	size_t len, w;

	(void)state;
	load_ok(&set, FIX "sloth/getting-started.yml");
	assert_int_equal(set.n, 1);
	assert_int_equal(set.n_warnings, 0);
	d = &set.v[0];
	assert_string_equal(d->service, "myservice");
	assert_string_equal(d->name, "requests-availability");
	assert_string_equal(d->description, "Common SLO based on availability for HTTP request responses.");
	assert_string_equal(d->file, FIX "sloth/getting-started.yml");
	assert_int_equal(d->line, 9);
	assert_int_equal(d->col, 5);
	assert_int_equal(d->format, SLO_FMT_SLOTH);
	assert_true(d->objective > 0.99899999 && d->objective < 0.99900001);
	assert_int_equal(d->window_ms, 30 * DAY_MS);
	assert_int_equal(d->sli.kind, SLO_SLI_EVENTS);
	assert_false(d->sli.placeholder);
	assert_null(d->sli.note);
	assert_true(slo_queryable(d));
	assert_string_equal(labelset_get(&d->labels, "owner"), "myteam");
	assert_string_equal(labelset_get(&d->labels, "tier"), "2");

	assert_int_equal(read_file(FIX "sloth/getting-started.rules.yml", 1 << 20, &rules, &len, err), 0);
	for (w = 0; w < SLO_NWINDOWS; w++) {
		const char *win = slo_window_name((enum slo_window)w);
		char *q = slo_error_ratio_query(d, win), *want, *tot;
		char *a = xstrdup(q), *nl1 = strchr(a, '\n'), *nl2;

		assert_non_null(nl1);
		nl2 = strchr(nl1 + 1, '\n');
		assert_non_null(nl2);
		*nl1 = *nl2 = '\0';
		assert_string_equal(nl1 + 1, "/");
		want = xasprintf("record: slo:sli_error:ratio_rate%s\n    expr: |\n      %s\n      /\n      %s\n",
		                 win, a, nl2 + 1);
		if (!strstr(rules, want))
			fail_msg("window %s: query not as Sloth generates it:\n%s", win, q);
		tot = slo_total_query(d, win);
		want = (free(want), xasprintf("sum(rate(http_request_duration_seconds_count{job=\"myservice\"}[%s]))", win));
		assert_string_equal(tot, want);
		free(want);
		free(tot);
		free(a);
		free(q);
	}
	free(rules);
	slo_set_free(&set);
}

static void test_sloth_home_wifi(void **state)
{
	struct slo_set set = {0};
	const struct slo_def *d;
	char *q;

	(void)state;
	load_ok(&set, FIX "sloth/home-wifi.yml");
	assert_int_equal(set.n, 2);
	d = find(&set, "home-wifi", "good-wifi-client-satisfaction");
	assert_true(d->objective > 0.9499999 && d->objective < 0.9500001);
	assert_string_equal(labelset_get(&d->labels, "cluster"), "valhalla");
	q = slo_error_ratio_query(d, "1h");
	assert_string_equal(q, "(sum_over_time((count(unifipoller_client_satisfaction_ratio < 0.75))[1h:]) OR on() vector(0))\n/\n"
	                       "(sum_over_time((count(unifipoller_client_satisfaction_ratio))[1h:]))");
	free(q);
	d = find(&set, "home-wifi", "risk-wifi-client-satisfaction");
	assert_true(d->objective > 0.9989999 && d->objective < 0.9990001);
	assert_int_equal(d->line, 45);
	slo_set_free(&set);
}

/* OpenSLO examples: both use the placeholder query "Any"; they load, are
 * not queried, and say why. */
static void test_openslo_fixtures(void **state)
{
	struct slo_set set = {0};
	const struct slo_def *d;

	(void)state;
	load_ok(&set, FIX "openslo/ratio-timeslices.yaml");
	load_ok(&set, FIX "openslo/occurences-slo.yaml");
	assert_int_equal(set.n, 2);

	d = find(&set, "web-shop", "main-page");
	assert_int_equal(d->format, SLO_FMT_OPENSLO);
	assert_string_equal(d->display_name, "Main page availability");
	assert_true(d->objective > 0.98999 && d->objective < 0.99001);
	assert_int_equal(d->window_ms, 14 * DAY_MS);
	assert_true(d->sli.placeholder);
	assert_false(slo_queryable(d));
	assert_null(slo_error_ratio_query(d, "5m"));
	assert_non_null(strstr(d->sli.note, "placeholder query \"Any\""));
	assert_true(has_warning(&set, "openslo/ratio-timeslices.yaml:2:1: SLO web-shop/main-page: placeholder"));
	assert_true(has_warning(&set, "budgetingMethod RatioTimeslices"));

	d = find(&set, "web-shop", "search-slo");
	assert_int_equal(d->sli.kind, SLO_SLI_NONE);
	assert_false(slo_queryable(d));
	assert_non_null(strstr(d->sli.note, "thresholdMetric"));
	assert_int_equal(d->window_ms, 14 * DAY_MS);
	assert_true(d->objective > 0.98999 && d->objective < 0.99001);
	assert_true(has_warning(&set, "occurences-slo.yaml:2:1: SLO web-shop/search-slo: thresholdMetric"));
	slo_set_free(&set);
}

static const char openslo_ref[] =
	"apiVersion: openslo/v1\n"
	"kind: SLO\n"
	"metadata:\n"
	"  name: checkout-availability\n"
	"  labels: {team: payments}\n"
	"spec:\n"
	"  service: checkout\n"
	"  indicatorRef: checkout-errors\n"
	"  timeWindow:\n"
	"    - duration: 28d\n"
	"      isRolling: true\n"
	"  budgetingMethod: Occurrences\n"
	"  objectives:\n"
	"    - displayName: good\n"
	"      targetPercent: 99.5\n"
	"---\n"
	"apiVersion: openslo/v1\n"
	"kind: SLI\n"
	"metadata:\n"
	"  name: checkout-errors\n"
	"spec:\n"
	"  ratioMetric:\n"
	"    counter: true\n"
	"    bad:\n"
	"      metricSource:\n"
	"        type: Prometheus\n"
	"        spec:\n"
	"          query: sum(rate(http_requests_total{service=\"checkout\",code=~\"5..\"}[{{.window}}]))\n"
	"    total:\n"
	"      metricSource:\n"
	"        type: Prometheus\n"
	"        spec:\n"
	"          query: sum(rate(http_requests_total{service=\"checkout\"}[{{ .window }}]))\n"
	"---\n"
	"apiVersion: openslo/v1\n"
	"kind: Service\n"
	"metadata: {name: checkout}\n"
	"spec: {description: the checkout}\n";

static void test_openslo_ref_same_file(void **state)
{
	struct slo_set set = {0};
	const struct slo_def *d;
	char *q;

	(void)state;
	parse_ok(&set, openslo_ref, "checkout.yaml");
	assert_int_equal(set.n, 1);
	assert_int_equal(set.n_warnings, 0);
	d = &set.v[0];
	assert_string_equal(d->service, "checkout");
	assert_string_equal(d->name, "checkout-availability");
	assert_null(d->indicator_ref);
	assert_true(d->objective > 0.99499 && d->objective < 0.99501);
	assert_int_equal(d->window_ms, 28 * DAY_MS);
	assert_int_equal(d->sli.kind, SLO_SLI_EVENTS);
	assert_string_equal(labelset_get(&d->labels, "team"), "payments");
	q = slo_error_ratio_query(d, "30m");
	assert_string_equal(q, "(sum(rate(http_requests_total{service=\"checkout\",code=~\"5..\"}[30m])))\n/\n"
	                       "(sum(rate(http_requests_total{service=\"checkout\"}[30m])))");
	free(q);
	slo_set_free(&set);
}

/* An SLI in a file loaded after the SLO that names it. */
static void test_openslo_ref_later_file(void **state)
{
	static const char slo[] =
		"apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: api-latency}\n"
		"spec:\n  service: api\n  indicatorRef: api-good\n"
		"  timeWindow: [{duration: 1M, isRolling: true}]\n"
		"  objectives: [{target: 0.9}]\n";
	static const char sli[] =
		"apiVersion: openslo/v1\nkind: SLI\nmetadata: {name: api-good}\n"
		"spec:\n  ratioMetric:\n"
		"    good: {metricSource: {type: Thanos, spec: {query: 'sum(rate(ok[{{.window}}]))'}}}\n"
		"    total: {metricSource: {type: Thanos, spec: {query: 'sum(rate(all[{{.window}}]))'}}}\n";
	struct slo_set set = {0};
	char *q;

	(void)state;
	parse_ok(&set, slo, "a.yaml");
	assert_int_equal(set.n, 1);
	assert_string_equal(set.v[0].indicator_ref, "api-good");
	assert_false(slo_queryable(&set.v[0]));
	assert_non_null(strstr(set.v[0].sli.note, "SLI \"api-good\" not found"));
	assert_true(has_warning(&set, "a.yaml:1:1: SLO api/api-latency: SLI \"api-good\" not found"));
	assert_int_equal(set.v[0].window_ms, 30 * DAY_MS);

	parse_ok(&set, sli, "b.yaml");
	assert_int_equal(set.n, 1);
	assert_null(set.v[0].indicator_ref);
	assert_null(set.v[0].sli.note);
	assert_true(slo_queryable(&set.v[0]));
	assert_int_equal(set.v[0].sli.kind, SLO_SLI_GOOD_TOTAL);
	q = slo_error_ratio_query(&set.v[0], "1d");
	assert_string_equal(q, "1 - ((sum(rate(ok[1d])))\n/\n(sum(rate(all[1d]))))");
	free(q);
	q = slo_total_query(&set.v[0], "1h");
	assert_string_equal(q, "sum(rate(all[1h]))");
	free(q);
	slo_set_free(&set);
}

/* Sloth raw ratios, plugins, the CRD; OpenSLO raw and foreign sources. */
static void test_variants(void **state)
{
	static const struct {
		const char *yaml;
		const char *service, *name;
		enum slo_sli_kind kind;
		double objective;
		const char *query_1h;    /* NULL: not queryable */
		const char *note;        /* substring of the note, or NULL */
	} cases[] = {
		{ "version: prometheus/v1\nservice: db\nslos:\n- name: ratio\n  objective: 99\n"
		  "  sli:\n    raw:\n      error_ratio_query: 1 - avg_over_time(up{job=\"db\"}[{{.window}}])\n",
		  "db", "ratio", SLO_SLI_RAW, 0.99, "1 - avg_over_time(up{job=\"db\"}[1h])", NULL },
		{ "version: prometheus/v1\nservice: db\nslos:\n- name: plug\n  objective: 99.99\n"
		  "  sli:\n    plugin:\n      id: sloth-common/kubernetes/apiserver/availability\n",
		  "db", "plug", SLO_SLI_NONE, 0.9999, NULL, "plugin \"sloth-common/kubernetes/apiserver/availability\" is not supported" },
		{ "version: prometheus/v1\nservice: db\nslos:\n- name: todo\n  objective: 99\n"
		  "  sli: {events: {error_query: TODO, total_query: TODO}}\n",
		  "db", "todo", SLO_SLI_NONE, 0.99, NULL, "placeholder" },
		{ "apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata:\n  name: x\n  labels: {prometheus: default}\n"
		  "spec:\n  service: k8s-api\n  labels: {team: platform}\n  slos:\n  - name: requests\n    objective: 99.5\n"
		  "    sli:\n      events:\n        errorQuery: sum(rate(e[{{.window}}]))\n        totalQuery: sum(rate(t[{{.window}}]))\n",
		  "k8s-api", "requests", SLO_SLI_EVENTS, 0.995, "(sum(rate(e[1h])))\n/\n(sum(rate(t[1h])))", NULL },
		{ "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: up}\nspec:\n  service: web\n"
		  "  indicator:\n    metadata: {name: up}\n    spec:\n      ratioMetric:\n        rawType: success\n"
		  "        raw: {metricSource: {type: Prometheus, spec: {query: 'avg_over_time(up[{{.window}}])'}}}\n"
		  "  objectives: [{targetPercent: 99}]\n",
		  "web", "up", SLO_SLI_RAW, 0.99, "1 - (avg_over_time(up[1h]))", NULL },
		{ "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: dd}\nspec:\n  service: web\n"
		  "  indicator:\n    spec:\n      ratioMetric:\n"
		  "        good: {metricSource: {type: Datadog, spec: {query: 'sum:ok{*}'}}}\n"
		  "        total: {metricSource: {type: Datadog, spec: {query: 'sum:all{*}'}}}\n"
		  "  objectives: [{target: 0.95}]\n",
		  "web", "dd", SLO_SLI_NONE, 0.95, NULL, "metric source type \"Datadog\" is not Prometheus" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct slo_set set = {0};
		char err[ERR_MAX] = "", *q;
		const struct slo_def *d;

		if (slo_parse(&set, cases[i].yaml, strlen(cases[i].yaml), "v.yaml", err) < 0)
			fail_msg("case %zu: %s", i, err);
		assert_int_equal(set.n, 1);
		d = &set.v[0];
		assert_string_equal(d->service, cases[i].service);
		assert_string_equal(d->name, cases[i].name);
		assert_int_equal(d->sli.kind, cases[i].kind);
		if (!(d->objective > cases[i].objective - 1e-9 && d->objective < cases[i].objective + 1e-9))
			fail_msg("case %zu: objective %g", i, d->objective);
		q = slo_error_ratio_query(d, "1h");
		if (cases[i].query_1h) {
			assert_non_null(q);
			assert_string_equal(q, cases[i].query_1h);
		} else {
			assert_null(q);
		}
		free(q);
		if (cases[i].note) {
			if (!d->sli.note || !strstr(d->sli.note, cases[i].note))
				fail_msg("case %zu: note %s", i, d->sli.note ? d->sli.note : "(none)");
			assert_true(has_warning(&set, cases[i].note));
		} else {
			assert_null(d->sli.note);
		}
		slo_set_free(&set);
	}
}

/* Errors name the file, line and column, and the set stays as it was. */
static void test_errors(void **state)
{
	static const struct {
		const char *yaml, *err;
	} cases[] = {
		{ "", "e.yml:1:1: no SLO definitions" },
		{ "---\n...\n", "no SLO definitions" },
		{ "slos: [\n", "e.yml:2:1: invalid YAML" },
		{ "- a\n- b\n", "e.yml:1:1: expected a mapping" },
		{ "hello: world\n", "e.yml:1:1: not an SLO file" },
		{ "version: prometheus/v2\n", "e.yml:1:10: version \"prometheus/v2\" is not supported" },
		{ "apiVersion: v1\nkind: ConfigMap\n", "e.yml:1:13: apiVersion \"v1\" is not supported" },
		{ "version: prometheus/v1\nslos: []\n", "e.yml:1:1: service: required" },
		{ "version: prometheus/v1\nservice: [a]\nslos: []\n", "e.yml:2:10: service: expected a string" },
		{ "version: prometheus/v1\nservice: a\n", "e.yml:1:1: slos: expected a list" },
		{ "version: prometheus/v1\nservice: a\nslos:\n  - 7\n", "e.yml:4:5: slos[0].: expected a mapping" },
		{ "version: prometheus/v1\nservice: a\nslos:\n  - objective: 99\n", "e.yml:4:5: slos[0].name: required" },
		{ "version: prometheus/v1\nservice: a\nslos:\n  - name: x\n    sli: {raw: {error_ratio_query: q}}\n",
		  "e.yml:4:5: slos[0].objective: required" },
		{ "version: prometheus/v1\nservice: a\nslos:\n  - name: x\n    objective: 120\n    sli: {raw: {error_ratio_query: q}}\n",
		  "e.yml:5:16: slos[0].objective: 120 is not a percentage in (0, 100]" },
		{ "version: prometheus/v1\nservice: a\nslos:\n  - name: x\n    objective: high\n",
		  "e.yml:5:16: objective: expected a number, not \"high\"" },
		{ "version: prometheus/v1\nservice: a\nslos:\n  - name: x\n    objective: .nan\n",
		  "e.yml:5:16: objective: expected a number" },
		{ "version: prometheus/v1\nservice: a\nslos:\n  - name: x\n    objective: 99\n",
		  "e.yml:4:5: slos[0].sli: required" },
		{ "version: prometheus/v1\nservice: a\nslos:\n  - name: x\n    objective: 99\n    sli: {}\n",
		  "e.yml:6:10: slos[0].sli: needs events" },
		{ "version: prometheus/v1\nservice: a\nslos:\n  - name: x\n    objective: 99\n    sli:\n      events:\n        error_query: e\n",
		  "e.yml:8:9: slos[0].sli.events.total_query: required" },
		{ "apiVersion: openslo/v1\nmetadata: {name: x}\n", "e.yml:1:1: kind: required" },
		{ "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\n", "e.yml:1:1: spec: required mapping" },
		{ "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\nspec: {service: s, indicatorRef: i}\n",
		  "e.yml:4:7: spec.objectives: expected a non-empty list" },
		{ "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\nspec: {service: s, indicatorRef: i, objectives: [{target: 1.5}]}\n",
		  "e.yml:4:59: target: 1.5 is not a ratio in (0, 1]" },
		{ "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\nspec: {service: s, indicatorRef: i, objectives: [{op: lt}]}\n",
		  "e.yml:4:50: spec.objectives[0]: needs target or targetPercent" },
		{ "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\nspec: {service: s, objectives: [{target: 0.9}]}\n",
		  "e.yml:4:7: spec: needs indicator or indicatorRef" },
		{ "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\nspec:\n  service: s\n  indicatorRef: i\n"
		  "  timeWindow: [{duration: 3x}]\n  objectives: [{target: 0.9}]\n", "e.yml:7:27: spec.timeWindow.duration: col 2: unknown unit" },
		{ "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\nspec:\n  service: s\n  indicatorRef: i\n"
		  "  timeWindow: [{duration: 5m}]\n  objectives: [{target: 0.9}]\n", "not a window between 1h and 5 years" },
		{ "apiVersion: openslo/v1\nkind: SLI\nmetadata: {name: x}\nspec:\n  ratioMetric:\n    good: {metricSource: {type: Prometheus}}\n",
		  "e.yml:6:5: ratioMetric: needs total and one of good or bad" },
		{ "apiVersion: openslo/v1\nkind: SLI\nmetadata: {name: x}\nspec:\n  ratioMetric:\n    good: {}\n    total: {}\n",
		  "e.yml:6:11: ratioMetric.good.metricSource: required mapping" },
		{ "apiVersion: openslo/v1\nkind: SLI\nmetadata: {name: x}\nspec: {nothing: here}\n",
		  "e.yml:4:7: SLI spec: needs ratioMetric or thresholdMetric" },
		/* a good document followed by a bad one: nothing from the file */
		{ "version: prometheus/v1\nservice: ok\nslos: [{name: a, objective: 99, sli: {raw: {error_ratio_query: q}}}]\n"
		  "---\nversion: prometheus/v1\nservice: b\nslos: [{name: a, objective: 0}]\n",
		  "e.yml:7:29: slos[0].objective: 0 is not a percentage" },
		/* hostile bytes */
		{ "version: \"\\x1b]0;pwn\\x07\"\n", "version \"\x1b]0;pwn\x07\" is not supported" },
		{ "key: \xc3\x28 bad utf-8\n", "e.yml:1:7: invalid YAML: invalid trailing UTF-8 octet" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct slo_set set = {0};
		char err[ERR_MAX] = "";

		parse_ok(&set, "version: prometheus/v1\nservice: keep\nslos: [{name: me, objective: 90, sli: {raw: {error_ratio_query: q}}}]\n",
		         "keep.yml");
		if (slo_parse(&set, cases[i].yaml, strlen(cases[i].yaml), "e.yml", err) != -1)
			fail_msg("case %zu: parsed", i);
		if (!strstr(err, cases[i].err))
			fail_msg("case %zu: err \"%s\", want \"%s\"", i, err, cases[i].err);
		assert_int_equal(set.n, 1);
		assert_string_equal(set.v[0].service, "keep");
		assert_int_equal(set.n_slis, 0);
		slo_set_free(&set);
	}
	{
		struct slo_set set = {0};
		char err[ERR_MAX] = "";
		assert_int_equal(slo_load_file(&set, "/nonexistent/slo.yaml", err), -1);
		assert_non_null(strstr(err, "/nonexistent/slo.yaml"));
		assert_int_equal(slo_parse(&set, NULL, 5, "n.yml", err), -1);
		slo_set_free(&set);
		slo_set_free(NULL);
	}
}

/* Aliases that would explode if expanded, deep nesting, duplicates. */
static void test_hostile(void **state)
{
	struct slo_set set = {0};
	struct buf b = {0};
	char err[ERR_MAX] = "";
	int i;

	(void)state;
	/* 1000 SLOs that are all the same alias: loads, warns about duplicates. */
	buf_puts(&b, "version: prometheus/v1\nservice: s\nx: &slo {name: a, objective: 99, "
	             "labels: &l {a: b, c: d}, sli: {raw: {error_ratio_query: q}}}\nslos:\n");
	for (i = 0; i < 1000; i++)
		buf_puts(&b, "  - *slo\n");
	assert_int_equal(slo_parse(&set, b.data, b.len, "alias.yml", err), 0);
	assert_int_equal(set.n, 1000);
	assert_true(has_warning(&set, "alias.yml:3:4: SLO s/a is also defined in alias.yml:3"));
	assert_int_equal(set.n_warnings, 200); /* capped */
	slo_set_free(&set);
	/* another file defining the same SLO */
	parse_ok(&set, "version: prometheus/v1\nservice: s\nslos: [{name: a, objective: 9, sli: {raw: {error_ratio_query: q}}}]\n",
	         "alias.yml");
	assert_int_equal(set.n_warnings, 0);
	assert_int_equal(slo_parse(&set, b.data, b.len, "alias2.yml", err), 0);
	assert_true(has_warning(&set, "alias2.yml:3:4: SLO s/a is also defined in alias.yml:3"));
	slo_set_free(&set);
	buf_free(&b);

	/* deep nesting */
	for (i = 0; i < 5000; i++)
		buf_putc(&b, '[');
	assert_int_equal(slo_parse(&set, b.data, b.len, "deep.yml", err), -1);
	assert_int_equal(set.n, 0);
	buf_free(&b);
	slo_set_free(&set);

	/* a NUL inside a string */
	{
		static const char t[] = "version: prometheus/v1\nservice: \"a\\0b\"\nslos: []\n";
		assert_int_equal(slo_parse(&set, t, sizeof(t) - 1, "nul.yml", err), -1);
		assert_non_null(strstr(err, "nul.yml:2:10: service: expected a string"));
		slo_set_free(&set);
	}
}

static void test_window_subst(void **state)
{
	static const struct {
		const char *in, *window, *out;
	} cases[] = {
		{ "rate(x[{{.window}}])", "5m", "rate(x[5m])" },
		{ "rate(x[{{ .window }}]) / rate(y[{{.window}}])", "1d", "rate(x[1d]) / rate(y[1d])" },
		{ "{{.windows}} {{.window", "1h", "{{.windows}} {{.window" },
		{ "{{ {{.window}}", "3d", "{{ 3d" },
		{ "no template", "1h", "no template" },
		{ "", "1h", "" },
		{ "{{", "1h", "{{" },
		/* found by fuzz_slo: a third brace left the placeholder in */
		{ "x[{{{ .window }}]", "5m", "x[{5m]" },
		{ "{{{{.window}}}}", "1h", "{{1h}}" },
		{ "{{{", "1h", "{{{" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char *s = slo_window_subst(cases[i].in, cases[i].window);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
	{
		char *s = slo_window_subst(NULL, "1h");
		assert_string_equal(s, "");
		free(s);
	}
}

static void test_window_format(void **state)
{
	static const struct {
		int64_t ms;
		const char *out;
	} cases[] = {
		{ 30 * DAY_MS, "30d" }, { 28 * DAY_MS, "28d" }, { 6 * 3600 * 1000, "6h" },
		{ 90 * 60 * 1000, "90m" }, { 45 * 1000, "45s" }, { 0, "1s" }, { 1500, "1s" },
	};
	size_t i;
	char out[32];

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		slo_window_format(cases[i].ms, out, sizeof(out));
		assert_string_equal(out, cases[i].out);
	}
}

/* Sloth's recording rules: the answers to slo:objective:ratio and
 * slo:time_period:days, as Prometheus returns them for the rules in
 * getting-started.rules.yml (plus a second SLO and junk). */
static void test_discover_sloth(void **state)
{
	static const char objectives[] =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{\"__name__\":\"slo:objective:ratio\",\"cmd\":\"examplesgen.sh\",\"owner\":\"myteam\","
		"\"sloth_id\":\"myservice-requests-availability\",\"sloth_service\":\"myservice\","
		"\"sloth_slo\":\"requests-availability\",\"tier\":\"2\"},\"value\":[1700000000,\"0.9990000000000001\"]},"
		"{\"metric\":{\"sloth_service\":\"api\\\"x\",\"sloth_slo\":\"lat\"},\"value\":[1700000000,\"0.95\"]},"
		"{\"metric\":{\"sloth_service\":\"bad\",\"sloth_slo\":\"nan\"},\"value\":[1700000000,\"NaN\"]},"
		"{\"metric\":{\"sloth_slo\":\"noservice\"},\"value\":[1700000000,\"0.9\"]}]}}";
	static const char periods[] =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{\"sloth_service\":\"api\\\"x\",\"sloth_slo\":\"lat\"},\"value\":[1700000000,\"28\"]},"
		"{\"metric\":{\"sloth_service\":\"myservice\",\"sloth_slo\":\"requests-availability\"},\"value\":[1700000000,\"30\"]}]}}";
	struct promql_result ro, rp;
	struct slo_set set = {0};
	char err[ERR_MAX];
	const struct slo_def *d;
	char *q;

	(void)state;
	assert_int_equal(promql_decode(objectives, strlen(objectives), 200, &ro, err), 0);
	assert_int_equal(promql_decode(periods, strlen(periods), 200, &rp, err), 0);
	assert_int_equal(slo_discover_sloth(&set, &ro, &rp, "prom:9090"), 2);
	assert_int_equal(set.n, 2);
	d = find(&set, "myservice", "requests-availability");
	assert_int_equal(d->format, SLO_FMT_SLOTH_RULES);
	assert_int_equal(d->sli.kind, SLO_SLI_RECORDED);
	assert_string_equal(d->file, "prom:9090");
	assert_int_equal(d->window_ms, 30 * DAY_MS);
	assert_true(d->objective > 0.9989999 && d->objective < 0.9990001);
	assert_string_equal(labelset_get(&d->labels, "owner"), "myteam");
	assert_null(labelset_get(&d->labels, "__name__"));
	q = slo_error_ratio_query(d, "5m");
	assert_string_equal(q, "slo:sli_error:ratio_rate5m{sloth_service=\"myservice\", sloth_slo=\"requests-availability\"}");
	free(q);
	assert_null(slo_total_query(d, "5m"));
	assert_null(slo_error_ratio_query(d, "5m}[1h]"));
	d = find(&set, "api\"x", "lat");
	assert_int_equal(d->window_ms, 28 * DAY_MS);
	q = slo_error_ratio_query(d, "28d");
	assert_string_equal(q, "slo:sli_error:ratio_rate28d{sloth_service=\"api\\\"x\", sloth_slo=\"lat\"}");
	free(q);
	/* again: nothing new; an SLO from a spec file is not duplicated */
	assert_int_equal(slo_discover_sloth(&set, &ro, NULL, "prom:9090"), 0);
	slo_set_free(&set);
	load_ok(&set, FIX "sloth/getting-started.yml");
	assert_int_equal(slo_discover_sloth(&set, &ro, NULL, "prom:9090"), 1);
	assert_int_equal(set.n, 2);
	assert_int_equal(set.v[0].format, SLO_FMT_SLOTH);
	assert_int_equal(slo_discover_sloth(&set, NULL, NULL, NULL), 0);
	slo_set_free(&set);
	promql_result_free(&ro);
	promql_result_free(&rp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sloth_getting_started),
		cmocka_unit_test(test_sloth_home_wifi),
		cmocka_unit_test(test_openslo_fixtures),
		cmocka_unit_test(test_openslo_ref_same_file),
		cmocka_unit_test(test_openslo_ref_later_file),
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_window_subst),
		cmocka_unit_test(test_window_format),
		cmocka_unit_test(test_discover_sloth),
	};

	return cmocka_run_group_tests_name("slo", tests, NULL, NULL);
}
