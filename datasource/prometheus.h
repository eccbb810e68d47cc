/* prometheus.h: the Prometheus HTTP API source (and what speaks it: Thanos
 * Querier, Grafana Mimir with path_prefix and a tenant header,
 * VictoriaMetrics): asynchronous instant and range queries over http.h, with
 * its timeouts, size cap, retries with backoff and a circuit breaker for the
 * endpoint. Answers are decoded by core/promql.h. Every callback runs from
 * the loop, never inside the call that started the query. */
#ifndef PAGETTY_PROMETHEUS_H
#define PAGETTY_PROMETHEUS_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/config.h"
#include "../core/promql.h"
#include "../loop/loop.h"
#include "http.h"

#define PROM_CONNECT_MS 3000
#define PROM_TIMEOUT_MS 10000
#define PROM_MAX_BYTES ((size_t)64 << 20)
#define PROM_RETRIES 1
#define PROM_URL_MAX 16384 /* longer queries fail at once */

struct prom;

/* One query's answer, valid during the callback only (take result by
 * copying the struct and zeroing the original). */
struct prom_answer {
	bool ok;                     /* a success answer was decoded */
	bool reached;                /* the server answered as a query API (even with an error):
	                                the source is up, the query is what failed */
	long status;                 /* HTTP status, 0 if none */
	char err[ERR_MAX];           /* when !ok, sanitized: "connection refused",
	                                "bad_data: 1:5: parse error: ...",
	                                "HTTP 404: 404 page not found", "circuit open (...)" */
	struct promql_result result; /* owned by the answer; warnings kept even on errors */
	int64_t latency_ms;
};

typedef void (*prom_done_fn)(struct prom *p, struct prom_answer *a, void *data);

/* Health of the endpoint, from the last answers. */
struct prom_status {
	bool ever_ok;                /* one query API answer seen */
	bool ok;                     /* the last request reached the server */
	bool stale;                  /* the last request did not: data shown is old */
	char reason[ERR_MAX];        /* why stale, sanitized, no secrets */
	double last_ok;              /* wall time of the last answer, 0 never */
	int64_t latency_ms;          /* of the last answer */
	char url[256];               /* base URL, redacted */
};

/* src is borrowed and must outlive the source; so must l and h. Free the
 * source before h. */
struct prom *prom_new(struct loop *l, struct http *h, const struct prom_source *src);
/* Cancels queries in flight without calling them back. NULL is a no-op. */
void prom_free(struct prom *p);

const char *prom_name(const struct prom *p);
const struct prom_status *prom_status(const struct prom *p);

/* Instant query at time `at` (unix seconds; 0 = the server's now). Returns
 * an id > 0; done is called exactly once, later, from the loop (also when
 * the query could not start: empty expression, URL too long, circuit open). */
uint64_t prom_query(struct prom *p, const char *expr, double at, prom_done_fn done, void *data);
/* Range query over [start, end] with step seconds (step > 0). */
uint64_t prom_query_range(struct prom *p, const char *expr, double start, double end,
                          double step, prom_done_fn done, void *data);
/* Forget a query in flight; done is not called. Unknown ids: no-op. */
void prom_cancel(struct prom *p, uint64_t id);
size_t prom_pending(const struct prom *p);

/* The request URL for a query (path prefix applied, parameters encoded),
 * malloced; exposed for tests and `pagetty check` messages. */
char *prom_query_url(const struct prom *p, const char *path, const char *params);
/* Percent-encode s for a query parameter (RFC 3986 unreserved kept). */
char *prom_urlencode(const char *s);

#endif
