/* alertmanager_int.h: what alertmanager.c (peers, refresh, lifetime) and
 * alertmanager_ops.c (silence create/expire, check) share and nothing else
 * uses: the private state of one Alertmanager source and the helpers both
 * files call. Not a contract; include only from datasource/alertmanager*.c. */
#ifndef PAGETTY_ALERTMANAGER_INT_H
#define PAGETTY_ALERTMANAGER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct am_priv;

struct am_peer {
	struct am_priv *p;            /* borrowed: the owner */
	const char *url;              /* borrowed from the cluster */
	char *name;                   /* owned: "host:port" for messages */
	struct http_breaker breaker;
	char last_fail[ERR_MAX];      /* last real failure through the breaker: why it opened */
	/* refresh: this peer's alerts answer */
	uint64_t req;                 /* in flight, 0 none */
	bool ok;
	char err[ERR_MAX];
	struct alert_stream *st;      /* owned or NULL: the answer, decoded as it
	                               * arrives; kept once ended until the refresh
	                               * knows whether anything changed */
	uint64_t hash;                /* of the answer's alerts (alert_stream_sig) */
	int64_t latency_ms;
	/* check */
	uint64_t check_req;
	bool check_ok;
	char check_err[ERR_MAX];
	char version[64];
	int64_t check_latency_ms;
};

enum am_op_kind { AM_OP_CREATE, AM_OP_EXPIRE };

/* One silence create/expire in flight. */
struct am_op {
	struct am_priv *p;            /* borrowed */
	enum am_op_kind kind;
	char *body;                   /* owned: JSON for create, NULL for expire */
	char *id;                     /* owned: silence id for expire, NULL for create */
	size_t peer;                  /* peer being tried */
	uint64_t req;                 /* in flight, 0 none */
	uint64_t timer;               /* deferred failure (no peers), 0 none */
	char err[ERR_MAX];
	source_silence_fn cb;
	void *data;                   /* borrowed: cb's argument */
	struct am_op *next;           /* owned chain */
};

struct am_priv {
	struct source *s;             /* borrowed: the source that owns us */
	struct loop *loop;            /* borrowed */
	struct http *http;            /* borrowed */
	const struct am_cluster *cluster; /* borrowed */
	struct am_peer *peers;        /* owned array of n */
	size_t n;
	/* refresh in flight */
	bool refreshing;
	bool refresh_again;           /* a silence changed during the refresh */
	size_t alerts_pending;
	bool sil_pending;
	size_t sil_peer;
	uint64_t sil_req;
	bool sil_ok;
	char sil_err[ERR_MAX];
	char *sil_body;               /* owned or NULL */
	size_t sil_len;
	uint64_t sil_body_hash;       /* of sil_body (http_result.hash) */
	uint64_t nopeer_timer;        /* refresh/check with no peers */
	/* check in flight */
	size_t check_pending;
	struct am_op *ops;            /* owned list */
	/* unchanged answers are not decoded again */
	uint64_t sig;                 /* hash of the answering peers and their bodies */
	bool have_sig;                /* sig is that of the alerts in s->alerts */
	uint64_t sil_hash;            /* of the silences body in s->silences */
	bool have_sil_hash;
	/* the alerts of s->alerts by the hash of their bytes: an element that
	 * comes again unchanged is shared, not decoded (core/alert_stream.h) */
	struct alert_index *reuse;    /* owned or NULL; borrows s->alerts' alerts,
	                               * kept while s->alerts is (reuse_v, reuse_n) */
	struct alert **reuse_v;
	size_t reuse_n;
	struct alert_list merged;     /* owned: the peers' alerts, deduped */
};

/* The cap on answers that are one small JSON object (status, silence
 * create): a misbehaving server cannot make us hold more. */
#define AM_SMALL_MAX_BYTES ((size_t)1 << 20)

/* ---- alertmanager.c ---- */

/* Peer i's URL with the cluster's path prefix and path appended. Malloced. */
char *am_url(const struct am_priv *p, size_t i, const char *path);
/* The first healthy peer after index `after` (-1: from the start), or -1. */
long am_next_peer(const struct am_priv *p, long after);
/* A request with the source's timeouts, size cap and retries, through pe's
 * breaker when pe is not NULL. */
void am_req_init(struct http_req *r, const struct am_priv *p, struct am_peer *pe);
/* Copy msg into dst (ERR_MAX) sanitized, one line, capped. */
void am_set_reason(char *dst, const char *msg);
/* "1/2 peers down: am-1:9094: connection refused; ..." into dst (ERR_MAX),
 * from the check answers when check is true, else the refresh answers. */
void am_peers_down(char *dst, const struct am_priv *p, bool check);
/* "prefix: msg" into dst (ERR_MAX), sanitized and capped. */
void am_prefixed(char *dst, const char *prefix, const char *msg);
/* Why a request to peer pe failed into dst (ERR_MAX); a breaker's fast
 * failure names the real failure that opened it. */
void am_peer_failed(struct am_peer *pe, const struct http_result *res, char *dst);
/* url with its credentials redacted into dst (n bytes). */
void am_redacted_url(char *dst, size_t n, const char *url);
/* source_ops.refresh. */
void am_refresh(struct source *s);
/* 0 ms timer for a refresh or check with no peers; data is the source. */
void am_on_nopeer(struct loop *l, void *data);

/* ---- alertmanager_ops.c ---- */

/* Cancel op's request and timer and free it; does not unlink it from p->ops. */
void am_op_free(struct am_op *op);
/* source_ops.silence_create, .silence_expire and .check. */
void am_silence_create(struct source *s, const struct silence *sil,
                       source_silence_fn cb, void *data);
void am_silence_expire(struct source *s, const char *id,
                       source_silence_fn cb, void *data);
void am_check(struct source *s);

#endif
