/* test_silence.c: silences on payloads captured from a real Alertmanager
 * 0.25 (tests/fixtures/capture-am.sh): decode the list, the POST answer,
 * encode a new silence, silence_from_alert, anchored matching and the
 * muted-alert count, plus malformed bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cJSON.h>

#include "core/alert.h"
#include "core/silence.h"
#include "core/util.h"

#define FIX_ALERTS "tests/fixtures/am-alerts.json"
#define FIX_SILENCES "tests/fixtures/am-silences.json"
#define FIX_CREATED "tests/fixtures/am-silence-created.json"

#define FP_ODD "887d36b1610c7d51"
#define FP_DISK "1006c359eff24f81"

static char *load(const char *path, size_t *len)
{
	char err[ERR_MAX] = "";
	char *data = NULL;

	if (read_file(path, 16 << 20, &data, len, err) != 0)
		fail_msg("%s", err);
	return data;
}

/* Exact-length heap copy, so valgrind sees any over-read. */
static int decode(const char *body, size_t len, const char *cluster, struct silence_list *l,
                  char *err)
{
	char *copy = xmalloc(len ? len : 1);
	int rc;

	memcpy(copy, body, len);
	rc = silence_list_from_json(copy, len, cluster, l, err);
	free(copy);
	return rc;
}

static void load_silences(const char *cluster, struct silence_list *l)
{
	char err[ERR_MAX] = "";
	size_t len;
	char *body = load(FIX_SILENCES, &len);

	assert_int_equal(decode(body, len, cluster, l, err), 0);
	free(body);
}

static void load_alerts(const char *cluster, struct alert_list *l)
{
	char err[ERR_MAX] = "";
	size_t len, skipped = 9;
	char *body = load(FIX_ALERTS, &len);

	assert_int_equal(alert_list_from_json(body, len, cluster, l, &skipped, err), 0);
	assert_int_equal(skipped, 0);
	free(body);
}

/* The silence whose comment is c. */
static const struct silence *by_comment(const struct silence_list *l, const char *c)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i]->comment, c) == 0)
			return l->v[i];
	fail_msg("no silence with comment '%s'", c);
	return NULL;
}

static void test_decode_real(void **state)
{
	struct silence_list l = {0};
	const struct silence *s;

	(void)state;
	load_silences("prod", &l);
	assert_int_equal(l.n, 3);

	/* amtool silence add --duration=2h alertname=DiskFillingUp service=storage */
	s = by_comment(&l, "disk cleanup in progress");
	assert_string_equal(s->state, "active");
	assert_string_equal(s->created_by, "oncall@example.net");
	assert_string_equal(s->cluster, "prod");
	assert_int_equal(strlen(s->id), 36);
	assert_int_equal(s->n_matchers, 2);
	assert_string_equal(s->matchers[0].name, "alertname");
	assert_string_equal(s->matchers[0].value, "DiskFillingUp");
	assert_false(s->matchers[0].is_regex);
	assert_true(s->matchers[0].is_equal);
	assert_string_equal(s->matchers[1].name, "service");
	assert_string_equal(s->matchers[1].value, "storage");
	assert_true(s->starts > 1.6e9);
	assert_true(s->ends - s->starts > 7199 && s->ends - s->starts < 7201);

	/* POSTed: regex and negative matchers, starting in an hour */
	s = by_comment(&l, "maintenance window \"planned\"");
	assert_string_equal(s->state, "pending");
	assert_string_equal(s->created_by, "capture-am.sh");
	assert_int_equal(s->n_matchers, 2);
	assert_string_equal(s->matchers[0].name, "service");
	assert_string_equal(s->matchers[0].value, "billing|edge");
	assert_true(s->matchers[0].is_regex);
	assert_true(s->matchers[0].is_equal);
	assert_string_equal(s->matchers[1].name, "severity");
	assert_false(s->matchers[1].is_regex);
	assert_false(s->matchers[1].is_equal);
	assert_true(s->ends - s->starts > 7199 && s->ends - s->starts < 7201);

	s = by_comment(&l, "expired test");
	assert_string_equal(s->state, "expired");
	assert_int_equal(s->n_matchers, 1);
	assert_true(s->matchers[0].is_regex);
	assert_string_equal(s->matchers[0].value, "Cert.*");
	assert_true(s->ends >= s->starts);
	assert_true(s->ends - s->starts < 600); /* expired right away, not after 1h */
	silence_list_free(&l);
}

/* The POST answer names the silence the list shows as pending. */
static void test_created_response(void **state)
{
	struct silence_list l = {0};
	char err[ERR_MAX] = "";
	size_t len;
	char *body = load(FIX_CREATED, &len);
	char *id = silence_id_from_response(body, len, err);

	(void)state;
	assert_non_null(id);
	assert_int_equal(strlen(id), 36);
	load_silences("prod", &l);
	assert_string_equal(by_comment(&l, "maintenance window \"planned\"")->id, id);
	free(id);
	free(body);
	silence_list_free(&l);
}

static void test_created_response_bad(void **state)
{
	static const struct {
		const char *body;
		const char *err_has;
	} tab[] = {
		{"", "invalid JSON near byte 0"},
		{"{\"silenceID\":\"ab", "invalid JSON"},
		{"[]", "got an array"},
		{"null", "got null"},
		{"\"id\"", "got a string"},
		{"{}", "no silenceID"},
		{"{\"silenceID\":5}", "no silenceID"},
		{"{\"silenceID\":\"\"}", "no silenceID"},
		{"{\"silenceid\":\"x\"}", "no silenceID"}, /* case matters */
		{"{\"silenceID\":\"x\"} {}", "data after the end"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(tab); i++) {
		char err[ERR_MAX] = "";
		char *copy = xstrdup(tab[i].body);
		char *id = silence_id_from_response(copy, strlen(copy), err);

		if (id || !strstr(err, tab[i].err_has))
			fail_msg("case %zu '%s': id %s err '%s'", i, tab[i].body, id ? id : "NULL", err);
		free(copy);
	}
}

static void test_malformed_list(void **state)
{
	static const struct {
		const char *body;
		int rc;
		size_t n;
	} tab[] = {
		{"", -1, 0},
		{"{}", -1, 0},
		{"null", -1, 0},
		{"[{\"id\":\"a\",\"matchers\":[", -1, 0},
		{"[]", 0, 0},
		{"[1,\"x\",null,[]]", 0, 0},
		{"[{}]", 0, 0},
		{"[{\"id\":\"a\"}]", 0, 0},                        /* no matchers */
		{"[{\"id\":5,\"matchers\":[]}]", 0, 0},
		{"[{\"id\":\"a\",\"matchers\":{}}]", 0, 0},
		{"[{\"id\":\"a\",\"matchers\":[5]}]", 0, 0},
		{"[{\"id\":\"a\",\"matchers\":[{\"name\":\"n\",\"value\":\"v\"}]}]", 0, 0}, /* isRegex */
		{"[{\"id\":\"a\",\"matchers\":[{\"name\":\"n\",\"value\":\"v\",\"isRegex\":\"no\"}]}]", 0, 0},
		{"[{\"id\":\"a\",\"matchers\":[{\"name\":\"n\",\"value\":1,\"isRegex\":false}]}]", 0, 0},
		{"[{\"id\":\"a\",\"matchers\":[{\"name\":\"n\",\"value\":\"v\",\"isRegex\":false,\"isEqual\":1}]}]", 0, 0},
		{"[{\"id\":\"a\",\"matchers\":[],\"startsAt\":1}]", 0, 0},
		{"[{\"id\":\"a\",\"matchers\":[],\"comment\":[]}]", 0, 0},
		{"[{\"id\":\"a\",\"matchers\":[],\"status\":\"active\"}]", 0, 0},
		/* minimal, old (no isEqual), bad times tolerated */
		{"[{\"id\":\"a\",\"matchers\":[{\"name\":\"n\",\"value\":\"v\",\"isRegex\":false}],\"startsAt\":\"soon\"}]", 0, 1},
		{"[7,{\"id\":\"a\",\"matchers\":[]},{\"id\":\"b\",\"matchers\":[],\"status\":null}]", 0, 2},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(tab); i++) {
		struct silence_list l = {0};
		char err[ERR_MAX] = "";
		int rc = decode(tab[i].body, strlen(tab[i].body), "c", &l, err);

		if (rc != tab[i].rc || l.n != tab[i].n)
			fail_msg("case %zu '%s': rc %d n %zu err '%s'", i, tab[i].body, rc, l.n, err);
		if (rc == -1)
			assert_true(err[0] != '\0');
		silence_list_free(&l);
	}
	/* an old Alertmanager without isEqual: equality */
	{
		struct silence_list l = {0};
		const char *b = "[{\"id\":\"a\",\"matchers\":[{\"name\":\"n\",\"value\":\"v\",\"isRegex\":true}]}]";

		assert_int_equal(decode(b, strlen(b), NULL, &l, NULL), 0);
		assert_int_equal(l.n, 1);
		assert_true(l.v[0]->matchers[0].is_equal);
		assert_true(l.v[0]->matchers[0].is_regex);
		assert_string_equal(l.v[0]->cluster, "");
		assert_string_equal(l.v[0]->state, "");
		assert_true(l.v[0]->starts == 0);
		silence_list_free(&l);
	}
}

/* Truncations of the real list: always a clean -1. */
static void test_truncated_real_body(void **state)
{
	size_t len, cut;
	char *body = load(FIX_SILENCES, &len);

	(void)state;
	while (len && (body[len - 1] == '\n' || body[len - 1] == ' '))
		len--;
	for (cut = 0; cut < len; cut++) {
		struct silence_list l = {0};
		char err[ERR_MAX] = "";

		assert_int_equal(decode(body, cut, "c", &l, err), -1);
		assert_non_null(strstr(err, "invalid JSON near byte"));
		assert_int_equal(l.n, 0);
	}
	free(body);
}

/* ---- encode ------------------------------------------------------------- */

static void test_to_json(void **state)
{
	struct silence s = {0};
	struct silence_list l = {0};
	struct silence_matcher m[2] = {
		{.name = "alertname", .value = "Odd\"\\\n\x1b", .is_regex = false, .is_equal = true},
		{.name = "service", .value = "api|web", .is_regex = true, .is_equal = false},
	};
	cJSON *root, *arr, *it;
	char *json, *full;

	(void)state;
	s.id = "ignored";
	s.matchers = m;
	s.n_matchers = 2;
	s.starts = 1795322290.25;
	s.ends = 1795322290.25 + 7200;
	s.created_by = "alice";
	s.comment = "deploying \"fix\"";
	json = silence_to_json(&s);
	root = cJSON_Parse(json);
	assert_non_null(root);
	assert_null(cJSON_GetObjectItemCaseSensitive(root, "id"));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "startsAt")->valuestring,
	                    "2026-11-22T04:38:10.250Z");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "endsAt")->valuestring,
	                    "2026-11-22T06:38:10.250Z");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "createdBy")->valuestring, "alice");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "comment")->valuestring,
	                    "deploying \"fix\"");
	arr = cJSON_GetObjectItemCaseSensitive(root, "matchers");
	assert_int_equal(cJSON_GetArraySize(arr), 2);
	it = cJSON_GetArrayItem(arr, 1);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "value")->valuestring, "api|web");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "isRegex")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(it, "isEqual")));
	cJSON_Delete(root);

	/* what Alertmanager would list back decodes to the same silence */
	full = xasprintf("[{\"id\":\"x-1\",\"status\":{\"state\":\"active\"},%s]", json + 1);
	assert_int_equal(decode(full, strlen(full), "lab", &l, NULL), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0]->id, "x-1");
	assert_string_equal(l.v[0]->matchers[0].value, "Odd\"\\\n\x1b");
	assert_true(l.v[0]->matchers[1].is_regex);
	assert_false(l.v[0]->matchers[1].is_equal);
	assert_true(l.v[0]->starts == s.starts);
	assert_true(l.v[0]->ends == s.ends);
	assert_string_equal(l.v[0]->comment, s.comment);
	silence_list_free(&l);
	free(full);
	free(json);

	/* an empty silence still encodes to valid JSON */
	memset(&s, 0, sizeof s);
	json = silence_to_json(&s);
	root = cJSON_Parse(json);
	assert_non_null(root);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "matchers")), 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "comment")->valuestring, "");
	cJSON_Delete(root);
	free(json);
}

/* ---- matching ----------------------------------------------------------- */

static void test_from_alert(void **state)
{
	struct alert_list al = {0};
	struct silence *s = xcalloc(1, sizeof *s);
	const struct alert *odd;
	char *json;
	size_t i;

	(void)state;
	load_alerts("prod", &al);
	odd = al.v[alert_list_find(&al, "prod", FP_ODD)];
	/* replaces whatever matchers were there */
	s->matchers = xcalloc(1, sizeof *s->matchers);
	s->matchers[0].name = xstrdup("old");
	s->matchers[0].value = xstrdup("old");
	s->n_matchers = 1;
	silence_from_alert(s, odd);
	assert_int_equal(s->n_matchers, odd->labels.n);
	for (i = 0; i < s->n_matchers; i++) {
		assert_string_equal(s->matchers[i].name, odd->labels.v[i].name);
		assert_string_equal(s->matchers[i].value, odd->labels.v[i].value);
		assert_false(s->matchers[i].is_regex);
		assert_true(s->matchers[i].is_equal);
	}
	assert_string_equal(s->cluster, "prod");
	assert_true(silence_matches(s, &odd->labels));
	assert_int_equal(silence_count_muted(s, &al), 1);
	/* the POST body carries the hostile value intact */
	json = silence_to_json(s);
	{
		cJSON *root = cJSON_Parse(json), *it;
		bool seen = false;

		assert_non_null(root);
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "matchers")) {
			if (strcmp(cJSON_GetObjectItemCaseSensitive(it, "name")->valuestring, "quote") == 0) {
				assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "value")->valuestring,
				                    "say \"hi\" \\ back\\slash\nnewline\x1b[31mred");
				seen = true;
			}
		}
		assert_true(seen);
		cJSON_Delete(root);
	}
	free(json);
	silence_free(s);
	alert_list_free(&al);
}

static void test_matches_table(void **state)
{
	static const struct {
		const char *name, *value;
		bool re, eq;
		bool want;
	} tab[] = {
		{"service", "api", false, true, true},
		{"service", "ap", false, true, false},
		{"service", "API", false, true, false},
		{"service", "api", false, false, false},
		{"service", "web", false, false, true},
		{"service", "ap", true, true, false},        /* anchored */
		{"service", "ap.*", true, true, true},
		{"service", "pi", true, true, false},
		{"service", "api|web", true, true, true},
		{"host", "api|web", true, true, false},       /* xweb: ^(api|web)$, not ^api|web$ */
		{"service", "api|web", true, false, false},
		{"service", "db.*", true, false, true},
		{"team", "", false, true, true},              /* missing label is "" */
		{"team", "", false, false, false},
		{"team", ".*", true, true, true},
		{"team", ".+", true, true, false},
		{"team", ".+", true, false, true},
		{"env", "prod|staging", true, true, true},
		{"service", "(", true, true, false},          /* invalid: matches nothing */
		{"service", "(", true, false, false},
		{"service", "a[", true, true, false},
		{"alertname", "", false, true, false},
	};
	struct labelset ls = {0};
	size_t i;

	(void)state;
	labelset_set(&ls, "alertname", "A");
	labelset_set(&ls, "service", "api");
	labelset_set(&ls, "env", "prod");
	labelset_set(&ls, "host", "xweb");
	for (i = 0; i < ARRAY_LEN(tab); i++) {
		struct silence_matcher m = {
			.name = (char *)tab[i].name, .value = (char *)tab[i].value,
			.is_regex = tab[i].re, .is_equal = tab[i].eq,
		};
		struct silence s = {.matchers = &m, .n_matchers = 1};

		if (silence_matches(&s, &ls) != tab[i].want)
			fail_msg("case %zu: %s %s%s '%s'", i, tab[i].name, tab[i].eq ? "=" : "!",
			         tab[i].re ? "~" : "=", tab[i].value);
	}
	/* all matchers must hold; none at all mutes nothing */
	{
		struct silence_matcher m[2] = {
			{.name = "service", .value = "api", .is_equal = true},
			{.name = "env", .value = "dev", .is_equal = true},
		};
		struct silence s = {.matchers = m, .n_matchers = 2};

		assert_false(silence_matches(&s, &ls));
		m[1].value = "prod";
		assert_true(silence_matches(&s, &ls));
		s.n_matchers = 0;
		assert_false(silence_matches(&s, &ls));
	}
	labelset_free(&ls);
}

/* The captured silences against the captured alerts, two clusters. */
static void test_count_muted_real(void **state)
{
	struct silence_list sl = {0};
	struct alert_list eu = {0}, us = {0}, all = {0};
	struct silence *s;
	char *saved;

	(void)state;
	load_silences("eu", &sl);
	load_alerts("eu", &eu);
	load_alerts("us", &us);
	alert_list_merge(&all, &eu);
	alert_list_merge(&all, &us);
	assert_int_equal(all.n, 14);

	/* DiskFillingUp: the one alert Alertmanager says this silence mutes */
	s = (struct silence *)by_comment(&sl, "disk cleanup in progress");
	assert_int_equal(silence_count_muted(s, &all), 1);
	assert_string_equal(eu.v[alert_list_find(&eu, "eu", FP_DISK)]->silenced_by[0], s->id);
	/* service=~"billing|edge", severity!="critical": QueueBacklog, CertExpiringSoon */
	s = (struct silence *)by_comment(&sl, "maintenance window \"planned\"");
	assert_int_equal(silence_count_muted(s, &all), 2);
	/* alertname=~"Cert.*" */
	s = (struct silence *)by_comment(&sl, "expired test");
	assert_int_equal(silence_count_muted(s, &all), 1);
	/* without a cluster: every cluster counts */
	saved = s->cluster;
	s->cluster = NULL;
	assert_int_equal(silence_count_muted(s, &all), 2);
	s->cluster = saved;
	assert_int_equal(silence_count_muted(s, &us), 0);

	silence_list_clear(&sl);
	assert_int_equal(sl.n, 0);
	silence_list_free(&sl);
	alert_list_free(&eu);
	alert_list_free(&us);
	alert_list_free(&all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_real),
		cmocka_unit_test(test_created_response),
		cmocka_unit_test(test_created_response_bad),
		cmocka_unit_test(test_malformed_list),
		cmocka_unit_test(test_truncated_real_body),
		cmocka_unit_test(test_to_json),
		cmocka_unit_test(test_from_alert),
		cmocka_unit_test(test_matches_table),
		cmocka_unit_test(test_count_muted_real),
	};

	return cmocka_run_group_tests_name("silence", tests, NULL, NULL);
}
