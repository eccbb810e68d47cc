/* labels.h: an ordered set of name/value pairs (alert labels, annotations,
 * HTTP headers). Names and values are owned, NUL-terminated copies; values
 * are raw (untrusted) bytes and must pass text_sanitize() before display. */
#ifndef PAGETTY_LABELS_H
#define PAGETTY_LABELS_H

#include <stddef.h>

struct kv {
	char *name;  /* owned */
	char *value; /* owned */
};

struct labelset {
	struct kv *v; /* owned array of n */
	size_t n;
	size_t cap;
};

void labelset_set(struct labelset *ls, const char *name, const char *value); /* replaces if present */
const char *labelset_get(const struct labelset *ls, const char *name);         /* borrowed or NULL */
void labelset_sort(struct labelset *ls);                                       /* by name */
void labelset_copy(struct labelset *dst, const struct labelset *src);
int labelset_equal(const struct labelset *a, const struct labelset *b);
void labelset_free(struct labelset *ls);
/* Alertmanager's fingerprint of a label set sorted by name: FNV-1a 64 over
 * each name and value, each followed by the byte 0xff, as 16 hex digits. */
void labelset_fingerprint(const struct labelset *sorted, char out[17]);

#endif
