/* prometheus.c: instant and range queries against one Prometheus-compatible
 * endpoint. Each query is a call in a list owned by the source; http.h does
 * the I/O (timeouts, size cap, retries on transport errors and 5xx/429,
 * the endpoint's breaker) and calls back from the loop; the body is decoded
 * by promql_decode and handed to the caller. A query that cannot start is
 * failed from a zero-delay timer so callbacks never run re-entrantly. */
#include "prometheus.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"

struct prom_call {
	struct prom *p;               /* borrowed: the owner */
	uint64_t id;                  /* ours, > 0 */
	uint64_t req;                 /* http request id, 0 when none */
	uint64_t timer;               /* deferred failure, 0 when none */
	char *url;                    /* owned */
	char err[ERR_MAX];            /* deferred failure message */
	prom_done_fn done;            /* NULL once disowned */
	void *data;                   /* borrowed: done's argument */
	bool orphan;                  /* http will call back but cannot be cancelled */
	struct prom_call *next;       /* owned chain */
};

struct prom {
	struct loop *loop;            /* borrowed */
	struct http *http;            /* borrowed */
	const struct prom_source *src;/* borrowed */
	char *name;                   /* owned */
	struct http_breaker breaker;
	struct prom_status status;
	struct prom_call *calls;      /* owned list */
	uint64_t next_id;
};

struct prom *prom_new(struct loop *l, struct http *h, const struct prom_source *src)
{
	struct prom *p = xcalloc(1, sizeof(*p));
	char *red = url_redact(src->url ? src->url : "");

	p->loop = l;
	p->http = h;
	p->src = src;
	p->name = src->name ? xstrdup(src->name) : url_display_name(src->url ? src->url : "");
	if (!p->name)
		p->name = xstrdup("prometheus");
	http_breaker_init(&p->breaker);
	snprintf(p->status.url, sizeof(p->status.url), "%s", red ? red : "");
	free(red);
	return p;
}

static void prom_call_free(struct prom_call *c)
{
	free(c->url);
	free(c);
}

/* Unlink c from its owner's list (it must be there). */
static void prom_unlink(struct prom *p, struct prom_call *c)
{
	struct prom_call **pp;

	for (pp = &p->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			return;
		}
	}
}

void prom_free(struct prom *p)
{
	struct prom_call *c, *next;

	if (!p)
		return;
	for (c = p->calls; c; c = next) {
		next = c->next;
		if (c->orphan) {
			/* freed by prom_on_http (or lost with http_free) */
			c->p = NULL;
			c->done = NULL;
			c->next = NULL;
			continue;
		}
		if (c->req)
			http_cancel(p->http, c->req);
		if (c->timer)
			loop_del_timer(p->loop, c->timer);
		prom_call_free(c);
	}
	free(p->name);
	free(p);
}

const char *prom_name(const struct prom *p)
{
	return p->name;
}

const struct prom_status *prom_status(const struct prom *p)
{
	return &p->status;
}

size_t prom_pending(const struct prom *p)
{
	const struct prom_call *c;
	size_t n = 0;

	for (c = p->calls; c; c = c->next)
		n++;
	return n;
}

char *prom_urlencode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = {0};
	const unsigned char *q;

	for (q = (const unsigned char *)(s ? s : ""); *q; q++) {
		if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		    (*q >= '0' && *q <= '9') || *q == '-' || *q == '_' || *q == '.' || *q == '~') {
			buf_putc(&b, (char)*q);
		} else {
			char e[3] = { '%', hex[*q >> 4], hex[*q & 15] };
			buf_append(&b, e, 3);
		}
	}
	return buf_steal(&b);
}

char *prom_query_url(const struct prom *p, const char *path, const char *params)
{
	const char *u = p->src->url ? p->src->url : "";
	const char *pre = p->src->http.path_prefix ? p->src->http.path_prefix : "";
	size_t len = strlen(u), plen = strlen(pre);

	while (len > 0 && u[len - 1] == '/')
		len--;
	while (plen > 0 && pre[plen - 1] == '/')
		plen--;
	return xasprintf("%.*s%s%.*s%s%s%s", (int)len, u, plen && pre[0] != '/' ? "/" : "",
	                 (int)plen, pre, path, params && *params ? "?" : "", params ? params : "");
}

/* Record how the endpoint answered. */
static void prom_note(struct prom *p, bool reached, const char *why, int64_t latency)
{
	struct prom_status *st = &p->status;

	st->ok = reached;
	st->stale = !reached;
	if (reached) {
		st->ever_ok = true;
		st->last_ok = wall_now();
		st->latency_ms = latency;
		st->reason[0] = '\0';
	} else {
		char *clean = text_sanitize(why, strlen(why), 0, ERR_MAX - 1);
		snprintf(st->reason, sizeof(st->reason), "%s", clean);
		free(clean);
	}
}

/* Hand the answer to the caller; the call is gone afterwards. */
static void prom_finish(struct prom_call *c, struct prom_answer *a)
{
	struct prom *p = c->p;
	prom_done_fn done = c->done;
	void *data = c->data;

	prom_unlink(p, c);
	prom_call_free(c);
	done(p, a, data);
	promql_result_free(&a->result);
}

static void prom_on_http(struct http_result *res, void *data)
{
	struct prom_call *c = data;
	struct prom_answer a;
	int rc;

	memset(&a, 0, sizeof(a));
	c->req = 0;
	if (!c->p || !c->done) { /* disowned orphan */
		if (c->p)
			prom_unlink(c->p, c);
		prom_call_free(c);
		return;
	}
	a.status = res->status;
	a.latency_ms = res->elapsed_ms;
	if (res->status == 0) {
		/* transport error, size cap, circuit open: nothing decoded */
		snprintf(a.err, sizeof(a.err), "%s", res->err);
		prom_note(c->p, false, res->err, 0);
		prom_finish(c, &a);
		return;
	}
	rc = promql_decode(res->body, res->len, res->status, &a.result, a.err);
	a.ok = rc == 0 && res->ok;
	/* A JSON answer (success or a Prometheus error) means the query API
	 * answered; a proxy's 502 page or a 404 from a wrong prefix does not. */
	a.reached = rc == 0 || a.result.error_type != NULL;
	if (rc == 0 && !res->ok)
		snprintf(a.err, sizeof(a.err), "%s", res->err);
	prom_note(c->p, a.reached, a.err, res->elapsed_ms);
	prom_finish(c, &a);
}

static void prom_on_timer(struct loop *l, void *data)
{
	struct prom_call *c = data;
	struct prom_answer a;

	(void)l;
	c->timer = 0;
	memset(&a, 0, sizeof(a));
	snprintf(a.err, sizeof(a.err), "%s", c->err);
	prom_finish(c, &a);
}

/* Would the breaker refuse now? Fill err like http does, without taking
 * the half-open probe (http_request takes it). Requests that fail here
 * never reach http_request, which could not be cancelled then. */
static void prom_breaker_check(const struct prom *p, char err[ERR_MAX])
{
	const struct http_breaker *b = &p->breaker;
	int64_t now = now_ms(), left;

	if (b->state == BREAKER_OPEN && now - b->opened_at_ms < b->cooldown_ms) {
		left = b->opened_at_ms + b->cooldown_ms - now;
		errf(err, "circuit open (retry in %llds)", (long long)((left + 999) / 1000));
	} else if (b->state == BREAKER_HALF_OPEN && b->probe_in_flight) {
		errf(err, "circuit open (probing)");
	}
}

static uint64_t prom_start(struct prom *p, const char *expr, char *params, prom_done_fn done,
                           void *data)
{
	struct prom_call *c = xcalloc(1, sizeof(*c));
	struct http_req r;

	c->p = p;
	c->id = ++p->next_id;
	c->done = done;
	c->data = data;
	c->next = p->calls;
	p->calls = c;
	c->url = prom_query_url(p, params ? params : "", NULL);
	free(params);
	if (!expr || !*expr)
		errf(c->err, "empty query");
	else if (strlen(c->url) > PROM_URL_MAX)
		errf(c->err, "query too long (%zu bytes of URL, at most %d)", strlen(c->url),
		     PROM_URL_MAX);
	else if (!str_has_prefix(c->url, "http://") && !str_has_prefix(c->url, "https://"))
		errf(c->err, "unsupported URL %.80s (only http and https)", p->status.url);
	else
		prom_breaker_check(p, c->err);
	if (c->err[0]) {
		c->timer = loop_add_timer(p->loop, 0, prom_on_timer, c);
		return c->id;
	}
	memset(&r, 0, sizeof(r));
	r.url = c->url;
	r.opts = &p->src->http;
	r.breaker = &p->breaker;
	r.connect_timeout_ms = PROM_CONNECT_MS;
	r.timeout_ms = PROM_TIMEOUT_MS;
	r.max_bytes = PROM_MAX_BYTES;
	r.retries = PROM_RETRIES;
	c->req = http_request(p->http, &r, prom_on_http, c);
	/* It could not start (the checks above should have said why): http
	 * will still call back, with no id to cancel by, so the call stays
	 * until then as an orphan that cancel and free only disown. */
	c->orphan = c->req == 0;
	return c->id;
}

/* A time or step in seconds as Prometheus takes it ("%.3f"). */
static void prom_time(char *out, size_t n, double t)
{
	snprintf(out, n, "%.3f", t);
}

uint64_t prom_query(struct prom *p, const char *expr, double at, prom_done_fn done, void *data)
{
	char *q = prom_urlencode(expr), ts[48] = "", *params;

	if (at > 0 && isfinite(at)) {
		char t[40];
		prom_time(t, sizeof(t), at);
		snprintf(ts, sizeof(ts), "&time=%s", t);
	}
	params = xasprintf("/api/v1/query?query=%s%s&timeout=%ds", q, ts, PROM_TIMEOUT_MS / 1000 - 1);
	free(q);
	return prom_start(p, expr, params, done, data);
}

uint64_t prom_query_range(struct prom *p, const char *expr, double start, double end,
                          double step, prom_done_fn done, void *data)
{
	char *q = prom_urlencode(expr), s[40], e[40], st[40], *params;

	if (!(step > 0) || !isfinite(start) || !isfinite(end) || end < start) {
		struct prom_call *c;
		uint64_t id = prom_start(p, "", NULL, done, data);
		for (c = p->calls; c && c->id != id; c = c->next)
			;
		if (c)
			errf(c->err, "invalid range (start %.0f, end %.0f, step %g)", start, end, step);
		free(q);
		return id;
	}
	prom_time(s, sizeof(s), start);
	prom_time(e, sizeof(e), end);
	prom_time(st, sizeof(st), step);
	params = xasprintf("/api/v1/query_range?query=%s&start=%s&end=%s&step=%s&timeout=%ds",
	                   q, s, e, st, PROM_TIMEOUT_MS / 1000 - 1);
	free(q);
	return prom_start(p, expr, params, done, data);
}

void prom_cancel(struct prom *p, uint64_t id)
{
	struct prom_call *c;

	for (c = p->calls; c; c = c->next) {
		if (c->id != id)
			continue;
		if (c->orphan) {
			c->done = NULL;
			return;
		}
		if (c->req)
			http_cancel(p->http, c->req);
		if (c->timer)
			loop_del_timer(p->loop, c->timer);
		prom_unlink(p, c);
		prom_call_free(c);
		return;
	}
}
