/* cmd.h: the one-shot subcommands (pagetty alerts, check, runbook) and
 * the small context they share: a loop, an http client and one source per
 * configured Alertmanager cluster, run until every source has answered. */
#ifndef PAGETTY_CMD_H
#define PAGETTY_CMD_H

#include <stdbool.h>

#include "../core/config.h"
#include "../datasource/http.h"
#include "../datasource/source.h"
#include "../loop/loop.h"

struct cmd_ctx {
	struct config *cfg;      /* borrowed */
	struct loop *loop;       /* owned */
	struct http *http;       /* owned */
	struct source **sources; /* owned array of owned sources */
	size_t n_sources;
	size_t pending;          /* sources that have not answered yet */
};

/* Build the context: the demo scenario when demo, else one source per
 * cfg->am[]. Never fails (sources report their own errors). */
void cmd_ctx_init(struct cmd_ctx *c, struct config *cfg, bool demo);
/* Refresh every source (or run its check when check) and run the loop
 * until each has answered. */
void cmd_ctx_fetch(struct cmd_ctx *c, bool check);
void cmd_ctx_free(struct cmd_ctx *c);

/* Entry points: argv[0] is the subcommand name. Return the exit code. */
int cmd_alerts(struct config *cfg, bool demo, int argc, char **argv);
int cmd_check(struct config *cfg, bool demo, int argc, char **argv);
int cmd_runbook(struct config *cfg, bool demo, int argc, char **argv);
int cmd_timeline(struct config *cfg, bool demo, int argc, char **argv);
int cmd_lint(struct config *cfg, bool demo, int argc, char **argv);
int cmd_slo(struct config *cfg, bool demo, int argc, char **argv);
int cmd_drill(struct config *cfg, bool demo, int argc, char **argv);

#endif
