/* fuzz_alert.c: libFuzzer target for the Alertmanager alerts decoder and
 * the `pagetty alerts --json` encoder (core/alert.c). Whatever decodes must
 * encode to JSON that decodes to the same alerts: encode(decode(encode(x)))
 * == encode(x), nothing skipped the second time. Merge (into itself: every
 * alert deduped), sort and find run on the decoded list too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *runbook_of(const struct alert *a, void *data)
{
	(void)data;
	return a->n_receivers ? a->receivers[0] : NULL;
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
		alert_list_free(&l);
		return 0;
	}
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
