/* metrics.c: the metrics interface over a real Prometheus endpoint: a thin
 * adapter that forwards queries to prometheus.h and copies the endpoint's
 * health into metrics->status after each answer. */
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One query in flight: maps the prom callback back to the caller. */
struct mp_call {
	struct metrics *m;        /* borrowed */
	metrics_done_fn done;
	void *data;               /* borrowed */
	uint64_t id;              /* prom's id */
	struct mp_call *next;
};

struct mp {
	struct prom *prom;        /* owned */
	struct mp_call *calls;    /* owned list */
};

static void mp_unlink(struct mp *p, struct mp_call *c)
{
	struct mp_call **pp;

	for (pp = &p->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			return;
		}
	}
}

static void mp_done(struct prom *pr, struct prom_answer *pa, void *data)
{
	struct mp_call *c = data;
	struct metrics *m = c->m;
	struct mp *p = m->priv;
	struct metrics_answer a;

	memset(&a, 0, sizeof a);
	a.ok = pa->ok;
	a.reached = pa->reached;
	snprintf(a.err, sizeof a.err, "%s", pa->err);
	a.result = pa->result;
	memset(&pa->result, 0, sizeof pa->result);
	m->status = *prom_status(pr);
	mp_unlink(p, c);
	c->done(&a, c->data);
	promql_result_free(&a.result);
	free(c);
}

static struct mp_call *mp_call_new(struct metrics *m, metrics_done_fn done, void *data)
{
	struct mp *p = m->priv;
	struct mp_call *c = xcalloc(1, sizeof *c);

	c->m = m;
	c->done = done;
	c->data = data;
	c->next = p->calls;
	p->calls = c;
	return c;
}

static uint64_t mp_query(struct metrics *m, const char *expr, double at,
                         metrics_done_fn done, void *data)
{
	struct mp *p = m->priv;
	struct mp_call *c = mp_call_new(m, done, data);

	c->id = prom_query(p->prom, expr, at, mp_done, c);
	return c->id;
}

static uint64_t mp_query_range(struct metrics *m, const char *expr, double start, double end,
                               double step, metrics_done_fn done, void *data)
{
	struct mp *p = m->priv;
	struct mp_call *c = mp_call_new(m, done, data);

	c->id = prom_query_range(p->prom, expr, start, end, step, mp_done, c);
	return c->id;
}

static void mp_cancel(struct metrics *m, uint64_t id)
{
	struct mp *p = m->priv;
	struct mp_call *c;

	for (c = p->calls; c; c = c->next) {
		if (c->id == id) {
			prom_cancel(p->prom, id);
			mp_unlink(p, c);
			free(c);
			return;
		}
	}
}

static void mp_free(struct metrics *m)
{
	struct mp *p = m->priv;
	struct mp_call *c, *next;

	prom_free(p->prom);
	for (c = p->calls; c; c = next) {
		next = c->next;
		free(c);
	}
	free(p);
}

static const struct metrics_ops mp_ops = {
	.kind = "prometheus",
	.query = mp_query,
	.query_range = mp_query_range,
	.cancel = mp_cancel,
	.free = mp_free,
};

struct metrics *metrics_prom_new(struct loop *l, struct http *h, const struct prom_source *src)
{
	struct metrics *m = xcalloc(1, sizeof *m);
	struct mp *p = xcalloc(1, sizeof *p);

	p->prom = prom_new(l, h, src);
	m->ops = &mp_ops;
	m->priv = p;
	m->name = xstrdup(prom_name(p->prom));
	m->status = *prom_status(p->prom);
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	m->ops->free(m);
	free(m->name);
	free(m);
}
