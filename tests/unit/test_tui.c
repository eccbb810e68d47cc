/* test_tui.c: the curses-free widget models of tui/: the prompt line editor
 * (UTF-8 aware editing, kill keys, hostile input) and the scroll list
 * (movement, paging, clamping). tui/edit.c is terminal-free by design, so
 * it is in the library the unit tests link against. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui.h"

#define END 0
#define K_LEFT TUI_KEY_LEFT
#define K_RIGHT TUI_KEY_RIGHT
#define K_BS TUI_KEY_BACKSPACE
#define K_DEL TUI_KEY_DELETE
#define K_HOME TUI_KEY_HOME
#define K_END TUI_KEY_END

struct edit_case {
	const char *name;
	const char *initial;
	int keys[16];        /* ends with END */
	const char *want;
	size_t want_cur;
};

static const struct edit_case edit_cases[] = {
	{ "type", "", { 'a', 'b', 'c', END }, "abc", 3 },
	{ "insert in middle", "ac", { K_LEFT, 'b', END }, "abc", 2 },
	{ "backspace", "abc", { K_BS, END }, "ab", 2 },
	{ "backspace at start", "abc", { K_HOME, K_BS, END }, "abc", 0 },
	{ "delete", "abc", { K_HOME, K_DEL, END }, "bc", 0 },
	{ "delete at end", "abc", { K_DEL, END }, "abc", 3 },
	{ "ctrl-u kills to start", "hello world", { K_LEFT, K_LEFT, TUI_KEY_CTRL_U, END }, "ld", 0 },
	{ "ctrl-w kills a word", "severity=page  team", { TUI_KEY_CTRL_W, END }, "severity=page  ", 15 },
	{ "ctrl-w eats spaces then word", "a bc  ", { TUI_KEY_CTRL_W, END }, "a ", 2 },
	{ "ctrl-a ctrl-e", "xy", { 1, 'a', 5, 'b', END }, "axyb", 4 },
	{ "utf-8 backspace removes one code point", "h\xc3\xa9", { K_BS, END }, "h", 1 },
	{ "utf-8 left skips whole code point", "\xe2\x82\xac", { K_LEFT, 'x', END }, "x\xe2\x82\xac", 1 },
	{ "utf-8 insert", "", { 0x20ac, 0x1f600, END }, "\xe2\x82\xac\xf0\x9f\x98\x80", 7 },
	{ "controls never enter", "", { 27, 7, 0x7f, 0x85, 'a', END }, "a", 1 },
	{ "surrogates rejected", "", { 0xd800, 'b', END }, "b", 1 },
	{ "out of range rejected", "", { 0x110000, 'c', END }, "c", 1 },
	{ "right at end is a no-op", "ab", { K_RIGHT, K_RIGHT, END }, "ab", 2 },
	{ "home/end", "ab", { K_HOME, 'x', K_END, 'y', END }, "xaby", 4 },
};

static void test_edit_table(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_LEN(edit_cases); i++) {
		const struct edit_case *c = &edit_cases[i];
		struct tui_edit e = {0};

		tui_edit_set(&e, c->initial);
		for (k = 0; c->keys[k] != END; k++)
			tui_edit_key(&e, c->keys[k]);
		if (strcmp(tui_edit_text(&e), c->want) || e.cur != c->want_cur)
			fail_msg("%s: got \"%s\" cur %zu, want \"%s\" cur %zu", c->name,
			         tui_edit_text(&e), e.cur, c->want, c->want_cur);
		assert_int_equal(strlen(tui_edit_text(&e)), e.len);
		tui_edit_free(&e);
	}
}

static void test_edit_results(void **state)
{
	struct tui_edit e = {0};

	(void)state;
	assert_string_equal(tui_edit_text(&e), "");
	assert_int_equal(tui_edit_key(&e, TUI_KEY_BACKSPACE), TUI_EDIT_IGNORED);
	assert_int_equal(tui_edit_key(&e, 'x'), TUI_EDIT_CHANGED);
	assert_int_equal(tui_edit_key(&e, TUI_KEY_LEFT), TUI_EDIT_MOVED);
	assert_int_equal(tui_edit_key(&e, TUI_KEY_ENTER), TUI_EDIT_IGNORED);
	assert_int_equal(tui_edit_key(&e, TUI_KEY_ESC), TUI_EDIT_IGNORED);
	assert_int_equal(tui_edit_key(&e, TUI_KEY_TAB), TUI_EDIT_IGNORED);
	tui_edit_free(&e);
	assert_null(e.buf);
}

static void test_edit_caps_length(void **state)
{
	struct tui_edit e = {0};
	size_t i;

	(void)state;
	for (i = 0; i < TUI_EDIT_MAX + 100; i++)
		tui_edit_key(&e, 'a');
	assert_int_equal(e.len, TUI_EDIT_MAX);
	/* a 3-byte code point does not fit in the last byte */
	assert_int_equal(tui_edit_key(&e, 0x20ac), TUI_EDIT_IGNORED);
	tui_edit_free(&e);

	/* set truncates huge input too */
	{
		char *big = xmalloc(TUI_EDIT_MAX * 2 + 1);

		memset(big, 'b', TUI_EDIT_MAX * 2);
		big[TUI_EDIT_MAX * 2] = '\0';
		tui_edit_set(&e, big);
		assert_int_equal(e.len, TUI_EDIT_MAX);
		assert_int_equal(e.cur, TUI_EDIT_MAX);
		free(big);
		tui_edit_free(&e);
	}
}

static void test_edit_invalid_utf8(void **state)
{
	struct tui_edit e = {0};

	(void)state;
	/* a stray lead byte at the end must not make the cursor run past len */
	tui_edit_set(&e, "ab\xe2");
	tui_edit_key(&e, TUI_KEY_HOME);
	tui_edit_key(&e, TUI_KEY_RIGHT);
	tui_edit_key(&e, TUI_KEY_RIGHT);
	tui_edit_key(&e, TUI_KEY_RIGHT);
	tui_edit_key(&e, TUI_KEY_RIGHT);
	assert_int_equal(e.cur, e.len);
	tui_edit_key(&e, TUI_KEY_BACKSPACE);
	assert_string_equal(tui_edit_text(&e), "ab");
	tui_edit_free(&e);
}

struct list_case {
	const char *name;
	size_t n, sel, top, height;
	int key;
	size_t want_sel, want_top;
	bool handled;
};

static const struct list_case list_cases[] = {
	{ "down", 10, 0, 0, 5, 'j', 1, 0, true },
	{ "down scrolls", 10, 4, 0, 5, TUI_KEY_DOWN, 5, 1, true },
	{ "down at end stays", 10, 9, 5, 5, 'j', 9, 5, true },
	{ "up at start stays", 10, 0, 0, 5, 'k', 0, 0, true },
	{ "up scrolls", 10, 5, 5, 5, TUI_KEY_UP, 4, 4, true },
	{ "G", 10, 0, 0, 5, 'G', 9, 5, true },
	{ "g", 10, 9, 5, 5, 'g', 0, 0, true },
	{ "pgdn", 100, 0, 0, 10, TUI_KEY_PGDN, 9, 0, true },
	{ "pgdn clamps", 10, 8, 5, 5, TUI_KEY_PGDN, 9, 5, true },
	{ "pgup clamps", 10, 2, 0, 5, TUI_KEY_PGUP, 0, 0, true },
	{ "empty list", 0, 0, 0, 5, 'j', 0, 0, true },
	{ "short list never scrolls", 3, 0, 2, 5, 'j', 1, 0, true },
	{ "other keys ignored", 10, 3, 0, 5, 'x', 3, 0, false },
	{ "height 0 treated as 1", 10, 0, 0, 0, 'j', 1, 1, true },
};

static void test_list_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(list_cases); i++) {
		const struct list_case *c = &list_cases[i];
		struct tui_list l = { .n = c->n, .sel = c->sel, .top = c->top };
		bool h = tui_list_key(&l, c->key, c->height);

		if (h != c->handled || l.sel != c->want_sel || l.top != c->want_top)
			fail_msg("%s: handled %d sel %zu top %zu, want %d %zu %zu", c->name,
			         h, l.sel, l.top, c->handled, c->want_sel, c->want_top);
	}
}

static void test_list_fit_after_shrink(void **state)
{
	struct tui_list l = { .n = 100, .sel = 90, .top = 85 };

	(void)state;
	l.n = 20; /* the list shrank under the selection (a refresh) */
	tui_list_fit(&l, 10);
	assert_int_equal(l.sel, 19);
	assert_int_equal(l.top, 10);
	tui_list_move(&l, -1000);
	assert_int_equal(l.sel, 0);
	tui_list_move(&l, 1000);
	assert_int_equal(l.sel, 19);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_table),
		cmocka_unit_test(test_edit_results),
		cmocka_unit_test(test_edit_caps_length),
		cmocka_unit_test(test_edit_invalid_utf8),
		cmocka_unit_test(test_list_table),
		cmocka_unit_test(test_list_fit_after_shrink),
	};

	return cmocka_run_group_tests_name("tui", tests, NULL, NULL);
}
