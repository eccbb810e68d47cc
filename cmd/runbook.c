/* runbook.c: `pagetty runbook ALERTNAME|FILE` resolves a runbook like the
 * console does, parses it and prints it as plain text. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../core/runbook.h"
#include "../core/text.h"
#include "../core/util.h"

#define RUNBOOK_MAX (4u << 20)

struct fetch {
	bool done;
	char *body;  /* owned or NULL */
	size_t len;
	char err[ERR_MAX];
};

static void fetch_done(struct http_result *res, void *data)
{
	struct fetch *f = data;

	f->done = true;
	if (res->ok) {
		f->body = res->body;
		f->len = res->len;
		res->body = NULL;
	} else {
		snprintf(f->err, sizeof f->err, "%s", res->err);
	}
}

static int fetch_url(struct config *cfg, const char *url, char **body, size_t *len, char err[ERR_MAX])
{
	struct loop *l = loop_new();
	struct http *h = http_new(l);
	struct fetch f = {0};
	struct http_req req = { .url = url, .timeout_ms = 15000, .max_bytes = RUNBOOK_MAX, .retries = 1 };

	(void)cfg;
	http_one_shot(h); /* no screen to keep answering */
	http_request(h, &req, fetch_done, &f);
	while (!f.done)
		loop_run_once(l, 1000);
	http_free(h);
	loop_free(l);
	if (!f.body)
		return errf(err, "%s", f.err);
	*body = f.body;
	*len = f.len;
	return 0;
}

static size_t out_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	if (cols && atoi(cols) >= 20)
		return (size_t)atoi(cols);
	return 80;
}

int cmd_runbook(struct config *cfg, bool demo, int argc, char **argv)
{
	struct rb_where w = {0};
	struct runbook rb = {0};
	char err[ERR_MAX];
	char *md = NULL, *text;
	size_t len = 0, i;
	int rc = 1;

	(void)demo;
	if (argc != 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fprintf(argc == 2 ? stdout : stderr, "usage: pagetty runbook ALERTNAME|FILE\n");
		return argc == 2 ? 0 : 2;
	}
	runbook_resolve_name(argv[1], cfg, &w);
	if (w.kind == RB_LOC_NONE) {
		char *name = text_clean(argv[1]);

		fprintf(stderr, "pagetty: no runbook for %s; looked in:\n", name);
		for (i = 0; i < w.n_looked; i++) {
			char *l = text_clean(w.looked[i]);
			fprintf(stderr, "  %s\n", l);
			free(l);
		}
		free(name);
		goto out;
	}
	if (w.kind == RB_LOC_URL ? fetch_url(cfg, w.location, &md, &len, err)
	                         : read_file(w.location, RUNBOOK_MAX, &md, &len, err)) {
		char *clean = text_clean(err);
		fprintf(stderr, "pagetty: %s\n", clean);
		free(clean);
		goto out;
	}
	if (runbook_parse(md, len, w.location, &rb, err) < 0) {
		char *clean = text_clean(err);
		fprintf(stderr, "pagetty: %s\n", clean);
		free(clean);
		goto out;
	}
	text = runbook_to_text(&rb, out_width());
	fputs(text, stdout);
	if (text[0] && text[strlen(text) - 1] != '\n')
		putchar('\n');
	free(text);
	for (i = 0; i < rb.n_warnings; i++) {
		char *clean = text_clean(rb.warnings[i]);
		fprintf(stderr, "pagetty: %s: %s\n", w.location, clean);
		free(clean);
	}
	rc = 0;
out:
	runbook_free(&rb);
	free(md);
	rb_where_free(&w);
	return rc;
}
