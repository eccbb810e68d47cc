/* fuzz_silence.c: libFuzzer target for the Alertmanager silences decoder
 * (core/silence.c): silence_list_from_json and silence_id_from_response on
 * the same bytes; each decoded silence is encoded again (silence_to_json
 * must give JSON) and matched against a fixed label set and alert list, as
 * the silence preview does with silences an Alertmanager sent, and against
 * the labels its own = matchers name (which it must mute). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/silence.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct alert_list alerts;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const names[] = {"CheckoutHighErrorRate", "Watchdog", "TargetDown"};
	struct alert *a;
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < ARRAY_LEN(names); i++) {
		a = xcalloc(1, sizeof *a);
		labelset_set(&a->labels, "alertname", names[i]);
		labelset_set(&a->labels, "severity", i ? "warning" : "page");
		labelset_set(&a->labels, "service", "checkout");
		labelset_set(&a->labels, "instance", "10.0.0.1:9090");
		a->fingerprint = xasprintf("%016zx", i + 1);
		a->cluster = xstrdup(i == 2 ? "other" : "fuzz");
		alert_list_push(&alerts, a);
	}
	return 0;
}

static void check_silence(const struct silence *s)
{
	const struct silence_matcher *m;
	struct labelset own = {0};
	bool all_eq = true;
	char *json;
	cJSON *j;
	size_t n, i;

	FUZZ_ASSERT(s->id && s->created_by && s->comment && s->state && s->cluster,
	            "decoded silence lacks a member");
	json = silence_to_json(s);
	FUZZ_ASSERT(json, "silence_to_json gave NULL");
	j = cJSON_Parse(json);
	FUZZ_ASSERT(j && cJSON_IsObject(j), "silence_to_json gave invalid JSON: %s", json);
	FUZZ_ASSERT(!cJSON_GetObjectItemCaseSensitive(j, "id"), "POST body carries an id");
	cJSON_Delete(j);
	free(json);

	(void)silence_matches(s, &alerts.v[0]->labels);
	n = silence_count_muted(s, &alerts);
	FUZZ_ASSERT(n <= alerts.n, "muted %zu of %zu", n, alerts.n);
	if (!s->n_matchers)
		FUZZ_ASSERT(n == 0, "a silence without matchers mutes %zu", n);

	/* equality matchers with distinct names mute the labels they name */
	for (i = 0; i < s->n_matchers; i++) {
		m = &s->matchers[i];
		if (m->is_regex || !m->is_equal || !m->name || labelset_get(&own, m->name))
			all_eq = false;
		else
			labelset_set(&own, m->name, m->value ? m->value : "");
	}
	if (all_eq && s->n_matchers)
		FUZZ_ASSERT(silence_matches(s, &own), "= matchers miss the labels built from them");
	labelset_free(&own);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct silence_list l = {0};
	char err[ERR_MAX], *id;
	size_t i;

	memset(err, 0x55, sizeof err);
	if (silence_list_from_json((const char *)data, size, "fuzz", &l, err) == 0) {
		for (i = 0; i < l.n; i++)
			check_silence(l.v[i]);
	} else {
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "silence_list_from_json failed without a message");
		FUZZ_ASSERT(l.n == 0, "failed decode left %zu silences", l.n);
	}
	silence_list_free(&l);

	memset(err, 0x55, sizeof err);
	id = silence_id_from_response((const char *)data, size, err);
	if (id)
		FUZZ_ASSERT(*id, "empty silence id accepted");
	else
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "silence_id_from_response failed without a message");
	free(id);
	return 0;
}
