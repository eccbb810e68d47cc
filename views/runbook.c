/* runbook.c: the Runbook view, the walker (Enter on an alert). Resolves the
 * alert's runbook (file, URL fetched through the app's cache, or none: then
 * says where it looked), parses it once into the alert's walk session
 * (walker.h), lays it out at the window width and draws it with the alert's
 * key labels pinned on top: the current step marked in the gutter, a
 * checkbox per step, progress in the headings ("Triage 2/3"), the escalation
 * countdowns, and under each step that ran a pane with its status (spinner,
 * exit, duration, truncated) and its output, sanitized line by line and
 * scrollable. j/k step, Tab section, Space done, x/Enter run, r rollback,
 * Ctrl-C cancel, [ ] scroll the output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/runbook.h"
#include "../core/text.h"
#include "views.h"
#include "walker.h"

#define RB_FILE_MAX (4u << 20)
#define RBV_PANE_LINES 10    /* output lines shown under a step */
#define RBV_GUTTER 6         /* marker, checkbox */
#define RBV_LINE_MAX 4096    /* bytes of one output line shown */
#define RBV_WHERE_MIN 12     /* columns the runbook's path needs to be shown */

enum rbv_state { RBV_LOADING, RBV_READY, RBV_ERROR, RBV_NONE };

struct rb_stepref {
	int section, step;
	size_t first, last;     /* layout line range */
	size_t rfirst, rlast;   /* display row range, panes included */
};

enum rbv_row_kind { ROW_LINE, ROW_RUN, ROW_CHART, ROW_OUT, ROW_MORE_ABOVE, ROW_MORE_BELOW };
struct rbv_row {
	enum rbv_row_kind kind;
	size_t idx;             /* layout line, output line, or a count */
	struct walk_run *run;   /* borrowed from the session, for run rows */
};

struct runbook_priv {
	struct alert *alert;    /* owned copy */
	struct walker *w;       /* borrowed: the app owns sessions */
	struct rb_where where;  /* owned */
	enum rbv_state state;
	char err[ERR_MAX];
	struct rb_layout lo;    /* owned when have_lo */
	bool have_lo;
	size_t lo_width;
	struct rb_stepref *steps; /* owned */
	size_t n_steps, cap_steps;
	struct rbv_row *rows;   /* owned: display rows, rebuilt before use */
	size_t n_rows, cap_rows;
	size_t cur;             /* current step index into steps */
	size_t top;             /* first display row shown */
	int body_h;             /* content rows at the last draw */
	bool seen_ok;           /* seen_* hold the current step at the last draw */
	size_t seen_cur, seen_rlast;
};

static void runbook_load_text(struct runbook_priv *p, const char *md, size_t len, const char *source)
{
	struct runbook rb;

	memset(&rb, 0, sizeof rb);
	if (runbook_parse(md, len, source, &rb, p->err) < 0) {
		p->state = RBV_ERROR;
		return;
	}
	walker_set_runbook(p->w, &rb);
	p->state = RBV_READY;
}

/* Advance the load: read the file, or look at the URL fetch. */
static void runbook_load(struct app *a, struct runbook_priv *p)
{
	char *md = NULL;
	size_t len = 0;

	if (p->state != RBV_LOADING)
		return;
	if (p->w->have_rb) {
		p->state = RBV_READY;
		return;
	}
	switch (p->where.kind) {
	case RB_LOC_NONE:
		p->state = RBV_NONE;
		break;
	case RB_LOC_FILE:
		if (read_file(p->where.location, RB_FILE_MAX, &md, &len, p->err) < 0) {
			p->state = RBV_ERROR;
			break;
		}
		runbook_load_text(p, md, len, p->where.location);
		free(md);
		break;
	case RB_LOC_URL: {
		const struct app_fetch *f = app_fetch_url(a, p->where.location);

		if (f->state == FETCH_OK)
			runbook_load_text(p, f->body ? f->body : "", f->len, p->where.location);
		else if (f->state == FETCH_ERROR) {
			snprintf(p->err, sizeof p->err, "%s", f->err);
			p->state = RBV_ERROR;
		}
		break;
	}
	}
}

static void runbook_relayout(struct runbook_priv *p, size_t width)
{
	int sec = -1, step = -1;
	size_t i;

	if (p->have_lo && p->lo_width == width)
		return;
	if (p->cur < p->n_steps) {
		sec = p->steps[p->cur].section;
		step = p->steps[p->cur].step;
	}
	if (p->have_lo)
		rb_layout_free(&p->lo);
	memset(&p->lo, 0, sizeof p->lo);
	runbook_layout(&p->w->rb, width,
	               (tui_utf8() ? RB_LAYOUT_UTF8 : 0) | RB_LAYOUT_NO_CHECKBOX, &p->lo);
	p->have_lo = true;
	p->lo_width = width;
	p->n_steps = 0;
	for (i = 0; i < p->lo.n; i++) {
		const struct rb_line *l = &p->lo.v[i];
		struct rb_stepref *last = p->n_steps ? &p->steps[p->n_steps - 1] : NULL;

		if (l->step < 0 || l->section < 0)
			continue;
		if (last && last->section == l->section && last->step == l->step) {
			last->last = i;
			continue;
		}
		xgrow(&p->steps, &p->cap_steps, p->n_steps + 1, sizeof *p->steps);
		memset(&p->steps[p->n_steps], 0, sizeof *p->steps);
		p->steps[p->n_steps].section = l->section;
		p->steps[p->n_steps].step = l->step;
		p->steps[p->n_steps].first = p->steps[p->n_steps].last = i;
		p->n_steps++;
	}
	p->cur = 0;
	for (i = 0; i < p->n_steps; i++)
		if (p->steps[i].section == sec && p->steps[i].step == step)
			p->cur = i;
}

static void rbv_push(struct runbook_priv *p, enum rbv_row_kind k, size_t idx, struct walk_run *r)
{
	xgrow(&p->rows, &p->cap_rows, p->n_rows + 1, sizeof *p->rows);
	p->rows[p->n_rows].kind = k;
	p->rows[p->n_rows].idx = idx;
	p->rows[p->n_rows].run = r;
	p->n_rows++;
}

static void rbv_push_pane(struct runbook_priv *p, struct walk_run *r)
{
	size_t total, shown, end, start, i;

	if (!r)
		return;
	rbv_push(p, ROW_RUN, 0, r);
	for (i = 0; i < (size_t)walker_chart_rows(r); i++)
		rbv_push(p, ROW_CHART, i, r);
	total = r->out.n_lines;
	shown = total < RBV_PANE_LINES ? total : RBV_PANE_LINES;
	if (r->scroll > total - shown)
		r->scroll = total - shown;
	end = total - r->scroll;
	start = end - shown;
	if (start)
		rbv_push(p, ROW_MORE_ABOVE, start, r);
	for (i = start; i < end; i++)
		rbv_push(p, ROW_OUT, i, r);
	if (end < total)
		rbv_push(p, ROW_MORE_BELOW, total - end, r);
}

/* Display rows: the layout with each step's run panes under its last line. */
static void runbook_rows(struct runbook_priv *p)
{
	size_t i, s = 0;

	p->n_rows = 0;
	if (!p->have_lo)
		return;
	for (i = 0; i < p->lo.n; i++) {
		if (s < p->n_steps && p->steps[s].first == i)
			p->steps[s].rfirst = p->n_rows;
		rbv_push(p, ROW_LINE, i, NULL);
		if (s < p->n_steps && p->steps[s].last == i) {
			struct rb_stepref *r = &p->steps[s];

			rbv_push_pane(p, walker_run_of(p->w, r->section, r->step, false));
			rbv_push_pane(p, walker_run_of(p->w, r->section, r->step, true));
			r->rlast = p->n_rows - 1;
			s++;
		}
	}
	if (p->top >= p->n_rows)
		p->top = p->n_rows ? p->n_rows - 1 : 0;
}

static void runbook_show_step(struct runbook_priv *p)
{
	const struct rb_stepref *s;
	size_t h = p->body_h > 0 ? (size_t)p->body_h : 1;

	if (p->cur >= p->n_steps)
		return;
	s = &p->steps[p->cur];
	if (s->rfirst < p->top)
		p->top = s->rfirst;
	else if (s->rlast >= p->top + h)
		p->top = s->rlast - h + 1 > s->rfirst ? s->rfirst : s->rlast - h + 1;
}

static void runbook_scroll(struct runbook_priv *p, long delta)
{
	size_t h = p->body_h > 0 ? (size_t)p->body_h : 1;
	size_t max = p->n_rows > h ? p->n_rows - h : 0;

	if (delta < 0 && (size_t)-delta > p->top)
		p->top = 0;
	else
		p->top = (size_t)((long)p->top + delta);
	if (p->top > max)
		p->top = max;
	/* keep the current step among what is shown, if any is */
	for (size_t i = 0; i < p->n_steps; i++) {
		if (p->steps[i].rlast >= p->top && p->steps[i].rfirst < p->top + h) {
			if (p->cur >= p->n_steps || p->steps[p->cur].rlast < p->top ||
			    p->steps[p->cur].rfirst >= p->top + h)
				p->cur = i;
			break;
		}
	}
}

/* The current step's rows grew (a run started after a confirmation, its
 * output streams in): if its end was on screen, scroll so it stays there,
 * as far as runbook_show_step allows, so the output is seen on a small
 * terminal without scrolling by hand. */
static void runbook_follow(struct runbook_priv *p)
{
	size_t rl;

	if (p->cur >= p->n_steps)
		return;
	rl = p->steps[p->cur].rlast;
	if (p->seen_ok && p->seen_cur == p->cur && rl > p->seen_rlast &&
	    p->seen_rlast >= p->top && p->seen_rlast < p->top + (size_t)(p->body_h > 0 ? p->body_h : 1))
		runbook_show_step(p);
	p->seen_ok = true;
	p->seen_cur = p->cur;
	p->seen_rlast = rl;
}

static enum tui_role runbook_line_role(enum rb_line_kind k)
{
	switch (k) {
	case RBL_TITLE: return TUI_TITLE;
	case RBL_HEADING: return TUI_TITLE;
	case RBL_CODE: return TUI_CODE;
	case RBL_NOTE: return TUI_WARNING;
	default: return TUI_NORMAL;
	}
}

/* The alert, pinned: name, severity, firing age, its key labels
 * (service, instance, namespace, ...: the first three it has). Too wide:
 * without the name (the title row above has it); what is still too wide
 * ends in an ellipsis. */
static void runbook_draw_alert(struct runbook_priv *p, int y, int w)
{
	const struct alert *al = p->alert;
	struct buf b = {0};
	const char *keys[] = { "service", "instance", "namespace", "job", "pod" };
	char age[32], *name = text_clean(alert_name(al)), *rest, *full;
	size_t i, n = 0;

	buf_printf(&b, "[%s]", alert_severity_str(al->severity));
	if (al->starts > 0) {
		app_age(wall_now() - al->starts, age, sizeof age);
		buf_printf(&b, "  %s %s", al->state == ALERT_ACTIVE ? "firing" : alert_state_str(al->state), age);
	}
	for (i = 0; i < ARRAY_LEN(keys) && n < 3; i++) {
		const char *v = labelset_get(&al->labels, keys[i]);
		if (v && *v) {
			buf_printf(&b, "  %s=%s", keys[i], v);
			n++;
		}
	}
	rest = text_clean(b.data);
	full = xasprintf("%s  %s", name, rest);
	tui_put_cut(y, 0, al->severity == SEV_CRITICAL ? TUI_CRITICAL : TUI_BOLD,
	            (int)text_width(full) > w ? rest : full, w);
	free(full);
	free(rest);
	free(name);
	buf_free(&b);
}

/* One line of a step: gutter (marker, checkbox), text, progress in a
 * heading, the escalation clock on an escalation item. */
static void runbook_draw_line(struct runbook_priv *p, int row, int w, size_t li, bool is_cur,
                              bool first_of_step, bool first_heading)
{
	const struct rb_line *l = &p->lo.v[li];
	const struct walker *wk = p->w;
	enum tui_role role = runbook_line_role(l->kind);
	bool done = walk_is_done(&wk->walk, l->section, l->step);
	int64_t rem, el;
	bool due = false, esc = false;
	char d[32];
	int x;

	if (l->step >= 0)
		esc = walker_escalation(wk, l->section, l->step, &due, &rem, &el);
	if (is_cur)
		tui_put(row, 0, TUI_BADGE, first_of_step ? tui_glyph_arrow() : tui_glyph_bar(), 1);
	if (first_of_step && l->step >= 0 &&
	    walk_section_counts(&wk->rb.sections[l->section]))
		tui_put(row, 2, done ? TUI_OK : TUI_DIM, done ? "[x]" : "[ ]", 3);
	if (esc && due && !done)
		role = TUI_CRITICAL;
	else if (done && l->kind == RBL_TEXT)
		role = TUI_DIM;
	x = RBV_GUTTER + tui_put_rb_text(row, RBV_GUTTER, w - RBV_GUTTER, &l->text, role);
	if (first_heading && l->section >= 0 && walk_section_counts(&wk->rb.sections[l->section])) {
		size_t dn, total;

		walk_progress(&wk->walk, l->section, &dn, &total);
		tui_putf(row, x + 1, dn == total ? TUI_OK : TUI_BOLD, w - x - 1, "%zu/%zu", dn, total);
	}
	if (esc && first_of_step && x + 2 < w) {
		if (due) {
			app_age((double)el / 1000.0, d, sizeof d);
			tui_putf(row, x + 1, TUI_CRITICAL, w - x - 1, done ? "(done, %s elapsed)" :
			         "DUE %s elapsed", d);
		} else {
			walk_fmt_duration(rem, d, sizeof d);
			tui_putf(row, x + 1, TUI_WARNING, w - x - 1, "in %s", d);
		}
	}
}

/* A run's status line: what ran, then spinner / exit / duration / why. */
static void runbook_draw_run(int row, int w, const struct walk_run *r)
{
	int x = RBV_GUTTER + 2;
	char dur[32];
	char *cmd;
	const char *nl;

	if (x >= w)
		return;
	if (r->running) {
		x += tui_putf(row, x, TUI_INFO, w - x, "%s %s %.1fs  (Ctrl-C cancels)  ",
		              walker_spinner(), r->promql ? "querying" : "running",
		              (double)(now_ms() - r->started_ms) / 1000.0);
	} else {
		snprintf(dur, sizeof dur, "%.1fs", (double)r->duration_ms / 1000.0);
		if (r->err[0] && r->exit_code != 0) {
			char *e = text_clean(r->err);
			x += tui_putf(row, x, TUI_ERROR, w - x, "%s: %s  ",
			              r->promql ? "query failed" : "could not start", e);
			free(e);
		} else if (r->timed_out) {
			x += tui_putf(row, x, TUI_ERROR, w - x, "timed out after %s  ", dur);
		} else if (r->cancelled) {
			x += tui_putf(row, x, TUI_WARNING, w - x, "cancelled after %s  ", dur);
		} else if (r->signal) {
			x += tui_putf(row, x, TUI_ERROR, w - x, "killed by signal %d after %s  ", r->signal, dur);
		} else {
			x += tui_putf(row, x, r->exit_code == 0 ? TUI_OK : TUI_ERROR, w - x,
			              "%s exit %d  %s  ", r->exit_code == 0 ? "ok" : "FAILED",
			              r->exit_code, dur);
		}
		if (r->truncated)
			x += tui_put(row, x, TUI_WARNING, "[truncated]  ", w - x);
	}
	if (r->demo) /* a drill's or the demo's canned answer: nothing ran */
		x += tui_put(row, x, TUI_BADGE, "simulated ", w - x);
	if (r->rollback)
		x += tui_put(row, x, TUI_BADGE, "rollback ", w - x);
	nl = strchr(r->command ? r->command : "", '\n');
	cmd = text_sanitize(r->command ? r->command : "",
	                    nl ? (size_t)(nl - r->command) : strlen(r->command ? r->command : ""),
	                    0, 512);
	if (x < w)
		tui_putf_cut(row, x, TUI_DIM, w - x, "$ %s%s", cmd, nl ? " ..." : "");
	free(cmd);
}

static void runbook_draw_body(struct runbook_priv *p, int row, int y, int h, int w)
{
	const struct rb_stepref *cs = p->cur < p->n_steps ? &p->steps[p->cur] : NULL;
	int last_heading = -1;
	size_t i, k;

	/* the first heading line of each section gets the progress */
	for (i = 0; i < p->top && i < p->n_rows; i++)
		if (p->rows[i].kind == ROW_LINE && p->lo.v[p->rows[i].idx].kind == RBL_HEADING)
			last_heading = p->lo.v[p->rows[i].idx].section;
	for (i = p->top; i < p->n_rows && row < y + h; i++, row++) {
		const struct rbv_row *rw = &p->rows[i];
		bool in_cur = cs && i >= cs->rfirst && i <= cs->rlast;

		switch (rw->kind) {
		case ROW_LINE: {
			const struct rb_line *l = &p->lo.v[rw->idx];
			bool first_heading = l->kind == RBL_HEADING && l->section != last_heading;
			bool first_of_step = false;

			if (l->kind == RBL_HEADING)
				last_heading = l->section;
			for (k = 0; l->step >= 0 && k < p->n_steps; k++)
				if (p->steps[k].first == rw->idx) {
					first_of_step = true;
					break;
				}
			runbook_draw_line(p, row, w, rw->idx, in_cur, first_of_step, first_heading);
			break;
		}
		case ROW_RUN:
			if (in_cur)
				tui_put(row, 0, TUI_BADGE, tui_glyph_bar(), 1);
			runbook_draw_run(row, w, rw->run);
			break;
		case ROW_CHART:
			if (in_cur)
				tui_put(row, 0, TUI_BADGE, tui_glyph_bar(), 1);
			/* drawn whole from its first visible row; the rest only get the bar */
			if (rw->idx == 0 || i == p->top) {
				int rows = walker_chart_rows(rw->run) - (int)rw->idx;

				if (rows > y + h - row)
					rows = y + h - row;
				walker_chart_draw(rw->run, row, RBV_GUTTER + 2, rows, w - RBV_GUTTER - 2);
			}
			break;
		case ROW_OUT: {
			size_t len;
			const char *s = walk_out_line(&rw->run->out, rw->idx, &len);
			char *clean = text_sanitize(s, len, TEXT_KEEP_NEWLINES | TEXT_KEEP_TABS, RBV_LINE_MAX);

			if (in_cur)
				tui_put(row, 0, TUI_BADGE, tui_glyph_bar(), 1);
			tui_put_cut(row, RBV_GUTTER + 2, TUI_NORMAL, clean, w - RBV_GUTTER - 2);
			free(clean);
			break;
		}
		case ROW_MORE_ABOVE:
		case ROW_MORE_BELOW:
			if (in_cur)
				tui_put(row, 0, TUI_BADGE, tui_glyph_bar(), 1);
			tui_putf(row, RBV_GUTTER + 2, TUI_DIM, w - RBV_GUTTER - 2, "%s %zu more line%s %s ([ ] scroll)",
			         tui_ellipsis(), rw->idx, rw->idx == 1 ? "" : "s",
			         rw->kind == ROW_MORE_ABOVE ? "above" : "below");
			break;
		}
	}
}

static void runbook_draw(struct app *a, struct view *v, int y, int h, int w)
{
	struct runbook_priv *p = v->priv;
	char *name = text_clean(alert_name(p->alert));
	char *where = text_clean(p->where.location ? p->where.location : "");
	int row, x;
	size_t i, n;

	runbook_load(a, p);
	x = tui_putf_cut(y, 0, TUI_TITLE, w, "Runbook for %s", name);
	n = walker_running(a);
	if (n)
		x += tui_putf_cut(y, x + 2, TUI_INFO, w - x - 2, "%s %zu running", walker_spinner(), n) + 2;
	/* the path or URL cut at the front: its end names the runbook */
	if (*where && w - x - 2 >= RBV_WHERE_MIN) {
		char *cut = text_trunc_left(where, (size_t)(w - x - 2), tui_utf8());

		tui_put(y, x + 2, TUI_DIM, cut, w - x - 2);
		free(cut);
	}
	runbook_draw_alert(p, y + 1, w);
	tui_hline(y + 2, 0, w, TUI_DIM);
	row = y + 3;
	p->body_h = h - 3;
	switch (p->state) {
	case RBV_LOADING:
		tui_putf(row + 1, 2, TUI_DIM, w - 4, "fetching %s%s", where, tui_ellipsis());
		break;
	case RBV_ERROR: {
		char *e = text_clean(p->err);
		tui_put(row + 1, 2, TUI_ERROR, "Could not load the runbook:", w - 4);
		tui_put(row + 2, 4, TUI_ERROR, e, w - 6);
		free(e);
		break;
	}
	case RBV_NONE:
		tui_putf(row + 1, 2, TUI_BOLD, w - 4, "No runbook for %s", name);
		tui_put(row + 3, 2, TUI_NORMAL, "Looked in:", w - 4);
		for (i = 0; i < p->where.n_looked && row + 4 + (int)i < y + h; i++) {
			char *l = text_clean(p->where.looked[i]);
			tui_put(row + 4 + (int)i, 4, TUI_DIM, l, w - 6);
			free(l);
		}
		break;
	case RBV_READY:
		runbook_relayout(p, w > RBV_GUTTER + 4 ? (size_t)w - RBV_GUTTER - 1 : 2);
		runbook_rows(p);
		runbook_follow(p);
		runbook_draw_body(p, row, y, h, w);
		break;
	}
	free(name);
	free(where);
}

/* The step's run to scroll: the main one, else the rollback's. */
static struct walk_run *runbook_cur_run(struct runbook_priv *p)
{
	struct walk_run *r;

	if (p->cur >= p->n_steps)
		return NULL;
	r = walker_run_of(p->w, p->steps[p->cur].section, p->steps[p->cur].step, false);
	return r ? r : walker_run_of(p->w, p->steps[p->cur].section, p->steps[p->cur].step, true);
}

static bool runbook_step_command(struct app *a, struct runbook_priv *p, const char *name)
{
	const struct rb_stepref *s = p->cur < p->n_steps ? &p->steps[p->cur] : NULL;
	struct walk_run *r;

	if (!strcmp(name, "run") || !strcmp(name, "rollback")) {
		if (s)
			walker_run(p->w, s->section, s->step, !strcmp(name, "rollback"));
	} else if (!strcmp(name, "done")) {
		if (s)
			walker_toggle(p->w, s->section, s->step);
	} else if (!strcmp(name, "cancel")) {
		if (!s || !walker_cancel(p->w, s->section, s->step))
			app_status(a, TUI_INFO, "nothing running in this step (q quits from the alerts)");
		else
			app_status(a, TUI_WARNING, "cancelling%s", tui_ellipsis());
	} else if (!strcmp(name, "output-up") || !strcmp(name, "output-down")) {
		r = runbook_cur_run(p);
		if (r && !strcmp(name, "output-up"))
			r->scroll += RBV_PANE_LINES / 2;
		else if (r)
			r->scroll = r->scroll > RBV_PANE_LINES / 2 ? r->scroll - RBV_PANE_LINES / 2 : 0;
	} else {
		return false;
	}
	runbook_rows(p);
	runbook_show_step(p);
	return true;
}

static bool runbook_command(struct app *a, struct view *v, const char *name, const char *args)
{
	struct runbook_priv *p = v->priv;
	long page = p->body_h > 2 ? p->body_h - 1 : 1;
	size_t i;

	(void)args;
	if (!strcmp(name, "back")) {
		app_pop(a);
		return true;
	}
	if (p->state != RBV_READY || !p->have_lo)
		return !strcmp(name, "down") || !strcmp(name, "up") || !strcmp(name, "section") ||
		       !strcmp(name, "page-down") || !strcmp(name, "page-up") ||
		       !strcmp(name, "top") || !strcmp(name, "bottom") || !strcmp(name, "run") ||
		       !strcmp(name, "rollback") || !strcmp(name, "done") || !strcmp(name, "cancel");
	runbook_rows(p);
	if (runbook_step_command(a, p, name))
		return true;
	if (!strcmp(name, "down") || !strcmp(name, "up")) {
		bool down = !strcmp(name, "down");

		if (!p->n_steps)
			runbook_scroll(p, down ? 1 : -1);
		else if (down && p->cur + 1 < p->n_steps)
			p->cur++;
		else if (!down && p->cur > 0)
			p->cur--;
		else
			runbook_scroll(p, down ? 1 : -1);
		runbook_show_step(p);
	} else if (!strcmp(name, "page-down")) {
		runbook_scroll(p, page);
	} else if (!strcmp(name, "page-up")) {
		runbook_scroll(p, -page);
	} else if (!strcmp(name, "top")) {
		p->top = 0;
		p->cur = 0;
	} else if (!strcmp(name, "bottom")) {
		runbook_scroll(p, (long)p->n_rows);
		if (p->n_steps)
			p->cur = p->n_steps - 1;
	} else if (!strcmp(name, "section")) {
		int sec = p->cur < p->n_steps ? p->steps[p->cur].section : -1;
		bool found = false;

		for (i = 0; i < p->n_steps; i++)
			if (p->steps[i].section > sec) {
				p->cur = i;
				found = true;
				break;
			}
		if (!found)
			p->cur = 0; /* wrap to the start */
		if (p->cur < p->n_steps) {
			/* show the section's heading above its first step */
			size_t line = p->steps[p->cur].first;

			while (line > 0 && p->lo.v[line - 1].section == p->steps[p->cur].section)
				line--;
			for (i = 0; i < p->n_rows; i++)
				if (p->rows[i].kind == ROW_LINE && p->rows[i].idx == line) {
					p->top = found ? i : 0;
					break;
				}
		}
		runbook_scroll(p, 0);
	} else {
		return false;
	}
	return true;
}

static void runbook_tick(struct app *a, struct view *v)
{
	runbook_load(a, v->priv);
}

static void runbook_free_view(struct view *v)
{
	struct runbook_priv *p = v->priv;

	walker_view_open(p->w->app, false);
	alert_free(p->alert);
	rb_where_free(&p->where);
	if (p->have_lo)
		rb_layout_free(&p->lo);
	free(p->steps);
	free(p->rows);
	free(p);
}

static const struct app_binding runbook_keys[] = {
	{ 'j', "down", "next step" },
	{ TUI_KEY_DOWN, "down", "next step" },
	{ 'k', "up", "previous step" },
	{ TUI_KEY_UP, "up", "previous step" },
	{ TUI_KEY_TAB, "section", "next section" },
	{ ' ', "done", "mark the step done / not done" },
	{ 'x', "run", "run the step's command" },
	{ TUI_KEY_ENTER, "run", "run the step's command" },
	{ 'r', "rollback", "run the mitigation's Rollback: command" },
	{ TUI_KEY_CTRL_C, "cancel", "cancel the step's running command" },
	{ '[', "output-up", "scroll the step's output up" },
	{ ']', "output-down", "scroll the step's output down" },
	{ TUI_KEY_PGDN, "page-down", "scroll down" },
	{ TUI_KEY_PGUP, "page-up", "scroll up" },
	{ 'g', "top", "top" },
	{ TUI_KEY_HOME, "top", "top" },
	{ 'G', "bottom", "bottom" },
	{ TUI_KEY_END, "bottom", "bottom" },
	{ TUI_KEY_ESC, "back", "back to the alerts" },
	{ 'q', "back", "back to the alerts" },
	{ 0, NULL, NULL },
};

const struct view_ops runbook_view = {
	.name = "runbook",
	.draw = runbook_draw,
	.command = runbook_command,
	.tick = runbook_tick,
	.free = runbook_free_view,
	.keys = runbook_keys,
	.hint = "j/k step  Tab section  Space done  x run  r rollback  ^C cancel  [ ] output  Esc back  ? help",
};

void runbook_view_open(struct app *a, const struct alert *alert)
{
	struct runbook_priv *p = xcalloc(1, sizeof *p);

	p->alert = alert_dup(alert);
	p->w = walker_get(a, alert);
	runbook_resolve(p->alert, a->cfg, &p->where);
	p->state = RBV_LOADING;
	app_push(a, &runbook_view, p);
	walker_view_open(a, true);
	runbook_load(a, p);
}
