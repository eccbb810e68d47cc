/* app.c: the console state. Merges the sources' alerts on every update,
 * keeps the filter and grouping, runs the refresh timer, keeps the view
 * stack, draws one frame per loop iteration when something changed (the
 * header and status rows on every frame, app_bars.c, then the views
 * bottom-up) and caches runbook URLs fetched over HTTP. The named commands and the key
 * routing are in app_cmd.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "../datasource/drill.h"
#include "app.h"
#include "views.h"
#include "walker.h"

#define APP_MIN_COLS 60
#define APP_MIN_ROWS 15
#define APP_STATUS_MS 15000
#define APP_FETCH_MAX (4u << 20)

static void app_on_update(struct source *s, void *data);

struct app *app_new(struct config *cfg, struct loop *l, struct http *h,
                    struct source **sources, size_t n_sources, bool demo)
{
	struct app *a = xcalloc(1, sizeof *a);
	size_t i;

	a->cfg = cfg;
	a->loop = l;
	a->http = h;
	a->sources = sources;
	a->n_sources = n_sources;
	a->demo = demo;
	a->group_by = xstrdup("alertname");
	a->dirty = true;
	for (i = 0; i < n_sources; i++) {
		sources[i]->on_update = app_on_update;
		sources[i]->update_data = a;
		if (sources[i]->demo)
			a->demo = true;
	}
	return a;
}

void app_free(struct app *a)
{
	size_t i;

	if (!a)
		return;
	if (a->refresh_timer)
		loop_del_timer(a->loop, a->refresh_timer);
	if (a->tick_timer)
		loop_del_timer(a->loop, a->tick_timer);
	while (a->n_views)
		app_pop(a);
	slo_views_stop(a);
	free(a->stack);
	walker_free_all(a); /* ends running jobs (bounded), records them */
	for (i = 0; i < a->n_fetches; i++) {
		struct app_fetch *f = a->fetches[i];

		if (f->state == FETCH_PENDING && f->req)
			http_cancel(a->http, f->req);
		free(f->url);
		free(f->body);
		free(f);
	}
	free(a->fetches);
	for (i = 0; i < a->n_sources; i++)
		source_free(a->sources[i]);
	free(a->sources);
	alert_list_free(&a->alerts);
	filter_free(&a->filter);
	free(a->filter_text);
	free(a->group_by);
	free(a->lat_shown);
	free(a);
}

void app_dirty(struct app *a)
{
	a->dirty = true;
}

void app_status(struct app *a, enum tui_role role, const char *fmt, ...)
{
	va_list ap;
	struct buf b = {0};
	char *clean;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	clean = text_sanitize(b.data ? b.data : "", b.len, 0, sizeof a->status - 1);
	snprintf(a->status, sizeof a->status, "%s", clean);
	free(clean);
	buf_free(&b);
	a->status_role = role;
	a->status_at = now_ms();
	a->dirty = true;
}

/* ---- views ---- */

void app_push(struct app *a, const struct view_ops *ops, void *priv)
{
	struct view *v = xcalloc(1, sizeof *v);

	v->ops = ops;
	v->priv = priv;
	xgrow(&a->stack, &a->cap_views, a->n_views + 1, sizeof *a->stack);
	a->stack[a->n_views++] = v;
	a->dirty = true;
}

void app_pop(struct app *a)
{
	struct view *v;

	if (!a->n_views)
		return;
	v = a->stack[--a->n_views];
	if (v->ops->free)
		v->ops->free(v);
	free(v);
	a->dirty = true;
}

struct view *app_top(struct app *a)
{
	return a->n_views ? a->stack[a->n_views - 1] : NULL;
}

static size_t app_base_index(struct app *a)
{
	size_t i = a->n_views;

	while (i > 0) {
		i--;
		if (!a->stack[i]->ops->overlay)
			return i;
	}
	return 0;
}

struct view *app_base(struct app *a)
{
	return a->n_views ? a->stack[app_base_index(a)] : NULL;
}

static void app_tick_views(struct app *a)
{
	size_t i;

	for (i = 0; i < a->n_views; i++)
		if (a->stack[i]->ops->tick)
			a->stack[i]->ops->tick(a, a->stack[i]);
	a->dirty = true;
}

/* ---- data ---- */

/* a->alerts shares the sources' alerts (alert_list_merge_ref: one more
 * reference each, no copy), deduped and sorted. A source that answered the
 * same as before keeps the same alert objects, so a merge that yields the
 * very same pointers in the same order changes nothing: gen stays, and the
 * views do not rebuild their rows. */
static void app_merge(struct app *a)
{
	struct alert_list next = {0};
	uint64_t gens = 1;
	size_t i;

	/* generations only grow: an equal sum means no source changed (and
	 * the merge below, which touches every alert, would find nothing) */
	for (i = 0; i < a->n_sources; i++)
		gens += a->sources[i]->generation;
	if (gens == a->merged_gens)
		return;
	a->merged_gens = gens;
	for (i = 0; i < a->n_sources; i++)
		alert_list_merge_ref(&next, &a->sources[i]->alerts);
	alert_list_sort(&next);
	if (next.n == a->alerts.n &&
	    (!next.n || memcmp(next.v, a->alerts.v, next.n * sizeof *next.v) == 0)) {
		alert_list_free(&next);
		return;
	}
	alert_list_free(&a->alerts);
	a->alerts = next;
	a->gen++;
}

static void app_on_update(struct source *s, void *data)
{
	struct app *a = data;

	(void)s;
	app_merge(a);
	a->last_update = wall_now();
	app_tick_views(a);
	scorecard_view_check(a);
}

void app_refresh(struct app *a)
{
	size_t i;

	for (i = 0; i < a->n_sources; i++)
		a->sources[i]->ops->refresh(a->sources[i]);
	a->dirty = true;
}

static void app_refresh_timer(struct loop *l, void *data)
{
	struct app *a = data;

	a->refresh_timer = loop_add_timer(l, a->cfg->refresh_ms > 0 ? a->cfg->refresh_ms : 15000,
	                                  app_refresh_timer, a);
	app_refresh(a);
}

/* Once a second: ages in the header and rows move on. doupdate() sends only
 * what changed, so an idle second costs a few bytes at most. */
static void app_tick_timer(struct loop *l, void *data)
{
	struct app *a = data;

	a->tick_timer = loop_add_timer(l, 1000, app_tick_timer, a);
	if (a->status[0] && now_ms() - a->status_at > APP_STATUS_MS)
		a->status[0] = '\0';
	a->dirty = true;
}

void app_start(struct app *a)
{
	alerts_view_open(a);
	slo_views_start(a);
	app_merge(a);
	app_refresh_timer(a->loop, a);
	a->tick_timer = loop_add_timer(a->loop, 1000, app_tick_timer, a);
}

int app_set_filter(struct app *a, const char *text, char err[ERR_MAX])
{
	struct filter f = {0};

	if (!text || !*text) {
		filter_free(&a->filter);
		memset(&a->filter, 0, sizeof a->filter);
		free(a->filter_text);
		a->filter_text = NULL;
		a->gen++;
		a->dirty = true;
		return 0;
	}
	if (filter_parse(text, &f, err) < 0) {
		filter_free(&f);
		return -1;
	}
	filter_free(&a->filter);
	a->filter = f;
	free(a->filter_text);
	a->filter_text = xstrdup(text);
	a->gen++;
	a->dirty = true;
	return 0;
}

void app_set_group(struct app *a, const char *label)
{
	free(a->group_by);
	a->group_by = label && *label ? xstrdup(label) : NULL;
	a->gen++;
	a->dirty = true;
}

void app_age(double seconds, char *out, size_t n)
{
	long long s = seconds > 0 ? (long long)seconds : 0;

	if (s < 60)
		snprintf(out, n, "%llds", s);
	else if (s < 3600)
		snprintf(out, n, "%lldm", s / 60);
	else if (s < 86400)
		snprintf(out, n, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(out, n, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

struct source *app_source(struct app *a, const char *cluster)
{
	size_t i;

	for (i = 0; cluster && i < a->n_sources; i++)
		if (!strcmp(a->sources[i]->name, cluster))
			return a->sources[i];
	return a->n_sources == 1 && !cluster ? a->sources[0] : NULL;
}

static void app_fetch_done(struct http_result *res, void *data)
{
	struct app_fetch *f = data;

	f->req = 0;
	if (res->ok) {
		f->state = FETCH_OK;
		f->body = res->body;
		f->len = res->len;
		res->body = NULL;
	} else {
		f->state = FETCH_ERROR;
		snprintf(f->err, sizeof f->err, "%s", res->err[0] ? res->err : "request failed");
	}
	app_tick_views(f->app);
}

const struct app_fetch *app_fetch_url(struct app *a, const char *url)
{
	struct app_fetch *f;
	struct http_req req = {0};
	size_t i;

	for (i = 0; i < a->n_fetches; i++)
		if (!strcmp(a->fetches[i]->url, url))
			return a->fetches[i];
	f = xcalloc(1, sizeof *f);
	f->url = xstrdup(url);
	f->app = a;
	f->state = FETCH_PENDING;
	xgrow(&a->fetches, &a->cap_fetches, a->n_fetches + 1, sizeof *a->fetches);
	a->fetches[a->n_fetches++] = f;
	req.method = "GET";
	req.url = url;
	req.max_bytes = APP_FETCH_MAX;
	req.retries = 1;
	f->req = http_request(a->http, &req, app_fetch_done, f);
	return f;
}

/* ---- drawing ---- */

void app_draw(struct app *a)
{
	int rows, cols;
	size_t i, b;

	if (!a->dirty)
		return;
	a->dirty = false;
	rows = tui_rows();
	cols = tui_cols();
	tui_begin();
	if (rows < APP_MIN_ROWS || cols < APP_MIN_COLS) {
		char msg[96];
		int len;

		len = snprintf(msg, sizeof msg, "terminal too small (%dx%d), need %dx%d",
		               cols, rows, APP_MIN_COLS, APP_MIN_ROWS);
		if (a->demo)
			tui_put(0, 0, TUI_DEMO, drill_source_find(a->sources, a->n_sources) ?
			        " DRILL " : " DEMO ", -1);
		tui_put(rows / 2, len < cols ? (cols - len) / 2 : 0, TUI_BOLD, msg, cols);
		tui_end();
		return;
	}
	app_draw_header(a, cols);
	app_draw_status(a, rows - 1, cols);
	b = app_base_index(a);
	for (i = b; i < a->n_views; i++)
		a->stack[i]->ops->draw(a, a->stack[i], 2, rows - 3, cols);
	tui_end();
}
