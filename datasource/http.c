/* http.c: HTTP requests over libcurl's multi interface, driven by the loop.
 * curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION ->
 * loop_add_fd/loop_del_fd) and when to wake (CURLMOPT_TIMERFUNCTION -> one
 * loop timer); the loop hands readiness back through
 * curl_multi_socket_action, and finished transfers are collected with
 * curl_multi_info_read. Each request is a `struct http_call` (its easy
 * handle's CURLINFO_PRIVATE), with its own error buffer, response buffer,
 * retry/backoff state and borrowed circuit breaker (http_breaker.c); the
 * body's hash is taken as it arrives (http_hash.c). Errors are phrased for
 * people ("connection refused"), never carry secrets, and URLs in them go
 * through url_redact. Auth headers are resolved in http_auth.c. */
#include "http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/text.h"
#include "http_hash.h"

#define HTTP_DEF_CONNECT_MS 5000
#define HTTP_DEF_TIMEOUT_MS 15000
#define HTTP_DEF_MAX_BYTES ((size_t)64 << 20)
#define HTTP_DEF_BACKOFF_MS 250
#define HTTP_MAX_BACKOFF_MS 30000
/* libcurl's receive buffer. libcurl reads a ready socket up to 100 times
 * within one call (while more is pending), so this bounds the bytes one
 * loop callback can copy: with the default 16 KiB a fast peer streaming a
 * big body (200 MB on loopback) held the loop for 100-300 ms of copying
 * and page faults while a key waited; 4 KiB keeps it to ~400 KB a call.
 * (Pausing the transfer past a per-round budget did the same, but once
 * in a full run a 64 MiB body that the server ended by closing came back
 * complete and 4 KB short, and libcurl 7.88 has known pause bugs of that
 * shape; a smaller buffer needs no pausing at all.) */
#define HTTP_RECV_BUFFER 4096L
/* For a process with no screen to keep answering (http_one_shot): fewer,
 * bigger reads. A 43 MB answer in 4 KiB reads was ~10k recv() calls and as
 * many write callbacks, each a trap into the hypervisor on the virtual
 * machines pagetty is benchmarked on. */
#define HTTP_RECV_BUFFER_ONE_SHOT (64L << 10)

struct http_call {
	uint64_t id;
	struct http *h;               /* borrowed: the owner */
	CURL *easy;                   /* owned; NULL between attempts */
	struct curl_slist *headers;   /* owned; NULL between attempts */
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
	CURLM *multi;                 /* owned */
	uint64_t timer;               /* loop timer for curl's timeout, 0 none */
	uint64_t next_id;
	struct http_call **calls;     /* owned array of owned calls */
	size_t n_calls, cap_calls;
	int *socks;                   /* fds registered with the loop */
	size_t n_socks, cap_socks;
	uint64_t rng;
	long recv_buffer;             /* libcurl's CURLOPT_BUFFERSIZE */
};

static void http_start_attempt(struct http_call *c);
static void http_finish(struct http_call *c);

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

/* First `max` bytes of untrusted text, as one sanitized line. Malloced. */
static char *http_one_line(const char *s, size_t len, size_t max)
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
	out = text_sanitize(b.data ? b.data : "", b.len, 0, 0);
	buf_free(&b);
	return out;
}

/* ---- bookkeeping -------------------------------------------------------- */

static void http_call_free(struct http_call *c)
{
	if (c->easy) {
		curl_multi_remove_handle(c->h->multi, c->easy);
		curl_easy_cleanup(c->easy);
	}
	curl_slist_free_all(c->headers);
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

static bool http_is_call(struct http *h, struct http_call *c)
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

/* ---- curl <-> loop ------------------------------------------------------ */

/* curl's codes in plain words; detail: append curl's own message. */
static const struct {
	CURLcode code;
	const char *msg;
	bool detail;
} http_errs[] = {
	{ CURLE_COULDNT_RESOLVE_HOST, "could not resolve host", false },
	{ CURLE_COULDNT_RESOLVE_PROXY, "could not resolve proxy", false },
	{ CURLE_PEER_FAILED_VERIFICATION, "TLS: certificate verify failed", true },
	{ CURLE_SSL_CONNECT_ERROR, "TLS: handshake failed", true },
	{ CURLE_SSL_CACERT_BADFILE, "TLS: cannot use the CA file", true },
	{ CURLE_SSL_CERTPROBLEM, "TLS: client certificate problem", true },
	{ CURLE_UNSUPPORTED_PROTOCOL, "unsupported protocol (only http and https)", false },
	{ CURLE_URL_MALFORMAT, "malformed URL", false },
	{ CURLE_GOT_NOTHING, "empty reply from server", false },
	{ CURLE_TOO_MANY_REDIRECTS, "too many redirects", false },
	{ CURLE_SEND_ERROR, "connection reset while sending", false },
	{ CURLE_RECV_ERROR, "connection reset while receiving", false },
};

/* The error of a failed transfer into c->res.err, sanitized (curl's own
 * message can quote what the server sent, e.g. a certificate subject). */
static void http_transfer_err(struct http_call *c, CURLcode code, long oserr)
{
	char tmp[ERR_MAX], num[32], *clean;
	size_t i;

	tmp[0] = '\0';
	if (code == CURLE_COULDNT_CONNECT) {
		if (oserr == ECONNREFUSED || strstr(c->errbuf, "refused"))
			errf(tmp, "connection refused");
		else if (oserr)
			errf(tmp, "could not connect: %s", strerror((int)oserr));
		else
			errf(tmp, "could not connect");
	} else if (code == CURLE_OPERATION_TIMEDOUT) {
		bool conn = strstr(c->errbuf, "onnect") != NULL;
		http_fmt_ms(num, sizeof(num), conn ? c->connect_timeout_ms : c->timeout_ms);
		errf(tmp, "%stimed out after %s", conn ? "connect " : "", num);
	} else if (c->too_big || code == CURLE_FILESIZE_EXCEEDED) {
		c->too_big = true;
		http_fmt_size(num, sizeof(num), c->max_bytes);
		errf(tmp, "response larger than %s", num);
	} else {
		for (i = 0; i < ARRAY_LEN(http_errs) && !tmp[0]; i++) {
			if (http_errs[i].code != code)
				continue;
			if (http_errs[i].detail && c->errbuf[0])
				errf(tmp, "%s (%.160s)", http_errs[i].msg, c->errbuf);
			else
				errf(tmp, "%s", http_errs[i].msg);
		}
		if (!tmp[0])
			errf(tmp, "%s", curl_easy_strerror(code));
	}
	clean = text_sanitize(tmp, strlen(tmp), 0, ERR_MAX - 1);
	snprintf(c->res.err, sizeof(c->res.err), "%s", clean);
	free(clean);
}

static void http_check_done(struct http *h)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left))) {
		struct http_call *c;
		CURL *e = m->easy_handle;
		CURLcode code = m->data.result;
		char *p = NULL, *ct = NULL;
		long oserr = 0;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, &p);
		c = (struct http_call *)p;
		if (!c || !http_is_call(h, c) || c->easy != e) {
			curl_multi_remove_handle(h->multi, e);
			continue;
		}
		c->res.status = 0;
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &c->res.status);
		curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &oserr);
		curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct);
		free(c->res.content_type);
		c->res.content_type = ct ? xstrdup(ct) : NULL;
		/* m is invalid once the handle is removed: code is saved above */
		curl_multi_remove_handle(h->multi, e);
		curl_easy_cleanup(e);
		c->easy = NULL;
		curl_slist_free_all(c->headers);
		c->headers = NULL;
		c->res.ok = code == CURLE_OK;
		c->res.err[0] = '\0';
		if (code != CURLE_OK)
			http_transfer_err(c, code, oserr);
		http_finish(c);
	}
}

static void http_on_socket_ready(struct loop *l, int fd, int events, void *data)
{
	struct http *h = data;
	int flags = 0, running = 0;

	(void)l;

	if (events & LOOP_READ)
		flags |= CURL_CSELECT_IN;
	if (events & LOOP_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(h->multi, fd, flags, &running);
	http_check_done(h);
}

static void http_on_curl_timer(struct loop *l, void *data)
{
	struct http *h = data;
	int running = 0;

	(void)l;
	h->timer = 0;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check_done(h);
}

static void http_sock_forget(struct http *h, int fd)
{
	size_t i;

	for (i = 0; i < h->n_socks; i++) {
		if (h->socks[i] == fd) {
			h->socks[i] = h->socks[--h->n_socks];
			return;
		}
	}
}

static int http_socket_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct http *h = userp;
	int ev = 0;
	size_t i;

	(void)e;
	(void)socketp;
	if (what == CURL_POLL_REMOVE) {
		loop_del_fd(h->loop, s);
		http_sock_forget(h, s);
		return 0;
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		ev |= LOOP_READ;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		ev |= LOOP_WRITE;
	if (loop_add_fd(h->loop, s, ev, http_on_socket_ready, h) < 0)
		return -1;
	for (i = 0; i < h->n_socks; i++) {
		if (h->socks[i] == s)
			return 0;
	}
	xgrow(&h->socks, &h->cap_socks, h->n_socks + 1, sizeof(*h->socks));
	h->socks[h->n_socks++] = s;
	return 0;
}

static int http_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http *h = userp;

	(void)multi;
	if (h->timer) {
		loop_del_timer(h->loop, h->timer);
		h->timer = 0;
	}
	if (timeout_ms >= 0)
		h->timer = loop_add_timer(h->loop, timeout_ms, http_on_curl_timer, h);
	return 0;
}

static size_t http_write_cb(char *ptr, size_t size, size_t nmemb, void *userp)
{
	struct http_call *c = userp;
	size_t n = size * nmemb;

	if (n > c->max_bytes || c->got > c->max_bytes - n) {
		c->too_big = true;
		return 0; /* CURLE_WRITE_ERROR aborts the transfer */
	}
	c->got += n;
	if (c->sink) {
		long code = 0;
		curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &code);
		if (code >= 200 && code <= 299) {
			c->sink(ptr, n, c->sink_data);
			return n;
		}
	}
	buf_append(&c->resp, ptr, n);
	http_hash_update(&c->hasher, ptr, n);
	return n;
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
static void http_fail_later(struct http_call *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void http_fail_later(struct http_call *c, const char *fmt, ...)
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

/* One attempt ended (c->res.ok/status/err set, easy handle gone). */
static void http_finish(struct http_call *c)
{
	struct http *h = c->h;
	char *line;

	if (c->res.ok && (c->res.status < 200 || c->res.status > 299)) {
		c->res.ok = false;
		line = http_one_line(c->resp.data ? c->resp.data : "", c->resp.len, 120);
		if (*line)
			errf(c->res.err, "HTTP %ld: %s", c->res.status, line);
		else
			errf(c->res.err, "HTTP %ld", c->res.status);
		free(line);
	}
	if (!c->res.ok && c->retries_left > 0 && http_retryable(c)) {
		int64_t wait = http_jitter(h, c->backoff_ms);
		c->retries_left--;
		c->backoff_ms *= 2;
		if (c->backoff_ms > HTTP_MAX_BACKOFF_MS)
			c->backoff_ms = HTTP_MAX_BACKOFF_MS;
		buf_reset(&c->resp);
		http_hash_init(&c->hasher);
		c->too_big = false;
		c->timer = loop_add_timer(h->loop, wait, http_on_backoff, c);
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

static struct curl_slist *http_headers(struct http_call *c, char err[ERR_MAX])
{
	struct curl_slist *sl = NULL, *n;
	char *auth, *line;
	size_t i;

	sl = curl_slist_append(sl, "Accept: application/json");
	if (c->body)
		sl = curl_slist_append(sl, "Content-Type: application/json");
	if (c->opts) {
		for (i = 0; i < c->opts->headers.n; i++) {
			const struct kv *kv = &c->opts->headers.v[i];
			if (!*kv->name || strpbrk(kv->name, ":\r\n \t") || strpbrk(kv->value, "\r\n")) {
				errf(err, "header %.60s: invalid name or value", kv->name);
				goto fail;
			}
			line = *kv->value ? xasprintf("%s: %s", kv->name, kv->value)
			                  : xasprintf("%s;", kv->name);
			n = curl_slist_append(sl, line);
			free(line);
			if (!n)
				goto oom;
			sl = n;
		}
		auth = http_auth_header(c->opts, err);
		if (!auth && err[0])
			goto fail;
		if (auth) {
			line = xasprintf("Authorization: %s", auth);
			n = curl_slist_append(sl, line);
			explicit_bzero(line, strlen(line));
			explicit_bzero(auth, strlen(auth));
			free(line);
			free(auth);
			if (!n)
				goto oom;
			sl = n;
		}
	}
	if (!sl)
		goto oom;
	return sl;
oom:
	errf(err, "out of memory building headers");
fail:
	curl_slist_free_all(sl);
	return NULL;
}

static void http_start_attempt(struct http_call *c)
{
	struct http *h = c->h;
	const struct http_opts *o = c->opts;
	char err[ERR_MAX] = "";
	CURL *e;

	c->headers = http_headers(c, err);
	if (!c->headers) {
		http_fail_later(c, "%s", err);
		return;
	}
	e = curl_easy_init();
	if (!e) {
		http_fail_later(c, "could not start a transfer");
		return;
	}
	c->easy = e;
	c->errbuf[0] = '\0';
	if (c->sink && c->attempts > 0)
		c->sink(NULL, 0, c->sink_data); /* the body starts over */
	c->attempts++;
	c->got = 0;
	buf_reset(&c->resp);
	http_hash_init(&c->hasher);
	c->too_big = false;
	curl_easy_setopt(e, CURLOPT_URL, c->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)c);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, h->recv_buffer);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_bytes);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "pagetty");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);
	if (c->body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(c->body));
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body);
	}
	if (strcmp(c->method, "GET") != 0 && strcmp(c->method, "POST") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, c->method);
	else if (strcmp(c->method, "POST") == 0 && !c->body)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
	if (o) {
		if (o->ca_file)
			curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
		if (o->cert_file)
			curl_easy_setopt(e, CURLOPT_SSLCERT, o->cert_file);
		if (o->key_file)
			curl_easy_setopt(e, CURLOPT_SSLKEY, o->key_file);
		if (o->insecure_skip_verify) {
			curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
		}
	}
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		c->easy = NULL;
		curl_slist_free_all(c->headers);
		c->headers = NULL;
		http_fail_later(c, "could not start a transfer");
	}
}

void http_one_shot(struct http *h)
{
	h->recv_buffer = HTTP_RECV_BUFFER_ONE_SHOT;
}

struct http *http_new(struct loop *l)
{
	struct http *h = xcalloc(1, sizeof(*h));
	static bool global_done;

	if (!global_done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global_done = true;
	}
	h->loop = l;
	h->next_id = 1;
	h->recv_buffer = HTTP_RECV_BUFFER;
	h->rng = (uint64_t)now_ms() * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid();
	if (!h->rng)
		h->rng = 88172645463325252ull;
	h->multi = curl_multi_init();
	if (!h->multi) {
		fprintf(stderr, "pagetty: curl_multi_init failed\n");
		abort();
	}
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return h;
}

void http_free(struct http *h)
{
	size_t i;

	if (!h)
		return;
	while (h->n_calls > 0) {
		struct http_call *c = h->calls[--h->n_calls];
		http_call_free(c);
	}
	curl_multi_cleanup(h->multi);
	for (i = 0; i < h->n_socks; i++)
		loop_del_fd(h->loop, h->socks[i]);
	if (h->timer)
		loop_del_timer(h->loop, h->timer);
	free(h->calls);
	free(h->socks);
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
