/* rules.h: Prometheus rule files (groups of alerting and recording rules,
 * the YAML `promtool check rules` reads, and what Sloth generates) parsed
 * with libyaml, every rule and field with its file:line:col, for `pagetty
 * lint`. Pure apart from rules_load_file() reading the file. */
#ifndef PAGETTY_RULES_H
#define PAGETTY_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "labels.h"
#include "util.h"

/* A position in the file, 1-based. */
struct rule_pos {
	int line;
	int col;
};

struct prom_rule {
	char *group;                     /* owned: the group's name ("" if none) */
	char *alert;                     /* owned or NULL: an alerting rule's name */
	char *record;                    /* owned or NULL: a recording rule's name */
	char *expr;                      /* owned, "" when missing */
	char *for_str;                   /* owned or NULL: "for:" as written */
	int64_t for_ms;                  /* "for:" in ms, 0 when absent or bad */
	struct labelset labels;          /* owned; values as written (untrusted) */
	struct labelset annotations;     /* owned */
	struct rule_pos *label_pos;      /* owned: parallel to labels.v (each key) */
	struct rule_pos *annotation_pos; /* owned: parallel to annotations.v */
	struct rule_pos pos;             /* the rule's mapping (its "- alert:" line) */
	struct rule_pos expr_pos;        /* the expr value, or pos when missing */
};

struct rule_file {
	char *name;               /* owned: the name given to rules_parse */
	struct prom_rule *rules;  /* owned array, in file order */
	size_t n_rules;
	size_t n_groups;
	char **problems;          /* owned array of owned "NAME:L:C: message": what
	                             promtool would refuse (unknown keys, a rule
	                             with no expr, bad label names); the rest of
	                             the file is still read */
	size_t n_problems;
};

/* Parse rule-file YAML (name is used in messages). An empty document is a
 * file with no groups. Returns 0, or -1 with err "NAME:LINE:COL: message"
 * when the YAML does not parse or is not a mapping with a "groups" list;
 * rf is always safe to free afterwards. */
int rules_parse(const char *text, size_t len, const char *name, struct rule_file *rf,
                char err[ERR_MAX]);
/* Read (at most 16 MiB) and parse a file. */
int rules_load_file(const char *path, struct rule_file *rf, char err[ERR_MAX]);
void rules_free(struct rule_file *rf);

/* Position of an annotation's key, or NULL when the rule has none of that name. */
const struct rule_pos *prom_rule_annotation_pos(const struct prom_rule *r, const char *name);

#endif
