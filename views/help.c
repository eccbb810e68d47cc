/* help.c: the `?` overlay. Lists every key binding (global, Alerts,
 * Runbook) and every :command, straight from the tables that drive them,
 * so the help cannot drift from what the keys do. Scrolls like a list. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

struct help_priv {
	char **lines;       /* owned array of owned lines */
	bool *title;        /* owned: lines[i] is a section title */
	size_t n, cap, cap_t;
	struct tui_list list;
	int height;         /* rows at the last draw */
};

static void help_add(struct help_priv *p, bool title, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void help_add(struct help_priv *p, bool title, const char *fmt, ...)
{
	va_list ap;
	struct buf b = {0};

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	xgrow(&p->lines, &p->cap, p->n + 1, sizeof *p->lines);
	xgrow(&p->title, &p->cap_t, p->n + 1, sizeof *p->title);
	p->title[p->n] = title;
	p->lines[p->n++] = buf_steal(&b);
	buf_free(&b);
}

/* One line per command, with all its keys: "j Down      down   next alert". */
static void help_keys(struct help_priv *p, const char *title, const struct app_binding *k)
{
	const struct app_binding *b, *c;
	char names[64], kb[16];

	help_add(p, true, "%s", title);
	for (b = k; b->command; b++) {
		bool seen = false;

		for (c = k; c < b; c++)
			if (!strcmp(c->command, b->command))
				seen = true;
		if (seen)
			continue;
		names[0] = '\0';
		for (c = b; c->command; c++) {
			if (strcmp(c->command, b->command))
				continue;
			if (names[0])
				strncat(names, " ", sizeof names - strlen(names) - 1);
			strncat(names, tui_key_name(c->key, kb, sizeof kb), sizeof names - strlen(names) - 1);
		}
		help_add(p, false, "  %-16s :%-14s %s", names, b->command, b->help);
	}
	help_add(p, false, "%s", "");
}

static void help_draw(struct app *a, struct view *v, int y, int h, int w)
{
	struct help_priv *p = v->priv;
	int bw = w > 100 ? 96 : w, bh = h, bx = (w - bw) / 2, i;
	size_t r;

	(void)a;
	tui_box(y, bx, bh, bw, TUI_TITLE, "Help: keys and :commands (j/k scroll, Esc closes)");
	p->height = bh - 2;
	p->list.n = p->n;
	/* the list's selection is the first row shown: scrolling, not picking */
	if (p->n > (size_t)p->height && p->list.sel > p->n - (size_t)p->height)
		p->list.sel = p->n - (size_t)p->height;
	if (p->n <= (size_t)p->height)
		p->list.sel = 0;
	for (i = 0; i < p->height; i++) {
		r = p->list.sel + (size_t)i;
		if (r >= p->n)
			break;
		tui_put(y + 1 + i, bx + 2, p->title[r] ? TUI_TITLE : TUI_NORMAL, p->lines[r], bw - 4);
	}
}

static bool help_key(struct app *a, struct view *v, int key)
{
	struct help_priv *p = v->priv;
	size_t h = p->height > 0 ? (size_t)p->height : 1;

	switch (key) {
	case 'j': case TUI_KEY_DOWN: tui_list_move(&p->list, 1); break;
	case 'k': case TUI_KEY_UP: tui_list_move(&p->list, -1); break;
	case TUI_KEY_PGDN: case ' ': tui_list_move(&p->list, (long)h - 1); break;
	case TUI_KEY_PGUP: tui_list_move(&p->list, -(long)h + 1); break;
	case 'g': case TUI_KEY_HOME: p->list.sel = 0; break;
	case 'G': case TUI_KEY_END: tui_list_move(&p->list, (long)p->n); break;
	case 'q': case '?': case TUI_KEY_ESC: case TUI_KEY_ENTER: case TUI_KEY_CTRL_C:
		app_pop(a);
		break;
	case ':':
		app_pop(a);
		app_command(a, "command");
		break;
	default:
		break;
	}
	return true;
}

static void help_free(struct view *v)
{
	struct help_priv *p = v->priv;
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->lines[i]);
	free(p->lines);
	free(p->title);
	free(p);
}

const struct view_ops help_view = {
	.name = "help",
	.overlay = true,
	.draw = help_draw,
	.key = help_key,
	.free = help_free,
	.hint = "j/k scroll  Esc close",
};

void help_view_open(struct app *a)
{
	struct help_priv *p = xcalloc(1, sizeof *p);
	const struct app_command_info *c;
	size_t n, i;

	help_keys(p, "Everywhere", app_global_keys());
	help_keys(p, "Alerts view (1)", alerts_view.keys);
	help_keys(p, "Runbook view (Enter on an alert)", runbook_view.keys);
	help_add(p, true, "Silence overlay (s)");
	help_add(p, false, "  %-16s %s", "Tab S-Tab", "next / previous field (duration, comment, author)");
	help_add(p, false, "  %-16s %s", "Enter", "create the silence");
	help_add(p, false, "  %-16s %s", "Esc", "cancel");
	help_add(p, false, "%s", "");
	help_add(p, true, "Prompts (: and /)");
	help_add(p, false, "  %-16s %s", "Enter / Esc", "accept / cancel (Esc in / clears the filter)");
	help_add(p, false, "  %-16s %s", "Ctrl-U Ctrl-W", "delete to start / previous word");
	help_add(p, false, "%s", "");
	help_add(p, true, "Commands (type : then the command)");
	c = app_commands(&n);
	for (i = 0; i < n; i++) {
		char *full = *c[i].args ? xasprintf("%s %s", c[i].name, c[i].args) : xstrdup(c[i].name);

		help_add(p, false, "  :%-26s %s", full, c[i].help);
		free(full);
	}
	help_add(p, false, "%s", "");
	help_add(p, true, "Filter syntax");
	help_add(p, false, "%s", "  severity=\"critical\" service=~\"api.*\" (Alertmanager matchers: = != =~ !~)");
	help_add(p, false, "%s", "  anything else is a case-insensitive text search");
	app_push(a, &help_view, p);
}
