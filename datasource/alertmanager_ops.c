/* alertmanager_ops.c: the Alertmanager source's silence create/expire and
 * check(). A create or expire goes to the first healthy peer and fails over
 * to the next on a transport error or 5xx (a 4xx is the server refusing:
 * another peer would too); a create is not retried (not idempotent). check()
 * asks every peer's /api/v2/status at once, without the breakers. Callbacks
 * run from the loop, never inside the call that started the work. The peers,
 * refresh and lifetime are in alertmanager.c. */
#include "source.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "alertmanager_int.h"

/* ---- silence create / expire ------------------------------------------- */

void am_op_free(struct am_op *op)
{
	if (op->req)
		http_cancel(op->p->http, op->req);
	if (op->timer)
		loop_del_timer(op->p->loop, op->timer);
	free(op->body);
	free(op->id);
	free(op);
}

static void am_op_unlink(struct am_priv *p, struct am_op *op)
{
	struct am_op **pp;

	for (pp = &p->ops; *pp; pp = &(*pp)->next) {
		if (*pp == op) {
			*pp = op->next;
			return;
		}
	}
}

/* Report and free op; a success also refreshes (after the current one). */
static void am_op_done(struct am_op *op, bool ok, const char *id, const char *err)
{
	struct am_priv *p = op->p;
	struct source *s = p->s;

	am_op_unlink(p, op);
	op->req = 0;
	op->timer = 0;
	if (ok) {
		if (p->refreshing)
			p->refresh_again = true;
		else
			am_refresh(s);
	}
	op->cb(s, ok, id, err, op->data); /* may free s: nothing touches it after */
	am_op_free(op);
}

static void am_op_send(struct am_op *op);

static void am_on_op(struct http_result *res, void *data)
{
	struct am_op *op = data;
	struct am_priv *p = op->p;
	char err[ERR_MAX] = "", why[ERR_MAX];
	char *id;
	long next;

	op->req = 0;
	if (res->ok) {
		if (op->kind == AM_OP_EXPIRE) {
			am_op_done(op, true, op->id, "");
			return;
		}
		id = silence_id_from_response(res->body, res->len, err);
		if (id) {
			am_op_done(op, true, id, "");
			free(id);
			return;
		}
		snprintf(res->err, sizeof(res->err), "%s", err);
	}
	am_peer_failed(&p->peers[op->peer], res, why);
	if (p->n > 1)
		am_prefixed(op->err, p->peers[op->peer].name, why);
	else
		snprintf(op->err, sizeof(op->err), "%s", why);
	/* A 4xx is the server refusing the request: another peer would too. */
	if (!(res->status >= 400 && res->status < 500 && res->status != 429)) {
		next = am_next_peer(p, (long)op->peer);
		if (next >= 0) {
			op->peer = (size_t)next;
			am_op_send(op);
			return;
		}
	}
	am_set_reason(err, op->err);
	am_op_done(op, false, NULL, err);
}

/* Percent-encode everything but RFC 3986 unreserved characters. */
static char *am_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = {0};

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
			buf_putc(&b, (char)c);
		} else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[c >> 4]);
			buf_putc(&b, hex[c & 15]);
		}
	}
	return buf_steal(&b);
}

static void am_op_send(struct am_op *op)
{
	struct am_priv *p = op->p;
	struct http_req r;
	char *url, *esc = NULL, *path;

	if (op->kind == AM_OP_CREATE) {
		path = xstrdup("/api/v2/silences");
	} else {
		esc = am_escape(op->id);
		path = xasprintf("/api/v2/silence/%s", esc);
	}
	url = am_url(p, op->peer, path);
	am_req_init(&r, p, &p->peers[op->peer]);
	r.url = url;
	r.max_bytes = AM_SMALL_MAX_BYTES;
	r.method = op->kind == AM_OP_CREATE ? "POST" : "DELETE";
	r.body = op->body;
	/* not idempotent: a create retried after a lost answer would
	 * make two silences */
	if (op->kind == AM_OP_CREATE)
		r.retries = 0;
	op->req = http_request(p->http, &r, am_on_op, op);
	free(url);
	free(path);
	free(esc);
}

static void am_on_op_nopeer(struct loop *l, void *data)
{
	struct am_op *op = data;

	(void)l;
	op->timer = 0;
	am_op_done(op, false, NULL, "no Alertmanager URL configured");
}

static struct am_op *am_op_new(struct source *s, enum am_op_kind kind,
                               source_silence_fn cb, void *data)
{
	struct am_priv *p = s->priv;
	struct am_op *op = xcalloc(1, sizeof(*op));
	long first;

	op->p = p;
	op->kind = kind;
	op->cb = cb;
	op->data = data;
	op->next = p->ops;
	p->ops = op;
	first = am_next_peer(p, -1);
	op->peer = first >= 0 ? (size_t)first : 0; /* none healthy: the breaker answers */
	return op;
}

static void am_op_start(struct am_op *op)
{
	if (op->p->n == 0)
		op->timer = loop_add_timer(op->p->loop, 0, am_on_op_nopeer, op);
	else
		am_op_send(op);
}

void am_silence_create(struct source *s, const struct silence *sil,
                       source_silence_fn cb, void *data)
{
	struct am_op *op = am_op_new(s, AM_OP_CREATE, cb, data);

	op->body = silence_to_json(sil);
	am_op_start(op);
}

void am_silence_expire(struct source *s, const char *id,
                       source_silence_fn cb, void *data)
{
	struct am_op *op = am_op_new(s, AM_OP_EXPIRE, cb, data);

	op->id = xstrdup(id ? id : "");
	am_op_start(op);
}

/* ---- check -------------------------------------------------------------- */

static void am_check_finish(struct am_priv *p)
{
	struct source *s = p->s;
	size_t i, n_ok = 0;
	int64_t latency = 0;
	long first_ok = -1;

	for (i = 0; i < p->n; i++) {
		const struct am_peer *pe = &p->peers[i];
		if (!pe->check_ok)
			continue;
		n_ok++;
		if (pe->check_latency_ms > latency)
			latency = pe->check_latency_ms;
		if (first_ok < 0)
			first_ok = (long)i;
	}
	s->status.ok = n_ok == p->n;
	s->status.degraded = n_ok > 0 && n_ok < p->n;
	s->status.reason[0] = '\0';
	if (n_ok > 0) {
		s->status.latency_ms = latency;
		snprintf(s->status.version, sizeof(s->status.version), "%s",
		         p->peers[first_ok].version);
		am_redacted_url(s->status.active_url, sizeof(s->status.active_url),
		                p->peers[first_ok].url);
	}
	if (n_ok == 0)
		am_set_reason(s->status.reason, p->peers[0].check_err);
	else if (n_ok < p->n)
		am_peers_down(s->status.reason, p, true);
	if (s->on_update)
		s->on_update(s, s->update_data);
}

static void am_on_check(struct http_result *res, void *data)
{
	struct am_peer *pe = data;
	struct am_priv *p = pe->p;
	cJSON *root = NULL;
	const cJSON *vi, *v;

	pe->check_req = 0;
	pe->check_ok = res->ok;
	snprintf(pe->check_err, sizeof(pe->check_err), "%s", res->err);
	pe->check_latency_ms = res->elapsed_ms;
	pe->version[0] = '\0';
	if (res->ok) {
		root = cJSON_ParseWithLength(res->body, res->len);
		vi = cJSON_GetObjectItemCaseSensitive(root, "versionInfo");
		v = cJSON_GetObjectItemCaseSensitive(vi, "version");
		if (!cJSON_IsObject(root)) {
			pe->check_ok = false;
			snprintf(pe->check_err, sizeof(pe->check_err),
			         "not an Alertmanager status (invalid JSON)");
		} else if (!cJSON_IsObject(vi) ||
		           !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "cluster"))) {
			/* Some other JSON API answered: not ready as an Alertmanager. */
			pe->check_ok = false;
			snprintf(pe->check_err, sizeof(pe->check_err),
			         "not an Alertmanager status (no versionInfo/cluster in the answer)");
		} else if (cJSON_IsString(v)) {
			char *clean = text_sanitize(v->valuestring, strlen(v->valuestring), 0,
			                            sizeof(pe->version) - 1);
			snprintf(pe->version, sizeof(pe->version), "%s", clean);
			free(clean);
		}
		cJSON_Delete(root);
	}
	if (--p->check_pending == 0)
		am_check_finish(p);
}

void am_check(struct source *s)
{
	struct am_priv *p = s->priv;
	struct http_req r;
	size_t i;

	if (p->check_pending > 0)
		return;
	if (p->n == 0) {
		if (!p->nopeer_timer)
			p->nopeer_timer = loop_add_timer(p->loop, 0, am_on_nopeer, s);
		return;
	}
	p->check_pending = p->n;
	for (i = 0; i < p->n; i++) {
		struct am_peer *pe = &p->peers[i];
		char *url = am_url(p, i, "/api/v2/status");
		am_req_init(&r, p, NULL); /* readiness asks for real: no breaker */
		r.url = url;
		r.max_bytes = AM_SMALL_MAX_BYTES;
		pe->check_req = http_request(p->http, &r, am_on_check, pe);
		free(url);
	}
}
