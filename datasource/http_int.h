/* http_int.h: what the HTTP client's three files share. http.c owns the
 * requests (bookkeeping, retries, breakers, results); an attempt goes over
 * one of two transports: http_curl.c (libcurl's multi interface, loaded
 * with dlopen when the first request needs it: https, proxies, redirects,
 * and host names in the console) or http_plain.c (pagetty's own small
 * HTTP/1.1 over one socket, for plain http:// with no proxy: one-shot
 * commands to any host, the console to an address, whose connection it
 * makes without a resolver that could block the loop). A one-shot command
 * then never loads libcurl and its ~30 libraries, which cost more CPU than
 * the whole rest of `pagetty alerts` on 1000 alerts. */
#ifndef PAGETTY_HTTP_INT_H
#define PAGETTY_HTTP_INT_H

#include <curl/curl.h> /* types and constants only: libcurl is dlopen()ed */

#include "http.h"
#include "http_hash.h"

struct http_plain; /* http_plain.c: one connection of one attempt */

struct http_call {
	uint64_t id;
	struct http *h;               /* borrowed: the owner */
	CURL *easy;                   /* owned; NULL between attempts */
	struct curl_slist *headers;   /* owned; NULL between attempts */
	struct http_plain *plain;     /* owned; NULL between attempts */
	bool via_curl;                /* libcurl even when plain could (redirects) */
	char *method;                 /* owned */
	char *url;                    /* owned */
	char *body;                   /* owned or NULL */
	const struct http_opts *opts; /* borrowed or NULL */
	struct http_breaker *breaker; /* borrowed or NULL */
	bool probe;                   /* this call holds the breaker's probe */
	int64_t connect_timeout_ms, timeout_ms, backoff_ms;
	size_t max_bytes;
	int retries_left;
	int attempts;
	int64_t started_ms;
	uint64_t timer;               /* loop timer: backoff or deferred failure */
	struct buf resp;              /* owned: response body of this attempt */
	size_t got;                   /* bytes of this attempt's body */
	void (*sink)(const char *p, size_t n, void *sink_data); /* or NULL: see http_req */
	void *sink_data;              /* borrowed */
	struct http_hasher hasher;    /* of resp, updated as it arrives */
	bool too_big;
	char errbuf[CURL_ERROR_SIZE]; /* curl's per-transfer message */
	struct http_result res;       /* filled before done; members owned */
	http_done_fn done;
	void *data;                   /* borrowed: done's argument */
};

struct http {
	struct loop *loop;            /* borrowed */
	CURLM *multi;                 /* owned; NULL until the first libcurl request */
	uint64_t timer;               /* loop timer for curl's timeout, 0 none */
	uint64_t next_id;
	struct http_call **calls;     /* owned array of owned calls */
	size_t n_calls, cap_calls;
	int *socks;                   /* fds libcurl registered with the loop */
	size_t n_socks, cap_socks;
	uint64_t rng;
	long recv_buffer;             /* bytes per read (libcurl's CURLOPT_BUFFERSIZE) */
	bool one_shot;                /* http_one_shot(): plain http to host names too */
};

/* ---- http.c ---- */
/* One attempt ended: c->res.ok (transport), .status, .err and
 * .content_type are set and the transport has let go of the attempt.
 * Retries, or calls done and frees c. */
void http_finish(struct http_call *c);
/* Is c one of h's live calls? */
bool http_is_call(struct http *h, struct http_call *c);
/* Fail before any transfer: delivered from the loop, never inline. */
void http_fail_later(struct http_call *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* n bytes of the body of a reply with this status: kept (and hashed), or
 * given to the sink when 2xx. False (and c->too_big) past the size cap. */
bool http_call_body(struct http_call *c, long status, const char *p, size_t n);
/* An attempt starts (its request could be built): count it, and tell a
 * sink that the body starts over. */
void http_attempt_begin(struct http_call *c);
/* Forget what this attempt received, for the next transport. */
void http_attempt_reset(struct http_call *c);
/* The request's header lines ("Name: value", or "Name;" for an empty
 * value), NULL-terminated, or NULL with err set. The caller frees it with
 * http_header_lines_free (which wipes it: it may hold credentials). */
char **http_header_lines(const struct http_call *c, char err[ERR_MAX]);
void http_header_lines_free(char **lines);
/* c->res.err = msg, sanitized. */
void http_set_err(struct http_call *c, const char *msg);
void http_err_timeout(struct http_call *c, bool connecting); /* "timed out after 15s" */
void http_err_too_big(struct http_call *c);                   /* "response larger than 64 MiB" */

/* ---- http_curl.c ---- */
void http_curl_start(struct http_call *c); /* the attempt over libcurl */
void http_curl_stop(struct http_call *c);  /* drop the attempt's handle, if any */
void http_curl_free(struct http *h);       /* the multi handle and its sockets */

/* ---- http_plain.c ---- */
/* May this attempt go over the built-in client? (http://, no proxy in
 * the environment, no user:password@ in the URL, and in the console an
 * address rather than a host name) */
bool http_plain_wants(const struct http_call *c);
void http_plain_start(struct http_call *c);
void http_plain_stop(struct http_call *c); /* close the attempt's connection, if any */

#endif
