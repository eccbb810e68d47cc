/* ctx.c: the shared context of the one-shot commands. */
#include "cmd.h"

#include <stdlib.h>

#include "../core/util.h"

static void on_source_update(struct source *s, void *data)
{
	struct cmd_ctx *c = data;

	(void)s;
	if (c->pending > 0)
		c->pending--;
}

void cmd_ctx_init(struct cmd_ctx *c, struct config *cfg, bool demo)
{
	size_t i;

	c->cfg = cfg;
	c->loop = loop_new();
	c->http = http_new(c->loop);
	http_one_shot(c->http); /* no screen to keep answering */
	c->n_sources = demo ? 1 : cfg->n_am;
	c->sources = xcalloc(c->n_sources, sizeof *c->sources);
	c->pending = 0;
	for (i = 0; i < c->n_sources; i++) {
		c->sources[i] = demo ? scenario_source_new(c->loop)
		                     : alertmanager_source_new(c->loop, c->http, &cfg->am[i]);
		c->sources[i]->on_update = on_source_update;
		c->sources[i]->update_data = c;
	}
}

void cmd_ctx_fetch(struct cmd_ctx *c, bool check)
{
	size_t i;

	c->pending = 0;
	for (i = 0; i < c->n_sources; i++) {
		struct source *s = c->sources[i];

		if (check && !s->ops->check)
			continue;
		c->pending++;
		if (check)
			s->ops->check(s);
		else
			s->ops->refresh(s);
	}
	while (c->pending > 0)
		loop_run_once(c->loop, 1000);
}

void cmd_ctx_free(struct cmd_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n_sources; i++)
		source_free(c->sources[i]);
	free(c->sources);
	http_free(c->http);
	loop_free(c->loop);
	c->sources = NULL;
	c->n_sources = 0;
}
