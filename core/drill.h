/* drill.h: the runbook drill scenario format (docs/drills.md): a YAML file
 * that names an incident's alerts with fire/resolve times (resolution may
 * be tied to a mitigation being run), metric curves, canned command output
 * and injected events. Parsing is pure (bytes in, model out, libyaml), errors
 * carry file:line:col. Times are scenario seconds from the drill's start; the
 * source (datasource/drill.c) plays them `speed` times faster than the wall
 * clock. */
#ifndef PAGETTY_DRILL_H
#define PAGETTY_DRILL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "labels.h"
#include "util.h"

#define DRILL_NEVER 1e18          /* a time that never comes */
#define DRILL_MAX_ITEMS 1000      /* of each list: a bigger file is refused */
#define DRILL_MAX_POINTS 10000    /* per curve */

struct drill_alert {
	char *name;                   /* owned: the alertname label */
	struct labelset labels;       /* owned, alertname included, sorted */
	struct labelset annotations;  /* owned */
	double fire_at;               /* DRILL_NEVER: fires only when injected */
	double resolve_at;            /* DRILL_NEVER: never by time */
	char *resolve_on;             /* owned or NULL: mitigation step name or command regex */
	regex_t resolve_re;           /* compiled resolve_on, when resolve_on */
	int line, col;                /* 1-based, for messages */
};

struct drill_point {
	double t, v;                  /* scenario seconds, value */
};

struct drill_curve {
	char *name;                   /* owned: series name or query text */
	struct drill_point *pts;      /* owned, n >= 1, sorted by t */
	size_t n;
	double noise;                 /* relative noise amplitude, 0 none */
};

enum drill_match { DRILL_MATCH_EXACT, DRILL_MATCH_REGEX };

struct drill_canned {
	enum drill_match match;
	char *alert;                  /* owned or NULL: answers only in this alert's runbook */
	char *command;                /* owned: the command, or an ERE */
	regex_t re;                   /* compiled when match is regex */
	char *output;                 /* owned, may be "" */
	int exit_code;
	double delay;                 /* scenario seconds before the answer shows */
};

enum drill_action { DRILL_FIRE, DRILL_RESOLVE, DRILL_WORSEN };

struct drill_inject {
	double at;                    /* scenario time, or DRILL_NEVER when on_mitigation */
	char *on_mitigation;          /* owned or NULL: step name or command regex */
	regex_t on_re;                /* compiled on_mitigation */
	enum drill_action action;
	char *target;                 /* owned: alert name (fire/resolve) or curve name (worsen) */
	double factor;                /* worsen: curve values are multiplied from then on */
	int line, col;
};

struct drill {
	char *file;                   /* owned: for messages */
	char *name;                   /* owned */
	char *description;            /* owned, "" when none */
	double duration;              /* scenario seconds the drill lasts at most */
	double speed;                 /* scenario seconds per wall second, >= 1 */
	double escalate_by;           /* scenario seconds after the first fire; 0: none expected */
	struct drill_alert *alerts;   /* owned array */
	size_t n_alerts;
	struct drill_curve *curves;   /* owned array */
	size_t n_curves;
	struct drill_canned *canned;  /* owned array, first match wins */
	size_t n_canned;
	struct drill_inject *injects; /* owned array */
	size_t n_injects;
};

/* Parse a scenario. file names the input in messages. Returns 0, or -1
 * with err "FILE:LINE:COL: message" (d is then empty). */
int drill_parse(struct drill *d, const char *buf, size_t len, const char *file,
                char err[ERR_MAX]);
/* Parse a file of canned answers only (the demo's, runbooks/demo-canned.yaml):
 * the keys name, description and canned; no alerts are needed. */
int drill_parse_canned(struct drill *d, const char *buf, size_t len, const char *file,
                       char err[ERR_MAX]);
/* Read (at most 4 MiB) and parse. */
int drill_load(struct drill *d, const char *path, char err[ERR_MAX]);
void drill_free(struct drill *d);  /* idempotent; d is zeroed */

/* The first canned answer for command (exact after trimming blanks, or the
 * regex matches) run from alertname's runbook, or NULL. An answer with an
 * alert: key is skipped unless it names alertname; alertname NULL skips
 * them all. */
const struct drill_canned *drill_canned_find(const struct drill *d, const char *alertname,
                                             const char *command);
/* What a command run in a drill or the demo shows: its canned answer, or
 * none (borrowed) when nothing matched. output is borrowed from d (or is
 * none). */
struct drill_reply {
	const char *output;
	int exit_code;
	int64_t delay_ms;           /* wall milliseconds before it shows (delay / speed) */
	bool canned;
};
void drill_canned_reply(const struct drill *d, const char *alertname, const char *command,
                        double speed, const char *none, struct drill_reply *r);
/* Does a mitigation pattern (compiled re of pattern) match a step run?
 * True when pattern equals the step title (case-insensitive) or re matches
 * the title or the command. step and command may be NULL. */
bool drill_pattern_match(const char *pattern, const regex_t *re, const char *step,
                         const char *command);
/* A curve's value at scenario time t: linear between points, held flat
 * before the first and after the last. No noise. */
double drill_curve_at(const struct drill_curve *c, double t);
/* The curve named name (series name or query text, exact), or NULL. */
const struct drill_curve *drill_curve_find(const struct drill *d, const char *name);
/* The alert named name, or -1. */
long drill_alert_find(const struct drill *d, const char *name);

#endif
