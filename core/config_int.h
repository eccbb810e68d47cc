/* config_int.h: private to core/config*.c. The parse state they share, the
 * message and string helpers config.c lends the schema, the key-table walker
 * config_schema.c lends config_signals.c, and the entry points into the
 * schema. Not for use outside core/config*. */
#ifndef PAGETTY_CONFIG_INT_H
#define PAGETTY_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "config.h"

#define CP_WHERE_MAX 160 /* "alertmanagers[0].auth.basic" */

/* A `prometheus: NAME` reference, checked once the whole file is read (the
 * prometheus: list may come after it). */
struct cp_ref {
	yaml_node_t *node;      /* borrowed from the document */
	char *where;            /* owned: "signals[0].prometheus" */
};

/* One parse (cp: config parser): where messages go and how much work is left. */
struct cp {
	struct config *c;       /* borrowed: what is filled */
	yaml_document_t *doc;   /* borrowed */
	const char *name;       /* borrowed: file name for messages */
	char *err;              /* borrowed: caller's char[ERR_MAX] */
	size_t visits;
	yaml_mark_t secret_mark; /* first key naming a secret file */
	bool has_secret;
	struct cp_ref *refs;    /* owned array of n_refs */
	size_t n_refs;
};

/* ---- config.c ---- */

/* Append an owned message to c->warnings (capped: the excess is freed). */
void config_warn(struct config *c, char *msg);
/* Fill p->err with "NAME:LINE:COL: where: message" at node n; returns -1. */
int config_error_at(struct cp *p, yaml_node_t *n, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Add the warning "NAME:LINE:COL: where: message" at node n. */
void config_warn_at(struct cp *p, yaml_node_t *n, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Printable, bounded rendering of n untrusted bytes into out. */
void config_quote(const char *s, size_t n, char *out, size_t outlen);
/* Validate and normalize an http(s) URL: malloced, or NULL with msg filled. */
char *config_url_check(const char *url, char *msg, size_t msglen);

void config_http_opts_free(struct http_opts *h);
void config_strv_free(char **v, size_t n);
void config_strv_push(char ***v, size_t *n, char *s);  /* takes s */
void config_str_set(char **dst, char *s);              /* frees *dst, takes s */

/* ---- config_schema.c ---- */

/* Read the document's root node (NULL or a YAML null: nothing to do) through
 * the key tables into p->c, then check the prometheus: NAME references. 0,
 * or -1 with p->err filled. */
int config_schema_read(struct cp *p, yaml_node_t *root);

/* The key tables: each key names the kind of its value. */
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

/* The walker the tables drive. cp_node fetches a node by id counting the
 * work (NULL: budget spent, then return cp_budget_error); cp_string takes a
 * non-empty scalar without control characters (owned into *out); cp_map
 * walks a mapping through table t into obj; cp_index writes "where[i]". */
yaml_node_t *cp_node(struct cp *p, int id);
int cp_budget_error(struct cp *p, yaml_node_t *near);
bool cp_is_null(const yaml_node_t *n);
int cp_string(struct cp *p, yaml_node_t *n, const char *where, char **out);
int cp_map(struct cp *p, yaml_node_t *map, const char *where, const struct cp_table *t, void *obj);
void cp_index(char out[CP_WHERE_MAX], const char *where, size_t i);

/* ---- config_signals.c ---- */

/* Free what a panel holds and zero it. */
void config_signal_clear(struct signal_cfg *g);
/* signals: the list of service panels (CK_FN handler). */
int config_signals_read(struct cp *p, yaml_node_t *v, void *field, const char *where);
/* A `prometheus: NAME` value (CK_FN handler, field is a char **): stored,
 * and remembered for config_refs_check. */
int cp_prom_ref(struct cp *p, yaml_node_t *v, void *field, const char *where);
/* Every remembered reference names a prometheus: entry: 0, or -1 with
 * p->err at the reference. Frees the references either way. */
int config_refs_check(struct cp *p);

#endif
