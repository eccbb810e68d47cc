/* drill.c: the drill scenario parser (see drill.h, docs/drills.md). libyaml
 * loads the document; a walk over its nodes checks every key and value and
 * reports the first problem as FILE:LINE:COL. Unknown keys are errors, so a
 * typo in a drill never silently turns into a drill that cannot be won. */
#include "drill.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "duration.h"
#include "matcher.h"

#define DRILL_READ_MAX (4u << 20)

#define DRILL_MAX_TOTAL_POINTS 200000 /* over all curves (aliases can repeat one) */

struct dp {
	yaml_document_t *doc;
	const char *file;
	char *err;
	size_t points;                     /* points parsed so far, all curves */
	bool canned_only;                  /* drill_parse_canned: no alerts, metrics, inject */
};

static int dp_err(struct dp *p, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int dp_err(struct dp *p, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return errf(p->err, "%s:%zu:%zu: %s", p->file, n ? n->start_mark.line + 1 : 1,
	            n ? n->start_mark.column + 1 : 1, msg);
}

static yaml_node_t *dp_node(struct dp *p, int id)
{
	return yaml_document_get_node(p->doc, id);
}

static const char *dp_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int dp_str(struct dp *p, const yaml_node_t *n, const char *what, char **out)
{
	const char *s = dp_scalar(n);

	if (!s)
		return dp_err(p, n, "%s: expected a string", what);
	if (strlen(s) != n->data.scalar.length)
		return dp_err(p, n, "%s: NUL byte in string", what);
	free(*out);
	*out = xstrdup(s);
	return 0;
}

/* A time: "5m", "90s", "1h30m", a bare number (seconds), a leading '-' for
 * before the drill began, or "never". */
static int dp_time(struct dp *p, const yaml_node_t *n, const char *what, bool allow_never,
                   double *out)
{
	const char *s = dp_scalar(n);
	char derr[ERR_MAX];
	int64_t ms;
	bool neg = false;
	char *end;
	double v;

	if (!s || !*s)
		return dp_err(p, n, "%s: expected a duration like 5m", what);
	if (allow_never && !strcmp(s, "never")) {
		*out = DRILL_NEVER;
		return 0;
	}
	v = strtod(s, &end);
	if (end != s && *end == '\0') {
		if (!isfinite(v) || fabs(v) > 1e9)
			return dp_err(p, n, "%s: %s is out of range", what, s);
		*out = v;
		return 0;
	}
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (duration_parse(s, &ms, derr) < 0)
		return dp_err(p, n, "%s: %s", what, derr);
	*out = (neg ? -1.0 : 1.0) * (double)ms / 1000.0;
	return 0;
}

static int dp_num(struct dp *p, const yaml_node_t *n, const char *what, double lo, double hi,
                  double *out)
{
	const char *s = dp_scalar(n);
	char *end;
	double v;

	if (!s || !*s)
		return dp_err(p, n, "%s: expected a number", what);
	v = strtod(s, &end);
	if (end != s && (*end == 'x' || *end == 'X') && end[1] == '\0')
		end++; /* speed: 10x */
	if (end == s || *end || !isfinite(v))
		return dp_err(p, n, "%s: expected a number, not \"%.40s\"", what, s);
	if (v < lo || v > hi)
		return dp_err(p, n, "%s: %g is out of range [%g, %g]", what, v, lo, hi);
	*out = v;
	return 0;
}

static int dp_regex(struct dp *p, const yaml_node_t *n, const char *what, const char *pat,
                    regex_t *re)
{
	char msg[ERR_MAX];

	/* the filter's limits: a scenario cannot hang regcomp either */
	if (matcher_regcomp_search(re, pat, REG_ICASE, msg) < 0)
		return dp_err(p, n, "%s: %s", what, msg); /* nothing to free */
	return 0;
}

/* Iterate a mapping: for each pair, k is the key string, v the value. */
#define DP_MAP_EACH(p, map, pair, k, kn, v)                                            \
	for (yaml_node_pair_t *pair = (map)->data.mapping.pairs.start;                  \
	     pair < (map)->data.mapping.pairs.top &&                                     \
	     ((kn) = dp_node(p, pair->key), (v) = dp_node(p, pair->value),               \
	      (k) = dp_scalar(kn) ? dp_scalar(kn) : "", 1);                              \
	     pair++)

static int dp_expect(struct dp *p, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
	static const char *names[] = { "nothing", "a string", "a list", "a mapping" };

	if (!n || n->type != t)
		return dp_err(p, n, "%s: expected %s", what, names[t]);
	return 0;
}

static size_t dp_seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

/* A pair's key node id and its position. */
struct dp_key {
	int id;
	size_t i;
};

static int dp_key_cmp(const void *x, const void *y)
{
	const struct dp_key *a = x, *b = y;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

/* keep[i] for the first and the last of pairs[0..n) with each key node. A
 * pair between two of the same key node (an alias repeats its node) neither
 * places its name nor gives the last value, so adding only the kept pairs
 * and then labelset_dedupe() gives what adding all gives, and a long
 * aliased key is copied twice however often it is repeated. */
static void dp_keep_ends(const yaml_node_pair_t *pairs, size_t n, bool *keep)
{
	struct dp_key *k = xcalloc(n + 1, sizeof *k);
	size_t i;

	for (i = 0; i < n; i++)
		k[i] = (struct dp_key){ pairs[i].key, i };
	qsort(k, n, sizeof *k, dp_key_cmp);
	for (i = 0; i < n; i++)
		keep[k[i].i] = i == 0 || i + 1 == n || k[i - 1].id != k[i].id || k[i + 1].id != k[i].id;
	free(k);
}

static const char *dp_pair_key(struct dp *p, const yaml_node_pair_t *pair)
{
	return dp_scalar(dp_node(p, pair->key));
}

static const char *dp_pair_value(struct dp *p, const yaml_node_pair_t *pair)
{
	return dp_scalar(dp_node(p, pair->value));
}

/* Names a set holds before dp_labels() stops looking each one up. */
#define DP_LABELS_SMALL 32

/* A mapping of names to strings into ls (a name given twice: the last
 * value); the pairs before a bad one are still added. labelset_set() while
 * ls is small: cheapest when an aliased mapping repeats a few names many
 * times. Then labelset_add() and labelset_dedupe(), O(n log n). */
static int dp_labels(struct dp *p, const yaml_node_t *n, const char *what, struct labelset *ls)
{
	const yaml_node_pair_t *pairs;
	size_t m, e, i, first = 0;
	int rc = 0;

	if (dp_expect(p, n, YAML_MAPPING_NODE, what) < 0)
		return -1;
	pairs = n->data.mapping.pairs.start;
	m = (size_t)(n->data.mapping.pairs.top - pairs);
	for (e = 0; e < m; e++) { /* to the first bad pair; pairs[0..first) are set */
		const yaml_node_t *kn = dp_node(p, pairs[e].key), *v = dp_node(p, pairs[e].value);
		const char *k = dp_scalar(kn), *s = dp_scalar(v);

		if (!k || !*k) {
			rc = dp_err(p, kn, "%s: names must be strings", what);
			break;
		}
		if (!s) {
			rc = dp_err(p, v, "%s.%s: expected a string", what, k);
			break;
		}
		if (first == e && ls->n <= DP_LABELS_SMALL) {
			labelset_set(ls, k, s);
			first++;
		}
	}
	if (first < e) {
		bool *keep = xcalloc(e - first, sizeof *keep);

		dp_keep_ends(pairs + first, e - first, keep);
		for (i = first; i < e; i++)
			if (keep[i - first])
				labelset_add(ls, dp_pair_key(p, &pairs[i]), dp_pair_value(p, &pairs[i]));
		free(keep);
		labelset_dedupe(ls);
	}
	return rc;
}

/* resolve_on: {mitigation: "..."} */
static int dp_mitigation(struct dp *p, const yaml_node_t *n, const char *what, char **out)
{
	const yaml_node_t *kn, *v;
	const char *k;

	if (n && n->type == YAML_SCALAR_NODE)
		return dp_str(p, n, what, out);
	if (dp_expect(p, n, YAML_MAPPING_NODE, what) < 0)
		return -1;
	DP_MAP_EACH(p, n, pair, k, kn, v) {
		if (strcmp(k, "mitigation") != 0)
			return dp_err(p, kn, "%s: unknown key \"%.40s\" (want mitigation)", what, k);
		if (dp_str(p, v, what, out) < 0)
			return -1;
	}
	if (!*out || !**out)
		return dp_err(p, n, "%s: mitigation is empty", what);
	return 0;
}

static int dp_alert(struct dp *p, const yaml_node_t *n, struct drill_alert *a)
{
	const yaml_node_t *kn, *v;
	const char *k;
	bool have_fire = false;
	char *on = NULL;

	a->fire_at = 0;
	a->resolve_at = DRILL_NEVER;
	a->line = (int)n->start_mark.line + 1;
	a->col = (int)n->start_mark.column + 1;
	if (dp_expect(p, n, YAML_MAPPING_NODE, "alert") < 0)
		return -1;
	DP_MAP_EACH(p, n, pair, k, kn, v) {
		int rc;

		if (!strcmp(k, "name"))
			rc = dp_str(p, v, "alert name", &a->name);
		else if (!strcmp(k, "labels"))
			rc = dp_labels(p, v, "labels", &a->labels);
		else if (!strcmp(k, "annotations"))
			rc = dp_labels(p, v, "annotations", &a->annotations);
		else if (!strcmp(k, "fire_at"))
			rc = dp_time(p, v, "fire_at", true, &a->fire_at), have_fire = true;
		else if (!strcmp(k, "resolve_at"))
			rc = dp_time(p, v, "resolve_at", true, &a->resolve_at);
		else if (!strcmp(k, "resolve_on"))
			rc = dp_mitigation(p, v, "resolve_on", &on);
		else
			rc = dp_err(p, kn, "alert: unknown key \"%.40s\"", k);
		if (rc < 0)
			goto fail;
	}
	if (!a->name && labelset_get(&a->labels, "alertname"))
		a->name = xstrdup(labelset_get(&a->labels, "alertname"));
	if (!a->name || !*a->name) {
		dp_err(p, n, "alert: name is required");
		goto fail;
	}
	labelset_set(&a->labels, "alertname", a->name);
	labelset_sort(&a->labels);
	if (!have_fire)
		a->fire_at = 0;
	if (a->resolve_at != DRILL_NEVER && a->resolve_at <= a->fire_at) {
		dp_err(p, n, "alert %.60s: resolve_at must come after fire_at", a->name);
		goto fail;
	}
	if (on && dp_regex(p, n, "resolve_on", on, &a->resolve_re) < 0)
		goto fail;
	a->resolve_on = on;
	return 0;
fail:
	free(on);
	return -1;
}

static int dp_point_cmp(const void *x, const void *y)
{
	const struct drill_point *a = x, *b = y;

	return a->t < b->t ? -1 : a->t > b->t;
}

static int dp_curve(struct dp *p, const yaml_node_t *n, struct drill_curve *c)
{
	const yaml_node_t *kn, *v;
	const char *k;
	size_t i;

	if (dp_expect(p, n, YAML_MAPPING_NODE, "metric") < 0)
		return -1;
	DP_MAP_EACH(p, n, pair, k, kn, v) {
		int rc = 0;

		if (!strcmp(k, "series") || !strcmp(k, "query")) {
			if (c->name)
				return dp_err(p, kn, "metric: give series or query, not both");
			rc = dp_str(p, v, k, &c->name);
		} else if (!strcmp(k, "noise")) {
			rc = dp_num(p, v, "noise", 0, 10, &c->noise);
		} else if (!strcmp(k, "points")) {
			if (dp_expect(p, v, YAML_SEQUENCE_NODE, "points") < 0)
				return -1;
			if (dp_seq_len(v) == 0 || dp_seq_len(v) > DRILL_MAX_POINTS)
				return dp_err(p, v, "points: 1 to %d [t, value] pairs", DRILL_MAX_POINTS);
			p->points += dp_seq_len(v);
			if (p->points > DRILL_MAX_TOTAL_POINTS)
				return dp_err(p, v, "points: more than %d in all curves",
				              DRILL_MAX_TOTAL_POINTS);
			free(c->pts);
			c->n = 0;
			c->pts = xcalloc(dp_seq_len(v), sizeof *c->pts);
			for (i = 0; i < dp_seq_len(v); i++) {
				const yaml_node_t *pt = dp_node(p, v->data.sequence.items.start[i]);

				if (!pt || pt->type != YAML_SEQUENCE_NODE || dp_seq_len(pt) != 2)
					return dp_err(p, pt, "points: each point is [t, value]");
				if (dp_time(p, dp_node(p, pt->data.sequence.items.start[0]), "point time",
				            false, &c->pts[i].t) < 0 ||
				    dp_num(p, dp_node(p, pt->data.sequence.items.start[1]), "point value",
				           -1e15, 1e15, &c->pts[i].v) < 0)
					return -1;
				c->n++;
			}
			qsort(c->pts, c->n, sizeof *c->pts, dp_point_cmp);
		} else {
			rc = dp_err(p, kn, "metric: unknown key \"%.40s\"", k);
		}
		if (rc < 0)
			return -1;
	}
	if (!c->name || !*c->name)
		return dp_err(p, n, "metric: series or query is required");
	if (!c->n)
		return dp_err(p, n, "metric %.60s: points are required", c->name);
	return 0;
}

static int dp_canned(struct dp *p, const yaml_node_t *n, struct drill_canned *c)
{
	const yaml_node_t *kn, *v;
	const char *k;
	double ex = 0;
	enum drill_match match = DRILL_MATCH_EXACT;

	c->output = xstrdup("");
	if (dp_expect(p, n, YAML_MAPPING_NODE, "canned") < 0)
		return -1;
	DP_MAP_EACH(p, n, pair, k, kn, v) {
		int rc = 0;

		if (!strcmp(k, "match")) {
			const char *s = dp_scalar(v);

			if (s && !strcmp(s, "exact"))
				match = DRILL_MATCH_EXACT;
			else if (s && !strcmp(s, "regex"))
				match = DRILL_MATCH_REGEX;
			else
				rc = dp_err(p, v, "match: exact or regex");
		} else if (!strcmp(k, "command")) {
			rc = dp_str(p, v, "command", &c->command);
		} else if (!strcmp(k, "alert")) {
			rc = dp_str(p, v, "alert", &c->alert);
			if (!rc && !*c->alert)
				rc = dp_err(p, v, "alert: empty");
		} else if (!strcmp(k, "output")) {
			rc = dp_str(p, v, "output", &c->output);
		} else if (!strcmp(k, "exit")) {
			rc = dp_num(p, v, "exit", 0, 255, &ex);
			c->exit_code = (int)ex;
		} else if (!strcmp(k, "delay")) {
			rc = dp_time(p, v, "delay", false, &c->delay);
			if (!rc && (c->delay < 0 || c->delay > 600))
				rc = dp_err(p, v, "delay: 0 to 10m");
		} else {
			rc = dp_err(p, kn, "canned: unknown key \"%.40s\"", k);
		}
		if (rc < 0)
			return -1;
	}
	if (!c->command || !*c->command)
		return dp_err(p, n, "canned: command is required");
	if (match == DRILL_MATCH_REGEX) {
		char msg[ERR_MAX];

		if (matcher_regcomp_search(&c->re, c->command, 0, msg) < 0)
			return dp_err(p, n, "canned: %s", msg);
	}
	c->match = match; /* only now is there a regex to free */
	return 0;
}

/* {at: 5m, fire: X} | {on_mitigation: "re", worsen: curve, factor: 3} ... */
static int dp_inject(struct dp *p, const yaml_node_t *n, struct drill_inject *in)
{
	const yaml_node_t *kn, *v;
	const char *k;
	int actions = 0;
	bool have_at = false;
	char *on = NULL;

	in->at = DRILL_NEVER;
	in->factor = 2;
	in->line = (int)n->start_mark.line + 1;
	in->col = (int)n->start_mark.column + 1;
	if (dp_expect(p, n, YAML_MAPPING_NODE, "inject") < 0)
		return -1;
	DP_MAP_EACH(p, n, pair, k, kn, v) {
		int rc = 0;

		if (!strcmp(k, "at")) {
			rc = dp_time(p, v, "at", false, &in->at);
			have_at = true;
		} else if (!strcmp(k, "on_mitigation")) {
			rc = dp_str(p, v, "on_mitigation", &on);
		} else if (!strcmp(k, "fire") || !strcmp(k, "resolve") || !strcmp(k, "worsen")) {
			in->action = k[0] == 'f' ? DRILL_FIRE : k[0] == 'r' ? DRILL_RESOLVE : DRILL_WORSEN;
			rc = dp_str(p, v, k, &in->target);
			actions++;
		} else if (!strcmp(k, "factor")) {
			rc = dp_num(p, v, "factor", 0, 1e6, &in->factor);
		} else {
			rc = dp_err(p, kn, "inject: unknown key \"%.40s\"", k);
		}
		if (rc < 0)
			goto fail;
	}
	if (have_at == !!on) {
		dp_err(p, n, "inject: give exactly one of at or on_mitigation");
		goto fail;
	}
	if (actions != 1) {
		dp_err(p, n, "inject: give exactly one of fire, resolve or worsen");
		goto fail;
	}
	if (on) {
		if (!*on) {
			dp_err(p, n, "inject: on_mitigation is empty");
			goto fail;
		}
		if (dp_regex(p, n, "on_mitigation", on, &in->on_re) < 0)
			goto fail;
	}
	in->on_mitigation = on;
	return 0;
fail:
	free(on);
	return -1;
}

/* Parse a list key into a growable array with a per-item parser. */
#define DP_LIST(p, v, what, arr, n, fn)                                                  \
	do {                                                                              \
		size_t i_;                                                                \
		if (dp_expect(p, v, YAML_SEQUENCE_NODE, what) < 0)                        \
			goto fail;                                                        \
		if (dp_seq_len(v) > DRILL_MAX_ITEMS) {                                    \
			dp_err(p, v, "%s: more than %d items", what, DRILL_MAX_ITEMS);     \
			goto fail;                                                        \
		}                                                                         \
		if (arr)                                                                  \
			{ dp_err(p, v, "%s: given twice", what); goto fail; }              \
		arr = xcalloc(dp_seq_len(v) + 1, sizeof *(arr));                          \
		for (i_ = 0; i_ < dp_seq_len(v); i_++) {                                  \
			n++;                                                              \
			if (fn(p, dp_node(p, v->data.sequence.items.start[i_]), &(arr)[i_]) < 0) \
				goto fail;                                                \
		}                                                                         \
	} while (0)

/* An alert's name and a hash of its labels that does not depend on their
 * order (equal sets hash alike), with its position. */
struct dp_twin {
	const char *name; /* borrowed */
	uint64_t h;
	size_t i;
};

static uint64_t dp_labels_hash(const struct labelset *ls)
{
	uint64_t sum = 0, h;
	const unsigned char *c;
	size_t i;
	int k;

	for (i = 0; i < ls->n; i++) {
		h = 14695981039346656037ULL; /* FNV-1a over name 0xff value 0xff */
		for (k = 0; k < 2; k++) {
			for (c = (const unsigned char *)(k ? ls->v[i].value : ls->v[i].name); *c; c++)
				h = (h ^ *c) * 1099511628211ULL;
			h = (h ^ 0xff) * 1099511628211ULL;
		}
		h ^= h >> 33; /* and mixed, so that a sum of them does not cancel out */
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
		sum += h;
	}
	return sum;
}

static int dp_twin_cmp(const void *x, const void *y)
{
	const struct dp_twin *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

/* The first alert (by position) with the name and labels of one before it,
 * or SIZE_MAX: as comparing every pair would find, in O(n log n) (only
 * alerts of one name and hash are compared). */
static size_t dp_first_twin(const struct drill *d)
{
	struct dp_twin *t = xcalloc(d->n_alerts + 1, sizeof *t);
	size_t i, g, e, j, l, first = SIZE_MAX;

	for (i = 0; i < d->n_alerts; i++)
		t[i] = (struct dp_twin){ d->alerts[i].name, dp_labels_hash(&d->alerts[i].labels), i };
	qsort(t, d->n_alerts, sizeof *t, dp_twin_cmp);
	for (g = 0; g < d->n_alerts; g = e) {
		for (e = g + 1; e < d->n_alerts && !strcmp(t[e].name, t[g].name) && t[e].h == t[g].h; e++)
			;
		for (j = g + 1; j < e && t[j].i < first; j++) {
			for (l = g; l < j; l++)
				if (labelset_equal(&d->alerts[t[j].i].labels, &d->alerts[t[l].i].labels))
					break;
			if (l < j) {
				first = t[j].i;
				break;
			}
		}
	}
	free(t);
	return first;
}

static int dp_check_refs(struct dp *p, struct drill *d, const yaml_node_t *root)
{
	size_t i = dp_first_twin(d);

	if (i != SIZE_MAX)
		return errf(p->err, "%s:%d:%d: alert %.60s is given twice", p->file,
		            d->alerts[i].line, d->alerts[i].col, d->alerts[i].name);
	for (i = 0; i < d->n_injects; i++) {
		struct drill_inject *in = &d->injects[i];

		if (in->action == DRILL_WORSEN) {
			if (!drill_curve_find(d, in->target))
				return errf(p->err, "%s:%d:%d: inject: no metric named %.60s", p->file,
				            in->line, in->col, in->target);
			continue;
		}
		if (drill_alert_find(d, in->target) < 0)
			return errf(p->err, "%s:%d:%d: inject: no alert named %.60s", p->file, in->line,
			            in->col, in->target);
	}
	(void)root;
	return 0;
}

static int drill_parse_doc(struct drill *d, const char *buf, size_t len, const char *file,
                           bool canned_only, char err[ERR_MAX])
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct dp p = { &doc, file ? file : "drill", err, 0, canned_only };
	yaml_node_t *root, *kn, *v;
	const char *k;
	bool have_doc = false;

	memset(d, 0, sizeof *d);
	d->speed = 1;
	d->duration = 3600;
	if (!yaml_parser_initialize(&parser))
		return errf(err, "%s: out of memory", p.file);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		errf(err, "%s:%zu:%zu: %s", p.file, parser.problem_mark.line + 1,
		     parser.problem_mark.column + 1, parser.problem ? parser.problem : "bad YAML");
		yaml_parser_delete(&parser);
		return -1;
	}
	have_doc = true;
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		errf(err, "%s:1:1: empty scenario", p.file);
		goto fail;
	}
	if (dp_expect(&p, root, YAML_MAPPING_NODE, "scenario") < 0)
		goto fail;
	d->file = xstrdup(p.file);
	d->description = xstrdup("");
	DP_MAP_EACH(&p, root, pair, k, kn, v) {
		int rc = 0;

		if (!strcmp(k, "name"))
			rc = dp_str(&p, v, "name", &d->name);
		else if (!strcmp(k, "description"))
			rc = dp_str(&p, v, "description", &d->description);
		else if (p.canned_only && strcmp(k, "canned") != 0)
			rc = dp_err(&p, kn, "unknown key \"%.40s\" (a canned-answer file has "
			            "name, description and canned)", k);
		else if (!strcmp(k, "duration"))
			rc = dp_time(&p, v, "duration", false, &d->duration);
		else if (!strcmp(k, "speed"))
			rc = dp_num(&p, v, "speed", 1, 10000, &d->speed);
		else if (!strcmp(k, "escalate_by"))
			rc = dp_time(&p, v, "escalate_by", false, &d->escalate_by);
		else if (!strcmp(k, "alerts"))
			DP_LIST(&p, v, "alerts", d->alerts, d->n_alerts, dp_alert);
		else if (!strcmp(k, "metrics"))
			DP_LIST(&p, v, "metrics", d->curves, d->n_curves, dp_curve);
		else if (!strcmp(k, "canned"))
			DP_LIST(&p, v, "canned", d->canned, d->n_canned, dp_canned);
		else if (!strcmp(k, "inject"))
			DP_LIST(&p, v, "inject", d->injects, d->n_injects, dp_inject);
		else
			rc = dp_err(&p, kn, "unknown key \"%.40s\"", k);
		if (rc < 0)
			goto fail;
	}
	if (!d->name || !*d->name) {
		dp_err(&p, root, "name is required");
		goto fail;
	}
	if (d->duration <= 0) {
		dp_err(&p, root, "duration must be positive");
		goto fail;
	}
	if (d->n_alerts == 0 && !canned_only) {
		dp_err(&p, root, "alerts: at least one alert is required");
		goto fail;
	}
	if (dp_check_refs(&p, d, root) < 0)
		goto fail;
	/* An alert that an inject fires and that has no fire_at of its own
	 * waits for the inject. */
	for (size_t i = 0; i < d->n_injects; i++) {
		long ai;

		if (d->injects[i].action != DRILL_FIRE)
			continue;
		ai = drill_alert_find(d, d->injects[i].target);
		if (ai >= 0 && d->alerts[ai].fire_at == 0)
			d->alerts[ai].fire_at = DRILL_NEVER;
	}
	yaml_document_delete(&doc);
	return 0;
fail:
	if (have_doc)
		yaml_document_delete(&doc);
	drill_free(d);
	return -1;
}

int drill_parse(struct drill *d, const char *buf, size_t len, const char *file,
                char err[ERR_MAX])
{
	return drill_parse_doc(d, buf, len, file, false, err);
}

int drill_parse_canned(struct drill *d, const char *buf, size_t len, const char *file,
                       char err[ERR_MAX])
{
	return drill_parse_doc(d, buf, len, file, true, err);
}

int drill_load(struct drill *d, const char *path, char err[ERR_MAX])
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(d, 0, sizeof *d);
	if (read_file(path, DRILL_READ_MAX, &buf, &len, err) < 0)
		return -1;
	rc = drill_parse(d, buf, len, path, err);
	free(buf);
	return rc;
}

void drill_free(struct drill *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n_alerts; i++) {
		struct drill_alert *a = &d->alerts[i];

		free(a->name);
		labelset_free(&a->labels);
		labelset_free(&a->annotations);
		if (a->resolve_on)
			regfree(&a->resolve_re);
		free(a->resolve_on);
	}
	for (i = 0; i < d->n_curves; i++) {
		free(d->curves[i].name);
		free(d->curves[i].pts);
	}
	for (i = 0; i < d->n_canned; i++) {
		if (d->canned[i].match == DRILL_MATCH_REGEX)
			regfree(&d->canned[i].re);
		free(d->canned[i].alert);
		free(d->canned[i].command);
		free(d->canned[i].output);
	}
	for (i = 0; i < d->n_injects; i++) {
		if (d->injects[i].on_mitigation)
			regfree(&d->injects[i].on_re);
		free(d->injects[i].on_mitigation);
		free(d->injects[i].target);
	}
	free(d->alerts);
	free(d->curves);
	free(d->canned);
	free(d->injects);
	free(d->file);
	free(d->name);
	free(d->description);
	memset(d, 0, sizeof *d);
}
