/* walker_drill.c: the runbook walker in a drill (see walker_int.h): a step's
 * command is not run but answered from the scenario's canned outputs after
 * their delay (a timer per run), the escalation clock counts in scenario time,
 * and opening the runbook, ticking a step and each answer are logged as
 * scorecard events through the drill source. The rest of the walker is in
 * walker.c. */
#include <stdlib.h>
#include <string.h>

#include "../datasource/drill.h"
#include "views.h"
#include "walker.h"
#include "walker_int.h"

/* The drill source when this is a drill, else NULL. */
struct source *walker_drill(struct app *a)
{
	return drill_source_find(a->sources, a->n_sources);
}

static enum drill_sec walker_drill_sec(enum rb_kind k)
{
	switch (k) {
	case RB_VERIFY:
	case RB_TRIAGE: return DRILL_SEC_TRIAGE;
	case RB_MITIGATION: return DRILL_SEC_MITIGATION;
	case RB_ESCALATION: return DRILL_SEC_ESCALATION;
	default: return DRILL_SEC_OTHER;
	}
}

/* Drill: the canned answer shows after its delay; nothing runs. */
static void walker_drill_fire(struct loop *l, void *data)
{
	struct walk_run *r = data;
	struct source *src;
	const struct drill_canned *c;
	const char *out = "(no output in this drill)\n";

	(void)l;
	r->drill_timer = 0;
	src = r->w ? walker_drill(r->w->app) : NULL;
	c = src ? drill_canned_find(drill_source_drill(src), alert_name(r->w->alert), r->command) : NULL;
	if (c)
		out = c->output;
	walk_out_append(&r->out, out, strlen(out));
	if (*out && out[strlen(out) - 1] != '\n')
		walk_out_append(&r->out, "\n", 1);
	if (src) {
		char *title = walker_step_title(r->w, r->section, r->step);

		drill_source_answered(src, title, r->command, r->rollback, r->exit_code);
		free(title);
	}
	walker_finish(r);
}

void walker_start_drill(struct walker *w, struct walk_run *r, struct source *src)
{
	const struct rb_section *sec = &w->rb.sections[r->section];
	const struct rb_step *st = &sec->steps[r->step];
	const struct rb_block *b = walk_runnable(st);
	struct drill_reply rep;
	char *title = walker_step_title(w, r->section, r->step);
	int rev = st->has_rev ? (int)st->rev : b && b->has_rev ? (int)b->rev : 0;

	drill_source_run(src, alert_name(w->alert), walker_drill_sec(sec->kind), title, r->command,
	                 rev, r->rollback, &rep);
	free(title);
	r->demo = true;
	r->exit_code = rep.exit_code;
	r->drill_timer = loop_add_timer(w->app->loop, rep.delay_ms, walker_drill_fire, r);
	walker_timer_arm(w->app);
	app_dirty(w->app);
}

void walker_drill_cancel(struct walker *w, struct walk_run *r)
{
	loop_del_timer(w->app->loop, r->drill_timer);
	r->drill_timer = 0;
	r->cancelled = true;
	r->exit_code = -1;
	walker_finish(r);
}

/* ---- scorecard events ---- */

void walker_drill_opened(struct app *a, const struct alert *alert)
{
	if (walker_drill(a))
		drill_source_runbook(walker_drill(a), alert_name(alert));
}

void walker_drill_step_done(struct walker *w, int section, int step, bool done)
{
	char *title;

	if (walker_drill(w->app)) {
		title = walker_step_title(w, section, step);
		drill_source_step_done(walker_drill(w->app), alert_name(w->alert),
		                       walker_drill_sec(w->rb.sections[section].kind), title, done);
		free(title);
	}
}

/* ---- escalation clock ---- */

bool walker_drill_escalation(const struct walker *w, const struct rb_step *st, bool *due,
                             int64_t *remaining_ms, int64_t *elapsed_ms)
{
	struct source *src = walker_drill(w->app);

	if (src) {
		/* a drill's clock runs `speed` times faster: count in scenario
		 * time (shifted so that no time is <= 0, "unknown") */
		double now = wall_now(), v = drill_source_now(src) + 1e9;
		double speed = drill_source_drill(src)->speed;

		*due = walk_escalation(w->alert->starts > 0 ? v - (now - w->alert->starts) * speed : 0,
		                       v - (now - w->opened) * speed, st->escalate_after_ms, v,
		                       remaining_ms, elapsed_ms);
		return true;
	}
	return false;
}
