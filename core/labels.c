/* labels.c: ordered name/value sets. */
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

void labelset_copy(struct labelset *dst, const struct labelset *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		labelset_set(dst, src->v[i].name, src->v[i].value);
}

int labelset_equal(const struct labelset *a, const struct labelset *b)
{
	size_t i;
	const char *v;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		v = labelset_get(b, a->v[i].name);
		if (!v || strcmp(v, a->v[i].value) != 0)
			return 0;
	}
	return 1;
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
