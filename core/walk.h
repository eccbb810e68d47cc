/* walk.h: the runbook walker's state with no terminal in it (cmus window.c
 * style): which steps are done and the progress per section, what a step
 * asks before it runs (by reversibility), the escalation clock, what a
 * step would run, and a run's raw output kept with an index of its lines
 * so a pane can show any of them. Pure; views/ draws it. */
#ifndef PAGETTY_WALK_H
#define PAGETTY_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runbook.h"
#include "util.h"

/* Done flags for every step of a runbook, flat: section i's steps start at
 * first[i]. */
struct walk {
	size_t n_sections;
	size_t *first;        /* owned, n_sections + 1 entries */
	bool *done;           /* owned, first[n_sections] entries */
	size_t n_steps;
};

/* Start from the runbook: steps written "[x]" start done. */
void walk_init(struct walk *w, const struct runbook *rb);
void walk_free(struct walk *w);
/* Flat index of (section, step), or (size_t)-1 when out of range. */
size_t walk_index(const struct walk *w, int section, int step);
bool walk_is_done(const struct walk *w, int section, int step);
/* Flip a step; returns its new state (false for an index out of range). */
bool walk_toggle(struct walk *w, int section, int step);
/* Steps done and in all, for a section. */
void walk_progress(const struct walk *w, int section, size_t *done, size_t *total);
/* Whether a section's heading shows "n/m": sections one works through
 * (verify, triage, mitigations, escalation, postmortem) or any with a
 * runnable block. */
bool walk_section_counts(const struct rb_section *sec);

/* What a run asks first. */
enum walk_confirm {
	WALK_CONFIRM_NONE = 0, /* runs at once */
	WALK_CONFIRM_YN,       /* y/N */
	WALK_CONFIRM_TYPED,    /* the user types the alertname */
};
/* The policy (DESIGN.md §5): a block's confirm=typed -> typed, confirm=yes
 * -> y/N; then in mitigations by reversibility: reversible none, risky and
 * unknown y/N, irreversible typed; a tagged step elsewhere the same; an
 * untagged step outside mitigations runs at once. A rollback asks y/N (as
 * risky) unless the step's own policy is stricter. */
enum walk_confirm walk_confirm_for(const struct rb_section *sec, const struct rb_step *st,
                                   const struct rb_block *b, bool rollback);
/* The text the user must type for WALK_CONFIRM_TYPED: the alertname, or
 * "irreversible" when the alert has none. Borrowed or static. */
const char *walk_typed_expect(const char *alertname);
/* Does typed match expect (surrounding blanks ignored, case-sensitive)? */
bool walk_typed_ok(const char *typed, const char *expect);

/* The step's first runnable block, or NULL. */
const struct rb_block *walk_runnable(const struct rb_step *st);
/* What a block runs as one shell script: its commands joined with "\n"
 * (for console/shell blocks with "$ " prompts only the prompted lines).
 * Malloced, "" when none. */
char *walk_block_script(const struct rb_block *b);
/* A step's Rollback: text as a command: the text with a trailing period
 * removed; NULL when the step has none or it says "none"/"n/a" (nothing to
 * run). Malloced. */
char *walk_rollback_command(const struct rb_step *st);

/* Escalation clock. base is when the alert started (epoch seconds; 0 =
 * unknown, then opened is used), after_ms the item's duration. Returns true
 * when due; *remaining_ms is what is left (0 when due), *elapsed_ms the
 * time since base (never negative). */
bool walk_escalation(double base, double opened, int64_t after_ms, double now,
                     int64_t *remaining_ms, int64_t *elapsed_ms);
/* A countdown for screens: "45s", "4m12s", "1h02m", "2d03h" (negative: "0s"). */
void walk_fmt_duration(int64_t ms, char *out, size_t n);

/* A run's output: raw bytes (never sanitized here; sanitize each line when
 * drawing) and where each line starts. The last line may be incomplete. */
struct walk_out {
	struct buf raw;       /* owned */
	size_t *starts;       /* owned: byte offset where line i starts */
	size_t n_lines;       /* lines so far, counting an incomplete last one */
	size_t cap_starts;
};
void walk_out_append(struct walk_out *o, const char *p, size_t n);
/* Line i (without its '\n'): pointer into raw and its length. */
const char *walk_out_line(const struct walk_out *o, size_t i, size_t *len);
void walk_out_free(struct walk_out *o);

#endif
