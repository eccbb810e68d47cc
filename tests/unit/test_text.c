/* test_text.c: the sanitizer (terminal escapes, C1, bidi, invalid UTF-8,
 * caps, huge input) and the width, fit, truncate and wrap helpers. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/text.h"

struct sanitize_case {
	const char *in;
	size_t n;          /* 0: strlen(in) */
	int flags;
	size_t max;
	const char *want;
};

#define S(in, want) {in, sizeof(in) - 1, 0, 0, want}

static const struct sanitize_case sanitize_cases[] = {
	S("plain text", "plain text"),
	S("", ""),
	/* terminal escapes: clear screen, OSC 52 clipboard write, title */
	S("\x1b[2J", "\\e[2J"),
	S("\x1b]52;c;cm0gLXJmIH4=\x07", "\\e]52;c;cm0gLXJmIH4=\\x07"),
	S("\x1b]0;pwned\x1b\\", "\\e]0;pwned\\e\\"),
	S("ok\rFAKE", "ok\\rFAKE"),
	S("abc\b\b\bxyz", "abc\\b\\b\\bxyz"),
	S("a\nb", "a\\nb"),
	S("a\tb", "a\\tb"),
	S("nul\0byte", "nul\\x00byte"),
	S("\x01\x1f", "\\x01\\x1f"),
	S("del\x7f", "del\\x7f"),
	/* C1 controls encoded in UTF-8 (U+009B is an 8-bit CSI) */
	S("\xc2\x9b" "2J", "\\u009b2J"),
	S("\xc2\x85", "\\u0085"),
	S("\xc2\x80\xc2\x9f", "\\u0080\\u009f"),
	S("\xc2\xa0", "\xc2\xa0"),           /* U+00A0 is printable */
	/* bidi overrides and isolates */
	S("abc\xe2\x80\xae" "cba", "abc\\u202ecba"),
	S("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "\\u202a\\u202b\\u202c\\u202d"),
	S("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "\\u2066\\u2067\\u2068\\u2069"),
	S("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u200e\\u200f\\u061c"),
	/* valid multi-byte text passes through */
	S("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\xa5", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\xa5"),
	/* invalid UTF-8: one U+FFFD per maximal subpart */
	S("\x80", "\xef\xbf\xbd"),
	S("a\xffz", "a\xef\xbf\xbdz"),
	S("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"),                 /* overlong '/' */
	S("\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"), /* overlong 3-byte */
	S("\xf0\x80\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"),
	S("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"), /* surrogate D800 */
	S("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"), /* > U+10FFFF */
	S("\xf5\x80", "\xef\xbf\xbd\xef\xbf\xbd"),
	S("\xe6\x97", "\xef\xbf\xbd"),                 /* truncated at end: one */
	S("\xe6\x97x", "\xef\xbf\xbdx"),              /* truncated mid-string */
	S("\xf0\x9f\x94", "\xef\xbf\xbd"),
	S("\xf0\x9f\x94\xe6\x97\xa5", "\xef\xbf\xbd\xe6\x97\xa5"),
	S("\xc3", "\xef\xbf\xbd"),
	/* flags */
	{"a\nb", 3, TEXT_KEEP_NEWLINES, 0, "a\nb"},
	{"a\r\nb", 4, TEXT_KEEP_NEWLINES, 0, "a\\r\nb"},
	{"a\tb", 3, TEXT_KEEP_TABS, 0, "a       b"},
	{"abcdefgh\tx", 10, TEXT_KEEP_TABS, 0, "abcdefgh        x"},
	{"ab\n\tx", 5, TEXT_KEEP_TABS | TEXT_KEEP_NEWLINES, 0, "ab\n        x"},
	{"\xe6\x97\xa5\tx", 5, TEXT_KEEP_TABS, 0, "\xe6\x97\xa5      x"},
	/* caps: the result, ellipsis included, is at most max bytes and never
	 * ends inside an escape or a multi-byte character */
	{"hello world", 11, 0, 11, "hello world"},
	{"hello world", 11, 0, 10, "hello w\xe2\x80\xa6"},
	{"hello world", 11, 0, 4, "h\xe2\x80\xa6"},
	{"hello", 5, 0, 2, ""},
	{"ab\x1b[2J", 6, 0, 6, "ab\xe2\x80\xa6"},
	{"ab\x1b[2J", 6, 0, 7, "ab\\e[2J"},
	{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9, 0, 8, "\xe6\x97\xa5\xe2\x80\xa6"},
	{"a\xc2\x9b", 3, 0, 6, "a\xe2\x80\xa6"},
	/* explicit length: bytes past n are not read */
	{"abcdef", 3, 0, 0, "abc"},
	{NULL, 0, 0, 0, ""},
};

static void test_sanitize_table(void **state)
{
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof sanitize_cases / sizeof sanitize_cases[0]; i++) {
		const struct sanitize_case *c = &sanitize_cases[i];

		out = text_sanitize(c->in, c->n, c->flags, c->max);
		if (strcmp(out, c->want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, c->want);
		if (c->max)
			assert_true(strlen(out) <= c->max);
		free(out);
	}
}

/* Whatever goes in, nothing that leaves is a control byte (except \n with
 * the flag) and the result is valid UTF-8 that round-trips unchanged. */
static void test_sanitize_output_is_clean(void **state)
{
	unsigned char in[4096];
	unsigned int seed = 12345;
	size_t i, k;
	char *out, *again;

	(void)state;
	for (k = 0; k < 200; k++) {
		for (i = 0; i < sizeof in; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (unsigned char)(seed >> 16);
		}
		out = text_sanitize((const char *)in, sizeof in, 0, 0);
		for (i = 0; out[i]; i++)
			assert_false((unsigned char)out[i] < 0x20 || (unsigned char)out[i] == 0x7f);
		assert_null(strstr(out, "\xc2\x9b"));
		assert_null(strstr(out, "\xe2\x80\xae"));
		again = text_clean(out);
		assert_string_equal(again, out);
		free(again);
		free(out);
	}
}

/* A 1 MiB label in which every byte needs work comes out whole: each ESC
 * as "\e", each lone 0x9b as U+FFFD, each 'x' as itself, in order. With a
 * cap of 100 bytes only whole escapes that fit before the "…" are kept. */
static void test_sanitize_huge_every_byte_escaped_or_cut_at_cap(void **state)
{
	static const char unit[] = "\\e\xef\xbf\xbdx"; /* "\e", U+FFFD, 'x' */
	const size_t ulen = sizeof unit - 1;               /* 6 */
	size_t n = 1 << 20, i, units = n / 3;              /* and one ESC over */
	char *in = malloc(n), *out, *want;

	(void)state;
	assert_non_null(in);
	for (i = 0; i < n; i++)
		in[i] = (i % 3 == 0) ? '\x1b' : (i % 3 == 1) ? '\x9b' : 'x';
	want = malloc(units * ulen + 3);
	assert_non_null(want);
	for (i = 0; i < units; i++)
		memcpy(want + i * ulen, unit, ulen);
	memcpy(want + units * ulen, "\\e", 3);
	out = text_sanitize(in, n, 0, 0);
	assert_int_equal(strlen(out), units * ulen + 2);
	assert_memory_equal(out, want, units * ulen + 3);
	free(out);
	/* capped: 16 whole units (96 bytes), the next "\e" and "…" would pass
	 * 100, so the ellipsis follows at once */
	out = text_sanitize(in, n, 0, 100);
	assert_int_equal(strlen(out), 16 * ulen + 3);
	assert_memory_equal(out, want, 16 * ulen);
	assert_string_equal(out + 16 * ulen, "\xe2\x80\xa6");
	free(out);
	free(want);
	free(in);
}

static void test_clean(void **state)
{
	char *s;

	(void)state;
	s = text_clean(NULL);
	assert_string_equal(s, "");
	free(s);
	s = text_clean("x\x1b[31my\n");
	assert_string_equal(s, "x\\e[31my\\n");
	free(s);
}

static const struct {
	const char *s;
	size_t w;
} width_cases[] = {
	{"", 0},
	{"abc", 3},
	{"caf\xc3\xa9", 4},
	{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 6},     /* CJK: 2 each */
	{"\xef\xbc\xa1", 2},                              /* fullwidth A */
	{"\xf0\x9f\x94\xa5", 2},                          /* fire emoji */
	{"e\xcc\x81", 1},                                 /* combining acute */
	{"\xe2\x80\xa6", 1},
	{"\x01", 1},                                      /* non-printable: 1 */
	{"\xff", 1},                                      /* invalid byte: 1 */
};

static void test_width(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof width_cases / sizeof width_cases[0]; i++)
		if (text_width(width_cases[i].s) != width_cases[i].w)
			fail_msg("width case %zu: got %zu want %zu", i,
			         text_width(width_cases[i].s), width_cases[i].w);
	assert_int_equal(text_width(NULL), 0);
}

static void test_fit(void **state)
{
	(void)state;
	assert_int_equal(text_fit("hello", 3), 3);
	assert_int_equal(text_fit("hello", 10), 5);
	assert_int_equal(text_fit("hello", 0), 0);
	/* a wide character never straddles the edge */
	assert_int_equal(text_fit("\xe6\x97\xa5\xe6\x9c\xac", 3), 3);
	assert_int_equal(text_fit("\xe6\x97\xa5\xe6\x9c\xac", 4), 6);
	assert_int_equal(text_fit("\xe6\x97\xa5", 1), 0);
	/* a combining mark stays with its base */
	assert_int_equal(text_fit("e\xcc\x81x", 1), 3);
	assert_int_equal(text_fit("a\xf0\x9f\x94\xa5", 2), 1);
}

static const struct {
	const char *s;
	size_t cols;
	bool pad, utf8;
	const char *want;
} trunc_cases[] = {
	{"hello", 10, false, true, "hello"},
	{"hello", 10, true, true, "hello     "},
	{"hello", 5, true, true, "hello"},
	{"hello world", 5, false, true, "hell\xe2\x80\xa6"},
	{"hello world", 5, false, false, "hell~"},
	{"hello world", 1, false, true, "\xe2\x80\xa6"},
	{"hello", 0, true, true, ""},
	{"", 3, true, true, "   "},
	/* wide: 日本語 is 6 columns; in 4 that is 日 + … + one pad */
	{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, true, true, "\xe6\x97\xa5\xe2\x80\xa6 "},
	{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, false, true, "\xe6\x97\xa5\xe2\x80\xa6"},
	{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, true, true, "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6"},
	{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 6, true, true, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"},
	{"\xf0\x9f\x94\xa5\xf0\x9f\x94\xa5", 3, false, false, "\xf0\x9f\x94\xa5~"},
};

static void test_trunc(void **state)
{
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof trunc_cases / sizeof trunc_cases[0]; i++) {
		out = text_trunc(trunc_cases[i].s, trunc_cases[i].cols,
		                 trunc_cases[i].pad, trunc_cases[i].utf8);
		if (strcmp(out, trunc_cases[i].want) != 0)
			fail_msg("trunc case %zu: got \"%s\" want \"%s\"", i, out,
			         trunc_cases[i].want);
		assert_true(text_width(out) <= trunc_cases[i].cols);
		if (trunc_cases[i].pad)
			assert_int_equal(text_width(out), trunc_cases[i].cols);
		free(out);
	}
}

static const struct {
	const char *s;
	size_t cols;
	bool utf8;
	const char *want;
} trunc_left_cases[] = {
	{"/a/b/runbook.md", 15, true, "/a/b/runbook.md"},
	{"/a/b/runbook.md", 20, true, "/a/b/runbook.md"},
	{"/a/b/runbook.md", 11, true, "\xe2\x80\xa6runbook.md"},
	{"/a/b/runbook.md", 11, false, "~runbook.md"},
	{"/a/b/runbook.md", 1, true, "\xe2\x80\xa6"},
	{"/a/b/runbook.md", 0, true, ""},
	{NULL, 3, true, ""},
	/* wide: 日本語 is 6 columns; in 4 that is … + 語 (3 columns), not half of 本 */
	{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, true, "\xe2\x80\xa6\xe8\xaa\x9e"},
	/* a combining mark goes with the letter dropped before it */
	{"xe\xcc\x81" "abc", 4, true, "\xe2\x80\xa6" "abc"},
};

static void test_trunc_left(void **state)
{
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof trunc_left_cases / sizeof trunc_left_cases[0]; i++) {
		out = text_trunc_left(trunc_left_cases[i].s, trunc_left_cases[i].cols,
		                      trunc_left_cases[i].utf8);
		if (strcmp(out, trunc_left_cases[i].want) != 0)
			fail_msg("trunc_left case %zu: got \"%s\" want \"%s\"", i, out,
			         trunc_left_cases[i].want);
		assert_true(text_width(out) <= trunc_left_cases[i].cols);
		free(out);
	}
}

static const struct {
	const char *s;
	size_t cols;
	size_t n;
	const char *want[6];
} wrap_cases[] = {
	{"", 10, 0, {NULL}},
	{"hello", 10, 1, {"hello"}},
	{"the quick brown fox", 10, 2, {"the quick", "brown fox"}},
	{"the quick brown fox", 9, 2, {"the quick", "brown fox"}},
	{"the quick brown fox", 8, 4, {"the", "quick", "brown", "fox"}},
	{"a  b", 10, 1, {"a  b"}},
	{"word   ", 10, 1, {"word"}},
	{"abcdefghij", 4, 3, {"abcd", "efgh", "ij"}},
	{"ab abcdefghij", 4, 4, {"ab", "abcd", "efgh", "ij"}},
	{"line one\nline two", 20, 2, {"line one", "line two"}},
	{"a\n\nb", 20, 3, {"a", "", "b"}},
	{"a\n", 20, 1, {"a"}},
	{"  indented text", 11, 2, {"  indented", "text"}},
	/* wide characters are broken on column boundaries, never split */
	{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, 2, {"\xe6\x97\xa5\xe6\x9c\xac", "\xe8\xaa\x9e"}},
	{"\xe6\x97\xa5\xe6\x9c\xac", 3, 2, {"\xe6\x97\xa5", "\xe6\x9c\xac"}},
	/* too narrow for a wide character: one per line, still progresses */
	{"\xe6\x97\xa5\xe6\x9c\xac", 1, 2, {"\xe6\x97\xa5", "\xe6\x9c\xac"}},
	{"ab", 0, 2, {"a", "b"}},
};

static void test_wrap(void **state)
{
	size_t i, j, n;
	char **lines;

	(void)state;
	for (i = 0; i < sizeof wrap_cases / sizeof wrap_cases[0]; i++) {
		n = text_wrap(wrap_cases[i].s, wrap_cases[i].cols, &lines);
		if (n != wrap_cases[i].n)
			fail_msg("wrap case %zu: %zu lines, want %zu", i, n, wrap_cases[i].n);
		assert_non_null(lines);
		for (j = 0; j < n; j++)
			if (strcmp(lines[j], wrap_cases[i].want[j]) != 0)
				fail_msg("wrap case %zu line %zu: got \"%s\" want \"%s\"",
				         i, j, lines[j], wrap_cases[i].want[j]);
		text_lines_free(lines, n);
	}
}

/* Every wrapped line fits, and no non-space text is lost. */
static void test_wrap_invariants(void **state)
{
	const char *s = "Check the error ratio per pod \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"
	                "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e and https://example.net/a/very/long/url/that/breaks";
	size_t cols, i, j, n, nonspace_in = 0, nonspace_out = 0;
	char **lines;

	(void)state;
	for (i = 0; s[i]; i++)
		nonspace_in += s[i] != ' ';
	for (cols = 2; cols < 40; cols++) {
		n = text_wrap(s, cols, &lines);
		nonspace_out = 0;
		for (i = 0; i < n; i++) {
			assert_true(text_width(lines[i]) <= cols);
			for (j = 0; lines[i][j]; j++)
				nonspace_out += lines[i][j] != ' ';
		}
		assert_int_equal(nonspace_out, nonspace_in);
		text_lines_free(lines, n);
	}
}

/* The worst cases for text_wrap's one block: a line per byte (a long word
 * at width 1), a line per '\n'. The array ends in NULL, and
 * text_lines_free frees it all whatever n it is given. */
static void test_wrap_one_block(void **state)
{
	size_t n = 100000, i, got;
	char *s = malloc(2 * n + 1), **lines;

	(void)state;
	assert_non_null(s);
	memset(s, 'x', n);
	s[n] = '\0';
	got = text_wrap(s, 1, &lines);
	assert_int_equal(got, n);
	for (i = 0; i < n; i++)
		assert_string_equal(lines[i], "x");
	assert_null(lines[n]);
	text_lines_free(lines, 0);

	memset(s, '\n', n);
	got = text_wrap(s, 80, &lines);
	assert_int_equal(got, n);          /* the last '\n' starts no line */
	for (i = 0; i < n; i++)
		assert_string_equal(lines[i], "");
	assert_null(lines[n]);
	text_lines_free(lines, got);

	for (i = 0; i < n; i++)
		memcpy(s + 2 * i, i % 2 ? "y " : "x ", 2);
	s[2 * n] = '\0';
	got = text_wrap(s, 3, &lines);     /* "x y" fits, the spaces go */
	assert_int_equal(got, n / 2);
	assert_string_equal(lines[0], "x y");
	assert_string_equal(lines[got - 1], "x y");
	assert_null(lines[got]);
	text_lines_free(lines, 1);
	free(s);
}

static void test_asciify(void **state)
{
	char s[] = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\xa5 ok\xff";
	char t[] = "";

	(void)state;
	text_asciify(s);
	assert_string_equal(s, "caf? ?? ? ok?");
	text_asciify(t);
	assert_string_equal(t, "");
	text_asciify(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_table),
		cmocka_unit_test(test_sanitize_output_is_clean),
		cmocka_unit_test(test_sanitize_huge_every_byte_escaped_or_cut_at_cap),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_trunc),
		cmocka_unit_test(test_trunc_left),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_wrap_invariants),
		cmocka_unit_test(test_wrap_one_block),
		cmocka_unit_test(test_asciify),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 1;
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
