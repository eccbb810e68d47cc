/* http_hash.h: the incremental body hash of http_hash.c; what http.c
 * needs to take it as a body arrives. */
#ifndef PAGETTY_HTTP_HASH_H
#define PAGETTY_HTTP_HASH_H

#include <stddef.h>
#include <stdint.h>

/* A 64-bit hash of a body taken as it arrives, so a caller can tell an
 * answer identical to the last one without a second pass over tens of MB
 * in one loop callback. FNV-1a-style over 8-byte words in four independent
 * lanes (one lane is a chain of dependent multiplies), 32-byte blocks
 * carried across chunk boundaries: the same bytes give the same hash
 * however they were split. */
struct http_hasher {
	uint64_t h[4];
	unsigned char carry[32];      /* the tail of an unfinished block */
	size_t carry_len;
	uint64_t total;
};

void http_hash_init(struct http_hasher *x);
void http_hash_update(struct http_hasher *x, const char *p, size_t n);
uint64_t http_hash_final(const struct http_hasher *x);

#endif
