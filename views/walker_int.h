/* walker_int.h: private to the runbook walker — what views/walker.c and
 * views/walker_drill.c share. Not a contract for other modules; they use
 * walker.h. */
#ifndef PAGETTY_WALKER_INT_H
#define PAGETTY_WALKER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "walker.h"

struct source;

/* walker.c */

/* The step's title as plain text; owned by the caller. */
char *walker_step_title(const struct walker *w, int section, int step);
/* A run ended: its duration, the timeline, a redraw. */
void walker_finish(struct walk_run *r);
/* Record newly due escalations and (re)start the clock if anything needs it. */
void walker_timer_arm(struct app *a);

/* walker_drill.c: a drill's canned answers, their timers and the scorecard's
 * events. Each is a no-op (or returns false) when this is not a drill. */

/* The drill source when this is a drill, else NULL. */
struct source *walker_drill(struct app *a);
/* Start r as the drill answers it (src: walker_drill()): nothing runs, the
 * canned output shows after the scenario's delay. */
void walker_start_drill(struct walker *w, struct walk_run *r, struct source *src);
/* Cancel r's pending canned answer (r->drill_timer set); r finishes cancelled. */
void walker_drill_cancel(struct walker *w, struct walk_run *r);
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

#endif
