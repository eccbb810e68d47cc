/* runbook.h: a runbook's markdown (CommonMark via cmark) turned into a model
 * of sections and steps (DESIGN.md §5), laid out into styled lines for a
 * given width, and the lookup of which runbook belongs to an alert. Pure
 * apart from runbook_resolve() checking which files exist. */
#ifndef PAGETTY_RUNBOOK_H
#define PAGETTY_RUNBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "config.h"
#include "util.h"

enum rb_kind {
	RB_MEANING, RB_IMPACT, RB_VERIFY, RB_TRIAGE, RB_MITIGATION,
	RB_ESCALATION, RB_POSTMORTEM, RB_OTHER, RB_KIND_COUNT
};

enum rb_rev { REV_UNKNOWN = 0, REV_REVERSIBLE, REV_RISKY, REV_IRREVERSIBLE };

enum rb_confirm { CONFIRM_DEFAULT = 0, CONFIRM_YES, CONFIRM_TYPED };

/* Inline text: a run of styled segments. */
enum {
	RBS_PLAIN = 0,
	RBS_EMPH = 1 << 0,
	RBS_STRONG = 1 << 1,
	RBS_CODE = 1 << 2,     /* inline code */
	RBS_LINK = 1 << 3,     /* link text; the URL follows as its own segment in RBS_DIM */
	RBS_DIM = 1 << 4,
	RBS_HEADING = 1 << 5,
	RBS_BADGE = 1 << 6,    /* [reversible] [risky] ... and "runnable" labels */
	RBS_CODEBLOCK = 1 << 7,
	RBS_WARN = 1 << 8,
};
struct rb_seg {
	int style;
	char *text; /* owned, sanitized UTF-8 */
};
struct rb_text {
	struct rb_seg *v; /* owned */
	size_t n, cap;
};

/* A fenced or indented code block. */
struct rb_block {
	char *lang;          /* owned: info string's first word, lowercased, "" if none */
	char *code;          /* owned: the block's raw text (NOT sanitized: it may run) */
	bool runnable;       /* lang is sh, bash, shell, console or promql */
	bool promql;
	char **commands;     /* owned: what would run. For console/shell blocks with
	                        "$ " prompts only the prompted lines (prompt removed,
	                        "\" continuations joined); else the whole code as one */
	size_t n_commands;
	int64_t timeout_ms;  /* fence attribute timeout=, 0 if none */
	int64_t chart_ms;    /* fence attribute chart= (1m..7d): a promql block draws a
	                        range chart over that span; 0 if none. Parsed on any
	                        block, used only by promql ones */
	enum rb_confirm confirm;
	enum rb_rev rev;     /* fence attribute reversibility=, REV_UNKNOWN if none */
	bool has_rev;
	char *name;          /* owned or NULL: fence attribute name= */
	int line;            /* 1-based source line of the fence */
};

/* A step: a list item (or a paragraph) with the code blocks under it. */
struct rb_step {
	struct rb_text text;      /* first paragraph of the item, tags removed */
	struct rb_text *more;     /* owned: further paragraphs / nested list lines */
	size_t n_more;
	struct rb_block *blocks;  /* owned */
	size_t n_blocks;
	int line;                 /* 1-based source line */
	int ordinal;              /* list number (1.., ordered), 0 bullet, -1 paragraph */
	int checkbox;             /* -1 none, 0 "[ ]", 1 "[x]" */
	enum rb_rev rev;          /* from a leading [tag] or a block's attribute */
	bool has_rev;
	char *rollback;           /* owned or NULL: text after "Rollback:" (code span's text if any) */
	int64_t escalate_after_ms;/* "after 15 minutes"/"after 15m" in escalation items, else 0 */
	size_t author_index;      /* position as written (for the order note) */
};

struct rb_section {
	enum rb_kind kind;
	char *title;              /* owned, sanitized heading text */
	int level;                /* heading level */
	int line;
	struct rb_step *steps;    /* owned */
	size_t n_steps;
	bool reordered;           /* mitigations: shown order differs from the author's */
};

struct runbook {
	char *title;              /* owned: first H1 text, or the file name */
	char *source;             /* owned: path or URL it came from, or NULL */
	struct rb_section *sections; /* owned, in document order; text before the
	                                first heading goes into an RB_OTHER section
	                                with an empty title */
	size_t n_sections;
	char **warnings;          /* owned: "line 12: unknown fence attribute foo" */
	size_t n_warnings;
};

/* Caps on what runbook_parse() hands the markdown parser. cmark 0.30
 * walks every open image opener "![" of a paragraph each time a link closes
 * there, so its time grows with the square of them (1 MB of "![a[b](c) "
 * took 44 s); no paragraph (no stretch of non-blank lines) may hold more
 * than RB_MAX_IMAGE_OPENERS. */
#define RB_MAX_INPUT (4u << 20)
#define RB_MAX_IMAGE_OPENERS 256

/* Parse markdown (YAML front matter "---...---" is skipped). Mitigation
 * steps are stably sorted by reversibility (reversible, risky/unknown,
 * irreversible). Never fails on odd markdown; returns -1 only for input
 * over the size cap (RB_MAX_INPUT, 4 MiB), not text at all (NUL bytes), or
 * with more than RB_MAX_IMAGE_OPENERS "![" in one stretch of non-blank
 * lines. */
int runbook_parse(const char *md, size_t len, const char *source,
                  struct runbook *rb, char err[ERR_MAX]);
void runbook_free(struct runbook *rb);

enum rb_kind rb_kind_of_heading(const char *heading);
const char *rb_kind_str(enum rb_kind k);   /* "meaning", "triage", ... */
const char *rb_kind_label(enum rb_kind k); /* "Meaning", "Triage", ... */
const char *rb_rev_str(enum rb_rev r);     /* "reversible", "risky", "irreversible", "unknown" */

/* rb_text helpers. append copies n bytes of s (already sanitized) as one
 * segment; plain returns the segments' text joined (malloced). */
void rb_text_append(struct rb_text *t, int style, const char *s, size_t n);
char *rb_text_plain(const struct rb_text *t);
void rb_text_free(struct rb_text *t);

/* Layout: the runbook as display lines for a width. Each line knows which
 * section and step it belongs to so a view can highlight and jump. */
enum rb_line_kind { RBL_TITLE, RBL_HEADING, RBL_TEXT, RBL_CODE, RBL_BLANK, RBL_NOTE };
struct rb_line {
	enum rb_line_kind kind;
	int section;          /* index or -1 */
	int step;             /* index within section or -1 */
	struct rb_text text;  /* owned segments, already fitted to the width */
};
struct rb_layout {
	struct rb_line *v;    /* owned */
	size_t n, cap;
};
/* flags: RB_LAYOUT_UTF8 (Unicode bullets and ellipsis, else ASCII);
 * RB_LAYOUT_NO_CHECKBOX (leave out the source's "[ ]"/"[x]": the walker
 * draws its own done box). */
enum { RB_LAYOUT_UTF8 = 1 << 0, RB_LAYOUT_NO_CHECKBOX = 1 << 1 };
void runbook_layout(const struct runbook *rb, size_t width, int flags, struct rb_layout *out);
void rb_layout_free(struct rb_layout *lo);
/* Plain-text rendering (pagetty runbook): layout lines joined with '\n'. Malloced. */
char *runbook_to_text(const struct runbook *rb, size_t width);

/* Which runbook belongs to an alert (DESIGN.md §5). */
enum rb_loc { RB_LOC_NONE, RB_LOC_FILE, RB_LOC_URL };
struct rb_where {
	enum rb_loc kind;
	char *location;       /* owned: file path or http(s) URL, NULL for NONE */
	char **looked;        /* owned: every place tried, in order ("annotation runbook_url: ...", "/dir/HighErrorRate.md") */
	size_t n_looked;
};
void runbook_resolve(const struct alert *a, const struct config *cfg, struct rb_where *w);
/* Same, for `pagetty runbook NAME|FILE`: an existing file, or an alertname. */
void runbook_resolve_name(const char *name_or_file, const struct config *cfg, struct rb_where *w);
void rb_where_free(struct rb_where *w);

#endif
