/* prompt.c: the one-line prompt on the status row (":" command line, "/"
 * filter, ...) and the y/N confirmation, both overlays on the view stack:
 * they take every key while open and close themselves; nothing loops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "views.h"

struct prompt_priv {
	struct prompt_spec spec;   /* label/initial owned copies below */
	char *label;               /* owned */
	struct tui_edit edit;      /* owned */
	char err[ERR_MAX];         /* shown above the prompt, "" none */
};

static void prompt_draw(struct app *a, struct view *v, int y, int h, int w)
{
	struct prompt_priv *p = v->priv;
	int row = y + h, x;

	(void)a;
	tui_fill(row, 0, w, TUI_NORMAL);
	x = tui_put(row, 0, TUI_BOLD, p->label, w / 2);
	tui_edit_draw(&p->edit, row, x, w - x, TUI_NORMAL, true);
	if (p->err[0]) {
		char *clean = text_clean(p->err);

		tui_fill(row - 1, 0, w, TUI_NORMAL);
		tui_putf(row - 1, 0, TUI_ERROR, w, "%s (not applied)", clean);
		free(clean);
	}
}

static bool prompt_key(struct app *a, struct view *v, int key)
{
	struct prompt_priv *p = v->priv;
	char err[ERR_MAX] = "";
	int rc;

	if (key == TUI_KEY_ESC || key == TUI_KEY_CTRL_C) {
		if (p->spec.cancel)
			p->spec.cancel(a, p->spec.data);
		if (app_top(a) == v)
			app_pop(a);
		return true;
	}
	if (key == TUI_KEY_ENTER) {
		char *text = xstrdup(tui_edit_text(&p->edit));

		rc = p->spec.submit ? p->spec.submit(a, text, p->spec.data, err) : 0;
		free(text);
		if (rc < 0) {
			snprintf(p->err, sizeof p->err, "%s", err[0] ? err : "invalid");
			return true;
		}
		if (rc == 0 && app_top(a) == v)
			app_pop(a);
		return true;
	}
	if (key == TUI_KEY_BACKSPACE && p->edit.len == 0) {
		/* backspace on an empty line closes it, as in vim */
		if (p->spec.cancel)
			p->spec.cancel(a, p->spec.data);
		if (app_top(a) == v)
			app_pop(a);
		return true;
	}
	if (tui_edit_key(&p->edit, key) == TUI_EDIT_CHANGED) {
		p->err[0] = '\0';
		if (p->spec.change && p->spec.change(a, tui_edit_text(&p->edit), p->spec.data, err) < 0)
			snprintf(p->err, sizeof p->err, "%s", err[0] ? err : "invalid");
	}
	return true; /* a prompt is modal: every key is its own */
}

static void prompt_free(struct view *v)
{
	struct prompt_priv *p = v->priv;

	if (p->spec.free_data)
		p->spec.free_data(p->spec.data);
	tui_edit_free(&p->edit);
	free(p->label);
	free(p);
}

const struct view_ops prompt_view = {
	.name = "prompt",
	.overlay = true,
	.draw = prompt_draw,
	.key = prompt_key,
	.free = prompt_free,
	.hint = "Enter accept  Esc cancel",
};

void prompt_open(struct app *a, const struct prompt_spec *spec)
{
	struct prompt_priv *p = xcalloc(1, sizeof *p);

	p->spec = *spec;
	p->label = xstrdup(spec->label ? spec->label : "");
	p->spec.label = p->label;
	p->spec.initial = NULL;
	tui_edit_set(&p->edit, spec->initial ? spec->initial : "");
	app_push(a, &prompt_view, p);
}

/* ---- y/N ---- */

struct confirm_priv {
	char *question;   /* owned */
	void (*yes)(struct app *a, void *data);
	void *data;       /* owned through free_data */
	void (*free_data)(void *data);
};

static void confirm_draw(struct app *a, struct view *v, int y, int h, int w)
{
	struct confirm_priv *p = v->priv;
	char **lines = NULL;
	int bw = w > 76 ? 72 : w - 4, bh, by, bx, i;
	size_t n;

	(void)a;
	n = text_wrap(p->question, (size_t)(bw - 4), &lines);
	if (n > (size_t)(h - 4))
		n = (size_t)(h - 4);
	bh = (int)n + 4;
	by = y + (h - bh) / 2;
	bx = (w - bw) / 2;
	tui_box(by, bx, bh, bw, TUI_WARNING, "Confirm");
	for (i = 0; i < (int)n; i++)
		tui_put(by + 1 + i, bx + 2, TUI_BOLD, lines[i], bw - 4);
	tui_put(by + bh - 2, bx + 2, TUI_NORMAL, "y: yes    n, Esc: no   [y/N]", bw - 4);
	text_lines_free(lines, n);
}

static bool confirm_key(struct app *a, struct view *v, int key)
{
	struct confirm_priv *p = v->priv;
	void (*yes)(struct app *, void *) = p->yes;
	void *data = p->data;
	void (*free_data)(void *) = p->free_data;

	if (key == TUI_KEY_RESIZE)
		return true;
	/* detach the callback's data so closing does not free it under it */
	p->data = NULL;
	p->free_data = NULL;
	if (app_top(a) == v)
		app_pop(a);
	if (key == 'y' || key == 'Y')
		yes(a, data);
	else
		app_status(a, TUI_INFO, "cancelled");
	if (free_data)
		free_data(data);
	return true;
}

static void confirm_free(struct view *v)
{
	struct confirm_priv *p = v->priv;

	if (p->free_data)
		p->free_data(p->data);
	free(p->question);
	free(p);
}

const struct view_ops confirm_view = {
	.name = "confirm",
	.overlay = true,
	.draw = confirm_draw,
	.key = confirm_key,
	.free = confirm_free,
	.hint = "y yes  any other key no",
};

void confirm_open(struct app *a, const char *question,
                  void (*yes)(struct app *a, void *data), void *data,
                  void (*free_data)(void *data))
{
	struct confirm_priv *p = xcalloc(1, sizeof *p);

	p->question = text_clean(question);
	p->yes = yes;
	p->data = data;
	p->free_data = free_data;
	app_push(a, &confirm_view, p);
}
