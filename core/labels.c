/* labels.c: ordered name/value sets. The bulk operations (dedupe, index,
 * equal) order positions by name with a merge sort, so a hostile set of n
 * labels costs O(n log n), never O(n^2). */
#include "labels.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void labelset_set(struct labelset *ls, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < ls->n; i++) {
		if (strcmp(ls->v[i].name, name) == 0) {
			free(ls->v[i].value);
			ls->v[i].value = xstrdup(value ? value : "");
			return;
		}
	}
	xgrow(&ls->v, &ls->cap, ls->n + 1, sizeof *ls->v);
	ls->v[ls->n].name = xstrdup(name);
	ls->v[ls->n].value = xstrdup(value ? value : "");
	ls->n++;
}

void labelset_add(struct labelset *ls, const char *name, const char *value)
{
	xgrow(&ls->v, &ls->cap, ls->n + 1, sizeof *ls->v);
	ls->v[ls->n].name = xstrdup(name);
	ls->v[ls->n].value = xstrdup(value ? value : "");
	ls->n++;
}

const char *labelset_get(const struct labelset *ls, const char *name)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (strcmp(ls->v[i].name, name) == 0)
			return ls->v[i].value;
	return NULL;
}

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;

	return strcmp(x->name, y->name);
}

void labelset_sort(struct labelset *ls)
{
	if (ls->n > 1)
		qsort(ls->v, ls->n, sizeof *ls->v, kv_cmp);
}

/* ---- ordering by name -------------------------------------------------- */

/* pos[0..n) = the positions 0..n-1 of ls ordered by name, equal names by
 * position: a bottom-up merge sort, stable and O(n log n) on any input. */
static void ls_order(const struct labelset *ls, size_t n, size_t *pos)
{
	size_t *a = pos, *b, *t, w, lo, mid, hi, i, j, k;

	for (i = 0; i < n; i++)
		pos[i] = i;
	if (n < 2)
		return;
	b = xmalloc(n * sizeof *b);
	for (w = 1; w < n; w = w > n / 2 ? n : 2 * w) {
		for (lo = 0; lo < n; lo = hi) {
			mid = n - lo > w ? lo + w : n;
			hi = n - mid > w ? mid + w : n;
			i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				b[k++] = strcmp(ls->v[a[j]].name, ls->v[a[i]].name) < 0 ? a[j++] : a[i++];
			while (i < mid)
				b[k++] = a[i++];
			while (j < hi)
				b[k++] = a[j++];
		}
		t = a, a = b, b = t;
	}
	if (a != pos) {
		memcpy(pos, a, n * sizeof *pos);
		b = a;
	}
	free(b);
}

void labelset_dedupe(struct labelset *ls)
{
	labelset_dedupe_ex(ls, false, NULL);
}

void labelset_dedupe_ex(struct labelset *ls, bool first_wins, size_t *from)
{
	size_t n = ls->n, *pos, *src, i, g, e, o = 0;
	bool *used;

	if (n == 0)
		return;
	pos = xmalloc(n * sizeof *pos);
	src = xmalloc(n * sizeof *src); /* per position: where its value comes from, or SIZE_MAX */
	used = xcalloc(n, sizeof *used);
	ls_order(ls, n, pos);
	for (i = 0; i < n; i++)
		src[i] = SIZE_MAX;
	for (g = 0; g < n; g = e) { /* each run of one name, positions ascending */
		for (e = g + 1; e < n && strcmp(ls->v[pos[e]].name, ls->v[pos[g]].name) == 0; e++)
			;
		src[pos[g]] = first_wins ? pos[g] : pos[e - 1];
		used[src[pos[g]]] = true;
	}
	for (i = 0; i < n; i++) {
		if (!used[i])
			free(ls->v[i].value);
		if (src[i] == SIZE_MAX)
			free(ls->v[i].name);
	}
	/* in place: a value comes from at or after its entry, so it is read
	 * before anything is written over it */
	for (i = 0; i < n; i++) {
		if (src[i] == SIZE_MAX)
			continue;
		ls->v[o].name = ls->v[i].name;
		ls->v[o].value = ls->v[src[i]].value;
		if (from)
			from[o] = i;
		o++;
	}
	ls->n = o;
	if (o < ls->cap / 2) { /* many sets may each have let most go */
		ls->cap = o;
		if (o) {
			ls->v = xrealloc(ls->v, o * sizeof *ls->v);
		} else {
			free(ls->v);
			ls->v = NULL;
		}
	}
	free(used);
	free(src);
	free(pos);
}

void labelset_index_init(struct labelset_index *ix, const struct labelset *ls)
{
	ix->ls = ls;
	ix->n = ls->n;
	ix->pos = ix->n ? xmalloc(ix->n * sizeof *ix->pos) : NULL;
	ls_order(ls, ix->n, ix->pos);
}

/* The entry named name that comes first in the order pos gives ls's
 * entries (NULL: their own order, which must then be by name), or NULL. */
static const char *ls_find(const struct labelset *ls, const size_t *pos, size_t n,
                           const char *name)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) { /* the first of the names >= name: its first entry */
		mid = lo + (hi - lo) / 2;
		if (strcmp(ls->v[pos ? pos[mid] : mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && strcmp(ls->v[pos ? pos[lo] : lo].name, name) == 0)
		return ls->v[pos ? pos[lo] : lo].value;
	return NULL;
}

const char *labelset_index_get(const struct labelset_index *ix, const char *name)
{
	return ls_find(ix->ls, ix->pos, ix->n, name);
}

void labelset_index_free(struct labelset_index *ix)
{
	free(ix->pos);
	ix->pos = NULL;
	ix->n = 0;
}

const char *labelset_get_sorted(const struct labelset *sorted, const char *name)
{
	return ls_find(sorted, NULL, sorted->n, name);
}

bool labelset_is_sorted(const struct labelset *ls)
{
	size_t i;

	for (i = 1; i < ls->n; i++)
		if (strcmp(ls->v[i - 1].name, ls->v[i].name) > 0)
			return false;
	return true;
}

/* ---- copy, compare -------------------------------------------------------- */

void labelset_copy(struct labelset *dst, const struct labelset *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		labelset_add(dst, src->v[i].name, src->v[i].value);
	labelset_dedupe(dst);
}

/* Up to this size the plain loop is cheaper than an index. */
#define LABELSET_EQUAL_SMALL 16

/* Every entry of a has b's value of that name (b's first entry of it), and
 * both hold as many entries. */
int labelset_equal(const struct labelset *a, const struct labelset *b)
{
	struct labelset_index ix;
	size_t i;
	const char *v;
	int eq = 1;

	if (a->n != b->n)
		return 0;
	if (a->n <= LABELSET_EQUAL_SMALL) {
		for (i = 0; i < a->n; i++) {
			v = labelset_get(b, a->v[i].name);
			if (!v || strcmp(v, a->v[i].value) != 0)
				return 0;
		}
		return 1;
	}
	labelset_index_init(&ix, b);
	for (i = 0; i < a->n && eq; i++) {
		v = labelset_index_get(&ix, a->v[i].name);
		eq = v && strcmp(v, a->v[i].value) == 0;
	}
	labelset_index_free(&ix);
	return eq;
}

void labelset_free(struct labelset *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++) {
		free(ls->v[i].name);
		free(ls->v[i].value);
	}
	free(ls->v);
	ls->v = NULL;
	ls->n = ls->cap = 0;
}

void labelset_fingerprint(const struct labelset *sorted, char out[17])
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p;
	size_t i;
	int k;

	for (i = 0; i < sorted->n; i++) {
		for (k = 0; k < 2; k++) {
			p = (const unsigned char *)(k ? sorted->v[i].value : sorted->v[i].name);
			for (; *p; p++) {
				h ^= *p;
				h *= 1099511628211ULL;
			}
			h ^= 0xff;
			h *= 1099511628211ULL;
		}
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}
