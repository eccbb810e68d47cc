/* drill.c: `pagetty drill SCENARIO.yaml [--speed N] [--report FILE.json]`.
 * Plays a drill scenario (core/drill.h) through the drill source in the
 * full console: DRILL in the header on every frame, no command ever run,
 * the SLO and Signals views fed by the drill's curves. At the end (and on
 * q) the scorecard shows; after the screen is restored it is printed, and
 * written as FILE.json and FILE.md when --report is given. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/drill.h"
#include "../core/scorecard.h"
#include "../core/text.h"
#include "../core/util.h"
#include "../datasource/drill.h"
#include "../views/app.h"
#include "../views/slo_state.h"
#include "../views/views.h"

#ifndef PAGETTY_DATADIR
#define PAGETTY_DATADIR "/usr/local/share/pagetty"
#endif

struct drill_run {
	struct app *app;     /* borrowed */
	struct loop *loop;   /* borrowed */
	int signo;
};

static void drill_key(int key, void *data)
{
	struct drill_run *c = data;

	app_key(c->app, key);
}

static void drill_redraw(void *data)
{
	struct drill_run *c = data;

	app_dirty(c->app);
}

static void drill_quit(int signo, void *data)
{
	struct drill_run *c = data;

	c->signo = signo;
	loop_stop(c->loop);
}

static void drill_before_sleep(struct loop *l, void *data)
{
	struct drill_run *c = data;

	(void)l;
	if (!loop_stopped(c->loop))
		app_draw(c->app);
}

static void drill_slo_change(struct slo_live *s, void *data)
{
	(void)s;
	app_dirty(data);
}

static void drill_add_dir(struct config *cfg, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		config_add_runbook_dir(cfg, dir);
}

/* Runbooks for the drill's runbook_url: the configured dirs, then beside
 * the scenario, the repository's runbooks/ (examples/drills/../../runbooks),
 * beside the binary, the installed data dir. */
static void drill_runbook_dirs(struct config *cfg, const char *scenario)
{
	char path[PATH_MAX], *slash, *dir;
	ssize_t n;

	dir = xstrdup(scenario);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	drill_add_dir(cfg, dir);
	{
		char *up = xasprintf("%s/../../runbooks", dir);

		drill_add_dir(cfg, up);
		free(up);
	}
	free(dir);
	n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n > 0) {
		path[n] = '\0';
		slash = strrchr(path, '/');
		if (slash) {
			*slash = '\0';
			dir = xasprintf("%s/runbooks", path);
			drill_add_dir(cfg, dir);
			free(dir);
		}
	}
	drill_add_dir(cfg, PAGETTY_DATADIR "/runbooks");
}

static int drill_usage(const char *msg)
{
	fprintf(stderr, "pagetty drill: %s\n"
	        "usage: pagetty drill SCENARIO.yaml [--speed N] [--report FILE.json]\n", msg);
	return 2;
}

/* Refuse a --report whose directory cannot be written before the drill
 * starts, not after it ends. */
static int drill_report_dir_ok(const char *report)
{
	char *dir = xstrdup(report), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (access(slash ? dir : ".", W_OK) != 0) {
		char *clean = text_clean(report);

		fprintf(stderr, "pagetty drill: --report %s: %s\n", clean, strerror(errno));
		free(clean);
		rc = -1;
	}
	free(dir);
	return rc;
}

/* Swap the SLO state's metrics for the drill's curves. */
static void drill_slo(struct app *a, struct source *src)
{
	char err[ERR_MAX];

	slo_views_stop(a);
	a->slo = slo_live_new(a->cfg, a->loop, a->http, true, true, err);
	if (!a->slo)
		return;
	slo_live_set_metrics(a->slo, metrics_drill_new(a->loop, src));
	a->slo->on_change = drill_slo_change;
	a->slo->data = a;
	slo_live_start_timer(a->slo);
}

int cmd_drill(struct config *cfg, bool demo, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "report", required_argument, NULL, 'o' },
		{ "speed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct drill_run c = {0};
	struct tui_handler th = {
		.key = drill_key, .redraw = drill_redraw, .quit = drill_quit, .data = &c,
	};
	const char *report = NULL, *file;
	double speed = 0;
	struct drill d;
	struct loop *l;
	struct http *h;
	struct source **src, *ds;
	struct scorecard sc;
	char err[ERR_MAX], *end;
	size_t i, n;
	int opt, rc = 0;

	(void)demo;
	optind = 0; /* GNU getopt: reinitialize (main parsed its own options) */
	while ((opt = getopt_long(argc, argv, "o:s:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': report = optarg; break;
		case 's':
			speed = strtod(optarg, &end);
			if (end == optarg || (*end && strcmp(end, "x")) || !(speed >= 1 && speed <= 10000))
				return drill_usage("--speed: a number from 1 to 10000");
			break;
		case 'h':
			printf("usage: pagetty drill SCENARIO.yaml [--speed N] [--report FILE.json]\n");
			return 0;
		default: return drill_usage("unknown option");
		}
	}
	if (optind != argc - 1)
		return drill_usage("give one scenario file");
	file = argv[optind];
	if (report && drill_report_dir_ok(report) < 0)
		return 2;
	if (drill_load(&d, file, err) < 0) {
		char *clean = text_clean(err);

		fprintf(stderr, "pagetty: %s\n", clean);
		free(clean);
		return 2;
	}
	if (speed > 0)
		d.speed = speed;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		drill_free(&d);
		fprintf(stderr, "pagetty: drill needs a terminal\n");
		return 2;
	}
	drill_runbook_dirs(cfg, file);
	l = loop_new();
	h = http_new(l);
	src = xcalloc(1, sizeof *src);
	ds = src[0] = drill_source_new(l, &d);
	c.loop = l;
	c.app = app_new(cfg, l, h, src, 1, true);
	if (tui_init(l, &th, err) < 0) {
		char *clean = text_clean(err);

		fprintf(stderr, "pagetty: %s\n", clean);
		free(clean);
		app_free(c.app);
		http_free(h);
		loop_free(l);
		return 2;
	}
	loop_set_before_sleep(l, drill_before_sleep, &c);
	app_start(c.app);
	drill_slo(c.app, ds);
	app_status(c.app, TUI_INFO, "drill %s at %gx: nothing runs for real; q shows the scorecard",
	           drill_source_drill(ds)->name, drill_source_drill(ds)->speed);
	loop_run(l);
	tui_restore();
	rc = c.signo ? 128 + c.signo : c.app->exit_code;

	drill_source_score(ds, &sc);
	{
		char *lines[16];

		n = scorecard_lines(&sc, lines, ARRAY_LEN(lines));
		printf("Drill scorecard: %s\n", sc.name);
		for (i = 0; i < n; i++) {
			printf("  %s\n", lines[i]);
			free(lines[i]);
		}
	}
	if (report && scorecard_write(&sc, drill_source_log(ds), report, err) < 0) {
		char *clean = text_clean(err);

		fprintf(stderr, "pagetty: report: %s\n", clean);
		free(clean);
		rc = rc ? rc : 1;
	}
	scorecard_free(&sc);
	app_free(c.app); /* frees the source */
	http_free(h);
	loop_free(l);
	return rc;
}
