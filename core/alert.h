/* alert.h: the alert model (Alertmanager API v2 shape), JSON decode and
 * encode, the merge of several clusters and the dedupe of HA peers, and the
 * ordering the Alerts view shows. Pure: no I/O, no terminal. */
#ifndef PAGETTY_ALERT_H
#define PAGETTY_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "labels.h"
#include "util.h"

enum alert_state {
	ALERT_ACTIVE = 0,
	ALERT_SILENCED,    /* status.state "suppressed" with silencedBy non-empty */
	ALERT_INHIBITED,   /* status.state "suppressed" with inhibitedBy non-empty (and not silenced) */
	ALERT_UNPROCESSED,
};

/* Severity ranks, most urgent first. From the "severity" label:
 * critical|page|emergency|fatal -> SEV_CRITICAL, error|high|major -> SEV_ERROR,
 * warning|warn|medium|minor -> SEV_WARNING, info|low|notice|none -> SEV_INFO,
 * anything else or missing -> SEV_UNKNOWN. */
enum alert_severity { SEV_CRITICAL = 0, SEV_ERROR, SEV_WARNING, SEV_INFO, SEV_UNKNOWN };

struct alert {
	struct labelset labels;      /* owned */
	struct labelset annotations; /* owned */
	char *fingerprint;           /* owned, never NULL ("" if absent) */
	char *starts_at;             /* owned RFC 3339 string as received, or NULL */
	char *ends_at;               /* owned or NULL */
	char *updated_at;            /* owned or NULL */
	char *generator_url;         /* owned or NULL */
	double starts;               /* epoch seconds parsed from starts_at, 0 if unknown */
	double ends;                 /* epoch seconds, 0 if unknown */
	enum alert_state state;
	enum alert_severity severity;
	char **silenced_by;          /* owned array of owned silence ids */
	size_t n_silenced_by;
	char **inhibited_by;         /* owned array of owned fingerprints */
	size_t n_inhibited_by;
	char **receivers;            /* owned array of owned receiver names */
	size_t n_receivers;
	char *cluster;               /* owned: the configured Alertmanager name */
	unsigned refs;               /* extra references (alert_ref); alert_free drops one */
	uint64_t src_hash;           /* decoded from JSON: the hash of its element's bytes
	                              * (alert_stream reuses the alert for equal bytes); 0 none */
	size_t packed;               /* 0, or decoded from JSON: the struct, its arrays and
	                              * strings are one block of this size, read-only (no
	                              * member may be replaced or edited): alert_dup to edit */
	bool pooled;                 /* packed, and the block is core/alert_pool.c's */
};

/* A list of alerts; owns the alerts it holds (a reference to each: an alert
 * may be shared by several lists through alert_ref, and is freed when the
 * last one lets go). */
struct alert_list {
	struct alert **v;
	size_t n;
	size_t cap;
};

/* Decode the body of GET /api/v2/alerts (a JSON array). Each alert is tagged
 * with cluster. Alerts that lack required fields are skipped and counted in
 * *skipped (may be NULL). Returns 0, or -1 with err filled: the body is not
 * JSON, or not an array ("expected a JSON array of alerts, got object"). */
int alert_list_from_json(const char *buf, size_t len, const char *cluster,
                         struct alert_list *out, size_t *skipped, char err[ERR_MAX]);

/* The same decode, a bounded number of alerts at a time, so a big body can
 * be spread over several loop iterations. buf is borrowed and must outlive
 * the decoder. step decodes up to max array elements: 1 more to do, 0 done
 * (then take appends the alerts to out and sets *skipped, may be NULL),
 * -1 with err filled (the alerts decoded so far are dropped). */
struct alert_decoder;
struct alert_decoder *alert_decoder_new(const char *buf, size_t len, const char *cluster);
int alert_decoder_step(struct alert_decoder *d, size_t max, char err[ERR_MAX]);
void alert_decoder_take(struct alert_decoder *d, struct alert_list *out, size_t *skipped);
/* Bytes of the body read so far: the decoder never reads before this
 * offset again, so the caller may release those bytes (e.g. madvise). */
size_t alert_decoder_pos(const struct alert_decoder *d);
void alert_decoder_free(struct alert_decoder *d);

/* A shared, read-only copy of s (len bytes, no NUL inside), or NULL when it
 * is too long or the (capped) pool is full. Decoded alerts point at these
 * for names and common values (core/alert_intern.c). */
const char *alert_intern(const char *s, size_t len);
/* Is p inside the intern pool (so not to be freed)? */
bool alert_interned(const void *p);

/* For a process that decodes one answer, prints it and exits (`pagetty
 * alerts`): decoded alerts may live on transparent huge pages (fewer page
 * faults; core/alert_pool.c says why the console does not), and their elements are not hashed, as nothing will be
 * compared with them (alert_stream's reuse and signature are off). Call
 * before the first decode. */
void alert_decode_once(void);

/* Encode as the JSON array `pagetty alerts --json` prints: Alertmanager v2
 * shape plus "cluster" and "runbook". runbook_of may be NULL (all null);
 * it returns a borrowed string or NULL. Returns malloced text. */
char *alert_list_to_json(const struct alert_list *l,
                         const char *(*runbook_of)(const struct alert *, void *), void *data);

/* Before using l->v[i] in a walk over the list: ask the CPU for the alerts
 * a few steps ahead (the header of the 32nd, all of a decoded 16th). The
 * alerts of a big answer are tens of MB, visited in sorted order, not
 * memory order, so each first touch is a cache miss; asked for early, the
 * misses overlap instead of queueing. Only a hint: no effect on results. */
static inline void alert_list_prefetch(const struct alert_list *l, size_t i)
{
	if (i + 32 < l->n)
		__builtin_prefetch(l->v[i + 32]);
	if (i + 16 < l->n) {
		const char *p = (const char *)l->v[i + 16];
		size_t off, n = l->v[i + 16]->packed;

		for (off = 0; off < n && off < 1024; off += 64)
			__builtin_prefetch(p + off);
	}
}

void alert_list_push(struct alert_list *l, struct alert *a); /* takes a */
void alert_list_clear(struct alert_list *l);                 /* frees alerts, keeps capacity */
void alert_list_free(struct alert_list *l);
struct alert *alert_dup(const struct alert *a);            /* a deep, editable copy */
struct alert *alert_ref(struct alert *a);                  /* another reference to a; returns a */
void alert_free(struct alert *a);                          /* drops one reference */

/* Append copies of src's alerts to dst, skipping any whose (cluster,
 * fingerprint) dst already holds. Used both for HA peers of one cluster
 * (dedupe) and to merge clusters (distinct cluster names never collide). */
void alert_list_merge(struct alert_list *dst, const struct alert_list *src);
/* The same, but dst takes a reference to src's alerts instead of a copy
 * (src is unchanged; both lists share the alerts). */
void alert_list_merge_ref(struct alert_list *dst, const struct alert_list *src);
/* The same, moving src's alerts into dst: duplicates are freed and src is
 * left empty (its capacity kept). */
void alert_list_merge_take(struct alert_list *dst, struct alert_list *src);

/* Sort: severity (most urgent first), then most recently started first,
 * then alertname, then fingerprint, then cluster: a total order for a
 * deduped list, so the result does not depend on the input's order (only
 * the same cluster and fingerprint twice could come out either way). An
 * already sorted list costs one pass. In place, O(n log n) for any input. */
void alert_list_sort(struct alert_list *l);

/* Find by cluster and fingerprint; returns index or -1. */
long alert_list_find(const struct alert_list *l, const char *cluster, const char *fingerprint);

const char *alert_name(const struct alert *a);   /* labels.alertname or "" */
const char *alert_summary(const struct alert *a); /* annotations summary|description|message or "" */
enum alert_severity alert_severity_parse(const char *s);
const char *alert_severity_str(enum alert_severity s);
const char *alert_state_str(enum alert_state s);   /* "active", "silenced", "inhibited", "unprocessed" */

/* Parse RFC 3339 ("2026-11-22T04:38:10.123456789Z", "+02:00" offsets).
 * Returns 0 and sets *out (epoch seconds), or -1. */
int rfc3339_parse(const char *s, double *out);
/* Format epoch seconds as RFC 3339 UTC with milliseconds into out (>= 32 bytes). */
void rfc3339_format(double t, char *out, size_t n);

#endif
