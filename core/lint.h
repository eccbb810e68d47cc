/* lint.h: `pagetty lint` checks: what makes a runbook followable at 3 AM
 * (sections, steps with commands, mitigation tags and rollbacks, escalation
 * with a condition, a time and someone to page, code that parses) and
 * whether paging alert rules link to a runbook that exists (issue 5 §5).
 * Takes parsed runbooks and rule files, produces findings. Pure except that
 * runbook_url lookup checks which files exist, and shell blocks are given
 * to `sh -n` (never run) when opts->shell_check is set. */
#ifndef PAGETTY_LINT_H
#define PAGETTY_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "runbook.h"
#include "util.h"

enum lint_level { LINT_WARNING = 0, LINT_ERROR };

struct lint_finding {
	char *file;           /* owned, sanitized */
	int line;             /* 1-based */
	enum lint_level level;
	const char *rule;     /* static rule id, e.g. "escalation-who" */
	char *message;        /* owned, sanitized */
};

struct lint_report {
	struct lint_finding *v; /* owned array */
	size_t n, cap;
	size_t n_errors, n_warnings;
};

/* Every rule id with its level and what it checks (for docs and tests). */
struct lint_rule_info {
	const char *id;
	enum lint_level level;
	const char *what;
};
const struct lint_rule_info *lint_rule_infos(size_t *n);

struct lint_opts {
	const char *const *runbook_dirs; /* borrowed: where runbook_url and alertnames are looked up */
	size_t n_runbook_dirs;
	const char *base_url;            /* borrowed or NULL: runbooks.base_url */
	bool shell_check;                /* give shell blocks to `sh -n` */
	const char *shell;               /* borrowed or NULL: "/bin/sh" */
	int64_t shell_timeout_ms;        /* per block; 0: 2000 */
	const char *paging;              /* borrowed or NULL: comma-separated severities that
	                                    page (any case); NULL: "page,critical" */
};

struct lint_input {
	const struct runbook *runbooks;      /* borrowed array; each .source names its file */
	size_t n_runbooks;
	const struct rule_file *rule_files;  /* borrowed array */
	size_t n_rule_files;
};

/* Run every check; findings are appended to out, sorted by file and line. */
void lint_run(const struct lint_input *in, const struct lint_opts *o, struct lint_report *out);

/* Append one finding (file and message are sanitized copies). */
void lint_add(struct lint_report *r, const char *file, int line, enum lint_level level,
              const char *rule, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void lint_report_sort(struct lint_report *r);
/* "file:line: level: message (rule)\n" per finding; JSON array
 * [{"file","line","level","rule","message"}]. Malloced. */
char *lint_report_text(const struct lint_report *r);
char *lint_report_json(const struct lint_report *r);
void lint_report_free(struct lint_report *r);
const char *lint_level_str(enum lint_level l);   /* "error", "warning" */

/* The code checks, usable alone. Each returns 0 when the code is fine, 1
 * with msg and *line (1-based within code, 0 unknown) when it is not;
 * lint_sh_check returns -1 with msg when the shell could not be run or
 * did not finish in time. */
int lint_sh_check(const char *shell, const char *code, int64_t timeout_ms,
                  char msg[ERR_MAX], int *line);
int lint_promql_check(const char *code, char msg[ERR_MAX], int *line);

#endif
