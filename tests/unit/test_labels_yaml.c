/* test_labels_yaml.c: label sets read from YAML files (rule files, SLO
 * files, drills), where a name can come many times, keys can differ only
 * after a NUL byte, and aliases repeat nodes. Random files are parsed and
 * compared with what the old pair-by-pair labelset_set() meant, worked out
 * here from the pairs as written (labels_ref.h); then the shape of 40,000
 * labels, checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/drill.h"
#include "core/rules.h"
#include "core/slo.h"
#include "labels_ref.h"

#define ROUNDS 200
#define MANY 40000

/* A YAML text and its line count, for positions. */
struct doc {
	struct buf b;
	int line; /* of the next line written, 1-based */
};

static void doc_line(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void doc_line(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&d->b, fmt, ap);
	va_end(ap);
	buf_putc(&d->b, '\n');
	d->line++;
}

/* A name, now and then from a wider pool (so sets pass 32 and 256 names). */
static const char *wide_name(size_t wide)
{
	static char buf[16];

	if (wide && ref_rand(2)) {
		snprintf(buf, sizeof buf, "w%zu", ref_rand(wide));
		return buf;
	}
	return ref_name();
}

/* ---- rule files ----------------------------------------------------------- */

struct rpos {
	int line, col;
};

static bool ref_label_name_ok(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* A labels: mapping of n random pairs at indent; into want (and pos) as
 * rules.c read them before: a key written twice is skipped (a problem), a
 * name that is no label name too; a key may hold a NUL ("a\0x1"), which
 * ends its name, so names can still repeat: labelset_set() of each, the
 * position of the first. */
static void rules_map(struct doc *d, int indent, size_t n, struct labelset *want, struct rpos *pos)
{
	char (*raw)[48] = xcalloc(n + 1, sizeof *raw);
	size_t i, k;

	for (i = 0; i < n; i++) {
		char *name = xstrdup(ref_name());
		const char *value = ref_value();
		bool dup = false;

		if (ref_rand(4) == 0)
			snprintf(raw[i], sizeof raw[i], "%s\\0x%zu", name, ref_rand(3));
		else
			snprintf(raw[i], sizeof raw[i], "%s", name);
		for (k = 0; k < i; k++)
			dup = dup || !strcmp(raw[k], raw[i]);
		if (!dup && ref_label_name_ok(name)) {
			if (!ref_get(want, name))
				pos[want->n] = (struct rpos){ d->line, indent + 1 };
			ref_set(want, name, value);
		}
		doc_line(d, "%*s\"%s\": \"%s\"", indent, "", raw[i], value);
		free(name);
	}
	free(raw);
}

static void assert_rule_labels(const struct labelset *want, const struct rpos *wp,
                               const struct labelset *got, const struct rule_pos *gp)
{
	size_t i;

	ref_assert_same(want, got);
	for (i = 0; i < want->n; i++) {
		assert_int_equal(gp[i].line, wp[i].line);
		assert_int_equal(gp[i].col, wp[i].col);
	}
}

static void test_rules_differential(void **state)
{
	size_t r, i, k;

	(void)state;
	ref_seed(31);
	for (r = 0; r < ROUNDS; r++) {
		struct doc d = { {0}, 1 };
		struct labelset gl = {0}, want[4][2] = {{{0}}};
		struct rpos gp[40], wp[4][2][80];
		struct rule_file rf;
		char err[ERR_MAX];
		size_t n_rules = ref_rand(5);

		doc_line(&d, "groups:");
		doc_line(&d, "- name: g");
		if (r % 3) {
			doc_line(&d, "  labels:");
			rules_map(&d, 4, 1 + ref_rand(39), &gl, gp);
		}
		doc_line(&d, "  rules:%s", n_rules ? "" : " []");
		for (i = 0; i < n_rules; i++) {
			doc_line(&d, "  - alert: A%zu", i);
			doc_line(&d, "    expr: up");
			doc_line(&d, "    labels:");
			rules_map(&d, 6, 1 + ref_rand(39), &want[i][0], wp[i][0]);
			doc_line(&d, "    annotations:");
			rules_map(&d, 6, 1 + ref_rand(20), &want[i][1], wp[i][1]);
			/* the group's labels the rule does not set itself */
			for (k = 0; k < gl.n; k++) {
				if (ref_get(&want[i][0], gl.v[k].name))
					continue;
				wp[i][0][want[i][0].n] = gp[k];
				ref_set(&want[i][0], gl.v[k].name, gl.v[k].value);
			}
		}
		assert_int_equal(rules_parse(d.b.data, d.b.len, "r.yml", &rf, err), 0);
		assert_int_equal(rf.n_rules, n_rules);
		for (i = 0; i < n_rules; i++) {
			assert_rule_labels(&want[i][0], wp[i][0], &rf.rules[i].labels, rf.rules[i].label_pos);
			assert_rule_labels(&want[i][1], wp[i][1], &rf.rules[i].annotations,
			                   rf.rules[i].annotation_pos);
			labelset_free(&want[i][0]);
			labelset_free(&want[i][1]);
		}
		rules_free(&rf);
		labelset_free(&gl);
		buf_free(&d.b);
	}
}

/* ---- SLO files ------------------------------------------------------------ */

/* A labels: mapping at indent; into want as sp_labels() reads it: keys
 * with a NUL and values that are not strings are skipped, and every pair
 * once 256 names are held. */
static void slo_map(struct doc *d, int indent, size_t n, size_t wide, struct labelset *want)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *name = xstrdup(wide_name(wide));
		const char *value = ref_value();
		size_t kind = ref_rand(12);

		if (kind == 0) {
			doc_line(d, "%*s\"%s\\0\": \"%s\"", indent, "", name, value);
		} else if (kind == 1) {
			doc_line(d, "%*s\"%s\": [1]", indent, "", name);
		} else {
			doc_line(d, "%*s\"%s\": \"%s\"", indent, "", name, value);
			if (want->n < 256)
				ref_set(want, name, value);
		}
		free(name);
	}
	if (!n)
		doc_line(d, "%*s{}", indent, "");
}

static void test_slo_differential(void **state)
{
	size_t r, i, k;

	(void)state;
	ref_seed(32);
	for (r = 0; r < ROUNDS; r++) {
		struct doc d = { {0}, 1 };
		struct labelset common = {0}, want[5] = {{0}};
		struct slo_set set = {0};
		char err[ERR_MAX];
		size_t n_slos = 1 + ref_rand(5), wide = r % 2 ? 2000 : 0;
		bool crd = r % 3 == 0;
		int in = crd ? 2 : 0;

		if (crd) {
			doc_line(&d, "apiVersion: sloth.slok.dev/v1");
			doc_line(&d, "kind: PrometheusServiceLevel");
			doc_line(&d, "metadata:");
			doc_line(&d, "  name: x");
			doc_line(&d, "  labels:");
			slo_map(&d, 4, ref_rand(200), wide, &common);
			doc_line(&d, "spec:");
		} else {
			doc_line(&d, "version: prometheus/v1");
		}
		doc_line(&d, "%*sservice: s", in, "");
		doc_line(&d, "%*slabels:", in, "");
		slo_map(&d, in + 2, ref_rand(wide ? 600 : 100), wide, &common);
		doc_line(&d, "%*sslos:", in, "");
		for (i = 0; i < n_slos; i++) {
			doc_line(&d, "%*s  - name: o%zu", in, "", i);
			doc_line(&d, "%*s    objective: 99", in, "");
			doc_line(&d, "%*s    sli: {events: {error_query: e, total_query: t}}", in, "");
			doc_line(&d, "%*s    labels:", in, "");
			for (k = 0; k < common.n; k++)
				ref_set(&want[i], common.v[k].name, common.v[k].value);
			slo_map(&d, in + 6, ref_rand(100), wide, &want[i]);
		}
		if (slo_parse(&set, d.b.data, d.b.len, "s.yaml", err) < 0)
			fail_msg("%s", err);
		assert_int_equal(set.n, n_slos);
		for (i = 0; i < n_slos; i++) {
			ref_assert_same(&want[i], &set.v[i].labels);
			labelset_free(&want[i]);
		}
		slo_set_free(&set);
		labelset_free(&common);
		buf_free(&d.b);
	}
}

/* ---- drills ----------------------------------------------------------------- */

/* A labels: mapping of explicit pairs at indent 6, keys and values
 * sometimes anchored and later aliased; want gets labelset_set() of each
 * pair as it expands. Now and then a value is a list: the drill is then
 * refused, and *bad names the first such place. */
static void drill_map(struct doc *d, size_t n, size_t wide, struct labelset *want, char *bad,
                      int *anchors, char (*anchor_name)[16], char (*anchor_value)[16])
{
	size_t i;

	for (i = 0; i < n; i++) {
		char name[16], value[16], key[40], val[40];
		size_t a;

		snprintf(name, sizeof name, "%s", wide_name(wide));
		if (!*name)
			snprintf(name, sizeof name, "e");
		snprintf(value, sizeof value, "%s", ref_value());
		snprintf(key, sizeof key, "\"%s\"", name);
		snprintf(val, sizeof val, "\"%s\"", value);
		if (*anchors && ref_rand(3) == 0) { /* an alias of an earlier key and value */
			a = ref_rand((size_t)*anchors);
			snprintf(name, sizeof name, "%s", anchor_name[a]);
			snprintf(key, sizeof key, "*k%zu", a);
			if (ref_rand(2)) {
				snprintf(value, sizeof value, "%s", anchor_value[a]);
				snprintf(val, sizeof val, "*v%zu", a);
			}
		} else if (*anchors < 64 && ref_rand(4) == 0) {
			a = (size_t)(*anchors)++;
			snprintf(anchor_name[a], sizeof anchor_name[a], "%s", name);
			snprintf(anchor_value[a], sizeof anchor_value[a], "%s", value);
			snprintf(key, sizeof key, "&k%zu \"%s\"", a, name);
			snprintf(val, sizeof val, "&v%zu \"%s\"", a, value);
		}
		doc_line(d, "      ? %s", key);
		if (!*bad && *val != '&' && ref_rand(300) == 0) {
			snprintf(bad, ERR_MAX, "d:%d:9: labels.%s: expected a string", d->line, name);
			doc_line(d, "      : [1]");
			continue;
		}
		doc_line(d, "      : %s", val);
		if (!*bad)
			ref_set(want, name, value);
	}
}

static void test_drill_differential(void **state)
{
	size_t r, i, k;

	(void)state;
	ref_seed(33);
	for (r = 0; r < ROUNDS; r++) {
		struct doc d = { {0}, 1 };
		struct labelset want[8] = {{0}};
		char bad[ERR_MAX] = "", twice[ERR_MAX] = "", err[ERR_MAX] = "", names[8][2];
		char anchor_name[64][16], anchor_value[64][16];
		int anchors = 0, lines[8];
		size_t n = 1 + ref_rand(8), wide = r % 2 ? 80 : 0;
		struct drill dr;
		int rc;

		doc_line(&d, "name: d");
		doc_line(&d, "duration: 30m");
		doc_line(&d, "alerts:");
		for (i = 0; i < n; i++) {
			snprintf(names[i], sizeof names[i], "%c", ref_rand(2) ? 'A' : 'B');
			lines[i] = d.line;
			doc_line(&d, "  - name: %s", names[i]);
			for (k = r % 4 ? 1 : 1 + ref_rand(2); k > 0; k--) { /* labels: twice */
				size_t pairs = wide && i % 2 ? 1 + ref_rand(80) : ref_rand(6);

				doc_line(&d, "    labels:%s", pairs ? "" : " {}");
				drill_map(&d, pairs, wide, &want[i], bad, &anchors, anchor_name, anchor_value);
			}
			ref_set(&want[i], "alertname", names[i]);
			ref_sort(&want[i]);
		}
		for (i = 0; i < n && !*twice; i++)
			for (k = 0; k < i && !*twice; k++)
				if (!strcmp(names[i], names[k]) && ref_equal(&want[i], &want[k]))
					snprintf(twice, sizeof twice, "d:%d:5: alert %s is given twice",
					         lines[i], names[i]);
		rc = drill_parse(&dr, d.b.data, d.b.len, "d", err);
		if (*bad || *twice) {
			assert_int_equal(rc, -1);
			assert_string_equal(err, *bad ? bad : twice);
		} else {
			if (rc < 0)
				fail_msg("%s", err);
			assert_int_equal(dr.n_alerts, n);
			for (i = 0; i < n; i++)
				ref_assert_same(&want[i], &dr.alerts[i].labels);
			drill_free(&dr);
		}
		for (i = 0; i < n; i++)
			labelset_free(&want[i]);
		buf_free(&d.b);
	}
}

/* ---- 40,000 labels ------------------------------------------------------- */

/* A rule file cannot hold one mapping of 40,000 labels (duplicate keys are
 * looked for pair by pair, which the file's node budget bounds), so: 1,000
 * group labels into 40 rules that each set one of them themselves. */
static void test_rules_many(void **state)
{
	struct doc d = { {0}, 1 };
	struct rule_file rf;
	char err[ERR_MAX], name[16];
	size_t i, k;

	(void)state;
	doc_line(&d, "groups:");
	doc_line(&d, "- name: g");
	doc_line(&d, "  labels:");
	for (i = 0; i < 1000; i++)
		doc_line(&d, "    g%03zu: \"%zu\"", (i * 7) % 1000, i);
	doc_line(&d, "  rules:");
	for (i = 0; i < 40; i++)
		doc_line(&d, "  - {alert: A%zu, expr: up, labels: {g%03zu: own}}", i, i);
	assert_int_equal(rules_parse(d.b.data, d.b.len, "r.yml", &rf, err), 0);
	assert_int_equal(rf.n_problems, 0);
	assert_int_equal(rf.n_rules, 40);
	for (i = 0; i < 40; i++) {
		const struct prom_rule *r = &rf.rules[i];
		size_t at = 1;

		assert_int_equal(r->labels.n, 1000);
		snprintf(name, sizeof name, "g%03zu", i);
		assert_string_equal(r->labels.v[0].name, name);
		assert_string_equal(r->labels.v[0].value, "own");
		assert_int_equal(r->label_pos[0].line, 1005 + (int)i);
		for (k = 0; k < 1000; k++) {
			snprintf(name, sizeof name, "g%03zu", (k * 7) % 1000);
			if ((k * 7) % 1000 == i)
				continue;
			assert_string_equal(r->labels.v[at].name, name);
			assert_int_equal(r->label_pos[at].line, 4 + (int)k);
			at++;
		}
	}
	rules_free(&rf);
	buf_free(&d.b);
}

/* An SLO file whose labels name 40,000 labels, twice over, for 1,000 SLOs:
 * each SLO keeps the first 256. */
static void test_slo_many(void **state)
{
	struct doc d = { {0}, 1 };
	struct slo_set set = {0};
	char err[ERR_MAX], name[16];
	size_t i, k;

	(void)state;
	doc_line(&d, "version: prometheus/v1");
	doc_line(&d, "service: s");
	doc_line(&d, "labels:");
	for (i = 0; i < 2 * MANY; i++)
		doc_line(&d, "  l%05zu: \"%zu\"", i % MANY, i);
	doc_line(&d, "slos:");
	for (i = 0; i < 1000; i++)
		doc_line(&d, "  - {name: o%zu, objective: 99, labels: {l00001: mine, x: y}, "
		         "sli: {events: {error_query: e, total_query: t}}}", i);
	if (slo_parse(&set, d.b.data, d.b.len, "s.yaml", err) < 0)
		fail_msg("%s", err);
	assert_int_equal(set.n, 1000);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(set.v[i].labels.n, 256);
		for (k = 0; k < 256; k++) {
			snprintf(name, sizeof name, "l%05zu", k);
			assert_string_equal(set.v[i].labels.v[k].name, name);
		}
		assert_string_equal(set.v[i].labels.v[0].value, "0");
		assert_string_equal(set.v[i].labels.v[1].value, "1"); /* full: "mine" is not set */
	}
	slo_set_free(&set);
	buf_free(&d.b);
}

/* A drill alert of 40,000 labels, every third given again further down
 * (through an alias, for some) and a second labels: mapping; then 999
 * alerts of one name whose labels differ in one place, the last two equal. */
static void test_drill_many(void **state)
{
	struct doc d = { {0}, 1 };
	struct drill dr;
	char err[ERR_MAX], name[64];
	size_t i, twin_line = 0;

	(void)state;
	doc_line(&d, "name: d");
	doc_line(&d, "duration: 30m");
	doc_line(&d, "alerts:");
	doc_line(&d, "  - name: Big");
	doc_line(&d, "    labels:");
	doc_line(&d, "      ? &first l00000");
	doc_line(&d, "      : \"0\"");
	for (i = 1; i < MANY; i++)
		doc_line(&d, "      l%05zu: \"%zu\"", (i * 7919) % MANY, i);
	for (i = 0; i < MANY; i += 3)
		doc_line(&d, "      l%05zu: again", i);
	doc_line(&d, "      *first : last");
	doc_line(&d, "    labels: {extra: \"1\"}");
	assert_int_equal(drill_parse(&dr, d.b.data, d.b.len, "d", err), 0);
	assert_int_equal(dr.alerts[0].labels.n, MANY + 2);
	for (i = 0; i < MANY; i++) { /* sorted: alertname, extra, l00000, ... */
		snprintf(name, sizeof name, "l%05zu", i);
		assert_string_equal(dr.alerts[0].labels.v[i + 2].name, name);
		if (i == 0)
			assert_string_equal(dr.alerts[0].labels.v[i + 2].value, "last");
		else if (i % 3 == 0)
			assert_string_equal(dr.alerts[0].labels.v[i + 2].value, "again");
	}
	drill_free(&dr);

	for (i = 0; i < 999; i++) { /* with Big, the most a drill may have */
		if (i == 998)
			twin_line = (size_t)d.line;
		doc_line(&d, "  - {name: Many, labels: {a: \"1\", b: \"2\", c: \"%zu\"}}",
		         i == 998 ? 997 : i);
	}
	assert_int_equal(drill_parse(&dr, d.b.data, d.b.len, "d", err), -1);
	snprintf(name, sizeof name, "d:%zu:5: alert Many is given twice", twin_line);
	assert_string_equal(err, name);
	buf_free(&d.b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_differential),
		cmocka_unit_test(test_slo_differential),
		cmocka_unit_test(test_drill_differential),
		cmocka_unit_test(test_rules_many),
		cmocka_unit_test(test_slo_many),
		cmocka_unit_test(test_drill_many),
	};

	return cmocka_run_group_tests_name("labels_yaml", tests, NULL, NULL);
}
