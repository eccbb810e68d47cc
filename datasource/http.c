/* http.c: HTTP requests, driven by the loop. Each request is a `struct
 * http_call` with its own response buffer, retry/backoff state and
 * borrowed circuit breaker (http_breaker.c); each attempt goes over
 * libcurl (http_curl.c) or, for plain http (http_plain_wants says when),
 * the built-in client (http_plain.c), starts in http_attempt_begin and
 * ends in http_finish. The body's hash
 * is taken as it arrives (http_hash.c). Errors are phrased for people
 * ("connection refused"), never carry secrets, and URLs in them go through
 * url_redact. Auth headers are resolved in http_auth.c. */
#include "http_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/text.h"

#define HTTP_DEF_CONNECT_MS 5000
#define HTTP_DEF_TIMEOUT_MS 15000
#define HTTP_DEF_MAX_BYTES ((size_t)64 << 20)
#define HTTP_DEF_BACKOFF_MS 250
#define HTTP_MAX_BACKOFF_MS 30000
/* libcurl's receive buffer; http_plain.c reads up to 64 KiB at a time
 * but takes at most 64 of these per wake-up, the same bound. libcurl reads
 * a ready socket up to 100 times within one call (while more is pending),
 * so this bounds the bytes one loop callback can copy: with the default
 * 16 KiB a fast peer streaming a big body (200 MB on loopback) held the
 * loop for 100-300 ms of copying and page faults while a key waited; 4 KiB
 * keeps it to ~400 KB a call. (Pausing the transfer past a per-round budget
 * did the same, but once in a full run a 64 MiB body that the server ended
 * by closing came back complete and 4 KB short, and libcurl 7.88 has known
 * pause bugs of that shape; a smaller buffer needs no pausing at all.) */
#define HTTP_RECV_BUFFER 4096L
/* For a process with no screen to keep answering (http_one_shot): fewer,
 * bigger reads (and more bytes per wake-up in http_plain.c). A 43 MB answer
 * in 4 KiB reads was ~10k recv() calls and as many write callbacks, each a
 * trap into the hypervisor on the virtual machines pagetty is benchmarked
 * on. */
#define HTTP_RECV_BUFFER_ONE_SHOT (64L << 10)

static void http_start_attempt(struct http_call *c);

/* ---- small helpers ------------------------------------------------------ */

static void http_fmt_ms(char *out, size_t n, int64_t ms)
{
	if (ms % 1000 == 0)
		snprintf(out, n, "%llds", (long long)(ms / 1000));
	else if (ms > 1000)
		snprintf(out, n, "%.1fs", (double)ms / 1000.0);
	else
		snprintf(out, n, "%lldms", (long long)ms);
}

static void http_fmt_size(char *out, size_t n, size_t bytes)
{
	if (bytes >= ((size_t)1 << 20) && bytes % ((size_t)1 << 20) == 0)
		snprintf(out, n, "%zu MiB", bytes >> 20);
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(out, n, "%zu KiB", bytes >> 10);
	else
		snprintf(out, n, "%zu bytes", bytes);
}

/* First `max` bytes of untrusted text, as one sanitized line of at most
 * out_max bytes (cut whole characters, ending "…"). Malloced. */
static char *http_one_line(const char *s, size_t len, size_t max, size_t out_max)
{
	struct buf b = {0};
	size_t i;
	char *out;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	if (len > max) {
		len = max;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--; /* do not cut a UTF-8 sequence */
	}
	for (i = 0; i < len; i++) {
		char ch = s[i];
		if (ch == '\n' || ch == '\r' || ch == '\t')
			ch = ' ';
		if (ch == ' ' && b.len > 0 && b.data[b.len - 1] == ' ')
			continue;
		buf_putc(&b, ch);
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	out = text_sanitize(b.data ? b.data : "", b.len, 0, out_max);
	buf_free(&b);
	return out;
}

/* ---- bookkeeping -------------------------------------------------------- */

static void http_call_free(struct http_call *c)
{
	http_curl_stop(c);
	http_plain_stop(c);
	if (c->timer)
		loop_del_timer(c->h->loop, c->timer);
	free(c->method);
	free(c->url);
	free(c->body);
	buf_free(&c->resp);
	free(c->res.body);
	free(c->res.content_type);
	free(c);
}

static void http_unlink(struct http *h, struct http_call *c)
{
	size_t i;

	for (i = 0; i < h->n_calls; i++) {
		if (h->calls[i] == c) {
			memmove(&h->calls[i], &h->calls[i + 1],
			        (h->n_calls - i - 1) * sizeof(*h->calls));
			h->n_calls--;
			return;
		}
	}
}

bool http_is_call(struct http *h, struct http_call *c)
{
	size_t i;

	for (i = 0; i < h->n_calls; i++) {
		if (h->calls[i] == c)
			return true;
	}
	return false;
}

static int64_t http_jitter(struct http *h, int64_t ms)
{
	/* xorshift64: +-50% around ms */
	h->rng ^= h->rng << 13;
	h->rng ^= h->rng >> 7;
	h->rng ^= h->rng << 17;
	return ms / 2 + (int64_t)(h->rng % (uint64_t)(ms + 1));
}

/* ---- what the transports share ----------------------------------------- */

void http_set_err(struct http_call *c, const char *msg)
{
	char *clean = text_sanitize(msg, strlen(msg), 0, ERR_MAX - 1);

	snprintf(c->res.err, sizeof(c->res.err), "%s", clean);
	free(clean);
}

void http_err_timeout(struct http_call *c, bool connecting)
{
	char num[32];

	http_fmt_ms(num, sizeof(num), connecting ? c->connect_timeout_ms : c->timeout_ms);
	errf(c->res.err, "%stimed out after %s", connecting ? "connect " : "", num);
}

void http_err_too_big(struct http_call *c)
{
	char num[32];

	c->too_big = true;
	http_fmt_size(num, sizeof(num), c->max_bytes);
	errf(c->res.err, "response larger than %s", num);
}

bool http_call_body(struct http_call *c, long status, const char *p, size_t n)
{
	if (n > c->max_bytes || c->got > c->max_bytes - n) {
		c->too_big = true;
		return false;
	}
	c->got += n;
	if (c->sink && status >= 200 && status <= 299) {
		c->sink(p, n, c->sink_data);
		return true;
	}
	buf_append(&c->resp, p, n);
	http_hash_update(&c->hasher, p, n);
	return true;
}

void http_attempt_reset(struct http_call *c)
{
	c->got = 0;
	buf_reset(&c->resp);
	http_hash_init(&c->hasher);
	c->too_big = false;
	free(c->res.content_type);
	c->res.content_type = NULL;
	c->res.status = 0;
}

char **http_header_lines(const struct http_call *c, char err[ERR_MAX])
{
	char **v = xcalloc(4 + (c->opts ? c->opts->headers.n : 0), sizeof(*v));
	size_t n = 0, i;
	char *auth;

	v[n++] = xstrdup("Accept: application/json");
	if (c->body)
		v[n++] = xstrdup("Content-Type: application/json");
	if (c->opts) {
		for (i = 0; i < c->opts->headers.n; i++) {
			const struct kv *kv = &c->opts->headers.v[i];
			if (!*kv->name || strpbrk(kv->name, ":\r\n \t") || strpbrk(kv->value, "\r\n")) {
				errf(err, "header %.60s: invalid name or value", kv->name);
				http_header_lines_free(v);
				return NULL;
			}
			v[n++] = *kv->value ? xasprintf("%s: %s", kv->name, kv->value)
			                    : xasprintf("%s;", kv->name);
		}
		auth = http_auth_header(c->opts, err);
		if (!auth && err[0]) {
			http_header_lines_free(v);
			return NULL;
		}
		if (auth) {
			v[n++] = xasprintf("Authorization: %s", auth);
			explicit_bzero(auth, strlen(auth));
			free(auth);
		}
	}
	v[n] = NULL;
	return v;
}

void http_header_lines_free(char **lines)
{
	size_t i;

	if (!lines)
		return;
	for (i = 0; lines[i]; i++) {
		explicit_bzero(lines[i], strlen(lines[i]));
		free(lines[i]);
	}
	free(lines);
}

/* ---- requests ----------------------------------------------------------- */

static void http_deliver(struct loop *l, void *data)
{
	struct http_call *c = data;
	struct http *h = c->h;

	(void)l;
	c->timer = 0;
	http_unlink(h, c);
	if (c->breaker && c->probe) {
		/* failed before reaching the endpoint (auth, setup): no verdict */
		c->breaker->probe_in_flight = false;
		c->probe = false;
	}
	c->res.elapsed_ms = now_ms() - c->started_ms;
	c->res.attempts = c->attempts;
	if (!c->res.body) {
		c->res.body = xstrdup("");
		c->res.len = 0;
		c->res.hash = http_body_hash("", 0);
	}
	c->done(&c->res, c->data);
	http_call_free(c);
}

/* Fail before (or between) attempts: deliver from the loop, never inline. */
void http_fail_later(struct http_call *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->res.err, sizeof(c->res.err), fmt, ap);
	va_end(ap);
	c->res.ok = false;
	if (c->timer)
		loop_del_timer(c->h->loop, c->timer);
	c->timer = loop_add_timer(c->h->loop, 0, http_deliver, c);
}

static void http_on_backoff(struct loop *l, void *data)
{
	struct http_call *c = data;

	(void)l;
	c->timer = 0;
	http_start_attempt(c);
}

static bool http_retryable(const struct http_call *c)
{
	if (c->res.status >= 500 || c->res.status == 429)
		return true;
	if (c->res.status != 0)
		return false;
	if (c->too_big)
		return false;
	return !strstr(c->res.err, "unsupported protocol") &&
	       !strstr(c->res.err, "malformed URL") &&
	       !strstr(c->res.err, "TLS:") &&
	       !strstr(c->res.err, "could not resolve host");
}

void http_finish(struct http_call *c)
{
	struct http *h = c->h;
	char what[32], *line;

	if (c->res.ok && (c->res.status < 200 || c->res.status > 299)) {
		c->res.ok = false;
		snprintf(what, sizeof(what), "HTTP %ld", c->res.status);
		/* escapes make the line up to 4 times longer than the body's
		 * 120 bytes: cut it to fit err whole, not in a UTF-8 sequence */
		line = http_one_line(c->resp.data ? c->resp.data : "", c->resp.len, 120,
		                     ERR_MAX - 1 - strlen(what) - 2);
		if (*line)
			errf(c->res.err, "%s: %s", what, line);
		else
			errf(c->res.err, "%s", what);
		free(line);
	}
	if (!c->res.ok && c->retries_left > 0 && http_retryable(c)) {
		int64_t wait = http_jitter(h, c->backoff_ms);
		c->retries_left--;
		c->backoff_ms *= 2;
		if (c->backoff_ms > HTTP_MAX_BACKOFF_MS)
			c->backoff_ms = HTTP_MAX_BACKOFF_MS;
		c->timer = loop_add_timer(h->loop, wait, http_on_backoff, c); /* it resets the body */
		return;
	}
	if (c->breaker) {
		/* A 4xx is the server answering: the endpoint is healthy. */
		bool healthy = c->res.ok || (c->res.status >= 400 && c->res.status < 500 &&
		                             c->res.status != 429);
		http_breaker_result(c->breaker, healthy, now_ms());
		c->probe = false;
	}
	free(c->res.body);
	c->res.len = c->resp.len;
	c->res.hash = http_hash_final(&c->hasher);
	c->res.body = buf_steal(&c->resp);
	http_unlink(h, c);
	c->res.elapsed_ms = now_ms() - c->started_ms;
	c->res.attempts = c->attempts;
	c->done(&c->res, c->data);
	http_call_free(c);
}

void http_attempt_begin(struct http_call *c)
{
	if (c->sink && c->attempts > 0)
		c->sink(NULL, 0, c->sink_data); /* the body starts over */
	c->attempts++;
	http_attempt_reset(c);
}

static void http_start_attempt(struct http_call *c)
{
	if (!c->via_curl && http_plain_wants(c))
		http_plain_start(c);
	else
		http_curl_start(c);
}

void http_one_shot(struct http *h)
{
	h->recv_buffer = HTTP_RECV_BUFFER_ONE_SHOT;
	h->one_shot = true;
}

struct http *http_new(struct loop *l)
{
	struct http *h = xcalloc(1, sizeof(*h));

	h->loop = l;
	h->next_id = 1;
	h->recv_buffer = HTTP_RECV_BUFFER;
	h->rng = (uint64_t)now_ms() * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid();
	if (!h->rng)
		h->rng = 88172645463325252ull;
	return h;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	while (h->n_calls > 0) {
		struct http_call *c = h->calls[--h->n_calls];
		http_call_free(c);
	}
	http_curl_free(h);
	free(h->calls);
	free(h);
}

uint64_t http_request(struct http *h, const struct http_req *req, http_done_fn done, void *data)
{
	struct http_call *c = xcalloc(1, sizeof(*c));
	char *red;

	c->id = h->next_id++;
	c->h = h;
	c->method = xstrdup(req->method ? req->method : "GET");
	c->url = xstrdup(req->url ? req->url : "");
	c->body = xstrdup(req->body);
	c->opts = req->opts;
	c->breaker = req->breaker;
	c->connect_timeout_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms
	                                                    : HTTP_DEF_CONNECT_MS;
	c->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : HTTP_DEF_TIMEOUT_MS;
	c->max_bytes = req->max_bytes > 0 ? req->max_bytes : HTTP_DEF_MAX_BYTES;
	c->retries_left = req->retries > 0 ? req->retries : 0;
	c->backoff_ms = req->backoff_ms > 0 ? req->backoff_ms : HTTP_DEF_BACKOFF_MS;
	c->sink = req->sink;
	c->sink_data = req->sink_data;
	c->started_ms = now_ms();
	c->done = done;
	c->data = data;
	xgrow(&h->calls, &h->cap_calls, h->n_calls + 1, sizeof(*h->calls));
	h->calls[h->n_calls++] = c;

	if (!str_has_prefix(c->url, "http://") && !str_has_prefix(c->url, "https://")) {
		red = url_redact(c->url);
		http_fail_later(c, "unsupported URL %.80s (only http and https)", red);
		free(red);
		return 0;
	}
	if (c->breaker) {
		int64_t now = now_ms();
		bool was_half = c->breaker->state != BREAKER_CLOSED;
		if (!http_breaker_allow(c->breaker, now)) {
			int64_t left = c->breaker->opened_at_ms + c->breaker->cooldown_ms - now;
			if (left < 1000)
				left = 1000;
			c->res.breaker_open = true;
			http_fail_later(c, "circuit open (retry in %llds)",
			                (long long)((left + 999) / 1000));
			return 0;
		}
		c->probe = was_half && c->breaker->state == BREAKER_HALF_OPEN;
	}
	http_start_attempt(c);
	return c->id;
}

void http_cancel(struct http *h, uint64_t id)
{
	size_t i;

	if (!h || !id)
		return;
	for (i = 0; i < h->n_calls; i++) {
		struct http_call *c = h->calls[i];
		if (c->id == id) {
			http_unlink(h, c);
			if (c->probe && c->breaker)
				c->breaker->probe_in_flight = false;
			http_call_free(c);
			return;
		}
	}
}

size_t http_pending(const struct http *h)
{
	return h ? h->n_calls : 0;
}

void http_wait_all(struct http *h, struct loop *l)
{
	while (http_pending(h) > 0)
		loop_run_once(l, 1000);
}
