/* runbook_inline.c: cmark inline content (text, emphasis, code spans,
 * links, breaks) turned into sanitized, styled rb_text segments, and the
 * rb_text helpers. Iterative throughout: nesting depth cannot exhaust the
 * stack. Part of the runbook parser (runbook.c). */
#include "runbook_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* Grow an array that keeps no capacity: capacity is the next power of two. */
void rb_grow(void *v, size_t n, size_t elsize)
{
	void **pp = v;

	if (n == 0 || (n & (n - 1)) == 0) {
		if (n > ((size_t)-1) / 4 / elsize)
			abort();
		*pp = xrealloc(*pp, (n ? 2 * n : 1) * elsize);
	}
}

/* Room for one more segment. Most texts (a layout line above all) hold
 * one to three: start at two, not xgrow's eight. */
void rb_text_reserve(struct rb_text *t)
{
	if (!t->cap) {
		t->v = xmalloc(2 * sizeof *t->v);
		t->cap = 2;
	}
	xgrow(&t->v, &t->cap, t->n + 1, sizeof *t->v);
}

void rb_text_append(struct rb_text *t, int style, const char *s, size_t n)
{
	if (n == 0)
		return;
	rb_text_reserve(t);
	t->v[t->n].style = style;
	t->v[t->n].text = xstrndup(s, n);
	t->n++;
}

char *rb_text_plain(const struct rb_text *t)
{
	struct buf b = {0};
	size_t i;

	for (i = 0; i < t->n; i++)
		buf_puts(&b, t->v[i].text);
	return buf_steal(&b);
}

void rb_text_free(struct rb_text *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* Move src's segments to the end of dst; src is left empty. */
void rb_text_move(struct rb_text *dst, struct rb_text *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		rb_text_reserve(dst);
		dst->v[dst->n++] = src->v[i];
	}
	free(src->v);
	memset(src, 0, sizeof *src);
}

void rb_text_append_clean(struct rb_text *t, int style, const char *s, size_t n)
{
	char *clean;

	if (n == 0)
		return;
	clean = text_sanitize(s, n, 0, 0);
	rb_text_append(t, style, clean, strlen(clean));
	free(clean);
}

/* ---- inline content ------------------------------------------------------ */

/* A paragraph split at its line breaks; hard[i] says line i follows a hard break. */
struct rb_lines {
	struct rb_text *v; /* owned */
	bool *hard;        /* owned */
	size_t n;
};

struct rb_inl {
	struct rb_lines *out;
	struct buf raw;    /* pending unsanitized text ... */
	int raw_style;     /* ... and its style */
};

static struct rb_text *rb_inl_line(struct rb_inl *in)
{
	return &in->out->v[in->out->n - 1];
}

static void rb_inl_flush(struct rb_inl *in)
{
	if (in->raw.len)
		rb_text_append_clean(rb_inl_line(in), in->raw_style, in->raw.data, in->raw.len);
	buf_reset(&in->raw);
}

static void rb_inl_put(struct rb_inl *in, int style, const char *s)
{
	if (!s || !*s)
		return;
	if (style != in->raw_style)
		rb_inl_flush(in);
	in->raw_style = style;
	buf_puts(&in->raw, s);
}

static void rb_inl_newline(struct rb_inl *in, bool hard)
{
	struct rb_lines *l = in->out;

	if (l->n)
		rb_inl_flush(in);
	rb_grow(&l->v, l->n, sizeof *l->v);
	rb_grow(&l->hard, l->n, sizeof *l->hard);
	memset(&l->v[l->n], 0, sizeof *l->v);
	l->hard[l->n++] = hard;
}

static int rb_style_of(const int depth[4])
{
	int st = RBS_PLAIN;

	if (depth[0])
		st |= RBS_EMPH;
	if (depth[1])
		st |= RBS_STRONG;
	if (depth[2])
		st |= RBS_LINK;
	return st;
}

/* Render the inline children of node into lines (iteratively: no
 * recursion however deep the emphasis or links nest). */
static void rb_inlines(cmark_node *node, struct rb_lines *out)
{
	struct rb_inl in = { .out = out };
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	cmark_node *cur;
	int depth[4] = {0};  /* emph, strong, link/image */
	int delta;

	rb_inl_newline(&in, false);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cur = cmark_iter_get_node(it);
		if (cur == node)
			continue;
		delta = ev == CMARK_EVENT_ENTER ? 1 : -1;
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
			rb_inl_put(&in, rb_style_of(depth), cmark_node_get_literal(cur));
			break;
		case CMARK_NODE_CODE:
			rb_inl_put(&in, rb_style_of(depth) | RBS_CODE, cmark_node_get_literal(cur));
			break;
		case CMARK_NODE_SOFTBREAK:
			rb_inl_newline(&in, false);
			break;
		case CMARK_NODE_LINEBREAK:
			rb_inl_newline(&in, true);
			break;
		case CMARK_NODE_EMPH:
			depth[0] += delta;
			break;
		case CMARK_NODE_STRONG:
			depth[1] += delta;
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE: {
			const char *url = cmark_node_get_url(cur);
			cmark_node *kid = cmark_node_first_child(cur);
			const char *kidtext = kid ? cmark_node_get_literal(kid) : NULL;

			depth[2] += delta;
			if (ev != CMARK_EVENT_EXIT || !url || !*url)
				break;
			/* an autolink's text is its URL already */
			if (kidtext && !cmark_node_next(kid) &&
			    (strcmp(kidtext, url) == 0 ||
			     (str_has_prefix(url, "mailto:") && strcmp(kidtext, url + 7) == 0)))
				break;
			rb_inl_put(&in, RBS_DIM, " <");
			rb_inl_put(&in, RBS_DIM, url);
			rb_inl_put(&in, RBS_DIM, ">");
			break;
		}
		default:
			break;       /* inline HTML and the rest: not shown */
		}
	}
	rb_inl_flush(&in);
	buf_free(&in.raw);
	cmark_iter_free(it);
}

static void rb_lines_free(struct rb_lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		rb_text_free(&l->v[i]);
	free(l->v);
	free(l->hard);
}

const char *rb_skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

bool rb_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* If line starts with "Rollback:", return its command: the first code
 * span's text, else the rest of the line (malloced); else NULL. */
static char *rb_rollback_of(const struct rb_text *line)
{
	char *plain = rb_text_plain(line), *res = NULL, *e;
	const char *s = rb_skip_space(plain);
	size_t i;

	if (!rb_prefix_ci(s, "rollback:"))
		goto out;
	for (i = 0; i < line->n; i++) {
		if (line->v[i].style & RBS_CODE) {
			res = xstrdup(line->v[i].text);
			goto out;
		}
	}
	s = rb_skip_space(s + strlen("rollback:"));
	res = xstrdup(s);
	e = res + strlen(res);
	while (e > res && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
out:
	free(plain);
	return res;
}

/* Render a paragraph: its lines joined (soft breaks as spaces, hard breaks
 * as '\n'), with "Rollback:" lines taken out into *rollback (the last wins). */
void rb_paragraph(cmark_node *para, struct rb_text *out, char **rollback)
{
	struct rb_lines l = {0};
	bool first = true;
	char *rb;
	size_t i;

	rb_inlines(para, &l);
	for (i = 0; i < l.n; i++) {
		if (rollback && (rb = rb_rollback_of(&l.v[i]))) {
			free(*rollback);
			*rollback = rb;
			continue;
		}
		if (l.v[i].n == 0 && !l.hard[i])
			continue;
		if (!first)
			rb_text_append(out, RBS_PLAIN, l.hard[i] ? "\n" : " ", 1);
		first = false;
		rb_text_move(out, &l.v[i]);
	}
	rb_lines_free(&l);
}

/* Plain text of any subtree, iteratively, capped at max bytes (sanitized). */
char *rb_flat_text(cmark_node *node, size_t max)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	cmark_node *cur;
	const char *lit;
	struct buf b = {0};
	char *clean;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && b.len < max) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cur = cmark_iter_get_node(it);
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(cur);
			if (lit)
				buf_puts(&b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_ITEM:
			if (b.len && b.data[b.len - 1] != ' ')
				buf_putc(&b, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	clean = text_sanitize(b.data ? b.data : "", b.len < max ? b.len : max, 0, 0);
	buf_free(&b);
	return clean;
}

/* HTML block shown as its text: tags dropped, whitespace collapsed. */
char *rb_html_text(const char *html)
{
	struct buf b = {0};
	bool in_tag = false, space = false;
	char *clean;

	for (; html && *html; html++) {
		if (*html == '<') {
			in_tag = true;
		} else if (*html == '>' && in_tag) {
			in_tag = false;
			space = b.len > 0;
		} else if (!in_tag) {
			if (isspace((unsigned char)*html)) {
				space = b.len > 0;
				continue;
			}
			if (space)
				buf_putc(&b, ' ');
			space = false;
			buf_putc(&b, *html);
		}
	}
	clean = text_sanitize(b.data ? b.data : "", b.len, 0, 0);
	buf_free(&b);
	return clean;
}
