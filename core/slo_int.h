/* slo_int.h: private to core/slo*.c. The parse state of one SLO file (sp:
 * SLO parser), the node helpers slo.c lends the format readers, and the
 * OpenSLO reader's entry points (slo_openslo.c). Not for use outside
 * core/slo*. */
#ifndef PAGETTY_SLO_INT_H
#define PAGETTY_SLO_INT_H

#include <stdbool.h>

#include <yaml.h>

#include "slo.h"

/* Parser state for one file. */
struct sp {
	const char *name;           /* borrowed: file name for messages */
	yaml_document_t *doc;       /* borrowed: current document */
	struct slo_set *out;        /* borrowed: this file's SLOs */
	char *err;                  /* borrowed: ERR_MAX */
};

/* ---- slo.c ---- */

/* Free what an SLI holds and zero it. */
void slo_sli_free(struct slo_sli *s);
/* Fill p->err with "NAME:LINE:COL: message" at n (else the document's
 * root); returns -1. */
int sp_error(struct sp *p, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add the warning "NAME:LINE:COL: message" at n (else the root) to p->out. */
void sp_warn(struct sp *p, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Absent, or a plain empty, "~" or null scalar. */
bool sp_is_null(const yaml_node_t *n);
/* The value of key in mapping m, or NULL (also when m is not a mapping). */
yaml_node_t *sp_get(struct sp *p, const yaml_node_t *m, const char *key);
/* A scalar as a NUL-terminated borrowed string (NULL when not a scalar, or
 * when it holds a NUL). */
const char *sp_scalar(const yaml_node_t *n);
/* Required (or optional when !required) string under key, or under key2
 * when key is absent (key2 may be NULL); *out owned or NULL. where prefixes
 * messages. 0, or -1 with p->err filled. */
int sp_string(struct sp *p, const yaml_node_t *m, const char *key, const char *key2,
              const char *where, bool required, char **out);
/* A finite number; 0, or -1 with p->err naming what. */
int sp_number(struct sp *p, const yaml_node_t *n, const char *what, double *v);
/* Flat string map (labels) into ls; other values are skipped. */
void sp_labels(struct sp *p, const yaml_node_t *m, struct labelset *ls);
/* Whether q is a placeholder query seen in examples and templates ("Any",
 * "TODO", empty). */
bool slo_placeholder(const char *q);
/* Append a def to p->out (zeroed, with file and position of at). */
struct slo_def *sp_new_def(struct sp *p, const yaml_node_t *at, enum slo_format fmt);
/* Warn when an SLO loads but cannot be measured (its SLI has a note). */
void sp_note_warn(struct sp *p, const yaml_node_t *at, const struct slo_def *d);

/* ---- slo_openslo.c ---- */

/* An openslo/v1 `SLO` document: appended to p->out. 0, or -1 with p->err. */
int sp_openslo_slo(struct sp *p, const yaml_node_t *root);
/* An openslo/v1 `SLI` document: kept in p->out->slis for indicatorRef. 0, or
 * -1 with p->err. */
int sp_openslo_sli_doc(struct sp *p, const yaml_node_t *root);

#endif
