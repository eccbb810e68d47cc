/* http.h: HTTP driven by the loop: sockets and timers feed the one poll.
 * Requests go over libcurl's multi interface (loaded when first needed),
 * or, for plain http:// to an address (or, in one-shot commands, to any
 * host), over a small built-in HTTP/1.1 client. Every request has connect
 * and total timeouts, a
 * response size cap enforced as the body arrives, http/https only, retries
 * with exponential backoff and jitter, and goes through the circuit
 * breaker of its endpoint. */
#ifndef PAGETTY_HTTP_H
#define PAGETTY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/config.h"
#include "../core/util.h"
#include "../loop/loop.h"

struct http;

/* Circuit breaker for one endpoint (base URL). Closed: requests pass.
 * After `threshold` consecutive failures it opens: requests fail at once with
 * "circuit open" until `cooldown_ms` has passed; then one probe request is
 * let through (half-open); success closes it, failure reopens it with the
 * cooldown doubled up to a cap. Owned by whoever owns the endpoint. */
enum breaker_state { BREAKER_CLOSED, BREAKER_OPEN, BREAKER_HALF_OPEN };
struct http_breaker {
	enum breaker_state state;
	int failures;          /* consecutive */
	int threshold;         /* default 3 */
	int64_t opened_at_ms;  /* now_ms() when opened */
	int64_t cooldown_ms;   /* current; starts at 2000, max 60000 */
	bool probe_in_flight;
	int64_t cooldown_base_ms; /* cooldown restored when it closes; default 2000 */
};
void http_breaker_init(struct http_breaker *b);
/* May a request go now? (half-open lets exactly one through) */
bool http_breaker_allow(struct http_breaker *b, int64_t now);
void http_breaker_result(struct http_breaker *b, bool ok, int64_t now);

struct http_result {
	bool ok;              /* transport ok and 2xx */
	long status;          /* HTTP status, 0 if none */
	char *body;           /* malloced, NUL-terminated (may be "" ), owned by the result */
	size_t len;
	char err[ERR_MAX];    /* when !ok: "connection refused", "timed out after 10s",
	                         "HTTP 500: <first line of body, sanitized>",
	                         "response larger than 16 MiB", "circuit open (retry in 4s)" */
	int64_t elapsed_ms;
	int attempts;
	char *content_type;   /* malloced or NULL */
	uint64_t hash;        /* of the body, taken as it arrived: equal bodies,
	                         equal hashes (http_body_hash), no second pass */
	bool breaker_open;    /* failed fast: the endpoint's breaker is open, nothing
	                         was sent (err says "circuit open ..."; the cause of
	                         the failures that opened it is the caller's to keep) */
};

/* Called once per request, from the loop. res and its members are valid only
 * during the call (take res->body by setting it to NULL). */
typedef void (*http_done_fn)(struct http_result *res, void *data);

struct http_req {
	const char *method;          /* "GET" (default when NULL), "POST", "DELETE" */
	const char *url;             /* full URL; copied */
	const char *body;            /* copied; sent as application/json when set */
	const struct http_opts *opts;/* borrowed, must outlive the request; may be NULL */
	struct http_breaker *breaker;/* borrowed or NULL */
	int64_t connect_timeout_ms;  /* 0: 5000 */
	int64_t timeout_ms;          /* 0: 15000 */
	size_t max_bytes;            /* 0: 64 MiB */
	int retries;                 /* extra attempts on transport errors and 5xx/429; 0: none */
	int64_t backoff_ms;          /* first backoff; 0: 250. Doubles, with +-50% jitter */
	/* When set, a 2xx body is not kept: each piece goes to sink as it
	 * arrives (from the loop, inside curl's write callback), and
	 * sink(NULL, 0, sink_data) says a retry starts the body over. Then
	 * res->body is "" and res->hash says nothing; the size cap holds as
	 * always. Bodies of other statuses are kept (for the error message). */
	void (*sink)(const char *p, size_t n, void *sink_data);
	void *sink_data;             /* borrowed: sink's argument */
};

struct http *http_new(struct loop *l);
void http_free(struct http *h); /* cancels pending requests without calling them back */
/* For a one-shot command, which has no screen to keep answering: read
 * bodies in big pieces (fewer sink calls, less going back to the loop)
 * instead of the small ones that keep the console's loop responsive, and
 * fetch plain http:// (no proxy set, no credentials in the URL) to host
 * names too with the built-in client, which may then block in the system
 * resolver (getaddrinfo). https, proxies and redirects still go through
 * libcurl. */
void http_one_shot(struct http *h);

/* Start a request. Returns an id > 0, or 0 when it could not start (then done
 * is still called, from the loop, with the error). */
uint64_t http_request(struct http *h, const struct http_req *req, http_done_fn done, void *data);
void http_cancel(struct http *h, uint64_t id); /* done is not called */
size_t http_pending(const struct http *h);

/* Resolve auth for opts into a header value ("Bearer ..."/"Basic ...") or
 * NULL; reads env vars / files at call time. Malloced; never logged. */
char *http_auth_header(const struct http_opts *opts, char err[ERR_MAX]);

/* The hash http_result.hash holds, of len bytes at body. */
uint64_t http_body_hash(const char *body, size_t len);

/* Run the loop until no request is pending (one-shot commands). */
void http_wait_all(struct http *h, struct loop *l);

#endif
