/* fuzz_text.c: libFuzzer target for the text sanitizer and the width
 * helpers (core/text.c). Input: byte 0 picks a cap, byte 1 a width, the
 * rest is the untrusted text. For every flag combination and several caps
 * it checks what text.h promises: valid UTF-8 with no C0/C1/DEL/bidi, the
 * cap honoured with a cut ending in "…", sanitizing twice changes nothing;
 * then width/fit/trunc/wrap on the result agree with an independent width
 * count and lose no text. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "tests/fuzz/fuzz.h"

#define ELLIPSIS "\xe2\x80\xa6"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* widths as a UTF-8 terminal sees them */
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "");
	return 0;
}

/* Bytes of s without spaces and newlines (what wrapping must not lose). */
static char *ink(const char *s)
{
	char *r = xmalloc(strlen(s) + 1), *o = r;

	for (; *s; s++)
		if (*s != ' ' && *s != '\n')
			*o++ = *s;
	*o = '\0';
	return r;
}

/* Does line (too wide for cols) hold only one code point plus zero-width
 * ones after it? Only then may a hard break exceed the width. */
static int single_cluster(const char *line)
{
	uint32_t cp;
	size_t n = strlen(line), k;

	k = fuzz_utf8_decode((const unsigned char *)line, n, &cp);
	return k && fuzz_width(line + k, n - k) == 0;
}

/* fit, trunc and wrap of sanitized s at cols; s_ink is ink(s), made once
 * for all the widths (so is the width check, in check_all_widths). */
static void check_widths(const char *s, const char *s_ink, bool newline_ok, size_t cols)
{
	size_t len = strlen(s), fit, fw, i, n, k;
	char *t, **lines, *b;
	struct buf joined = {0};
	uint32_t cp;

	fit = text_fit(s, cols);
	FUZZ_ASSERT(fit <= len, "text_fit %zu > len %zu", fit, len);
	FUZZ_ASSERT_SAFE_N(s, fit, newline_ok, "text_fit prefix (cut inside a code point?)", &fw);
	FUZZ_ASSERT(fw <= cols, "text_fit prefix is %zu cols > %zu", fw, cols);
	if (fit < len) {
		k = fuzz_utf8_decode((const unsigned char *)s + fit, len - fit, &cp);
		FUZZ_ASSERT(k, "text_fit stopped inside a code point");
		FUZZ_ASSERT(fw + fuzz_width(s + fit, k) > cols,
		            "text_fit not maximal: next code point still fits");
	}

	t = text_trunc(s, cols, true, true);
	FUZZ_ASSERT_SAFE_N(t, strlen(t), newline_ok, "text_trunc pad", &fw);
	FUZZ_ASSERT(fw == cols, "text_trunc pad: %zu cols, want %zu", fw, cols);
	free(t);
	t = text_trunc(s, cols, false, false);
	FUZZ_ASSERT_SAFE_N(t, strlen(t), newline_ok, "text_trunc", &fw);
	FUZZ_ASSERT(fw <= cols, "text_trunc: %zu cols > %zu", fw, cols);
	free(t);

	n = text_wrap(s, cols, &lines);
	FUZZ_ASSERT(lines != NULL, "text_wrap gave no array");
	FUZZ_ASSERT(lines[n] == NULL, "text_wrap: no NULL after line %zu", n);
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(lines[i] != NULL, "text_wrap line %zu NULL", i);
		k = strlen(lines[i]);
		/* safe with newline_ok false: no '\n' in a line either */
		FUZZ_ASSERT_SAFE_N(lines[i], k, false, "text_wrap line", &fw);
		FUZZ_ASSERT(fw <= (cols ? cols : 1) || single_cluster(lines[i]),
		            "text_wrap line %zu is %zu cols > %zu", i, fw, cols);
		buf_append(&joined, lines[i], k);
	}
	b = ink(joined.data ? joined.data : "");
	FUZZ_ASSERT(strcmp(s_ink, b) == 0, "text_wrap lost or changed text");
	free(b);
	buf_free(&joined);
	text_lines_free(lines, n);
}

/* The width helpers on sanitized s: text_width once, the rest at cols 0,
 * 1, 2, the input's cols and 80. */
static void check_all_widths(const char *s, bool newline_ok, size_t cols)
{
	size_t len = strlen(s), w = text_width(s), fw = fuzz_width(s, len);
	char *s_ink = ink(s);

	FUZZ_ASSERT(w == fw, "text_width %zu != %zu", w, fw);
	check_widths(s, s_ink, newline_ok, 0);
	check_widths(s, s_ink, newline_ok, 1);
	check_widths(s, s_ink, newline_ok, 2);
	check_widths(s, s_ink, newline_ok, cols);
	check_widths(s, s_ink, newline_ok, 80);
	free(s_ink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text;
	size_t n, caps[10], ncap, i, len, flen, cols;
	char *full, *out, *again;
	int flags;

	if (size < 2)
		return 0;
	text = (const char *)data + 2;
	n = size - 2;
	cols = data[1] % 200;
	ncap = 0;
	caps[ncap++] = 1;
	caps[ncap++] = 2;
	caps[ncap++] = 3;
	caps[ncap++] = 4;
	caps[ncap++] = 7;
	caps[ncap++] = data[0];
	caps[ncap++] = n / 2 + 1;
	caps[ncap++] = n + 1;
	caps[ncap++] = 4 * n + 16;

	for (flags = 0; flags <= (TEXT_KEEP_NEWLINES | TEXT_KEEP_TABS); flags++) {
		bool nl = flags & TEXT_KEEP_NEWLINES;

		full = text_sanitize(text, n, flags, 0);
		flen = strlen(full);
		FUZZ_ASSERT_SAFE(full, nl, "text_sanitize");
		FUZZ_ASSERT(!strchr(full, '\t'), "text_sanitize left a tab");
		again = text_sanitize(full, flen, flags, 0);
		FUZZ_ASSERT(strcmp(again, full) == 0, "text_sanitize is not idempotent");
		free(again);

		for (i = 0; i < ncap; i++) {
			out = text_sanitize(text, n, flags, caps[i]);
			len = strlen(out);
			if (caps[i] == 0) {     /* 0 = no cap */
				FUZZ_ASSERT(strcmp(out, full) == 0, "cap 0 changed the output");
				free(out);
				continue;
			}
			FUZZ_ASSERT(len <= caps[i], "cap %zu: %zu bytes", caps[i], len);
			FUZZ_ASSERT_SAFE(out, nl, "text_sanitize capped");
			if (flen <= caps[i]) {
				FUZZ_ASSERT(strcmp(out, full) == 0,
				            "cap %zu >= %zu changed the output", caps[i], flen);
			} else if (caps[i] >= 3) {
				FUZZ_ASSERT(len >= 3 && strcmp(out + len - 3, ELLIPSIS) == 0,
				            "cap %zu: cut without an ellipsis", caps[i]);
				FUZZ_ASSERT(memcmp(out, full, len - 3) == 0,
				            "cap %zu: not a prefix of the full output", caps[i]);
			} else {
				FUZZ_ASSERT(len == 0, "cap %zu < ellipsis: output not empty", caps[i]);
			}
			free(out);
		}

		/* widths on the sanitized text: two flag sets are enough */
		if (flags == 0 || flags == (TEXT_KEEP_NEWLINES | TEXT_KEEP_TABS))
			check_all_widths(full, nl, cols);

		out = xstrdup(full);
		text_asciify(out);
		for (i = 0; out[i]; i++)
			FUZZ_ASSERT((unsigned char)out[i] < 0x80, "text_asciify left byte 0x%02x",
			            (unsigned char)out[i]);
		free(out);
		free(full);
	}

	out = fuzz_cstr(data + 2, n);
	full = text_clean(out);
	FUZZ_ASSERT_SAFE(full, false, "text_clean");
	free(full);
	free(out);
	return 0;
}
