/* slo.c: the SLO view (`2`): one row per SLO, sorted by budget left, with
 * its state coloured; Enter opens a detail pane with the budget remaining
 * over the window as a chart and the burn rate per window. Also the glue
 * that gives the app its struct slo_live (started with the app, refreshed
 * with it) and the burning-SLO count in the header on every view. Strings
 * from SLO files and servers are sanitized here before they reach tui_put. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "slo_state.h"
#include "views.h"

struct slo_view {
	struct tui_list list;
	size_t *order;           /* owned: row indices, sorted by budget left */
	size_t n_order;
	bool detail;             /* detail pane shown */
	int list_h;              /* list rows at the last draw (paging) */
};

/* ---- the app's glue ---- */

static void slo_on_change(struct slo_live *s, void *data)
{
	struct app *a = data;

	(void)s;
	app_dirty(a);
}

void slo_views_start(struct app *a)
{
	char err[ERR_MAX];

	if (a->slo)
		return;
	a->slo = slo_live_new(a->cfg, a->loop, a->http, a->demo, true, err);
	if (!a->slo)
		return;
	a->slo->on_change = slo_on_change;
	a->slo->data = a;
	if (a->slo->load_err[0])
		app_status(a, TUI_ERROR, "SLO specs: %s", a->slo->load_err);
	slo_live_start_timer(a->slo);
}

void slo_views_stop(struct app *a)
{
	slo_live_free(a->slo);
	a->slo = NULL;
}

void slo_views_refresh(struct app *a)
{
	if (a->slo)
		slo_live_refresh(a->slo);
}

/* prio 4: the count (and stale SLOs), 5: how many page; app.c's
 * header leaves out the line's pieces by prio. */
void slo_view_header(struct app *a, struct app_hdr_part *v, size_t *n, size_t max)
{
	size_t pages = 0, tickets = 0, stale = 0, i;

	if (!a->slo || !a->slo->n_rows)
		return;
	slo_live_burning(a->slo, &pages, &tickets);
	for (i = 0; i < a->slo->n_rows; i++)
		stale += a->slo->rows[i].err[0] != '\0';
	app_hdr_add(v, n, max, 4, TUI_NORMAL, " %s SLOs: ", tui_glyph_dot());
	if (pages + tickets == 0) {
		app_hdr_add(v, n, max, 4, TUI_OK, "none burning");
	} else {
		app_hdr_add(v, n, max, 4, pages ? TUI_CRITICAL : TUI_WARNING, "%zu burning",
		            pages + tickets);
		if (pages)
			app_hdr_add(v, n, max, 5, TUI_CRITICAL, " (%zu page)", pages);
	}
	if (stale)
		app_hdr_add(v, n, max, 4, TUI_STALE, " %zu stale", stale);
}

/* ---- formatting ---- */

static void f_pct(double v, char *out, size_t n)
{
	if (!isfinite(v))
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.*f%%", fabs(v * 100) < 10 ? 2 : 1, v * 100);
}

static void f_burn(double b, char *out, size_t n)
{
	if (isnan(b))
		snprintf(out, n, "-");
	else if (isinf(b))
		snprintf(out, n, "inf");
	else
		snprintf(out, n, "%.*fx", b < 10 ? 2 : 1, b);
}

static void f_dur(double s, char *out, size_t n)
{
	if (!isfinite(s) || s < 0)
		snprintf(out, n, "-");
	else if (s >= 365 * 86400.0)
		snprintf(out, n, ">1y");
	else
		app_age(s, out, n);
}

static enum tui_role state_role(enum slo_state st)
{
	return st == SLO_STATE_PAGE ? TUI_CRITICAL : st == SLO_STATE_TICKET ? TUI_WARNING : TUI_OK;
}

static enum tui_role burn_role(double b)
{
	if (!isfinite(b))
		return isinf(b) ? TUI_CRITICAL : TUI_DIM;
	return b >= 14.4 ? TUI_CRITICAL : b >= 6 ? TUI_ERROR : b >= 1 ? TUI_WARNING : TUI_NORMAL;
}

/* ---- the view ---- */

static void slo_view_sync(struct app *a, struct slo_view *p)
{
	size_t n = a->slo ? a->slo->n_rows : 0;

	if (p->n_order != n) {
		p->order = xrealloc(p->order, (n ? n : 1) * sizeof *p->order);
		p->n_order = n;
	}
	if (n)
		slo_live_sorted(a->slo, p->order);
	p->list.n = n;
	if (p->list.sel >= n)
		p->list.sel = n ? n - 1 : 0;
}

static const struct slo_row *slo_view_sel(struct app *a, struct slo_view *p)
{
	if (!a->slo || !p->n_order || p->list.sel >= p->n_order)
		return NULL;
	return &a->slo->rows[p->order[p->list.sel]];
}

/* The table's columns. SERVICE and SLO always show; the numbers each take
 * a fixed width and, on a narrow terminal, show by priority (budget left,
 * burn rate now, time to exhaustion, SLI, ...) while the SLO name keeps
 * SLO_NAME_MIN columns; from the first that does not fit on, none shows and
 * the rest goes to the name, up to SLO_NAME_MAX. A column that does not fit
 * whole is left out, never cut. */
enum slo_col { SC_OBJ, SC_WIN, SC_SLI, SC_BUD, SC_LEFT, SC_B1, SC_B6, SC_EXH, SC_COUNT };
static const struct {
	int w;               /* columns, the space after it included */
	const char *head;    /* right-aligned in w - 1 */
} slo_col_def[SC_COUNT] = {
	[SC_OBJ] = { 8, "OBJ" }, [SC_WIN] = { 5, "WIN" }, [SC_SLI] = { 9, "SLI" },
	[SC_BUD] = { 8, "BUDGET" }, [SC_LEFT] = { 8, "LEFT" }, [SC_B1] = { 8, "BURN1H" },
	[SC_B6] = { 8, "BURN6H" }, [SC_EXH] = { 9, "EXHAUST" },
};
static const enum slo_col slo_col_prio[SC_COUNT] = {
	SC_BUD, SC_B1, SC_EXH, SC_SLI, SC_LEFT, SC_B6, SC_OBJ, SC_WIN,
};
#define SLO_NAME_MIN 20
#define SLO_NAME_MAX 34

struct slo_cols {
	int state, svc, name, name_w;
	int x[SC_COUNT];     /* -1: not shown */
	int first;           /* x of the first number shown (w when none) */
	int note;            /* x after the last column */
	bool narrow;         /* numbers left out, or no room for notes after them */
};

static void slo_layout(int w, struct slo_cols *c)
{
	int svc_w = w < 72 ? 10 : 14, name_min = w < 72 ? 14 : SLO_NAME_MIN;
	int used = 2 + 7 + svc_w + 1 + name_min + 1, i, x;
	bool on[SC_COUNT] = { false };

	/* up to the first that does not fit: the room left is the name's */
	for (i = 0; i < SC_COUNT && used + slo_col_def[slo_col_prio[i]].w <= w; i++) {
		on[slo_col_prio[i]] = true;
		used += slo_col_def[slo_col_prio[i]].w;
	}
	c->name_w = name_min + (w - used);
	if (c->name_w > SLO_NAME_MAX)
		c->name_w = SLO_NAME_MAX;
	c->state = 2;
	c->svc = c->state + 7;
	c->name = c->svc + svc_w + 1;
	x = c->name + c->name_w + 1;
	c->first = w;
	c->narrow = false;
	for (i = 0; i < SC_COUNT; i++) {
		c->x[i] = on[i] ? x : -1;
		if (on[i] && c->first == w)
			c->first = x;
		x += on[i] ? slo_col_def[i].w : 0;
		c->narrow |= !on[i];
	}
	c->note = x;
	c->narrow |= c->note + 12 > w;
}

/* One number, right-aligned in its column, if the column is shown. */
static void slo_put_num(int y, const struct slo_cols *c, enum slo_col col, enum tui_role role,
                        const char *text)
{
	if (c->x[col] >= 0)
		tui_putf(y, c->x[col], role, slo_col_def[col].w - 1, "%*s", slo_col_def[col].w - 1, text);
}

/* The row's note: STALE with age and reason, an error, no data, low traffic;
 * NULL when none. Malloced. */
static char *slo_row_note(const struct slo_row *r, enum tui_role *role)
{
	char age[32], *e, *out;

	if (r->err[0]) {
		e = text_clean(r->err);
		if (r->stale) {
			app_age(wall_now() - r->updated, age, sizeof age);
			out = xasprintf("STALE %s: %s", age, e);
			*role = TUI_STALE;
		} else {
			out = xasprintf("error: %s", e);
			*role = TUI_ERROR;
		}
		free(e);
		return out;
	}
	if (r->have && r->ev.no_data) {
		*role = TUI_DIM;
		return xstrdup("no data");
	}
	if (r->have && r->ev.low_traffic) {
		*role = TUI_WARNING;
		return xstrdup("low traffic");
	}
	return NULL;
}

static void slo_draw_row(struct app *a, const struct slo_row *r, int y, int w, bool sel,
                         const struct slo_cols *c)
{
	const struct slo_def *d = slo_live_def(a->slo, r);
	char *svc = text_clean(d->service), *name = text_clean(d->name), *note;
	char buf[32];
	enum tui_role base = sel ? TUI_SELECTED : TUI_NORMAL, note_role = TUI_NORMAL;
	bool h = r->have;

	if (sel) {
		tui_fill(y, 0, w, TUI_SELECTED);
		tui_put(y, 0, TUI_SELECTED, tui_glyph_arrow(), 1);
	}
	if (h)
		tui_put(y, c->state, sel ? base : state_role(r->ev.state),
		        r->ev.state == SLO_STATE_PAGE ? "PAGE" :
		        r->ev.state == SLO_STATE_TICKET ? "TICKET" : "ok", 6);
	else
		tui_put(y, c->state, sel ? base : TUI_DIM, r->err[0] ? "ERROR" : "...", 6);
	tui_put_cut(y, c->svc, base, svc, c->name - c->svc - 1);
	tui_put_cut(y, c->name, base, name, c->name_w);
	note = slo_row_note(r, &note_role);
	if (c->narrow && note && r->err[0]) {
		/* no room after the numbers: the error or STALE takes their place
		 * (the detail pane still shows the last numbers) */
		tui_put_cut(y, c->first, sel ? base : note_role, note, w - c->first);
		goto out;
	}
	snprintf(buf, sizeof buf, "%g%%", d->objective * 100);
	slo_put_num(y, c, SC_OBJ, base, buf);
	slo_window_format(d->window_ms, buf, sizeof buf);
	slo_put_num(y, c, SC_WIN, base, buf);
	f_pct(h ? r->ev.sli : NAN, buf, sizeof buf);
	slo_put_num(y, c, SC_SLI, base, buf);
	f_pct(h ? r->ev.budget_remaining : NAN, buf, sizeof buf);
	slo_put_num(y, c, SC_BUD, sel ? base : h && r->ev.budget_remaining < 0.25 ? TUI_ERROR : base, buf);
	f_dur(h ? r->ev.budget_remaining_s : NAN, buf, sizeof buf);
	slo_put_num(y, c, SC_LEFT, base, buf);
	f_burn(h ? r->ev.burn[SLO_W1H] : NAN, buf, sizeof buf);
	slo_put_num(y, c, SC_B1, sel ? base : burn_role(h ? r->ev.burn[SLO_W1H] : NAN), buf);
	f_burn(h ? r->ev.burn[SLO_W6H] : NAN, buf, sizeof buf);
	slo_put_num(y, c, SC_B6, sel ? base : burn_role(h ? r->ev.burn[SLO_W6H] : NAN), buf);
	f_dur(h ? r->ev.exhaustion_s : NAN, buf, sizeof buf);
	slo_put_num(y, c, SC_EXH, base, buf);
	if (note && c->note < w)
		tui_put_cut(y, c->note, sel ? base : note_role, note, w - c->note);
out:
	free(note);
	free(svc);
	free(name);
}

static void slo_draw_detail(struct app *a, const struct slo_row *r, int y, int h, int w)
{
	const struct slo_def *d = slo_live_def(a->slo, r);
	char *svc = text_clean(d->service), *name = text_clean(d->name);
	char win[16], buf[32], budget[32], title[48], *note;
	enum tui_role note_role = TUI_NORMAL;
	struct tui_chart ch;
	int i, bx = 2, cx = 26;
	double now = wall_now(), win_s = (double)d->window_ms / 1000.0;

	tui_hline(y, 0, w, TUI_DIM);
	slo_window_format(d->window_ms, win, sizeof win);
	f_dur((1 - d->objective) * win_s, budget, sizeof budget);
	tui_putf_cut(y + 1, 2, TUI_TITLE, w - 4, "%s / %s", svc, name);
	tui_putf_cut(y + 2, 2, TUI_DIM, w - 4, "objective %g%% over %s: an error budget of %g%% (%s of full outage)",
	             d->objective * 100, win, (1 - d->objective) * 100, budget);
	note = slo_row_note(r, &note_role);
	if (note)
		tui_put_cut(y + 3, 2, note_role, note, w - 4);
	free(note);
	tui_putf(y + 4, bx, TUI_BOLD, 22, "burn rate per window");
	for (i = 0; i < SLO_NWINDOWS && y + 5 + i < y + h; i++) {
		double b = r->have ? r->ev.burn[i] : NAN;
		f_burn(b, buf, sizeof buf);
		tui_putf(y + 5 + i, bx, TUI_NORMAL, 5, "%-4s", slo_window_name((enum slo_window)i));
		tui_putf(y + 5 + i, bx + 5, burn_role(b), 10, "%9s", buf);
	}
	if (y + 13 < y + h && r->have) {
		tui_put(y + 13, bx, state_role(r->ev.state), slo_state_name(r->ev.state), 20);
	}
	memset(&ch, 0, sizeof ch);
	ch.t = r->hist.t;
	ch.v = r->hist.v;
	ch.n = r->hist.n;
	ch.t1 = now;
	ch.t0 = now - win_s;
	ch.unit = TUI_UNIT_RATIO;
	ch.has_threshold = true;
	ch.threshold = 0;
	snprintf(title, sizeof title, "budget left over %s", win);
	ch.title = title;
	ch.role = r->have && r->ev.budget_remaining < 0.25 ? TUI_ERROR : TUI_INFO;
	if (r->hist_pending && !r->hist.n)
		ch.note = "loading", ch.note_role = TUI_DIM;
	if (r->hist_err[0]) {
		ch.note = r->hist_err; /* sanitized by the source */
		ch.note_role = TUI_STALE;
	}
	if (w - cx > 24 && h > 6)
		tui_chart_draw(y + 4, cx, h - 4, w - cx - 1, &ch);
	free(svc);
	free(name);
}

static void slo_draw(struct app *a, struct view *v, int y, int h, int w)
{
	struct slo_view *p = v->priv;
	struct slo_live *s = a->slo;
	struct slo_cols c;
	size_t i;
	int list_h, row = y, x;

	slo_view_sync(a, p);
	if (!s) {
		tui_put(y + 1, 2, TUI_ERROR, "SLOs are not available", w - 4);
		return;
	}
	tui_putf(row, 2, TUI_TITLE, w - 4, "SLOs (%zu)", s->n_rows);
	/* Each server: "from NAME", or STALE with its age and reason. */
	for (i = 0, x = 14; i < s->n_srcs && x < w - 2; i++) {
		const struct prom_status *st = &s->srcs[i].m->status;
		char *name = text_clean(s->srcs[i].m->name), *reason = text_clean(st->reason);
		if (st->stale) {
			char age[32];
			app_age(st->last_ok > 0 ? wall_now() - st->last_ok : 0, age, sizeof age);
			x += tui_putf_cut(row, x, TUI_STALE, w - 2 - x, "%s STALE %s: %s  ", name, age, reason);
		} else {
			x += tui_putf_cut(row, x, TUI_DIM, w - 2 - x, "%s%s  ", i ? "" : "from ", name);
		}
		free(name);
		free(reason);
	}
	row++;
	if (s->load_err[0]) {
		tui_putf_cut(row++, 2, TUI_ERROR, w - 4, "SLO specs: %s", s->load_err);
	}
	if (!s->n_rows) {
		tui_put(row + 1, 2, TUI_BOLD, "No SLOs yet.", w - 4);
		tui_put(row + 2, 2, TUI_DIM, s->metrics
		        ? "Name Sloth or OpenSLO files under slo.files in the config, or load Sloth's "
		          "recording rules into Prometheus."
		        : "Configure a prometheus: source and slo.files to see SLO error budgets.", w - 4);
		return;
	}
	slo_layout(w, &c);
	tui_put(row, c.state, TUI_DIM, "STATE", -1);
	tui_put(row, c.svc, TUI_DIM, "SERVICE", -1);
	tui_put(row, c.name, TUI_DIM, "SLO", -1);
	for (i = 0; i < SC_COUNT; i++)
		if (c.x[i] >= 0)
			tui_putf(row, c.x[i], TUI_DIM, -1, "%*s", slo_col_def[i].w - 1, slo_col_def[i].head);
	row++;
	list_h = y + h - row;
	if (p->detail && list_h > 12)
		list_h = (int)(s->n_rows < (size_t)list_h / 3 ? s->n_rows : (size_t)list_h / 3);
	if (list_h < 1)
		list_h = 1;
	p->list_h = list_h;
	tui_list_fit(&p->list, (size_t)list_h);
	for (i = p->list.top; i < p->n_order && row < y + h && (int)(i - p->list.top) < list_h; i++)
		slo_draw_row(a, &s->rows[p->order[i]], row++, w, i == p->list.sel, &c);
	if (p->detail && slo_view_sel(a, p) && y + h - row > 6)
		slo_draw_detail(a, slo_view_sel(a, p), row, y + h - row, w);
}

static void slo_ask_history(struct app *a, struct slo_view *p)
{
	if (p->detail && a->slo && p->list.sel < p->n_order)
		slo_live_history(a->slo, p->order[p->list.sel]);
}

static bool slo_command(struct app *a, struct view *v, const char *name, const char *args)
{
	struct slo_view *p = v->priv;
	long page = p->list_h > 1 ? p->list_h - 1 : 1;

	(void)args;
	slo_view_sync(a, p);
	if (!strcmp(name, "down"))
		tui_list_move(&p->list, 1);
	else if (!strcmp(name, "up"))
		tui_list_move(&p->list, -1);
	else if (!strcmp(name, "top"))
		tui_list_move(&p->list, -(long)p->list.n);
	else if (!strcmp(name, "bottom"))
		tui_list_move(&p->list, (long)p->list.n);
	else if (!strcmp(name, "page-down"))
		tui_list_move(&p->list, page);
	else if (!strcmp(name, "page-up"))
		tui_list_move(&p->list, -page);
	else if (!strcmp(name, "detail"))
		p->detail = !p->detail;
	else if (!strcmp(name, "back") && p->detail)
		p->detail = false;
	else if (!strcmp(name, "back"))
		app_pop(a);
	else
		return false;
	if (strcmp(name, "back"))
		slo_ask_history(a, p);
	app_dirty(a);
	return true;
}

static void slo_free(struct view *v)
{
	struct slo_view *p = v->priv;

	free(p->order);
	free(p);
}

static const struct app_binding slo_keys[] = {
	{ 'j', "down", "next SLO" },
	{ TUI_KEY_DOWN, "down", "next SLO" },
	{ 'k', "up", "previous SLO" },
	{ TUI_KEY_UP, "up", "previous SLO" },
	{ 'g', "top", "first SLO" },
	{ TUI_KEY_HOME, "top", "first SLO" },
	{ 'G', "bottom", "last SLO" },
	{ TUI_KEY_END, "bottom", "last SLO" },
	{ TUI_KEY_PGDN, "page-down", "page down" },
	{ TUI_KEY_PGUP, "page-up", "page up" },
	{ TUI_KEY_ENTER, "detail", "budget chart and burn rates of the SLO" },
	{ 'd', "detail", "budget chart and burn rates of the SLO" },
	{ TUI_KEY_ESC, "back", "close the detail / back to Alerts" },
	{ 0, NULL, NULL },
};

const struct view_ops slo_view = {
	.name = "slo",
	.draw = slo_draw,
	.command = slo_command,
	.free = slo_free,
	.keys = slo_keys,
	.hint = "j/k move  Enter budget chart  3 signals  1 alerts  ? help",
};

void slo_view_open(struct app *a)
{
	struct slo_view *p = xcalloc(1, sizeof *p);

	slo_views_start(a);
	app_push(a, &slo_view, p);
}
