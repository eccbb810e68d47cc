/* alert_stream.h: the body of GET /api/v2/alerts decoded as it arrives, a
 * piece at a time, so the body is never held whole (its bytes are dropped
 * once the alerts in them are decoded), and an element whose bytes equal
 * one already decoded (the same element in the last answer) is not decoded
 * again: the earlier alert is shared (alert_ref). The result, success or
 * error message, is exactly that of alert_list_from_json on the whole body.
 * Pure: no I/O. */
#ifndef PAGETTY_ALERT_STREAM_H
#define PAGETTY_ALERT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "util.h"

/* The alerts of an earlier answer, by the hash of their bytes (src_hash). */
struct alert_index;
/* Index l's decoded alerts. The index borrows them: l's alerts must outlive
 * it (the list itself may change; the alerts must not be freed). */
struct alert_index *alert_index_new(const struct alert_list *l);
void alert_index_free(struct alert_index *x);

struct alert_stream;
/* A stream for one body. cluster tags the alerts (copied); reuse may be NULL
 * and is borrowed: it must outlive the stream. */
struct alert_stream *alert_stream_new(const char *cluster, const struct alert_index *reuse);
/* The next n bytes of the body. A malformed body is remembered (finish
 * reports it) and the rest of its bytes are ignored. */
void alert_stream_feed(struct alert_stream *st, const char *p, size_t n);
/* Forget every byte fed so far: the body starts again (an HTTP retry). */
void alert_stream_reset(struct alert_stream *st);
/* The body has ended: 0, or -1 with err filled (a malformed body; the
 * message alert_list_from_json gives). */
int alert_stream_end(struct alert_stream *st, char err[ERR_MAX]);
/* After a successful end: append its alerts to out (the list owns a
 * reference to each; shared ones get theirs only now, so a caller that
 * finds the answer unchanged frees the stream without touching them) and
 * set *skipped (may be NULL) to the elements that were not alerts. */
void alert_stream_take(struct alert_stream *st, struct alert_list *out, size_t *skipped);
/* end, then take. */
int alert_stream_finish(struct alert_stream *st, struct alert_list *out, size_t *skipped,
                        char err[ERR_MAX]);
/* A hash of the sequence of elements decoded (valid after a successful
 * end): equal for bodies that decode to the same alerts in the same
 * order, whatever their whitespace. */
uint64_t alert_stream_sig(const struct alert_stream *st);
/* Elements taken from the reuse index instead of decoded. */
size_t alert_stream_reused(const struct alert_stream *st);
/* Bytes held now (the undecoded tail of what was fed). */
size_t alert_stream_held(const struct alert_stream *st);
void alert_stream_free(struct alert_stream *st);

/* Seed the element hash (once, before any decode; e.g. from getrandom), so
 * a server cannot craft two elements that share one. */
void alert_hash_seed(uint64_t seed);

#endif
