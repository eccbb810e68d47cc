/* timeline.h: the incident timeline (DESIGN.md §8). One JSON Lines file per
 * incident under timeline.dir; every event is one line written with a single
 * write() and fsync'd before the call returns, so a dropped session or a
 * kill -9 loses nothing already recorded and leaves at worst a torn last
 * line, which reading ignores. Export turns a file into postmortem-ready
 * markdown. No terminal, no network; nothing secret is ever written (callers
 * pass no tokens and the environment is never recorded).
 *
 * Every line is {"ts": RFC 3339 UTC with ms, "event": NAME, ...fields}:
 *   alert_opened      alertname cluster fingerprint starts_at severity state
 *                     summary labels{} annotations{}
 *   step_run          section step lang command exit signal timed_out cancelled
 *                     duration_ms output output_bytes output_truncated error
 *   step_done / step_undone          section step
 *   silence_created   id matchers ends_at comment
 *   silence_expired   id
 *   escalation_due    item elapsed_s
 *   note              text
 * Strings are stored as valid UTF-8 (invalid bytes become U+FFFD); step
 * output is capped and passed through text_sanitize() first. */
#ifndef PAGETTY_TIMELINE_H
#define PAGETTY_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "alert.h"
#include "util.h"

#define TIMELINE_OUTPUT_CAP (16u << 10) /* default bytes of output kept per step_run */
#define TIMELINE_TEXT_CAP (64u << 10)   /* any other string field is cut to this */
#define TIMELINE_READ_MAX (64u << 20)   /* a bigger file is refused by timeline_read */

/* Start from TIMELINE_INIT; timeline_close() is safe on it and after any
 * timeline_open*(), failed or not. */
#define TIMELINE_INIT { .fd = -1, .path = NULL, .output_cap = 0 }

struct timeline {
	int fd;              /* -1 when closed */
	char *path;          /* owned or NULL */
	size_t output_cap;   /* step output bytes kept (head and tail); 0: TIMELINE_OUTPUT_CAP */
};

/* The file name for an alert's incident, malloced:
 * "2026-11-22_CheckoutHighErrorRate_3f2a9c1d0b7e4a55.jsonl" -- the UTC date
 * the alert started (now when unknown), the alertname and the fingerprint
 * reduced to [A-Za-z0-9_-] (a hash of the labels when there is none), so no
 * alert can name a path outside the directory. */
char *timeline_file_name(const struct alert *a, double now);

/* Open (create, or append to) the incident file for a under dir: dir is
 * "~"-expanded and created with mode 0700 where missing (mkdir -p), the file
 * with 0600, opened O_APPEND|O_CLOEXEC|O_NOFOLLOW. A torn last line left by
 * an earlier crash is closed with a newline first. Returns 0, or -1 with err
 * ("PATH: reason"); t is then closed. */
int timeline_open(struct timeline *t, const char *dir, const struct alert *a, char err[ERR_MAX]);
/* The same for an explicit file path (its directory must exist). */
int timeline_open_path(struct timeline *t, const char *path, char err[ERR_MAX]);
void timeline_close(struct timeline *t); /* idempotent; t->fd = -1 */

/* Append one event: fields is NULL or a JSON object, taken (freed here, also
 * on error); "ts" (wall_now()) and "event" are put first. One write(), then
 * fsync(). Returns 0 or -1 with err. */
int timeline_append(struct timeline *t, const char *event, cJSON *fields, char err[ERR_MAX]);

int timeline_alert_opened(struct timeline *t, const struct alert *a, char err[ERR_MAX]);

/* One finished run of a step's command (or promql query). */
struct timeline_run {
	const char *section;   /* borrowed or NULL: "Initial triage" */
	const char *step;      /* borrowed or NULL: the step's title */
	const char *lang;      /* borrowed or NULL: "sh", "promql", ... */
	const char *command;   /* borrowed: what ran, after template expansion */
	int exit_code;         /* exit status; -1 when killed or never started */
	int signal;            /* terminating signal, 0 if none */
	bool timed_out;
	bool cancelled;
	int64_t duration_ms;
	const char *output;    /* borrowed raw bytes (not NUL-terminated) or NULL */
	size_t output_len;
	bool truncated;        /* the runner already dropped output past its limit */
	const char *error;     /* borrowed or NULL: why it could not start */
};
int timeline_step_run(struct timeline *t, const struct timeline_run *r, char err[ERR_MAX]);
int timeline_step_done(struct timeline *t, const char *section, const char *step, bool done,
                       char err[ERR_MAX]);
int timeline_silence_created(struct timeline *t, const char *id, const char *matchers,
                             const char *ends_at, const char *comment, char err[ERR_MAX]);
int timeline_silence_expired(struct timeline *t, const char *id, char err[ERR_MAX]);
int timeline_escalation_due(struct timeline *t, const char *item, int64_t elapsed_s,
                            char err[ERR_MAX]);
int timeline_note(struct timeline *t, const char *text, char err[ERR_MAX]);

/* A timeline as read back. */
struct timeline_log {
	cJSON **events;        /* owned array of owned objects, in file order; each
	                          has string "ts" and "event" */
	size_t n, cap;
	char **warnings;       /* owned array of owned messages ("line 7: ...") */
	size_t n_warnings, cap_warnings;
};

/* Parse JSON Lines (pure). Lines that are not a JSON object with string
 * "ts" and "event" are skipped with a warning; a torn last line (no final
 * newline) is skipped with a warning that says so. Never fails. */
void timeline_parse(const char *buf, size_t len, struct timeline_log *log);
/* Read and parse a file (at most TIMELINE_READ_MAX bytes). Returns 0, or -1
 * with err when the file cannot be read. */
int timeline_read(const char *path, struct timeline_log *log, char err[ERR_MAX]);
void timeline_log_free(struct timeline_log *log);

/* Postmortem-ready markdown (malloced): title, the alert, a time-stamped
 * table of every event, each command with its exit status, duration and an
 * output excerpt in a fenced block no output can close, notes. Every string
 * is sanitized and markdown-escaped. */
char *timeline_export(const struct timeline_log *log);

#endif
