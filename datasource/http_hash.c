/* http_hash.c: the 64-bit hash of a response body that http.c takes as
 * the bytes arrive (http_result.hash), so a caller can tell an answer
 * identical to the last one without a second pass over it. */
#include "http_hash.h"

#include <string.h>

#include "http.h"

#define HTTP_HASH_PRIME 1099511628211ULL

void http_hash_init(struct http_hasher *x)
{
	x->h[0] = 14695981039346656037ULL;
	x->h[1] = 0x9E3779B97F4A7C15ULL;
	x->h[2] = 0xC2B2AE3D27D4EB4FULL;
	x->h[3] = 0x165667B19E3779F9ULL;
	x->carry_len = 0;
	x->total = 0;
}

static void http_hash_block(uint64_t h[4], const unsigned char *b)
{
	uint64_t w;
	int k;

	for (k = 0; k < 4; k++) {
		memcpy(&w, b + 8 * k, 8);
		h[k] = (h[k] ^ w) * HTTP_HASH_PRIME;
		h[k] ^= h[k] >> 32;
	}
}

void http_hash_update(struct http_hasher *x, const char *p, size_t n)
{
	const unsigned char *b = (const unsigned char *)p;

	x->total += n;
	if (x->carry_len) {
		size_t k = 32 - x->carry_len < n ? 32 - x->carry_len : n;

		memcpy(x->carry + x->carry_len, b, k);
		x->carry_len += k;
		b += k;
		n -= k;
		if (x->carry_len < 32)
			return;
		http_hash_block(x->h, x->carry);
		x->carry_len = 0;
	}
	for (; n >= 32; b += 32, n -= 32)
		http_hash_block(x->h, b);
	memcpy(x->carry, b, n);
	x->carry_len = n;
}

uint64_t http_hash_final(const struct http_hasher *x)
{
	uint64_t r = x->h[0] ^ x->total;
	size_t i;
	int k;

	for (i = 0; i < x->carry_len; i++)
		r = (r ^ x->carry[i]) * HTTP_HASH_PRIME;
	for (k = 1; k < 4; k++) {
		r = (r ^ x->h[k]) * HTTP_HASH_PRIME;
		r ^= r >> 29;
	}
	return r;
}

uint64_t http_body_hash(const char *body, size_t len)
{
	struct http_hasher x;

	http_hash_init(&x);
	http_hash_update(&x, body, len);
	return http_hash_final(&x);
}
