/* walker_int.h: private to the runbook walker — what views/walker.c and
 * views/walker_drill.c share. Not a contract for other modules; they use
 * walker.h. */
#ifndef PAGETTY_WALKER_INT_H
#define PAGETTY_WALKER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "walker.h"

struct source;
struct drill;

/* walker.c */

/* The step's title as plain text; owned by the caller. */
char *walker_step_title(const struct walker *w, int section, int step);
/* A run ended: its duration, the timeline, a redraw. */
void walker_finish(struct walk_run *r);
/* Record newly due escalations and (re)start the clock if anything needs it. */
void walker_timer_arm(struct app *a);

/* The demo's canned answers (runbooks/demo-canned.yaml, embedded), parsed on
 * first use and owned by the app's sessions; NULL (said on the status line
 * once) if they do not parse. */
const struct drill *walker_demo_canned(struct app *a);

/* walker_drill.c: canned answers (a drill's or the demo's), their timers,
 * and the drill scorecard's events. The scorecard functions are no-ops (or
 * return false) when this is not a drill. */

/* The drill source when this is a drill, else NULL. */
struct source *walker_drill(struct app *a);
/* Start r as the drill (walker_drill()) or the demo answers it: nothing
 * runs. The canned answer for r->command, or for raw (the block's text
 * before {{ }} expansion, may be NULL), is shown line by line over its delay
 * (a drill's in scenario time), then its exit status; in the demo a command
 * with no answer says that it was not executed. */
void walker_start_canned(struct walker *w, struct walk_run *r, const char *raw);
/* Cancel r's pending canned answer (r->canned_timer set); r finishes cancelled. */
void walker_canned_cancel(struct walker *w, struct walk_run *r);
/* Scorecard events: the alert's runbook was opened; a step was ticked. */
void walker_drill_opened(struct app *a, const struct alert *alert);
void walker_drill_step_done(struct walker *w, int section, int step, bool done);
/* In a drill, the escalation countdown of st in scenario time (*due etc. as
 * walk_escalation()) and true; false when this is not a drill. */
bool walker_drill_escalation(const struct walker *w, const struct rb_step *st, bool *due,
                             int64_t *remaining_ms, int64_t *elapsed_ms);

/* walker_chart.c: a promql {chart=} block's range chart. */

struct walk_chart;
struct promql_result;
/* The range query's [start, end] and step (chart_ms / 120 rounded down, at
 * least 1 s): end = now (whole seconds), start = now - chart_ms widened to a whole number of
 * steps so the last point is now. */
void walker_chart_window(int64_t chart_ms, double now, double *start, double *end, double *step);
/* Keep res's first series (NULL or empty: "no data") as r's chart over
 * [r->chart_end - chart_ms, r->chart_end]. */
void walker_chart_take(struct walk_run *r, const struct promql_result *res);
void walker_chart_free(struct walk_chart *c);
/* The answer as a small table appended to r's output: one line per series,
 * labels then value; warnings after. */
void walker_prom_table(struct walk_run *r, const struct promql_result *res);

#endif
