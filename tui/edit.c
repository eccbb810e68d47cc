/* edit.c: the pure halves of two widgets, no curses: the prompt line editor
 * (UTF-8 aware insert/delete/move/kill) and the scroll list model
 * (selection, offset, paging). Drawing lives in screen.c. */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* Byte length of the UTF-8 sequence starting with c (1 for stray bytes). */
static size_t edit_seq_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

static size_t edit_next(const struct tui_edit *e, size_t i)
{
	size_t n;

	if (i >= e->len)
		return e->len;
	n = edit_seq_len((unsigned char)e->buf[i]);
	if (i + n > e->len)
		n = e->len - i;
	return i + n;
}

static size_t edit_prev(const struct tui_edit *e, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)e->buf[i] & 0xc0) == 0x80)
		i--;
	return i;
}

static void edit_delete(struct tui_edit *e, size_t from, size_t to)
{
	if (to <= from || to > e->len)
		return;
	memmove(e->buf + from, e->buf + to, e->len - to + 1);
	e->len -= to - from;
	if (e->cur >= to)
		e->cur -= to - from;
	else if (e->cur > from)
		e->cur = from;
}

/* Encode code point cp as UTF-8 into out (4 bytes); returns the length or 0. */
static size_t edit_encode(int cp, char out[4])
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return 0; /* controls never enter the buffer */
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp < 0x110000) {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

/* A prompt line has no business being huge: cap what typing/pasting adds. */

static int edit_insert(struct tui_edit *e, int cp)
{
	char enc[4];
	size_t n = edit_encode(cp, enc);

	if (n == 0 || e->len + n > TUI_EDIT_MAX)
		return TUI_EDIT_IGNORED;
	xgrow(&e->buf, &e->cap, e->len + n + 1, 1);
	if (e->len == 0)
		e->buf[0] = '\0';
	memmove(e->buf + e->cur + n, e->buf + e->cur, e->len - e->cur + 1);
	memcpy(e->buf + e->cur, enc, n);
	e->len += n;
	e->cur += n;
	return TUI_EDIT_CHANGED;
}

int tui_edit_key(struct tui_edit *e, int key)
{
	size_t i;

	switch (key) {
	case TUI_KEY_LEFT:
		if (e->cur == 0)
			return TUI_EDIT_IGNORED;
		e->cur = edit_prev(e, e->cur);
		return TUI_EDIT_MOVED;
	case TUI_KEY_RIGHT:
		if (e->cur >= e->len)
			return TUI_EDIT_IGNORED;
		e->cur = edit_next(e, e->cur);
		return TUI_EDIT_MOVED;
	case TUI_KEY_HOME:
	case 1: /* Ctrl-A */
		e->cur = 0;
		return TUI_EDIT_MOVED;
	case TUI_KEY_END:
	case 5: /* Ctrl-E */
		e->cur = e->len;
		return TUI_EDIT_MOVED;
	case TUI_KEY_BACKSPACE:
		if (e->cur == 0)
			return TUI_EDIT_IGNORED;
		edit_delete(e, edit_prev(e, e->cur), e->cur);
		return TUI_EDIT_CHANGED;
	case TUI_KEY_DELETE:
		if (e->cur >= e->len)
			return TUI_EDIT_IGNORED;
		edit_delete(e, e->cur, edit_next(e, e->cur));
		return TUI_EDIT_CHANGED;
	case TUI_KEY_CTRL_U:
		if (e->cur == 0)
			return TUI_EDIT_IGNORED;
		edit_delete(e, 0, e->cur);
		return TUI_EDIT_CHANGED;
	case TUI_KEY_CTRL_W:
		if (e->cur == 0)
			return TUI_EDIT_IGNORED;
		i = e->cur;
		while (i > 0 && e->buf[i - 1] == ' ')
			i--;
		while (i > 0 && e->buf[i - 1] != ' ')
			i--;
		edit_delete(e, i, e->cur);
		return TUI_EDIT_CHANGED;
	default:
		if (key >= TUI_KEY_BASE || key < 0x20)
			return TUI_EDIT_IGNORED;
		return edit_insert(e, key);
	}
}

void tui_edit_set(struct tui_edit *e, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > TUI_EDIT_MAX)
		n = TUI_EDIT_MAX;
	xgrow(&e->buf, &e->cap, n + 1, 1);
	memcpy(e->buf, s ? s : "", n);
	e->buf[n] = '\0';
	e->len = n;
	e->cur = n;
}

const char *tui_edit_text(const struct tui_edit *e)
{
	return e->buf && e->len ? e->buf : "";
}

void tui_edit_free(struct tui_edit *e)
{
	free(e->buf);
	memset(e, 0, sizeof *e);
}

void tui_list_fit(struct tui_list *l, size_t height)
{
	if (l->n == 0) {
		l->sel = l->top = 0;
		return;
	}
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (height == 0)
		height = 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + height)
		l->top = l->sel - height + 1;
	/* no empty space below the last row when the list could fill it */
	if (l->n >= height && l->top > l->n - height)
		l->top = l->n - height;
	if (l->n < height)
		l->top = 0;
}

void tui_list_move(struct tui_list *l, long delta)
{
	if (l->n == 0)
		return;
	if (delta < 0 && (size_t)-delta > l->sel)
		l->sel = 0;
	else if (delta > 0 && l->sel + (size_t)delta >= l->n)
		l->sel = l->n - 1;
	else
		l->sel = (size_t)((long)l->sel + delta);
}

bool tui_list_key(struct tui_list *l, int key, size_t height)
{
	long page = height > 1 ? (long)height - 1 : 1;

	switch (key) {
	case 'j': case TUI_KEY_DOWN: tui_list_move(l, 1); break;
	case 'k': case TUI_KEY_UP: tui_list_move(l, -1); break;
	case 'g': case TUI_KEY_HOME: l->sel = 0; break;
	case 'G': case TUI_KEY_END: l->sel = l->n ? l->n - 1 : 0; break;
	case TUI_KEY_PGDN: tui_list_move(l, page); break;
	case TUI_KEY_PGUP: tui_list_move(l, -page); break;
	default: return false;
	}
	tui_list_fit(l, height);
	return true;
}
