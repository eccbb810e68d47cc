/* alerts.c: the Alerts view (key 1): the merged alerts, filtered, grouped by
 * a label (alertname by default) with a header row per group, sorted by
 * severity then age; the selection follows its (cluster, fingerprint)
 * across refreshes; a detail pane with every label and annotation. Every
 * string that came from an alert is sanitized here before it reaches
 * tui_put. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "views.h"

struct arow {
	bool group;             /* a group header row */
	size_t idx;             /* alert index in app->alerts (first alert of a group) */
	size_t count;           /* group rows: alerts in the group */
	enum alert_severity worst;
};

struct alerts_priv {
	struct arow *rows;      /* owned */
	size_t n_rows, cap_rows;
	size_t sel, top;        /* selected row, first row shown */
	uint64_t gen;           /* app->gen the rows were built from */
	bool built;
	char *sel_cluster;      /* owned or NULL: key of the selected alert */
	char *sel_fp;           /* owned or NULL */
	int detail;             /* -1 auto (when space allows), 0 hidden, 1 shown */
	bool detail_shown;      /* at the last draw */
	size_t shown;           /* alerts passing the filter */
	int list_h;             /* rows of the list at the last draw (paging) */
};

static const char *alerts_key_labels[] = { "service", "instance", "namespace", "job" };

static struct alerts_priv *alerts_priv_of(struct app *a)
{
	if (!a->n_views || a->stack[0]->ops != &alerts_view)
		return NULL;
	return a->stack[0]->priv;
}

static void alerts_remember(struct app *a, struct alerts_priv *p)
{
	const struct alert *al;

	if (p->sel >= p->n_rows || p->rows[p->sel].group)
		return;
	al = a->alerts.v[p->rows[p->sel].idx];
	free(p->sel_cluster);
	free(p->sel_fp);
	p->sel_cluster = xstrdup(al->cluster ? al->cluster : "");
	p->sel_fp = xstrdup(al->fingerprint ? al->fingerprint : "");
}

/* Move the selection to an alert row: the first at or after sel in
 * direction dir (+1/-1), else the other way. */
static void alerts_snap(struct alerts_priv *p, int dir)
{
	size_t i;

	if (!p->n_rows) {
		p->sel = 0;
		return;
	}
	if (p->sel >= p->n_rows)
		p->sel = p->n_rows - 1;
	if (!p->rows[p->sel].group)
		return;
	if (dir >= 0) {
		for (i = p->sel; i < p->n_rows; i++)
			if (!p->rows[i].group) {
				p->sel = i;
				return;
			}
	}
	for (i = p->sel + 1; i-- > 0;)
		if (!p->rows[i].group) {
			p->sel = i;
			return;
		}
	for (i = p->sel; i < p->n_rows; i++)
		if (!p->rows[i].group) {
			p->sel = i;
			return;
		}
}

static void alerts_push_row(struct alerts_priv *p, bool group, size_t idx)
{
	struct arow *r;

	xgrow(&p->rows, &p->cap_rows, p->n_rows + 1, sizeof *p->rows);
	r = &p->rows[p->n_rows++];
	memset(r, 0, sizeof *r);
	r->group = group;
	r->idx = idx;
	r->worst = SEV_UNKNOWN;
}

/* One filtered alert while grouping: its group value and its index. */
struct alerts_gent {
	const char *v; /* borrowed label value, "" when unset */
	size_t i;      /* index into a->alerts */
};

/* A group: its first alert (order of first appearance) and its run. */
struct alerts_grun {
	size_t first, start, len;
};

static int alerts_gent_cmp(const void *x, const void *y)
{
	const struct alerts_gent *a = x, *b = y;
	int c = strcmp(a->v, b->v);

	if (c)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

static int alerts_grun_cmp(const void *x, const void *y)
{
	const struct alerts_grun *a = x, *b = y;

	return a->first < b->first ? -1 : a->first > b->first;
}

/* Rebuild the rows when the alerts, the filter or the grouping changed.
 * Grouping sorts instead of searching the groups for each alert: with
 * 100,000 alerts of distinct names a linear search froze the UI. */
static void alerts_sync(struct app *a, struct alerts_priv *p)
{
	struct alerts_gent *ent = NULL;  /* owned */
	struct alerts_grun *run = NULL;  /* owned */
	size_t n_ent = 0, n_run = 0, i, g, k;
	long keep;

	if (p->built && p->gen == a->gen)
		return;
	p->built = true;
	p->gen = a->gen;
	p->n_rows = 0;
	p->shown = 0;
	if (a->group_by)
		ent = xcalloc(a->alerts.n + 1, sizeof *ent);
	for (i = 0; i < a->alerts.n; i++) {
		const struct alert *al = a->alerts.v[i];
		const char *v;

		if (!filter_is_empty(&a->filter) &&
		    !filter_match(&a->filter, &al->labels, &al->annotations))
			continue;
		p->shown++;
		if (!a->group_by) {
			alerts_push_row(p, false, i);
			continue;
		}
		v = labelset_get(&al->labels, a->group_by);
		ent[n_ent].v = v ? v : "";
		ent[n_ent].i = i;
		n_ent++;
	}
	if (n_ent) {
		qsort(ent, n_ent, sizeof *ent, alerts_gent_cmp);
		run = xcalloc(n_ent, sizeof *run);
		for (k = 0; k < n_ent; k++) {
			if (k == 0 || strcmp(ent[k].v, ent[k - 1].v)) {
				run[n_run].first = ent[k].i;
				run[n_run].start = k;
				n_run++;
			}
			run[n_run - 1].len++;
		}
		qsort(run, n_run, sizeof *run, alerts_grun_cmp);
	}
	for (g = 0; g < n_run; g++) {
		size_t head = p->n_rows;

		alerts_push_row(p, true, run[g].first);
		for (k = run[g].start; k < run[g].start + run[g].len; k++) {
			i = ent[k].i;
			p->rows[head].count++;
			if (a->alerts.v[i]->severity < p->rows[head].worst)
				p->rows[head].worst = a->alerts.v[i]->severity;
			alerts_push_row(p, false, i);
		}
	}
	free(run);
	free(ent);

	/* keep the selection on the same alert */
	keep = -1;
	if (p->sel_fp) {
		for (i = 0; i < p->n_rows; i++) {
			const struct alert *al = a->alerts.v[p->rows[i].idx];

			if (!p->rows[i].group && !strcmp(al->fingerprint ? al->fingerprint : "", p->sel_fp) &&
			    !strcmp(al->cluster ? al->cluster : "", p->sel_cluster)) {
				keep = (long)i;
				break;
			}
		}
	}
	if (keep >= 0)
		p->sel = (size_t)keep;
	alerts_snap(p, 1);
	alerts_remember(a, p);
}

const struct alert *alerts_view_selected(struct app *a)
{
	struct alerts_priv *p = alerts_priv_of(a);

	if (!p)
		return NULL;
	alerts_sync(a, p);
	if (p->sel >= p->n_rows || p->rows[p->sel].group)
		return NULL;
	return a->alerts.v[p->rows[p->sel].idx];
}

static void alerts_move(struct app *a, struct alerts_priv *p, long delta)
{
	long target;
	size_t i;

	if (!p->n_rows)
		return;
	if (delta == 1 || delta == -1) {
		/* next/previous alert row, skipping group headers */
		for (i = p->sel; delta > 0 ? i + 1 < p->n_rows : i > 0;) {
			i = delta > 0 ? i + 1 : i - 1;
			if (!p->rows[i].group) {
				p->sel = i;
				break;
			}
		}
	} else {
		target = (long)p->sel + delta;
		if (target < 0)
			target = 0;
		if (target >= (long)p->n_rows)
			target = (long)p->n_rows - 1;
		p->sel = (size_t)target;
		alerts_snap(p, delta > 0 ? 1 : -1);
	}
	alerts_remember(a, p);
}

static const char *alerts_sev_short(enum alert_severity s)
{
	static const char *names[] = { "CRIT", "ERR", "WARN", "INFO", "-" };

	return s <= SEV_UNKNOWN ? names[s] : "-";
}

static void alerts_age(const struct alert *al, char *out, size_t n)
{
	if (al->starts > 0)
		app_age(wall_now() - al->starts, out, n);
	else
		snprintf(out, n, "?");
}

/* Put text (sanitized here) into a fixed-width column and advance x. */
static void alerts_col(int y, int *x, int w, enum tui_role role, const char *raw, int limit)
{
	char *clean, *cut;

	if (w <= 0 || *x >= limit)
		return;
	if (*x + w > limit)
		w = limit - *x;
	clean = text_clean(raw);
	/* one column of gap after each column but the last */
	cut = text_trunc(clean, (size_t)(*x + w < limit && w > 1 ? w - 1 : w), false, tui_utf8());
	tui_put(y, *x, role, cut, w);
	free(clean);
	free(cut);
	*x += w;
}

static void alerts_draw_row(struct app *a, struct alerts_priv *p, size_t r, int y, int w)
{
	const struct arow *row = &p->rows[r];
	const struct alert *al = a->alerts.v[row->idx];
	bool sel = r == p->sel;
	enum tui_role base = sel ? TUI_SELECTED : al->state == ALERT_ACTIVE ? TUI_NORMAL : TUI_DIM;
	struct buf labels = {0};
	char age[32], state[48];
	int x = 0;
	size_t i;

	if (row->group) {
		const char *v = labelset_get(&al->labels, a->group_by ? a->group_by : "");
		char *clean = text_clean(v && *v ? v : "(none)");

		x = tui_put(y, 0, app_sev_role(row->worst), tui_glyph_arrow(), 1) + 1;
		x += tui_put(y, x, TUI_BOLD, clean, w - x - 24) + 1;
		tui_putf(y, x, TUI_BADGE, w - x, "(%zu)  worst: %s", row->count,
		         alert_severity_str(row->worst));
		free(clean);
		return;
	}
	if (sel)
		tui_fill(y, 0, w, TUI_SELECTED);
	x = a->group_by ? 2 : 0;
	alerts_col(y, &x, 5, sel ? TUI_SELECTED : app_sev_role(al->severity),
	           alerts_sev_short(al->severity), w);
	alerts_age(al, age, sizeof age);
	snprintf(state, sizeof state, "%s %s",
	         al->state == ALERT_ACTIVE ? "firing" : alert_state_str(al->state), age);
	alerts_col(y, &x, 14, base, state, w);
	if (!a->group_by || strcmp(a->group_by, "alertname"))
		alerts_col(y, &x, w >= 120 ? 28 : 20, sel ? TUI_SELECTED : TUI_BOLD, alert_name(al), w);
	for (i = 0; i < ARRAY_LEN(alerts_key_labels); i++) {
		const char *v = labelset_get(&al->labels, alerts_key_labels[i]);

		if (v && *v) {
			if (labels.len)
				buf_putc(&labels, ' ');
			buf_puts(&labels, v);
		}
	}
	alerts_col(y, &x, w >= 120 ? 36 : 22, base, labels.data ? labels.data : "", w);
	alerts_col(y, &x, w - x, base, alert_summary(al), w);
	buf_free(&labels);
}

/* Append untrusted s on one line: its newlines become visible escapes. */
static void alerts_detail_str(struct buf *b, const char *s)
{
	char *clean = text_clean(s);

	buf_puts(b, clean);
	free(clean);
}

/* "  name=value" with every line of a multi-line value indented, so no
 * value can start a line that looks like one of ours. */
static void alerts_detail_kv(struct buf *b, const struct kv *kv, const char *sep)
{
	const char *v;
	char *name = text_clean(kv->name);

	buf_printf(b, "  %s%s", name, sep);
	for (v = kv->value ? kv->value : ""; *v; v++) {
		if (*v == '\n')
			buf_puts(b, "\n    ");
		else if (*v != '\r' || v[1] != '\n')
			buf_putc(b, *v); /* a lone \r stays, shown as an escape */
	}
	buf_putc(b, '\n');
	free(name);
}

/* The detail pane: one alert, every field, wrapped into w columns. */
static void alerts_draw_detail(const struct alert *al, int y, int x, int h, int w)
{
	struct buf b = {0};
	char **lines = NULL, when[40], age[32];
	size_t n, i, j;
	int row = y;

	if (h <= 0 || w <= 4)
		return;
	if (!al) {
		tui_put(y, x, TUI_DIM, "no alert selected", w);
		return;
	}
	rfc3339_format(al->starts, when, sizeof when);
	alerts_age(al, age, sizeof age);
	alerts_detail_str(&b, alert_name(al));
	buf_printf(&b, "  [%s] %s  cluster ", alert_severity_str(al->severity), alert_state_str(al->state));
	alerts_detail_str(&b, al->cluster ? al->cluster : "?");
	buf_printf(&b, "\nstartsAt %s (%s ago)  fingerprint ", al->starts > 0 ? when : "?", age);
	alerts_detail_str(&b, al->fingerprint);
	buf_putc(&b, '\n');
	if (al->n_silenced_by) {
		buf_puts(&b, "silenced by");
		for (i = 0; i < al->n_silenced_by; i++) {
			buf_putc(&b, ' ');
			alerts_detail_str(&b, al->silenced_by[i]);
		}
		buf_putc(&b, '\n');
	}
	if (al->n_inhibited_by) {
		buf_puts(&b, "inhibited by");
		for (i = 0; i < al->n_inhibited_by; i++) {
			buf_putc(&b, ' ');
			alerts_detail_str(&b, al->inhibited_by[i]);
		}
		buf_putc(&b, '\n');
	}
	buf_puts(&b, "labels:\n");
	for (i = 0; i < al->labels.n; i++)
		alerts_detail_kv(&b, &al->labels.v[i], "=");
	buf_puts(&b, "annotations:\n");
	for (i = 0; i < al->annotations.n; i++)
		alerts_detail_kv(&b, &al->annotations.v[i], ": ");
	{
		/* the text above came from the alert: sanitize it all, keeping
		 * only newlines; alerts_detail_kv indented every value line */
		char *clean = text_sanitize(b.data, b.len, TEXT_KEEP_NEWLINES | TEXT_KEEP_TABS, 64 * 1024);

		n = text_wrap(clean, (size_t)w, &lines);
		free(clean);
	}
	for (j = 0; j < n && row < y + h; j++, row++) {
		enum tui_role role = TUI_NORMAL;

		if (j == 0)
			role = app_sev_role(al->severity);
		else if (!strcmp(lines[j], "labels:") || !strcmp(lines[j], "annotations:"))
			role = TUI_TITLE;
		else if (str_has_prefix(lines[j], "silenced by") || str_has_prefix(lines[j], "inhibited by"))
			role = TUI_DIM;
		tui_put(row, x, role, lines[j], w);
	}
	text_lines_free(lines, n);
	buf_free(&b);
}

/* Has s failed without ever answering? (what the header calls DOWN) */
static bool alerts_source_down(const struct source *s)
{
	const struct source_status *st = &s->status;

	return !st->ever_ok && !st->ok && (st->stale || st->reason[0]);
}

/* No source has answered yet: one line per source that failed, "No data:
 * NAME is down: REASON", then "waiting for N sources..." while first
 * fetches are still in flight; within rows y+1 .. y+h-1. */
static void alerts_draw_nodata(struct app *a, int y, int h, int w)
{
	size_t i, down = 0, waiting = 0, room, fit;
	int row = y + 1;

	if (w <= 2)
		return;
	for (i = 0; i < a->n_sources; i++) {
		if (alerts_source_down(a->sources[i]))
			down++;
		else if (!a->sources[i]->status.ever_ok)
			waiting++;
	}
	room = h > 2 ? (size_t)(h - 1) : 1;
	fit = down;
	if (down + (waiting > 0) > room) {
		/* keep a row for "N more" and one for waiting */
		size_t keep = 1 + (waiting > 0);
		fit = room > keep ? room - keep : 0;
	}
	for (i = 0; i < a->n_sources && fit; i++) {
		const struct source *s = a->sources[i];
		char *name, *reason, *line, *cut;

		if (!alerts_source_down(s))
			continue;
		name = text_clean(s->name);
		reason = text_clean(s->status.reason[0] ? s->status.reason : "no answer");
		line = xasprintf("No data: %s is down: %s", name, reason);
		cut = text_trunc(line, (size_t)(w - 2), false, tui_utf8());
		tui_put(row++, 2, TUI_ERROR, cut, w - 2);
		free(cut);
		free(line);
		free(reason);
		free(name);
		fit--;
		down--;
	}
	if (down)
		tui_putf(row++, 2, TUI_ERROR, w - 2, "No data: %zu more source%s down", down,
		         down == 1 ? "" : "s");
	if (waiting && (row < y + h || row == y + 1))
		tui_putf(row, 2, TUI_DIM, w - 2, "waiting for %zu source%s%s", waiting,
		         waiting == 1 ? "" : "s", tui_ellipsis());
}

static void alerts_draw_empty(struct app *a, struct alerts_priv *p, int y, int h, int w)
{
	size_t i, answered = 0;

	for (i = 0; i < a->n_sources; i++)
		if (a->sources[i]->status.ever_ok)
			answered++;
	if (a->alerts.n && !p->shown) {
		char *f = text_clean(a->filter_text);
		tui_putf(y + 1, 2, TUI_BOLD, w - 2, "No alerts match the filter \"%s\" (of %zu). Esc clears it.",
		         f, a->alerts.n);
		free(f);
	} else if (!answered && a->n_sources) {
		alerts_draw_nodata(a, y, h, w);
	} else {
		tui_put(y + 1, 2, TUI_OK, "No alerts firing.", w - 2);
	}
}

static void alerts_draw(struct app *a, struct view *v, int y, int h, int w)
{
	struct alerts_priv *p = v->priv;
	bool show = p->detail == 1 || (p->detail == -1 && (h >= 30 || w >= 160));
	bool right = show && w >= 160;
	int lh = h, lw = w, dh = 0;
	size_t r;
	struct tui_list l;

	alerts_sync(a, p);
	if (show && !right) {
		dh = h / 2;
		if (dh < 6)
			dh = 6;
		lh = h - dh - 1;
		if (lh < 3) {
			lh = 3;
			dh = h - lh - 1;
		}
	} else if (right) {
		lw = w / 2;
	}
	p->list_h = lh;
	p->detail_shown = show;
	if (!p->n_rows) {
		alerts_draw_empty(a, p, y, lh, lw);
	} else {
		l.n = p->n_rows;
		l.sel = p->sel;
		l.top = p->top;
		tui_list_fit(&l, (size_t)lh);
		/* show the group header of the first shown alert when possible */
		if (l.top > 0 && l.top == l.sel && p->rows[l.top - 1].group)
			l.top--;
		p->top = l.top;
		for (r = p->top; r < p->n_rows && (int)(r - p->top) < lh; r++)
			alerts_draw_row(a, p, r, y + (int)(r - p->top), lw);
	}
	if (show && !right) {
		tui_hline(y + lh, 0, w, TUI_DIM);
		alerts_draw_detail(alerts_view_selected(a), y + lh + 1, 1, dh, w - 2);
	} else if (right) {
		int i;

		for (i = 0; i < h; i++)
			tui_put(y + i, lw, TUI_DIM, tui_utf8() ? "\u2502" : "|", 1);
		alerts_draw_detail(alerts_view_selected(a), y, lw + 2, h, w - lw - 3);
	}
}

static bool alerts_command(struct app *a, struct view *v, const char *name, const char *args)
{
	struct alerts_priv *p = v->priv;
	const struct alert *al;
	long page = p->list_h > 2 ? p->list_h - 1 : 1;

	alerts_sync(a, p);
	if (!strcmp(name, "down"))
		alerts_move(a, p, 1);
	else if (!strcmp(name, "up"))
		alerts_move(a, p, -1);
	else if (!strcmp(name, "page-down"))
		alerts_move(a, p, page);
	else if (!strcmp(name, "page-up"))
		alerts_move(a, p, -page);
	else if (!strcmp(name, "top"))
		alerts_move(a, p, -(long)p->n_rows - 1);
	else if (!strcmp(name, "bottom"))
		alerts_move(a, p, (long)p->n_rows + 1);
	else if (!strcmp(name, "detail"))
		p->detail = p->detail_shown ? 0 : 1;
	else if (!strcmp(name, "runbook") || !strcmp(name, "silence") || !strcmp(name, "expire")) {
		al = alerts_view_selected(a);
		if (!al) {
			app_status(a, TUI_ERROR, "%s: no alert selected", name);
			return true;
		}
		if (!strcmp(name, "runbook")) {
			runbook_view_open(a, al);
		} else if (!strcmp(name, "silence")) {
			char dur[32] = "";
			const char *sp = strchr(args, ' ');

			if (*args) {
				size_t n = sp ? (size_t)(sp - args) : strlen(args);
				snprintf(dur, sizeof dur, "%.*s", (int)(n < sizeof dur ? n : sizeof dur - 1), args);
			}
			while (sp && *sp == ' ')
				sp++;
			silence_view_open(a, al, *dur ? dur : NULL, sp && *sp ? sp : NULL);
		} else {
			silence_expire_open(a, al);
		}
	} else
		return false;
	return true;
}

static void alerts_free(struct view *v)
{
	struct alerts_priv *p = v->priv;

	free(p->rows);
	free(p->sel_cluster);
	free(p->sel_fp);
	free(p);
}

static const struct app_binding alerts_keys[] = {
	{ 'j', "down", "next alert" },
	{ TUI_KEY_DOWN, "down", "next alert" },
	{ 'k', "up", "previous alert" },
	{ TUI_KEY_UP, "up", "previous alert" },
	{ 'g', "top", "first alert" },
	{ TUI_KEY_HOME, "top", "first alert" },
	{ 'G', "bottom", "last alert" },
	{ TUI_KEY_END, "bottom", "last alert" },
	{ TUI_KEY_PGDN, "page-down", "page down" },
	{ TUI_KEY_PGUP, "page-up", "page up" },
	{ TUI_KEY_ENTER, "runbook", "open the alert's runbook" },
	{ 's', "silence", "silence the alert" },
	{ 'e', "expire", "expire the alert's silences" },
	{ 'd', "detail", "show/hide the detail pane" },
	{ 'z', "group", "group by alertname on/off (:group LABEL for any label)" },
	{ TUI_KEY_ESC, "nofilter", "clear the filter" },
	{ 0, NULL, NULL },
};

const struct view_ops alerts_view = {
	.name = "alerts",
	.draw = alerts_draw,
	.command = alerts_command,
	.free = alerts_free,
	.keys = alerts_keys,
	.hint = "j/k move  Enter runbook  / filter  s silence  e expire  d detail  ? help  q quit",
};

void alerts_view_open(struct app *a)
{
	struct alerts_priv *p = xcalloc(1, sizeof *p);

	p->detail = -1;
	app_push(a, &alerts_view, p);
}
