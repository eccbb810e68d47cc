/* lint_int.h: what core/lint.c takes from core/lint_code.c (the code-block
 * and PromQL helpers). Not a contract; include only from core/lint*.c. */
#ifndef PAGETTY_LINT_INT_H
#define PAGETTY_LINT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "rules.h"

/* A label a block refers to: {{ $labels.NAME }} or $PAGETTY_LABEL_NAME. */
struct lint_ref {
	char *name;  /* owned */
	int line;    /* 1-based line within the code */
};
/* All references in code, each name once (first use). Returns the count;
 * *out is a malloced array (free with lint_refs_free). */
size_t lint_label_refs(const char *code, struct lint_ref **out);
void lint_refs_free(struct lint_ref *v, size_t n);

/* The label names an alerting rule's alerts carry, by a heuristic: the
 * rule's own labels, "alertname", the names in the expr's by (...),
 * on (...), group_left/right (...) lists and in its selectors' matchers.
 * Returns false (set unknown, *names untouched) when the expr keeps labels
 * it does not name: no aggregation at all, `without`, label_replace or
 * label_join. Else true with *names a malloced array of malloced names. */
bool lint_rule_labels(const struct prom_rule *r, char ***names, size_t *n);

/* Shell code ready for `sh -n`: pagetty's {{ $labels.x }} templates (one
 * shell word once expanded) become a plain word. Malloced. */
char *lint_sh_prepare(const char *code);

/* Escalation items, on the item's text (low: lowercased copy). A condition:
 * "if", "when", "unless", ... A time: "at once", "immediately", "within",
 * "same day", or a number with a unit ("15 minutes", "15m", "3 days").
 * Who: a role word (manager, incident commander, DBA, SRE, support, ...),
 * an @handle or #channel, an on-call with a team or role next to it
 * ("payments on-call", "on-call DBA"; not "the on-call" alone), or a
 * capitalised name right after a paging verb ("page Alice"). */
bool lint_esc_condition(const char *low);
bool lint_esc_time(const char *low);
bool lint_esc_who(const char *text, const char *low);

/* A console/shell block with no "$ " prompts whose lines look like sample
 * output (columns, a leading number, "key: value", JSON). */
bool lint_looks_like_output(const char *code);

#endif
