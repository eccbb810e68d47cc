/* metrics.h: the one small interface the SLO and Signals views read numbers
 * through: instant and range PromQL queries answered either by a real
 * Prometheus-compatible endpoint (prometheus.h) or by the embedded demo
 * scenario (scenario_metrics.c), which also supplies the demo's SLO specs
 * and service panels. Answers always arrive from the loop, never inside the
 * call that asked. */
#ifndef PAGETTY_METRICS_H
#define PAGETTY_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/config.h"
#include "../core/promql.h"
#include "../loop/loop.h"
#include "http.h"
#include "prometheus.h"

struct metrics;

/* Valid during the callback only; take result by copying the struct and
 * zeroing the original. */
struct metrics_answer {
	bool ok;                     /* decoded a success answer */
	bool reached;                /* the endpoint answered (the query itself may be bad) */
	char err[ERR_MAX];           /* sanitized, when !ok */
	struct promql_result result; /* owned by the answer */
};

typedef void (*metrics_done_fn)(struct metrics_answer *a, void *data);

struct metrics_ops {
	const char *kind; /* "prometheus", "scenario" */
	/* Instant query at `at` (0 = now). Returns an id > 0; done is called
	 * exactly once, later, from the loop. */
	uint64_t (*query)(struct metrics *m, const char *expr, double at,
	                  metrics_done_fn done, void *data);
	/* Range query over [start, end] every step seconds. */
	uint64_t (*query_range)(struct metrics *m, const char *expr, double start, double end,
	                        double step, metrics_done_fn done, void *data);
	/* Forget a query in flight: done is not called. */
	void (*cancel)(struct metrics *m, uint64_t id);
	void (*free)(struct metrics *m);
};

struct metrics {
	const struct metrics_ops *ops;
	char *name;               /* owned: source name for messages */
	bool demo;                /* invented data */
	struct prom_status status;/* health of the endpoint (kept up to date) */
	void *priv;               /* owned by ops */
};

/* A Prometheus endpoint; src, l and h are borrowed and must outlive it. */
struct metrics *metrics_prom_new(struct loop *l, struct http *h, const struct prom_source *src);
/* The demo: curves that tell the scenario's story, relative to now. */
struct metrics *metrics_scenario_new(struct loop *l);
void metrics_free(struct metrics *m); /* cancels pending queries; NULL ok */

/* The demo's SLO specs (Sloth prometheus/v1 YAML, static) and its service
 * panels (static array of n). */
const char *scenario_slo_yaml(void);
const struct signal_cfg *scenario_signals(size_t *n);

#endif
