/* slo.c: load SLO definitions with libyaml: the file and its documents, the
 * node helpers every format reader uses (slo_int.h), Sloth prometheus/v1
 * specs and their CRD, and the merge into a set (duplicates, indicatorRef).
 * OpenSLO v1 SLO/SLI documents are read in slo_openslo.c; the queries SLOs
 * are measured with are built in slo_query.c. Files are untrusted: every
 * node's type is checked, sizes are bounded, and a file either loads whole
 * or reports FILE:LINE:COL. */
#include "slo.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "slo_int.h"
#include "text.h"

#define SLO_WARNINGS_MAX 200
#define SLO_QUERY_MAX 65536
#define SP_LABELS_MAX 256 /* label names per SLO */

/* ---- small helpers ---- */

void slo_sli_free(struct slo_sli *s)
{
	free(s->name);
	free(s->error_query);
	free(s->good_query);
	free(s->total_query);
	free(s->ratio_query);
	free(s->note);
	memset(s, 0, sizeof(*s));
}

static void slo_sli_copy(struct slo_sli *dst, const struct slo_sli *src)
{
	dst->name = xstrdup(src->name);
	dst->kind = src->kind;
	dst->error_query = xstrdup(src->error_query);
	dst->good_query = xstrdup(src->good_query);
	dst->total_query = xstrdup(src->total_query);
	dst->ratio_query = xstrdup(src->ratio_query);
	dst->placeholder = src->placeholder;
	dst->note = xstrdup(src->note);
}

static void slo_def_free(struct slo_def *d)
{
	free(d->service);
	free(d->name);
	free(d->display_name);
	free(d->description);
	free(d->file);
	free(d->indicator_ref);
	slo_sli_free(&d->sli);
	labelset_free(&d->labels);
}

void slo_set_free(struct slo_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++)
		slo_def_free(&set->v[i]);
	free(set->v);
	for (i = 0; i < set->n_slis; i++)
		slo_sli_free(&set->slis[i]);
	free(set->slis);
	for (i = 0; i < set->n_warnings; i++)
		free(set->warnings[i]);
	free(set->warnings);
	memset(set, 0, sizeof(*set));
}

static void slo_warn(struct slo_set *set, char *msg)
{
	if (set->n_warnings >= SLO_WARNINGS_MAX) {
		free(msg);
		return;
	}
	set->warnings = xrealloc(set->warnings, (set->n_warnings + 1) * sizeof(char *));
	set->warnings[set->n_warnings++] = msg;
}

/* Where to point a message: n, else the document's root (NULL if none). */
static const yaml_node_t *sp_at(struct sp *p, const yaml_node_t *n)
{
	return n ? n : yaml_document_get_root_node(p->doc);
}

int sp_error(struct sp *p, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = sp_at(p, n);
	return errf(p->err, "%s:%zu:%zu: %s", p->name, n ? n->start_mark.line + 1 : 1,
	            n ? n->start_mark.column + 1 : 1, msg);
}

void sp_warn(struct sp *p, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = sp_at(p, n);
	slo_warn(p->out, xasprintf("%s:%zu:%zu: %s", p->name, n ? n->start_mark.line + 1 : 1,
	                           n ? n->start_mark.column + 1 : 1, msg));
}

bool sp_is_null(const yaml_node_t *n)
{
	const char *v;

	if (!n)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

/* The value of key in mapping m, or NULL (also when m is not a mapping). */
yaml_node_t *sp_get(struct sp *p, const yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *pair;

	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    strlen(key) == k->data.scalar.length &&
		    !memcmp(k->data.scalar.value, key, k->data.scalar.length))
			return yaml_document_get_node(p->doc, pair->value);
	}
	return NULL;
}

/* First of two spellings (snake_case / camelCase). */
static yaml_node_t *sp_get2(struct sp *p, const yaml_node_t *m, const char *a, const char *b)
{
	yaml_node_t *n = sp_get(p, m, a);

	return n ? n : sp_get(p, m, b);
}

/* A scalar as a NUL-terminated borrowed string (NULL when not a scalar).
 * Embedded NULs make it invalid. */
const char *sp_scalar(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE ||
	    strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
		return NULL;
	return (const char *)n->data.scalar.value;
}

/* Required (or optional when !required) string under key; *out owned. */
int sp_string(struct sp *p, const yaml_node_t *m, const char *key, const char *key2,
              const char *where, bool required, char **out)
{
	yaml_node_t *n = key2 ? sp_get2(p, m, key, key2) : sp_get(p, m, key);
	const char *s;

	*out = NULL;
	if (sp_is_null(n)) {
		if (required)
			return sp_error(p, n ? n : m, "%s%s: required", where, key);
		return 0;
	}
	s = sp_scalar(n);
	if (!s)
		return sp_error(p, n, "%s%s: expected a string", where, key);
	if (n->data.scalar.length > SLO_QUERY_MAX)
		return sp_error(p, n, "%s%s: too long", where, key);
	*out = xstrdup(s);
	return 0;
}

int sp_number(struct sp *p, const yaml_node_t *n, const char *what, double *v)
{
	const char *s = sp_scalar(n);
	char *end;

	if (!s || !*s)
		return sp_error(p, n, "%s: expected a number", what);
	*v = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (end == s || *end || !isfinite(*v))
		return sp_error(p, n, "%s: expected a number, not \"%.40s\"", what, s);
	return 0;
}

/* Flat string map (labels) into ls; other values are skipped, and so is
 * every pair once ls holds SP_LABELS_MAX names. labelset_set() is the right
 * tool here, unlike in decoders without a bound: each call looks at no more
 * than SP_LABELS_MAX entries, and a name repeated by aliases costs one
 * comparison, not one copy. */
void sp_labels(struct sp *p, const yaml_node_t *m, struct labelset *ls)
{
	yaml_node_pair_t *pair;

	if (!m || m->type != YAML_MAPPING_NODE)
		return;
	for (pair = m->data.mapping.pairs.start;
	     pair < m->data.mapping.pairs.top && ls->n < SP_LABELS_MAX; pair++) {
		const char *k = sp_scalar(yaml_document_get_node(p->doc, pair->key));
		const char *v = sp_scalar(yaml_document_get_node(p->doc, pair->value));
		if (k && v)
			labelset_set(ls, k, v);
	}
}

/* Placeholder queries seen in examples and templates. */
bool slo_placeholder(const char *q)
{
	static const char *const words[] = {
		"any", "todo", "tbd", "fixme", "xxx", "changeme", "placeholder", "query",
		"...", "<query>", "<promql>", "your query here",
	};
	size_t i, n;

	if (!q)
		return true;
	while (*q == ' ' || *q == '\t' || *q == '\n')
		q++;
	n = strlen(q);
	while (n > 0 && (q[n - 1] == ' ' || q[n - 1] == '\t' || q[n - 1] == '\n'))
		n--;
	if (n == 0)
		return true;
	for (i = 0; i < ARRAY_LEN(words); i++) {
		if (strlen(words[i]) == n && !strncasecmp(q, words[i], n))
			return true;
	}
	return false;
}

/* Append a def to p->out (zeroed, with file and position). */
struct slo_def *sp_new_def(struct sp *p, const yaml_node_t *at, enum slo_format fmt)
{
	struct slo_def *d;

	xgrow(&p->out->v, &p->out->cap, p->out->n + 1, sizeof(*p->out->v));
	d = &p->out->v[p->out->n++];
	memset(d, 0, sizeof(*d));
	d->file = xstrdup(p->name);
	d->line = at->start_mark.line + 1;
	d->col = at->start_mark.column + 1;
	d->format = fmt;
	d->window_ms = SLO_DEFAULT_WINDOW_MS;
	return d;
}

/* Say so when an SLO loads but cannot be measured. */
void sp_note_warn(struct sp *p, const yaml_node_t *at, const struct slo_def *d)
{
	if (d->sli.note)
		sp_warn(p, at, "SLO %s/%s: %s", d->service, d->name, d->sli.note);
}

/* ---- Sloth ---- */

static int sp_sloth_sli(struct sp *p, const yaml_node_t *slo, const char *w0, struct slo_sli *out)
{
	yaml_node_t *sli = sp_get(p, slo, "sli");
	yaml_node_t *ev = sp_get(p, sli, "events"), *raw = sp_get(p, sli, "raw");
	yaml_node_t *plugin = sp_get(p, sli, "plugin");
	char w[64];

	if (!sli)
		return sp_error(p, slo, "%ssli: required", w0);
	if (sli->type != YAML_MAPPING_NODE)
		return sp_error(p, sli, "%ssli: expected a mapping", w0);
	if (ev && !sp_is_null(ev)) {
		snprintf(w, sizeof(w), "%ssli.events.", w0);
		out->kind = SLO_SLI_EVENTS;
		if (sp_string(p, ev, "error_query", "errorQuery", w, true, &out->error_query) < 0 ||
		    sp_string(p, ev, "total_query", "totalQuery", w, true, &out->total_query) < 0)
			return -1;
		out->placeholder = slo_placeholder(out->error_query) ||
		                   slo_placeholder(out->total_query);
	} else if (raw && !sp_is_null(raw)) {
		snprintf(w, sizeof(w), "%ssli.raw.", w0);
		out->kind = SLO_SLI_RAW;
		if (sp_string(p, raw, "error_ratio_query", "errorRatioQuery", w, true,
		              &out->ratio_query) < 0)
			return -1;
		out->placeholder = slo_placeholder(out->ratio_query);
	} else if (plugin && !sp_is_null(plugin)) {
		const char *id = sp_scalar(sp_get(p, plugin, "id"));
		char *clean = text_clean(id ? id : "?");
		out->kind = SLO_SLI_NONE;
		out->note = xasprintf("Sloth SLI plugin \"%.60s\" is not supported", clean);
		free(clean);
		return 0;
	} else {
		return sp_error(p, sli, "%ssli: needs events (error_query, total_query) or raw "
		                "(error_ratio_query)", w0);
	}
	if (out->placeholder) {
		out->note = xstrdup("placeholder query: not queried");
		out->kind = SLO_SLI_NONE;
	}
	return 0;
}

/* A Sloth spec (prometheus/v1) or the spec of the Kubernetes CRD. */
static int sp_sloth(struct sp *p, const yaml_node_t *spec, const yaml_node_t *meta_labels)
{
	yaml_node_t *slos = sp_get(p, spec, "slos");
	/* the labels every SLO starts with, read once: a spec can have many
	 * keys and labels, and many SLOs */
	struct labelset common = {0};
	char *service = NULL;
	yaml_node_item_t *it;
	size_t i = 0;
	int rc = -1;

	if (sp_string(p, spec, "service", NULL, "", true, &service) < 0)
		return -1;
	if (!slos || slos->type != YAML_SEQUENCE_NODE) {
		sp_error(p, slos ? slos : spec, "slos: expected a list of SLOs");
		goto out;
	}
	sp_labels(p, meta_labels, &common);
	sp_labels(p, sp_get(p, spec, "labels"), &common);
	for (it = slos->data.sequence.items.start; it < slos->data.sequence.items.top; it++, i++) {
		yaml_node_t *s = yaml_document_get_node(p->doc, *it), *obj;
		struct slo_def *d;
		char w[48];
		double o;

		snprintf(w, sizeof(w), "slos[%zu].", i);
		if (!s || s->type != YAML_MAPPING_NODE) {
			sp_error(p, s ? s : slos, "%s: expected a mapping", w);
			goto out;
		}
		if (p->out->n >= SLO_MAX_PER_FILE) {
			sp_error(p, s, "too many SLOs in one file");
			goto out;
		}
		d = sp_new_def(p, s, SLO_FMT_SLOTH);
		d->service = xstrdup(service);
		if (sp_string(p, s, "name", NULL, w, true, &d->name) < 0 ||
		    sp_string(p, s, "description", NULL, w, false, &d->description) < 0)
			goto out;
		obj = sp_get(p, s, "objective");
		if (!obj) {
			sp_error(p, s, "%sobjective: required", w);
			goto out;
		}
		if (sp_number(p, obj, "objective", &o) < 0)
			goto out;
		if (!(o > 0 && o <= 100)) {
			sp_error(p, obj, "%sobjective: %g is not a percentage in (0, 100]", w, o);
			goto out;
		}
		d->objective = o / 100;
		labelset_copy(&d->labels, &common);
		sp_labels(p, sp_get(p, s, "labels"), &d->labels);
		if (sp_sloth_sli(p, s, w, &d->sli) < 0)
			goto out;
		sp_note_warn(p, s, d);
	}
	if (i == 0)
		sp_warn(p, slos, "no SLOs in slos");
	rc = 0;
out:
	labelset_free(&common);
	free(service);
	return rc;
}

/* ---- documents ---- */

static int sp_document(struct sp *p, const yaml_node_t *root)
{
	const char *version = sp_scalar(sp_get(p, root, "version"));
	const char *api = sp_scalar(sp_get(p, root, "apiVersion"));
	const char *kind = sp_scalar(sp_get(p, root, "kind"));

	if (root->type != YAML_MAPPING_NODE)
		return sp_error(p, root, "expected a mapping (a Sloth spec or an OpenSLO document)");
	if (version && !strcmp(version, "prometheus/v1"))
		return sp_sloth(p, root, NULL);
	if (version)
		return sp_error(p, sp_get(p, root, "version"),
		                "version \"%.40s\" is not supported (prometheus/v1 is)", version);
	if (api && !strcmp(api, "sloth.slok.dev/v1") && kind && !strcmp(kind, "PrometheusServiceLevel"))
		return sp_sloth(p, sp_get(p, root, "spec"),
		                sp_get(p, sp_get(p, root, "metadata"), "labels"));
	if (api && !strcmp(api, "openslo/v1")) {
		if (kind && !strcmp(kind, "SLO"))
			return sp_openslo_slo(p, root);
		if (kind && !strcmp(kind, "SLI"))
			return sp_openslo_sli_doc(p, root);
		if (!kind)
			return sp_error(p, root, "kind: required");
		return 0; /* Service, AlertPolicy, DataSource...: not SLOs */
	}
	if (api)
		return sp_error(p, sp_get(p, root, "apiVersion"),
		                "apiVersion \"%.40s\" is not supported (openslo/v1, sloth.slok.dev/v1)", api);
	return sp_error(p, root, "not an SLO file: expected version: prometheus/v1 (Sloth) "
	                "or apiVersion: openslo/v1");
}

static int sp_syntax_error(yaml_parser_t *yp, const char *text, size_t len, const char *name,
                           char err[ERR_MAX])
{
	const char *problem = yp->problem ? yp->problem : "unknown problem";
	size_t i, line = 1, col = 1;

	if (yp->error == YAML_READER_ERROR) {
		/* the reader reports a byte offset, not a mark */
		for (i = 0; i < yp->problem_offset && i < len; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
				col++;
			}
		}
		return errf(err, "%s:%zu:%zu: invalid YAML: %s", name, line, col, problem);
	}
	if (yp->error == YAML_MEMORY_ERROR)
		return errf(err, "%s: out of memory reading YAML", name);
	return errf(err, "%s:%zu:%zu: invalid YAML: %s", name, yp->problem_mark.line + 1,
	            yp->problem_mark.column + 1, problem);
}

/* Give each unresolved indicatorRef in set its SLI, when known. */
static void slo_resolve(struct slo_set *set)
{
	size_t i, j;

	for (i = 0; i < set->n; i++) {
		struct slo_def *d = &set->v[i];
		if (!d->indicator_ref)
			continue;
		for (j = set->n_slis; j-- > 0;) {
			if (set->slis[j].name && !strcmp(set->slis[j].name, d->indicator_ref))
				break;
		}
		slo_sli_free(&d->sli);
		if (j == (size_t)-1) {
			char *clean = text_clean(d->indicator_ref);
			d->sli.note = xasprintf("SLI \"%.60s\" not found", clean);
			free(clean);
			continue;
		}
		slo_sli_copy(&d->sli, &set->slis[j]);
		free(d->indicator_ref);
		d->indicator_ref = NULL;
	}
}

/* Move everything from src to the end of dst. */
static void slo_set_move(struct slo_set *dst, struct slo_set *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		xgrow(&dst->v, &dst->cap, dst->n + 1, sizeof(*dst->v));
		dst->v[dst->n++] = src->v[i];
	}
	for (i = 0; i < src->n_slis; i++) {
		xgrow(&dst->slis, &dst->cap_slis, dst->n_slis + 1, sizeof(*dst->slis));
		dst->slis[dst->n_slis++] = src->slis[i];
	}
	for (i = 0; i < src->n_warnings; i++)
		slo_warn(dst, src->warnings[i]);
	free(src->v);
	free(src->slis);
	free(src->warnings);
	memset(src, 0, sizeof(*src));
}

/* The first of v[0..n) with d's service and name, or NULL. */
static const struct slo_def *slo_find(const struct slo_def *v, size_t n, const struct slo_def *d)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].service, d->service) && !strcmp(v[i].name, d->name))
			return &v[i];
	return NULL;
}

int slo_parse(struct slo_set *set, const char *text, size_t len, const char *name,
              char err[ERR_MAX])
{
	yaml_parser_t yp;
	struct slo_set tmp = {0};
	struct sp p = { .name = name ? name : "slo", .out = &tmp, .err = err };
	int rc = -1, docs = 0;
	size_t i, first;
	bool *had_ref;

	if (!text)
		len = 0;
	if (len > SLO_FILE_MAX)
		return errf(err, "%s: larger than %zu bytes", p.name, SLO_FILE_MAX);
	if (!yaml_parser_initialize(&yp))
		return errf(err, "%s: out of memory", p.name);
	yaml_parser_set_input_string(&yp, (const unsigned char *)(text ? text : ""), len);
	for (;;) {
		yaml_document_t doc;
		yaml_node_t *root;
		int r = 0;

		if (!yaml_parser_load(&yp, &doc)) {
			sp_syntax_error(&yp, text, len, p.name, err);
			goto out;
		}
		root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		p.doc = &doc;
		if (!sp_is_null(root)) {
			r = sp_document(&p, root);
			docs++;
		}
		yaml_document_delete(&doc);
		if (r < 0)
			goto out;
		if (docs > SLO_MAX_PER_FILE) {
			errf(err, "%s: too many documents", p.name);
			goto out;
		}
	}
	if (docs == 0) {
		errf(err, "%s:1:1: no SLO definitions (empty file)", p.name);
		goto out;
	}
	for (i = 0; i < tmp.n; i++) {
		const struct slo_def *dup = slo_find(set->v, set->n, &tmp.v[i]);
		if (!dup)
			dup = slo_find(tmp.v, i, &tmp.v[i]);
		if (dup && tmp.n_warnings < SLO_WARNINGS_MAX)
			slo_warn(&tmp, xasprintf("%s:%zu:%zu: SLO %s/%s is also defined in %s:%zu",
			                         p.name, tmp.v[i].line, tmp.v[i].col, tmp.v[i].service,
			                         tmp.v[i].name, dup->file, dup->line));
	}
	first = set->n;
	had_ref = xcalloc(tmp.n + 1, sizeof(bool));
	for (i = 0; i < tmp.n; i++)
		had_ref[i] = tmp.v[i].indicator_ref != NULL;
	slo_set_move(set, &tmp);
	slo_resolve(set);
	/* SLOs of this file measured through a referenced SLI that cannot be
	 * queried, or whose SLI is not loaded (yet): say so. */
	for (i = first; i < set->n; i++) {
		if (had_ref[i - first] && set->v[i].sli.note)
			slo_warn(set, xasprintf("%s:%zu:%zu: SLO %s/%s: %s", p.name, set->v[i].line,
			                        set->v[i].col, set->v[i].service, set->v[i].name,
			                        set->v[i].sli.note));
	}
	free(had_ref);
	rc = 0;
out:
	slo_set_free(&tmp);
	yaml_parser_delete(&yp);
	return rc;
}

int slo_load_file(struct slo_set *set, const char *path, char err[ERR_MAX])
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (read_file(path, SLO_FILE_MAX, &text, &len, err) < 0)
		return -1;
	rc = slo_parse(set, text, len, path, err);
	free(text);
	return rc;
}
