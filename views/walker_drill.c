/* walker_drill.c: the runbook walker where nothing runs (see walker_int.h).
 * In a drill and in the demo a step's command is answered from canned
 * outputs (the drill scenario's, or the demo's runbooks/demo-canned.yaml):
 * its lines appear one by one over the answer's delay (a timer per run),
 * then its exit status. In a drill the escalation clock also counts in
 * scenario time, and opening the runbook, ticking a step and each answer
 * are logged as scorecard events through the drill source. The rest of the
 * walker is in walker.c. */
#include <stdlib.h>
#include <string.h>

#include "../core/drill.h"
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

/* Lines in s (a last line without '\n' counts). */
static size_t walker_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (*s == '\n' || !s[1])
			n++;
	return n;
}

/* The canned answer's next line is due (all of it when it has no delay);
 * after the last, the run ends with the answer's exit status. */
static void walker_canned_fire(struct loop *l, void *data)
{
	struct walk_run *r = data;
	const char *rest = r->canned ? r->canned + r->canned_off : "";
	const char *nl;
	size_t n = strlen(rest);
	struct source *src;

	(void)l;
	r->canned_timer = 0;
	if (r->canned_tick_ms > 0 && (nl = strchr(rest, '\n')) && nl[1])
		n = (size_t)(nl - rest) + 1;
	walk_out_append(&r->out, rest, n);
	r->canned_off += n;
	if (r->canned && r->canned[r->canned_off]) {
		r->canned_timer = loop_add_timer(r->w->app->loop, r->canned_tick_ms,
		                                 walker_canned_fire, r);
		app_dirty(r->w->app);
		return;
	}
	if (r->canned_off && r->canned[r->canned_off - 1] != '\n')
		walk_out_append(&r->out, "\n", 1);
	src = walker_drill(r->w->app);
	if (src) {
		char *title = walker_step_title(r->w, r->section, r->step);

		drill_source_answered(src, title, r->command, r->rollback, r->exit_code);
		free(title);
	}
	free(r->canned);
	r->canned = NULL;
	walker_finish(r);
}

void walker_start_canned(struct walker *w, struct walk_run *r, const char *raw)
{
	const struct rb_section *sec = &w->rb.sections[r->section];
	const struct rb_step *st = &sec->steps[r->step];
	const struct rb_block *b = walk_runnable(st);
	struct source *src = walker_drill(w->app);
	const char *an = alert_name(w->alert);
	struct drill_reply rep = {0};
	size_t lines;

	if (src) {
		char *title = walker_step_title(w, r->section, r->step);
		int rev = st->has_rev ? (int)st->rev : b && b->has_rev ? (int)b->rev : 0;

		drill_source_run(src, an, walker_drill_sec(sec->kind), title, r->command, rev,
		                 r->rollback, &rep);
		free(title);
		r->canned = xstrdup(rep.output ? rep.output : "");
	} else {
		const struct drill *d = walker_demo_canned(w->app);

		/* the demo answers the runbook's own text, or its expansion */
		if (d)
			drill_canned_reply(d, an, r->command, 1, NULL, &rep);
		if (d && !rep.canned && raw)
			drill_canned_reply(d, an, raw, 1, NULL, &rep);
		if (rep.canned)
			r->canned = xstrdup(rep.output);
		else
			r->canned = xasprintf("(demo: not executed, and the demo has no canned output "
			                      "for it; this would run: %s)\n", r->command);
	}
	r->demo = true;
	r->exit_code = rep.exit_code;
	lines = walker_lines(r->canned);
	r->canned_tick_ms = rep.delay_ms > 0 && lines ? rep.delay_ms / (int64_t)lines : 0;
	if (rep.delay_ms > 0 && r->canned_tick_ms == 0)
		r->canned_tick_ms = 1;
	r->canned_timer = loop_add_timer(w->app->loop, r->canned_tick_ms ? r->canned_tick_ms :
	                                 rep.delay_ms, walker_canned_fire, r);
	walker_timer_arm(w->app);
	app_dirty(w->app);
}

void walker_canned_cancel(struct walker *w, struct walk_run *r)
{
	loop_del_timer(w->app->loop, r->canned_timer);
	r->canned_timer = 0;
	free(r->canned);
	r->canned = NULL;
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
