/* timeline.c: the Timeline view (4): the current incident's events as
 * recorded in its JSON Lines file (core/timeline.h), re-read on every tick
 * so commands that finish while it is open show up, one line per event,
 * newest last, scrollable. The incident is the alert whose runbook was
 * opened last. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "../core/text.h"
#include "../core/timeline.h"
#include "views.h"
#include "walker.h"

struct timeline_priv {
	struct timeline_log log;  /* owned */
	char *path;               /* owned or NULL */
	char msg[ERR_MAX];        /* why nothing is shown, "" none */
	struct tui_list list;
	int body_h;
};

static const char *tl_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

static double tl_num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static bool tl_bool(const cJSON *o, const char *name)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, name));
}

/* One event as a line: "12:03:04  step_run  exit 0 1.2s  Check pods: kubectl ...". */
static char *tl_line(const cJSON *e)
{
	const char *ts = tl_str(e, "ts"), *ev = tl_str(e, "event");
	struct buf b = {0};
	const char *t = strchr(ts, 'T');
	char *out;

	buf_printf(&b, "%.8s  %-15s ", t ? t + 1 : ts, ev);
	if (!strcmp(ev, "alert_opened")) {
		buf_printf(&b, "%s %s", tl_str(e, "alertname"), tl_str(e, "summary"));
	} else if (!strcmp(ev, "step_run")) {
		if (tl_bool(e, "timed_out"))
			buf_puts(&b, "timed out");
		else if (tl_bool(e, "cancelled"))
			buf_puts(&b, "cancelled");
		else
			buf_printf(&b, "exit %d", (int)tl_num(e, "exit"));
		buf_printf(&b, " %.1fs  %s: $ %s", tl_num(e, "duration_ms") / 1000.0, tl_str(e, "step"),
		           tl_str(e, "command"));
	} else if (!strcmp(ev, "step_done") || !strcmp(ev, "step_undone")) {
		buf_printf(&b, "%s: %s", tl_str(e, "section"), tl_str(e, "step"));
	} else if (!strcmp(ev, "escalation_due")) {
		buf_printf(&b, "%s (%ds elapsed)", tl_str(e, "item"), (int)tl_num(e, "elapsed_s"));
	} else if (!strcmp(ev, "silence_created")) {
		buf_printf(&b, "%s %s until %s", tl_str(e, "id"), tl_str(e, "matchers"), tl_str(e, "ends_at"));
	} else if (!strcmp(ev, "silence_expired")) {
		buf_printf(&b, "%s", tl_str(e, "id"));
	} else {
		buf_printf(&b, "%s", tl_str(e, "text"));
	}
	/* keep it on one line: sanitize turns newlines into visible escapes */
	out = text_sanitize(b.data ? b.data : "", b.len, 0, 2048);
	buf_free(&b);
	return out;
}

static void timeline_reload(struct app *a, struct timeline_priv *p)
{
	struct walker *w = walker_current(a);
	char err[ERR_MAX];

	p->msg[0] = '\0';
	timeline_log_free(&p->log);
	memset(&p->log, 0, sizeof p->log);
	free(p->path);
	p->path = NULL;
	if (a->demo) {
		snprintf(p->msg, sizeof p->msg, "DEMO: nothing is recorded in the demo");
	} else if (!w) {
		snprintf(p->msg, sizeof p->msg, "No incident yet: open an alert's runbook (Enter on it) to start one");
	} else if (w->tl.fd < 0 || !w->tl.path) {
		snprintf(p->msg, sizeof p->msg, "No timeline file for this incident (timeline.dir)");
	} else {
		p->path = xstrdup(w->tl.path);
		if (timeline_read(p->path, &p->log, err) < 0)
			snprintf(p->msg, sizeof p->msg, "%s", err);
	}
	p->list.n = p->log.n;
}

static void timeline_draw(struct app *a, struct view *v, int y, int h, int w)
{
	struct timeline_priv *p = v->priv;
	char *path = text_clean(p->path ? p->path : "");
	int row;
	size_t i;

	(void)a;
	tui_putf(y, 0, TUI_TITLE, w, "Timeline  %zu event%s", p->log.n, p->log.n == 1 ? "" : "s");
	tui_put(y + 1, 0, TUI_DIM, path, w);
	tui_hline(y + 2, 0, w, TUI_DIM);
	free(path);
	p->body_h = h - 3;
	if (p->msg[0]) {
		char *m = text_clean(p->msg);
		tui_put(y + 4, 2, TUI_DIM, m, w - 4);
		free(m);
		return;
	}
	tui_list_fit(&p->list, p->body_h > 0 ? (size_t)p->body_h : 1);
	for (i = p->list.top, row = y + 3; i < p->log.n && row < y + h; i++, row++) {
		char *line = tl_line(p->log.events[i]);
		const char *ev = tl_str(p->log.events[i], "event");
		enum tui_role role = !strcmp(ev, "escalation_due") ? TUI_CRITICAL :
		                     !strcmp(ev, "step_run") ? TUI_NORMAL : TUI_INFO;

		if (i == p->list.sel)
			tui_fill(row, 0, w, TUI_SELECTED);
		tui_put(row, 1, i == p->list.sel ? TUI_SELECTED : role, line, w - 1);
		free(line);
	}
}

static bool timeline_key(struct app *a, struct view *v, int key)
{
	struct timeline_priv *p = v->priv;

	(void)a;
	return tui_list_key(&p->list, key, p->body_h > 0 ? (size_t)p->body_h : 1);
}

static bool timeline_command(struct app *a, struct view *v, const char *name, const char *args)
{
	(void)args;
	if (!strcmp(name, "back")) {
		app_command(a, "alerts");
		return true;
	}
	if (!strcmp(name, "reload")) {
		timeline_reload(a, v->priv);
		return true;
	}
	return false;
}

static void timeline_tick(struct app *a, struct view *v)
{
	struct timeline_priv *p = v->priv;
	bool at_end = p->list.sel + 1 >= p->log.n;

	timeline_reload(a, p);
	if (at_end && p->log.n)
		p->list.sel = p->log.n - 1;
}

static void timeline_free_view(struct view *v)
{
	struct timeline_priv *p = v->priv;

	timeline_log_free(&p->log);
	free(p->path);
	free(p);
}

static const struct app_binding timeline_keys[] = {
	{ TUI_KEY_ESC, "back", "back to the alerts" },
	{ 'r', "reload", "read the file again" },
	{ 0, NULL, NULL },
};

const struct view_ops timeline_view = {
	.name = "timeline",
	.draw = timeline_draw,
	.key = timeline_key,
	.command = timeline_command,
	.tick = timeline_tick,
	.free = timeline_free_view,
	.keys = timeline_keys,
	.hint = "j/k move  r reload  1 alerts  Esc back  ? help",
};

void timeline_view_open(struct app *a)
{
	struct timeline_priv *p = xcalloc(1, sizeof *p);

	timeline_reload(a, p);
	if (p->log.n)
		p->list.sel = p->log.n - 1;
	app_push(a, &timeline_view, p);
}
