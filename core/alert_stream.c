/* alert_stream.c: the alerts body decoded as it arrives (see
 * alert_stream.h). A splitter walks the bytes once, tracking strings and
 * bracket depth, and stops at each comma of the top array and at its
 * closing bracket. Everything before such a stop is whole elements, which
 * the decoder of core/alert_json.c (the same element and framing steps as
 * alert_list_from_json) decodes from a window holding only the bytes not
 * yet decoded; so errors name the same byte as a decode of the whole body
 * would. Before an element is decoded its bytes are hashed, and when an
 * alert of the last answer had the same bytes it is shared instead.
 * A body that is not an array, or breaks the splitter's view of it
 * (mismatched brackets), is kept and decoded at the end like the whole
 * body it is. */
#include "alert_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "alert_json_int.h"

enum st_state {
	ST_START = 0, /* before the first byte that is not whitespace */
	ST_OPEN,      /* d->pos is just past the array's '[' */
	ST_ARRAY,     /* inside the array, d->pos at the next element */
	ST_DONE,      /* the array closed; only whitespace may follow */
	ST_WHOLE,     /* not an array: kept whole, decoded at the end */
	ST_DEFER,     /* decoded at the end from d->pos */
	ST_FAILED,
};

struct alert_stream {
	struct alert_decoder *d;        /* owned: buf/len point into win */
	struct buf win;                 /* owned: the undecoded bytes, from d->base on */
	const struct alert_index *reuse;/* borrowed or NULL */
	enum st_state state;
	size_t scan;                    /* the splitter's position in win */
	long depth;
	bool in_str, esc;
	bool direct;                    /* no reuse index: whole elements are decoded
	                                 * straight from the window (st_direct) */
	bool go_direct;                 /* the splitter hands back to st_direct at
	                                 * the next element */
	bool need_delim;                /* st_direct decoded an element whose ','
	                                 * or ']' has not arrived yet */
	size_t total;                   /* bytes fed */
	size_t count;                   /* elements */
	size_t reused;
	uint8_t *shared;                /* owned: shared[i] when d->out.v[i] is
	                                 * borrowed from the reuse index (no
	                                 * reference taken until alert_stream_take) */
	size_t shared_cap;
	uint64_t sig;
	char err[ERR_MAX];
};

/* Open addressing; the hash is kept beside the pointer so a probe reads
 * the table only, not the (cold) alerts. */
struct alert_index_slot {
	uint64_t h;                     /* 0: empty */
	const struct alert *a;          /* borrowed */
};

struct alert_index {
	struct alert_index_slot *slot;  /* owned array */
	size_t mask;
};

#define FNV_BASIS 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

/* ---- the element hash -------------------------------------------------- */

static uint64_t hash_seed = 0x243f6a8885a308d3ULL;

static bool hash_wanted = true;

void alert_hash_seed(uint64_t seed)
{
	hash_seed = seed ^ 0x243f6a8885a308d3ULL;
}

bool alert_hash_wanted(void)
{
	return hash_wanted;
}

void alert_decode_once(void)
{
	hash_wanted = false;
	alert_pool_huge_pages(true);
}

static inline uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* Two lanes of multiply-xorshift over 16-byte steps, then a finalizer.
 * Not cryptographic; seeded per process so collisions cannot be made ahead. */
uint64_t alert_src_hash(const char *p, size_t n)
{
	uint64_t a = hash_seed ^ (n * 0x9e3779b97f4a7c15ULL), b = ~hash_seed, w0, w1;
	const uint64_t k = 0x9fb21c651e98df25ULL;

	while (n >= 16) {
		memcpy(&w0, p, 8);
		memcpy(&w1, p + 8, 8);
		a = (a ^ w0) * k;
		b = (b ^ w1) * k;
		a ^= a >> 29;
		b ^= b >> 31;
		p += 16;
		n -= 16;
	}
	w0 = w1 = 0;
	memcpy(&w0, p, n > 8 ? 8 : n);
	if (n > 8)
		memcpy(&w1, p + 8, n - 8);
	a = (a ^ w0) * k;
	b = (b ^ w1) * k;
	a = mix64(a ^ (b >> 1) ^ (b << 63));
	return a ? a : 1; /* 0 means "no hash" */
}

/* ---- the index ---------------------------------------------------------- */

struct alert_index *alert_index_new(const struct alert_list *l)
{
	struct alert_index *x = xcalloc(1, sizeof *x);
	size_t cap = 16, i;

	while (cap < l->n * 2)
		cap *= 2;
	x->slot = xcalloc(cap, sizeof *x->slot);
	x->mask = cap - 1;
	for (i = 0; i < l->n; i++) {
		const struct alert *a = l->v[i];
		size_t j;

		if (!a->src_hash)
			continue;
		for (j = a->src_hash & x->mask; x->slot[j].h; j = (j + 1) & x->mask) {
			if (x->slot[j].h == a->src_hash)
				break;
		}
		if (!x->slot[j].h) {
			x->slot[j].h = a->src_hash;
			x->slot[j].a = a;
		}
	}
	return x;
}

static const struct alert *alert_index_find(const struct alert_index *x, uint64_t h)
{
	size_t j;

	for (j = h & x->mask; x->slot[j].h; j = (j + 1) & x->mask) {
		if (x->slot[j].h == h)
			return x->slot[j].a;
	}
	return NULL;
}

void alert_index_free(struct alert_index *x)
{
	if (!x)
		return;
	free(x->slot);
	free(x);
}

/* ---- the stream --------------------------------------------------------- */

static bool st_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct alert_stream *alert_stream_new(const char *cluster, const struct alert_index *reuse)
{
	struct alert_stream *st = xcalloc(1, sizeof *st);

	st->d = alert_decoder_new(NULL, 0, cluster);
	st->reuse = reuse;
	st->direct = st->go_direct = !reuse;
	st->sig = FNV_BASIS;
	return st;
}

/* Free the alerts decoded so far; the borrowed ones are only let go. */
static void st_drop_out(struct alert_stream *st)
{
	struct alert_decoder *d = st->d;
	size_t i;

	for (i = 0; i < d->out.n; i++) {
		if (!st->shared[i])
			alert_free(d->out.v[i]);
	}
	free(d->out.v);
	memset(&d->out, 0, sizeof d->out);
}

/* Record whether d->out's last alert is borrowed. */
static void st_mark(struct alert_stream *st, bool shared)
{
	xgrow(&st->shared, &st->shared_cap, st->d->out.n, 1);
	st->shared[st->d->out.n - 1] = shared;
}

void alert_stream_reset(struct alert_stream *st)
{
	struct alert_decoder *d = st->d;

	st_drop_out(st);
	d->skipped = 0;
	d->pos = d->base = 0;
	d->eof = false;
	st->win.len = 0;
	st->state = ST_START;
	st->scan = 0;
	st->depth = 0;
	st->in_str = st->esc = false;
	st->go_direct = st->direct;
	st->need_delim = false;
	st->total = st->count = st->reused = 0;
	st->sig = FNV_BASIS;
	st->err[0] = '\0';
}

static void st_fail(struct alert_stream *st)
{
	snprintf(st->err, sizeof st->err, "%s", st->d->err);
	st_drop_out(st);
	st->d->skipped = 0;
	buf_free(&st->win);
	st->state = ST_FAILED;
}

/* The element at d->pos, then the comma or bracket after it. With known,
 * the element ends before the delimiter at q (d->len is q + 1) and may be
 * taken from the reuse index; otherwise it is decoded, to the end of what
 * is there. 0, or -1 (d->err). */
static int st_element(struct alert_stream *st, size_t q, bool known)
{
	struct alert_decoder *d = st->d;
	const struct alert *old = NULL;
	uint64_t h = 0;
	size_t s, e = 0;
	int more;

	aj_peek(d);
	s = d->pos;
	if (known && hash_wanted) {
		e = q;
		while (e > s && st_ws(d->buf[e - 1]))
			e--;
		h = alert_src_hash(d->buf + s, e - s);
		if (st->reuse && e > s)
			old = alert_index_find(st->reuse, h);
	}
	if (old) {
		alert_list_push(&d->out, (struct alert *)old);
		st_mark(st, true);
		d->pos = e;
		st->reused++;
	} else {
		size_t n0 = d->out.n;

		d->next_hash = h; /* aj_element need not hash it again */
		if (aj_element(d))
			return -1;
		if (d->out.n > n0) {
			st_mark(st, false);
			h = d->out.v[n0]->src_hash;
		} else if (!h && hash_wanted) {
			h = alert_src_hash(d->buf + s, d->pos - s);
		}
	}
	st->sig = (st->sig ^ h) * FNV_PRIME;
	st->count++;
	more = aj_next(d, ']');
	if (more < 0)
		return -1;
	if (more == 0)
		st->state = ST_DONE;
	return 0;
}

/* ST_OPEN, at the first byte that is not whitespace (as aj_open after
 * the '['): the array is empty (']' eaten; ST_DONE, false) or it is not
 * (ST_ARRAY, true). */
static bool st_opened(struct alert_stream *st)
{
	struct alert_decoder *d = st->d;

	if (aj_peek(d) == ']') {
		d->pos++;
		st->state = ST_DONE;
		return false;
	}
	st->state = ST_ARRAY;
	return true;
}

/* Decode what lies before the top array's delimiter at win[q]. */
static void st_upto(struct alert_stream *st, size_t q)
{
	struct alert_decoder *d = st->d;
	size_t start;

	d->len = q + 1;
	if (st->state == ST_OPEN && !st_opened(st))
		return;
	aj_peek(d);
	start = d->pos;
	if (st_element(st, q, true) == 0) {
		st->go_direct = st->direct && st->state == ST_ARRAY;
		return;
	}
	if (d->eof) {
		/* ran out of the window: only a malformed body does that;
		 * decide at the end, on all of it */
		d->eof = false;
		d->pos = start;
		st->state = ST_DEFER;
		return;
	}
	st_fail(st);
}

/* The next '"' or '\\' in b[i, end), or end. */
static size_t st_quote(const char *b, size_t i, size_t end)
{
#ifdef __SSE2__
	const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');

	while (i + 16 <= end) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
		int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)));
		if (m)
			return i + (size_t)__builtin_ctz((unsigned)m);
		i += 16;
	}
#endif
	while (i < end && b[i] != '"' && b[i] != '\\')
		i++;
	return i;
}

static bool st_splitting(const struct alert_stream *st)
{
	return (st->state == ST_OPEN || st->state == ST_ARRAY) && !st->go_direct;
}

/* The splitter a byte at a time over b[i, end); returns where it stopped
 * (end, or past a delimiter after which the stream stopped splitting). */
static size_t st_bytes(struct alert_stream *st, const char *b, size_t i, size_t end)
{
	while (i < end && st_splitting(st)) {
		char c;

		if (st->in_str) {
			if (st->esc) {
				st->esc = false;
				i++;
				continue;
			}
			i = st_quote(b, i, end);
			if (i >= end)
				break;
			if (b[i] == '\\')
				st->esc = true;
			else
				st->in_str = false;
			i++;
			continue;
		}
		c = b[i++];
		if (c == '"') {
			st->in_str = true;
		} else if (c == '[' || c == '{') {
			st->depth++;
		} else if (c == ']' || c == '}') {
			st->depth--;
			if (st->depth == 0 && c == ']')
				st_upto(st, i - 1);
		} else if (c == ',' && st->depth == 1) {
			st_upto(st, i - 1);
		}
	}
	return i;
}

#ifdef __SSE2__
/* Bit k set where b[k] == c, for the 64 bytes at b. */
static inline uint64_t st_eq64(const char *b, char c)
{
	const __m128i v = _mm_set1_epi8(c);
	uint64_t m = 0;
	int k;

	for (k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * k));
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, v)) << (16 * k);
	}
	return m;
}

/* Bit k set when an odd number of bits at or below k are set in x. */
static inline uint64_t st_prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/* 64 bytes at b (b[0] is window byte i) without a backslash: which bytes
 * are inside strings follows from the quotes alone, so only the brackets
 * and commas outside strings are visited. Returns 64, or how far it got
 * when the stream stopped splitting. */
static size_t st_block(struct alert_stream *st, const char *b, size_t i)
{
	uint64_t q = st_eq64(b, '"');
	uint64_t in = st_prefix_xor(q) ^ (st->in_str ? ~(uint64_t)0 : 0);
	uint64_t open = st_eq64(b, '[') | st_eq64(b, '{');
	uint64_t close = st_eq64(b, ']') | st_eq64(b, '}');
	uint64_t comma = st_eq64(b, ',');
	uint64_t hits = (open | close | comma) & ~in;

	st->in_str = in >> 63;
	while (hits) {
		int k = __builtin_ctzll(hits);
		uint64_t bit = (uint64_t)1 << k;

		hits &= hits - 1;
		if (open & bit) {
			st->depth++;
		} else if (close & bit) {
			st->depth--;
			if (st->depth == 0 && b[k] == ']')
				st_upto(st, i + (size_t)k);
		} else if (st->depth == 1) {
			st_upto(st, i + (size_t)k);
		}
		if (!st_splitting(st))
			return (size_t)k + 1;
	}
	return 64;
}
#endif

/* Without a reuse index nothing needs an element's end before it is
 * decoded, so the elements are decoded straight from the window, as
 * alert_list_from_json does, and the splitter's pass over the bytes is
 * saved. An element that does not decode in what has arrived (cut by the
 * end of the window, or malformed) is handed to the splitter from its first
 * byte, where the splitter's state is known (depth 1, outside strings): it
 * finds the element's end and decodes it as it would have, so the result
 * and any error are the same, and hands back at the next element. Up to
 * end. */
static void st_direct(struct alert_stream *st, size_t end)
{
	struct alert_decoder *d = st->d;
	size_t start, n0;
	bool ok;
	int more;

	d->len = end;
	if (st->state == ST_OPEN) {
		if (aj_peek(d) < 0)
			return; /* whitespace only: wait */
		if (!st_opened(st))
			return;
	}
	while (st->state == ST_ARRAY) {
		if (st->need_delim) {
			if (aj_peek(d) < 0)
				return; /* whitespace only: wait */
			more = aj_next(d, ']'); /* reads one byte, which is here */
			if (more < 0) {
				st_fail(st);
				return;
			}
			st->need_delim = false;
			if (more == 0)
				st->state = ST_DONE;
			continue;
		}
		if (aj_peek(d) < 0)
			return;
		start = d->pos;
		n0 = d->out.n;
		ok = aj_element(d) == 0;
		if (ok && d->pos == end && d->out.n == n0 && (unsigned)(d->buf[end - 1] - '0') < 10) {
			ok = false; /* a number that ends the window may go on */
			d->skipped--; /* in the next piece: not counted yet */
		}
		if (!ok) {
			/* the splitter takes this element from its start */
			d->pos = start;
			d->eof = false;
			st->scan = start;
			st->depth = 1;
			st->in_str = st->esc = false;
			st->go_direct = false;
			return;
		}
		if (d->out.n > n0) {
			st_mark(st, false);
			st->sig = (st->sig ^ d->out.v[n0]->src_hash) * FNV_PRIME;
		} else {
			uint64_t h = hash_wanted ? alert_src_hash(d->buf + start, d->pos - start) : 0;

			st->sig = (st->sig ^ h) * FNV_PRIME;
		}
		st->count++;
		st->need_delim = true;
	}
}

/* Walk the new bytes; decode at each delimiter of the top array. */
static void st_split(struct alert_stream *st)
{
	struct alert_decoder *d = st->d;
	size_t i = st->scan, end = st->win.len;
	const char *b = st->win.data;

	for (;;) {
		if (st->go_direct) {
			st_direct(st, end);
			if (st->state == ST_FAILED)
				return;
			if (st->go_direct) {
				i = end; /* all of it decoded, or waiting for more */
				break;
			}
			i = st->scan;
		}
#ifdef __SSE2__
		while (i + 64 <= end && st_splitting(st)) {
			if (st->esc || st_eq64(b + i, '\\'))
				i = st_bytes(st, b, i, i + 64);
			else
				i += st_block(st, b + i, i);
		}
#endif
		i = st_bytes(st, b, i, end);
		if (!st->go_direct || !(st->state == ST_OPEN || st->state == ST_ARRAY))
			break;
	}
	st->scan = i;
	if (st->state == ST_DONE) {
		d->len = end;
		if (aj_trailer_in(d, b, d->pos, end))
			st_fail(st);
		else
			buf_free(&st->win);
		return;
	}
	if (st->state == ST_FAILED)
		return;
	if (st_splitting(st)) {
		d->len = end;
		aj_peek(d); /* whitespace before the next element is not kept */
	}
	if (d->pos == 0)
		return;
	/* drop what is decoded: the window keeps the partial element only */
	memmove(st->win.data, st->win.data + d->pos, end - d->pos);
	st->win.len = end - d->pos;
	st->scan -= d->pos;
	d->base += d->pos;
	d->pos = 0;
}

void alert_stream_feed(struct alert_stream *st, const char *p, size_t n)
{
	struct alert_decoder *d = st->d;
	size_t before = st->total;

	st->total += n;
	if (st->state == ST_FAILED || n == 0)
		return;
	if (st->state == ST_DONE) {
		d->base = before;
		if (aj_trailer_in(d, p, 0, n))
			st_fail(st);
		return;
	}
	buf_append(&st->win, p, n);
	d->buf = st->win.data;
	d->len = st->win.len;
	if (st->state == ST_START) {
		static const char bom[3] = "\xef\xbb\xbf";
		int c;

		if (d->base == 0 && d->pos == 0) {
			size_t k = st->win.len < 3 ? st->win.len : 3;
			if (memcmp(st->win.data, bom, k) == 0) {
				if (k < 3)
					return; /* maybe a BOM: wait for its end */
				d->pos = 3;
			}
		}
		c = aj_peek(d);
		if (c < 0) {
			/* only whitespace so far: not kept (a 200 MB body of
			 * spaces must not be held), only counted */
			d->base += st->win.len;
			st->win.len = 0;
			d->pos = 0;
			return;
		}
		st->state = c == '[' ? ST_OPEN : ST_WHOLE;
		st->scan = d->pos; /* the splitter counts the '[' too */
		if (c == '[')
			d->pos++;
	}
	if (st->state == ST_OPEN || st->state == ST_ARRAY)
		st_split(st);
}

/* The rest of the array, from d->pos to the end of the body. */
static int st_finish_array(struct alert_stream *st)
{
	struct alert_decoder *d = st->d;

	d->buf = st->win.data;
	d->len = st->win.len;
	if (st->state == ST_OPEN)
		st_opened(st);
	if (st->need_delim && st->state == ST_ARRAY) {
		int more = aj_next(d, ']');

		if (more < 0)
			return -1;
		st->need_delim = false;
		if (more == 0)
			st->state = ST_DONE;
	}
	while (st->state == ST_ARRAY || st->state == ST_DEFER) {
		st->state = ST_ARRAY;
		if (st_element(st, 0, false))
			return -1;
	}
	return aj_trailer_in(d, d->buf, d->pos, d->len);
}

int alert_stream_end(struct alert_stream *st, char err[ERR_MAX])
{
	struct alert_decoder *d = st->d;
	size_t i;

	switch (st->state) {
	case ST_START:
	case ST_WHOLE:
		/* nothing decoded yet: the body (less the whitespace before it,
		 * which is only counted) as alert_list_from_json takes it */
		d->buf = st->win.data ? st->win.data : "";
		d->len = st->win.len;
		d->pos = 0;
		if (alert_decoder_step(d, SIZE_MAX, st->err) < 0) {
			st->state = ST_FAILED;
			break;
		}
		if (d->out.n) {
			xgrow(&st->shared, &st->shared_cap, d->out.n, 1);
			memset(st->shared, 0, d->out.n);
		}
		for (i = 0; i < d->out.n; i++)
			st->sig = (st->sig ^ d->out.v[i]->src_hash) * FNV_PRIME;
		st->count = d->out.n + d->skipped;
		st->state = ST_DONE;
		break;
	case ST_OPEN:
	case ST_ARRAY:
	case ST_DEFER:
		if (st_finish_array(st))
			st_fail(st);
		else
			st->state = ST_DONE;
		break;
	case ST_DONE:
	case ST_FAILED:
		break;
	}
	buf_free(&st->win);
	if (st->state == ST_FAILED) {
		errf(err, "%s", st->err);
		return -1;
	}
	return 0;
}

void alert_stream_take(struct alert_stream *st, struct alert_list *out, size_t *skipped)
{
	struct alert_decoder *d = st->d;
	size_t i;

	if (skipped)
		*skipped = d->skipped;
	xgrow(&out->v, &out->cap, out->n + d->out.n, sizeof *out->v);
	for (i = 0; i < d->out.n; i++)
		out->v[out->n++] = st->shared[i] ? alert_ref(d->out.v[i]) : d->out.v[i];
	free(d->out.v);
	memset(&d->out, 0, sizeof d->out);
	d->skipped = 0;
}

int alert_stream_finish(struct alert_stream *st, struct alert_list *out, size_t *skipped,
                        char err[ERR_MAX])
{
	if (skipped)
		*skipped = 0;
	if (alert_stream_end(st, err) < 0)
		return -1;
	alert_stream_take(st, out, skipped);
	return 0;
}

uint64_t alert_stream_sig(const struct alert_stream *st)
{
	return mix64(st->sig ^ st->count);
}

size_t alert_stream_reused(const struct alert_stream *st)
{
	return st->reused;
}

size_t alert_stream_held(const struct alert_stream *st)
{
	return st->win.len;
}

void alert_stream_free(struct alert_stream *st)
{
	if (!st)
		return;
	st_drop_out(st);
	st->d->buf = NULL;
	alert_decoder_free(st->d);
	buf_free(&st->win);
	free(st->shared);
	free(st);
}
