/* labels_ref.h: what the label tests share: the labelset semantics as they
 * were before labelset_add()/labelset_dedupe() (a linear labelset_set() per
 * pair, a labelset_get() per entry in labelset_equal()), kept tiny and
 * separate from core/labels.c so the differential tests compare the new
 * code with the old meaning; a seeded random source; an exact comparison
 * of two sets (order included). Header-only (static inline functions) so each test
 * binary stays one file; include it after <cmocka.h>. */
#ifndef PAGETTY_TEST_LABELS_REF_H
#define PAGETTY_TEST_LABELS_REF_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/labels.h"
#include "core/util.h"

/* Old labelset_set(): replace the first entry of name, else append. */
static inline void ref_set(struct labelset *ls, const char *name, const char *value)
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

static inline const char *ref_get(const struct labelset *ls, const char *name)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (strcmp(ls->v[i].name, name) == 0)
			return ls->v[i].value;
	return NULL;
}

/* Old labelset_equal(). */
static inline int ref_equal(const struct labelset *a, const struct labelset *b)
{
	size_t i;
	const char *v;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		v = ref_get(b, a->v[i].name);
		if (!v || strcmp(v, a->v[i].value) != 0)
			return 0;
	}
	return 1;
}

/* Entries appended as they are, repeats and all (what labelset_add() does,
 * written again so the reference does not lean on the code under test). */
static inline void ref_append(struct labelset *ls, const char *name, const char *value)
{
	xgrow(&ls->v, &ls->cap, ls->n + 1, sizeof *ls->v);
	ls->v[ls->n].name = xstrdup(name);
	ls->v[ls->n].value = xstrdup(value);
	ls->n++;
}

/* The same entries in the same order, byte for byte. */
static inline void ref_assert_same(const struct labelset *want, const struct labelset *got)
{
	size_t i;

	assert_int_equal(got->n, want->n);
	for (i = 0; i < want->n; i++) {
		assert_string_equal(got->v[i].name, want->v[i].name);
		assert_string_equal(got->v[i].value, want->v[i].value);
	}
}

static inline int ref_kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->name, ((const struct kv *)b)->name);
}

/* By name, as labelset_sort() (for sets without repeats: one order). */
static inline void ref_sort(struct labelset *ls)
{
	if (ls->n > 1)
		qsort(ls->v, ls->n, sizeof *ls->v, ref_kv_cmp);
}

/* xorshift64*: the same sequence on every run. */
static uint64_t ref_rand_state = 88172645463325252ULL;

static inline void ref_seed(uint64_t s)
{
	ref_rand_state = s ? s : 88172645463325252ULL;
}

static inline size_t ref_rand(size_t n)
{
	ref_rand_state ^= ref_rand_state >> 12;
	ref_rand_state ^= ref_rand_state << 25;
	ref_rand_state ^= ref_rand_state >> 27;
	return (size_t)((ref_rand_state * 2685821657736338717ULL) >> 33) % (n ? n : 1);
}

/* A name from a small pool, so that names repeat often; some of them are
 * not shell identifiers and map to the same variable ("a.b", "a-b", "a_b"). */
static inline const char *ref_name(void)
{
	static const char *const pool[] = {
		"a", "b", "c", "a_b", "a.b", "a-b", "a/b", "x", "x.y", "x-y", "x_y", "job",
		"severity", "alertname", "__name__", "Z9", "9z", "caf\xc3\xa9", "q", "",
	};
	static char buf[16];

	if (ref_rand(4) == 0) { /* now and then one of many more */
		snprintf(buf, sizeof buf, "n%zu", ref_rand(64));
		return buf;
	}
	return pool[ref_rand(sizeof pool / sizeof *pool)];
}

static inline const char *ref_value(void)
{
	static const char *const pool[] = { "1", "2", "v", "", "web", "it's", "x y" };

	return pool[ref_rand(sizeof pool / sizeof *pool)];
}

#endif
