/* alert_fixture.h: what test_alert.c, test_alert_list.c and
 * test_alert_stream.c share: the Alertmanager 0.25 payloads captured by
 * tests/fixtures/capture-am.sh, the fingerprints of the alerts in
 * am-alerts.json, and helpers that load and decode them. Header-only so
 * each test binary stays one file: the helpers are static inline, so a test
 * that uses only some of them compiles without unused-function warnings.
 * Include it after <cmocka.h>. */
#ifndef PAGETTY_TEST_ALERT_FIXTURE_H
#define PAGETTY_TEST_ALERT_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "core/util.h"

#define FIX_ALERTS "tests/fixtures/am-alerts.json"
#define FIX_GROUPS "tests/fixtures/am-alert-groups.json"
#define FIX_SILENCES "tests/fixtures/am-silences.json"

#define FP_CHECKOUT_ERR "aaa500af64bab413"
#define FP_CHECKOUT_LAT "c91c1b132f50a137"
#define FP_DISK "1006c359eff24f81"
#define FP_ODD "887d36b1610c7d51"
#define FP_WATCHDOG "003b0a0f7d3fa569"
#define FP_CERT "0b238163b85588de"
#define FP_QUEUE "f65d846898839c89"

static inline char *load(const char *path, size_t *len)
{
	char err[ERR_MAX] = "";
	char *data = NULL;

	if (read_file(path, 64 << 20, &data, len, err) != 0)
		fail_msg("%s", err);
	return data;
}

/* Decode from an exact-length heap copy, so valgrind sees any over-read. */
static inline int decode(const char *body, size_t len, const char *cluster,
                         struct alert_list *l, size_t *skipped, char *err)
{
	char *copy = xmalloc(len ? len : 1);
	int rc;

	memcpy(copy, body, len);
	rc = alert_list_from_json(copy, len, cluster, l, skipped, err);
	free(copy);
	return rc;
}

static inline void load_alerts(const char *cluster, struct alert_list *l)
{
	char err[ERR_MAX] = "";
	size_t len, skipped = 99;
	char *body = load(FIX_ALERTS, &len);

	assert_int_equal(decode(body, len, cluster, l, &skipped, err), 0);
	assert_int_equal(skipped, 0);
	free(body);
}

static inline const struct alert *by_fp(const struct alert_list *l, const char *cluster,
                                        const char *fp)
{
	long i = alert_list_find(l, cluster, fp);

	if (i < 0)
		fail_msg("fingerprint %s not found in cluster %s", fp, cluster);
	return l->v[i];
}

#endif
