/* test_alert_list.c: alert lists built from payloads captured from a real
 * Alertmanager 0.25: merging HA peers and clusters (copied, shared and
 * moved alerts), sort order, the JSON encoder and its round trip through
 * the decoder, and a 50k-alert body. Decoding is in test_alert.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cJSON.h>

#include "alert_fixture.h"
#include "core/alert.h"
#include "core/util.h"

/* ---- merge -------------------------------------------------------------- */

/* Two HA peers of one cluster: the union, each fingerprint once. */
static void test_merge_peers(void **state)
{
	struct alert_list peer_a = {0}, peer_b = {0}, m = {0};
	long i;

	(void)state;
	load_alerts("prod", &peer_a);
	load_alerts("prod", &peer_b);
	/* peer A lacks two alerts B has (gossip lag) and vice versa */
	i = alert_list_find(&peer_a, "prod", FP_WATCHDOG);
	alert_free(peer_a.v[i]);
	peer_a.v[i] = peer_a.v[--peer_a.n];
	i = alert_list_find(&peer_b, "prod", FP_ODD);
	alert_free(peer_b.v[i]);
	peer_b.v[i] = peer_b.v[--peer_b.n];
	assert_int_equal(peer_a.n, 6);
	assert_int_equal(peer_b.n, 6);

	alert_list_merge(&m, &peer_a);
	assert_int_equal(m.n, 6);
	alert_list_merge(&m, &peer_b);
	assert_int_equal(m.n, 7);
	assert_true(alert_list_find(&m, "prod", FP_WATCHDOG) >= 0);
	assert_true(alert_list_find(&m, "prod", FP_ODD) >= 0);
	/* merging again changes nothing; copies, not borrowed */
	alert_list_merge(&m, &peer_a);
	alert_list_merge(&m, &peer_b);
	assert_int_equal(m.n, 7);
	assert_ptr_not_equal(m.v[0], peer_a.v[0]);
	alert_list_free(&peer_a);
	alert_list_free(&peer_b);
	assert_string_equal(by_fp(&m, "prod", FP_CHECKOUT_LAT)->inhibited_by[0], FP_CHECKOUT_ERR);
	alert_list_free(&m);
}

/* Two clusters with the same alerts: fingerprints collide, clusters don't. */
static void test_merge_clusters(void **state)
{
	struct alert_list eu = {0}, us = {0}, m = {0};

	(void)state;
	load_alerts("eu", &eu);
	load_alerts("us", &us);
	alert_list_merge(&m, &eu);
	alert_list_merge(&m, &us);
	assert_int_equal(m.n, 14);
	assert_string_equal(by_fp(&m, "eu", FP_DISK)->cluster, "eu");
	assert_string_equal(by_fp(&m, "us", FP_DISK)->cluster, "us");
	assert_true(alert_list_find(&m, "eu", FP_DISK) != alert_list_find(&m, "us", FP_DISK));
	assert_int_equal(alert_list_find(&m, "asia", FP_DISK), -1);
	assert_int_equal(alert_list_find(&m, "eu", "0000000000000000"), -1);
	alert_list_merge(&m, &us);
	assert_int_equal(m.n, 14);
	alert_list_free(&eu);
	alert_list_free(&us);
	alert_list_free(&m);
}

/* merge_ref shares (freeing one list leaves the other whole), merge_take
 * moves and frees only the duplicates; both dedupe like alert_list_merge. */
static void test_merge_ref_take(void **state)
{
	struct alert_list src = {0}, peer = {0}, shared = {0}, moved = {0};
	size_t i, n;

	(void)state;
	load_alerts("prod", &src);
	load_alerts("prod", &peer);
	n = src.n;
	alert_list_merge_ref(&shared, &src);
	alert_list_merge_ref(&shared, &src); /* all duplicates: nothing added */
	assert_int_equal(shared.n, n);
	for (i = 0; i < n; i++)
		assert_ptr_equal(shared.v[i], src.v[i]);
	alert_list_free(&src);
	/* still readable (valgrind checks): the list kept its reference */
	for (i = 0; i < n; i++)
		assert_true(alert_list_find(&shared, "prod", shared.v[i]->fingerprint) == (long)i);
	alert_list_merge_take(&moved, &shared);
	assert_int_equal(moved.n, n);
	assert_int_equal(shared.n, 0);
	alert_list_merge_take(&moved, &peer); /* the same alerts from a peer: freed */
	assert_int_equal(moved.n, n);
	assert_int_equal(peer.n, 0);
	alert_list_free(&moved);
	alert_list_free(&shared);
	alert_list_free(&peer);
}

/* ---- sort --------------------------------------------------------------- */

static void test_sort_real(void **state)
{
	static const char *const want[] = {
		"CheckoutHighErrorRate", "OddLabels",     /* critical, same start: by name */
		"QueueBacklog",                           /* error */
		"CheckoutLatencyHigh", "DiskFillingUp",   /* warning */
		"CertExpiringSoon",                       /* info */
		"Watchdog",                               /* no severity */
	};
	struct alert_list l = {0};
	size_t i;

	(void)state;
	load_alerts("prod", &l);
	alert_list_sort(&l);
	assert_int_equal(l.n, ARRAY_LEN(want));
	for (i = 0; i < l.n; i++)
		assert_string_equal(alert_name(l.v[i]), want[i]);
	alert_list_free(&l);
}

static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

static struct alert *mk(const char *name, const char *sev, double starts, const char *fp,
                        const char *cluster)
{
	struct alert *a = xcalloc(1, sizeof *a);

	labelset_set(&a->labels, "alertname", name);
	if (sev)
		labelset_set(&a->labels, "severity", sev);
	a->severity = alert_severity_parse(sev);
	a->starts = starts;
	a->fingerprint = xstrdup(fp);
	a->cluster = xstrdup(cluster);
	return a;
}

static void test_sort_order(void **state)
{
	struct alert_list l = {0};
	static const char *const want[] = {
		"crit-new", "crit-old", "err", "warn-b", "warn-b", "warn-b", "warn-c", "info", "nosev",
	};
	size_t i;

	(void)state;
	alert_list_push(&l, mk("nosev", NULL, 500, "1", "x"));
	alert_list_push(&l, mk("info", "info", 900, "2", "x"));
	alert_list_push(&l, mk("warn-c", "warning", 100, "3", "x"));
	alert_list_push(&l, mk("warn-b", "warning", 100, "5", "x"));
	alert_list_push(&l, mk("warn-b", "warning", 100, "4", "y"));
	alert_list_push(&l, mk("warn-b", "warning", 100, "4", "x"));
	alert_list_push(&l, mk("err", "major", 50, "6", "x"));
	alert_list_push(&l, mk("crit-old", "critical", 10, "7", "x"));
	alert_list_push(&l, mk("crit-new", "page", 20, "8", "x"));
	alert_list_sort(&l);
	for (i = 0; i < l.n; i++)
		assert_string_equal(alert_name(l.v[i]), want[i]);
	/* ties broken by fingerprint, then cluster: a total order */
	assert_string_equal(l.v[3]->fingerprint, "4");
	assert_string_equal(l.v[3]->cluster, "x");
	assert_string_equal(l.v[4]->fingerprint, "4");
	assert_string_equal(l.v[4]->cluster, "y");
	assert_string_equal(l.v[5]->fingerprint, "5");
	alert_list_clear(&l);
	assert_int_equal(l.n, 0);
	alert_list_free(&l);
}

/* The documented order, checked pair by pair (independent of how the sort
 * works): severity, newest first, alertname, fingerprint, cluster. */
static int order_ok(const struct alert *a, const struct alert *b)
{
	int c;

	if (a->severity != b->severity)
		return a->severity < b->severity;
	if (a->starts != b->starts)
		return a->starts > b->starts;
	if ((c = strcmp(alert_name(a), alert_name(b))) != 0)
		return c < 0;
	if ((c = strcmp(a->fingerprint, b->fingerprint)) != 0)
		return c < 0;
	return strcmp(a->cluster, b->cluster) <= 0;
}

/* Big lists of every shape the sort meets: random, few distinct keys (ties
 * down to the fingerprint), sorted, reversed, organ pipe. The result is
 * ordered and holds the same alerts. */
static void test_sort_big_shapes(void **state)
{
	static const char *const sev[] = { "critical", "error", "warning", "info", NULL };
	static const char *const names[] = { "A", "B", "C" };
	const size_t n = 5000;
	unsigned shape;
	size_t i;

	(void)state;
	for (shape = 0; shape < 5; shape++) {
		struct alert_list l = {0};
		struct alert **before = xcalloc(n, sizeof *before);
		unsigned r = 12345 + shape;
		char fp[32], cl[8];

		for (i = 0; i < n; i++) {
			size_t k = shape == 2 ? i : shape == 3 ? n - i : shape == 4 ? (i < n / 2 ? i : n - i) : 0;

			r = r * 1103515245u + 12345u;
			snprintf(fp, sizeof fp, "%08x", shape >= 2 ? (unsigned)k : r >> 4);
			snprintf(cl, sizeof cl, "c%u", (r >> 20) % 2);
			if (shape == 1) /* few keys: ties all the way down */
				alert_list_push(&l, mk(names[r % 3], sev[(r >> 8) % 2], 100, fp, cl));
			else if (shape == 0)
				alert_list_push(&l, mk(names[r % 3], sev[(r >> 8) % 5], (double)((r >> 12) % 500), fp, cl));
			else
				alert_list_push(&l, mk("A", "warning", (double)(n - k), fp, "c"));
			before[i] = l.v[i];
		}
		alert_list_sort(&l);
		assert_int_equal(l.n, n);
		for (i = 1; i < n; i++)
			if (!order_ok(l.v[i - 1], l.v[i]))
				fail_msg("shape %u: alerts %zu and %zu out of order", shape, i - 1, i);
		/* a permutation: every alert once */
		qsort(before, n, sizeof *before, ptr_cmp);
		{
			struct alert **after = xcalloc(n, sizeof *after);

			memcpy(after, l.v, n * sizeof *after);
			qsort(after, n, sizeof *after, ptr_cmp);
			assert_memory_equal(before, after, n * sizeof *after);
			free(after);
		}
		free(before);
		alert_list_free(&l);
	}
}

/* ---- encode ------------------------------------------------------------- */

static const char *runbook_for_checkout(const struct alert *a, void *data)
{
	(*(int *)data)++;
	return strcmp(alert_name(a), "CheckoutHighErrorRate") == 0 ? "runbooks/checkout.md" : NULL;
}

static void test_json_round_trip(void **state)
{
	struct alert_list l = {0}, l2 = {0};
	char err[ERR_MAX] = "";
	const struct alert *a, *b;
	size_t i, k, skipped = 9;
	int calls = 0;
	char *json;
	cJSON *root, *it;

	(void)state;
	load_alerts("prod", &l);
	json = alert_list_to_json(&l, runbook_for_checkout, &calls);
	assert_int_equal(calls, 7);
	/* one alert per line */
	for (i = 0, k = 0; json[i]; i++)
		k += json[i] == '\n';
	assert_int_equal(k, 8);

	root = cJSON_Parse(json);
	assert_non_null(root);
	assert_int_equal(cJSON_GetArraySize(root), 7);
	cJSON_ArrayForEach(it, root) {
		const cJSON *rb = cJSON_GetObjectItemCaseSensitive(it, "runbook");
		const cJSON *fp = cJSON_GetObjectItemCaseSensitive(it, "fingerprint");
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(it, "status");

		assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "cluster")->valuestring, "prod");
		assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(it, "receivers")));
		assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(st, "state")));
		if (strcmp(fp->valuestring, FP_CHECKOUT_ERR) == 0)
			assert_string_equal(rb->valuestring, "runbooks/checkout.md");
		else
			assert_true(cJSON_IsNull(rb));
		if (strcmp(fp->valuestring, FP_CHECKOUT_LAT) == 0)
			assert_string_equal(cJSON_GetObjectItemCaseSensitive(st, "state")->valuestring,
			                    "suppressed");
	}
	cJSON_Delete(root);

	assert_int_equal(decode(json, strlen(json), "prod", &l2, &skipped, err), 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(l2.n, l.n);
	for (i = 0; i < l.n; i++) {
		a = l.v[i];
		b = l2.v[i];
		assert_string_equal(a->fingerprint, b->fingerprint);
		assert_true(labelset_equal(&a->labels, &b->labels));
		assert_true(labelset_equal(&a->annotations, &b->annotations));
		assert_int_equal(a->state, b->state);
		assert_int_equal(a->severity, b->severity);
		assert_string_equal(a->starts_at, b->starts_at);
		assert_true(a->starts == b->starts);
		assert_int_equal(a->n_receivers, b->n_receivers);
		assert_string_equal(a->receivers[0], b->receivers[0]);
		assert_int_equal(a->n_silenced_by, b->n_silenced_by);
		assert_int_equal(a->n_inhibited_by, b->n_inhibited_by);
		if (a->generator_url)
			assert_string_equal(a->generator_url, b->generator_url);
		else
			assert_null(b->generator_url);
	}
	free(json);
	alert_list_free(&l);
	alert_list_free(&l2);

	json = alert_list_to_json(&l, NULL, NULL);
	assert_string_equal(json, "[]");
	free(json);
}

/* A hand-built alert (no strings for times) encodes with formatted times. */
static void test_encode_built_alert(void **state)
{
	struct alert_list l = {0};
	char *json;

	(void)state;
	alert_list_push(&l, mk("Hand", "warning", 1700000000.5, "ff", "lab"));
	json = alert_list_to_json(&l, NULL, NULL);
	assert_non_null(strstr(json, "\"startsAt\":\"2023-11-14T22:13:20.500Z\""));
	assert_non_null(strstr(json, "\"endsAt\":null"));
	assert_non_null(strstr(json, "\"runbook\":null"));
	assert_non_null(strstr(json, "\"cluster\":\"lab\""));
	assert_non_null(strstr(json, "\"state\":\"active\""));
	free(json);
	alert_list_free(&l);
}

/* ---- scale -------------------------------------------------------------- */

/* 50k alerts from two peers: decode, merge, sort stay near-linear (a
 * quadratic merge would take minutes here). */
static void test_50k_alerts(void **state)
{
	struct buf b = {0};
	struct alert_list a = {0}, c = {0}, m = {0};
	char err[ERR_MAX] = "";
	size_t i, n = 50000, skipped = 1;

	(void)state;
	buf_putc(&b, '[');
	for (i = 0; i < n; i++)
		buf_printf(&b,
		           "%s{\"labels\":{\"alertname\":\"A%zu\",\"severity\":\"%s\",\"instance\":\"h%zu:9100\"},"
		           "\"annotations\":{\"summary\":\"s\"},\"fingerprint\":\"%016zx\","
		           "\"startsAt\":\"2026-11-22T04:%02zu:%02zu.000Z\",\"status\":{\"state\":\"active\","
		           "\"silencedBy\":[],\"inhibitedBy\":[]},\"receivers\":[{\"name\":\"r\"}]}",
		           i ? "," : "", i, i % 3 ? "warning" : "critical", i, i * 7919, i % 60,
		           (i / 60) % 60);
	buf_putc(&b, ']');
	assert_int_equal(alert_list_from_json(b.data, b.len, "prod", &a, &skipped, err), 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(a.n, n);
	assert_int_equal(alert_list_from_json(b.data, b.len, "prod", &c, NULL, err), 0);
	alert_list_merge(&m, &a);
	alert_list_merge(&m, &c);
	assert_int_equal(m.n, n);
	alert_list_sort(&m);
	assert_int_equal(m.v[0]->severity, SEV_CRITICAL);
	assert_int_equal(m.v[n - 1]->severity, SEV_WARNING);
	for (i = 1; i < n; i++)
		assert_true(m.v[i - 1]->severity <= m.v[i]->severity);
	buf_free(&b);
	alert_list_free(&a);
	alert_list_free(&c);
	alert_list_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_peers),
		cmocka_unit_test(test_merge_clusters),
		cmocka_unit_test(test_merge_ref_take),
		cmocka_unit_test(test_sort_real),
		cmocka_unit_test(test_sort_order),
		cmocka_unit_test(test_sort_big_shapes),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_encode_built_alert),
		cmocka_unit_test(test_50k_alerts),
	};

	return cmocka_run_group_tests_name("alert_list", tests, NULL, NULL);
}
