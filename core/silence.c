/* silence.c: Alertmanager silences (API v2) with cJSON: decode GET
 * /api/v2/silences, encode the POST body, read the POST answer, build a
 * silence from an alert, and decide which alerts a silence mutes. Matching
 * follows Alertmanager: a missing label is the empty string, regexes are
 * anchored; they are compiled by matcher_regcomp() (the filter's RE2-to-ERE
 * translation and size limits, since silences come from the network). Pure:
 * no I/O. */
#include "silence.h"
#include "matcher.h"
#include "xjson.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

static const char *json_kind(const cJSON *j)
{
	if (cJSON_IsObject(j))
		return "an object";
	if (cJSON_IsArray(j))
		return "an array";
	if (cJSON_IsString(j))
		return "a string";
	if (cJSON_IsNumber(j))
		return "a number";
	if (cJSON_IsBool(j))
		return "a boolean";
	if (cJSON_IsNull(j))
		return "null";
	return "something else";
}

/* Same rules as alert.c's: "invalid JSON near byte N", trailing data too. */
static cJSON *parse_body(const char *buf, size_t len, char *err)
{
	const char *end = NULL;
	cJSON *root;
	size_t i;

	if (!buf || !len) {
		errf(err, "invalid JSON near byte 0: empty body");
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!root) {
		errf(err, "invalid JSON near byte %zu",
		     end && end >= buf ? (size_t)(end - buf) : (size_t)0);
		return NULL;
	}
	for (i = end ? (size_t)(end - buf) : len; i < len; i++) {
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r' &&
		    buf[i] != '\0') {
			cJSON_Delete(root);
			errf(err, "invalid JSON near byte %zu: data after the end", i);
			return NULL;
		}
	}
	return root;
}

/* ---- lifetime --------------------------------------------------------- */

static void matchers_free(struct silence *s)
{
	size_t i;

	for (i = 0; i < s->n_matchers; i++) {
		free(s->matchers[i].name);
		free(s->matchers[i].value);
	}
	free(s->matchers);
	s->matchers = NULL;
	s->n_matchers = 0;
}

void silence_free(struct silence *s)
{
	if (!s)
		return;
	matchers_free(s);
	free(s->id);
	free(s->created_by);
	free(s->comment);
	free(s->state);
	free(s->cluster);
	free(s);
}

struct silence *silence_dup(const struct silence *src)
{
	struct silence *d = xcalloc(1, sizeof *d);
	size_t i;

	d->id = xstrdup(src->id);
	d->n_matchers = src->n_matchers;
	d->matchers = xcalloc(src->n_matchers ? src->n_matchers : 1, sizeof *d->matchers);
	for (i = 0; i < src->n_matchers; i++) {
		d->matchers[i].name = xstrdup(src->matchers[i].name ? src->matchers[i].name : "");
		d->matchers[i].value = xstrdup(src->matchers[i].value ? src->matchers[i].value : "");
		d->matchers[i].is_regex = src->matchers[i].is_regex;
		d->matchers[i].is_equal = src->matchers[i].is_equal;
	}
	d->starts = src->starts;
	d->ends = src->ends;
	d->created_by = xstrdup(src->created_by);
	d->comment = xstrdup(src->comment);
	d->state = xstrdup(src->state);
	d->cluster = xstrdup(src->cluster);
	return d;
}

void silence_list_push(struct silence_list *l, struct silence *s)
{
	xgrow(&l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = s;
}

void silence_list_clear(struct silence_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		silence_free(l->v[i]);
	l->n = 0;
}

void silence_list_free(struct silence_list *l)
{
	silence_list_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

/* ---- decode ----------------------------------------------------------- */

static const cJSON *member(const cJSON *o, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(o, name);
}

/* A required string member. */
static int req_string(const cJSON *o, const char *name, char **out)
{
	const cJSON *j = member(o, name);

	if (!cJSON_IsString(j))
		return -1;
	*out = xstrdup(j->valuestring);
	return 0;
}

/* An optional string member ("" when absent or null). */
static int opt_string(const cJSON *o, const char *name, char **out)
{
	const cJSON *j = member(o, name);

	if (!j || cJSON_IsNull(j)) {
		*out = xstrdup("");
		return 0;
	}
	return req_string(o, name, out);
}

static int opt_time(const cJSON *o, const char *name, double *out)
{
	const cJSON *j = member(o, name);

	*out = 0;
	if (!j || cJSON_IsNull(j))
		return 0;
	if (!cJSON_IsString(j))
		return -1;
	if (rfc3339_parse(j->valuestring, out))
		*out = 0;
	return 0;
}

static int decode_matcher(const cJSON *j, struct silence_matcher *m)
{
	const cJSON *re = member(j, "isRegex"), *eq = member(j, "isEqual");

	if (!cJSON_IsObject(j))
		return -1;
	if (!cJSON_IsBool(re) || (eq && !cJSON_IsBool(eq)))
		return -1;
	m->is_regex = cJSON_IsTrue(re);
	m->is_equal = eq ? cJSON_IsTrue(eq) : true; /* isEqual is newer than 0.22 */
	if (req_string(j, "name", &m->name))
		return -1;
	if (req_string(j, "value", &m->value)) {
		free(m->name);
		m->name = NULL;
		return -1;
	}
	return 0;
}

/* One element; NULL when it must be skipped. */
static struct silence *decode_silence(const cJSON *j, const char *cluster)
{
	struct silence *s;
	const cJSON *ms, *it, *st;
	size_t cap = 0;

	if (!cJSON_IsObject(j))
		return NULL;
	s = xcalloc(1, sizeof *s);
	if (req_string(j, "id", &s->id))
		goto fail;
	ms = member(j, "matchers");
	if (!cJSON_IsArray(ms))
		goto fail;
	cJSON_ArrayForEach(it, ms) {
		xgrow(&s->matchers, &cap, s->n_matchers + 1, sizeof *s->matchers);
		memset(&s->matchers[s->n_matchers], 0, sizeof *s->matchers);
		if (decode_matcher(it, &s->matchers[s->n_matchers]))
			goto fail;
		s->n_matchers++;
	}
	if (opt_time(j, "startsAt", &s->starts) || opt_time(j, "endsAt", &s->ends))
		goto fail;
	if (opt_string(j, "createdBy", &s->created_by) || opt_string(j, "comment", &s->comment))
		goto fail;
	st = member(j, "status");
	if (st && !cJSON_IsNull(st)) {
		if (!cJSON_IsObject(st) || opt_string(st, "state", &s->state))
			goto fail;
	} else {
		s->state = xstrdup("");
	}
	s->cluster = xstrdup(cluster ? cluster : "");
	return s;
fail:
	silence_free(s);
	return NULL;
}

int silence_list_from_json(const char *buf, size_t len, const char *cluster,
                           struct silence_list *out, char err[ERR_MAX])
{
	cJSON *root;
	const cJSON *it;
	struct silence *s;

	root = parse_body(buf, len, err);
	if (!root)
		return -1;
	if (!cJSON_IsArray(root)) {
		errf(err, "expected a JSON array of silences, got %s", json_kind(root));
		cJSON_Delete(root);
		return -1;
	}
	/* Malformed entries are skipped: one bad silence must not hide the rest. */
	cJSON_ArrayForEach(it, root) {
		s = decode_silence(it, cluster);
		if (s)
			silence_list_push(out, s);
	}
	cJSON_Delete(root);
	return 0;
}

char *silence_id_from_response(const char *buf, size_t len, char err[ERR_MAX])
{
	cJSON *root;
	const cJSON *id;
	char *r = NULL;

	root = parse_body(buf, len, err);
	if (!root)
		return NULL;
	if (!cJSON_IsObject(root)) {
		errf(err, "expected a JSON object with silenceID, got %s", json_kind(root));
		goto out;
	}
	id = member(root, "silenceID");
	if (!cJSON_IsString(id) || !*id->valuestring) {
		errf(err, "answer has no silenceID");
		goto out;
	}
	r = xstrdup(id->valuestring);
out:
	cJSON_Delete(root);
	return r;
}

/* ---- encode ----------------------------------------------------------- */

char *silence_to_json(const struct silence *s)
{
	cJSON *o = xjson(cJSON_CreateObject()), *arr, *m;
	char t[40], *txt, *r;
	size_t i;

	arr = xjson(cJSON_CreateArray());
	for (i = 0; i < s->n_matchers; i++) {
		const struct silence_matcher *sm = &s->matchers[i];

		m = xjson(cJSON_CreateObject());
		xjson_add(m, "name", xjson(cJSON_CreateString(sm->name ? sm->name : "")));
		xjson_add(m, "value", xjson(cJSON_CreateString(sm->value ? sm->value : "")));
		xjson_add(m, "isRegex", xjson(cJSON_CreateBool(sm->is_regex)));
		xjson_add(m, "isEqual", xjson(cJSON_CreateBool(sm->is_equal)));
		if (!cJSON_AddItemToArray(arr, m))
			xjson_oom();
	}
	xjson_add(o, "matchers", arr);
	rfc3339_format(s->starts, t, sizeof t);
	xjson_add(o, "startsAt", xjson(cJSON_CreateString(t)));
	rfc3339_format(s->ends, t, sizeof t);
	xjson_add(o, "endsAt", xjson(cJSON_CreateString(t)));
	xjson_add(o, "createdBy", xjson(cJSON_CreateString(s->created_by ? s->created_by : "")));
	xjson_add(o, "comment", xjson(cJSON_CreateString(s->comment ? s->comment : "")));
	txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!txt)
		xjson_oom();
	r = xstrdup(txt); /* hand out memory free() can release */
	cJSON_free(txt);
	return r;
}

/* ---- matching --------------------------------------------------------- */

void silence_from_alert(struct silence *s, const struct alert *a)
{
	size_t i;

	matchers_free(s);
	if (a->labels.n)
		s->matchers = xcalloc(a->labels.n, sizeof *s->matchers);
	for (i = 0; i < a->labels.n; i++) {
		s->matchers[i].name = xstrdup(a->labels.v[i].name);
		s->matchers[i].value = xstrdup(a->labels.v[i].value);
		s->matchers[i].is_regex = false;
		s->matchers[i].is_equal = true;
	}
	s->n_matchers = a->labels.n;
	/* The silence goes to the alert's Alertmanager: count only there. */
	if (!s->cluster && a->cluster)
		s->cluster = xstrdup(a->cluster);
}

/* A silence's regexes compiled once, for counting over many alerts. */
struct compiled {
	regex_t *re; /* owned array of n_matchers; only regex matchers set */
	bool *ok;    /* owned: re[i] compiled */
	bool valid;  /* every regex compiled */
};

static void compiled_init(struct compiled *c, const struct silence *s)
{
	size_t i;

	c->re = s->n_matchers ? xcalloc(s->n_matchers, sizeof *c->re) : NULL;
	c->ok = s->n_matchers ? xcalloc(s->n_matchers, sizeof *c->ok) : NULL;
	c->valid = true;
	for (i = 0; i < s->n_matchers; i++) {
		if (!s->matchers[i].is_regex)
			continue;
		/* the regex came from the network: compile it with the
		 * filter's limits, so a hostile one cannot exhaust memory */
		c->ok[i] = matcher_regcomp(&c->re[i], s->matchers[i].value, NULL) == 0;
		if (!c->ok[i])
			c->valid = false;
	}
}

static void compiled_free(struct compiled *c, const struct silence *s)
{
	size_t i;

	for (i = 0; i < s->n_matchers; i++)
		if (c->ok[i])
			regfree(&c->re[i]);
	free(c->re);
	free(c->ok);
}

static bool compiled_match(const struct compiled *c, const struct silence *s,
                           const struct labelset *labels)
{
	const struct silence_matcher *m;
	const char *v;
	bool hit;
	size_t i;

	/* Alertmanager refuses a silence without matchers, and one with a
	 * regex it cannot compile: neither mutes anything. */
	if (!s->n_matchers || !c->valid)
		return false;
	for (i = 0; i < s->n_matchers; i++) {
		m = &s->matchers[i];
		v = m->name ? labelset_get(labels, m->name) : NULL;
		if (!v)
			v = ""; /* a missing label matches as the empty string */
		if (m->is_regex)
			hit = regexec(&c->re[i], v, 0, NULL, 0) == 0;
		else
			hit = strcmp(v, m->value ? m->value : "") == 0;
		if (hit != m->is_equal)
			return false;
	}
	return true;
}

bool silence_matches(const struct silence *s, const struct labelset *labels)
{
	struct compiled c;
	bool r;

	compiled_init(&c, s);
	r = compiled_match(&c, s, labels);
	compiled_free(&c, s);
	return r;
}

size_t silence_count_muted(const struct silence *s, const struct alert_list *l)
{
	struct compiled c;
	size_t i, n = 0;

	compiled_init(&c, s);
	for (i = 0; i < l->n; i++) {
		if (s->cluster && *s->cluster &&
		    strcmp(s->cluster, l->v[i]->cluster ? l->v[i]->cluster : "") != 0)
			continue;
		if (compiled_match(&c, s, &l->v[i]->labels))
			n++;
	}
	compiled_free(&c, s);
	return n;
}
