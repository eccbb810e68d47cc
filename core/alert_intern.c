/* alert_intern.c: one shared copy of the short strings that repeat across
 * thousands of decoded alerts: label and annotation names, and the values
 * of low-cardinality labels (alertname, severity, job, namespace, ...).
 * At 50k alerts that is ~10 MB less resident than a copy per alert. The
 * pool is one block, capped (AI_POOL): once it is full nothing new is
 * interned and strings are copied into each alert as before, so a server
 * sending endless new names cannot grow it. Interned strings live until
 * exit and are never written to or freed (alert_interned tells them). */
#include "alert.h"
#include "alert_json_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define AI_POOL ((size_t)1 << 20) /* bytes of strings */
#define AI_MAX_LEN 128            /* longer strings are not worth a lookup */

static struct {
	char *pool;         /* owned, AI_POOL bytes, allocated on first use */
	size_t used;
	const char **tab;   /* owned open-addressing table of pointers into pool */
	size_t cap, n;
} ai;

/* The element hash (core/alert_stream.c): 16 bytes a step, and seeded per
 * process, so a server cannot send names made to collide in the table. */
static uint64_t ai_hash(const char *s, size_t len)
{
	return alert_src_hash(s, len);
}

static void ai_grow(void)
{
	const char **old = ai.tab;
	size_t oldcap = ai.cap, i;

	ai.cap = oldcap ? oldcap * 2 : 1024;
	ai.tab = xcalloc(ai.cap, sizeof *ai.tab);
	for (i = 0; i < oldcap; i++) {
		size_t j;

		if (!old[i])
			continue;
		j = (size_t)ai_hash(old[i], strlen(old[i])) & (ai.cap - 1);
		while (ai.tab[j])
			j = (j + 1) & (ai.cap - 1);
		ai.tab[j] = old[i];
	}
	free(old);
}

const char *alert_intern(const char *s, size_t len)
{
	size_t j;

	if (len > AI_MAX_LEN || memchr(s, '\0', len))
		return NULL;
	if (!ai.pool)
		ai.pool = xmalloc(AI_POOL);
	if ((ai.n + 1) * 2 > ai.cap)
		ai_grow();
	j = (size_t)ai_hash(s, len) & (ai.cap - 1);
	for (; ai.tab[j]; j = (j + 1) & (ai.cap - 1))
		if (memcmp(ai.tab[j], s, len) == 0 && ai.tab[j][len] == '\0')
			return ai.tab[j];
	if (ai.used + len + 1 > AI_POOL)
		return NULL; /* full: the caller copies */
	memcpy(ai.pool + ai.used, s, len);
	ai.pool[ai.used + len] = '\0';
	ai.tab[j] = ai.pool + ai.used;
	ai.used += len + 1;
	ai.n++;
	return ai.tab[j];
}

bool alert_interned(const void *p)
{
	const char *c = p;

	return ai.pool && c >= ai.pool && c < ai.pool + AI_POOL;
}
