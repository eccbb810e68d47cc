/* walker.h: the runbook walker's sessions, one per alert opened, kept for
 * the app's life so that leaving the Runbook view and coming back keeps the
 * checkboxes, the running commands and their output. A session owns the
 * parsed runbook, its done flags (core/walk.h), the last run of each step
 * (a job from exec/job.h, an instant query, or a drill's or the demo's canned answer), the escalation
 * clock and the incident timeline. No curses here; runbook.c draws it. */
#ifndef PAGETTY_WALKER_H
#define PAGETTY_WALKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/promql.h"
#include "../core/runbook.h"
#include "../core/timeline.h"
#include "../core/walk.h"
#include "app.h"

struct walker;
struct job;

/* One run of a step's block (or of its Rollback: command). */
struct walk_run {
	struct walker *w;        /* borrowed back pointer; NULL once orphaned (the
	                            session is gone and the job frees the run) */
	int section, step;
	bool rollback;
	bool promql;
	char *command;           /* owned: what ran, after template expansion */
	char *lang;              /* owned: "sh", "promql", ... */
	struct walk_out out;     /* owned: raw output (promql: the table as text) */
	struct job *job;         /* borrowed while the job runs, else NULL */
	uint64_t prom_id;        /* query in flight, 0 none */
	uint64_t canned_timer;   /* drill or demo: the canned answer's next line is due, 0 none */
	char *canned;            /* owned or NULL: the canned answer being shown */
	size_t canned_off;       /* bytes of canned shown so far */
	int64_t canned_tick_ms;  /* between its lines (the answer's delay spread over them) */
	bool running, timed_out, cancelled, truncated, demo;
	int exit_code;           /* -1 when killed or never started */
	int signal;              /* terminating signal, 0 none */
	char err[ERR_MAX];       /* "" or why it failed to start / the query error */
	int64_t started_ms, duration_ms;
	size_t scroll;           /* lines scrolled up from the end of the output */
	int64_t chart_ms;        /* promql {chart=}: a range query over this span, 0 none */
	double chart_end;        /* wall time the range ends */
	struct walk_chart *chart; /* owned or NULL: the answer's first series (walker_chart.c) */
};

struct walker {
	struct app *app;         /* borrowed */
	struct alert *alert;     /* owned copy */
	char *key;               /* owned: cluster + fingerprint (+ alertname) */
	struct runbook rb;       /* owned when have_rb */
	bool have_rb;
	struct walk walk;        /* owned when have_rb */
	struct walk_run **runs;  /* owned array of 2 * walk.n_steps: [2i] the step's
	                            last run, [2i+1] its rollback's; NULL none */
	bool *esc_due;           /* owned, walk.n_steps: escalation recorded as due */
	double opened;           /* wall time the session began */
	struct timeline tl;      /* owned; fd -1 until the first event */
	bool tl_failed;          /* could not open: said once, not retried */
};

/* The session for an alert (created, and alert_opened recorded, the first
 * time). Never NULL. The app owns it. */
struct walker *walker_get(struct app *a, const struct alert *alert);
/* Hand the session its parsed runbook (taken: *rb is zeroed). Ignored when it
 * already has one: the first parse stays, so steps keep their indices. */
void walker_set_runbook(struct walker *w, struct runbook *rb);

/* Rows the run's chart takes in the output pane (0: none), and drawing it
 * in a box (views/walker_chart.c). */
#define WALKER_CHART_ROWS 9
int walker_chart_rows(const struct walk_run *r);
void walker_chart_draw(const struct walk_run *r, int y, int x, int h, int w);

/* The last run of a step (rollback: of its Rollback: command), or NULL. */
struct walk_run *walker_run_of(struct walker *w, int section, int step, bool rollback);
/* Run the step's block (or rollback), asking first as walk_confirm_for()
 * says (a y/N overlay, or a prompt to type the alertname). Errors and
 * refusals go to the status line. */
void walker_run(struct walker *w, int section, int step, bool rollback);
/* Cancel the step's running job(s) or query. Returns true if one ran. */
bool walker_cancel(struct walker *w, int section, int step);
/* Toggle done; recorded in the timeline. */
void walker_toggle(struct walker *w, int section, int step);
/* Escalation countdown of a step: false when it has none; else *due and
 * *remaining_ms / *elapsed_ms as walk_escalation(). */
bool walker_escalation(const struct walker *w, int section, int step, bool *due,
                       int64_t *remaining_ms, int64_t *elapsed_ms);

/* The Runbook view tells when it is open (the 1 s clock runs while it is,
 * or while an escalation is pending). */
void walker_view_open(struct app *a, bool open);
/* "ESCALATE: page the checkout on-call — 15m elapsed" for the first due
 * item of any session, else "". Sanitized. */
void walker_escalate_text(struct app *a, char *out, size_t n);
/* Jobs and queries running in every session. */
size_t walker_running(struct app *a);
/* The session opened last (the current incident), or NULL. */
struct walker *walker_current(struct app *a);
/* Quit: cancel every job and stop the loop once all are reaped, at most
 * ~3 s later. */
void walker_quit(struct app *a);
/* At app_free: end what still runs (bounded), then free every session. */
void walker_free_all(struct app *a);

/* A spinner frame for now (ASCII or Unicode). */
const char *walker_spinner(void);

#endif
