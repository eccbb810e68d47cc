/* config_schema.c: the configuration's schema (DESIGN.md §3): the key
 * tables, what kind of value each key takes, and the per-key handlers that
 * check and store it (sources, auth, TLS, headers, durations, sizes). Wrong
 * types and bad values are errors, unknown keys and literal secrets are
 * warnings (a literal secret is never stored). Loading, defaults and the
 * message helpers are in config.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "config.h"
#include "config_int.h"
#include "duration.h"

#define CONFIG_VISITS_MAX   200000          /* node visits: bounds alias fan-out */
#define CONFIG_HEADERS_MAX  64
#define CONFIG_SOURCES_MAX  256             /* alertmanagers, prometheus each */
#define CONFIG_REFRESH_MIN  500             /* ms, as for --refresh */
#define CONFIG_OUTPUT_MAX   ((size_t)1 << 30)

/* A source entry (alertmanager or prometheus) while it is being read. */
struct cp_source {
	char *name;        /* owned or NULL */
	char *url;         /* owned or NULL */
	char **peers;      /* owned array of owned */
	size_t n_peers;
	struct http_opts http;
};


/* Keys that would hold a literal secret, and what to use instead. */
static const struct {
	const char *key;
	const char *instead;
} cp_secret_keys[] = {
	{"bearer_token", "bearer_token_env or bearer_token_file"},
	{"token", "bearer_token_env or bearer_token_file"},
	{"access_token", "bearer_token_env or bearer_token_file"},
	{"api_key", "bearer_token_env or bearer_token_file"},
	{"secret", "bearer_token_env or bearer_token_file"},
	{"password", "password_env or password_file"},
};
/* Fetch a node by id, counting the work: aliases let a small file refer to
 * one node many times, so the total is bounded. NULL: budget spent. */
yaml_node_t *cp_node(struct cp *p, int id)
{
	if (++p->visits > CONFIG_VISITS_MAX)
		return NULL;
	return yaml_document_get_node(p->doc, id);
}

int cp_budget_error(struct cp *p, yaml_node_t *near)
{
	return config_error_at(p, near, "", "too many nodes (alias expansion?)");
}

bool cp_is_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return !strcmp(v, "") || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* A non-empty scalar as an owned string. Control characters and NUL are
 * refused: nothing in the schema needs them. */
int cp_string(struct cp *p, yaml_node_t *n, const char *where, char **out)
{
	const unsigned char *v;
	size_t i;

	*out = NULL;
	if (n->type != YAML_SCALAR_NODE)
		return config_error_at(p, n, where, "expected a string");
	v = n->data.scalar.value;
	if (cp_is_null(n) || n->data.scalar.length == 0)
		return config_error_at(p, n, where, "expected a non-empty string");
	for (i = 0; i < n->data.scalar.length; i++)
		if (v[i] < 0x20 || v[i] == 0x7f)
			return config_error_at(p, n, where, "control characters are not allowed");
	*out = xstrndup((const char *)v, n->data.scalar.length);
	return 0;
}

static bool url_has_password(const char *url)
{
	const char *s = strstr(url, "://"), *end, *at;

	s = s ? s + 3 : url;
	end = s + strcspn(s, "/?#");
	at = memrchr(s, '@', (size_t)(end - s));
	return at && memchr(s, ':', (size_t)(at - s));
}

static int cp_url(struct cp *p, yaml_node_t *n, const char *where, char **out)
{
	char msg[ERR_MAX], *s;

	if (cp_string(p, n, where, &s) < 0)
		return -1;
	*out = config_url_check(s, msg, sizeof msg);
	if (*out && url_has_password(s))
		config_warn_at(p, n, where, "the URL holds a password; literal secrets do not belong "
		        "in the config: use auth: {basic: {username, password_env}}");
	free(s);
	return *out ? 0 : config_error_at(p, n, where, "%s", msg);
}

static bool cp_env_name_ok(const char *s)
{
	if (!*s || strlen(s) > 128 || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* Durations: duration_parse's "col N: " is mapped onto the file's column
 * for a plain scalar, so the position names the bad character. */
static int cp_duration(struct cp *p, yaml_node_t *n, const char *where, int64_t min_ms,
                       int64_t *out)
{
	char e[ERR_MAX], q[64], *s;
	yaml_mark_t m = n->start_mark;
	const char *msg = e;
	unsigned long col;
	int used = 0;
	int64_t v;

	if (cp_string(p, n, where, &s) < 0)
		return -1;
	if (duration_parse(s, &v, e) < 0) {
		if (sscanf(e, "col %lu: %n", &col, &used) == 1 && used > 0) {
			msg = e + used;
			if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && col > 0 && col < 1000)
				m.column += col - 1;
		}
		config_quote(s, strlen(s), q, sizeof q);
		free(s);
		return errf(p->err, "%s:%zu:%zu: %s: invalid duration \"%s\": %s", p->name,
		            m.line + 1, m.column + 1, where, q, msg);
	}
	free(s);
	if (v < min_ms) {
		duration_format(min_ms, q, sizeof q);
		return config_error_at(p, n, where, "must be at least %s", q);
	}
	*out = v; /* only a valid value replaces the default */
	return 0;
}

/* Smallest edit distance, for "did you mean"; only for short keys. */
static size_t cp_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[65], prev, tmp;

	if (la > 64 || lb > 64)
		return 99;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = d[j];
			d[j] = prev + (a[i - 1] != b[j - 1]);
			if (d[j - 1] + 1 < d[j])
				d[j] = d[j - 1] + 1;
			if (tmp + 1 < d[j])
				d[j] = tmp + 1;
			prev = tmp;
		}
	}
	return d[lb];
}

static void cp_unknown_key(struct cp *p, yaml_node_t *k, const char *where,
                           const struct cp_table *t)
{
	const char *ks = (const char *)k->data.scalar.value;
	size_t i, d, best = 0, bestd = 99;
	char q[64];

	for (i = 0; i < ARRAY_LEN(cp_secret_keys); i++) {
		if (!strcasecmp(ks, cp_secret_keys[i].key)) {
			config_warn_at(p, k, where, "%s: literal secrets are not read; use %s",
			        cp_secret_keys[i].key, cp_secret_keys[i].instead);
			return;
		}
	}
	config_quote(ks, k->data.scalar.length, q, sizeof q);
	for (i = 0; i < t->n; i++) {
		d = cp_distance(ks, t->keys[i].name);
		if (d < bestd) {
			bestd = d;
			best = i;
		}
	}
	if (bestd <= 2 && bestd < strlen(ks))
		config_warn_at(p, k, where, "unknown key \"%s\" (did you mean \"%s\"?)", q,
		        t->keys[best].name);
	else
		config_warn_at(p, k, where, "unknown key \"%s\"", q);
}


/* "where[i]" for messages; where is built from known key names, so it is
 * short, but a cut is harmless anyway. */
void cp_index(char out[CP_WHERE_MAX], const char *where, size_t i)
{
	if (snprintf(out, CP_WHERE_MAX, "%s[%zu]", where, i) >= CP_WHERE_MAX)
		out[CP_WHERE_MAX - 1] = '\0';
}

/* A list of strings, each converted by conv (cp_url or a path). */
static int cp_strv(struct cp *p, yaml_node_t *n, const char *where, char ***v, size_t *cnt,
                   bool urls)
{
	yaml_node_item_t *it;
	char child[CP_WHERE_MAX], *s;
	size_t i = 0;

	if (cp_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return config_error_at(p, n, where, "expected a list");
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++, i++) {
		yaml_node_t *item = cp_node(p, *it);

		if (!item)
			return cp_budget_error(p, n);
		cp_index(child, where, i);
		if (urls) {
			if (cp_url(p, item, child, &s) < 0)
				return -1;
		} else {
			if (cp_string(p, item, child, &s) < 0)
				return -1;
			config_str_set(&s, path_expand(s));
		}
		config_strv_push(v, cnt, s);
	}
	return 0;
}

/* One known key's value into obj. */
static int cp_value(struct cp *p, const struct cp_key *k, yaml_node_t *v, char *obj,
                    const char *where)
{
	char **sp = (char **)(obj + k->off), *s;
	const char *b;

	switch (k->kind) {
	case CK_FN:
		return k->fn(p, v, obj + k->off, where);
	case CK_MAP:
		if (cp_is_null(v))
			return 0;
		if (cp_map(p, v, where, k->sub, obj + k->off) < 0)
			return -1;
		return k->fn ? k->fn(p, v, obj + k->off, where) : 0;
	case CK_PATHS:
	case CK_URLS:
		return cp_strv(p, v, where, (char ***)(obj + k->off), (size_t *)(obj + k->off_n),
		               k->kind == CK_URLS);
	case CK_BOOL:
		b = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
		if (v->type != YAML_SCALAR_NODE || strlen(b) != v->data.scalar.length ||
		    (strcasecmp(b, "true") && strcasecmp(b, "false")))
			return config_error_at(p, v, where, "expected true or false");
		*(bool *)(obj + k->off) = !strcasecmp(b, "true");
		return 0;
	case CK_URL:
		if (cp_url(p, v, where, &s) < 0)
			return -1;
		break;
	default:
		if (cp_string(p, v, where, &s) < 0)
			return -1;
		/* Never echo it: someone may have pasted the secret itself here. */
		if (k->kind == CK_ENV && !cp_env_name_ok(s)) {
			free(s);
			return config_error_at(p, v, where, "expected the name of an environment "
			                "variable ([A-Za-z_][A-Za-z0-9_]*), not the secret itself");
		}
		if (k->kind == CK_PATH || k->kind == CK_SECRET)
			config_str_set(&s, path_expand(s));
		if (k->kind == CK_SECRET && !p->has_secret) {
			p->has_secret = true;
			p->secret_mark = v->start_mark;
		}
		break;
	}
	config_str_set(sp, s);
	return 0;
}

/* Walk a mapping: known keys go to their handler; a key that would hold a
 * literal secret is warned about and dropped; other keys are warned about. */
int cp_map(struct cp *p, yaml_node_t *map, const char *where,
                  const struct cp_table *t, void *obj)
{
	yaml_node_pair_t *pair;
	uint64_t seen = 0;
	char child[CP_WHERE_MAX];
	size_t i;

	if (map->type != YAML_MAPPING_NODE)
		return config_error_at(p, map, where, "expected a mapping (key: value)");
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = cp_node(p, pair->key), *v = cp_node(p, pair->value);
		const struct cp_key *key = NULL;

		if (!k || !v)
			return cp_budget_error(p, map);
		if (k->type != YAML_SCALAR_NODE)
			return config_error_at(p, k, where, "expected a key name");
		for (i = 0; i < t->n && !key; i++)
			if (k->data.scalar.length == strlen(t->keys[i].name) &&
			    !strcmp((const char *)k->data.scalar.value, t->keys[i].name))
				key = &t->keys[i];
		if (!key) {
			cp_unknown_key(p, k, where, t);
			continue;
		}
		if (seen & (1ULL << (i - 1)))
			return config_error_at(p, k, where, "duplicate key \"%s\"", key->name);
		seen |= 1ULL << (i - 1);
		snprintf(child, sizeof child, "%s%s%s", where, *where ? "." : "", key->name);
		if (cp_value(p, key, v, obj, child) < 0)
			return -1;
	}
	return 0;
}

/* ---- http options: headers, auth, tls ---- */

static bool cp_header_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 256)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!s[i] || (!strchr("!#$%&'*+-.^_`|~", s[i]) &&
		              !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		                (s[i] >= 'a' && s[i] <= 'z'))))
			return false;
	return true;
}

static int k_headers(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	struct http_opts *h = field;
	yaml_node_pair_t *pair;
	char q[64], *val;

	if (cp_is_null(v))
		return 0;
	if (v->type != YAML_MAPPING_NODE)
		return config_error_at(p, v, w, "expected a mapping (Header-Name: value)");
	for (pair = v->data.mapping.pairs.start; pair < v->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = cp_node(p, pair->key), *hv = cp_node(p, pair->value);
		const char *name;

		if (!k || !hv)
			return cp_budget_error(p, v);
		if (k->type != YAML_SCALAR_NODE)
			return config_error_at(p, k, w, "expected a header name");
		name = (const char *)k->data.scalar.value;
		if (!cp_header_name_ok(name, k->data.scalar.length)) {
			config_quote(name, k->data.scalar.length, q, sizeof q);
			return config_error_at(p, k, w, "invalid header name \"%s\"", q);
		}
		if (!strcasecmp(name, "Authorization") || !strcasecmp(name, "Proxy-Authorization") ||
		    !strcasecmp(name, "Cookie")) {
			config_warn_at(p, k, w, "%s: literal secrets are not read; use auth: "
			        "bearer_token_env or bearer_token_file", name);
			continue;
		}
		for (size_t i = 0; i < h->headers.n; i++)
			if (!strcasecmp(h->headers.v[i].name, name))
				return config_error_at(p, k, w, "duplicate header \"%s\"", name);
		if (h->headers.n >= CONFIG_HEADERS_MAX)
			return config_error_at(p, k, w, "too many headers (at most %d)", CONFIG_HEADERS_MAX);
		snprintf(q, sizeof q, "%s.%s", w, name);
		if (cp_string(p, hv, q, &val) < 0)
			return -1;
		labelset_set(&h->headers, name, val);
		free(val);
	}
	return 0;
}

static int check_basic(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	struct http_opts *h = field;

	if (!h->basic_username)
		return config_error_at(p, v, w, "username is required");
	if (!h->basic_password_env == !h->basic_password_file)
		return config_error_at(p, v, w, "give exactly one of password_env, password_file");
	return 0;
}

static int check_auth(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	struct http_opts *h = field;

	if (!!h->bearer_token_env + !!h->bearer_token_file + !!h->basic_username > 1)
		return config_error_at(p, v, w, "give only one of bearer_token_env, bearer_token_file, basic");
	return 0;
}

static int check_tls(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	struct http_opts *h = field;

	if (h->key_file && !h->cert_file)
		return config_error_at(p, v, w, "key_file needs cert_file");
	return 0;
}

/* "" or "/" mean none; otherwise one leading '/' and no trailing '/'. */
static int k_path_prefix(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	char **dst = field, *s;
	size_t len;

	if (v->type == YAML_SCALAR_NODE && (cp_is_null(v) || v->data.scalar.length == 0))
		return 0;
	if (cp_string(p, v, w, &s) < 0)
		return -1;
	len = strlen(s);
	while (len > 0 && s[len - 1] == '/')
		s[--len] = '\0';
	if (strpbrk(s, " ?#")) {
		free(s);
		return config_error_at(p, v, w, "expected a path like /prometheus");
	}
	config_str_set(dst, len ? xasprintf("%s%s", s[0] == '/' ? "" : "/", s) : NULL);
	free(s);
	return 0;
}

#define HO(f) offsetof(struct http_opts, f)
static const struct cp_key basic_keys[] = {
	{ .name = "username", .kind = CK_STR, .off = HO(basic_username) },
	{ .name = "password_env", .kind = CK_ENV, .off = HO(basic_password_env) },
	{ .name = "password_file", .kind = CK_SECRET, .off = HO(basic_password_file) },
};
static const struct cp_table basic_table = CP_TABLE(basic_keys);

static const struct cp_key auth_keys[] = {
	{ .name = "bearer_token_env", .kind = CK_ENV, .off = HO(bearer_token_env) },
	{ .name = "bearer_token_file", .kind = CK_SECRET, .off = HO(bearer_token_file) },
	{ .name = "basic", .kind = CK_MAP, .sub = &basic_table, .fn = check_basic },
};
static const struct cp_table auth_table = CP_TABLE(auth_keys);

static const struct cp_key tls_keys[] = {
	{ .name = "ca_file", .kind = CK_PATH, .off = HO(ca_file) },
	{ .name = "cert_file", .kind = CK_PATH, .off = HO(cert_file) },
	{ .name = "key_file", .kind = CK_SECRET, .off = HO(key_file) },
	{ .name = "insecure_skip_verify", .kind = CK_BOOL, .off = HO(insecure_skip_verify) },
};
static const struct cp_table tls_table = CP_TABLE(tls_keys);

/* ---- alertmanagers and prometheus ---- */

#define SO(f) offsetof(struct cp_source, f)
#define SOURCE_COMMON_KEYS \
	{ .name = "name", .kind = CK_STR, .off = SO(name) }, \
	{ .name = "url", .kind = CK_URL, .off = SO(url) }, \
	{ .name = "headers", .kind = CK_FN, .off = SO(http), .fn = k_headers }, \
	{ .name = "auth", .kind = CK_MAP, .off = SO(http), .sub = &auth_table, .fn = check_auth }, \
	{ .name = "tls", .kind = CK_MAP, .off = SO(http), .sub = &tls_table, .fn = check_tls }

static const struct cp_key am_keys[] = {
	SOURCE_COMMON_KEYS,
	{ .name = "peers", .kind = CK_URLS, .off = SO(peers), .off_n = SO(n_peers) },
};
static const struct cp_table am_table = CP_TABLE(am_keys);

static const struct cp_key prom_keys[] = {
	SOURCE_COMMON_KEYS,
	{ .name = "path_prefix", .kind = CK_FN, .off = SO(http.path_prefix), .fn = k_path_prefix },
};
static const struct cp_table prom_table = CP_TABLE(prom_keys);

static void cp_source_free(struct cp_source *s)
{
	free(s->name);
	free(s->url);
	config_strv_free(s->peers, s->n_peers);
	config_http_opts_free(&s->http);
}

/* Read one list item into s; on error s is freed. */
static int cp_source_read(struct cp *p, yaml_node_t *item, const char *w,
                          const struct cp_table *t, struct cp_source *s)
{
	memset(s, 0, sizeof *s);
	if (cp_map(p, item, w, t, s) < 0)
		goto fail;
	if (!s->url) {
		config_error_at(p, item, w, "url is required");
		goto fail;
	}
	if (!s->name)
		s->name = url_display_name(s->url);
	return 0;
fail:
	cp_source_free(s);
	return -1;
}

/* Each item of a list of sources: alertmanagers (am) or prometheus. */
static int cp_sources(struct cp *p, yaml_node_t *v, const char *w, bool am)
{
	struct config *c = p->c;
	yaml_node_item_t *it;
	struct cp_source s;
	char child[CP_WHERE_MAX];
	size_t i = 0, j;

	if (cp_is_null(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return config_error_at(p, v, w, "expected a list");
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++, i++) {
		yaml_node_t *item = cp_node(p, *it);

		if (!item)
			return cp_budget_error(p, v);
		cp_index(child, w, i);
		if ((am ? c->n_am : c->n_prom) >= CONFIG_SOURCES_MAX)
			return config_error_at(p, item, child, "too many sources (at most %d)",
			                CONFIG_SOURCES_MAX);
		if (cp_source_read(p, item, child, am ? &am_table : &prom_table, &s) < 0)
			return -1;
		if (am) {
			struct am_cluster *a;

			for (j = 0; j < c->n_am; j++)
				if (!strcmp(c->am[j].name, s.name))
					break;
			if (j < c->n_am)
				config_warn_at(p, item, child, "another alertmanager is also named "
				        "\"%s\"", s.name);
			c->am = xrealloc(c->am, (c->n_am + 1) * sizeof *c->am);
			a = &c->am[c->n_am++];
			a->name = s.name;
			a->n_urls = 1 + s.n_peers;
			a->urls = xmalloc(a->n_urls * sizeof *a->urls);
			a->urls[0] = s.url;
			for (j = 0; j < s.n_peers; j++)
				a->urls[j + 1] = s.peers[j];
			free(s.peers);
			a->http = s.http;
		} else {
			struct prom_source *ps;

			c->prom = xrealloc(c->prom, (c->n_prom + 1) * sizeof *c->prom);
			ps = &c->prom[c->n_prom++];
			ps->name = s.name;
			ps->url = s.url;
			ps->http = s.http;
			config_strv_free(s.peers, s.n_peers);
		}
	}
	return 0;
}

/* ---- top level ---- */

static int k_alertmanagers(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	(void)field;
	return cp_sources(p, v, w, true);
}

static int k_prometheus(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	(void)field;
	return cp_sources(p, v, w, false);
}

static int k_refresh(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	return cp_duration(p, v, w, CONFIG_REFRESH_MIN, field);
}

static int k_timeout(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	return cp_duration(p, v, w, 1, field);
}

static int k_output_limit(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	char e[ERR_MAX], q[64], *s;
	size_t bytes;

	if (cp_string(p, v, w, &s) < 0)
		return -1;
	if (size_parse(s, &bytes, e) < 0) {
		config_quote(s, strlen(s), q, sizeof q);
		free(s);
		return config_error_at(p, v, w, "invalid size \"%s\": %s", q, e);
	}
	free(s);
	if (bytes == 0 || bytes > CONFIG_OUTPUT_MAX)
		return config_error_at(p, v, w, "must be between 1 byte and 1GiB");
	*(size_t *)field = bytes;
	return 0;
}

/* The base for relative runbook_url annotations; kept ending in '/'. */
static int k_base_url(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	char *s;

	if (cp_url(p, v, w, &s) < 0)
		return -1;
	config_str_set(field, xasprintf("%s/", s));
	free(s);
	return 0;
}

#define CO(f) offsetof(struct config, f)
static const struct cp_key runbooks_keys[] = {
	{ .name = "dirs", .kind = CK_PATHS, .off = CO(runbook_dirs), .off_n = CO(n_runbook_dirs) },
	{ .name = "base_url", .kind = CK_FN, .off = CO(runbook_base_url), .fn = k_base_url },
};
static const struct cp_table runbooks_table = CP_TABLE(runbooks_keys);

static const struct cp_key slo_keys[] = {
	{ .name = "files", .kind = CK_PATHS, .off = CO(slo_files), .off_n = CO(n_slo_files) },
	{ .name = "prometheus", .kind = CK_FN, .off = CO(slo_prometheus), .fn = cp_prom_ref },
};
static const struct cp_table slo_table = CP_TABLE(slo_keys);

static const struct cp_key exec_keys[] = {
	{ .name = "shell", .kind = CK_PATH, .off = CO(exec_shell) },
	{ .name = "timeout", .kind = CK_FN, .off = CO(exec_timeout_ms), .fn = k_timeout },
	{ .name = "output_limit", .kind = CK_FN, .off = CO(exec_output_limit), .fn = k_output_limit },
};
static const struct cp_table exec_table = CP_TABLE(exec_keys);

static const struct cp_key timeline_keys[] = {
	{ .name = "dir", .kind = CK_PATH, .off = CO(timeline_dir) },
};
static const struct cp_table timeline_table = CP_TABLE(timeline_keys);

static const struct cp_key top_keys[] = {
	{ .name = "refresh", .kind = CK_FN, .off = CO(refresh_ms), .fn = k_refresh },
	{ .name = "alertmanagers", .kind = CK_FN, .fn = k_alertmanagers },
	{ .name = "prometheus", .kind = CK_FN, .fn = k_prometheus },
	{ .name = "runbooks", .kind = CK_MAP, .sub = &runbooks_table },
	{ .name = "slo", .kind = CK_MAP, .sub = &slo_table },
	{ .name = "signals", .kind = CK_FN, .fn = config_signals_read },
	{ .name = "exec", .kind = CK_MAP, .sub = &exec_table },
	{ .name = "timeline", .kind = CK_MAP, .sub = &timeline_table },
};
static const struct cp_table top_table = CP_TABLE(top_keys);

/* ---- entry point ---- */

int config_schema_read(struct cp *p, yaml_node_t *root)
{
	if (!root || cp_is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return config_error_at(p, root, "", "expected a mapping of settings at the top level");
	if (cp_map(p, root, "", &top_table, p->c) < 0) {
		config_refs_check(p); /* only to free them */
		return -1;
	}
	return config_refs_check(p);
}
