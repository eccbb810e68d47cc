/* labels.h: an ordered set of name/value pairs (alert labels, annotations,
 * HTTP headers). Names and values are owned, NUL-terminated copies; values
 * are raw (untrusted) bytes and must pass text_sanitize() before display.
 *
 * A set built with labelset_set() never holds a name twice. Decoders that
 * read many pairs from untrusted input use labelset_add() for each pair and
 * labelset_dedupe() once at the end: O(n log n) where n labelset_set() calls
 * cost O(n^2), with the same result. */
#ifndef PAGETTY_LABELS_H
#define PAGETTY_LABELS_H

#include <stdbool.h>
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
void labelset_copy(struct labelset *dst, const struct labelset *src);         /* labelset_set of each */
int labelset_equal(const struct labelset *a, const struct labelset *b);
void labelset_free(struct labelset *ls);
/* Alertmanager's fingerprint of a label set sorted by name: FNV-1a 64 over
 * each name and value, each followed by the byte 0xff, as 16 hex digits. */
void labelset_fingerprint(const struct labelset *sorted, char out[17]);

/* Append a copy of name and value (NULL: "") without looking for name: ls
 * may hold it twice until labelset_dedupe(). O(1) amortised. */
void labelset_add(struct labelset *ls, const char *name, const char *value);

/* Leave ls as labelset_set() of each of its entries, in order, into an empty
 * set would have: one entry per name, at the name's first appearance, with
 * the value of its LAST appearance. Entries let go are freed. Stable,
 * O(n log n). So labelset_add() of pairs to a set without repeats, then
 * labelset_dedupe(), gives what labelset_set() of the pairs would. */
void labelset_dedupe(struct labelset *ls);

/* labelset_dedupe() with the variations some callers need:
 *   first_wins  keep the value of a name's FIRST appearance instead;
 *   from        NULL, or an array of ls->n (taken before the call) that gets,
 *               for each entry i left, the old position of its name's first
 *               appearance (to keep a parallel array in step). */
void labelset_dedupe_ex(struct labelset *ls, bool first_wins, size_t *from);

/* Many look-ups in one set: labelset_index_get() answers as labelset_get()
 * does (the first entry of that name) in O(log n), for the entries ls held
 * at labelset_index_init(). Appending to ls afterwards is fine; changing or
 * removing those entries is not. */
struct labelset_index {
	const struct labelset *ls; /* borrowed */
	size_t *pos;               /* owned: positions 0..n-1 by (name, position) */
	size_t n;
};
void labelset_index_init(struct labelset_index *ix, const struct labelset *ls);
const char *labelset_index_get(const struct labelset_index *ix, const char *name); /* borrowed or NULL */
void labelset_index_free(struct labelset_index *ix);

/* labelset_get() for a set sorted by name (labelset_sort()), in O(log n). */
const char *labelset_get_sorted(const struct labelset *sorted, const char *name);
bool labelset_is_sorted(const struct labelset *ls);

#endif
