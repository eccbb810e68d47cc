/* silence.c: the silence overlay (`s`): duration, comment and author
 * fields, the matchers that will be sent (every label of the alert), a live
 * count of the current alerts they would mute, and creation through the
 * alert's cluster's source. Also `e`: expire the silences muting an alert,
 * after a y/N confirmation. Results land in the status line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/duration.h"
#include "../core/silence.h"
#include "../core/text.h"
#include "views.h"

enum { SIL_DURATION, SIL_COMMENT, SIL_AUTHOR, SIL_FIELDS };

struct silence_priv {
	struct alert *alert;          /* owned copy */
	struct silence *sil;          /* owned: matchers from the alert */
	struct tui_edit field[SIL_FIELDS]; /* owned */
	int focus;
	char err[ERR_MAX];            /* last create error, "" none */
};

static const char *silence_field_label[SIL_FIELDS] = { "duration", "comment", "author" };

static void silence_short_id(const char *id, char *out, size_t n)
{
	char *clean = text_clean(id ? id : "?");

	snprintf(out, n, "%.8s", clean);
	free(clean);
}

static void silence_created(struct source *s, bool ok, const char *id, const char *err, void *data)
{
	struct app *a = data;
	char sid[16];

	(void)s;
	if (ok) {
		silence_short_id(id, sid, sizeof sid);
		app_status(a, TUI_OK, "silence %s created", sid);
		app_refresh(a);
	} else {
		app_status(a, TUI_ERROR, "silence not created: %s", err && *err ? err : "unknown error");
	}
}

static void silence_expired(struct source *s, bool ok, const char *id, const char *err, void *data)
{
	struct app *a = data;
	char sid[16];

	(void)s;
	silence_short_id(id, sid, sizeof sid);
	if (ok) {
		app_status(a, TUI_OK, "silence %s expired", sid);
		app_refresh(a);
	} else {
		app_status(a, TUI_ERROR, "silence %s not expired: %s", sid, err && *err ? err : "unknown error");
	}
}

/* Fill the silence's time window from the duration field; -1 with err. */
static int silence_window(struct silence_priv *p, char err[ERR_MAX])
{
	int64_t ms;

	if (duration_parse(tui_edit_text(&p->field[SIL_DURATION]), &ms, err) < 0)
		return -1;
	if (ms < 60000)
		return errf(err, "duration must be at least 1m");
	p->sil->starts = wall_now();
	p->sil->ends = p->sil->starts + (double)ms / 1000.0;
	return 0;
}

static void silence_create(struct app *a, struct view *v)
{
	struct silence_priv *p = v->priv;
	struct source *src;
	char err[ERR_MAX];
	const char *comment = tui_edit_text(&p->field[SIL_COMMENT]);
	const char *author = tui_edit_text(&p->field[SIL_AUTHOR]);

	if (silence_window(p, err) < 0) {
		snprintf(p->err, sizeof p->err, "duration: %.200s", err);
		p->focus = SIL_DURATION;
		return;
	}
	if (!*comment) {
		snprintf(p->err, sizeof p->err, "a comment is required (say why, for the next responder)");
		p->focus = SIL_COMMENT;
		return;
	}
	if (!*author) {
		snprintf(p->err, sizeof p->err, "an author is required");
		p->focus = SIL_AUTHOR;
		return;
	}
	src = app_source(a, p->alert->cluster);
	if (!src) {
		snprintf(p->err, sizeof p->err, "no source for cluster %s", p->alert->cluster ? p->alert->cluster : "?");
		return;
	}
	free(p->sil->comment);
	free(p->sil->created_by);
	p->sil->comment = xstrdup(comment);
	p->sil->created_by = xstrdup(author);
	app_status(a, TUI_INFO, "creating silence%s", tui_ellipsis());
	src->ops->silence_create(src, p->sil, silence_created, a);
	if (app_top(a) == v)
		app_pop(a);
}

static void silence_draw(struct app *a, struct view *v, int y, int h, int w)
{
	struct silence_priv *p = v->priv;
	int bw = w > 84 ? 80 : w, bx = (w - bw) / 2, bh = h, row, i, iw = bw - 16;
	size_t m, muted, shown;
	char err[ERR_MAX], ends[40];
	char *title, *name = text_clean(alert_name(p->alert));

	title = xasprintf("Silence %s", name);
	tui_box(y, bx, bh, bw, TUI_TITLE, title);
	free(title);
	free(name);
	row = y + 1;
	for (i = 0; i < SIL_FIELDS; i++, row++) {
		tui_putf(row, bx + 2, i == p->focus ? TUI_BOLD : TUI_NORMAL, 12, "%s%s",
		         i == p->focus ? tui_glyph_arrow() : " ", silence_field_label[i]);
		tui_edit_draw(&p->field[i], row, bx + 14, iw, i == p->focus ? TUI_SELECTED : TUI_DIM,
		              i == p->focus);
	}
	if (silence_window(p, err) == 0) {
		rfc3339_format(p->sil->ends, ends, sizeof ends);
		tui_putf(row++, bx + 14, TUI_DIM, iw, "ends %s", ends);
		muted = silence_count_muted(p->sil, &a->alerts);
		tui_putf(row++, bx + 2, muted > 1 ? TUI_WARNING : TUI_BOLD, bw - 4,
		         "would mute %zu current alert%s", muted, muted == 1 ? "" : "s");
	} else {
		char *clean = text_clean(err);
		tui_putf(row++, bx + 14, TUI_ERROR, iw, "%s", clean);
		free(clean);
		tui_put(row++, bx + 2, TUI_DIM, "would mute: (fix the duration)", bw - 4);
	}
	tui_putf(row++, bx + 2, TUI_TITLE, bw - 4, "matchers (cluster %s):",
	         p->alert->cluster ? p->alert->cluster : "?");
	shown = 0;
	for (m = 0; m < p->sil->n_matchers && row < y + bh - 3; m++, row++, shown++) {
		const struct silence_matcher *sm = &p->sil->matchers[m];
		char *n = text_clean(sm->name), *val = text_clean(sm->value);

		tui_putf(row, bx + 4, TUI_NORMAL, bw - 6, "%s%s\"%s\"", n,
		         sm->is_equal ? (sm->is_regex ? "=~" : "=") : (sm->is_regex ? "!~" : "!="), val);
		free(n);
		free(val);
	}
	if (shown < p->sil->n_matchers)
		tui_putf(row - 1, bx + 4, TUI_DIM, bw - 6, "%s and %zu more", tui_ellipsis(),
		         p->sil->n_matchers - shown + 1);
	if (p->err[0]) {
		char *clean = text_clean(p->err);
		tui_put(y + bh - 3, bx + 2, TUI_ERROR, clean, bw - 4);
		free(clean);
	}
	tui_put(y + bh - 2, bx + 2, TUI_NORMAL, "Enter create   Tab next field   Esc cancel", bw - 4);
}

static bool silence_key(struct app *a, struct view *v, int key)
{
	struct silence_priv *p = v->priv;

	switch (key) {
	case TUI_KEY_ESC:
	case TUI_KEY_CTRL_C:
		app_pop(a);
		app_status(a, TUI_INFO, "silence cancelled");
		return true;
	case TUI_KEY_ENTER:
		silence_create(a, v);
		return true;
	case TUI_KEY_TAB:
	case TUI_KEY_DOWN:
		p->focus = (p->focus + 1) % SIL_FIELDS;
		return true;
	case TUI_KEY_BTAB:
	case TUI_KEY_UP:
		p->focus = (p->focus + SIL_FIELDS - 1) % SIL_FIELDS;
		return true;
	default:
		if (tui_edit_key(&p->field[p->focus], key) == TUI_EDIT_CHANGED)
			p->err[0] = '\0';
		return true;
	}
}

static void silence_free_view(struct view *v)
{
	struct silence_priv *p = v->priv;
	int i;

	for (i = 0; i < SIL_FIELDS; i++)
		tui_edit_free(&p->field[i]);
	alert_free(p->alert);
	silence_free(p->sil);
	free(p);
}

const struct view_ops silence_view = {
	.name = "silence",
	.overlay = true,
	.draw = silence_draw,
	.key = silence_key,
	.free = silence_free_view,
	.hint = "Enter create  Tab next field  Esc cancel",
};

void silence_view_open(struct app *a, const struct alert *alert,
                       const char *duration, const char *comment)
{
	struct silence_priv *p = xcalloc(1, sizeof *p);
	const char *user = getenv("USER");

	p->alert = alert_dup(alert);
	p->sil = xcalloc(1, sizeof *p->sil);
	silence_from_alert(p->sil, alert);
	if (!p->sil->cluster && alert->cluster)
		p->sil->cluster = xstrdup(alert->cluster);
	tui_edit_set(&p->field[SIL_DURATION], duration ? duration : "1h");
	tui_edit_set(&p->field[SIL_COMMENT], comment ? comment : "");
	tui_edit_set(&p->field[SIL_AUTHOR], user && *user ? user : "pagetty");
	p->focus = duration ? SIL_COMMENT : SIL_DURATION;
	if (duration && comment)
		p->focus = SIL_COMMENT;
	app_push(a, &silence_view, p);
}

/* ---- expire ---- */

struct expire_req {
	char *cluster;  /* owned or NULL */
	char **ids;     /* owned array of owned ids */
	size_t n;
};

static void expire_req_free(void *data)
{
	struct expire_req *r = data;
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		free(r->ids[i]);
	free(r->ids);
	free(r->cluster);
	free(r);
}

static void expire_yes(struct app *a, void *data)
{
	struct expire_req *r = data;
	struct source *src = app_source(a, r->cluster);
	size_t i;

	if (!src) {
		app_status(a, TUI_ERROR, "no source for cluster %s", r->cluster ? r->cluster : "?");
		return;
	}
	app_status(a, TUI_INFO, "expiring %zu silence%s%s", r->n, r->n == 1 ? "" : "s", tui_ellipsis());
	for (i = 0; i < r->n; i++)
		src->ops->silence_expire(src, r->ids[i], silence_expired, a);
}

void silence_expire_open(struct app *a, const struct alert *alert)
{
	struct expire_req *r;
	struct buf q = {0};
	char sid[16];
	size_t i;

	if (!alert->n_silenced_by) {
		char *name = text_clean(alert_name(alert));
		app_status(a, TUI_INFO, "%s is not silenced: nothing to expire", name);
		free(name);
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->cluster = xstrdup(alert->cluster);
	r->ids = xcalloc(alert->n_silenced_by, sizeof *r->ids);
	for (i = 0; i < alert->n_silenced_by; i++)
		r->ids[r->n++] = xstrdup(alert->silenced_by[i]);
	buf_printf(&q, "Expire %zu silence%s muting %s?", r->n, r->n == 1 ? "" : "s", alert_name(alert));
	for (i = 0; i < r->n && i < 5; i++) {
		silence_short_id(r->ids[i], sid, sizeof sid);
		buf_printf(&q, " %s", sid);
	}
	if (r->n > 5)
		buf_printf(&q, " (+%zu)", r->n - 5);
	confirm_open(a, q.data, expire_yes, r, expire_req_free);
	buf_free(&q);
}
