/* alertmanager.c: the source for one Alertmanager HA cluster (API v2).
 * Alerts are not guaranteed to be on every peer, so refresh() asks every
 * peer at once and merges the answers with dedupe by fingerprint (each
 * answer is decoded as it arrives, core/alert_stream.h, and its unchanged
 * elements share the alerts of the last answer); silences
 * are shared through gossip, so they come from the first healthy peer, with
 * fail over to the next. Silence create/expire go to the first healthy peer
 * and fail over too. Each peer has its own circuit breaker. Every callback
 * (on_update, silence callbacks) runs from the loop after a network
 * completion, never inside the call that started the work. Free the source
 * before the http it uses (its in-flight requests are cancelled, without
 * callbacks). A silence create is not retried (not idempotent) but does fail
 * over to the next peer on a transport error or 5xx. This file has the
 * peers, refresh and the source's lifetime; silence create/expire and
 * check() are in alertmanager_ops.c, and alertmanager_int.h is what the two
 * share. */
#include "source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alert_stream.h"
#include "../core/text.h"
#include "alertmanager_int.h"

#define AM_CONNECT_MS 3000
#define AM_TIMEOUT_MS 10000
#define AM_MAX_BYTES ((size_t)64 << 20)
/* Silences are decoded from a kept body (not streamed like alerts): a
 * smaller cap bounds what a misbehaving server can make us hold. Thousands
 * of silences are a few MB. */
#define AM_SIL_MAX_BYTES ((size_t)16 << 20)
#define AM_RETRIES 1

/* ---- helpers ------------------------------------------------------------ */

char *am_url(const struct am_priv *p, size_t i, const char *path)
{
	const char *u = p->peers[i].url;
	size_t len = strlen(u);
	const char *pre = p->cluster->http.path_prefix ? p->cluster->http.path_prefix : "";
	size_t plen = strlen(pre);

	while (len > 0 && u[len - 1] == '/')
		len--;
	while (plen > 0 && pre[plen - 1] == '/')
		plen--;
	return xasprintf("%.*s%.*s%s", (int)len, u, (int)plen, pre, path);
}

/* Would a request to peer i pass its breaker now? (does not consume a probe) */
static bool am_peer_healthy(const struct am_peer *pe)
{
	const struct http_breaker *b = &pe->breaker;

	switch (b->state) {
	case BREAKER_CLOSED:
		return true;
	case BREAKER_OPEN:
		return now_ms() - b->opened_at_ms >= b->cooldown_ms;
	case BREAKER_HALF_OPEN:
		return !b->probe_in_flight;
	}
	return true;
}

/* The first healthy peer after index `after` (-1: from the start), or -1. */
long am_next_peer(const struct am_priv *p, long after)
{
	size_t i;

	for (i = (size_t)(after + 1); i < p->n; i++) {
		if (am_peer_healthy(&p->peers[i]))
			return (long)i;
	}
	return -1;
}

void am_req_init(struct http_req *r, const struct am_priv *p, struct am_peer *pe)
{
	memset(r, 0, sizeof(*r));
	r->opts = &p->cluster->http;
	r->breaker = pe ? &pe->breaker : NULL;
	r->connect_timeout_ms = AM_CONNECT_MS;
	r->timeout_ms = AM_TIMEOUT_MS;
	r->max_bytes = AM_MAX_BYTES;
	r->retries = AM_RETRIES;
}

/* Copy msg into dst (ERR_MAX) sanitized, one line, capped. */
void am_set_reason(char *dst, const char *msg)
{
	char *clean = text_sanitize(msg, strlen(msg), 0, ERR_MAX - 1);

	snprintf(dst, ERR_MAX, "%s", clean);
	free(clean);
}

/* "1/2 peers down: am-1:9094: connection refused; ..." into dst. */
void am_peers_down(char *dst, const struct am_priv *p, bool check)
{
	struct buf b = {0};
	size_t i, down = 0;

	for (i = 0; i < p->n; i++)
		down += !(check ? p->peers[i].check_ok : p->peers[i].ok);
	buf_printf(&b, "%zu/%zu peer%s down: ", down, p->n, p->n == 1 ? "" : "s");
	down = 0;
	for (i = 0; i < p->n; i++) {
		const struct am_peer *pe = &p->peers[i];
		if (check ? pe->check_ok : pe->ok)
			continue;
		buf_printf(&b, "%s%s: %s", down++ ? "; " : "", pe->name,
		           check ? pe->check_err : pe->err);
	}
	am_set_reason(dst, b.data);
	buf_free(&b);
}

/* "prefix: msg" into dst (ERR_MAX), sanitized and capped. */
void am_prefixed(char *dst, const char *prefix, const char *msg)
{
	char *m = xasprintf("%s: %s", prefix, msg);

	am_set_reason(dst, m);
	free(m);
}

/* Why a request to peer pe failed (res->err, which the caller may have
 * replaced with a decode error) into dst (ERR_MAX). A breaker that fails
 * fast must not hide why it opened, so real failures are remembered and a
 * fast failure reads "connection refused (circuit open, retry in 4s)". */
void am_peer_failed(struct am_peer *pe, const struct http_result *res, char *dst)
{
	const struct http_breaker *b = &pe->breaker;
	int64_t left;

	if (!res->breaker_open) {
		snprintf(pe->last_fail, sizeof(pe->last_fail), "%s", res->err);
		snprintf(dst, ERR_MAX, "%s", res->err);
		return;
	}
	if (!pe->last_fail[0]) {
		snprintf(dst, ERR_MAX, "%s", res->err);
		return;
	}
	if (b->state == BREAKER_OPEN) {
		left = b->opened_at_ms + b->cooldown_ms - now_ms();
		if (left < 1000)
			left = 1000;
		snprintf(dst, ERR_MAX, "%.200s (circuit open, retry in %llds)", pe->last_fail,
		         (long long)((left + 999) / 1000));
	} else {
		snprintf(dst, ERR_MAX, "%.200s (circuit open, probing)", pe->last_fail);
	}
}

void am_redacted_url(char *dst, size_t n, const char *url)
{
	char *r = url_redact(url);

	snprintf(dst, n, "%s", r ? r : "");
	free(r);
}

/* ---- refresh ------------------------------------------------------------ */

static void am_drop_answer(struct am_peer *pe)
{
	alert_stream_free(pe->st);
	pe->st = NULL;
}

static void am_drop_reuse(struct am_priv *p)
{
	alert_index_free(p->reuse);
	p->reuse = NULL;
}

/* The end of a refresh, once every answer is in and decoded (or found
 * unchanged): status, silences, on_update. p->merged holds the new alerts
 * when decoded is true. */
static void am_refresh_publish(struct am_priv *p, bool decoded)
{
	struct source *s = p->s;
	size_t i, n_ok = 0;
	int64_t latency = 0;
	long first_ok = -1;

	if (decoded)
		am_drop_reuse(p); /* before s->alerts goes */
	for (i = 0; i < p->n; i++) {
		struct am_peer *pe = &p->peers[i];

		if (pe->ok) {
			n_ok++;
			if (pe->latency_ms > latency)
				latency = pe->latency_ms;
			if (first_ok < 0)
				first_ok = (long)i;
		}
		am_drop_answer(pe);
	}

	s->status.reason[0] = '\0';
	s->status.degraded = false;
	if (n_ok > 0) {
		if (decoded) {
			alert_list_sort(&p->merged);
			alert_list_free(&s->alerts);
			s->alerts = p->merged;
			memset(&p->merged, 0, sizeof p->merged);
			s->generation++;
		}
		s->status.ok = true;
		s->status.stale = false;
		s->status.ever_ok = true;
		s->status.last_ok = wall_now();
		s->status.latency_ms = latency;
		am_redacted_url(s->status.active_url, sizeof(s->status.active_url),
		                p->peers[first_ok].url);
		if (n_ok < p->n) {
			s->status.degraded = true;
			am_peers_down(s->status.reason, p, false);
		}
	} else {
		p->have_sig = false;
		s->status.ok = false;
		s->status.stale = true;
		am_set_reason(s->status.reason, p->n ? p->peers[0].err : "no peers");
	}
	alert_list_free(&p->merged);

	if (p->sil_ok) {
		uint64_t h = p->sil_body_hash;
		struct silence_list sl = {0};
		char err[ERR_MAX] = "";

		if (p->have_sil_hash && h == p->sil_hash) {
			/* the same answer as last time: nothing to decode */
		} else if (silence_list_from_json(p->sil_body, p->sil_len, s->name, &sl, err) == 0) {
			silence_list_free(&s->silences);
			s->silences = sl;
			s->generation++;
			p->sil_hash = h;
			p->have_sil_hash = true;
		} else {
			silence_list_free(&sl);
			p->sil_ok = false;
			p->have_sil_hash = false;
			snprintf(p->sil_err, sizeof(p->sil_err), "%s", err);
		}
	}
	if (!p->sil_ok && n_ok > 0 && !s->status.degraded) {
		s->status.degraded = true;
		am_prefixed(s->status.reason, "silences", p->sil_err);
	}
	free(p->sil_body);
	p->sil_body = NULL;
	p->sil_len = 0;

	p->refreshing = false;
	s->status.fetching = false;
	if (p->refresh_again) {
		p->refresh_again = false;
		am_refresh(s);
	}
	if (s->on_update)
		s->on_update(s, s->update_data); /* last: it may free s */
}

/* Every answer is in (and decoded). The same alerts from the same peers as
 * the last good refresh: nothing to merge or sort; only the status moves. */
static void am_refresh_finish(struct am_priv *p)
{
	uint64_t sig = 14695981039346656037ULL;
	size_t i, n_ok = 0;

	for (i = 0; i < p->n; i++) {
		struct am_peer *pe = &p->peers[i];

		if (!pe->ok)
			continue;
		n_ok++;
		sig = (sig ^ i) * 1099511628211ULL;
		sig = (sig ^ pe->hash) * 1099511628211ULL;
	}
	if (n_ok > 0 && p->have_sig && sig == p->sig) {
		am_refresh_publish(p, false);
		return;
	}
	p->sig = sig;
	p->have_sig = n_ok > 0;
	alert_list_free(&p->merged);
	for (i = 0; i < p->n; i++) {
		struct am_peer *pe = &p->peers[i];
		struct alert_list got = {0};

		if (!pe->ok)
			continue;
		alert_stream_take(pe->st, &got, NULL);
		alert_list_merge_take(&p->merged, &got);
		alert_list_free(&got);
	}
	am_refresh_publish(p, true);
}

static void am_refresh_maybe_done(struct am_priv *p)
{
	if (p->refreshing && p->alerts_pending == 0 && !p->sil_pending)
		am_refresh_finish(p);
}

static void am_on_alerts(struct http_result *res, void *data)
{
	struct am_peer *pe = data;
	struct am_priv *p = pe->p;

	pe->req = 0;
	pe->ok = res->ok;
	if (res->ok) {
		pe->err[0] = '\0';
		if (alert_stream_end(pe->st, pe->err) == 0) {
			pe->hash = alert_stream_sig(pe->st);
		} else {
			pe->ok = false;
			p->have_sig = false; /* decode again next time: the error shows */
		}
	}
	if (!res->ok)
		am_peer_failed(pe, res, pe->err);
	if (!pe->ok)
		am_drop_answer(pe);
	pe->latency_ms = res->elapsed_ms;
	p->alerts_pending--;
	am_refresh_maybe_done(p);
}

/* A piece of a peer's alerts answer (NULL: a retry starts it over). */
static void am_on_alerts_data(const char *buf, size_t n, void *data)
{
	struct am_peer *pe = data;

	if (buf)
		alert_stream_feed(pe->st, buf, n);
	else
		alert_stream_reset(pe->st);
}

static void am_on_silences(struct http_result *res, void *data);

static void am_silences_start(struct am_priv *p, size_t i)
{
	struct http_req r;
	char *url = am_url(p, i, "/api/v2/silences");

	p->sil_peer = i;
	p->sil_pending = true;
	am_req_init(&r, p, &p->peers[i]);
	r.url = url;
	r.max_bytes = AM_SIL_MAX_BYTES;
	p->sil_req = http_request(p->http, &r, am_on_silences, p);
	free(url);
}

static void am_on_silences(struct http_result *res, void *data)
{
	struct am_priv *p = data;
	struct silence_list probe = {0};
	char err[ERR_MAX] = "", why[ERR_MAX];
	long next;

	p->sil_req = 0;
	if (res->ok && !(p->have_sil_hash && res->hash == p->sil_hash) &&
	    silence_list_from_json(res->body, res->len, p->s->name, &probe, err) < 0) {
		res->ok = false;
		snprintf(res->err, sizeof(res->err), "%s", err);
	}
	silence_list_free(&probe);
	if (res->ok) {
		p->sil_ok = true;
		free(p->sil_body);
		p->sil_body = res->body;
		p->sil_len = res->len;
		p->sil_body_hash = res->hash;
		res->body = NULL;
	} else {
		am_peer_failed(&p->peers[p->sil_peer], res, why);
		am_prefixed(p->sil_err, p->peers[p->sil_peer].name, why);
		next = am_next_peer(p, (long)p->sil_peer);
		if (next >= 0) {
			am_silences_start(p, (size_t)next);
			return;
		}
	}
	p->sil_pending = false;
	am_refresh_maybe_done(p);
}

void am_on_nopeer(struct loop *l, void *data)
{
	struct source *s = data;
	struct am_priv *p = s->priv;

	(void)l;
	p->nopeer_timer = 0;
	p->refreshing = false;
	p->check_pending = 0;
	s->status.fetching = false;
	s->status.ok = false;
	s->status.stale = true;
	am_set_reason(s->status.reason, "no Alertmanager URL configured");
	if (s->on_update)
		s->on_update(s, s->update_data);
}

void am_refresh(struct source *s)
{
	struct am_priv *p = s->priv;
	struct http_req r;
	size_t i;
	long sp;

	if (p->refreshing)
		return;
	p->refreshing = true;
	s->status.fetching = true;
	if (p->n == 0) {
		if (!p->nopeer_timer)
			p->nopeer_timer = loop_add_timer(p->loop, 0, am_on_nopeer, s);
		return;
	}
	p->sil_ok = false;
	p->sil_err[0] = '\0';
	p->alerts_pending = p->n;
	/* the index of the alerts shown, made once per answer that changed them */
	if (p->reuse && (p->reuse_v != s->alerts.v || p->reuse_n != s->alerts.n))
		am_drop_reuse(p);
	if (!p->reuse && s->alerts.n) {
		p->reuse = alert_index_new(&s->alerts);
		p->reuse_v = s->alerts.v;
		p->reuse_n = s->alerts.n;
	}
	for (i = 0; i < p->n; i++) {
		struct am_peer *pe = &p->peers[i];
		char *url = am_url(p, i, "/api/v2/alerts");
		pe->ok = false;
		pe->err[0] = '\0';
		am_drop_answer(pe);
		pe->st = alert_stream_new(s->name, p->reuse);
		am_req_init(&r, p, pe);
		r.url = url;
		r.sink = am_on_alerts_data;
		r.sink_data = pe;
		pe->req = http_request(p->http, &r, am_on_alerts, pe);
		free(url);
	}
	/* Silences: prefer a peer whose breaker is fully closed (the alerts
	 * request may hold a half-open peer's only probe). */
	sp = -1;
	for (i = 0; i < p->n && sp < 0; i++) {
		if (p->peers[i].breaker.state == BREAKER_CLOSED)
			sp = (long)i;
	}
	if (sp < 0)
		sp = 0;
	am_silences_start(p, (size_t)sp);
}

/* ---- lifetime ----------------------------------------------------------- */

static void am_free(struct source *s)
{
	struct am_priv *p = s->priv;
	struct am_op *op, *next;
	size_t i;

	if (!p)
		return;
	for (op = p->ops; op; op = next) {
		next = op->next;
		am_op_free(op);
	}
	for (i = 0; i < p->n; i++) {
		http_cancel(p->http, p->peers[i].req);
		http_cancel(p->http, p->peers[i].check_req);
		am_drop_answer(&p->peers[i]);
		free(p->peers[i].name);
	}
	http_cancel(p->http, p->sil_req);
	alert_list_free(&p->merged);
	am_drop_reuse(p);
	if (p->nopeer_timer)
		loop_del_timer(p->loop, p->nopeer_timer);
	free(p->sil_body);
	free(p->peers);
	free(p);
	s->priv = NULL;
}

static const struct source_ops am_ops = {
	.kind = "alertmanager",
	.refresh = am_refresh,
	.silence_create = am_silence_create,
	.silence_expire = am_silence_expire,
	.check = am_check,
	.free = am_free,
};

struct source *alertmanager_source_new(struct loop *l, struct http *h,
                                       const struct am_cluster *cluster)
{
	struct source *s = xcalloc(1, sizeof(*s));
	struct am_priv *p = xcalloc(1, sizeof(*p));
	size_t i;

	s->ops = &am_ops;
	s->name = xstrdup(cluster->name ? cluster->name
	                                : (cluster->n_urls ? cluster->urls[0] : "alertmanager"));
	s->priv = p;
	p->s = s;
	p->loop = l;
	p->http = h;
	p->cluster = cluster;
	p->n = cluster->n_urls;
	p->peers = xcalloc(p->n ? p->n : 1, sizeof(*p->peers));
	for (i = 0; i < p->n; i++) {
		struct am_peer *pe = &p->peers[i];
		pe->p = p;
		pe->url = cluster->urls[i];
		pe->name = url_display_name(pe->url);
		if (!pe->name)
			pe->name = xstrdup("?");
		http_breaker_init(&pe->breaker);
	}
	if (p->n)
		am_redacted_url(s->status.active_url, sizeof(s->status.active_url),
		                cluster->urls[0]);
	return s;
}
