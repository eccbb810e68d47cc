/* alert_scan.c: the byte-level JSON scanner under core/alert_json.c.
 * Whitespace, strings (escapes checked, \u decoded to UTF-8 into the
 * decoder's scratch buffer), numbers, literals, and whole values checked
 * and skipped up to AJ_MAX_DEPTH levels; plus the small steps the decoder
 * walks containers with. Builds no tree and knows nothing of alerts. */
#include "alert_json_int.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

int aj_fail(struct alert_decoder *d, size_t at)
{
	if (at >= d->len) {
		at = d->len;
		d->eof = true;
	}
	errf(d->err, "invalid JSON near byte %zu", d->base + at);
	return -1;
}

static void aj_ws(struct alert_decoder *d)
{
	while (d->pos < d->len) {
		char c = d->buf[d->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		d->pos++;
	}
}

/* aj_peek, inlined in the scanner's own steps: the byte at pos is rarely
 * whitespace (Alertmanager sends none), so test that first. */
static inline int aj_peek_in(struct alert_decoder *d)
{
	if (d->pos < d->len && (unsigned char)d->buf[d->pos] > ' ')
		return (unsigned char)d->buf[d->pos];
	aj_ws(d);
	return d->pos < d->len ? (unsigned char)d->buf[d->pos] : -1;
}

int aj_peek(struct alert_decoder *d)
{
	return aj_peek_in(d);
}

static int aj_hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void aj_put_utf8(struct buf *b, unsigned cp)
{
	char t[4];
	size_t n;

	if (cp < 0x80) {
		t[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		t[0] = (char)(0xc0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		t[0] = (char)(0xe0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		t[0] = (char)(0xf0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_append(b, t, n);
}

/* Append n bytes to the scratch buffer, without its NUL (aj_string ends
 * every string with one): buf_append's work without a call per run. */
static inline void aj_append(struct buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		xgrow(&b->data, &b->cap, b->len + n + 1, 1);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

/* The first '"' or '\\' at or after i, or len: 16 bytes a step where SSE2
 * is there (every x86-64), a byte a step for the rest. Most of a body is
 * string bytes, so this loop is most of the decoder's time. */
static size_t aj_scan(const char *s, size_t i, size_t len)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');

	while (i + 16 <= len) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));

		if (m)
			return i + (size_t)__builtin_ctz(m);
		i += 16;
	}
#endif
	while (i < len && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

/* A string at d->pos (which is '"'). With out, its decoded bytes are
 * appended to the scratch buffer (NUL-terminated) and recorded in *out;
 * without, it is only checked. */
int aj_string(struct alert_decoder *d, struct aj_str *out)
{
	const char *s = d->buf;
	size_t i = d->pos + 1, run = i, start = d->scratch.len;

	/* Most strings (label names and values) have no escape: one scan, one
	 * copy with its NUL, no calls per piece. */
	i = aj_scan(s, i, d->len);
	if (i < d->len && s[i] == '"') {
		if (out) {
			struct buf *b = &d->scratch;
			size_t n = i - run;

			if (b->len + n + 1 > b->cap)
				xgrow(&b->data, &b->cap, b->len + n + 1, 1);
			memcpy(b->data + b->len, s + run, n);
			b->data[b->len + n] = '\0';
			b->len += n + 1;
			out->off = start;
			out->len = n;
			out->set = true;
		}
		d->pos = i + 1;
		return 0;
	}
	for (;;) {
		const char *q;

		/* fast: find the next quote or backslash */
		i = aj_scan(s, i, d->len);
		if (i >= d->len)
			return aj_fail(d, d->len);
		if (out && i > run)
			aj_append(&d->scratch, s + run, i - run);
		if (s[i] == '"')
			break;
		/* escape */
		if (i + 1 >= d->len)
			return aj_fail(d, d->len);
		q = s + i + 1;
		if (*q == 'u') {
			unsigned cp, lo;

			if (i + 6 > d->len || aj_hex4(q + 1, &cp))
				return aj_fail(d, i);
			i += 6;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return aj_fail(d, i);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (i + 6 > d->len || s[i] != '\\' || s[i + 1] != 'u' ||
				    aj_hex4(s + i + 2, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return aj_fail(d, i);
				cp = 0x10000 + (((cp & 0x3ff) << 10) | (lo & 0x3ff));
				i += 6;
			}
			if (out)
				aj_put_utf8(&d->scratch, cp);
		} else {
			char c;

			switch (*q) {
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case '/': c = '/'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			default: return aj_fail(d, i);
			}
			if (out)
				aj_append(&d->scratch, &c, 1);
			i += 2;
		}
		run = i;
	}
	d->pos = i + 1;
	if (out) {
		aj_append(&d->scratch, "", 1);
		out->off = start;
		out->len = d->scratch.len - start - 1;
		out->set = true;
	}
	return 0;
}

static int aj_number(struct alert_decoder *d)
{
	const char *s = d->buf;
	size_t i = d->pos, digits;

	if (i < d->len && s[i] == '-')
		i++;
	for (digits = 0; i < d->len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (!digits)
		return aj_fail(d, i);
	if (i < d->len && s[i] == '.') {
		i++;
		for (digits = 0; i < d->len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (!digits)
			return aj_fail(d, i);
	}
	if (i < d->len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < d->len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (digits = 0; i < d->len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (!digits)
			return aj_fail(d, i);
	}
	d->pos = i;
	return 0;
}

static int aj_literal(struct alert_decoder *d, const char *word)
{
	size_t n = strlen(word);

	if (d->len - d->pos < n || memcmp(d->buf + d->pos, word, n) != 0)
		return aj_fail(d, d->pos);
	d->pos += n;
	return 0;
}

/* Check and skip one value at depth (the container it is in). */
int aj_skip(struct alert_decoder *d, int depth)
{
	int c = aj_peek_in(d);

	switch (c) {
	case '"':
		return aj_string(d, NULL);
	case 't':
		return aj_literal(d, "true");
	case 'f':
		return aj_literal(d, "false");
	case 'n':
		return aj_literal(d, "null");
	case '[':
	case '{': {
		int close = c == '[' ? ']' : '}';
		bool first = true;

		if (depth + 1 > AJ_MAX_DEPTH)
			return aj_fail(d, d->pos);
		d->pos++;
		for (;;) {
			c = aj_peek_in(d);
			if (c == close && first) {
				d->pos++;
				return 0;
			}
			if (close == '}') {
				if (c != '"' || aj_string(d, NULL))
					return aj_fail(d, d->pos);
				if (aj_peek_in(d) != ':')
					return aj_fail(d, d->pos);
				d->pos++;
			}
			if (aj_skip(d, depth + 1))
				return -1;
			first = false;
			c = aj_peek_in(d);
			d->pos++;
			if (c == close)
				return 0;
			if (c != ',')
				return aj_fail(d, d->pos - 1);
		}
	}
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return aj_number(d);
		return aj_fail(d, d->pos);
	}
}

/* After a member or element: 1 more follows (',' eaten), 0 the container
 * closed (close eaten), -1 malformed. */
int aj_next(struct alert_decoder *d, int close)
{
	int c = aj_peek_in(d);

	if (c == ',') {
		d->pos++;
		return 1;
	}
	if (c == close) {
		d->pos++;
		return 0;
	}
	return aj_fail(d, d->pos);
}

/* '{' or '[' at pos: eats it; 1 when the container has members, 0 when it
 * is empty (closing bracket eaten too). */
int aj_open(struct alert_decoder *d, int close)
{
	d->pos++;
	if (aj_peek_in(d) == close) {
		d->pos++;
		return 0;
	}
	return 1;
}

/* A member name (into scratch) and its ':'. */
int aj_key(struct alert_decoder *d, struct aj_str *k)
{
	if (aj_peek_in(d) != '"')
		return aj_fail(d, d->pos);
	if (aj_string(d, k))
		return -1;
	if (aj_peek_in(d) != ':')
		return aj_fail(d, d->pos);
	d->pos++;
	return 0;
}

/* A value that should be a string: *kind 's' string (into *out), 'n' null,
 * 'x' anything else (checked and skipped). */
int aj_str_value(struct alert_decoder *d, int depth, struct aj_str *out, char *kind)
{
	int c = aj_peek_in(d);

	if (c == '"') {
		*kind = 's';
		return aj_string(d, out);
	}
	*kind = c == 'n' ? 'n' : 'x';
	return aj_skip(d, depth);
}
