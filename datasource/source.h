/* source.h: the one interface every alert source speaks: a real
 * Alertmanager cluster (alertmanager.c) or the embedded scenario
 * (scenario.c). One contract:
 *  - refresh() starts an asynchronous fetch and returns at once;
 *  - when the fetch ends, the source updates its own alerts/silences/status
 *    and calls on_update (from the loop, never re-entrantly from refresh);
 *  - on failure, the last good alerts and silences stay as they were and
 *    status.stale is set with the reason;
 *  - silence_create/silence_expire report back through their callback.
 * The source owns everything in it. */
#ifndef PAGETTY_SOURCE_H
#define PAGETTY_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/alert.h"
#include "../core/config.h"
#include "../core/silence.h"
#include "../loop/loop.h"
#include "http.h"

struct source_status {
	bool ever_ok;            /* has had one good answer */
	bool ok;                 /* last refresh succeeded */
	bool stale;              /* last refresh failed: data shown is old */
	bool degraded;           /* answered, but some peers failed: reason says which */
	bool fetching;           /* a refresh is in flight */
	char reason[ERR_MAX];    /* why stale / failed, sanitized, no secrets */
	double last_ok;          /* wall time of last good answer, 0 never */
	int64_t latency_ms;      /* of the last good answer */
	char active_url[256];    /* the peer that answered last (redacted) */
	char version[64];        /* from /api/v2/status, "" if unknown */
};

struct source;

/* Result of a silence operation. id: the new silence id (create) or the
 * expired id; err: "" on success. */
typedef void (*source_silence_fn)(struct source *s, bool ok, const char *id,
                                  const char *err, void *data);

struct source_ops {
	const char *kind;                              /* "alertmanager", "scenario" */
	void (*refresh)(struct source *s);             /* start a fetch (no-op if one is in flight) */
	/* Create silence sil (copied). cb is called exactly once. */
	void (*silence_create)(struct source *s, const struct silence *sil,
	                       source_silence_fn cb, void *data);
	/* Expire silence id. cb is called exactly once. */
	void (*silence_expire)(struct source *s, const char *id,
	                       source_silence_fn cb, void *data);
	/* Readiness check (pagetty check): GET status on every peer; calls
	 * on_update when all answered; results in status. May be NULL. */
	void (*check)(struct source *s);
	void (*free)(struct source *s);                /* frees priv */
};

struct source {
	const struct source_ops *ops;
	char *name;                    /* owned: cluster name */
	bool demo;                     /* invented data: header must say DEMO/DRILL */
	struct alert_list alerts;      /* owned: last good alerts, tagged with name,
	                                * sorted (alert_list_sort) */
	struct silence_list silences;  /* owned: last good silences */
	struct source_status status;
	uint64_t generation;           /* bumped each time alerts/silences change */
	void (*on_update)(struct source *s, void *data); /* borrowed callback */
	void *update_data;
	void *priv;                    /* owned by ops */
};

/* Constructors. A cluster: its urls are peers (fail over in order, dedupe
 * by fingerprint). cluster is borrowed and must outlive the source. */
struct source *alertmanager_source_new(struct loop *l, struct http *h,
                                       const struct am_cluster *cluster);
/* The embedded demo scenario (no network). */
struct source *scenario_source_new(struct loop *l);
/* The demo's canned answers to the shipped runbooks' commands: the text of
 * runbooks/demo-canned.yaml (drill_parse_canned() format), static. */
const char *scenario_canned_yaml(void);

void source_free(struct source *s);

#endif
