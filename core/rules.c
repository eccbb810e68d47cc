/* rules.c: Prometheus rule files read with libyaml's document API, so every
 * node carries its line:col. The shape is the one Prometheus loads:
 * groups[] {name, interval, limit, query_offset, labels, rules[] {alert |
 * record, expr, for, keep_firing_for, labels, annotations}}. A broken YAML
 * document or top level is an error; a broken rule is a "problem" with its
 * position and the rest of the file is still read, so lint can report
 * everything in one pass. Input is untrusted: aliases are bounded by a node
 * visit budget and the number of problems kept is capped. */
#include "rules.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "duration.h"

#define RULES_FILE_MAX     (16u << 20)
#define RULES_VISITS_MAX   2000000   /* node visits: bounds alias fan-out */
#define RULES_PROBLEMS_MAX 200

/* One parse. */
struct rp {
	struct rule_file *rf;  /* borrowed: being filled */
	yaml_document_t *doc;  /* borrowed */
	const char *name;      /* borrowed: for messages */
	size_t visits;
	bool over_budget;
};

static struct rule_pos rp_pos(const yaml_node_t *n)
{
	struct rule_pos p = { (int)n->start_mark.line + 1, (int)n->start_mark.column + 1 };

	return p;
}

static void rp_problem(struct rp *p, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void rp_problem(struct rp *p, const yaml_node_t *n, const char *fmt, ...)
{
	struct rule_file *rf = p->rf;
	char msg[ERR_MAX];
	va_list ap;

	if (rf->n_problems > RULES_PROBLEMS_MAX)
		return;
	if (rf->n_problems == RULES_PROBLEMS_MAX) {
		snprintf(msg, sizeof msg, "too many problems; the rest are not shown");
	} else {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
	}
	rf->problems = xrealloc(rf->problems, (rf->n_problems + 1) * sizeof *rf->problems);
	rf->problems[rf->n_problems++] = xasprintf("%s:%zu:%zu: %s", p->name,
	                                           n->start_mark.line + 1,
	                                           n->start_mark.column + 1, msg);
}

/* A node by id, counting the work (aliases can make a small file refer to
 * one node many times). NULL when the budget is spent or the id is bad. */
static yaml_node_t *rp_node(struct rp *p, int id)
{
	if (++p->visits > RULES_VISITS_MAX) {
		p->over_budget = true;
		return NULL;
	}
	return yaml_document_get_node(p->doc, id);
}

static bool rp_is_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return !strcmp(v, "") || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* A scalar's text (malloced; NUL bytes end it, as they would for Go's
 * strings in promtool's messages), or NULL when n is not a scalar. */
static char *rp_scalar(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE)
		return NULL;
	if (rp_is_null(n))
		return xstrdup("");
	return xstrndup((const char *)n->data.scalar.value, n->data.scalar.length);
}

static bool rp_key_is(const yaml_node_t *k, const char *name)
{
	return k->type == YAML_SCALAR_NODE && strlen(name) == k->data.scalar.length &&
	       memcmp(k->data.scalar.value, name, k->data.scalar.length) == 0;
}

static bool rp_label_name_ok(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* Printable, bounded copy of an untrusted key for a message. */
static void rp_shown(const yaml_node_t *k, char *out, size_t n)
{
	size_t i, o = 0;

	if (k->type != YAML_SCALAR_NODE) {
		snprintf(out, n, "(not a string)");
		return;
	}
	for (i = 0; i < k->data.scalar.length && o + 5 < n; i++) {
		unsigned char c = k->data.scalar.value[i];

		out[o++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	if (i < k->data.scalar.length) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* Duplicate keys: YAML forbids them and Prometheus refuses the file. */
static bool rp_dup_key(struct rp *p, yaml_node_t *map, yaml_node_pair_t *pair)
{
	yaml_node_pair_t *q;
	yaml_node_t *k = rp_node(p, pair->key), *k2;
	char shown[64];

	if (!k || k->type != YAML_SCALAR_NODE)
		return false;
	for (q = map->data.mapping.pairs.start; q < pair; q++) {
		k2 = rp_node(p, q->key);
		if (k2 && k2->type == YAML_SCALAR_NODE &&
		    k2->data.scalar.length == k->data.scalar.length &&
		    memcmp(k2->data.scalar.value, k->data.scalar.value, k->data.scalar.length) == 0) {
			rp_shown(k, shown, sizeof shown);
			rp_problem(p, k, "duplicate key \"%s\"", shown);
			return true;
		}
	}
	return false;
}

/* labels: / annotations: a mapping of names to scalar values, read with
 * labelset_add() and one labelset_dedupe() (O(n log n), where a
 * labelset_set() per pair was O(n^2)). */
static void rp_labels(struct rp *p, yaml_node_t *m, const char *what,
                      struct labelset *ls, struct rule_pos **pos)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v;
	char *name, *value, shown[64];
	struct rule_pos *kp = NULL; /* of each pair added, parallel to ls->v[n0..] */
	size_t n0 = ls->n, kcap = 0, *from, i;

	if (rp_is_null(m))
		return;
	if (m->type != YAML_MAPPING_NODE) {
		rp_problem(p, m, "%s: expected a mapping of names to values", what);
		return;
	}
	for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top; pair++) {
		k = rp_node(p, pair->key);
		v = rp_node(p, pair->value);
		if (!k || !v)
			break;
		if (rp_dup_key(p, m, pair))
			continue;
		name = rp_scalar(k);
		if (!name || !rp_label_name_ok(name)) {
			rp_shown(k, shown, sizeof shown);
			rp_problem(p, k, "%s: invalid name \"%s\"", what, shown);
			free(name);
			continue;
		}
		value = rp_scalar(v);
		if (!value) {
			rp_problem(p, v, "%s.%s: expected a string value", what, name);
			free(name);
			continue;
		}
		labelset_add(ls, name, value);
		xgrow(&kp, &kcap, ls->n - n0, sizeof *kp);
		kp[ls->n - n0 - 1] = rp_pos(k);
		free(name);
		free(value);
	}
	/* a name twice (keys that differ only after a NUL): its first key's
	 * position, its last value */
	from = xcalloc(ls->n + 1, sizeof *from);
	labelset_dedupe_ex(ls, false, from);
	if (ls->n > n0) {
		*pos = xrealloc(*pos, ls->n * sizeof **pos);
		for (i = n0; i < ls->n; i++)
			(*pos)[i] = kp[from[i] - n0];
	}
	free(from);
	free(kp);
}

static void rp_rule_free(struct prom_rule *r)
{
	free(r->group);
	free(r->alert);
	free(r->record);
	free(r->expr);
	free(r->for_str);
	labelset_free(&r->labels);
	labelset_free(&r->annotations);
	free(r->label_pos);
	free(r->annotation_pos);
	memset(r, 0, sizeof *r);
}

/* One rule mapping: appended to rf (a rule with problems is kept when it
 * has a name, so lint still checks the rest of it). */
static void rp_rule(struct rp *p, yaml_node_t *m, const char *group)
{
	struct prom_rule r = {0};
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v, *expr_node = NULL;
	char **dst, err[ERR_MAX], shown[64];
	struct rule_file *rf = p->rf;

	if (m->type != YAML_MAPPING_NODE) {
		rp_problem(p, m, "a rule must be a mapping (alert or record, expr, ...)");
		return;
	}
	r.pos = rp_pos(m);
	r.expr_pos = r.pos;
	for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top; pair++) {
		k = rp_node(p, pair->key);
		v = rp_node(p, pair->value);
		if (!k || !v)
			goto out;
		if (rp_dup_key(p, m, pair))
			continue;
		dst = NULL;
		if (rp_key_is(k, "alert"))
			dst = &r.alert;
		else if (rp_key_is(k, "record"))
			dst = &r.record;
		else if (rp_key_is(k, "expr") && (expr_node = v))
			dst = &r.expr;
		else if (rp_key_is(k, "for"))
			dst = &r.for_str;
		if (dst) {
			free(*dst);
			*dst = rp_scalar(v);
			if (!*dst)
				rp_problem(p, v, "%.*s: expected a string", (int)k->data.scalar.length,
				           (const char *)k->data.scalar.value);
		} else if (rp_key_is(k, "labels")) {
			rp_labels(p, v, "labels", &r.labels, &r.label_pos);
		} else if (rp_key_is(k, "annotations")) {
			rp_labels(p, v, "annotations", &r.annotations, &r.annotation_pos);
		} else if (rp_key_is(k, "keep_firing_for")) {
			if (v->type != YAML_SCALAR_NODE)
				rp_problem(p, v, "keep_firing_for: expected a duration");
		} else {
			rp_shown(k, shown, sizeof shown);
			rp_problem(p, k, "unknown rule field \"%s\"", shown);
		}
	}
	if (expr_node && r.expr)
		r.expr_pos = rp_pos(expr_node);
	if (r.alert && r.record) {
		rp_problem(p, m, "a rule has either alert or record, not both");
	} else if (!r.alert && !r.record) {
		rp_problem(p, m, "a rule needs alert or record");
		goto out;
	}
	if ((r.alert && !*r.alert) || (r.record && !*r.record))
		rp_problem(p, m, "%s: empty name", r.alert ? "alert" : "record");
	if (!r.expr || !*r.expr)
		rp_problem(p, expr_node ? expr_node : m, "%s: no expr", r.alert ? r.alert : r.record);
	if (!r.expr)
		r.expr = xstrdup("");
	if (r.for_str && *r.for_str) {
		if (r.record)
			rp_problem(p, m, "for: only alerting rules have it");
		if (duration_parse(r.for_str, &r.for_ms, err) < 0) {
			r.for_ms = 0;
			rp_problem(p, m, "for: %s", err);
		}
	}
	r.group = xstrdup(group);
	rf->rules = xrealloc(rf->rules, (rf->n_rules + 1) * sizeof *rf->rules);
	rf->rules[rf->n_rules++] = r;
	return;
out:
	rp_rule_free(&r);
}

static void rp_group(struct rp *p, yaml_node_t *g)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v, *rules = NULL, *labels = NULL;
	yaml_node_item_t *it;
	struct labelset gl = {0};
	struct rule_pos *gp = NULL;
	char *name = NULL, shown[64];

	if (g->type != YAML_MAPPING_NODE) {
		rp_problem(p, g, "a group must be a mapping (name, rules)");
		return;
	}
	p->rf->n_groups++;
	for (pair = g->data.mapping.pairs.start; pair < g->data.mapping.pairs.top; pair++) {
		k = rp_node(p, pair->key);
		v = rp_node(p, pair->value);
		if (!k || !v)
			goto out;
		if (rp_dup_key(p, g, pair))
			continue;
		if (rp_key_is(k, "name")) {
			free(name);
			name = rp_scalar(v);
			if (!name)
				rp_problem(p, v, "name: expected a string");
		} else if (rp_key_is(k, "rules")) {
			rules = v;
		} else if (rp_key_is(k, "labels")) {
			labels = v;
		} else if (rp_key_is(k, "interval") || rp_key_is(k, "limit") ||
		           rp_key_is(k, "query_offset") || rp_key_is(k, "partial_response_strategy") ||
		           rp_key_is(k, "source_tenants")) {
			/* accepted, not used by lint (the last two are Thanos/Mimir's) */
		} else {
			rp_shown(k, shown, sizeof shown);
			rp_problem(p, k, "unknown group field \"%s\"", shown);
		}
	}
	if (!name || !*name)
		rp_problem(p, g, "a group needs a name");
	if (!rules || rp_is_null(rules))
		goto out;
	if (rules->type != YAML_SEQUENCE_NODE) {
		rp_problem(p, rules, "rules: expected a list");
		goto out;
	}
	if (labels)
		rp_labels(p, labels, "group labels", &gl, &gp);
	for (it = rules->data.sequence.items.start; it < rules->data.sequence.items.top; it++) {
		size_t first = p->rf->n_rules, i, j;

		v = rp_node(p, *it);
		if (!v)
			goto out;
		rp_rule(p, v, name ? name : "");
		/* group labels go to every rule that does not set them itself (gl
		 * holds each name once, so only the rule's own need looking up) */
		for (i = first; i < p->rf->n_rules; i++) {
			struct prom_rule *r = &p->rf->rules[i];
			struct labelset_index own;
			size_t n = r->labels.n;

			if (!gl.n)
				continue;
			labelset_index_init(&own, &r->labels);
			r->label_pos = xrealloc(r->label_pos, (n + gl.n) * sizeof *r->label_pos);
			for (j = 0; j < gl.n; j++) {
				if (labelset_index_get(&own, gl.v[j].name))
					continue;
				labelset_add(&r->labels, gl.v[j].name, gl.v[j].value);
				r->label_pos[r->labels.n - 1] = gp[j];
			}
			labelset_index_free(&own);
			r->label_pos = xrealloc(r->label_pos, r->labels.n * sizeof *r->label_pos);
		}
	}
out:
	labelset_free(&gl);
	free(gp);
	free(name);
}

static int rp_error(char *err, const char *name, const yaml_mark_t *m, const char *msg)
{
	return errf(err, "%s:%zu:%zu: %s", name, m->line + 1, m->column + 1, msg);
}

int rules_parse(const char *text, size_t len, const char *name, struct rule_file *rf,
                char err[ERR_MAX])
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *k, *v, *groups = NULL;
	yaml_node_pair_t *pair;
	yaml_node_item_t *it;
	struct rp p = { .rf = rf, .doc = &doc, .name = name ? name : "" };
	yaml_mark_t zero = {0};
	int rc = -1;
	char shown[64];

	memset(rf, 0, sizeof *rf);
	rf->name = xstrdup(p.name);
	if (!text)
		len = 0;
	if (len > RULES_FILE_MAX)
		return errf(err, "%s: %zu bytes, more than the %u byte limit", p.name, len, RULES_FILE_MAX);
	if (len && memchr(text, '\0', len))
		return rp_error(err, p.name, &zero, "not a text file (NUL bytes)");
	if (!yaml_parser_initialize(&parser))
		return errf(err, "%s: yaml parser init failed", p.name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""), len);
	if (!yaml_parser_load(&parser, &doc)) {
		char msg[ERR_MAX];

		snprintf(msg, sizeof msg, "YAML: %s%s%s", parser.problem ? parser.problem : "syntax error",
		         parser.context ? " " : "", parser.context ? parser.context : "");
		rp_error(err, p.name, &parser.problem_mark, msg);
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root || rp_is_null(root)) {
		rc = 0;   /* an empty file has no groups (promtool agrees) */
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		rp_error(err, p.name, &root->start_mark, "expected a mapping with \"groups\"");
		goto out;
	}
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		k = rp_node(&p, pair->key);
		v = rp_node(&p, pair->value);
		if (!k || !v)
			break;
		if (rp_key_is(k, "groups")) {
			groups = v;
		} else {
			rp_shown(k, shown, sizeof shown);
			rp_problem(&p, k, "unknown top-level field \"%s\" (expected groups)", shown);
		}
	}
	if (!groups) {
		rp_error(err, p.name, &root->start_mark, "no \"groups\" list");
		goto out;
	}
	if (rp_is_null(groups)) {
		rc = 0;
		goto out;
	}
	if (groups->type != YAML_SEQUENCE_NODE) {
		rp_error(err, p.name, &groups->start_mark, "groups: expected a list");
		goto out;
	}
	for (it = groups->data.sequence.items.start; it < groups->data.sequence.items.top; it++) {
		v = rp_node(&p, *it);
		if (!v)
			break;
		rp_group(&p, v);
	}
	if (p.over_budget) {
		rp_error(err, p.name, &root->start_mark, "too many nodes (alias expansion?)");
		goto out;
	}
	rc = 0;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int rules_load_file(const char *path, struct rule_file *rf, char err[ERR_MAX])
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(rf, 0, sizeof *rf);
	if (read_file(path, RULES_FILE_MAX, &text, &len, err) < 0) {
		rf->name = xstrdup(path);
		return -1;
	}
	rc = rules_parse(text, len, path, rf, err);
	free(text);
	return rc;
}

void rules_free(struct rule_file *rf)
{
	size_t i;

	if (!rf)
		return;
	for (i = 0; i < rf->n_rules; i++)
		rp_rule_free(&rf->rules[i]);
	free(rf->rules);
	for (i = 0; i < rf->n_problems; i++)
		free(rf->problems[i]);
	free(rf->problems);
	free(rf->name);
	memset(rf, 0, sizeof *rf);
}

const struct rule_pos *prom_rule_annotation_pos(const struct prom_rule *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->annotations.n; i++)
		if (strcmp(r->annotations.v[i].name, name) == 0)
			return r->annotation_pos ? &r->annotation_pos[i] : NULL;
	return NULL;
}
