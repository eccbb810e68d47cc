/* config.c: the YAML configuration (DESIGN.md §3) read with libyaml's
 * document API, so every node carries its line:col for messages. The schema
 * is a set of key tables; wrong types and bad values are errors, unknown
 * keys and literal secrets are warnings (a literal secret is never stored).
 * Also the command-line additions, the default config path, and URL display
 * helpers that never show userinfo. */
#include "config.h"

#include <ctype.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "duration.h"

#define CONFIG_FILE_MAX     (1024 * 1024)   /* bytes read from a config file */
#define CONFIG_VISITS_MAX   200000          /* node visits: bounds alias fan-out */
#define CONFIG_DEPTH_MAX    64              /* collection nesting */
#define CONFIG_WARNINGS_MAX 64
#define CONFIG_HEADERS_MAX  64
#define CONFIG_SOURCES_MAX  256             /* alertmanagers, prometheus each */
#define CONFIG_REFRESH_MIN  500             /* ms, as for --refresh */
#define CONFIG_OUTPUT_MAX   ((size_t)1 << 30)
#define CP_WHERE_MAX        160             /* "alertmanagers[0].auth.basic" */

/* One parse: where messages go and how much work is left. */
struct cp {
	struct config *c;       /* borrowed: what is filled */
	yaml_document_t *doc;   /* borrowed */
	const char *name;       /* borrowed: file name for messages */
	char *err;              /* borrowed: caller's char[ERR_MAX] */
	size_t visits;
	yaml_mark_t secret_mark; /* first key naming a secret file */
	bool has_secret;
};

/* A source entry (alertmanager or prometheus) while it is being read. */
struct cp_source {
	char *name;        /* owned or NULL */
	char *url;         /* owned or NULL */
	char **peers;      /* owned array of owned */
	size_t n_peers;
	struct http_opts http;
};

typedef int cp_fn(struct cp *p, yaml_node_t *v, void *field, const char *where);

/* What a key's value is; off is the offset of the field it fills in the
 * object the table describes. */
enum cp_kind {
	CK_FN,        /* fn(p, value, obj + off, where) */
	CK_STR,       /* char *, non-empty */
	CK_PATH,      /* char *, "~/" expanded */
	CK_URL,       /* char *, http(s), no trailing '/' */
	CK_ENV,       /* char *, an environment variable name */
	CK_SECRET,    /* char *, a path to a secret: permission-checked */
	CK_BOOL,      /* bool */
	CK_PATHS,     /* char ** + size_t at off_n: list of paths */
	CK_URLS,      /* char ** + size_t at off_n: list of urls */
	CK_MAP,       /* nested mapping of sub, filling obj + off; then fn */
};

struct cp_table;
struct cp_key {
	const char *name;
	enum cp_kind kind;
	size_t off;
	size_t off_n;
	const struct cp_table *sub;
	cp_fn *fn;
};

struct cp_table {
	const struct cp_key *keys;
	size_t n;
};
#define CP_TABLE(k) { k, ARRAY_LEN(k) }

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

static void http_opts_free(struct http_opts *h)
{
	labelset_free(&h->headers);
	free(h->bearer_token_env);
	free(h->bearer_token_file);
	free(h->basic_username);
	free(h->basic_password_env);
	free(h->basic_password_file);
	free(h->ca_file);
	free(h->cert_file);
	free(h->key_file);
	free(h->path_prefix);
	memset(h, 0, sizeof *h);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void strv_push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

static void str_set(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

/* Printable, bounded rendering of untrusted bytes for a message. */
static void cp_quote(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0, i;

	for (i = 0; i < n && o + 8 < outlen; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (o + 12 >= outlen && i + 1 < n) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\')
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
}

static int cp_error(struct cp *p, yaml_node_t *n, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int cp_error(struct cp *p, yaml_node_t *n, const char *where, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return errf(p->err, "%s:%zu:%zu: %s%s%s", p->name, n->start_mark.line + 1,
	            n->start_mark.column + 1, where, *where ? ": " : "", msg);
}

static void config_warn(struct config *c, char *msg)
{
	if (c->n_warnings > CONFIG_WARNINGS_MAX) {
		free(msg);
		return;
	}
	if (c->n_warnings == CONFIG_WARNINGS_MAX) {
		free(msg);
		msg = xstrdup("too many warnings; the rest are not shown");
	}
	strv_push(&c->warnings, &c->n_warnings, msg);
}

static void cp_warn(struct cp *p, yaml_node_t *n, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void cp_warn(struct cp *p, yaml_node_t *n, const char *where, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	config_warn(p->c, xasprintf("%s:%zu:%zu: %s%s%s", p->name, n->start_mark.line + 1,
	                            n->start_mark.column + 1, where, *where ? ": " : "", msg));
}

/* Fetch a node by id, counting the work: aliases let a small file refer to
 * one node many times, so the total is bounded. NULL: budget spent. */
static yaml_node_t *cp_node(struct cp *p, int id)
{
	if (++p->visits > CONFIG_VISITS_MAX)
		return NULL;
	return yaml_document_get_node(p->doc, id);
}

static int cp_budget_error(struct cp *p, yaml_node_t *near)
{
	return cp_error(p, near, "", "too many nodes (alias expansion?)");
}

static bool cp_is_null(const yaml_node_t *n)
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
static int cp_string(struct cp *p, yaml_node_t *n, const char *where, char **out)
{
	const unsigned char *v;
	size_t i;

	*out = NULL;
	if (n->type != YAML_SCALAR_NODE)
		return cp_error(p, n, where, "expected a string");
	v = n->data.scalar.value;
	if (cp_is_null(n) || n->data.scalar.length == 0)
		return cp_error(p, n, where, "expected a non-empty string");
	for (i = 0; i < n->data.scalar.length; i++)
		if (v[i] < 0x20 || v[i] == 0x7f)
			return cp_error(p, n, where, "control characters are not allowed");
	*out = xstrndup((const char *)v, n->data.scalar.length);
	return 0;
}

/* Validate and normalize an http(s) URL: scheme checked, a host present,
 * trailing '/' stripped. Returns malloced, or NULL with msg filled. */
static char *config_url_check(const char *url, char *msg, size_t msglen)
{
	size_t len = strlen(url), skip = 0, i;
	const char *auth, *end, *at, *why = NULL;
	char shown[96], *r;

	if (!strncasecmp(url, "http://", 7))
		skip = 7;
	else if (!strncasecmp(url, "https://", 8))
		skip = 8;
	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
			break;
	auth = url + skip;
	end = auth + strcspn(auth, "/?#");
	at = memrchr(auth, '@', (size_t)(end - auth));
	if (at)
		auth = at + 1;
	if (!skip)
		why = "the scheme must be http:// or https://";
	else if (i < len)
		why = "spaces and control characters are not allowed";
	else if (auth == end)
		why = "no host";
	if (why) {
		r = url_redact(url);
		cp_quote(r, strlen(r), shown, sizeof shown);
		free(r);
		snprintf(msg, msglen, "invalid URL \"%s\": %s", shown, why);
		return NULL;
	}
	while (len > skip && url[len - 1] == '/')
		len--;
	r = xstrndup(url, len);
	for (i = 0; i < skip; i++)
		r[i] = (char)tolower((unsigned char)r[i]);
	return r;
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
		cp_warn(p, n, where, "the URL holds a password; literal secrets do not belong "
		        "in the config: use auth: {basic: {username, password_env}}");
	free(s);
	return *out ? 0 : cp_error(p, n, where, "%s", msg);
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
		cp_quote(s, strlen(s), q, sizeof q);
		free(s);
		return errf(p->err, "%s:%zu:%zu: %s: invalid duration \"%s\": %s", p->name,
		            m.line + 1, m.column + 1, where, q, msg);
	}
	free(s);
	if (v < min_ms) {
		duration_format(min_ms, q, sizeof q);
		return cp_error(p, n, where, "must be at least %s", q);
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
			cp_warn(p, k, where, "%s: literal secrets are not read; use %s",
			        cp_secret_keys[i].key, cp_secret_keys[i].instead);
			return;
		}
	}
	cp_quote(ks, k->data.scalar.length, q, sizeof q);
	for (i = 0; i < t->n; i++) {
		d = cp_distance(ks, t->keys[i].name);
		if (d < bestd) {
			bestd = d;
			best = i;
		}
	}
	if (bestd <= 2 && bestd < strlen(ks))
		cp_warn(p, k, where, "unknown key \"%s\" (did you mean \"%s\"?)", q,
		        t->keys[best].name);
	else
		cp_warn(p, k, where, "unknown key \"%s\"", q);
}

static int cp_map(struct cp *p, yaml_node_t *map, const char *where,
                  const struct cp_table *t, void *obj);

/* "where[i]" for messages; where is built from known key names, so it is
 * short, but a cut is harmless anyway. */
static void cp_index(char out[CP_WHERE_MAX], const char *where, size_t i)
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
		return cp_error(p, n, where, "expected a list");
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
			str_set(&s, path_expand(s));
		}
		strv_push(v, cnt, s);
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
			return cp_error(p, v, where, "expected true or false");
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
			return cp_error(p, v, where, "expected the name of an environment "
			                "variable ([A-Za-z_][A-Za-z0-9_]*), not the secret itself");
		}
		if (k->kind == CK_PATH || k->kind == CK_SECRET)
			str_set(&s, path_expand(s));
		if (k->kind == CK_SECRET && !p->has_secret) {
			p->has_secret = true;
			p->secret_mark = v->start_mark;
		}
		break;
	}
	str_set(sp, s);
	return 0;
}

/* Walk a mapping: known keys go to their handler; a key that would hold a
 * literal secret is warned about and dropped; other keys are warned about. */
static int cp_map(struct cp *p, yaml_node_t *map, const char *where,
                  const struct cp_table *t, void *obj)
{
	yaml_node_pair_t *pair;
	uint64_t seen = 0;
	char child[CP_WHERE_MAX];
	size_t i;

	if (map->type != YAML_MAPPING_NODE)
		return cp_error(p, map, where, "expected a mapping (key: value)");
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = cp_node(p, pair->key), *v = cp_node(p, pair->value);
		const struct cp_key *key = NULL;

		if (!k || !v)
			return cp_budget_error(p, map);
		if (k->type != YAML_SCALAR_NODE)
			return cp_error(p, k, where, "expected a key name");
		for (i = 0; i < t->n && !key; i++)
			if (k->data.scalar.length == strlen(t->keys[i].name) &&
			    !strcmp((const char *)k->data.scalar.value, t->keys[i].name))
				key = &t->keys[i];
		if (!key) {
			cp_unknown_key(p, k, where, t);
			continue;
		}
		if (seen & (1ULL << (i - 1)))
			return cp_error(p, k, where, "duplicate key \"%s\"", key->name);
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
		return cp_error(p, v, w, "expected a mapping (Header-Name: value)");
	for (pair = v->data.mapping.pairs.start; pair < v->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = cp_node(p, pair->key), *hv = cp_node(p, pair->value);
		const char *name;

		if (!k || !hv)
			return cp_budget_error(p, v);
		if (k->type != YAML_SCALAR_NODE)
			return cp_error(p, k, w, "expected a header name");
		name = (const char *)k->data.scalar.value;
		if (!cp_header_name_ok(name, k->data.scalar.length)) {
			cp_quote(name, k->data.scalar.length, q, sizeof q);
			return cp_error(p, k, w, "invalid header name \"%s\"", q);
		}
		if (!strcasecmp(name, "Authorization") || !strcasecmp(name, "Proxy-Authorization") ||
		    !strcasecmp(name, "Cookie")) {
			cp_warn(p, k, w, "%s: literal secrets are not read; use auth: "
			        "bearer_token_env or bearer_token_file", name);
			continue;
		}
		for (size_t i = 0; i < h->headers.n; i++)
			if (!strcasecmp(h->headers.v[i].name, name))
				return cp_error(p, k, w, "duplicate header \"%s\"", name);
		if (h->headers.n >= CONFIG_HEADERS_MAX)
			return cp_error(p, k, w, "too many headers (at most %d)", CONFIG_HEADERS_MAX);
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
		return cp_error(p, v, w, "username is required");
	if (!h->basic_password_env == !h->basic_password_file)
		return cp_error(p, v, w, "give exactly one of password_env, password_file");
	return 0;
}

static int check_auth(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	struct http_opts *h = field;

	if (!!h->bearer_token_env + !!h->bearer_token_file + !!h->basic_username > 1)
		return cp_error(p, v, w, "give only one of bearer_token_env, bearer_token_file, basic");
	return 0;
}

static int check_tls(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	struct http_opts *h = field;

	if (h->key_file && !h->cert_file)
		return cp_error(p, v, w, "key_file needs cert_file");
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
		return cp_error(p, v, w, "expected a path like /prometheus");
	}
	str_set(dst, len ? xasprintf("%s%s", s[0] == '/' ? "" : "/", s) : NULL);
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
	strv_free(s->peers, s->n_peers);
	http_opts_free(&s->http);
}

/* Read one list item into s; on error s is freed. */
static int cp_source_read(struct cp *p, yaml_node_t *item, const char *w,
                          const struct cp_table *t, struct cp_source *s)
{
	memset(s, 0, sizeof *s);
	if (cp_map(p, item, w, t, s) < 0)
		goto fail;
	if (!s->url) {
		cp_error(p, item, w, "url is required");
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
		return cp_error(p, v, w, "expected a list");
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++, i++) {
		yaml_node_t *item = cp_node(p, *it);

		if (!item)
			return cp_budget_error(p, v);
		cp_index(child, w, i);
		if ((am ? c->n_am : c->n_prom) >= CONFIG_SOURCES_MAX)
			return cp_error(p, item, child, "too many sources (at most %d)",
			                CONFIG_SOURCES_MAX);
		if (cp_source_read(p, item, child, am ? &am_table : &prom_table, &s) < 0)
			return -1;
		if (am) {
			struct am_cluster *a;

			for (j = 0; j < c->n_am; j++)
				if (!strcmp(c->am[j].name, s.name))
					break;
			if (j < c->n_am)
				cp_warn(p, item, child, "another alertmanager is also named "
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
			strv_free(s.peers, s.n_peers);
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
		cp_quote(s, strlen(s), q, sizeof q);
		free(s);
		return cp_error(p, v, w, "invalid size \"%s\": %s", q, e);
	}
	free(s);
	if (bytes == 0 || bytes > CONFIG_OUTPUT_MAX)
		return cp_error(p, v, w, "must be between 1 byte and 1GiB");
	*(size_t *)field = bytes;
	return 0;
}

/* The base for relative runbook_url annotations; kept ending in '/'. */
static int k_base_url(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	char *s;

	if (cp_url(p, v, w, &s) < 0)
		return -1;
	str_set(field, xasprintf("%s/", s));
	free(s);
	return 0;
}

/* Golden-signal panels are not modelled yet: a list is accepted as is. */
static int k_signals(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	(void)field;
	if (cp_is_null(v) || v->type == YAML_SEQUENCE_NODE)
		return 0;
	return cp_error(p, v, w, "expected a list");
}

#define CO(f) offsetof(struct config, f)
static const struct cp_key runbooks_keys[] = {
	{ .name = "dirs", .kind = CK_PATHS, .off = CO(runbook_dirs), .off_n = CO(n_runbook_dirs) },
	{ .name = "base_url", .kind = CK_FN, .off = CO(runbook_base_url), .fn = k_base_url },
};
static const struct cp_table runbooks_table = CP_TABLE(runbooks_keys);

static const struct cp_key slo_keys[] = {
	{ .name = "files", .kind = CK_PATHS, .off = CO(slo_files), .off_n = CO(n_slo_files) },
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
	{ .name = "signals", .kind = CK_FN, .fn = k_signals },
	{ .name = "exec", .kind = CK_MAP, .sub = &exec_table },
	{ .name = "timeline", .kind = CK_MAP, .sub = &timeline_table },
};
static const struct cp_table top_table = CP_TABLE(top_keys);

/* ---- parsing driver ---- */

/* libyaml's reader reports a byte offset rather than a mark. */
static void cp_offset_mark(const char *text, size_t len, size_t off, size_t *line, size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static int cp_syntax_error(yaml_parser_t *yp, const char *text, size_t len, const char *name,
                           char err[ERR_MAX])
{
	const char *problem = yp->problem ? yp->problem : "unknown problem";
	size_t line, col;

	switch (yp->error) {
	case YAML_MEMORY_ERROR:
		return errf(err, "%s: out of memory while reading YAML", name);
	case YAML_READER_ERROR:
		cp_offset_mark(text, len, yp->problem_offset, &line, &col);
		return errf(err, "%s:%zu:%zu: invalid YAML: %s", name, line, col, problem);
	default:
		if (yp->context)
			return errf(err, "%s:%zu:%zu: invalid YAML: %s (%s at line %zu)", name,
			            yp->problem_mark.line + 1, yp->problem_mark.column + 1,
			            problem, yp->context, yp->context_mark.line + 1);
		return errf(err, "%s:%zu:%zu: invalid YAML: %s", name,
		            yp->problem_mark.line + 1, yp->problem_mark.column + 1, problem);
	}
}

/* A first pass over the events: syntax errors, and nesting bounded before
 * the document is built (libyaml's scanner is quadratic in flow depth, so
 * a 1 MiB "[[[[..." would otherwise take hours). */
static int cp_prescan(const char *text, size_t len, const char *name, char err[ERR_MAX])
{
	yaml_parser_t yp;
	yaml_event_t ev;
	int depth = 0, rc = -1;

	if (!yaml_parser_initialize(&yp))
		return errf(err, "%s: out of memory", name);
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&yp, &ev)) {
			cp_syntax_error(&yp, text, len, name, err);
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > CONFIG_DEPTH_MAX) {
				errf(err, "%s:%zu:%zu: nested deeper than %d levels", name,
				     ev.start_mark.line + 1, ev.start_mark.column + 1, CONFIG_DEPTH_MAX);
				yaml_event_delete(&ev);
				break;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		} else if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			rc = 0;
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
	return rc;
}

static int config_parse_mark(struct config *c, const char *text, size_t len, const char *name,
                             char err[ERR_MAX], yaml_mark_t *secret_mark, bool *has_secret)
{
	yaml_parser_t yp;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	struct cp p = { .c = c, .doc = &doc, .name = name ? name : "config", .err = err };
	int rc = -1;

	if (cp_prescan(text, len, p.name, err) < 0)
		return -1;
	if (!yaml_parser_initialize(&yp))
		return errf(err, "%s: out of memory", p.name);
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	if (!yaml_parser_load(&yp, &doc)) {
		cp_syntax_error(&yp, text, len, p.name, err);
		yaml_parser_delete(&yp);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (root && !cp_is_null(root)) {
		if (root->type != YAML_MAPPING_NODE) {
			cp_error(&p, root, "", "expected a mapping of settings at the top level");
			goto out;
		}
		if (cp_map(&p, root, "", &top_table, c) < 0)
			goto out;
	}
	/* A second document is a mistake worth knowing about (or a syntax error). */
	if (!yaml_parser_load(&yp, &extra)) {
		cp_syntax_error(&yp, text, len, p.name, err);
		goto out;
	}
	root = yaml_document_get_root_node(&extra);
	if (root)
		cp_warn(&p, root, "", "only the first YAML document is read");
	yaml_document_delete(&extra);
	if (secret_mark && p.has_secret) {
		*secret_mark = p.secret_mark;
		*has_secret = true;
	}
	rc = 0;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&yp);
	return rc;
}

int config_parse(struct config *c, const char *text, size_t len, const char *name, char err[ERR_MAX])
{
	return config_parse_mark(c, text ? text : "", text ? len : 0, name, err, NULL, NULL);
}

/* Warn about a secret file that others can read. */
static void config_check_secret_file(struct config *c, const char *file)
{
	struct stat st;

	if (file && stat(file, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
		config_warn(c, xasprintf("%s: secret file is readable by group/other "
		                         "(mode %04o); chmod 600 it", file,
		                         (unsigned)(st.st_mode & 07777)));
}

static void config_check_http_files(struct config *c, const struct http_opts *h)
{
	config_check_secret_file(c, h->bearer_token_file);
	config_check_secret_file(c, h->basic_password_file);
	config_check_secret_file(c, h->key_file);
}

int config_load_file(struct config *c, const char *path, char err[ERR_MAX])
{
	char *text = NULL;
	size_t len = 0, i, n_am = c->n_am, n_prom = c->n_prom;
	yaml_mark_t mark = {0, 0, 0};
	bool has_secret = false;
	struct stat st;
	int rc;

	if (!path)
		return errf(err, "no config file given");
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return errf(err, "%s: is a directory", path);
	if (read_file(path, CONFIG_FILE_MAX, &text, &len, err) < 0)
		return -1;
	rc = config_parse_mark(c, text, len, path, err, &mark, &has_secret);
	free(text);
	if (rc < 0)
		return -1;
	str_set(&c->path, xstrdup(path));
	if (has_secret && stat(path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
		config_warn(c, xasprintf("%s:%zu:%zu: the config names a secret file and is "
		                         "readable by group/other (mode %04o); chmod 600 %s",
		                         path, mark.line + 1, mark.column + 1,
		                         (unsigned)(st.st_mode & 07777), path));
	for (i = n_am; i < c->n_am; i++)
		config_check_http_files(c, &c->am[i].http);
	for (i = n_prom; i < c->n_prom; i++)
		config_check_http_files(c, &c->prom[i].http);
	return 0;
}

/* ---- defaults, flags ---- */

void config_init(struct config *c)
{
	const char *state = getenv("XDG_STATE_HOME");

	memset(c, 0, sizeof *c);
	c->refresh_ms = 15000;
	c->exec_shell = xstrdup("/bin/sh");
	c->exec_timeout_ms = 60000;
	c->exec_output_limit = 1024 * 1024;
	if (state && state[0] == '/')
		c->timeline_dir = xasprintf("%s/pagetty/incidents", state);
	else
		c->timeline_dir = path_expand("~/.local/state/pagetty/incidents");
}

void config_free(struct config *c)
{
	size_t i;

	free(c->path);
	for (i = 0; i < c->n_am; i++) {
		free(c->am[i].name);
		strv_free(c->am[i].urls, c->am[i].n_urls);
		http_opts_free(&c->am[i].http);
	}
	free(c->am);
	for (i = 0; i < c->n_prom; i++) {
		free(c->prom[i].name);
		free(c->prom[i].url);
		http_opts_free(&c->prom[i].http);
	}
	free(c->prom);
	strv_free(c->runbook_dirs, c->n_runbook_dirs);
	free(c->runbook_base_url);
	strv_free(c->slo_files, c->n_slo_files);
	free(c->exec_shell);
	free(c->timeline_dir);
	strv_free(c->warnings, c->n_warnings);
	memset(c, 0, sizeof *c);
}

char *config_default_path(void)
{
	const char *env = getenv("PAGETTY_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (env && *env)
		return xstrdup(env);
	/* The XDG spec says a relative XDG_CONFIG_HOME is to be ignored. */
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/pagetty/config.yaml", xdg);
	if (!home || !*home) {
		pw = getpwuid(getuid());
		home = pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : ".";
	}
	return xasprintf("%s/.config/pagetty/config.yaml", home);
}

int config_add_alertmanager(struct config *c, const char *url, char err[ERR_MAX])
{
	char msg[ERR_MAX], *u;
	struct am_cluster *am;

	u = config_url_check(url ? url : "", msg, sizeof msg);
	if (!u)
		return errf(err, "%s", msg);
	c->am = xrealloc(c->am, (c->n_am + 1) * sizeof *c->am);
	am = &c->am[c->n_am++];
	memset(am, 0, sizeof *am);
	am->name = url_display_name(u);
	am->urls = xmalloc(sizeof *am->urls);
	am->urls[0] = u;
	am->n_urls = 1;
	return 0;
}

int config_add_prometheus(struct config *c, const char *url, char err[ERR_MAX])
{
	char msg[ERR_MAX], *u;
	struct prom_source *ps;

	u = config_url_check(url ? url : "", msg, sizeof msg);
	if (!u)
		return errf(err, "%s", msg);
	c->prom = xrealloc(c->prom, (c->n_prom + 1) * sizeof *c->prom);
	ps = &c->prom[c->n_prom++];
	memset(ps, 0, sizeof *ps);
	ps->name = url_display_name(u);
	ps->url = u;
	return 0;
}

void config_add_runbook_dir(struct config *c, const char *dir)
{
	if (dir && *dir)
		strv_push(&c->runbook_dirs, &c->n_runbook_dirs, path_expand(dir));
}

/* ---- URL display ---- */

/* Split url into [scheme://][userinfo@]authority...: *auth is where the
 * authority starts after any userinfo, *ui where the userinfo starts. */
static void url_split(const char *url, const char **ui, const char **auth, const char **end)
{
	const char *s = strstr(url, "://"), *at;

	if (s && (size_t)(s - url) == strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-."))
		s += 3;
	else if (s && !memchr(url, '@', strcspn(url, "/?#")))
		s += 3; /* "ht tp://u:pw@h": no scheme, but still redact after "://" */
	else
		s = url;
	*ui = s;
	*end = s + strcspn(s, "/?#");
	at = memrchr(s, '@', (size_t)(*end - s));
	*auth = at ? at + 1 : s;
}

char *url_display_name(const char *url)
{
	const char *ui, *auth, *end;

	if (!url)
		return NULL;
	url_split(url, &ui, &auth, &end);
	if (auth == end)
		return url_redact(url);
	return xstrndup(auth, (size_t)(end - auth));
}

char *url_redact(const char *url)
{
	const char *ui, *auth, *end;

	if (!url)
		return NULL;
	url_split(url, &ui, &auth, &end);
	if (auth == ui)
		return xstrdup(url);
	return xasprintf("%.*s***@%s", (int)(ui - url), url, auth);
}
