/* alert_json_int.h: what core/alert_json.c (the alert decoder) and
 * core/alert_scan.c (the JSON scanner under it) share and nothing else
 * uses: the decoder's state and the scanner's steps, the block pool and
 * the element hash. Not a contract; include only from core/alert*.c. */
#ifndef PAGETTY_ALERT_JSON_INT_H
#define PAGETTY_ALERT_JSON_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "util.h"

#define AJ_MAX_DEPTH 1000

/* A decoded string in the scratch buffer. */
struct aj_str {
	size_t off;    /* in d->scratch */
	size_t len;    /* bytes, without the NUL */
	bool set;
};

struct aj_kv {
	struct aj_str name, value;
	size_t ord;            /* position in the object: the last of a repeated name wins */
	const char *pn, *pv;   /* resolved after the object is read */
	const char *in, *iv;   /* interned copies of name and value, or NULL */
};

struct aj_kvv {
	struct aj_kv *v;       /* owned */
	size_t n, cap;
};

struct aj_strv {
	struct aj_str *v;      /* owned */
	size_t n, cap;
};

/* The decoder's state (the public type in core/alert.h is opaque). */
struct alert_decoder {
	const char *buf;       /* borrowed: the body, must outlive the decoder */
	size_t len;
	size_t pos;
	size_t base;           /* offset of buf[0] in the whole body (a stream's
	                        * window, core/alert_stream.c); 0 otherwise */
	bool eof;              /* the last failure was running out of bytes */
	uint64_t next_hash;    /* the hash of the next element's bytes when the
	                        * caller took it already (alert_stream); 0: not */
	char *cluster;         /* owned */
	const char *icluster;  /* cluster interned (shared by every alert), or NULL */
	size_t cluster_len;
	int state;
	size_t count;          /* elements seen in the array */
	struct alert_list out; /* owned: decoded so far */
	size_t skipped;
	char err[ERR_MAX];
	/* scratch for one alert, reused */
	struct buf scratch;
	struct aj_kvv labels, ann;
	struct aj_strv sil, inh, recv;
	struct aj_str fp, starts, ends, updated, gen, state_s;
	/* the interned names of the last alert's labels [0] and annotations [1],
	 * by position: the next alert almost always has the same ones */
	const char *memo[2][16];
};

/* ---- the scanner (core/alert_scan.c) -------------------------------------
 * Each works at d->pos and moves it past what it read; -1 means malformed,
 * with d->err filled ("invalid JSON near byte N"). */

/* Fill d->err for malformed input at byte at (clamped to the body; the
 * message counts from the start of the whole body); -1. */
int aj_fail(struct alert_decoder *d, size_t at);
/* Skip whitespace; the next byte (unsigned), or -1 at the end. */
int aj_peek(struct alert_decoder *d);
/* A string at d->pos (which is '"'). With out, its decoded bytes are
 * appended to d->scratch (NUL-terminated) and recorded in *out; without,
 * it is only checked. */
int aj_string(struct alert_decoder *d, struct aj_str *out);
/* Check and skip one value at depth (the container it is in). */
int aj_skip(struct alert_decoder *d, int depth);
/* After a member or element: 1 more follows (',' eaten), 0 the container
 * closed (close eaten), -1 malformed. */
int aj_next(struct alert_decoder *d, int close);
/* '{' or '[' at pos: eats it; 1 when the container has members, 0 when it
 * is empty (closing bracket eaten too). */
int aj_open(struct alert_decoder *d, int close);
/* A member name (into scratch) and its ':'. */
int aj_key(struct alert_decoder *d, struct aj_str *k);
/* A value that should be a string: *kind 's' string (into *out), 'n' null,
 * 'x' anything else (checked and skipped). */
int aj_str_value(struct alert_decoder *d, int depth, struct aj_str *out, char *kind);

/* ---- the elements (core/alert_json.c) ---------------------------------- */

/* One element of the array at pos: an alert pushed on d->out (its src_hash
 * set), or counted in d->skipped. 0, or -1 when malformed. */
int aj_element(struct alert_decoder *d);
/* Only whitespace (or NULs, as cJSON allowed) in buf[from, to): 0, or -1
 * with d->err naming the first other byte ("data after the end"). */
int aj_trailer_in(struct alert_decoder *d, const char *buf, size_t from, size_t to);
/* A block of n bytes for a packed alert (core/alert_pool.c); *pooled says
 * whether it must go back with alert_pool_free (true) or free (false). */
void *alert_pool_alloc(size_t n, bool *pooled);
void alert_pool_free(void *p);
/* Chunks ask for transparent huge pages (alert_decode_once). */
void alert_pool_huge_pages(bool on);
/* The hash alert.src_hash holds, of the n bytes of one element. */
uint64_t alert_src_hash(const char *p, size_t n);
/* False after alert_decode_once: nothing will be compared with the alerts,
 * so their elements are not hashed (src_hash 0). */
bool alert_hash_wanted(void);

#endif
