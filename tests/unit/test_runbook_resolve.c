/* test_runbook_resolve.c: finding an alert's runbook: by alert name in the
 * runbook directories (CamelCase, kebab-case, snake_case, any case), by its
 * runbook_url annotation (URLs, a base URL, file paths; hostile values not
 * followed), what was looked at when nothing is found, and a name or path
 * given on the command line. Against a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/runbook.h"

#define CANON "tests/fixtures/runbooks/CheckoutHighErrorRate.md"

/* ---- resolution ------------------------------------------------------------ */

static char tmpdir[64];

static void touch(const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# x\n", f);
	fclose(f);
}

static int resolve_setup(void **state)
{
	char path[256];

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/pagetty-rb-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	touch("HighErrorRate.md");
	touch("kube-pod-crash-looping.md");
	touch("node_disk_full.md");
	touch("WATCHDOG.MD");
	snprintf(path, sizeof path, "%s/team", tmpdir);
	mkdir(path, 0700);
	touch("team/svc.md");
	snprintf(path, sizeof path, "%s/Dir.md", tmpdir);
	mkdir(path, 0700);       /* a directory is not a runbook */
	return 0;
}

static int resolve_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_resolve(void **state)
{
	static const struct {
		const char *alertname;
		const char *annotation;  /* runbook_url, or NULL */
		const char *base_url;
		enum rb_loc kind;
		const char *want;        /* location; "@" stands for the temp dir */
	} cases[] = {
		{ "HighErrorRate", NULL, NULL, RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "KubePodCrashLooping", NULL, NULL, RB_LOC_FILE, "@/kube-pod-crash-looping.md" },
		{ "NodeDiskFull", NULL, NULL, RB_LOC_FILE, "@/node_disk_full.md" },
		{ "Watchdog", NULL, NULL, RB_LOC_FILE, "@/WATCHDOG.MD" },
		{ "highERRORrate", NULL, NULL, RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "X", "https://wiki.example/rb/X", NULL, RB_LOC_URL, "https://wiki.example/rb/X" },
		{ "X", "team/svc.md", "https://git.example.net/raw/main/", RB_LOC_URL,
		  "https://git.example.net/raw/main/team/svc.md" },
		{ "X", "team/svc.md", "https://git.example.net/raw", RB_LOC_URL,
		  "https://git.example.net/raw/team/svc.md" },
		{ "X", "./team/svc.md", NULL, RB_LOC_FILE, "@/team/svc.md" },
		{ "X", "file://@/team/svc.md", NULL, RB_LOC_FILE, "@/team/svc.md" },
		{ "X", "@/team/svc.md", NULL, RB_LOC_FILE, "@/team/svc.md" },
		{ "HighErrorRate", "javascript:alert(1)", NULL, RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "HighErrorRate", "../../etc/passwd", NULL, RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "HighErrorRate", "ftp://x/y.md", "https://b/", RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "HighErrorRate", "file:///nonexistent/x.md", NULL, RB_LOC_FILE, "@/HighErrorRate.md" },
		{ "../HighErrorRate", NULL, NULL, RB_LOC_NONE, NULL },
		{ "team/svc", NULL, NULL, RB_LOC_NONE, NULL },
		{ ".hidden", NULL, NULL, RB_LOC_NONE, NULL },
		{ "Dir", NULL, NULL, RB_LOC_NONE, NULL },
		{ "", NULL, NULL, RB_LOC_NONE, NULL },
	};
	char *dirs[] = { tmpdir }, want[256], ann[256];
	struct config cfg = {0};
	struct alert a = {0};
	struct rb_where w;
	const char *at;
	size_t i;

	(void)state;
	cfg.runbook_dirs = dirs;
	cfg.n_runbook_dirs = 1;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		labelset_set(&a.labels, "alertname", cases[i].alertname);
		labelset_free(&a.annotations);
		if (cases[i].annotation) {
			at = strchr(cases[i].annotation, '@');
			if (at)
				snprintf(ann, sizeof ann, "%.*s%s%s", (int)(at - cases[i].annotation),
				         cases[i].annotation, tmpdir, at + 1);
			else
				snprintf(ann, sizeof ann, "%s", cases[i].annotation);
			labelset_set(&a.annotations, "runbook_url", ann);
		}
		cfg.runbook_base_url = (char *)cases[i].base_url;
		runbook_resolve(&a, &cfg, &w);
		if (w.kind != cases[i].kind)
			fail_msg("case %zu (%s): kind %d, want %d", i, cases[i].alertname, w.kind, cases[i].kind);
		if (cases[i].want) {
			at = strchr(cases[i].want, '@');
			snprintf(want, sizeof want, "%s%s", at ? tmpdir : "", at ? at + 1 : cases[i].want);
			assert_string_equal(w.location, want);
		} else {
			assert_null(w.location);
			assert_true(w.n_looked > 0);
		}
		rb_where_free(&w);
	}
	labelset_free(&a.labels);
	labelset_free(&a.annotations);
}

static void test_resolve_missing(void **state)
{
	char *dirs[] = { tmpdir, "/nonexistent-pagetty" }, want[256];
	struct config cfg = {0};
	struct alert a = {0};
	struct rb_where w;
	size_t i;
	bool seen_kebab = false, seen_second = false, seen_ann = false;

	(void)state;
	cfg.runbook_dirs = dirs;
	cfg.n_runbook_dirs = 2;
	labelset_set(&a.labels, "alertname", "CheckoutHighErrorRate");
	labelset_set(&a.annotations, "runbook", "gopher://x/y\x1b[2J");
	runbook_resolve(&a, &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_NONE);
	assert_null(w.location);
	snprintf(want, sizeof want, "%s/CheckoutHighErrorRate.md", tmpdir);
	assert_string_equal(w.looked[1], want);
	snprintf(want, sizeof want, "%s/checkout-high-error-rate.md", tmpdir);
	for (i = 0; i < w.n_looked; i++) {
		seen_kebab |= strcmp(w.looked[i], want) == 0;
		seen_second |= strcmp(w.looked[i], "/nonexistent-pagetty/checkout_high_error_rate.md") == 0;
		seen_ann |= strstr(w.looked[i], "gopher://x/y\\e[2J") && strstr(w.looked[i], "not followed");
		assert_null(strchr(w.looked[i], '\x1b'));
	}
	assert_true(seen_kebab && seen_second && seen_ann);
	assert_int_equal(w.n_looked, 9);  /* annotation + 2 dirs x (3 names + any case) */
	rb_where_free(&w);

	/* no dirs at all still says something */
	cfg.n_runbook_dirs = 0;
	runbook_resolve(&a, &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_NONE);
	assert_true(w.n_looked >= 2);
	rb_where_free(&w);
	runbook_resolve(&a, NULL, &w);
	assert_int_equal(w.kind, RB_LOC_NONE);
	rb_where_free(&w);
	labelset_free(&a.labels);
	labelset_free(&a.annotations);
}

static void test_resolve_name(void **state)
{
	char *dirs[] = { tmpdir }, want[256];
	struct config cfg = {0};
	struct rb_where w;

	(void)state;
	cfg.runbook_dirs = dirs;
	cfg.n_runbook_dirs = 1;
	runbook_resolve_name(CANON, &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_FILE);
	assert_string_equal(w.location, CANON);
	rb_where_free(&w);
	runbook_resolve_name("KubePodCrashLooping", &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_FILE);
	snprintf(want, sizeof want, "%s/kube-pod-crash-looping.md", tmpdir);
	assert_string_equal(w.location, want);
	rb_where_free(&w);
	runbook_resolve_name("no/such/file.md", &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_NONE);
	assert_int_equal(w.n_looked, 1);
	rb_where_free(&w);
	runbook_resolve_name("https://wiki.example/x.md", &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_URL);
	rb_where_free(&w);
	runbook_resolve_name("", &cfg, &w);
	assert_int_equal(w.kind, RB_LOC_NONE);
	rb_where_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolve, resolve_setup, resolve_teardown),
		cmocka_unit_test_setup_teardown(test_resolve_missing, resolve_setup, resolve_teardown),
		cmocka_unit_test_setup_teardown(test_resolve_name, resolve_setup, resolve_teardown),
	};

	return cmocka_run_group_tests_name("runbook_resolve", tests, NULL, NULL);
}
