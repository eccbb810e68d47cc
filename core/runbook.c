/* runbook.c: a runbook's markdown turned into the model of runbook.h.
 * cmark parses; this file walks the tree into sections (by heading text,
 * with synonyms) and steps (list items and paragraphs with the code blocks
 * under them), reads fence attributes and "$ " prompts, reversibility tags,
 * rollback lines and escalation delays, and orders mitigations. Fence
 * attributes and prompt lines of code blocks are runbook_block.c. All display
 * text passes text_sanitize(); code stays raw. Inline content is
 * runbook_inline.c, layout runbook_layout.c, lookup runbook_resolve.c. */
#include "runbook.h"
#include "runbook_int.h"

#include <cmark.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "text.h"

#define RB_MAX_DEPTH 16      /* nested containers walked; deeper is flattened */
#define RB_MAX_WARNINGS 100
#define RB_FLAT_MAX 4096     /* bytes of text kept from a flattened subtree */


/* ---- small model helpers ---------------------------------------------- */

void rb_warn(struct rb_parser *p, int line, const char *fmt, const char *arg)
{
	struct runbook *rb = p->rb;
	char *clean = text_sanitize(arg, strnlen(arg, 60), 0, 0);
	char msg[ERR_MAX];

	if (rb->n_warnings > RB_MAX_WARNINGS)
		goto out;
	if (rb->n_warnings == RB_MAX_WARNINGS)
		snprintf(msg, sizeof msg, "too many warnings; the rest are not shown");
	else
		snprintf(msg, sizeof msg, "line %d: %s%s", line, fmt, clean);
	rb_grow(&rb->warnings, rb->n_warnings, sizeof *rb->warnings);
	rb->warnings[rb->n_warnings++] = xstrdup(msg);
out:
	free(clean);
}

static int rb_line(struct rb_parser *p, cmark_node *n)
{
	return cmark_node_get_start_line(n) + p->line_off;
}

static struct rb_section *rb_cur_section(struct rb_parser *p)
{
	struct runbook *rb = p->rb;
	struct rb_section *s;

	if (rb->n_sections)
		return &rb->sections[rb->n_sections - 1];
	rb_grow(&rb->sections, rb->n_sections, sizeof *rb->sections);
	s = &rb->sections[rb->n_sections++];
	memset(s, 0, sizeof *s);
	s->kind = RB_OTHER;
	s->title = xstrdup("");
	s->line = 1 + p->line_off;
	return s;
}

static struct rb_step *rb_new_step(struct rb_section *s, int line, int ordinal)
{
	struct rb_step *st;

	rb_grow(&s->steps, s->n_steps, sizeof *s->steps);
	st = &s->steps[s->n_steps];
	memset(st, 0, sizeof *st);
	st->line = line;
	st->ordinal = ordinal;
	st->checkbox = -1;
	st->author_index = s->n_steps++;
	return st;
}

static void rb_add_more(struct rb_step *st, struct rb_text *t)
{
	rb_grow(&st->more, st->n_more, sizeof *st->more);
	memset(&st->more[st->n_more], 0, sizeof *st->more);
	rb_text_move(&st->more[st->n_more++], t);
}

/* ---- names ------------------------------------------------------------- */

static const char *const rb_kind_names[RB_KIND_COUNT] = {
	"meaning", "impact", "verify", "triage", "mitigation",
	"escalation", "postmortem", "other",
};
static const char *const rb_kind_labels[RB_KIND_COUNT] = {
	"Meaning", "Impact", "Verify", "Triage", "Mitigation",
	"Escalation", "Postmortem", "Other",
};

const char *rb_kind_str(enum rb_kind k)
{
	return (unsigned)k < RB_KIND_COUNT ? rb_kind_names[k] : "other";
}

const char *rb_kind_label(enum rb_kind k)
{
	return (unsigned)k < RB_KIND_COUNT ? rb_kind_labels[k] : "Other";
}

const char *rb_rev_str(enum rb_rev r)
{
	switch (r) {
	case REV_REVERSIBLE: return "reversible";
	case REV_RISKY: return "risky";
	case REV_IRREVERSIBLE: return "irreversible";
	default: return "unknown";
	}
}

/* Substrings of a lowercased heading, first match wins. */
static const struct {
	const char *needle;
	enum rb_kind kind;
} rb_synonyms[] = {
	{ "what this alert means", RB_MEANING },
	{ "escalat", RB_ESCALATION },
	{ "postmortem", RB_POSTMORTEM },
	{ "post-mortem", RB_POSTMORTEM },
	{ "post mortem", RB_POSTMORTEM },
	{ "follow-up", RB_POSTMORTEM },
	{ "follow up", RB_POSTMORTEM },
	{ "mitigation", RB_MITIGATION },
	{ "remediation", RB_MITIGATION },
	{ "resolution", RB_MITIGATION },
	{ "triage", RB_TRIAGE },
	{ "diagnos", RB_TRIAGE },
	{ "investigat", RB_TRIAGE },
	{ "debugging", RB_TRIAGE },
	{ "symptom", RB_VERIFY },
	{ "verify", RB_VERIFY },
	{ "impact", RB_IMPACT },
	{ "meaning", RB_MEANING },
	{ "overview", RB_MEANING },
	{ "description", RB_MEANING },
};

enum rb_kind rb_kind_of_heading(const char *heading)
{
	char low[256];
	size_t i;

	if (!heading)
		return RB_OTHER;
	for (i = 0; heading[i] && i < sizeof low - 1; i++)
		low[i] = (char)tolower((unsigned char)heading[i]);
	low[i] = '\0';
	for (i = 0; i < ARRAY_LEN(rb_synonyms); i++)
		if (strstr(low, rb_synonyms[i].needle))
			return rb_synonyms[i].kind;
	return RB_OTHER;
}

/* ---- steps: tags, checkboxes, escalation --------------------------------- */

static const struct {
	const char *tag;
	int checkbox;
	enum rb_rev rev;
} rb_tags[] = {
	{ "[ ]", 0, REV_UNKNOWN },
	{ "[x]", 1, REV_UNKNOWN },
	{ "[reversible]", -1, REV_REVERSIBLE },
	{ "[risky]", -1, REV_RISKY },
	{ "[irreversible]", -1, REV_IRREVERSIBLE },
};

static int rb_rev_rank(enum rb_rev r)
{
	return r == REV_REVERSIBLE ? 0 : r == REV_IRREVERSIBLE ? 2 : 1;
}

/* Take leading checkbox and reversibility tags off a step's text. When a
 * code block's attribute disagrees with the tag, the riskier one wins.
 * Each segment's text moves once and the emptied segments go in one move
 * at the end, so a step of many tags costs what its length does (moving
 * the text after every tag was quadratic). */
static void rb_strip_tags(struct rb_step *st)
{
	struct rb_seg *seg;
	const char *s, *t;
	size_t i, drop = 0;   /* leading segments the tags used up */
	bool stop = false;

	while (!stop && drop < st->text.n) {
		seg = &st->text.v[drop];
		if (seg->style & RBS_CODE)
			break;
		s = rb_skip_space(seg->text);
		t = NULL;             /* where the text goes on after the tags */
		for (;;) {
			for (i = 0; i < ARRAY_LEN(rb_tags) && !rb_prefix_ci(s, rb_tags[i].tag); i++)
				;
			if (i == ARRAY_LEN(rb_tags) ||
			    (rb_tags[i].checkbox >= 0 && st->checkbox >= 0)) {
				stop = true;  /* not a tag, or a second checkbox: text */
				break;
			}
			if (rb_tags[i].checkbox >= 0)
				st->checkbox = rb_tags[i].checkbox;
			if (rb_tags[i].rev && (!st->has_rev ||
			                       rb_rev_rank(rb_tags[i].rev) > rb_rev_rank(st->rev))) {
				st->rev = rb_tags[i].rev;
				st->has_rev = true;
			}
			s = t = rb_skip_space(s + strlen(rb_tags[i].tag));
			if (!*s)
				break;        /* the segment was only tags */
		}
		if (!t)
			break;
		memmove(seg->text, t, strlen(t) + 1);
		if (*t)
			break;
		free(seg->text);
		drop++;
		/* a following plain segment may start with a space */
		if (drop < st->text.n && !(st->text.v[drop].style & RBS_CODE)) {
			s = rb_skip_space(st->text.v[drop].text);
			memmove(st->text.v[drop].text, s, strlen(s) + 1);
		}
	}
	if (drop) {
		memmove(st->text.v, st->text.v + drop, (st->text.n - drop) * sizeof *st->text.v);
		st->text.n -= drop;
	}
}

/* "after 15 minutes", "after 15m", "after an hour", "after 2h" -> ms. */
static int64_t rb_after_ms(const char *text)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = {
		{ "seconds", 1000 }, { "second", 1000 }, { "secs", 1000 }, { "sec", 1000 }, { "s", 1000 },
		{ "minutes", 60000 }, { "minute", 60000 }, { "mins", 60000 }, { "min", 60000 }, { "m", 60000 },
		{ "hours", 3600000 }, { "hour", 3600000 }, { "hrs", 3600000 }, { "hr", 3600000 }, { "h", 3600000 },
		{ "days", 86400000 }, { "day", 86400000 }, { "d", 86400000 },
	};
	const char *p = text, *q;
	int64_t n;
	size_t i, ul;

	while ((p = strcasestr(p, "after"))) {
		if (p != text && isalnum((unsigned char)p[-1])) {
			p += 5;
			continue;
		}
		q = rb_skip_space(p + 5);
		p += 5;
		n = 0;
		if (isdigit((unsigned char)*q)) {
			while (isdigit((unsigned char)*q) && n < 100000000)
				n = n * 10 + (*q++ - '0');
		} else if (rb_prefix_ci(q, "an ") || rb_prefix_ci(q, "one ")) {
			n = 1;
			q = strchr(q, ' ');
		} else if (rb_prefix_ci(q, "a ")) {
			n = 1;
			q += 1;
		} else {
			continue;
		}
		q = rb_skip_space(q);
		for (i = 0; i < ARRAY_LEN(units); i++) {
			ul = strlen(units[i].unit);
			if (strncasecmp(q, units[i].unit, ul) == 0 && !isalpha((unsigned char)q[ul]))
				return n * units[i].ms;
		}
	}
	return 0;
}

static void rb_add_block(struct rb_parser *p, struct rb_step *st, cmark_node *node)
{
	const char *info = cmark_node_get_fence_info(node);
	const char *code = cmark_node_get_literal(node);
	struct rb_block *b;
	size_t i, n;

	rb_grow(&st->blocks, st->n_blocks, sizeof *st->blocks);
	b = &st->blocks[st->n_blocks++];
	memset(b, 0, sizeof *b);
	b->line = rb_line(p, node);
	b->code = xstrdup(code ? code : "");
	info = rb_skip_space(info ? info : "");
	for (n = 0; info[n] && !isspace((unsigned char)info[n]) && info[n] != '{'; n++)
		;
	b->lang = text_sanitize(info, n < 64 ? n : 64, 0, 0);   /* shown in the label */
	for (i = 0; b->lang[i]; i++)
		b->lang[i] = (char)tolower((unsigned char)b->lang[i]);
	rb_fence_attrs(p, b, info + n);
	b->promql = strcmp(b->lang, "promql") == 0;
	b->runnable = b->promql || strcmp(b->lang, "sh") == 0 || strcmp(b->lang, "bash") == 0 ||
	              strcmp(b->lang, "shell") == 0 || strcmp(b->lang, "console") == 0;
	rb_block_commands(b);
	if (b->has_rev && (!st->has_rev || rb_rev_rank(b->rev) > rb_rev_rank(st->rev) ||
	                   st->rev == REV_UNKNOWN)) {
		st->rev = b->rev;
		st->has_rev = true;
	}
}

/* ---- containers: list items, block quotes ---------------------------------- */

static void rb_item_body(struct rb_parser *p, struct rb_step *st, cmark_node *item,
                         int depth, bool *have_text);

/* One nested list item: its lines become st->more, its code st->blocks. */
static void rb_nested_item(struct rb_parser *p, struct rb_step *st, cmark_node *item,
                           int depth, const char *marker)
{
	struct rb_text t = {0};
	char *flat, *pad;
	bool have = false;

	pad = xasprintf("%*s%s", 2 * (depth - 1), "", marker);
	if (depth > RB_MAX_DEPTH) {
		flat = rb_flat_text(item, RB_FLAT_MAX);
		rb_text_append(&t, RBS_PLAIN, pad, strlen(pad));
		rb_text_append(&t, RBS_PLAIN, flat, strlen(flat));
		rb_add_more(st, &t);
		free(flat);
		free(pad);
		return;
	}
	rb_text_append(&t, RBS_PLAIN, pad, strlen(pad));
	rb_add_more(st, &t);  /* the marker line; the first paragraph joins it */
	rb_item_body(p, st, item, depth, &have);
	free(pad);
}

/* The children of a list item or block quote. The first paragraph is the
 * step's text at depth 0 and joins the marker line when nested. */
static void rb_item_body(struct rb_parser *p, struct rb_step *st, cmark_node *item,
                         int depth, bool *have_text)
{
	struct rb_text t = {0};
	cmark_node *c, *li;
	size_t k;
	char *s, *marker;
	int num;

	for (c = cmark_node_first_child(item); c; c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_PARAGRAPH:
			rb_paragraph(c, &t, &st->rollback);
			if (t.n == 0)
				break;
			if (!*have_text && depth == 0) {
				rb_text_move(&st->text, &t);
			} else if (!*have_text) {
				rb_text_move(&st->more[st->n_more - 1], &t);
			} else {
				struct rb_text line = {0};

				s = xasprintf("%*s", 2 * depth, "");
				rb_text_append(&line, RBS_PLAIN, s, strlen(s));
				rb_text_move(&line, &t);
				rb_add_more(st, &line);
				free(s);
			}
			*have_text = true;
			break;
		case CMARK_NODE_CODE_BLOCK:
			rb_add_block(p, st, c);
			break;
		case CMARK_NODE_LIST:
			num = cmark_node_get_list_start(c);
			for (li = cmark_node_first_child(c), k = 0; li; li = cmark_node_next(li), k++) {
				if (cmark_node_get_list_type(c) == CMARK_ORDERED_LIST)
					marker = xasprintf("%ld. ", (long)num + (long)k);
				else
					marker = xstrdup("- ");
				rb_nested_item(p, st, li, depth + 1, marker);
				free(marker);
			}
			*have_text = true;
			break;
		case CMARK_NODE_THEMATIC_BREAK:
			break;
		default:
			/* headings, quotes, HTML inside an item: their text */
			s = cmark_node_get_type(c) == CMARK_NODE_HTML_BLOCK
			    ? rb_html_text(cmark_node_get_literal(c)) : rb_flat_text(c, RB_FLAT_MAX);
			if (*s) {
				marker = xasprintf("%*s", 2 * depth, "");
				rb_text_append(&t, RBS_PLAIN, marker, strlen(marker));
				rb_text_append(&t, RBS_PLAIN, s, strlen(s));
				rb_add_more(st, &t);
				free(marker);
			}
			free(s);
			break;
		}
	}
	rb_text_free(&t);
}

/* ---- sections --------------------------------------------------------------- */

static void rb_heading(struct rb_parser *p, cmark_node *h)
{
	struct runbook *rb = p->rb;
	int level = cmark_node_get_heading_level(h);
	char *title = rb_flat_text(h, RB_FLAT_MAX);
	enum rb_kind kind;
	struct rb_section *s;
	char *e = title + strlen(title);

	while (e > title && e[-1] == ' ')
		*--e = '\0';
	if (level == 1 && !p->have_title) {
		free(rb->title);
		rb->title = title;
		p->have_title = true;
		p->anchor_level = 0;
		return;
	}
	kind = rb_kind_of_heading(title);
	if (kind != RB_OTHER) {
		p->anchor_kind = kind;
		p->anchor_level = level;
	} else if (p->anchor_level && level > p->anchor_level) {
		kind = p->anchor_kind;   /* a subsection: "### General etcd health" */
	} else {
		p->anchor_level = 0;
	}
	rb_grow(&rb->sections, rb->n_sections, sizeof *rb->sections);
	s = &rb->sections[rb->n_sections++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->title = title;
	s->level = level;
	s->line = rb_line(p, h);
}

static void rb_finish_step(struct rb_section *s, struct rb_step *st)
{
	char *plain;
	size_t i;

	rb_strip_tags(st);
	if (s->kind != RB_ESCALATION)
		return;
	plain = rb_text_plain(&st->text);
	st->escalate_after_ms = rb_after_ms(plain);
	free(plain);
	for (i = 0; i < st->n_more && !st->escalate_after_ms; i++) {
		plain = rb_text_plain(&st->more[i]);
		st->escalate_after_ms = rb_after_ms(plain);
		free(plain);
	}
}

static void rb_block_level(struct rb_parser *p, cmark_node *c)
{
	struct rb_section *s;
	struct rb_step *st;
	struct rb_text t = {0};
	char *rollback = NULL, *txt;
	cmark_node *li;
	bool have;
	int num, k;

	if (cmark_node_get_type(c) == CMARK_NODE_HEADING) {
		rb_heading(p, c);
		return;
	}
	if (cmark_node_get_type(c) == CMARK_NODE_THEMATIC_BREAK)
		return;
	s = rb_cur_section(p);
	switch (cmark_node_get_type(c)) {
	case CMARK_NODE_LIST:
		num = cmark_node_get_list_start(c);
		for (li = cmark_node_first_child(c), k = 0; li; li = cmark_node_next(li), k++) {
			st = rb_new_step(s, rb_line(p, li),
			                 cmark_node_get_list_type(c) == CMARK_ORDERED_LIST ? num + k : 0);
			have = false;
			rb_item_body(p, st, li, 0, &have);
			rb_finish_step(s, st);
		}
		break;
	case CMARK_NODE_PARAGRAPH:
		rb_paragraph(c, &t, &rollback);
		if (t.n == 0 && rollback && s->n_steps) {
			/* "Rollback: `cmd`" under a step */
			st = &s->steps[s->n_steps - 1];
			free(st->rollback);
			st->rollback = rollback;
			break;
		}
		st = rb_new_step(s, rb_line(p, c), -1);
		rb_text_move(&st->text, &t);
		st->rollback = rollback;
		rb_finish_step(s, st);
		break;
	case CMARK_NODE_CODE_BLOCK:
		st = s->n_steps ? &s->steps[s->n_steps - 1] : rb_new_step(s, rb_line(p, c), -1);
		rb_add_block(p, st, c);
		break;
	case CMARK_NODE_BLOCK_QUOTE:
		st = rb_new_step(s, rb_line(p, c), -1);
		have = false;
		rb_item_body(p, st, c, 0, &have);
		rb_finish_step(s, st);
		break;
	case CMARK_NODE_HTML_BLOCK:
		txt = rb_html_text(cmark_node_get_literal(c));
		if (*txt) {
			st = rb_new_step(s, rb_line(p, c), -1);
			rb_text_append(&st->text, RBS_PLAIN, txt, strlen(txt));
		}
		free(txt);
		break;
	default:
		break;
	}
	rb_text_free(&t);
}

static int rb_step_cmp(const void *a, const void *b)
{
	const struct rb_step *x = a, *y = b;
	int rx = rb_rev_rank(x->rev), ry = rb_rev_rank(y->rev);

	if (rx != ry)
		return rx - ry;
	return x->author_index < y->author_index ? -1 : x->author_index > y->author_index;
}

static void rb_order_mitigations(struct runbook *rb)
{
	struct rb_section *s;
	size_t i, j;

	for (i = 0; i < rb->n_sections; i++) {
		s = &rb->sections[i];
		if (s->kind != RB_MITIGATION || s->n_steps < 2)
			continue;
		qsort(s->steps, s->n_steps, sizeof *s->steps, rb_step_cmp);
		for (j = 0; j < s->n_steps; j++)
			if (s->steps[j].author_index != j)
				s->reordered = true;
	}
}

/* Length of YAML front matter ("---" line ... "---" or "..." line) at the
 * start of md, and the number of lines it spans; 0 when there is none. */
static size_t rb_front_matter(const char *md, size_t len, int *lines)
{
	size_t i = 0, start, end;
	int n = 0;

	for (;;) {
		start = i;
		while (i < len && md[i] != '\n')
			i++;
		end = i;
		if (end > start && md[end - 1] == '\r')
			end--;
		while (end > start && (md[end - 1] == ' ' || md[end - 1] == '\t'))
			end--;
		if (i < len)
			i++;
		n++;
		if (n == 1) {
			if (end - start != 3 || memcmp(md + start, "---", 3) != 0)
				return 0;
		} else if (end - start == 3 && (memcmp(md + start, "---", 3) == 0 ||
		                                memcmp(md + start, "...", 3) == 0)) {
			*lines = n;
			return i;
		}
		if (i >= len)
			return 0;   /* never closed: not front matter */
	}
}

/* The line where a stretch of non-blank lines (which holds any paragraph
 * that starts in it) gets its RB_MAX_IMAGE_OPENERS+1st "![", or 0 when
 * none does: see runbook.h. */
static int rb_too_many_images(const char *md, size_t len)
{
	size_t i, n = 0;
	int line = 1;
	bool blank = true;   /* the line so far holds only blanks */

	for (i = 0; i < len; i++) {
		switch (md[i]) {
		case '\n':
			if (blank)
				n = 0;
			line++;
			blank = true;
			break;
		case ' ':
		case '\t':
		case '\r':
			break;
		case '!':
			if (i + 1 < len && md[i + 1] == '[' && ++n > RB_MAX_IMAGE_OPENERS)
				return line;
			/* fall through */
		default:
			blank = false;
			break;
		}
	}
	return 0;
}

static char *rb_title_from_source(const char *source)
{
	const char *base, *q;
	size_t n;

	if (!source || !*source)
		return xstrdup("");
	n = strcspn(source, "?#");
	for (base = q = source; q < source + n; q++)
		if (*q == '/')
			base = q + 1;
	n = (size_t)(source + n - base);
	if (n > 3 && strncasecmp(base + n - 3, ".md", 3) == 0)
		n -= 3;
	else if (n > 9 && strncasecmp(base + n - 9, ".markdown", 9) == 0)
		n -= 9;
	return text_sanitize(base, n, 0, 0);
}

int runbook_parse(const char *md, size_t len, const char *source,
                  struct runbook *rb, char err[ERR_MAX])
{
	struct rb_parser p = { .rb = rb };
	cmark_node *doc, *c;
	size_t skip = 0;
	int line;

	memset(rb, 0, sizeof *rb);
	if (!md)
		len = 0;
	if (len > RB_MAX_INPUT)
		return errf(err, "runbook is %zu bytes, more than the %u byte limit", len, RB_MAX_INPUT);
	if (len && memchr(md, '\0', len))
		return errf(err, "runbook is not text (it contains NUL bytes)");
	if (len >= 3 && memcmp(md, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	skip += rb_front_matter(md + skip, len - skip, &p.line_off);
	if ((line = rb_too_many_images(md + skip, len - skip)) > 0)
		return errf(err, "line %d: more than %d \"![\" in one paragraph (the markdown "
		            "parser's time grows with their square)", line + p.line_off,
		            RB_MAX_IMAGE_OPENERS);
	doc = cmark_parse_document(len ? md + skip : "", len - skip, CMARK_OPT_DEFAULT);
	if (!doc)
		return errf(err, "markdown parser failed");
	cmark_consolidate_text_nodes(doc);
	rb->title = xstrdup("");
	rb->source = xstrdup(source);
	for (c = cmark_node_first_child(doc); c; c = cmark_node_next(c))
		rb_block_level(&p, c);
	cmark_node_free(doc);
	if (!p.have_title) {
		free(rb->title);
		rb->title = rb_title_from_source(source);
	}
	rb_order_mitigations(rb);
	return 0;
}

static void rb_step_free(struct rb_step *st)
{
	struct rb_block *b;
	size_t i, j;

	rb_text_free(&st->text);
	for (i = 0; i < st->n_more; i++)
		rb_text_free(&st->more[i]);
	free(st->more);
	for (i = 0; i < st->n_blocks; i++) {
		b = &st->blocks[i];
		free(b->lang);
		free(b->code);
		for (j = 0; j < b->n_commands; j++)
			free(b->commands[j]);
		free(b->commands);
		free(b->name);
	}
	free(st->blocks);
	free(st->rollback);
}

void runbook_free(struct runbook *rb)
{
	size_t i, j;

	if (!rb)
		return;
	for (i = 0; i < rb->n_sections; i++) {
		for (j = 0; j < rb->sections[i].n_steps; j++)
			rb_step_free(&rb->sections[i].steps[j]);
		free(rb->sections[i].steps);
		free(rb->sections[i].title);
	}
	free(rb->sections);
	for (i = 0; i < rb->n_warnings; i++)
		free(rb->warnings[i]);
	free(rb->warnings);
	free(rb->title);
	free(rb->source);
	memset(rb, 0, sizeof *rb);
}
