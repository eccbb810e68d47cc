/* walker.c: the runbook walker's sessions (see walker.h): running a step as
 * a job (alert context in the environment, {{ $labels.x }} expanded as one
 * shell word), as a query against the first Prometheus (a range query and
 * a chart for a {chart=} block: walker_chart.c), or in a drill or the demo
 * as a canned answer (walker_drill.c; nothing runs); the confirmations a step's
 * reversibility asks for; the escalation clock on a 1 s timer; the
 * incident timeline; and ending every job, bounded, when pagetty quits.
 * Canned answers (a drill's, the demo's runbooks/demo-canned.yaml), their
 * timers and a drill's scorecard events are in walker_drill.c. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../core/drill.h"
#include "../core/template.h"
#include "../core/text.h"
#include "../datasource/prometheus.h"
#include "../datasource/source.h"
#include "../exec/job.h"
#include "views.h"
#include "walker.h"
#include "walker_int.h"

#define WALKER_QUIT_MS 3000
#define WALKER_TICK_MS 1000
#define WALKER_SPIN_MS 250

struct walker_set {
	struct walker **v;       /* owned sessions, in the order opened */
	size_t n, cap;
	struct walker *current;  /* borrowed: the last one opened */
	bool view_open;          /* the Runbook view is on the stack */
	uint64_t timer;          /* the clock, 0 when off */
	uint64_t quit_timer;
	int64_t quit_deadline;
	struct prom *prom;       /* owned, made on the first promql run, or NULL */
	struct drill *demo_canned; /* owned, parsed on the demo's first run, or NULL */
	bool demo_canned_failed; /* it did not parse: said once */
};

static struct walker_set *walker_set_of(struct app *a)
{
	if (!a->walkers)
		a->walkers = xcalloc(1, sizeof *a->walkers);
	return a->walkers;
}

/* ---- the demo's canned answers ---- */

const struct drill *walker_demo_canned(struct app *a)
{
	struct walker_set *s = walker_set_of(a);
	const char *y = scenario_canned_yaml();
	char err[ERR_MAX];

	if (s->demo_canned || s->demo_canned_failed)
		return s->demo_canned;
	s->demo_canned = xcalloc(1, sizeof *s->demo_canned);
	if (drill_parse_canned(s->demo_canned, y, strlen(y), "demo-canned.yaml", err) < 0) {
		free(s->demo_canned);
		s->demo_canned = NULL;
		s->demo_canned_failed = true;
		app_status(a, TUI_ERROR, "demo: %s", err);
	}
	return s->demo_canned;
}

/* ---- timeline ---- */

static struct timeline *walker_tl(struct walker *w)
{
	char err[ERR_MAX];
	const char *dir = w->app->cfg ? w->app->cfg->timeline_dir : NULL;

	if (w->app->demo || w->tl_failed)
		return NULL;
	if (w->tl.fd >= 0)
		return &w->tl;
	if (!dir || !*dir) {
		w->tl_failed = true;
		return NULL;
	}
	if (timeline_open(&w->tl, dir, w->alert, err) < 0) {
		w->tl_failed = true;
		app_status(w->app, TUI_ERROR, "timeline: %s", err);
		return NULL;
	}
	return &w->tl;
}

static void walker_tl_err(struct walker *w, int rc, const char *err)
{
	if (rc < 0)
		app_status(w->app, TUI_ERROR, "timeline: %s", err);
}

char *walker_step_title(const struct walker *w, int section, int step)
{
	const struct rb_section *sec = &w->rb.sections[section];

	return rb_text_plain(&sec->steps[step].text);
}

static void walker_record_run(struct walker *w, struct walk_run *r)
{
	struct timeline *tl = walker_tl(w);
	struct timeline_run tr = {0};
	char err[ERR_MAX] = "";
	char *title;

	if (!tl || r->demo)
		return;
	title = walker_step_title(w, r->section, r->step);
	tr.section = w->rb.sections[r->section].title;
	tr.step = title;
	tr.lang = r->rollback ? "rollback" : r->lang;
	tr.command = r->command;
	tr.exit_code = r->exit_code;
	tr.signal = r->signal;
	tr.timed_out = r->timed_out;
	tr.cancelled = r->cancelled;
	tr.duration_ms = r->duration_ms;
	tr.output = r->out.raw.data;
	tr.output_len = r->out.raw.len;
	tr.truncated = r->truncated;
	tr.error = r->err[0] ? r->err : NULL;
	walker_tl_err(w, timeline_step_run(tl, &tr, err), err);
	free(title);
}

/* ---- sessions ---- */

static char *walker_key(const struct alert *al)
{
	return xasprintf("%s\x1f%s\x1f%s", al->cluster ? al->cluster : "", al->fingerprint,
	                 alert_name(al));
}

struct walker *walker_get(struct app *a, const struct alert *alert)
{
	struct walker_set *s = walker_set_of(a);
	struct walker *w;
	char *key = walker_key(alert);
	char err[ERR_MAX] = "";
	struct timeline *tl;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (!strcmp(s->v[i]->key, key)) {
			free(key);
			s->current = s->v[i];
			return s->v[i];
		}
	}
	w = xcalloc(1, sizeof *w);
	w->app = a;
	w->alert = alert_dup(alert);
	w->key = key;
	w->opened = wall_now();
	w->tl.fd = -1;
	xgrow(&s->v, &s->cap, s->n + 1, sizeof *s->v);
	s->v[s->n++] = w;
	s->current = w;
	tl = walker_tl(w);
	if (tl)
		walker_tl_err(w, timeline_alert_opened(tl, w->alert, err), err);
	walker_drill_opened(a, alert);
	return w;
}

void walker_set_runbook(struct walker *w, struct runbook *rb)
{
	if (w->have_rb) {
		runbook_free(rb);
		memset(rb, 0, sizeof *rb);
		return;
	}
	w->rb = *rb;
	memset(rb, 0, sizeof *rb);
	w->have_rb = true;
	walk_init(&w->walk, &w->rb);
	w->runs = xcalloc(2 * w->walk.n_steps + 1, sizeof *w->runs);
	w->esc_due = xcalloc(w->walk.n_steps + 1, sizeof *w->esc_due);
	walker_timer_arm(w->app);
}

static struct walk_run **walker_slot(struct walker *w, int section, int step, bool rollback)
{
	size_t i;

	if (!w->have_rb)
		return NULL;
	i = walk_index(&w->walk, section, step);
	if (i == (size_t)-1)
		return NULL;
	return &w->runs[2 * i + (rollback ? 1 : 0)];
}

struct walk_run *walker_run_of(struct walker *w, int section, int step, bool rollback)
{
	struct walk_run **slot = walker_slot(w, section, step, rollback);

	return slot ? *slot : NULL;
}

static void walk_run_free(struct walk_run *r)
{
	if (!r)
		return;
	if (r->canned_timer && r->w)
		loop_del_timer(r->w->app->loop, r->canned_timer);
	free(r->canned);
	free(r->command);
	free(r->lang);
	walker_chart_free(r->chart);
	walk_out_free(&r->out);
	free(r);
}

/* ---- running ---- */

void walker_finish(struct walk_run *r)
{
	r->running = false;
	r->duration_ms = now_ms() - r->started_ms;
	if (r->w) {
		walker_record_run(r->w, r);
		app_dirty(r->w->app);
	}
}

static void walker_on_output(struct job *j, const char *buf, size_t n, void *data)
{
	struct walk_run *r = data;

	(void)j;
	walk_out_append(&r->out, buf, n);
	if (r->w)
		app_dirty(r->w->app);
}

static void walker_on_exit(struct job *j, int status, bool timed_out, bool cancelled,
                           const char *exec_err, void *data)
{
	struct walk_run *r = data;

	r->truncated = job_truncated(j);
	r->job = NULL;
	r->timed_out = timed_out;
	r->cancelled = cancelled;
	if (exec_err && *exec_err)
		snprintf(r->err, sizeof r->err, "%s", exec_err);
	if (WIFEXITED(status)) {
		r->exit_code = WEXITSTATUS(status);
		r->signal = 0;
	} else if (WIFSIGNALED(status)) {
		r->exit_code = -1;
		r->signal = WTERMSIG(status);
	} else {
		r->exit_code = -1;
	}
	if (!r->w) { /* orphaned at exit: nobody shows it any more */
		walk_run_free(r);
		return;
	}
	walker_finish(r);
}

static void walker_prom_done(struct prom *p, struct prom_answer *ans, void *data)
{
	struct walk_run *r = data;

	(void)p;
	r->prom_id = 0;
	if (r->chart_ms && ans->ok) /* a failed query: only its error, as instant ones */
		walker_chart_take(r, &ans->result);
	walker_prom_table(r, &ans->result);
	if (ans->ok) {
		r->exit_code = 0;
	} else {
		r->exit_code = 1;
		snprintf(r->err, sizeof r->err, "%s", ans->err[0] ? ans->err : "query failed");
	}
	walker_finish(r);
}

static void walker_start_prom(struct walker *w, struct walk_run *r)
{
	struct walker_set *s = walker_set_of(w->app);
	const struct config *cfg = w->app->cfg;

	if (!cfg || !cfg->n_prom || !w->app->http) {
		snprintf(r->err, sizeof r->err, "no Prometheus configured (--prometheus URL)");
		r->exit_code = 1;
		walker_finish(r);
		return;
	}
	if (!s->prom)
		s->prom = prom_new(w->app->loop, w->app->http, &cfg->prom[0]);
	if (r->chart_ms) {
		double start, step;

		walker_chart_window(r->chart_ms, wall_now(), &start, &r->chart_end, &step);
		r->prom_id = prom_query_range(s->prom, r->command, start, r->chart_end, step,
		                              walker_prom_done, r);
	} else {
		r->prom_id = prom_query(s->prom, r->command, 0, walker_prom_done, r);
	}
}

static void walker_start_job(struct walker *w, struct walk_run *r, int64_t timeout_ms)
{
	const struct config *cfg = w->app->cfg;
	struct labelset env = {0};
	struct job_spec spec = {0};

	template_env(w->alert, &env);
	spec.shell = cfg && cfg->exec_shell ? cfg->exec_shell : "/bin/sh";
	spec.command = r->command;
	spec.env = &env;
	spec.timeout_ms = timeout_ms > 0 ? timeout_ms : cfg ? cfg->exec_timeout_ms : 60000;
	spec.output_limit = cfg ? cfg->exec_output_limit : 0;
	r->job = job_start(w->app->loop, &spec, walker_on_output, walker_on_exit, r, r->err);
	labelset_free(&env);
	if (!r->job) {
		r->exit_code = -1;
		walker_finish(r);
	}
}

/* Start now (confirmations done). */
static void walker_start(struct walker *w, int section, int step, bool rollback)
{
	struct walk_run **slot = walker_slot(w, section, step, rollback);
	const struct rb_step *st;
	const struct rb_block *b = NULL;
	struct walk_run *r;
	char *script, *code = NULL, err[ERR_MAX] = "";

	if (!slot)
		return;
	if (*slot && (*slot)->running) {
		app_status(w->app, TUI_WARNING, "already running (Ctrl-C cancels it)");
		return;
	}
	st = &w->rb.sections[section].steps[step];
	if (rollback) {
		script = walk_rollback_command(st);
	} else {
		b = walk_runnable(st);
		script = b ? walk_block_script(b) : NULL;
	}
	if (!script) {
		app_status(w->app, TUI_INFO, rollback ? "this step has no rollback command" :
		           "nothing to run in this step");
		return;
	}
	if (template_expand(script, b && b->promql, w->alert, &code, err) < 0) {
		app_status(w->app, TUI_ERROR, "not run: %s", err);
		free(script);
		return;
	}
	walk_run_free(*slot);
	r = *slot = xcalloc(1, sizeof *r);
	r->w = w;
	r->section = section;
	r->step = step;
	r->rollback = rollback;
	r->promql = b && b->promql;
	r->chart_ms = r->promql && !rollback ? b->chart_ms : 0;
	r->lang = xstrdup(b ? b->lang : "sh");
	r->command = code;
	r->running = true;
	r->started_ms = now_ms();
	if (w->app->demo || walker_drill(w->app)) {
		walker_start_canned(w, r, script);
		free(script);
		return;
	}
	free(script);
	if (r->promql)
		walker_start_prom(w, r);
	else
		walker_start_job(w, r, b ? b->timeout_ms : 0);
	walker_timer_arm(w->app);
	app_dirty(w->app);
}

struct walker_ask {
	struct walker *w;        /* borrowed: sessions live as long as the app */
	int section, step;
	bool rollback;
	char *expect;            /* owned: what must be typed, or NULL */
};

static void walker_ask_free(void *data)
{
	struct walker_ask *q = data;

	free(q->expect);
	free(q);
}

static void walker_ask_yes(struct app *a, void *data)
{
	struct walker_ask *q = data;

	(void)a;
	walker_start(q->w, q->section, q->step, q->rollback);
}

static int walker_ask_typed(struct app *a, const char *text, void *data, char err[ERR_MAX])
{
	struct walker_ask *q = data;

	(void)err;
	if (!walk_typed_ok(text, q->expect)) {
		app_status(a, TUI_ERROR, "not run: the typed name does not match");
		return 0;
	}
	walker_start(q->w, q->section, q->step, q->rollback);
	return 0;
}

void walker_run(struct walker *w, int section, int step, bool rollback)
{
	const struct rb_section *sec;
	const struct rb_step *st;
	const struct rb_block *b;
	struct walk_run *cur = walker_run_of(w, section, step, rollback);
	struct walker_ask *q;
	enum walk_confirm c;
	char *title, *question;

	if (!walker_slot(w, section, step, rollback))
		return;
	if (cur && cur->running) {
		app_status(w->app, TUI_WARNING, "already running (Ctrl-C cancels it)");
		return;
	}
	sec = &w->rb.sections[section];
	st = &sec->steps[step];
	b = walk_runnable(st);
	if (!rollback && !b) {
		app_status(w->app, TUI_INFO, "nothing to run in this step");
		return;
	}
	c = walk_confirm_for(sec, st, b, rollback);
	if (c == WALK_CONFIRM_NONE) {
		walker_start(w, section, step, rollback);
		return;
	}
	q = xcalloc(1, sizeof *q);
	q->w = w;
	q->section = section;
	q->step = step;
	q->rollback = rollback;
	title = walker_step_title(w, section, step);
	/* "...the start of the errors." reads "...errors? (y/N)" */
	for (size_t n = strlen(title); n > 0 && strchr(". :", title[n - 1]); n--)
		title[n - 1] = '\0';
	if (c == WALK_CONFIRM_YN) {
		question = xasprintf("Run %s[%s] %s? (y/N)", rollback ? "the rollback of " : "",
		                     rb_rev_str(st->rev), title);
		confirm_open(w->app, question, walker_ask_yes, q, walker_ask_free);
	} else {
		struct prompt_spec ps = {0};

		q->expect = xstrdup(walk_typed_expect(alert_name(w->alert)));
		question = xasprintf("IRREVERSIBLE: type %s to run, Esc cancels: ", q->expect);
		ps.label = question;
		ps.submit = walker_ask_typed;
		ps.data = q;
		ps.free_data = walker_ask_free;
		prompt_open(w->app, &ps);
	}
	free(question);
	free(title);
}

bool walker_cancel(struct walker *w, int section, int step)
{
	struct walker_set *s = walker_set_of(w->app);
	bool any = false;
	int k;

	for (k = 0; k < 2; k++) {
		struct walk_run *r = walker_run_of(w, section, step, k == 1);

		if (!r || !r->running)
			continue;
		any = true;
		if (r->job) {
			job_cancel(r->job);
		} else if (r->canned_timer) {
			walker_canned_cancel(w, r);
		} else if (r->prom_id) {
			prom_cancel(s->prom, r->prom_id);
			r->prom_id = 0;
			r->cancelled = true;
			r->exit_code = -1;
			walker_finish(r);
		}
	}
	return any;
}

void walker_toggle(struct walker *w, int section, int step)
{
	struct timeline *tl;
	char err[ERR_MAX] = "";
	char *title;
	bool done;

	if (!w->have_rb || walk_index(&w->walk, section, step) == (size_t)-1)
		return;
	done = walk_toggle(&w->walk, section, step);
	walker_drill_step_done(w, section, step, done);
	tl = walker_tl(w);
	if (!tl)
		return;
	title = walker_step_title(w, section, step);
	walker_tl_err(w, timeline_step_done(tl, w->rb.sections[section].title, title, done, err), err);
	free(title);
}

/* ---- escalation clock ---- */

bool walker_escalation(const struct walker *w, int section, int step, bool *due,
                       int64_t *remaining_ms, int64_t *elapsed_ms)
{
	const struct rb_step *st;

	if (!w->have_rb || walk_index(&w->walk, section, step) == (size_t)-1)
		return false;
	st = &w->rb.sections[section].steps[step];
	if (w->rb.sections[section].kind != RB_ESCALATION || st->escalate_after_ms <= 0)
		return false;
	if (walker_drill_escalation(w, st, due, remaining_ms, elapsed_ms))
		return true;
	*due = walk_escalation(w->alert->starts, w->opened, st->escalate_after_ms, wall_now(),
	                       remaining_ms, elapsed_ms);
	return true;
}

/* Record newly due items; returns how many are still counting down. */
static size_t walker_check_escalations(struct walker *w)
{
	size_t i, j, pending = 0;
	int64_t rem, el;
	bool due;

	if (!w->have_rb)
		return 0;
	for (i = 0; i < w->rb.n_sections; i++) {
		for (j = 0; j < w->rb.sections[i].n_steps; j++) {
			size_t k = walk_index(&w->walk, (int)i, (int)j);

			if (!walker_escalation(w, (int)i, (int)j, &due, &rem, &el))
				continue;
			if (!due) {
				pending++;
			} else if (!w->esc_due[k]) {
				struct timeline *tl = walker_tl(w);
				char err[ERR_MAX] = "", *item;

				w->esc_due[k] = true;
				if (tl) {
					item = walker_step_title(w, (int)i, (int)j);
					walker_tl_err(w, timeline_escalation_due(tl, item, el / 1000, err), err);
					free(item);
				}
			}
		}
	}
	return pending;
}

void walker_escalate_text(struct app *a, char *out, size_t n)
{
	struct walker_set *s = a->walkers;
	size_t i, j, k;
	int64_t rem, el;
	bool due;

	out[0] = '\0';
	for (i = 0; s && i < s->n; i++) {
		struct walker *w = s->v[i];

		for (j = 0; w->have_rb && j < w->rb.n_sections; j++) {
			for (k = 0; k < w->rb.sections[j].n_steps; k++) {
				char age[32], *item, *clean;

				if (!walker_escalation(w, (int)j, (int)k, &due, &rem, &el) || !due)
					continue;
				if (walk_is_done(&w->walk, (int)j, (int)k))
					continue; /* the responder has escalated */
				item = walker_step_title(w, (int)j, (int)k);
				app_age((double)el / 1000.0, age, sizeof age);
				clean = text_clean(item);
				snprintf(out, n, "ESCALATE: %s %s %s elapsed", clean,
				         tui_utf8() ? "\xe2\x80\x94" : "-", age);
				free(clean);
				free(item);
				return;
			}
		}
	}
}

static void walker_tick(struct loop *l, void *data)
{
	struct app *a = data;
	struct walker_set *s = a->walkers;

	(void)l;
	s->timer = 0;
	walker_timer_arm(a);
	app_dirty(a);
}

/* The clock runs while the Runbook view is open, an escalation is still
 * counting down, or a command runs (then faster, for the spinner). */
void walker_timer_arm(struct app *a)
{
	struct walker_set *s = walker_set_of(a);
	size_t i, pending = 0, running;

	for (i = 0; i < s->n; i++)
		pending += walker_check_escalations(s->v[i]);
	running = walker_running(a);
	if (s->timer)
		return;
	if (!s->view_open && !pending && !running)
		return;
	s->timer = loop_add_timer(a->loop, running ? WALKER_SPIN_MS : WALKER_TICK_MS, walker_tick, a);
}

void walker_view_open(struct app *a, bool open)
{
	walker_set_of(a)->view_open = open;
	walker_timer_arm(a);
}

size_t walker_running(struct app *a)
{
	struct walker_set *s = a->walkers;
	size_t i, k, n = 0;

	for (i = 0; s && i < s->n; i++)
		for (k = 0; s->v[i]->have_rb && k < 2 * s->v[i]->walk.n_steps; k++)
			if (s->v[i]->runs[k] && s->v[i]->runs[k]->running)
				n++;
	return n;
}

struct walker *walker_current(struct app *a)
{
	return a->walkers ? a->walkers->current : NULL;
}

const char *walker_spinner(void)
{
	static const char *uni[] = { "\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9", "\xe2\xa0\xb8",
	                             "\xe2\xa0\xbc", "\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7",
	                             "\xe2\xa0\x87", "\xe2\xa0\x8f" };
	static const char *ascii[] = { "|", "/", "-", "\\" };
	int64_t t = now_ms() / WALKER_SPIN_MS;

	return tui_utf8() ? uni[t % 10] : ascii[t % 4];
}

/* ---- quitting ---- */

static void walker_quit_check(struct loop *l, void *data)
{
	struct app *a = data;
	struct walker_set *s = a->walkers;

	s->quit_timer = 0;
	if (!job_count() || now_ms() >= s->quit_deadline) {
		loop_stop(l);
		return;
	}
	s->quit_timer = loop_add_timer(l, 50, walker_quit_check, a);
}

static void walker_cancel_queries(struct app *a)
{
	struct walker_set *s = a->walkers;
	size_t i, k;

	for (i = 0; s && i < s->n; i++) {
		struct walker *w = s->v[i];

		for (k = 0; w->have_rb && k < 2 * w->walk.n_steps; k++) {
			struct walk_run *r = w->runs[k];

			if (r && r->running && (r->prom_id || r->canned_timer))
				walker_cancel(w, r->section, r->step);
		}
	}
}

void walker_quit(struct app *a)
{
	struct walker_set *s = walker_set_of(a);
	size_t n = job_count();

	a->quit = true;
	walker_cancel_queries(a);
	if (!n) {
		loop_stop(a->loop);
		return;
	}
	job_cancel_all();
	app_status(a, TUI_WARNING, "ending %zu running command%s%s", n, n == 1 ? "" : "s",
	           tui_ellipsis());
	s->quit_deadline = now_ms() + WALKER_QUIT_MS;
	if (!s->quit_timer)
		s->quit_timer = loop_add_timer(a->loop, 50, walker_quit_check, a);
}

static void walker_free(struct walker *w)
{
	size_t k;

	for (k = 0; w->have_rb && k < 2 * w->walk.n_steps; k++) {
		struct walk_run *r = w->runs[k];

		if (r && r->job)
			r->w = NULL; /* still running past the bound: the job frees it */
		else
			walk_run_free(r);
	}
	free(w->runs);
	free(w->esc_due);
	if (w->have_rb) {
		walk_free(&w->walk);
		runbook_free(&w->rb);
	}
	timeline_close(&w->tl);
	alert_free(w->alert);
	free(w->key);
	free(w);
}

void walker_free_all(struct app *a)
{
	struct walker_set *s = a->walkers;
	int64_t deadline = now_ms() + WALKER_QUIT_MS;
	size_t i;

	if (!s)
		return;
	walker_cancel_queries(a);
	if (job_count()) {
		job_cancel_all();
		while (job_count() && now_ms() < deadline)
			loop_run_once(a->loop, 50);
	}
	if (s->timer)
		loop_del_timer(a->loop, s->timer);
	if (s->quit_timer)
		loop_del_timer(a->loop, s->quit_timer);
	prom_free(s->prom); /* queries in flight are dropped without a callback */
	for (i = 0; i < s->n; i++)
		walker_free(s->v[i]);
	if (s->demo_canned) {
		drill_free(s->demo_canned);
		free(s->demo_canned);
	}
	free(s->v);
	free(s);
	a->walkers = NULL;
}
