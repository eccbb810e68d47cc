/* test_labels.c: core/labels.c. labelset_add() + labelset_dedupe(), the
 * index, labelset_equal() and labelset_copy() compared with the old
 * pair-by-pair meaning (labels_ref.h) on random sets where names repeat a
 * lot, on both sides of labelset_equal()'s small-set cut-over; and the shape
 * of a hostile input: 40,000 labels, checked entry by entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "labels_ref.h"

#define ROUNDS 400
#define MANY 40000

/* Up to max random pairs into ls through put: ref_append (names repeat)
 * or ref_set (a set without repeats, as labelset_set() builds them). */
static void random_fill(struct labelset *ls, size_t max,
                        void (*put)(struct labelset *, const char *, const char *))
{
	size_t i, n = ref_rand(max + 1);

	for (i = 0; i < n; i++) {
		char *name = xstrdup(ref_name());

		put(ls, name, ref_value());
		free(name);
	}
}

#define random_pairs(ls, max) random_fill(ls, max, ref_append)
#define random_set(ls, max) random_fill(ls, max, ref_set)

/* ---- add + dedupe ------------------------------------------------------- */

static void test_dedupe_differential(void **state)
{
	size_t r, i;

	(void)state;
	ref_seed(1);
	for (r = 0; r < ROUNDS; r++) {
		struct labelset base = {0}, pairs = {0}, want = {0}, got = {0};

		if (r % 2)
			random_set(&base, 20); /* a set that already holds some */
		random_pairs(&pairs, 150);
		for (i = 0; i < base.n; i++) {
			ref_set(&want, base.v[i].name, base.v[i].value);
			labelset_add(&got, base.v[i].name, base.v[i].value);
		}
		for (i = 0; i < pairs.n; i++) {
			ref_set(&want, pairs.v[i].name, pairs.v[i].value);
			labelset_add(&got, pairs.v[i].name, pairs.v[i].value);
		}
		labelset_dedupe(&got);
		ref_assert_same(&want, &got);
		labelset_dedupe(&got); /* and again: nothing changes */
		ref_assert_same(&want, &got);
		labelset_free(&base);
		labelset_free(&pairs);
		labelset_free(&want);
		labelset_free(&got);
	}
}

/* first_wins: as "if (!labelset_get()) labelset_set()"; from: where each
 * name first appeared. */
static void test_dedupe_ex_differential(void **state)
{
	size_t r, i, k, *from, *want_from;

	(void)state;
	ref_seed(2);
	for (r = 0; r < ROUNDS; r++) {
		struct labelset pairs = {0}, want = {0}, got = {0};
		bool first_wins = r % 2;

		random_pairs(&pairs, 150);
		want_from = xcalloc(pairs.n + 1, sizeof *want_from);
		from = xcalloc(pairs.n + 1, sizeof *from);
		for (i = 0; i < pairs.n; i++) {
			size_t before = want.n;

			if (!first_wins || !ref_get(&want, pairs.v[i].name))
				ref_set(&want, pairs.v[i].name, pairs.v[i].value);
			if (want.n > before)
				want_from[want.n - 1] = i;
			labelset_add(&got, pairs.v[i].name, pairs.v[i].value);
		}
		labelset_dedupe_ex(&got, first_wins, r % 3 ? from : NULL);
		ref_assert_same(&want, &got);
		for (k = 0; r % 3 && k < want.n; k++)
			assert_int_equal(from[k], want_from[k]);
		free(from);
		free(want_from);
		labelset_free(&pairs);
		labelset_free(&want);
		labelset_free(&got);
	}
}

/* ---- lookups, equal, copy ----------------------------------------------- */

static void assert_same_answer(const char *got, const char *want)
{
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
}

static void test_index_differential(void **state)
{
	size_t r, i;

	(void)state;
	ref_seed(3);
	for (r = 0; r < ROUNDS; r++) {
		struct labelset ls = {0}, sorted = {0};
		struct labelset_index ix;

		random_pairs(&ls, 100); /* repeats: the first entry answers */
		random_set(&sorted, 60);
		labelset_sort(&sorted);
		assert_true(labelset_is_sorted(&sorted));
		labelset_index_init(&ix, &ls);
		ref_append(&ls, "appended", "later"); /* after the index: no harm */
		for (i = 0; i < 40; i++) {
			char *name = xstrdup(ref_name()); /* never "appended" */

			assert_same_answer(labelset_index_get(&ix, name), ref_get(&ls, name));
			assert_same_answer(labelset_get_sorted(&sorted, name), ref_get(&sorted, name));
			free(name);
		}
		labelset_index_free(&ix);
		labelset_free(&ls);
		labelset_free(&sorted);
	}
}

/* Sets of every size around the cut-over, equal about half of the time:
 * b is a shuffled copy of a, sometimes with one thing changed. */
static void test_equal_differential(void **state)
{
	size_t r, i, k;
	int eq_seen = 0;

	(void)state;
	ref_seed(4);
	for (r = 0; r < 4 * ROUNDS; r++) {
		struct labelset a = {0}, b = {0};

		if (r % 4 == 0) {
			random_pairs(&a, 40); /* repeats on one side or both */
			if (r % 8)
				random_pairs(&b, 40);
			else
				for (i = 0; i < a.n; i++)
					ref_append(&b, a.v[(i * 7) % a.n].name, a.v[(i * 7) % a.n].value);
		} else {
			random_set(&a, 60);
			for (i = 0; i < a.n; i++) {
				k = (i + r) % a.n;
				ref_append(&b, a.v[k].name, a.v[k].value);
			}
			if (b.n && ref_rand(3) == 0) {
				k = ref_rand(b.n);
				if (ref_rand(2)) {
					free(b.v[k].value);
					b.v[k].value = xstrdup("changed");
				} else {
					free(b.v[k].name);
					b.v[k].name = xstrdup("renamed");
				}
			}
		}
		assert_int_equal(labelset_equal(&a, &b), ref_equal(&a, &b));
		assert_int_equal(labelset_equal(&b, &a), ref_equal(&b, &a));
		eq_seen += ref_equal(&a, &b);
		labelset_free(&a);
		labelset_free(&b);
	}
	assert_true(eq_seen > ROUNDS); /* both answers were tested */
}

static void test_copy_differential(void **state)
{
	size_t r, i;

	(void)state;
	ref_seed(5);
	for (r = 0; r < ROUNDS; r++) {
		struct labelset src = {0}, want = {0}, got = {0};

		random_set(&want, 20);
		for (i = 0; i < want.n; i++)
			ref_append(&got, want.v[i].name, want.v[i].value);
		random_pairs(&src, 120);
		for (i = 0; i < src.n; i++)
			ref_set(&want, src.v[i].name, src.v[i].value);
		labelset_copy(&got, &src);
		ref_assert_same(&want, &got);
		labelset_free(&src);
		labelset_free(&want);
		labelset_free(&got);
	}
}

/* ---- 40,000 labels ------------------------------------------------------- */

/* MANY names in a scrambled order, every fourth given again at the end
 * with a new value: one entry each, in first-seen order, the last value. */
static void test_many_labels(void **state)
{
	struct labelset ls = {0}, b = {0}, c = {0};
	struct labelset_index ix;
	char name[16], value[24];
	size_t i, k;

	(void)state;
	for (i = 0; i < MANY; i++) {
		k = (i * 7919) % MANY; /* 7919 is prime: a permutation */
		snprintf(name, sizeof name, "l%05zu", k);
		snprintf(value, sizeof value, "v%zu", k);
		labelset_add(&ls, name, value);
	}
	for (i = 0; i < MANY; i += 4) {
		snprintf(name, sizeof name, "l%05zu", i);
		snprintf(value, sizeof value, "again%zu", i);
		labelset_add(&ls, name, value);
	}
	assert_int_equal(ls.n, MANY + MANY / 4);
	labelset_dedupe(&ls);
	assert_int_equal(ls.n, MANY);
	for (i = 0; i < MANY; i++) {
		k = (i * 7919) % MANY;
		snprintf(name, sizeof name, "l%05zu", k);
		snprintf(value, sizeof value, k % 4 ? "v%zu" : "again%zu", k);
		assert_string_equal(ls.v[i].name, name);
		assert_string_equal(ls.v[i].value, value);
	}
	labelset_index_init(&ix, &ls);
	for (i = 0; i < MANY; i++)
		assert_ptr_equal(labelset_index_get(&ix, ls.v[i].name), ls.v[i].value);
	assert_null(labelset_index_get(&ix, "l"));
	labelset_index_free(&ix);

	for (i = MANY; i-- > 0;) /* b: the same labels backwards */
		labelset_add(&b, ls.v[i].name, ls.v[i].value);
	assert_true(labelset_equal(&ls, &b));
	free(b.v[MANY / 2].value);
	b.v[MANY / 2].value = xstrdup("changed");
	assert_false(labelset_equal(&ls, &b));
	assert_false(labelset_equal(&b, &ls));

	labelset_copy(&c, &ls);
	labelset_copy(&c, &b);
	assert_int_equal(c.n, MANY);
	assert_string_equal(c.v[0].name, ls.v[0].name);
	assert_string_equal(labelset_get(&c, b.v[MANY / 2].name), "changed");
	labelset_sort(&c);
	assert_true(labelset_is_sorted(&c));
	assert_string_equal(labelset_get_sorted(&c, "l00000"), "again0");
	assert_string_equal(labelset_get_sorted(&c, "l39999"), "v39999");
	labelset_free(&ls);
	labelset_free(&b);
	labelset_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dedupe_differential),
		cmocka_unit_test(test_dedupe_ex_differential),
		cmocka_unit_test(test_index_differential),
		cmocka_unit_test(test_equal_differential),
		cmocka_unit_test(test_copy_differential),
		cmocka_unit_test(test_many_labels),
	};

	return cmocka_run_group_tests_name("labels", tests, NULL, NULL);
}
