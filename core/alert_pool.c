/* alert_pool.c: where packed alerts (core/alert_json.c) live. A big answer
 * is tens of thousands of ~1 KB blocks made at once and freed together
 * when the next answer replaces them, so they are carved one after the
 * other from 2 MiB chunks, and a chunk is given back when its last block
 * is freed. A one-shot command (alert_pool_huge_pages) asks for
 * transparent huge pages for every chunk: touching fresh memory a 4 KiB
 * page at a time is a page fault each, and page faults were a third of
 * decoding a 10k-alert answer (bench/PROFILE.md). That includes the first
 * chunk: at 1k alerts its ~180 faults were half of all the process took,
 * and one 2 MiB page instead cost `pagetty alerts` a quarter less CPU for
 * 1.3 MB more peak RSS. The console does not: it keeps its alerts for hours and
 * walks them every frame, and on the paravirtualised machines we measured
 * on, every later access to huge-page memory cost more than the faults saved
 * (the frame's walk over 10k alerts took ~6x the CPU).
 *
 * Blocks over 128 KiB, and every block under AddressSanitizer or valgrind
 * (which check heap blocks one by one), come from malloc instead; *pooled
 * says which, and the block is freed with alert_pool_free or free to match.
 * One thread: the loop's. */
#include "alert_json_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif
#if defined(__SANITIZE_ADDRESS__)
#define POOL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_SANITIZED 1
#endif
#endif
#ifndef POOL_SANITIZED
#define POOL_SANITIZED 0
#endif

#define POOL_CHUNK ((size_t)2 << 20)
#define POOL_MAX_BLOCK ((size_t)128 << 10)
#define POOL_ALIGN 16

struct pool_chunk {
	size_t live;   /* blocks not yet freed */
	size_t used;   /* bytes carved, header included */
};

#define POOL_HEAD ((sizeof(struct pool_chunk) + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN)

static struct pool_chunk *pool_cur; /* the chunk blocks are carved from */
static int pool_off = -1;           /* 1: malloc only (sanitizers), -1: not known yet */
static bool pool_huge;              /* chunks ask for huge pages */

void alert_pool_huge_pages(bool on)
{
	pool_huge = on;
}

/* A fresh chunk, aligned to its size (so a block finds its chunk by
 * masking its address), or NULL. */
static struct pool_chunk *pool_chunk_new(void)
{
	char *m = mmap(NULL, 2 * POOL_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	               -1, 0);
	uintptr_t at, end;
	struct pool_chunk *c;

	if (m == MAP_FAILED)
		return NULL;
	at = ((uintptr_t)m + POOL_CHUNK - 1) & ~(uintptr_t)(POOL_CHUNK - 1);
	end = (uintptr_t)m + 2 * POOL_CHUNK;
	if (at > (uintptr_t)m)
		munmap(m, at - (uintptr_t)m);
	if (end > at + POOL_CHUNK)
		munmap((void *)(at + POOL_CHUNK), end - (at + POOL_CHUNK));
	if (pool_huge)
		madvise((void *)at, POOL_CHUNK, MADV_HUGEPAGE); /* a hint: fine if refused */
	c = (struct pool_chunk *)at;
	c->live = 0;
	c->used = POOL_HEAD;
	return c;
}

void *alert_pool_alloc(size_t n, bool *pooled)
{
	void *p;

	if (pool_off < 0)
		pool_off = POOL_SANITIZED || RUNNING_ON_VALGRIND;
	n = (n + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN;
	*pooled = false;
	if (pool_off || n > POOL_MAX_BLOCK)
		return xmalloc(n);
	if (!pool_cur || pool_cur->used + n > POOL_CHUNK) {
		if (pool_cur && pool_cur->live == 0) {
			pool_cur->used = POOL_HEAD; /* empty: start it over */
		} else {
			struct pool_chunk *c = pool_chunk_new();
			if (!c)
				return xmalloc(n);
			pool_cur = c; /* the old one goes when its last block does */
		}
	}
	p = (char *)pool_cur + pool_cur->used;
	pool_cur->used += n;
	pool_cur->live++;
	*pooled = true;
	return p;
}

void alert_pool_free(void *p)
{
	struct pool_chunk *c = (struct pool_chunk *)((uintptr_t)p & ~(uintptr_t)(POOL_CHUNK - 1));

	if (--c->live == 0 && c != pool_cur)
		munmap(c, POOL_CHUNK);
}
