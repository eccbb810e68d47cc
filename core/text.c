/* text.c: the sanitizer every untrusted string passes before it reaches a
 * screen or stdout, and display-width helpers (width, fit, truncate, wrap).
 * Pure: no locale is set here; widths come from wcwidth() of the decoded
 * code point, so the caller's LC_CTYPE decides East Asian widths. */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define TEXT_REPLACEMENT 0xFFFDu
#define TEXT_TABSTOP 8

static const char text_ellipsis[] = "\xe2\x80\xa6"; /* U+2026 "…" */

/* Decode one code point from s[0..n) (n >= 1). Invalid UTF-8 (overlongs,
 * surrogates, > U+10FFFF, stray continuation bytes, truncated sequences)
 * yields U+FFFD and consumes one maximal subpart (Unicode 3.9, "best
 * practice"), so one bad sequence becomes exactly one replacement. Returns
 * the number of bytes consumed (>= 1); *valid says whether it decoded. */
static size_t text_decode(const unsigned char *s, size_t n, uint32_t *cp, int *valid)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t v;

	*valid = 0;
	*cp = TEXT_REPLACEMENT;
	if (c < 0x80) {
		*cp = c;
		*valid = 1;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;        /* overlong */
		else if (c == 0xED)
			hi = 0x9F;        /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;        /* overlong */
		else if (c == 0xF4)
			hi = 0x8F;        /* > U+10FFFF */
	} else {
		return 1;                 /* 80..C1, F5..FF: never valid */
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi)
			return i;         /* maximal subpart s[0..i) */
		v = (v << 6) | (s[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	*valid = 1;
	return need + 1;
}

/* Columns of one code point: wcwidth(), with non-printables counted as 1.
 * Printable ASCII is 1 column in every locale: answered without asking. */
static size_t text_cp_width(uint32_t cp)
{
	int w;

	if (cp >= 0x20 && cp < 0x7F)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w;
}

static int text_is_bidi(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

static size_t text_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The visible form of one code point: an escape, spaces for a tab, or the
 * character itself. Writes at most 16 bytes into out and returns the length;
 * *cols gets its display width. col is the current column (for tabs). */
static size_t text_render(uint32_t cp, int valid, int flags, size_t col,
                          char out[16], size_t *cols)
{
	static const char hex[] = "0123456789abcdef";
	size_t len, i;

	if (!valid) {
		*cols = 1;
		return text_utf8_encode(TEXT_REPLACEMENT, out);
	}
	if (cp == '\n' && (flags & TEXT_KEEP_NEWLINES)) {
		*cols = 0;
		out[0] = '\n';
		return 1;
	}
	if (cp == '\t' && (flags & TEXT_KEEP_TABS)) {
		len = TEXT_TABSTOP - col % TEXT_TABSTOP;
		for (i = 0; i < len; i++)
			out[i] = ' ';
		*cols = len;
		return len;
	}
	if (cp < 0x20 || cp == 0x7F) {
		out[0] = '\\';
		switch (cp) {
		case '\n': out[1] = 'n'; len = 2; break;
		case '\t': out[1] = 't'; len = 2; break;
		case '\r': out[1] = 'r'; len = 2; break;
		case '\b': out[1] = 'b'; len = 2; break;
		case 0x1B: out[1] = 'e'; len = 2; break;
		default:
			out[1] = 'x';
			out[2] = hex[cp >> 4];
			out[3] = hex[cp & 0xF];
			len = 4;
			break;
		}
		*cols = len;
		return len;
	}
	if ((cp >= 0x80 && cp <= 0x9F) || text_is_bidi(cp)) {
		out[0] = '\\';
		out[1] = 'u';
		out[2] = hex[(cp >> 12) & 0xF];
		out[3] = hex[(cp >> 8) & 0xF];
		out[4] = hex[(cp >> 4) & 0xF];
		out[5] = hex[cp & 0xF];
		*cols = 6;
		return 6;
	}
	*cols = text_cp_width(cp);
	return text_utf8_encode(cp, out);
}

char *text_sanitize(const char *s, size_t n, int flags, size_t max_bytes)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b = {0};
	size_t i = 0, run, len, cols, col = 0, keep = 0, budget;
	char unit[16];
	uint32_t cp;
	int valid;

	/* budget: the output length at which an ellipsis still fits after it */
	budget = max_bytes >= sizeof text_ellipsis - 1 ? max_bytes - (sizeof text_ellipsis - 1) : 0;
	if (!s)
		n = 0;
	/* Fast path (bench: most label values): printable ASCII that fits is
	 * rendered as itself whatever the flags, so copy it in one go. */
	if (!max_bytes || n <= max_bytes) {
		while (i < n && p[i] >= 0x20 && p[i] < 0x7F)
			i++;
		if (i == n)
			return xstrndup(s ? s : "", n);
		i = 0;
	}
	xgrow(&b.data, &b.cap, (max_bytes && max_bytes < n ? max_bytes : n) + 1, 1);
	b.data[0] = '\0';
	while (i < n) {
		/* a run of printable ASCII is itself: copy it in one go, up
		 * to the cap (the byte after it then takes the cut below) */
		for (run = i; run < n && p[run] >= 0x20 && p[run] < 0x7F; run++)
			;
		if (run > i && (!max_bytes || b.len < max_bytes)) {
			len = run - i;
			if (max_bytes && len > max_bytes - b.len)
				len = max_bytes - b.len;
			buf_append(&b, s + i, len);
			/* every byte of the run ends a unit: the last end
			 * within the budget is the run's, or the budget */
			if (b.len <= budget)
				keep = b.len;
			else if (b.len - len < budget)
				keep = budget;
			col += len;
			i += len;
			continue;
		}
		i += text_decode(p + i, n - i, &cp, &valid);
		len = text_render(cp, valid, flags, col, unit, &cols);
		if (max_bytes && b.len + len > max_bytes) {
			b.len = keep;
			if (max_bytes >= sizeof text_ellipsis - 1)
				buf_append(&b, text_ellipsis, sizeof text_ellipsis - 1);
			b.data[b.len] = '\0';
			break;
		}
		buf_append(&b, unit, len);
		if (b.len <= budget)
			keep = b.len;
		col = (len == 1 && unit[0] == '\n') ? 0 : col + cols;
	}
	return buf_steal(&b);
}

char *text_clean(const char *s)
{
	if (!s)
		return xstrdup("");
	return text_sanitize(s, strlen(s), 0, 0);
}

size_t text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0, w = 0;
	uint32_t cp;
	int valid;

	if (!s)
		return 0;
	n = strlen(s);
	while (i < n) {
		if (p[i] >= 0x20 && p[i] < 0x7F) {   /* printable ASCII: 1 */
			i++;
			w++;
			continue;
		}
		i += text_decode(p + i, n - i, &cp, &valid);
		w += text_cp_width(cp);
	}
	return w;
}

/* Bytes of the longest prefix of s[0..n) within cols columns; zero-width
 * code points (combining marks) right after the last fitting one are kept
 * with it. With at_least_one, always takes the first code point, so callers
 * that hard-break make progress even at tiny widths. *used gets the width. */
static size_t text_fit_n(const char *s, size_t n, size_t cols, int at_least_one, size_t *used)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, step, w = 0, cw;
	uint32_t cp;
	int valid;

	while (i < n) {
		if (p[i] >= 0x20 && p[i] < 0x7F) {  /* printable ASCII: 1 */
			step = 1;
			cw = 1;
		} else {
			step = text_decode(p + i, n - i, &cp, &valid);
			cw = text_cp_width(cp);
		}
		if (w + cw > cols && !(at_least_one && i == 0))
			break;
		w += cw;
		i += step;
	}
	if (used)
		*used = w;
	return i;
}

size_t text_fit(const char *s, size_t cols)
{
	if (!s)
		return 0;
	return text_fit_n(s, strlen(s), cols, 0, NULL);
}

char *text_trunc(const char *s, size_t cols, bool pad, bool utf8)
{
	struct buf b = {0};
	size_t n, fit, used;

	if (!s)
		s = "";
	n = strlen(s);
	fit = text_fit_n(s, n, cols, 0, &used);
	if (fit == n) {
		buf_append(&b, s, n);
	} else if (cols > 0) {
		fit = text_fit_n(s, n, cols - 1, 0, &used);
		buf_append(&b, s, fit);
		buf_puts(&b, utf8 ? text_ellipsis : "~");
		used++;
	}
	while (pad && used < cols) {
		buf_putc(&b, ' ');
		used++;
	}
	return buf_steal(&b);
}

char *text_trunc_left(const char *s, size_t cols, bool utf8)
{
	const unsigned char *p;
	struct buf b = {0};
	size_t n, i, w;

	if (!s)
		s = "";
	n = strlen(s);
	w = text_width(s);
	if (w <= cols)
		return xstrdup(s);
	if (cols == 0)
		return xstrdup("");
	/* drop code points from the front (and the zero-width ones after
	 * them) until the rest fits next to the ellipsis */
	p = (const unsigned char *)s;
	i = 0;
	while (i < n && w > cols - 1) {
		uint32_t cp;
		int valid;

		i += text_decode(p + i, n - i, &cp, &valid);
		w -= text_cp_width(cp);
	}
	while (i < n) {
		uint32_t cp;
		int valid;
		size_t step = text_decode(p + i, n - i, &cp, &valid);

		if (text_cp_width(cp) != 0)
			break;
		i += step;
	}
	buf_puts(&b, utf8 ? text_ellipsis : "~");
	buf_append(&b, s + i, n - i);
	return buf_steal(&b);
}

/* Wrapped lines while they are made: all of them in one buffer, each
 * ended by a NUL, so a wrap costs a few allocations whatever its length.
 * text_wrap sizes the buffer for the worst case up front: every byte of
 * the input in a line of its own (n bytes and n + 1 NULs). */
struct text_lines {
	char *text;       /* owned: the lines so far, then the one being built */
	size_t len;       /* bytes used in text */
	size_t line;      /* where in text the line being built starts */
	size_t *off;      /* owned: where each finished line starts */
	size_t n, cap;
};

static void text_lines_put(struct text_lines *l, const char *s, size_t n)
{
	memcpy(l->text + l->len, s, n);
	l->len += n;
}

static size_t text_lines_len(const struct text_lines *l)
{
	return l->len - l->line;
}

/* Finish the line being built, trailing spaces dropped. */
static void text_lines_push(struct text_lines *l)
{
	while (l->len > l->line && l->text[l->len - 1] == ' ')
		l->len--;
	l->text[l->len++] = '\0';
	xgrow(&l->off, &l->cap, l->n + 1, sizeof *l->off);
	l->off[l->n++] = l->line;
	l->line = l->len;
}

/* Wrap one paragraph (no '\n') of n bytes into l. */
static void text_wrap_para(struct text_lines *l, const char *s, size_t n, size_t cols)
{
	size_t i = 0, sp, ws, wlen, ww, lw = 0, spw, take, used, first = l->n;

	while (i < n) {
		sp = i;
		while (i < n && s[i] == ' ')
			i++;
		spw = i - sp;
		if (i >= n)
			break;                   /* trailing spaces: dropped */
		ws = i;
		while (i < n && s[i] != ' ')
			i++;
		wlen = i - ws;
		text_fit_n(s + ws, wlen, (size_t)-1, 0, &ww);
		if (lw + spw + ww <= cols) {
			/* fits on this line, with the spaces before it (indent
			 * at the start of a paragraph is kept) */
			text_lines_put(l, s + sp, spw);
			text_lines_put(l, s + ws, wlen);
			lw += spw + ww;
			continue;
		}
		if (lw > 0) {
			text_lines_push(l);
			lw = 0;
		}
		/* the word starts a line; hard-break it while too wide */
		while (ww > cols) {
			take = text_fit_n(s + ws, wlen, cols, 1, &used);
			text_lines_put(l, s + ws, take);
			text_lines_push(l);
			ws += take;
			wlen -= take;
			ww -= used;
		}
		text_lines_put(l, s + ws, wlen);
		lw = ww;
	}
	if (text_lines_len(l) > 0 || l->n == first)
		text_lines_push(l); /* the last line; "" for an empty paragraph */
}

/* Lines are split on '\n'; a final '\n' does not start an extra empty
 * line, and "" gives no lines. Trailing spaces of a line are dropped. A
 * width of 0 is taken as 1. *lines is one malloced block: the array, a
 * NULL after its last line, then the lines' text. */
size_t text_wrap(const char *s, size_t cols, char ***lines)
{
	struct text_lines l = {0};
	const char *nl;
	char **v, *text;
	size_t n, i;

	if (cols == 0)
		cols = 1;
	if (!s)
		s = "";
	n = strlen(s);
	l.text = xmalloc(2 * n + 2);
	while (n > 0) {
		nl = memchr(s, '\n', n);
		if (!nl) {
			text_wrap_para(&l, s, n, cols);
			break;
		}
		text_wrap_para(&l, s, (size_t)(nl - s), cols);
		n -= (size_t)(nl - s) + 1;
		s = nl + 1;
	}
	v = xmalloc((l.n + 1) * sizeof *v + l.len);
	text = (char *)(v + l.n + 1);
	if (l.len)
		memcpy(text, l.text, l.len);
	for (i = 0; i < l.n; i++)
		v[i] = text + l.off[i];
	v[l.n] = NULL;
	free(l.text);
	free(l.off);
	*lines = v;
	return l.n;
}

void text_lines_free(char **lines, size_t n)
{
	(void)n;        /* one block, however many lines the caller used */
	free(lines);
}

void text_asciify(char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0, o = 0;
	uint32_t cp;
	int valid;

	if (!s)
		return;
	n = strlen(s);
	while (i < n) {
		if (p[i] < 0x80) {
			s[o++] = s[i++];
			continue;
		}
		i += text_decode(p + i, n - i, &cp, &valid);
		s[o++] = '?';
	}
	s[o] = '\0';
}
