/* runbook_layout.c: a parsed runbook laid out as styled display lines for
 * a width (title, section headings, steps with markers, badges and a
 * hanging indent, code blocks with a label, rollback lines, the order
 * note), and the plain-text rendering `pagetty runbook` prints. No line is
 * ever wider than the width (text_width). Pure. */
#include "runbook.h"
#include "runbook_int.h"

#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "text.h"

struct rb_lay {
	struct rb_layout *out; /* borrowed */
	size_t width;
	bool utf8;
	bool no_checkbox;
	int section;
	int step;
};

static struct rb_line *rb_lay_push(struct rb_lay *L, enum rb_line_kind kind)
{
	struct rb_layout *lo = L->out;
	struct rb_line *l;

	xgrow(&lo->v, &lo->cap, lo->n + 1, sizeof *lo->v);
	l = &lo->v[lo->n++];
	memset(l, 0, sizeof *l);
	l->kind = kind;
	l->section = L->section;
	l->step = L->step;
	return l;
}

static void rb_lay_blank(struct rb_lay *L)
{
	rb_lay_push(L, RBL_BLANK);
}

/* Append s (n bytes) to t, made ASCII first when the terminal is not UTF-8. */
static void rb_lay_put(struct rb_lay *L, struct rb_text *t, int style, const char *s, size_t n)
{
	char *copy;

	if (n == 0)
		return;
	if (L->utf8) {
		rb_text_append(t, style, s, n);
		return;
	}
	copy = xstrndup(s, n);
	text_asciify(copy);
	rb_text_append(t, style, copy, strlen(copy));
	free(copy);
}

/* n spaces as a plain segment (none for 0). */
static void rb_lay_spaces(struct rb_text *t, size_t n)
{
	char *sp;

	if (n == 0)
		return;
	sp = xmalloc(n + 1);
	memset(sp, ' ', n);
	sp[n] = '\0';
	rb_text_reserve(t);
	t->v[t->n].style = RBS_PLAIN;
	t->v[t->n++].text = sp;
}

/* Columns of t's segments together (each is whole UTF-8). */
static size_t rb_text_width(const struct rb_text *t)
{
	size_t i, w = 0;

	for (i = 0; i < t->n; i++)
		w += text_width(t->v[i].text);
	return w;
}

/* One line: prefix (moved in) then s cut to the columns left. */
static void rb_lay_cut(struct rb_lay *L, enum rb_line_kind kind, struct rb_text *prefix,
                       int style, const char *s)
{
	struct rb_line *l = rb_lay_push(L, kind);
	char *copy = NULL;
	size_t pw = rb_text_width(prefix);

	if (pw > L->width) {      /* only at absurd widths: drop the prefix */
		rb_text_free(prefix);
		pw = 0;
	}
	rb_text_move(&l->text, prefix);
	if (!L->utf8) {
		copy = xstrdup(s);
		text_asciify(copy);
		s = copy;
	}
	rb_text_append(&l->text, style, s, text_fit(s, L->width - pw));
	free(copy);
}

/* Word-wrap body into lines of kind: the first line starts with first
 * (moved in; may be empty), the others with indent spaces, where indent is
 * first's width. Styles are kept across the wrap. */
static void rb_lay_wrap(struct rb_lay *L, enum rb_line_kind kind, struct rb_text *first,
                        const struct rb_text *body)
{
	struct buf flat = {0};
	size_t *start = xcalloc(body->n + 1, sizeof *start);
	char **lines = NULL;
	size_t indent = rb_text_width(first), avail, nl, i, j, k, cur = 0, ls, le, a, b, len, fit;
	struct rb_line *l;

	for (i = 0; i < body->n; i++) {
		start[i] = flat.len;
		buf_puts(&flat, body->v[i].text);
		if (!L->utf8 && flat.data) {
			text_asciify(flat.data + start[i]);
			flat.len = start[i] + strlen(flat.data + start[i]);
		}
	}
	start[body->n] = flat.len;
	if (indent + 4 > L->width) {
		/* too narrow for a hanging indent: the prefix alone first */
		if (first->n)
			rb_lay_cut(L, kind, first, RBS_PLAIN, "");
		indent = 0;
	}
	avail = L->width - indent;
	nl = text_wrap(flat.data ? flat.data : "", avail, &lines);
	if (nl == 0 && first->n) {
		l = rb_lay_push(L, kind);
		rb_text_move(&l->text, first);
	}
	for (i = 0, k = 0; i < nl; i++) {
		len = strlen(lines[i]);
		/* find the line in flat: text_wrap only drops spaces and '\n' */
		if (len == 0) {
			while (cur < flat.len && flat.data[cur] == ' ')
				cur++;
			if (cur < flat.len && flat.data[cur] == '\n')
				cur++;
		}
		while (len && cur < flat.len && (flat.data[cur] == ' ' || flat.data[cur] == '\n') &&
		       !(flat.len - cur >= len && memcmp(flat.data + cur, lines[i], len) == 0))
			cur++;
		l = rb_lay_push(L, kind);
		if (i == 0 && first->n)
			rb_text_move(&l->text, first);
		else
			rb_lay_spaces(&l->text, indent);
		/* only a wide glyph at width 1 is wider than its line may be
		 * (text_wrap's lines fit, but for one code point, and none is
		 * wider than 2) */
		fit = avail >= 2 ? len : text_fit(lines[i], avail);
		if (flat.len - cur < len || memcmp(flat.data + cur, lines[i], len) != 0) {
			rb_text_append(&l->text, RBS_PLAIN, lines[i], fit);  /* not found: unstyled */
			continue;
		}
		ls = cur;
		le = cur + fit;
		cur += len;
		while (k < body->n && start[k + 1] <= ls)
			k++;
		for (j = k; j < body->n && start[j] < le; j++) {
			a = start[j] > ls ? start[j] : ls;
			b = start[j + 1] < le ? start[j + 1] : le;
			if (b > a)
				rb_text_append(&l->text, body->v[j].style, flat.data + a, b - a);
		}
	}
	text_lines_free(lines, nl);
	rb_text_free(first);
	buf_free(&flat);
	free(start);
}

static void rb_lay_block(struct rb_lay *L, const struct rb_block *b, size_t indent)
{
	struct rb_text pre = {0}, label = {0};
	struct buf lab = {0};
	const char *s, *nl;
	char *clean, dur[32];
	size_t n;

	if (indent + 8 > L->width)
		indent = 0;
	if (b->runnable) {
		buf_printf(&lab, "%s%s (runnable)", L->utf8 ? "\xe2\x96\xb6 " : "> ", b->lang);
		rb_lay_put(L, &label, RBS_BADGE, lab.data, lab.len);
		buf_reset(&lab);
		if (b->name)
			buf_printf(&lab, " name=%s", b->name);
		if (b->timeout_ms > 0) {
			duration_format(b->timeout_ms, dur, sizeof dur);
			buf_printf(&lab, " timeout=%s", dur);
		}
		if (b->confirm != CONFIRM_DEFAULT)
			buf_printf(&lab, " confirm=%s", b->confirm == CONFIRM_TYPED ? "typed" : "yes");
		if (b->has_rev)
			buf_printf(&lab, " %s", rb_rev_str(b->rev));
		rb_lay_put(L, &label, RBS_DIM, lab.data ? lab.data : "", lab.len);
	} else {
		buf_printf(&lab, "```%s", b->lang);
		rb_lay_put(L, &label, RBS_DIM, lab.data, lab.len);
	}
	buf_free(&lab);
	clean = rb_text_plain(&label);
	if (text_width(clean) + indent <= L->width) {
		struct rb_line *l = rb_lay_push(L, RBL_TEXT);

		rb_lay_spaces(&l->text, indent);
		rb_text_move(&l->text, &label);
	} else {
		rb_lay_spaces(&pre, indent);
		rb_lay_cut(L, RBL_TEXT, &pre, RBS_BADGE, clean);
	}
	free(clean);
	rb_text_free(&label);
	for (s = b->code; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		clean = text_sanitize(s, n, TEXT_KEEP_TABS, 0);
		if (!L->utf8)
			text_asciify(clean);
		rb_lay_spaces(&pre, indent);
		if (text_width(clean) > L->width - indent) {
			char *cut = text_trunc(clean, L->width - indent, false, L->utf8);

			free(clean);
			clean = cut;
		}
		rb_lay_cut(L, RBL_CODE, &pre, RBS_CODEBLOCK, clean);
		free(clean);
		if (!nl)
			break;
	}
}

/* A nested list line ("  - text"): wrapped lines hang under its text. */
static void rb_lay_more(struct rb_lay *L, const struct rb_text *more, size_t indent)
{
	struct rb_text first = {0}, body = {0};
	const char *s;
	size_t i, p = 0;

	if (more->n && !(more->v[0].style & RBS_CODE)) {
		s = more->v[0].text;
		while (s[p] == ' ')
			p++;
		if (s[p] == '-' && s[p + 1] == ' ') {
			p += 2;
		} else if (s[p] >= '0' && s[p] <= '9') {
			i = p;
			while (s[i] >= '0' && s[i] <= '9')
				i++;
			if (s[i] == '.' && s[i + 1] == ' ')
				p = i + 2;
		}
	}
	rb_lay_spaces(&first, indent);
	rb_text_append(&first, RBS_PLAIN, more->n ? more->v[0].text : "", p);
	for (i = 0; i < more->n; i++) {
		s = more->v[i].text + (i == 0 ? p : 0);
		rb_text_append(&body, more->v[i].style, s, strlen(s));
	}
	rb_lay_wrap(L, RBL_TEXT, &first, &body);
	rb_text_free(&body);
}

static void rb_lay_step(struct rb_lay *L, const struct rb_section *sec, const struct rb_step *st)
{
	struct rb_text first = {0}, body = {0}, tmp = {0};
	struct buf marker = {0};
	const char *badge;
	size_t indent, i;
	bool show_badge;

	if (st->ordinal > 0)
		buf_printf(&marker, "%d. ", st->ordinal);
	else if (st->ordinal == 0)
		buf_puts(&marker, L->utf8 ? "\xe2\x80\xa2 " : "* ");
	if (st->checkbox >= 0 && !L->no_checkbox)
		buf_puts(&marker, st->checkbox ? "[x] " : "[ ] ");
	rb_lay_put(L, &first, RBS_PLAIN, marker.data ? marker.data : "", marker.len);
	indent = text_width(marker.data ? marker.data : "");
	buf_free(&marker);

	show_badge = sec->kind == RB_MITIGATION && st->has_rev;
	for (i = 0; i < st->n_blocks && sec->kind == RB_MITIGATION; i++)
		show_badge |= st->blocks[i].runnable;
	if (show_badge) {
		badge = st->rev == REV_REVERSIBLE ? "[reversible] " :
		        st->rev == REV_RISKY ? "[risky] " :
		        st->rev == REV_IRREVERSIBLE ? "[irreversible] " : "[unknown] ";
		rb_text_append(&body, RBS_BADGE, badge, strlen(badge));
	}
	for (i = 0; i < st->text.n; i++)
		rb_text_append(&body, st->text.v[i].style, st->text.v[i].text, strlen(st->text.v[i].text));
	if (body.n || first.n)
		rb_lay_wrap(L, RBL_TEXT, &first, &body);
	rb_text_free(&first);
	rb_text_free(&body);
	for (i = 0; i < st->n_more; i++)
		rb_lay_more(L, &st->more[i], indent);
	for (i = 0; i < st->n_blocks; i++)
		rb_lay_block(L, &st->blocks[i], indent + 2);
	if (st->rollback) {
		rb_text_append(&body, RBS_BADGE, "Rollback: ", 10);
		rb_text_append(&body, RBS_CODE, st->rollback, strlen(st->rollback));
		rb_lay_spaces(&tmp, indent);
		rb_lay_wrap(L, RBL_TEXT, &tmp, &body);
		rb_text_free(&body);
	}
}

void runbook_layout(const struct runbook *rb, size_t width, int flags, struct rb_layout *out)
{
	struct rb_lay L = { .out = out, .width = width ? width : 1,
	                    .utf8 = (flags & RB_LAYOUT_UTF8) != 0,
	                    .no_checkbox = (flags & RB_LAYOUT_NO_CHECKBOX) != 0,
	                    .section = -1, .step = -1 };
	struct rb_text t = {0}, none = {0};
	const struct rb_section *sec;
	const char *note = "Shown in reversibility order; the author's order differs.";
	size_t i, j;

	memset(out, 0, sizeof *out);
	if (rb->title && *rb->title) {
		rb_text_append(&t, RBS_HEADING | RBS_STRONG, rb->title, strlen(rb->title));
		rb_lay_wrap(&L, RBL_TITLE, &none, &t);
		rb_text_free(&t);
		rb_lay_blank(&L);
	}
	for (i = 0; i < rb->n_sections; i++) {
		sec = &rb->sections[i];
		L.section = (int)i;
		L.step = -1;
		if (sec->title && *sec->title) {
			rb_text_append(&t, RBS_HEADING, sec->title, strlen(sec->title));
			rb_lay_wrap(&L, RBL_HEADING, &none, &t);
			rb_text_free(&t);
		}
		if (sec->reordered) {
			rb_text_append(&t, RBS_DIM, note, strlen(note));
			rb_lay_wrap(&L, RBL_NOTE, &none, &t);
			rb_text_free(&t);
		}
		if (sec->n_steps == 0) {
			rb_text_append(&t, RBS_DIM, "(empty)", 7);
			rb_lay_wrap(&L, RBL_TEXT, &none, &t);
			rb_text_free(&t);
		}
		for (j = 0; j < sec->n_steps; j++) {
			L.step = (int)j;
			rb_lay_step(&L, sec, &sec->steps[j]);
			/* list items stay tight; paragraphs and code get air */
			if (j + 1 < sec->n_steps && (sec->steps[j].n_blocks || sec->steps[j].ordinal < 0 ||
			                             sec->steps[j + 1].ordinal < 0))
				rb_lay_blank(&L);
		}
		L.step = -1;
		if (i + 1 < rb->n_sections)
			rb_lay_blank(&L);
	}
}

void rb_layout_free(struct rb_layout *lo)
{
	size_t i;

	if (!lo)
		return;
	for (i = 0; i < lo->n; i++)
		rb_text_free(&lo->v[i].text);
	free(lo->v);
	memset(lo, 0, sizeof *lo);
}

char *runbook_to_text(const struct runbook *rb, size_t width)
{
	struct rb_layout lo;
	struct buf b = {0};
	size_t i, j;

	runbook_layout(rb, width, RB_LAYOUT_UTF8, &lo);
	for (i = 0; i < lo.n; i++) {
		for (j = 0; j < lo.v[i].text.n; j++)
			buf_puts(&b, lo.v[i].text.v[j].text);
		buf_putc(&b, '\n');
	}
	rb_layout_free(&lo);
	return buf_steal(&b);
}
