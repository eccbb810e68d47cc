/* runbook_int.h: what the runbook_*.c files share and nothing else uses:
 * cmark inline content turned into rb_text, and small string helpers. Not
 * a contract; include only from core/runbook*.c. */
#ifndef PAGETTY_RUNBOOK_INT_H
#define PAGETTY_RUNBOOK_INT_H

#include <cmark.h>
#include <stdbool.h>
#include <stddef.h>

#include "runbook.h"

/* Grow *v, an array of n elsize-byte items that keeps no capacity field,
 * so that item n fits: capacity is always the next power of two. */
void rb_grow(void *v, size_t n, size_t elsize);

/* Room in t for one more segment (a text's first takes two). */
void rb_text_reserve(struct rb_text *t);
/* Move src's segments to the end of dst; src is left empty. */
void rb_text_move(struct rb_text *dst, struct rb_text *src);
/* Sanitize n raw bytes and append them as one segment. */
void rb_text_append_clean(struct rb_text *t, int style, const char *s, size_t n);

/* A paragraph's inlines appended to out: soft breaks as spaces, hard breaks
 * as '\n'. When rollback is not NULL, "Rollback:" lines are taken out and
 * their command (code span's text, else the rest of the line) stored in
 * *rollback (malloced, replacing any previous). */
void rb_paragraph(cmark_node *para, struct rb_text *out, char **rollback);
/* Plain sanitized text of any subtree (iterative), at most max raw bytes. Malloced. */
char *rb_flat_text(cmark_node *node, size_t max);
/* An HTML block's text: tags dropped, whitespace collapsed, sanitized. Malloced. */
char *rb_html_text(const char *html);

/* The parser's state while runbook.c walks the tree. */
struct rb_parser {
	struct runbook *rb;      /* borrowed: being filled */
	int line_off;            /* lines of front matter removed */
	enum rb_kind anchor_kind;/* kind of the last recognised heading ... */
	int anchor_level;        /* ... and its level; 0 when none */
	bool have_title;
};

/* Add a "line N: fmt arg" warning to p's runbook (arg sanitized, cut at 60
 * bytes); past RB_MAX_WARNINGS one "too many warnings" line stands for the rest. */
void rb_warn(struct rb_parser *p, int line, const char *fmt, const char *arg);
/* Read a fence's attributes ("{timeout=30s confirm=typed}") into b. */
void rb_fence_attrs(struct rb_parser *p, struct rb_block *b, const char *s);
/* Fill b->commands from b->code: the prompted lines of a console/shell block
 * with "$ " prompts, else the whole code as one command. */
void rb_block_commands(struct rb_block *b);

const char *rb_skip_space(const char *s);
bool rb_prefix_ci(const char *s, const char *prefix);

#endif
