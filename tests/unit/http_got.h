/* http_got.h: what a test keeps of one struct http_result (test_http.c,
 * test_http_wire.c). Header-only; the body and content type are owned by
 * the struct got and freed by got_free. */
#ifndef PAGETTY_TEST_HTTP_GOT_H
#define PAGETTY_TEST_HTTP_GOT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasource/http.h"

struct got {
	int calls;
	bool ok;
	long status;
	int attempts;
	int64_t elapsed;
	bool breaker_open;
	char err[ERR_MAX];
	char *body;     /* owned */
	size_t len;
	uint64_t hash;
	char *ctype;    /* owned or NULL */
};

static inline void got_free(struct got *g)
{
	free(g->body);
	free(g->ctype);
	memset(g, 0, sizeof(*g));
}

/* An http_done_fn: data is a struct got, whose earlier body it replaces. */
static inline void on_done(struct http_result *res, void *data)
{
	struct got *g = data;
	int calls = g->calls + 1;

	got_free(g);
	g->calls = calls;
	g->ok = res->ok;
	g->status = res->status;
	g->attempts = res->attempts;
	g->elapsed = res->elapsed_ms;
	g->breaker_open = res->breaker_open;
	snprintf(g->err, sizeof(g->err), "%s", res->err);
	g->body = res->body; /* take it */
	g->len = res->len;
	g->hash = res->hash;
	res->body = NULL;
	g->ctype = res->content_type ? xstrdup(res->content_type) : NULL;
}

#endif
