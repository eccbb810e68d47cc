/* config_int.h: private to core/config.c and core/config_schema.c. The parse
 * state they share, the message and string helpers config.c lends the schema,
 * and the one entry point into the schema. Not for use outside core/config*. */
#ifndef PAGETTY_CONFIG_INT_H
#define PAGETTY_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "config.h"

/* One parse (cp: config parser): where messages go and how much work is left. */
struct cp {
	struct config *c;       /* borrowed: what is filled */
	yaml_document_t *doc;   /* borrowed */
	const char *name;       /* borrowed: file name for messages */
	char *err;              /* borrowed: caller's char[ERR_MAX] */
	size_t visits;
	yaml_mark_t secret_mark; /* first key naming a secret file */
	bool has_secret;
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
 * the key tables into p->c. 0, or -1 with p->err filled. */
int config_schema_read(struct cp *p, yaml_node_t *root);

#endif
