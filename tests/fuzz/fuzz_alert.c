/* fuzz_alert.c: libFuzzer target for the Alertmanager alerts decoder and
 * the `pagetty alerts --json` encoder (core/alert.c). Whatever decodes must
 * encode to JSON that decodes to the same alerts: encode(decode(encode(x)))
 * == encode(x), nothing skipped the second time. Merge (into itself: every
 * alert deduped), sort and find run on the decoded list too. The same
 * body streamed in pieces (core/alert_stream.c) must give exactly what the
 * whole-body decode gave: the same alerts or the same error message, and
 * streamed again against an index of the first result, the same again with
 * every alert shared. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "core/alert_stream.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *runbook_of(const struct alert *a, void *data)
{
	(void)data;
	return a->n_receivers ? a->receivers[0] : NULL;
}

/* data streamed in pieces of piece bytes; 0 or -1 with err as finish. */
static int streamed(const uint8_t *data, size_t size, size_t piece, const struct alert_index *x,
                    struct alert_list *out, size_t *skipped, char err[ERR_MAX], size_t *reused)
{
	struct alert_stream *st = alert_stream_new("fuzz", x);
	size_t off;
	int rc;

	for (off = 0; off < size; off += piece)
		alert_stream_feed(st, (const char *)data + off, size - off < piece ? size - off : piece);
	rc = alert_stream_finish(st, out, skipped, err);
	*reused = alert_stream_reused(st);
	alert_stream_free(st);
	return rc;
}

/* The stream agrees with the whole-body decode (rc, err, l). */
static void check_stream(const uint8_t *data, size_t size, int rc, const char *err,
                         const struct alert_list *l, size_t skipped)
{
	struct alert_list s = {0}, s2 = {0};
	struct alert_index *x;
	char serr[ERR_MAX] = "";
	/* small pieces test the carry between them, big ones the 64-byte path */
	size_t piece = !size ? 1 : data[size - 1] & 1 ? (size_t)data[size - 1] % 17 + 1
	                                              : 64 + (size_t)data[size - 1] * 16,
	       sk = 0, reused = 0, i;
	int src = streamed(data, size, piece, NULL, &s, &sk, serr, &reused);
	char *a, *b;

	FUZZ_ASSERT(src == rc, "stream in %zu-byte pieces: rc %d, whole body %d (%s / %s)", piece,
	            src, rc, serr, err);
	if (rc != 0) {
		FUZZ_ASSERT(strcmp(serr, err) == 0, "stream error '%s', whole body '%s'", serr, err);
		FUZZ_ASSERT(s.n == 0, "failed stream left %zu alerts", s.n);
		return;
	}
	FUZZ_ASSERT(sk == skipped, "stream skipped %zu, whole body %zu", sk, skipped);
	a = alert_list_to_json(l, NULL, NULL);
	b = alert_list_to_json(&s, NULL, NULL);
	FUZZ_ASSERT(strcmp(a, b) == 0, "stream decoded differently:\n%s\n---\n%s", a, b);
	/* again, reusing the first answer's alerts */
	x = alert_index_new(&s);
	FUZZ_ASSERT(streamed(data, size, piece + 3, x, &s2, &sk, serr, &reused) == 0,
	            "second stream failed: %s", serr);
	FUZZ_ASSERT(s2.n == s.n, "second stream: %zu alerts, first %zu", s2.n, s.n);
	for (i = 0; i < s2.n; i++)
		FUZZ_ASSERT(s2.v[i]->src_hash == s.v[i]->src_hash, "alert %zu: another element", i);
	FUZZ_ASSERT(reused == s.n, "second stream decoded %zu of %zu again", s.n - reused, s.n);
	free(b);
	b = alert_list_to_json(&s2, NULL, NULL);
	FUZZ_ASSERT(strcmp(a, b) == 0, "reused alerts differ:\n%s\n---\n%s", a, b);
	free(a);
	free(b);
	alert_index_free(x);
	alert_list_free(&s2);
	alert_list_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alert_list l = {0}, back = {0}, merged = {0};
	char err[ERR_MAX], *json, *json2;
	size_t skipped = 99, skipped2 = 99, i, n;
	long at;

	memset(err, 0x55, sizeof err);
	if (alert_list_from_json((const char *)data, size, "fuzz", &l, &skipped, err) != 0) {
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "alert_list_from_json failed without a message");
		FUZZ_ASSERT(l.n == 0, "failed decode left %zu alerts", l.n);
		check_stream(data, size, -1, err, &l, skipped);
		alert_list_free(&l);
		return 0;
	}
	check_stream(data, size, 0, err, &l, skipped);
	for (i = 0; i < l.n; i++) {
		FUZZ_ASSERT(l.v[i]->fingerprint && l.v[i]->cluster, "alert %zu lacks fingerprint", i);
		FUZZ_ASSERT(strcmp(l.v[i]->cluster, "fuzz") == 0, "cluster not tagged");
		FUZZ_ASSERT(l.v[i]->severity <= SEV_UNKNOWN, "bad severity");
		(void)alert_name(l.v[i]);
		(void)alert_summary(l.v[i]);
	}

	json = alert_list_to_json(&l, runbook_of, NULL);
	FUZZ_ASSERT(alert_list_from_json(json, strlen(json), "fuzz", &back, &skipped2, err) == 0,
	            "own output does not decode: %s", err);
	FUZZ_ASSERT(skipped2 == 0, "own output: %zu alerts skipped", skipped2);
	FUZZ_ASSERT(back.n == l.n, "round trip: %zu alerts, then %zu", l.n, back.n);
	json2 = alert_list_to_json(&back, runbook_of, NULL);
	FUZZ_ASSERT(strcmp(json, json2) == 0, "round trip changed the JSON:\n%s\n---\n%s", json, json2);
	free(json2);
	free(json);

	/* merging a list with its own copy adds nothing new */
	alert_list_merge(&merged, &l);
	n = merged.n;
	alert_list_merge(&merged, &back);
	FUZZ_ASSERT(merged.n == n, "merge of an identical list added %zu", merged.n - n);
	alert_list_sort(&merged);
	for (i = 0; i < l.n; i++) {
		at = alert_list_find(&merged, l.v[i]->cluster, l.v[i]->fingerprint);
		FUZZ_ASSERT(at >= 0, "alert %zu lost by merge", i);
	}
	alert_list_free(&merged);
	alert_list_free(&back);
	alert_list_free(&l);
	return 0;
}
