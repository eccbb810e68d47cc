/* console.c: console_run(), the interactive console's entry point. Wires
 * the loop, the HTTP client, the sources and the app to the screen, runs
 * the one loop, and makes sure the terminal is restored on every way out. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "../core/text.h"
#include "app.h"
#include "console.h"
#include "views.h"

struct console {
	struct app *app;   /* borrowed */
	struct loop *loop; /* borrowed */
	int signo;         /* SIGTERM/SIGHUP that ended the run, 0 none */
};

static void console_key(int key, void *data)
{
	struct console *c = data;

	app_key(c->app, key);
}

static void console_redraw(void *data)
{
	struct console *c = data;

	app_dirty(c->app);
}

static void console_quit(int signo, void *data)
{
	struct console *c = data;

	c->signo = signo;
	loop_stop(c->loop);
}

static void console_before_sleep(struct loop *l, void *data)
{
	struct console *c = data;

	(void)l;
	if (!loop_stopped(c->loop))
		app_draw(c->app);
}

int console_run(struct config *cfg, bool demo)
{
	struct console c = {0};
	struct loop *l = loop_new();
	struct http *h = http_new(l);
	struct source **src = NULL;
	size_t n = 0, i;
	struct tui_handler th = {
		.key = console_key, .redraw = console_redraw, .quit = console_quit, .data = &c,
	};
	char err[ERR_MAX];
	int rc = 0;

	if (demo) {
		src = xcalloc(1, sizeof *src);
		src[n++] = scenario_source_new(l);
	} else {
		src = xcalloc(cfg->n_am ? cfg->n_am : 1, sizeof *src);
		for (i = 0; i < cfg->n_am; i++)
			src[n++] = alertmanager_source_new(l, h, &cfg->am[i]);
	}
	c.loop = l;
	c.app = app_new(cfg, l, h, src, n, demo);
	if (tui_init(l, &th, err) < 0) {
		char *clean = text_clean(err);

		fprintf(stderr, "pagetty: %s\n", clean);
		free(clean);
		rc = 2;
		goto out;
	}
	loop_set_before_sleep(l, console_before_sleep, &c);
	app_start(c.app);
	loop_run(l);
	tui_restore();
	if (c.signo)
		rc = 128 + c.signo;
	else
		rc = c.app->exit_code;
out:
	tui_restore();
	app_free(c.app); /* frees the sources */
	http_free(h);
	loop_free(l);
	return rc;
}
