/* test_alert_stream.c: the alerts body decoded as it arrives
 * (core/alert_stream.c) gives what a decode of the whole body gives, for
 * every way of cutting the body into pieces: the same alerts, the same
 * skipped count, the same error message for malformed bodies. Unchanged
 * elements are shared with the last answer, a retry starts over, and the
 * bytes held stay those of one element. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alert.h"
#include "core/alert_stream.h"
#include "core/util.h"
#include "alert_fixture.h"

/* body fed in pieces of `piece` bytes (0: whole); the result as JSON text
 * ("ERR: msg" on failure) plus the skipped count. Malloced. */
static char *streamed(const char *body, size_t len, size_t piece, const struct alert_index *x,
                      size_t *skipped, size_t *reused)
{
	struct alert_stream *st = alert_stream_new("prod", x);
	struct alert_list l = {0};
	char err[ERR_MAX] = "", *out;
	size_t off = 0;

	if (!piece)
		piece = len ? len : 1;
	while (off < len) {
		size_t n = len - off < piece ? len - off : piece;
		char *copy = xmalloc(n); /* exact size: valgrind sees an over-read */
		memcpy(copy, body + off, n);
		alert_stream_feed(st, copy, n);
		free(copy);
		off += n;
	}
	if (alert_stream_finish(st, &l, skipped, err) < 0) {
		out = xmalloc(strlen(err) + 8);
		sprintf(out, "ERR: %s", err);
		assert_int_equal(l.n, 0);
	} else {
		out = alert_list_to_json(&l, NULL, NULL);
	}
	if (reused)
		*reused = alert_stream_reused(st);
	alert_stream_free(st);
	alert_list_free(&l);
	return out;
}

static char *whole(const char *body, size_t len, size_t *skipped)
{
	struct alert_list l = {0};
	char err[ERR_MAX] = "", *out;
	char *copy = xmalloc(len ? len : 1);

	memcpy(copy, body, len);
	if (alert_list_from_json(copy, len, "prod", &l, skipped, err) < 0) {
		out = xmalloc(strlen(err) + 8);
		sprintf(out, "ERR: %s", err);
	} else {
		out = alert_list_to_json(&l, NULL, NULL);
	}
	free(copy);
	alert_list_free(&l);
	return out;
}

static const size_t pieces[] = {0, 1, 2, 3, 5, 7, 16, 17, 64, 333, 4096};

/* Every piece size gives the whole-body result. */
static void same_as_whole(const char *body, size_t len)
{
	size_t sk_w = 77, i;
	char *want = whole(body, len, &sk_w);

	for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
		size_t sk = 99;
		char *got = streamed(body, len, pieces[i], NULL, &sk, NULL);
		if (strcmp(got, want) != 0)
			fail_msg("pieces of %zu: got\n%.300s\nwant\n%.300s\n(body %.80s)", pieces[i],
			         got, want, body);
		if (strncmp(want, "ERR: ", 5) != 0)
			assert_int_equal(sk, sk_w);
		free(got);
	}
	free(want);
}

static void test_fixtures_every_piece_size(void **state)
{
	static const char *const files[] = {
		FIX_ALERTS,
		FIX_GROUPS,
		"tests/fuzz/corpus/alert/dup-labels.json",
	};
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *body = load(files[i], &len);
		same_as_whole(body, len);
		free(body);
	}
}

/* Cut short anywhere, the error is the one the whole body gives. */
static void test_truncated_everywhere(void **state)
{
	size_t len, cut;
	char *body = load(FIX_ALERTS, &len);

	(void)state;
	if (len > 3000)
		len = 3000;
	for (cut = 0; cut < len; cut += 7)
		same_as_whole(body, cut);
	free(body);
}

static void test_malformed_and_odd_bodies(void **state)
{
	static const char *const bodies[] = {
		"", "   ", "[]", " [ ] ", "\xef\xbb\xbf[]", "\xef\xbb", "\xef\xbb\xbf",
		"{}", "{\"status\":\"error\"}", "\"text\"", "42", "null", "<html>500</html>",
		"[1,2,3]", "[{},]", "[,]", "[{}", "[{}]x", "[] \n\t ", "[]\0\0", "[{]}",
		"[{\"a\":[1}]", "[\"a\\\"],[\"]", "[\"\\", "[{\"labels\":{\"a\":\"]\"},"
		"\"fingerprint\":\"x\",\"status\":{\"state\":\"active\"}}]",
		"[{\"labels\":{},\"fingerprint\":\"x\",\"status\":{\"state\":\"active\"}} "
		"{\"labels\":{}}]",
		"[{}]]", "[[[[]]]]", "[[],[[]],{}]", "[true, false, null, -1.5e3, \"s\"]",
		"[{\"labels\":{\"a\":\"\\u00e9\\ud83d\\ude00\"},\"fingerprint\":\"f\","
		"\"status\":{\"state\":\"suppressed\",\"silencedBy\":[\"s\"]}}]",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		same_as_whole(bodies[i], strlen(bodies[i]) + (strcmp(bodies[i], "[]") == 0 ? 0 : 0));
	same_as_whole("[]\0\0", 4);
	same_as_whole("[]\0x", 4);
	same_as_whole("\xef\xbb\xbf   ", 6);
	same_as_whole("   \xef\xbb\xbf[]", 8);
	same_as_whole("  \n [] ", 7);
}

/* A body of nothing but spaces (the fault server's 200 MB one) is counted,
 * not held. */
static void test_whitespace_is_not_held(void **state)
{
	struct alert_stream *st = alert_stream_new("prod", NULL);
	struct alert_list l = {0};
	char sp[4096], err[ERR_MAX] = "", *want;
	const char *first;
	size_t i;

	(void)state;
	memset(sp, ' ', sizeof sp);
	for (i = 0; i < 256; i++) {
		alert_stream_feed(st, sp, sizeof sp);
		assert_int_equal(alert_stream_held(st), 0);
	}
	assert_int_equal(alert_stream_finish(st, &l, NULL, err), -1);
	alert_stream_free(st);
	assert_string_equal(err, "invalid JSON near byte 1048576");
	want = xmalloc(1 << 20);
	memset(want, ' ', 1 << 20);
	same_as_whole(want, 1 << 20);
	/* the same inside the array: "[" and a megabyte of spaces (the fault
	 * server's huge200), between elements too */
	want[0] = '[';
	same_as_whole(want, 1 << 20);
	want[(1 << 20) - 1] = ']';
	same_as_whole(want, 1 << 20);
	st = alert_stream_new("prod", NULL);
	first = "[{\"labels\":{},\"fingerprint\":\"f\",\"status\":{\"state\":\"x\"}},";
	alert_stream_feed(st, first, strlen(first));
	for (i = 0; i < 256; i++) {
		alert_stream_feed(st, sp, sizeof sp);
		assert_true(alert_stream_held(st) < 64);
	}
	alert_stream_feed(st, "1]", 2);
	assert_int_equal(alert_stream_finish(st, &l, NULL, err), 0);
	assert_int_equal(l.n, 1);
	alert_list_free(&l);
	alert_stream_free(st);
	free(want);
}

/* A second answer with the same elements shares the first's alerts; an
 * element that changed is decoded anew. */
static void test_unchanged_elements_are_shared(void **state)
{
	struct alert_list first = {0}, second = {0};
	struct alert_index *x;
	struct alert_stream *st;
	char err[ERR_MAX] = "", *body, *edited, *p, *a, *b;
	size_t len, i, n_shared = 0, reused = 0;
	uint64_t sig1, sig2;

	(void)state;
	body = load(FIX_ALERTS, &len);
	st = alert_stream_new("prod", NULL);
	alert_stream_feed(st, body, len);
	assert_int_equal(alert_stream_finish(st, &first, NULL, err), 0);
	sig1 = alert_stream_sig(st);
	alert_stream_free(st);
	assert_true(first.n >= 5);

	x = alert_index_new(&first);
	st = alert_stream_new("prod", x);
	for (i = 0; i < len; i += 100)
		alert_stream_feed(st, body + i, len - i < 100 ? len - i : 100);
	assert_int_equal(alert_stream_finish(st, &second, NULL, err), 0);
	sig2 = alert_stream_sig(st);
	assert_int_equal(alert_stream_reused(st), first.n);
	alert_stream_free(st);
	assert_true(sig1 == sig2);
	assert_int_equal(second.n, first.n);
	for (i = 0; i < first.n; i++)
		assert_ptr_equal(second.v[i], first.v[i]);
	alert_list_free(&second);

	/* one label value changed: that alert alone is new */
	edited = xstrdup(body);
	p = strstr(edited, "\"severity\":\"critical\"");
	assert_non_null(p);
	memcpy(p + 12, "CRITICAL", 8);
	a = streamed(edited, len, 64, x, NULL, &reused);
	assert_int_equal(reused, first.n - 1);
	st = alert_stream_new("prod", x);
	alert_stream_feed(st, edited, len);
	assert_int_equal(alert_stream_finish(st, &second, NULL, err), 0);
	assert_true(alert_stream_sig(st) != sig1);
	alert_stream_free(st);
	for (i = 0; i < second.n; i++)
		n_shared += alert_list_find(&first, "prod", second.v[i]->fingerprint) >= 0 &&
		            second.v[i] == first.v[alert_list_find(&first, "prod",
		                                                    second.v[i]->fingerprint)];
	assert_int_equal(n_shared, first.n - 1);
	/* and the shared result is what a fresh decode gives */
	b = whole(edited, len, NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(edited);
	alert_list_free(&second);
	alert_index_free(x);
	alert_list_free(&first);
	free(body);
}

/* Whitespace between elements does not change the signature. */
static void test_sig_ignores_layout(void **state)
{
	const char *one = "[{\"labels\":{\"a\":\"1\"},\"fingerprint\":\"f\",\"status\":{\"state\":\"active\"}}]";
	const char *two = " [ {\"labels\":{\"a\":\"1\"},\"fingerprint\":\"f\",\"status\":{\"state\":\"active\"}} ]\n";
	const char *three = "[{\"labels\":{\"a\":\"2\"},\"fingerprint\":\"f\",\"status\":{\"state\":\"active\"}}]";
	uint64_t s[3];
	const char *b[3] = {one, two, three};
	struct alert_list l = {0};
	char err[ERR_MAX];
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct alert_stream *st = alert_stream_new("prod", NULL);
		alert_stream_feed(st, b[i], strlen(b[i]));
		assert_int_equal(alert_stream_finish(st, &l, NULL, err), 0);
		s[i] = alert_stream_sig(st);
		alert_stream_free(st);
		alert_list_free(&l);
	}
	assert_true(s[0] == s[1]);
	assert_true(s[0] != s[2]);
}

/* A retry: what came before the reset is forgotten. */
static void test_reset_starts_over(void **state)
{
	struct alert_stream *st = alert_stream_new("prod", NULL);
	struct alert_list l = {0};
	char err[ERR_MAX] = "", *body, *got, *want;
	size_t len;

	(void)state;
	body = load(FIX_ALERTS, &len);
	alert_stream_feed(st, body, len / 2);
	alert_stream_feed(st, "garbage", 7);
	alert_stream_reset(st);
	alert_stream_feed(st, body, len);
	assert_int_equal(alert_stream_finish(st, &l, NULL, err), 0);
	alert_stream_free(st);
	got = alert_list_to_json(&l, NULL, NULL);
	want = whole(body, len, NULL);
	assert_string_equal(got, want);
	free(got);
	free(want);
	alert_list_free(&l);
	free(body);
}

/* 20k alerts fed 4 KiB at a time: the stream never holds more than a
 * piece and an element, not the body. */
static void test_holds_one_element_not_the_body(void **state)
{
	struct buf body = {0};
	struct alert_stream *st = alert_stream_new("prod", NULL);
	struct alert_list l = {0};
	char err[ERR_MAX] = "";
	size_t i, max_held = 0;

	(void)state;
	buf_putc(&body, '[');
	for (i = 0; i < 20000; i++)
		buf_printf(&body,
		           "%s{\"labels\":{\"alertname\":\"A%zu\",\"severity\":\"warning\"},"
		           "\"annotations\":{\"summary\":\"a summary that takes some room %zu\"},"
		           "\"fingerprint\":\"%016zx\",\"status\":{\"state\":\"active\","
		           "\"silencedBy\":[],\"inhibitedBy\":[]},\"receivers\":[{\"name\":\"r\"}]}",
		           i ? "," : "", i, i, i);
	buf_putc(&body, ']');
	for (i = 0; i < body.len; i += 4096) {
		alert_stream_feed(st, body.data + i, body.len - i < 4096 ? body.len - i : 4096);
		if (alert_stream_held(st) > max_held)
			max_held = alert_stream_held(st);
	}
	assert_int_equal(alert_stream_finish(st, &l, NULL, err), 0);
	assert_int_equal(l.n, 20000);
	assert_true(body.len > 4 << 20);
	assert_true(max_held < 4096 + 1024);
	alert_stream_free(st);
	alert_list_free(&l);
	buf_free(&body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_every_piece_size),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_malformed_and_odd_bodies),
		cmocka_unit_test(test_whitespace_is_not_held),
		cmocka_unit_test(test_unchanged_elements_are_shared),
		cmocka_unit_test(test_sig_ignores_layout),
		cmocka_unit_test(test_reset_starts_over),
		cmocka_unit_test(test_holds_one_element_not_the_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
