/* runbook.c: the Runbook view (Enter on an alert). Resolves the alert's
 * runbook (file, URL fetched through the app's cache, or none: then says
 * where it looked), parses it, lays it out at the window width (again on
 * resize) and scrolls it, with the alert's key labels pinned on top.
 * j/k move between steps (the current one is marked in the gutter), Tab
 * jumps to the next section. Read-only in this version: `x` says that
 * running steps comes next. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/runbook.h"
#include "../core/text.h"
#include "views.h"

#define RB_FILE_MAX (4u << 20)

enum rbv_state { RBV_LOADING, RBV_READY, RBV_ERROR, RBV_NONE };

struct rb_stepref {
	int section, step;
	size_t first, last;     /* layout line range */
};

struct runbook_priv {
	struct alert *alert;    /* owned copy */
	struct rb_where where;  /* owned */
	enum rbv_state state;
	char err[ERR_MAX];
	struct runbook rb;      /* owned when have_rb */
	bool have_rb;
	struct rb_layout lo;    /* owned when have_lo */
	bool have_lo;
	size_t lo_width;
	struct rb_stepref *steps; /* owned */
	size_t n_steps, cap_steps;
	size_t cur;             /* current step index into steps */
	size_t top;             /* first layout line shown */
	int body_h;             /* content rows at the last draw */
};

static void runbook_load_text(struct runbook_priv *p, const char *md, size_t len, const char *source)
{
	if (runbook_parse(md, len, source, &p->rb, p->err) < 0) {
		p->state = RBV_ERROR;
		return;
	}
	p->have_rb = true;
	p->state = RBV_READY;
}

/* Advance the load: read the file, or look at the URL fetch. */
static void runbook_load(struct app *a, struct runbook_priv *p)
{
	char *md = NULL;
	size_t len = 0;

	if (p->state != RBV_LOADING)
		return;
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
	runbook_layout(&p->rb, width, tui_utf8(), &p->lo);
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
		p->steps[p->n_steps].section = l->section;
		p->steps[p->n_steps].step = l->step;
		p->steps[p->n_steps].first = p->steps[p->n_steps].last = i;
		p->n_steps++;
	}
	p->cur = 0;
	for (i = 0; i < p->n_steps; i++)
		if (p->steps[i].section == sec && p->steps[i].step == step)
			p->cur = i;
	if (p->top >= p->lo.n)
		p->top = p->lo.n ? p->lo.n - 1 : 0;
}

static void runbook_show_step(struct runbook_priv *p)
{
	const struct rb_stepref *s;
	size_t h = p->body_h > 0 ? (size_t)p->body_h : 1;

	if (p->cur >= p->n_steps)
		return;
	s = &p->steps[p->cur];
	if (s->first < p->top)
		p->top = s->first;
	else if (s->last >= p->top + h)
		p->top = s->last - h + 1 > s->first ? s->first : s->last - h + 1;
}

static void runbook_scroll(struct runbook_priv *p, long delta)
{
	size_t h = p->body_h > 0 ? (size_t)p->body_h : 1;
	size_t max = p->lo.n > h ? p->lo.n - h : 0;

	if (delta < 0 && (size_t)-delta > p->top)
		p->top = 0;
	else
		p->top = (size_t)((long)p->top + delta);
	if (p->top > max)
		p->top = max;
	/* keep the current step among what is shown, if any is */
	for (size_t i = 0; i < p->n_steps; i++) {
		if (p->steps[i].last >= p->top && p->steps[i].first < p->top + h) {
			if (p->cur >= p->n_steps || p->steps[p->cur].last < p->top ||
			    p->steps[p->cur].first >= p->top + h)
				p->cur = i;
			break;
		}
	}
}

static enum tui_role runbook_line_role(enum rb_line_kind k)
{
	switch (k) {
	case RBL_TITLE: return TUI_TITLE;
	case RBL_HEADING: return TUI_TITLE;
	case RBL_CODE: return TUI_CODE;
	case RBL_NOTE: return TUI_DIM;
	default: return TUI_NORMAL;
	}
}

/* The alert, pinned: name, severity, service/instance, firing age. */
static void runbook_draw_alert(struct runbook_priv *p, int y, int w)
{
	const struct alert *al = p->alert;
	struct buf b = {0};
	const char *keys[] = { "service", "instance", "namespace" };
	char age[32], *clean;
	size_t i;

	buf_printf(&b, "%s  [%s]", alert_name(al), alert_severity_str(al->severity));
	if (al->starts > 0) {
		app_age(wall_now() - al->starts, age, sizeof age);
		buf_printf(&b, "  %s %s", al->state == ALERT_ACTIVE ? "firing" : alert_state_str(al->state), age);
	}
	for (i = 0; i < ARRAY_LEN(keys); i++) {
		const char *v = labelset_get(&al->labels, keys[i]);
		if (v && *v)
			buf_printf(&b, "  %s=%s", keys[i], v);
	}
	clean = text_clean(b.data);
	tui_put(y, 0, al->severity == SEV_CRITICAL ? TUI_CRITICAL : TUI_BOLD, clean, w);
	free(clean);
	buf_free(&b);
}

static void runbook_draw(struct app *a, struct view *v, int y, int h, int w)
{
	struct runbook_priv *p = v->priv;
	char *name = text_clean(alert_name(p->alert));
	char *where = text_clean(p->where.location ? p->where.location : "");
	int row, x;
	size_t i;

	runbook_load(a, p);
	x = tui_putf(y, 0, TUI_TITLE, w, "Runbook for %s", name);
	if (*where)
		tui_put(y, x + 2, TUI_DIM, where, w - x - 2);
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
		runbook_relayout(p, w > 4 ? (size_t)w - 2 : 2);
		if (p->cur < p->n_steps && p->top > p->steps[p->cur].first + (size_t)p->body_h)
			p->top = p->steps[p->cur].first;
		for (i = p->top; i < p->lo.n && row < y + h; i++, row++) {
			const struct rb_line *l = &p->lo.v[i];
			bool cur = p->cur < p->n_steps && l->section == p->steps[p->cur].section &&
			           l->step == p->steps[p->cur].step && l->step >= 0;

			if (cur)
				tui_put(row, 0, TUI_BADGE, i == p->steps[p->cur].first ? tui_glyph_arrow() : tui_glyph_bar(), 1);
			tui_put_rb_text(row, 2, w - 2, &l->text, runbook_line_role(l->kind));
		}
		break;
	}
	free(name);
	free(where);
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
	if (!strcmp(name, "run")) {
		app_status(a, TUI_INFO, "running steps comes in the next version of pagetty");
		return true;
	}
	if (p->state != RBV_READY || !p->have_lo)
		return !strcmp(name, "down") || !strcmp(name, "up") || !strcmp(name, "section") ||
		       !strcmp(name, "page-down") || !strcmp(name, "page-up") ||
		       !strcmp(name, "top") || !strcmp(name, "bottom");
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
		runbook_scroll(p, (long)p->lo.n);
		if (p->n_steps)
			p->cur = p->n_steps - 1;
	} else if (!strcmp(name, "section")) {
		int sec = p->cur < p->n_steps ? p->steps[p->cur].section : -1;
		size_t line = p->lo.n;

		if (p->top < p->lo.n && p->lo.v[p->top].section > sec)
			sec = p->lo.v[p->top].section;
		for (i = 0; i < p->lo.n; i++)
			if (p->lo.v[i].section > sec && p->lo.v[i].section >= 0) {
				line = i;
				break;
			}
		if (line == p->lo.n) {
			line = 0; /* wrap to the start */
			p->cur = 0;
		} else {
			for (i = 0; i < p->n_steps; i++)
				if (p->steps[i].section == p->lo.v[line].section) {
					p->cur = i;
					break;
				}
		}
		p->top = line;
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

	alert_free(p->alert);
	rb_where_free(&p->where);
	if (p->have_lo)
		rb_layout_free(&p->lo);
	if (p->have_rb)
		runbook_free(&p->rb);
	free(p->steps);
	free(p);
}

static const struct app_binding runbook_keys[] = {
	{ 'j', "down", "next step" },
	{ TUI_KEY_DOWN, "down", "next step" },
	{ 'k', "up", "previous step" },
	{ TUI_KEY_UP, "up", "previous step" },
	{ TUI_KEY_TAB, "section", "next section" },
	{ TUI_KEY_PGDN, "page-down", "scroll down" },
	{ TUI_KEY_PGUP, "page-up", "scroll up" },
	{ 'g', "top", "top" },
	{ TUI_KEY_HOME, "top", "top" },
	{ 'G', "bottom", "bottom" },
	{ TUI_KEY_END, "bottom", "bottom" },
	{ 'x', "run", "run the step's command (next version)" },
	{ TUI_KEY_ENTER, "run", "run the step's command (next version)" },
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
	.hint = "j/k step  Tab section  PgUp/PgDn scroll  x run  Esc back  ? help",
};

void runbook_view_open(struct app *a, const struct alert *alert)
{
	struct runbook_priv *p = xcalloc(1, sizeof *p);

	p->alert = alert_dup(alert);
	runbook_resolve(p->alert, a->cfg, &p->where);
	p->state = RBV_LOADING;
	app_push(a, &runbook_view, p);
	runbook_load(a, p);
}
