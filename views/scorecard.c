/* scorecard.c: the drill's scorecard overlay. Opens by itself once when
 * the drill is over (every alert resolved, or its duration has passed) and
 * on `q` in a drill; `q` on the scorecard quits, Esc goes back to the
 * drill. The numbers are computed fresh on every frame from the drill
 * source's log (core/scorecard.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/scorecard.h"
#include "../core/text.h"
#include "../datasource/drill.h"
#include "views.h"

static void scorecard_draw(struct app *a, struct view *v, int y, int h, int w)
{
	struct source *src = drill_source_find(a->sources, a->n_sources);
	struct scorecard sc;
	char *lines[16];
	int bw = w > 90 ? 86 : w, bx = (w - bw) / 2, bh, i;
	size_t n;

	(void)v;
	if (!src)
		return;
	drill_source_score(src, &sc);
	n = scorecard_lines(&sc, lines, ARRAY_LEN(lines));
	bh = (int)n + 6;
	if (bh > h)
		bh = h;
	tui_box(y, bx, bh, bw, TUI_TITLE, "DRILL SCORECARD (q quits, Esc back to the drill)");
	{
		char *name = text_clean(sc.name);

		tui_putf(y + 1, bx + 2, TUI_BOLD, bw - 4, "%s: %s", name,
		         drill_source_over(src) ? "over" : "still running");
		free(name);
	}
	for (i = 0; i < (int)n; i++) {
		if (i + 3 < bh - 1)
			tui_put(y + 3 + i, bx + 2, TUI_NORMAL, lines[i], bw - 4);
		free(lines[i]);
	}
	scorecard_free(&sc);
}

static bool scorecard_key(struct app *a, struct view *v, int key)
{
	(void)v;
	switch (key) {
	case 'q':
		app_command(a, "quit");
		return true;
	case TUI_KEY_ESC:
	case TUI_KEY_ENTER:
		app_pop(a);
		return true;
	default:
		return false;
	}
}

const struct view_ops scorecard_view = {
	.name = "scorecard",
	.overlay = true,
	.draw = scorecard_draw,
	.key = scorecard_key,
	.hint = "q quit  Esc back to the drill",
};

static bool scorecard_on_stack(struct app *a)
{
	size_t i;

	for (i = 0; i < a->n_views; i++)
		if (a->stack[i]->ops == &scorecard_view)
			return true;
	return false;
}

void scorecard_view_open(struct app *a)
{
	if (scorecard_on_stack(a))
		return;
	a->drill_scored = true;
	app_push(a, &scorecard_view, NULL);
	app_dirty(a);
}

void scorecard_view_check(struct app *a)
{
	struct source *src = drill_source_find(a->sources, a->n_sources);

	if (src && !a->drill_scored && drill_source_over(src))
		scorecard_view_open(a);
}

bool scorecard_view_before_quit(struct app *a)
{
	if (!drill_source_find(a->sources, a->n_sources) || scorecard_on_stack(a))
		return false;
	scorecard_view_open(a);
	return true;
}
