/* fuzz.h: helpers shared by the libFuzzer targets in tests/fuzz/: a
 * NUL-terminated copy of the input, a check that a string is what the
 * sanitizer promises (valid UTF-8, nothing a terminal would act on),
 * independent readers of PromQL string literals and of single-quoted POSIX
 * shell words (to check quoting reads back as the value), and a loud
 * failure that libFuzzer records as a crash. Header-only (static) so
 * each target stays one file that links against the library alone. */
#ifndef PAGETTY_FUZZ_H
#define PAGETTY_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/util.h"

/* A property the code promises does not hold: report and abort, so the
 * input is saved as a crasher. */
#define FUZZ_ASSERT(cond, ...)                                                   \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "FUZZ_ASSERT(%s) failed at %s:%d: ", #cond,  \
			        __FILE__, __LINE__);                             \
			fprintf(stderr, __VA_ARGS__);                            \
			fputc('\n', stderr);                                     \
			abort();                                                 \
		}                                                                \
	} while (0)

/* The input as a malloced NUL-terminated string (embedded NULs stay and
 * end it early, as they would for a C caller). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Decode one strict UTF-8 code point at s[0..n). Returns its length, or 0
 * when the bytes are not valid UTF-8 (overlong, surrogate, > U+10FFFF,
 * truncated, stray continuation). */
static inline size_t fuzz_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t need, i;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < need + 1)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return need + 1;
}

static inline bool fuzz_is_bidi(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

/* Columns of one code point as text_width() counts them: wcwidth, and 1
 * for what wcwidth calls non-printable. */
static inline size_t fuzz_cp_width(uint32_t cp)
{
	int cw = wcwidth((wchar_t)cp);

	return cw < 0 ? 1 : (size_t)cw;
}

/* Is s (n bytes) safe to put on a terminal: valid UTF-8, no NUL, no C0
 * control (except '\n' when newline_ok), no DEL, no C1, no bidi override?
 * On failure *why says what and *at where. When cols is not NULL it gets
 * the text's width too (fuzz_width's count), in the same pass. */
static inline bool fuzz_safe_text(const char *s, size_t n, bool newline_ok,
                                  const char **why, size_t *at, size_t *cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, w = 0;
	uint32_t cp;

	while (i < n) {
		*at = i;
		k = fuzz_utf8_decode(p + i, n - i, &cp);
		if (!k) {
			*why = "invalid UTF-8";
			return false;
		}
		if (cols)
			w += fuzz_cp_width(cp);
		if (cp == '\n' && newline_ok) {
			i += k;
			continue;
		}
		if (cp < 0x20) {
			*why = "C0 control";
			return false;
		}
		if (cp == 0x7F) {
			*why = "DEL";
			return false;
		}
		if (cp >= 0x80 && cp <= 0x9F) {
			*why = "C1 control";
			return false;
		}
		if (fuzz_is_bidi(cp)) {
			*why = "bidi control";
			return false;
		}
		i += k;
	}
	if (cols)
		*cols = w;
	return true;
}

/* s (up to 200 bytes) with every byte outside printable ASCII as \xNN,
 * into a static buffer: for failure messages. */
static inline const char *fuzz_show(const char *s)
{
	static char out[200 * 4 + 8];
	size_t i, o = 0;

	for (i = 0; s[i] && i < 200; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7F && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02x", c);
	}
	out[o] = '\0';
	return out;
}

/* Assert that the n bytes at s (inside a NUL-terminated string) are safe
 * terminal text; when colsp is not NULL, *colsp gets their width. */
#define FUZZ_ASSERT_SAFE_N(s, n, newline_ok, what, colsp)                        \
	do {                                                                     \
		const char *fz_why_ = "";                                        \
		size_t fz_at_ = 0;                                               \
		FUZZ_ASSERT(fuzz_safe_text((s), (n), (newline_ok), &fz_why_,     \
		                           &fz_at_, (colsp)),                    \
		            "%s: %s at byte %zu of \"%s\"", (what), fz_why_, fz_at_, \
		            fuzz_show((s) + (fz_at_ > 40 ? fz_at_ - 40 : 0)));   \
	} while (0)

/* Assert that the NUL-terminated s is safe terminal text. */
#define FUZZ_ASSERT_SAFE(s, newline_ok, what)                                    \
	FUZZ_ASSERT_SAFE_N((s), strlen(s), (newline_ok), (what), (size_t *)NULL)

/* Columns of valid UTF-8 s, counted as text_width() does (wcwidth, and 1
 * for what wcwidth calls non-printable). Independent of core/text.c. */
static inline size_t fuzz_width(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, w = 0;
	uint32_t cp;

	while (i < n) {
		k = fuzz_utf8_decode(p + i, n - i, &cp);
		if (!k) {
			w++;
			i++;
			continue;
		}
		w += fuzz_cp_width(cp);
		i += k;
	}
	return w;
}

static inline int fuzz_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read the PromQL "..." or '...' literal q[0..n) (Go strconv.Unquote rules: \a \b
 * \f \n \r \t \v \\ \" \xHH \NNN \uHHHH \UHHHHHHHH; no raw newline) into
 * out (n bytes written to *outn). Returns NULL or what is wrong. */
static inline const char *fuzz_promql_unquote(const char *q, size_t n, char *out,
                                              size_t *outn)
{
	char quote = n ? q[0] : '"';
	const unsigned char *p = (const unsigned char *)q;
	size_t i = 1, o = 0, k;
	uint32_t cp;

	if (n < 2 || (quote != '"' && quote != '\'') || p[n - 1] != (unsigned char)quote)
		return "not enclosed in quotes";
	while (i < n - 1) {
		unsigned char c = p[i];

		if (c == (unsigned char)quote)
			return "unescaped quote inside";
		if (c == '\n' || c < 0x20 || c == 0x7f)
			return "raw control byte inside";
		if (c != '\\') {
			k = fuzz_utf8_decode(p + i, n - 1 - i, &cp);
			if (!k)
				return "raw invalid UTF-8 inside";
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
			continue;
		}
		if (i + 1 >= n - 1)
			return "escape runs into the closing quote";
		c = p[++i];
		switch (c) {
		case 'a': out[o++] = '\a'; i++; continue;
		case 'b': out[o++] = '\b'; i++; continue;
		case 'f': out[o++] = '\f'; i++; continue;
		case 'n': out[o++] = '\n'; i++; continue;
		case 'r': out[o++] = '\r'; i++; continue;
		case 't': out[o++] = '\t'; i++; continue;
		case 'v': out[o++] = '\v'; i++; continue;
		case '\\': out[o++] = '\\'; i++; continue;
		case '"': out[o++] = '"'; i++; continue;
		case '\'': out[o++] = '\''; i++; continue;
		case 'x':
			if (i + 2 >= n - 1 || fuzz_hexval(p[i + 1]) < 0 || fuzz_hexval(p[i + 2]) < 0)
				return "bad \\x escape";
			out[o++] = (char)(fuzz_hexval(p[i + 1]) * 16 + fuzz_hexval(p[i + 2]));
			i += 3;
			continue;
		default:
			/* \NNN, \u, \U are valid PromQL but promql_quote never
			 * writes them; anything else is invalid */
			return "unexpected escape";
		}
	}
	*outn = o;
	return NULL;
}

/* Read the POSIX shell word w[0..n) made only of single-quoted parts and
 * backslash-escaped characters (what a quoting function must produce) into
 * out (*outn bytes). Returns NULL, or what would make the shell see
 * something else: an unquoted byte, an unterminated quote. */
static inline const char *fuzz_sh_unquote(const char *w, size_t n, char *out, size_t *outn)
{
	size_t i = 0, o = 0;

	if (n == 0)
		return "empty word (the shell drops it)";
	while (i < n) {
		if (w[i] == '\'') {
			for (i++; i < n && w[i] != '\''; i++)
				out[o++] = w[i];
			if (i == n)
				return "unterminated single quote";
			i++;
		} else if (w[i] == '\\') {
			if (i + 1 == n)
				return "trailing backslash";
			if (w[i + 1] == '\n')
				return "backslash-newline (a line continuation)";
			out[o++] = w[i + 1];
			i += 2;
		} else {
			return "unquoted byte";
		}
	}
	*outn = o;
	return NULL;
}

/* Is the error buffer a terminated string (the parser filled it)? */
static inline bool fuzz_err_ok(const char err[ERR_MAX])
{
	return memchr(err, '\0', ERR_MAX) != NULL;
}

#endif
