/* app_bars.c: the rows around the views: the two header rows (pagetty,
 * DEMO, each source's health and latency; alert counts, filter, refresh
 * age, burning SLOs) and the status row (escalations, messages, or the
 * view's key hint). On a narrow terminal the second header row leaves out
 * its less urgent pieces and the hint its less used keys, whole, so
 * nothing is cut mid-word; what still does not fit ends in an ellipsis. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/duration.h"
#include "../core/text.h"
#include "../datasource/drill.h"
#include "app.h"
#include "views.h"
#include "walker.h"

#define APP_HDR_PARTS 16

enum tui_role app_sev_role(enum alert_severity s)
{
	switch (s) {
	case SEV_CRITICAL: return TUI_CRITICAL;
	case SEV_ERROR: return TUI_ERROR;
	case SEV_WARNING: return TUI_WARNING;
	case SEV_INFO: return TUI_INFO;
	default: return TUI_NORMAL;
	}
}

/* A source's latency as the header shows it: a bucket ("<250ms"), not the
 * last figure, so an idle refresh whose latency jitters (575 ms, then 466,
 * then 745) leaves the header untouched and writes nothing. It moves up as
 * soon as a request takes longer than the bucket says, and down only once
 * one takes clearly less (under 80% of the bucket below), so what is shown
 * is always an upper bound on the last request. */
static const int64_t app_lat_edges[] = { 50, 100, 250, 500, 1000, 2500, 5000, 10000 };
#define APP_LAT_N (sizeof app_lat_edges / sizeof app_lat_edges[0])

static unsigned app_lat_bucket(unsigned shown, int64_t ms)
{
	unsigned b = 0;

	while (b < APP_LAT_N && ms >= app_lat_edges[b])
		b++;
	if (b < shown && shown <= APP_LAT_N && ms * 5 >= app_lat_edges[shown - 1] * 4)
		return shown; /* a little faster than the bucket below: stay */
	return b;
}

static void app_lat_label(unsigned b, char *out, size_t n)
{
	int64_t e = b < APP_LAT_N ? app_lat_edges[b] : app_lat_edges[APP_LAT_N - 1];

	if (e >= 1000)
		snprintf(out, n, "%s%g%s", b < APP_LAT_N ? "<" : ">", (double)e / 1000.0, "s");
	else
		snprintf(out, n, "<%lldms", (long long)e);
}

void app_hdr_add(struct app_hdr_part *v, size_t *n, size_t max, int prio, enum tui_role role,
                 const char *fmt, ...)
{
	va_list ap;

	if (*n >= max)
		return;
	v[*n].prio = prio;
	v[*n].role = role;
	va_start(ap, fmt);
	vsnprintf(v[*n].text, sizeof v[*n].text, fmt, ap);
	va_end(ap);
	(*n)++;
}

/* Draw the parts on row y in w columns: while they are too wide, leave out
 * those of the highest prio (above APP_HDR_KEEP); what still does not fit
 * ends in an ellipsis. */
static void app_hdr_draw(int y, int w, const struct app_hdr_part *v, size_t n)
{
	int total, drop = -1, x = 0;
	size_t i;

	for (;;) {
		int top = -1;

		total = 0;
		for (i = 0; i < n; i++) {
			if (drop >= 0 && v[i].prio >= drop)
				continue;
			total += (int)text_width(v[i].text);
			if (v[i].prio > top)
				top = v[i].prio;
		}
		if (total <= w || top <= APP_HDR_KEEP)
			break;
		drop = top;
	}
	for (i = 0; i < n && x < w; i++) {
		if (drop >= 0 && v[i].prio >= drop)
			continue;
		x += tui_put_cut(y, x, v[i].role, v[i].text, w - x);
	}
}

/* Row 0: name, DEMO, each source's health. Row 1: counts, filter, age,
 * SLOs; on a narrow terminal the less urgent pieces are left out. */
void app_draw_header(struct app *a, int w)
{
	struct app_hdr_part parts[APP_HDR_PARTS];
	size_t np = 0;
	int x = 0;
	size_t i, stale = 0;
	size_t count[SEV_UNKNOWN + 1] = {0}, silenced = 0;
	static const char *sev_short[] = { "critical", "error", "warning", "info", "other" };
	char age[32];
	double now = wall_now();

	tui_fill(0, 0, w, TUI_HEADER);
	x += tui_put(0, x, TUI_HEADER, "pagetty", -1);
	if (a->demo) {
		x += tui_put(0, x, TUI_HEADER, " ", -1);
		x += tui_put(0, x, TUI_DEMO, drill_source_find(a->sources, a->n_sources) ?
		             " DRILL " : " DEMO ", -1);
	}
	/* Counted apart from drawing: sources cut off at the right edge fail too. */
	for (i = 0; i < a->n_sources; i++) {
		const struct source_status *st = &a->sources[i]->status;

		if ((st->stale && st->ever_ok) || (!st->ever_ok && !st->ok && (st->stale || st->reason[0])))
			stale++;
	}
	for (i = 0; i < a->n_sources && x < w; i++) {
		const struct source *s = a->sources[i];
		const struct source_status *st = &s->status;
		char *name = text_clean(s->name);
		char *reason = text_clean(st->reason);

		x += tui_put(0, x, TUI_HEADER, "  ", -1);
		if (st->stale && st->ever_ok) {
			app_age(now - st->last_ok, age, sizeof age);
			x += tui_putf_cut(0, x, TUI_STALE, w - x, "%s STALE %s: %s", name, age, reason);
		} else if (!st->ever_ok && (st->stale || reason[0]) && !st->ok) {
			x += tui_putf_cut(0, x, TUI_STALE, w - x, "%s DOWN: %s", name, reason);
		} else if (!st->ever_ok) {
			x += tui_putf_cut(0, x, TUI_DIM, w - x, "%s connecting%s", name, tui_ellipsis());
		} else {
			char lat[32];

			if (!a->lat_shown)
				a->lat_shown = xcalloc(a->n_sources, 1);
			a->lat_shown[i] = (unsigned char)app_lat_bucket(a->lat_shown[i], st->latency_ms);
			app_lat_label(a->lat_shown[i], lat, sizeof lat);
			x += tui_putf_cut(0, x, TUI_OK, w - x, "%s ok %s", name, lat);
		}
		free(name);
		free(reason);
	}

	for (i = 0; i < a->alerts.n; i++) {
		count[a->alerts.v[i]->severity]++;
		if (a->alerts.v[i]->state == ALERT_SILENCED)
			silenced++;
	}
	for (i = 0; i <= SEV_UNKNOWN; i++) {
		if (!count[i] && i != SEV_CRITICAL)
			continue;
		app_hdr_add(parts, &np, APP_HDR_PARTS, 0, count[i] ? app_sev_role((enum alert_severity)i) : TUI_DIM,
		            "%zu %s ", count[i], sev_short[i]);
	}
	app_hdr_add(parts, &np, APP_HDR_PARTS, 0, TUI_NORMAL, "%s %zu alerts", tui_glyph_dot(), a->alerts.n);
	if (silenced)
		app_hdr_add(parts, &np, APP_HDR_PARTS, 6, TUI_DIM, " (%zu silenced)", silenced);
	if (stale)
		app_hdr_add(parts, &np, APP_HDR_PARTS, 1, TUI_STALE, " %s degraded: %zu of %zu sources failing",
		            tui_glyph_dot(), stale, a->n_sources);
	if (a->filter_text) {
		char *f = text_clean(a->filter_text);
		app_hdr_add(parts, &np, APP_HDR_PARTS, 1, TUI_BOLD, " %s filter: %s", tui_glyph_dot(), f);
		free(f);
	}
	/* While refreshes arrive on time the line says so and stays still (an
	 * idle frame writes nothing); the age shows, in the stale colour, only
	 * once a refresh is late. */
	if (a->last_update > 0) {
		double late_after = (double)a->cfg->refresh_ms / 1000.0 + 5.0;

		if (now - a->last_update > late_after) {
			app_age(now - a->last_update, age, sizeof age);
			app_hdr_add(parts, &np, APP_HDR_PARTS, 3, TUI_STALE, " %s last refresh %s ago", tui_glyph_dot(), age);
		} else {
			duration_format(a->cfg->refresh_ms, age, sizeof age);
			app_hdr_add(parts, &np, APP_HDR_PARTS, 7, TUI_DIM, " %s live, every %s", tui_glyph_dot(), age);
		}
	}
	slo_view_header(a, parts, &np, ARRAY_LEN(parts));
	app_hdr_draw(1, w, parts, np);
}

/* A key hint ("j/k move  Enter runbook  ...  ? help  q quit") in w
 * columns: whole items (two spaces apart) from the front while they fit,
 * and always the "? help" item (where the rest is) and the last one. */
#define APP_HINT_ITEMS 24
static void app_draw_hint(int y, int w, const char *hint)
{
	char *items[APP_HINT_ITEMS];
	bool keep[APP_HINT_ITEMS], shown[APP_HINT_ITEMS], full = false;
	const char *p = hint, *end;
	size_t n = 0, i;
	int x = 0, need = 0, iw;

	if ((int)text_width(hint) <= w) {
		tui_put(y, 0, TUI_DIM, hint, w);
		return;
	}
	while (p && n < APP_HINT_ITEMS) {
		end = strstr(p, "  ");
		items[n] = xstrndup(p, end ? (size_t)(end - p) : strlen(p));
		keep[n] = items[n][0] == '?';
		n++;
		p = end ? end + 2 : NULL;
	}
	keep[n - 1] = true;
	for (i = 0; i < n; i++)
		if (keep[i])
			need += 2 + (int)text_width(items[i]);
	for (i = 0; i < n; i++) {
		iw = 2 + (int)text_width(items[i]);
		if (keep[i])
			need -= iw;
		shown[i] = keep[i] || (!full && x + iw + need <= w + 2);
		full |= !shown[i];
		if (shown[i])
			x += iw;
	}
	for (i = 0, x = 0; i < n; i++) {
		if (shown[i] && x < w)
			x += tui_putf_cut(y, x, TUI_DIM, w - x, "%s%s", x ? "  " : "", items[i]);
		free(items[i]);
	}
}

void app_draw_status(struct app *a, int y, int w)
{
	struct view *top = app_top(a);
	char esc[512];
	int x;

	tui_fill(y, 0, w, TUI_STATUS);
	walker_escalate_text(a, esc, sizeof esc);
	if (esc[0]) {
		x = tui_put_cut(y, 0, TUI_CRITICAL, esc, w);
		if (a->status[0] && x + 3 < w)
			tui_put_cut(y, x + 2, a->status_role, a->status, w - x - 2);
	} else if (a->status[0])
		tui_put_cut(y, 0, a->status_role, a->status, w);
	else if (top && top->ops->hint)
		app_draw_hint(y, w, top->ops->hint);
}
