/* test_alert.c: decoding the alert model from payloads captured from a real
 * Alertmanager 0.25 (tests/fixtures/capture-am.sh): states and hostile
 * labels, malformed bodies, RFC 3339 times, decoding in slices and the
 * interned strings alerts share. Merging, sorting and encoding lists are
 * in test_alert_list.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cJSON.h>

#include "alert_fixture.h"
#include "core/alert.h"
#include "core/util.h"

/* ---- the real payload --------------------------------------------------- */

static void test_decode_real(void **state)
{
	struct alert_list l = {0};
	const struct alert *a;
	double t;
	char ts[40];
	size_t i;

	(void)state;
	load_alerts("prod", &l);
	assert_int_equal(l.n, 7);

	a = by_fp(&l, "prod", FP_CHECKOUT_ERR);
	assert_string_equal(alert_name(a), "CheckoutHighErrorRate");
	assert_int_equal(a->state, ALERT_ACTIVE);
	assert_int_equal(a->severity, SEV_CRITICAL);
	assert_string_equal(a->cluster, "prod");
	assert_string_equal(labelset_get(&a->labels, "namespace"), "shop");
	assert_string_equal(labelset_get(&a->annotations, "runbook_url"),
	                    "https://runbooks.example.net/CheckoutHighErrorRate.md");
	assert_string_equal(alert_summary(a), "Checkout 5xx ratio above 5%");
	assert_non_null(a->generator_url);
	assert_true(str_has_prefix(a->generator_url, "http://prometheus.example.net/graph"));
	assert_int_equal(a->n_receivers, 1);
	assert_string_equal(a->receivers[0], "team-pager");
	assert_int_equal(a->n_silenced_by, 0);
	assert_int_equal(a->n_inhibited_by, 0);
	assert_non_null(a->starts_at);
	assert_non_null(a->ends_at);
	assert_non_null(a->updated_at);
	/* The times parsed agree with the strings (Alertmanager sends ms). */
	assert_int_equal(rfc3339_parse(a->starts_at, &t), 0);
	assert_true(a->starts == t && t > 1.6e9);
	rfc3339_format(a->starts, ts, sizeof ts);
	assert_string_equal(ts, a->starts_at);
	assert_true(a->ends > a->starts); /* resolve_timeout after start */

	a = by_fp(&l, "prod", FP_CHECKOUT_LAT);
	assert_int_equal(a->state, ALERT_INHIBITED);
	assert_int_equal(a->severity, SEV_WARNING);
	assert_int_equal(a->n_inhibited_by, 1);
	assert_string_equal(a->inhibited_by[0], FP_CHECKOUT_ERR);
	assert_null(a->generator_url); /* not sent */

	a = by_fp(&l, "prod", FP_DISK);
	assert_int_equal(a->state, ALERT_SILENCED);
	assert_int_equal(a->n_silenced_by, 1);
	assert_int_equal(strlen(a->silenced_by[0]), 36); /* a UUID */
	assert_string_equal(alert_summary(a), "Disk /var will fill within 4 hours");

	a = by_fp(&l, "prod", FP_QUEUE);
	assert_int_equal(a->severity, SEV_ERROR);
	assert_string_equal(alert_summary(a), "Queue backlog growing");
	assert_int_equal(by_fp(&l, "prod", FP_CERT)->severity, SEV_INFO);
	a = by_fp(&l, "prod", FP_WATCHDOG);
	assert_int_equal(a->severity, SEV_UNKNOWN);
	assert_int_equal(a->labels.n, 1);

	/* Hostile values arrive raw, byte for byte. */
	a = by_fp(&l, "prod", FP_ODD);
	assert_int_equal(a->severity, SEV_CRITICAL); /* "page" */
	assert_string_equal(labelset_get(&a->labels, "quote"),
	                    "say \"hi\" \\ back\\slash\nnewline\x1b[31mred");
	assert_string_equal(labelset_get(&a->labels, "team"),
	                    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\xa5");
	assert_string_equal(alert_summary(a), "\x1b]0;pwned\x07 title \xe2\x80\xae reversed");

	/* Every alert of the capture went to exactly one receiver. */
	for (i = 0; i < l.n; i++)
		assert_int_equal(l.v[i]->n_receivers, 1);
	alert_list_free(&l);
}

/* The silence that mutes DiskFillingUp is in the captured silence list. */
static void test_silenced_by_is_real_silence(void **state)
{
	struct alert_list l = {0};
	size_t len;
	char *sil = load(FIX_SILENCES, &len);

	(void)state;
	load_alerts("prod", &l);
	assert_non_null(strstr(sil, by_fp(&l, "prod", FP_DISK)->silenced_by[0]));
	free(sil);
	alert_list_free(&l);
}

/* A group body is not an alert list: every group is skipped, none decoded
 * as an alert by accident (groups have "labels" too). */
static void test_groups_body_is_not_alerts(void **state)
{
	struct alert_list l = {0};
	char err[ERR_MAX] = "";
	size_t len, skipped = 0;
	char *body = load(FIX_GROUPS, &len);
	cJSON *root = cJSON_ParseWithLength(body, len);

	(void)state;
	assert_non_null(root);
	assert_true(cJSON_GetArraySize(root) > 1);
	assert_int_equal(decode(body, len, "prod", &l, &skipped, err), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(skipped, (size_t)cJSON_GetArraySize(root));
	cJSON_Delete(root);
	free(body);
	alert_list_free(&l);
}

/* Without a fingerprint (or with ""), the one Alertmanager would compute. */
static void test_fingerprint_computed_like_alertmanager(void **state)
{
	struct alert_list l = {0}, l2 = {0};
	char err[ERR_MAX] = "";
	char *fps[16], *json;
	size_t i, skipped = 9;

	(void)state;
	load_alerts("prod", &l);
	for (i = 0; i < l.n; i++) {
		/* a decoded alert is read-only: edit a copy */
		struct alert *a = alert_dup(l.v[i]);

		fps[i] = a->fingerprint;
		a->fingerprint = xstrdup("");
		alert_free(l.v[i]);
		l.v[i] = a;
	}
	json = alert_list_to_json(&l, NULL, NULL);
	assert_int_equal(decode(json, strlen(json), "prod", &l2, &skipped, err), 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(l2.n, l.n);
	for (i = 0; i < l.n; i++) {
		assert_string_equal(l2.v[i]->fingerprint, fps[i]);
		free(fps[i]);
	}
	free(json);
	alert_list_free(&l);
	alert_list_free(&l2);
}

/* ---- malformed bodies --------------------------------------------------- */

struct bad_body {
	const char *body;
	int rc;              /* expected return */
	size_t n;            /* alerts decoded */
	size_t skipped;
	const char *err_has; /* substring of err when rc == -1 */
};

static const char *good_alert =
	"{\"labels\":{\"alertname\":\"A\"},\"fingerprint\":\"f1\",\"status\":{\"state\":\"active\"}}";

static void test_malformed_table(void **state)
{
	static const struct bad_body tab[] = {
		{"", -1, 0, 0, "invalid JSON near byte 0"},
		{"   ", -1, 0, 0, "invalid JSON"},
		{"null", -1, 0, 0, "got null"},
		{"{}", -1, 0, 0, "expected a JSON array of alerts, got an object"},
		{"\"x\"", -1, 0, 0, "got a string"},
		{"42", -1, 0, 0, "got a number"},
		{"true", -1, 0, 0, "got a boolean"},
		{"[", -1, 0, 0, "invalid JSON near byte"},
		{"[{\"labels\":", -1, 0, 0, "invalid JSON near byte"},
		{"[{\"labels\":{\"a\":\"b", -1, 0, 0, "invalid JSON"},
		{"[1,2]x", -1, 0, 0, "near byte 5"},
		{"[1,2] [3]", -1, 0, 0, "data after the end"},
		{"[{\"labels\":{\"a\":\"\\u12\"}}]", -1, 0, 0, "invalid JSON"},
		{"[]", 0, 0, 0, NULL},
		{"[] \n", 0, 0, 0, NULL},
		{"[1,2]", 0, 0, 2, NULL},
		{"[null,\"a\",[],true]", 0, 0, 4, NULL},
		{"[{\"labels\":5}]", 0, 0, 1, NULL},
		{"[{}]", 0, 0, 1, NULL},
		/* one required member missing each */
		{"[{\"fingerprint\":\"f\",\"status\":{\"state\":\"active\"}}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"status\":{\"state\":\"active\"}}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"fingerprint\":\"f\"}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"fingerprint\":\"f\",\"status\":{}}]", 0, 0, 1, NULL},
		/* wrong types */
		{"[{\"labels\":{\"a\":1},\"fingerprint\":\"f\",\"status\":{\"state\":\"active\"}}]", 0, 0, 1, NULL},
		{"[{\"labels\":[],\"fingerprint\":\"f\",\"status\":{\"state\":\"active\"}}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"fingerprint\":7,\"status\":{\"state\":\"active\"}}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"fingerprint\":\"f\",\"status\":\"active\"}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"fingerprint\":\"f\",\"status\":{\"state\":1}}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"fingerprint\":\"f\",\"status\":{\"state\":\"active\",\"silencedBy\":[1]}}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"fingerprint\":\"f\",\"status\":{\"state\":\"active\",\"inhibitedBy\":\"x\"}}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"fingerprint\":\"f\",\"status\":{\"state\":\"active\"},\"annotations\":[]}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"fingerprint\":\"f\",\"status\":{\"state\":\"active\"},\"startsAt\":5}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"fingerprint\":\"f\",\"status\":{\"state\":\"active\"},\"receivers\":[{\"name\":1}]}]", 0, 0, 1, NULL},
		{"[{\"labels\":{},\"fingerprint\":\"f\",\"status\":{\"state\":\"active\"},\"receivers\":[\"r\"]}]", 0, 0, 1, NULL},
		/* optional members null or absent are fine; bad times just parse as 0 */
		{"[{\"labels\":{},\"fingerprint\":\"f\",\"status\":{\"state\":\"active\"},\"generatorURL\":null,\"annotations\":null,\"startsAt\":\"yesterday\"}]", 0, 1, 0, NULL},
		/* good ones survive next to bad ones */
		{"[1,{\"labels\":{\"alertname\":\"A\"},\"fingerprint\":\"f1\",\"status\":{\"state\":\"active\"}},{\"labels\":5}]", 0, 1, 2, NULL},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(tab); i++) {
		struct alert_list l = {0};
		char err[ERR_MAX] = "";
		size_t skipped = 77;
		int rc = decode(tab[i].body, strlen(tab[i].body), "c", &l, &skipped, err);

		if (rc != tab[i].rc || l.n != tab[i].n || (rc == 0 && skipped != tab[i].skipped))
			fail_msg("case %zu %s: rc %d n %zu skipped %zu err '%s'", i, tab[i].body,
			         rc, l.n, skipped, err);
		if (tab[i].err_has && !strstr(err, tab[i].err_has))
			fail_msg("case %zu %s: err '%s' lacks '%s'", i, tab[i].body, err,
			         tab[i].err_has);
		if (rc == -1)
			assert_int_equal(skipped, 0);
		alert_list_free(&l);
	}
}

/* Every prefix of a real body is either a clean error or (the whole body) a
 * success: never a crash, never a leak, never an over-read. */
static void test_truncated_real_body(void **state)
{
	size_t len, cut;
	char *body = load(FIX_ALERTS, &len);

	(void)state;
	while (len && (body[len - 1] == '\n' || body[len - 1] == ' '))
		len--;
	for (cut = 0; cut < len; cut++) {
		struct alert_list l = {0};
		char err[ERR_MAX] = "";

		assert_int_equal(decode(body, cut, "c", &l, NULL, err), -1);
		assert_non_null(strstr(err, "invalid JSON near byte"));
		assert_int_equal(l.n, 0);
	}
	free(body);
}

static void test_deep_nesting(void **state)
{
	struct buf b = {0};
	struct alert_list l = {0};
	char err[ERR_MAX] = "";
	size_t i, skipped = 0;

	(void)state;
	/* 100k open brackets: refused by the parser's depth limit, no stack blowup */
	for (i = 0; i < 100000; i++)
		buf_putc(&b, '[');
	assert_int_equal(decode(b.data, b.len, "c", &l, NULL, err), -1);
	assert_non_null(strstr(err, "invalid JSON"));
	buf_reset(&b);
	/* nesting inside a label value, under the limit: that alert is skipped */
	buf_puts(&b, "[{\"labels\":{\"a\":");
	for (i = 0; i < 500; i++)
		buf_putc(&b, '[');
	for (i = 0; i < 500; i++)
		buf_putc(&b, ']');
	buf_printf(&b, "}},%s]", good_alert);
	assert_int_equal(decode(b.data, b.len, "c", &l, &skipped, err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(skipped, 1);
	buf_free(&b);
	alert_list_free(&l);
}

/* Huge values (1 MB) are kept whole and raw; many labels stay fast. */
static void test_huge_values(void **state)
{
	struct buf b = {0};
	struct alert_list l = {0};
	char err[ERR_MAX] = "";
	const char *v;
	size_t i, skipped = 9;

	(void)state;
	buf_puts(&b, "[{\"fingerprint\":\"big\",\"status\":{\"state\":\"active\"},"
	             "\"labels\":{\"alertname\":\"Big\",\"huge\":\"");
	for (i = 0; i < (1 << 20); i++)
		buf_putc(&b, "abc"[i % 3]);
	buf_puts(&b, "\"},\"annotations\":{");
	for (i = 0; i < 50000; i++)
		buf_printf(&b, "%s\"k%zu\":\"v%zu\"", i ? "," : "", i % 40000, i);
	buf_puts(&b, "}}]");
	assert_int_equal(decode(b.data, b.len, "c", &l, &skipped, err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(skipped, 0);
	v = labelset_get(&l.v[0]->labels, "huge");
	assert_non_null(v);
	assert_int_equal(strlen(v), 1 << 20);
	/* 50000 annotation keys, 10000 of them repeated: the last value wins */
	assert_int_equal(l.v[0]->annotations.n, 40000);
	assert_string_equal(labelset_get(&l.v[0]->annotations, "k5"), "v40005");
	assert_string_equal(labelset_get(&l.v[0]->annotations, "k39999"), "v39999");
	buf_free(&b);
	alert_list_free(&l);
}

static void test_states(void **state)
{
	static const struct {
		const char *status;
		enum alert_state want;
	} tab[] = {
		{"{\"state\":\"active\",\"silencedBy\":[],\"inhibitedBy\":[]}", ALERT_ACTIVE},
		{"{\"state\":\"suppressed\",\"silencedBy\":[\"s\"],\"inhibitedBy\":[]}", ALERT_SILENCED},
		{"{\"state\":\"suppressed\",\"silencedBy\":[],\"inhibitedBy\":[\"f\"]}", ALERT_INHIBITED},
		{"{\"state\":\"suppressed\",\"silencedBy\":[\"s\"],\"inhibitedBy\":[\"f\"]}", ALERT_SILENCED},
		{"{\"state\":\"suppressed\"}", ALERT_SILENCED}, /* mute time interval */
		{"{\"state\":\"unprocessed\",\"silencedBy\":null}", ALERT_UNPROCESSED},
		{"{\"state\":\"weird-new-state\"}", ALERT_ACTIVE},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(tab); i++) {
		struct alert_list l = {0};
		char err[ERR_MAX] = "";
		char *body = xasprintf("[{\"labels\":{},\"fingerprint\":\"f\",\"status\":%s}]",
		                       tab[i].status);

		assert_int_equal(decode(body, strlen(body), "c", &l, NULL, err), 0);
		assert_int_equal(l.n, 1);
		if (l.v[0]->state != tab[i].want)
			fail_msg("case %zu: state %s", i, alert_state_str(l.v[0]->state));
		free(body);
		alert_list_free(&l);
	}
	assert_string_equal(alert_state_str(ALERT_INHIBITED), "inhibited");
	assert_string_equal(alert_state_str(ALERT_UNPROCESSED), "unprocessed");
}

static void test_severity_parse(void **state)
{
	static const struct {
		const char *s;
		enum alert_severity want;
	} tab[] = {
		{"critical", SEV_CRITICAL}, {"PAGE", SEV_CRITICAL}, {"emergency", SEV_CRITICAL},
		{"fatal", SEV_CRITICAL},    {"error", SEV_ERROR},   {"High", SEV_ERROR},
		{"major", SEV_ERROR},       {"warning", SEV_WARNING}, {"warn", SEV_WARNING},
		{"medium", SEV_WARNING},    {"minor", SEV_WARNING}, {"info", SEV_INFO},
		{"low", SEV_INFO},          {"notice", SEV_INFO},   {"none", SEV_INFO},
		{"", SEV_UNKNOWN},          {"crit", SEV_UNKNOWN},  {NULL, SEV_UNKNOWN},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(tab); i++)
		assert_int_equal(alert_severity_parse(tab[i].s), tab[i].want);
	assert_string_equal(alert_severity_str(SEV_CRITICAL), "critical");
	assert_string_equal(alert_severity_str(SEV_UNKNOWN), "unknown");
}

/* ---- RFC 3339 ----------------------------------------------------------- */

static void test_rfc3339(void **state)
{
	static const struct {
		const char *s;
		int rc;
		double want;
	} tab[] = {
		{"1970-01-01T00:00:00Z", 0, 0},
		{"2026-11-22T04:38:10Z", 0, 1795322290},
		{"2026-11-22T04:38:10.5Z", 0, 1795322290.5},
		{"2026-11-22T04:38:10.123456789Z", 0, 1795322290.123456789},
		{"2026-11-22T04:38:10.123456789012345678901234567890Z", 0, 1795322290.123456789},
		{"2026-11-22T06:38:10.250+02:00", 0, 1795322290.25},
		{"2026-11-21T23:08:10-05:30", 0, 1795322290},
		{"2026-11-22t04:38:10z", 0, 1795322290},
		{"2026-11-22 04:38:10Z", 0, 1795322290},
		{"2024-02-29T00:00:00Z", 0, 1709164800},
		{"2000-03-01T00:00:00Z", 0, 951868800},
		{"1969-12-31T23:59:59Z", 0, -1},
		{"0001-01-01T00:00:00Z", 0, -62135596800.0}, /* Go's zero time */
		{"2016-12-31T23:59:60Z", 0, 1483228800},     /* leap second */
		{"", -1, 0},
		{"2026-11-22", -1, 0},
		{"2026-11-22T04:38:10", -1, 0},         /* no zone */
		{"2026-11-22T04:38:10.Z", -1, 0},
		{"2026-11-22T04:38:10+0200", -1, 0},
		{"2026-13-01T00:00:00Z", -1, 0},
		{"2026-02-29T00:00:00Z", -1, 0},
		{"1900-02-29T00:00:00Z", -1, 0},
		{"2026-11-22T24:00:00Z", -1, 0},
		{"2026-11-22T04:38:10Zjunk", -1, 0},
		{"26-11-22T04:38:10Z", -1, 0},
		{"2026-11-22T04:38:10+24:00", -1, 0},
	};
	double t;
	size_t i;
	char out[40];

	(void)state;
	for (i = 0; i < ARRAY_LEN(tab); i++) {
		t = 12345;
		if (rfc3339_parse(tab[i].s, &t) != tab[i].rc)
			fail_msg("case %zu '%s': rc", i, tab[i].s);
		if (tab[i].rc == 0 && (t - tab[i].want > 1e-6 || tab[i].want - t > 1e-6))
			fail_msg("case %zu '%s': %.9f want %.9f", i, tab[i].s, t, tab[i].want);
	}
	assert_int_equal(rfc3339_parse(NULL, &t), -1);

	rfc3339_format(0, out, sizeof out);
	assert_string_equal(out, "1970-01-01T00:00:00.000Z");
	rfc3339_format(1795322290.1239, out, sizeof out);
	assert_string_equal(out, "2026-11-22T04:38:10.124Z");
	rfc3339_format(-0.5, out, sizeof out);
	assert_string_equal(out, "1969-12-31T23:59:59.500Z");
	rfc3339_format(1709164800, out, sizeof out);
	assert_string_equal(out, "2024-02-29T00:00:00.000Z");
	rfc3339_format(1.0 / 0.0, out, sizeof out);
	assert_string_equal(out, "1970-01-01T00:00:00.000Z");
	rfc3339_format(1795322290.5, out, 8); /* truncated, still terminated */
	assert_string_equal(out, "2026-11");
}

/* ---- slices, shared alerts ---------------------------------------------- */

/* Decoding in slices of 1..n alerts gives the same list as one go; a body
 * that breaks late fails the last slice and keeps nothing. */
static void test_decoder_slices(void **state)
{
	struct alert_list whole = {0};
	size_t len, max, i;
	char *body = load(FIX_ALERTS, &len);
	char err[ERR_MAX] = "";

	(void)state;
	load_alerts("prod", &whole);
	for (max = 1; max <= 4; max++) {
		struct alert_decoder *d = alert_decoder_new(body, len, "prod");
		struct alert_list l = {0};
		size_t skipped = 9, steps = 0;
		int rc;

		while ((rc = alert_decoder_step(d, max, err)) == 1)
			steps++;
		assert_int_equal(rc, 0);
		assert_true(steps >= whole.n / max - 1);
		alert_decoder_take(d, &l, &skipped);
		alert_decoder_free(d);
		assert_int_equal(skipped, 0);
		assert_int_equal(l.n, whole.n);
		for (i = 0; i < l.n; i++) {
			assert_string_equal(l.v[i]->fingerprint, whole.v[i]->fingerprint);
			assert_string_equal(alert_name(l.v[i]), alert_name(whole.v[i]));
			assert_int_equal(l.v[i]->labels.n, whole.v[i]->labels.n);
		}
		alert_list_free(&l);
	}
	{
		/* good alerts first, then garbage: the error comes in a later slice */
		struct buf b = {0};
		struct alert_decoder *d;
		struct alert_list l = {0};
		int rc;

		buf_printf(&b, "[%s,%s,{\"labels\":", good_alert, good_alert);
		d = alert_decoder_new(b.data, b.len, "c");
		assert_int_equal(alert_decoder_step(d, 1, err), 1);
		while ((rc = alert_decoder_step(d, 1, err)) == 1)
			;
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, "invalid JSON near byte"));
		assert_int_equal(alert_decoder_step(d, 1, err), -1);
		alert_decoder_take(d, &l, NULL);
		assert_int_equal(l.n, 0);
		alert_decoder_free(d);
		buf_free(&b);
	}
	alert_list_free(&whole);
	free(body);
}

/* Names and common values are one shared copy across alerts (the intern
 * pool), other values stay in each alert; freeing frees only the latter
 * (valgrind checks), and the shared copies read as the decoded text. */
static void test_intern_shared(void **state)
{
	struct alert_list l = {0};
	char err[ERR_MAX] = "";
	const char *body =
		"[{\"labels\":{\"alertname\":\"A\",\"pod\":\"p-1\",\"severity\":\"critical\"},"
		"\"annotations\":{\"description\":\"d1\",\"runbook_url\":\"http://rb/A\"},"
		"\"fingerprint\":\"f1\",\"status\":{\"state\":\"active\"}},"
		"{\"labels\":{\"alertname\":\"A\",\"pod\":\"p-2\",\"severity\":\"critical\"},"
		"\"annotations\":{\"description\":\"d2\",\"runbook_url\":\"http://rb/A\"},"
		"\"fingerprint\":\"f2\",\"status\":{\"state\":\"active\"}}]";
	const struct alert *a, *b;
	size_t i;

	(void)state;
	assert_int_equal(alert_list_from_json(body, strlen(body), "c", &l, NULL, err), 0);
	assert_int_equal(l.n, 2);
	a = l.v[0];
	b = l.v[1];
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(a->labels.v[i].name, b->labels.v[i].name); /* names shared */
		assert_true(alert_interned(a->labels.v[i].name));
	}
	assert_string_equal(labelset_get(&a->labels, "severity"), "critical");
	assert_ptr_equal(labelset_get(&a->labels, "severity"), labelset_get(&b->labels, "severity"));
	assert_ptr_equal(labelset_get(&a->labels, "alertname"), labelset_get(&b->labels, "alertname"));
	assert_ptr_equal(labelset_get(&a->annotations, "runbook_url"),
	                 labelset_get(&b->annotations, "runbook_url"));
	/* high-cardinality values are each alert's own */
	assert_string_equal(labelset_get(&b->labels, "pod"), "p-2");
	assert_false(alert_interned(labelset_get(&a->labels, "pod")));
	assert_false(alert_interned(labelset_get(&a->annotations, "description")));
	/* interning is by content, and refuses what it cannot hold */
	assert_ptr_equal(alert_intern("critical", 8), labelset_get(&a->labels, "severity"));
	assert_null(alert_intern("a\0b", 3));
	alert_list_free(&l);
}
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_real),
		cmocka_unit_test(test_intern_shared),
		cmocka_unit_test(test_silenced_by_is_real_silence),
		cmocka_unit_test(test_groups_body_is_not_alerts),
		cmocka_unit_test(test_fingerprint_computed_like_alertmanager),
		cmocka_unit_test(test_malformed_table),
		cmocka_unit_test(test_truncated_real_body),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_huge_values),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_severity_parse),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_decoder_slices),
	};

	return cmocka_run_group_tests_name("alert", tests, NULL, NULL);
}
