/* check.c: `pagetty check` asks every configured source whether it is
 * ready and prints one line per source: `name url ok|FAIL reason latency`.
 * Exit 0 only when every source answered. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "../core/util.h"

struct prom_check {
	const struct prom_source *p; /* borrowed */
	bool done, ok;
	char reason[ERR_MAX];
	int64_t latency_ms;
};

static void prom_done(struct http_result *res, void *data)
{
	struct prom_check *pc = data;

	pc->done = true;
	pc->latency_ms = res->elapsed_ms;
	if (res->ok && strstr(res->body, "\"status\":\"success\"")) {
		pc->ok = true;
	} else {
		pc->ok = false;
		snprintf(pc->reason, sizeof pc->reason, "%s",
		         res->ok ? "not a Prometheus query API answer" : res->err);
	}
}

static void print_line(const char *name, const char *url, bool ok, const char *reason,
                       int64_t latency_ms)
{
	char *cn = text_clean(name), *cu = text_clean(url), *cr = text_clean(reason);

	if (ok)
		printf("%s %s ok %lldms\n", cn, cu, (long long)latency_ms);
	else
		printf("%s %s FAIL %s\n", cn, cu, cr[0] ? cr : "no answer");
	free(cn);
	free(cu);
	free(cr);
}

int cmd_check(struct config *cfg, bool demo, int argc, char **argv)
{
	struct cmd_ctx ctx;
	struct prom_check *pc;
	size_t i, pending;
	int rc = 0;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: pagetty check\n");
		return 0;
	}
	cmd_ctx_init(&ctx, cfg, demo);
	pc = xcalloc(cfg->n_prom ? cfg->n_prom : 1, sizeof *pc);
	for (i = 0; !demo && i < cfg->n_prom; i++) {
		const struct prom_source *p = &cfg->prom[i];
		char *url = xasprintf("%s%s/api/v1/query?query=1", p->url,
		                      p->http.path_prefix ? p->http.path_prefix : "");
		struct http_req req = { .url = url, .opts = &p->http, .timeout_ms = 10000 };

		pc[i].p = p;
		http_request(ctx.http, &req, prom_done, &pc[i]);
		free(url);
	}
	cmd_ctx_fetch(&ctx, true);
	do {
		pending = 0;
		for (i = 0; !demo && i < cfg->n_prom; i++)
			pending += !pc[i].done;
		if (pending)
			loop_run_once(ctx.loop, 1000);
	} while (pending);

	for (i = 0; i < ctx.n_sources; i++) {
		struct source *s = ctx.sources[i];
		const char *url = s->status.active_url[0] ? s->status.active_url
		                  : (demo ? "embedded" : cfg->am[i].urls[0]);
		char *shown = xstrdup(url);

		if (!demo) {
			free(shown);
			shown = url_redact(url);
		}
		print_line(s->name, shown, s->status.ok, s->status.reason, s->status.latency_ms);
		if (!s->status.ok)
			rc = 1;
		free(shown);
	}
	for (i = 0; !demo && i < cfg->n_prom; i++) {
		char *shown = url_redact(cfg->prom[i].url);

		print_line(cfg->prom[i].name, shown, pc[i].ok, pc[i].reason, pc[i].latency_ms);
		if (!pc[i].ok)
			rc = 1;
		free(shown);
	}
	free(pc);
	cmd_ctx_free(&ctx);
	return rc;
}
