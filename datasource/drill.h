/* drill.h: the drill source (datasource/drill.c): a parsed scenario
 * (core/drill.h) played through the source_ops interface, `speed` times
 * faster than the wall clock, plus what the walker needs in drill mode:
 * canned answers instead of running anything, mitigations that resolve or
 * worsen the incident, and the event log the scorecard is computed from.
 * Its metrics (curves by series name or query) feed the SLO and Signals
 * views through datasource/metrics.h. */
#ifndef PAGETTY_DRILL_SOURCE_H
#define PAGETTY_DRILL_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/drill.h"
#include "../core/scorecard.h"
#include "metrics.h"
#include "source.h"

/* Takes *d (zeroed on return). The drill starts now (wall_now()). */
struct source *drill_source_new(struct loop *l, struct drill *d);
/* Is s a drill source? NULL: false. */
bool drill_source_is(const struct source *s);
/* The first drill source among v[n], or NULL. */
struct source *drill_source_find(struct source **v, size_t n);

/* Scenario seconds since the drill began. */
double drill_source_now(const struct source *s);
const struct drill *drill_source_drill(const struct source *s);
const struct drill_log *drill_source_log(const struct source *s);

/* A step's command was "run": answer it (drill_canned_reply, output
 * "(no output in this drill)\n" when nothing matched) and log it. Nothing is
 * ever executed. */
void drill_source_run(struct source *s, const char *alertname, enum drill_sec sec,
                      const char *step, const char *command, int rev, bool rollback,
                      struct drill_reply *r);
/* Its answer has shown (after the delay): apply what it causes when it
 * succeeded and is not a rollback (alerts resolved by resolve_on,
 * on_mitigation injects), then tell the app through on_update from a 0 ms
 * timer. */
void drill_source_answered(struct source *s, const char *step, const char *command,
                           bool rollback, int exit_code);
void drill_source_step_done(struct source *s, const char *alertname, enum drill_sec sec,
                            const char *step, bool done);
void drill_source_runbook(struct source *s, const char *alertname);
/* Over: every alert that fired has resolved and nothing else is due, or
 * the drill's duration has passed. */
bool drill_source_over(const struct source *s);
/* The scorecard as of now (caller frees with scorecard_free). */
void drill_source_score(const struct source *s, struct scorecard *sc);

/* Curve k of the drill at scenario time t: interpolated, worsened by
 * injects, with deterministic noise when noise; never negative. */
double drill_source_curve(const struct source *s, size_t k, double t, bool noise);

/* The drill's curves behind the metrics interface (drill_metrics.c); src (a drill source)
 * and l are borrowed and must outlive it. */
struct metrics *metrics_drill_new(struct loop *l, struct source *src);

#endif
