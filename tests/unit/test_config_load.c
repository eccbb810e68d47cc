/* test_config_load.c: configuration from outside the YAML text: files on
 * disk (the permission warning, load errors, the shipped
 * examples/config.yaml), the default path's environment precedence, the
 * flag additions and URL display/redaction. Parsing is in test_config.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/util.h"

static int parse(struct config *c, const char *yaml, char err[ERR_MAX])
{
	config_init(c);
	err[0] = '\0';
	return config_parse(c, yaml, strlen(yaml), "t.yaml", err);
}

/* ---- files: permissions, loading ---- */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/pagetty-config-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static char *write_tmp(const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static size_t count_matching(const struct config *c, const char *needle)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_warnings; i++)
		n += strstr(c->warnings[i], needle) != NULL;
	return n;
}

static void test_permissions(void **state)
{
	static const struct {
		mode_t cfg_mode, token_mode;
		size_t cfg_warn, token_warn;
	} cases[] = {
		{ 0600, 0600, 0, 0 },
		{ 0644, 0600, 1, 0 },
		{ 0640, 0600, 1, 0 },
		{ 0600, 0644, 0, 1 },
		{ 0604, 0640, 1, 1 },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *tok = write_tmp("token", "s3cr3t\n", cases[i].token_mode);
		char *yaml = xasprintf("refresh: 10s\nalertmanagers:\n  - url: http://a\n"
		                       "    auth: {bearer_token_file: %s}\n", tok);
		char *path = write_tmp("config.yaml", yaml, cases[i].cfg_mode);
		struct config c;
		char err[ERR_MAX], *want;

		config_init(&c);
		assert_int_equal(config_load_file(&c, path, err), 0);
		assert_string_equal(c.path, path);
		assert_int_equal(c.refresh_ms, 10000);
		assert_string_equal(c.am[0].http.bearer_token_file, tok);
		assert_int_equal(count_matching(&c, "the config names a secret file and is readable "
		                                    "by group/other"), cases[i].cfg_warn);
		assert_int_equal(count_matching(&c, "secret file is readable by group/other"),
		                 cases[i].token_warn);
		assert_int_equal(c.n_warnings, cases[i].cfg_warn + cases[i].token_warn);
		if (cases[i].cfg_warn) {
			/* points at the key's value */
			want = xasprintf("%s:4:31: ", path);
			assert_true(count_matching(&c, want) == 1);
			free(want);
		}
		config_free(&c);
		free(path);
		free(yaml);
		free(tok);
	}
}

/* A world-readable config naming no secret file gets no warning. */
static void test_permissions_no_secret(void **state)
{
	char *path = write_tmp("plain.yaml", "alertmanagers:\n  - url: http://a\n"
	                                     "    auth: {bearer_token_env: T}\n", 0644);
	struct config c;
	char err[ERR_MAX];

	(void)state;
	config_init(&c);
	assert_int_equal(config_load_file(&c, path, err), 0);
	assert_int_equal(c.n_warnings, 0);
	config_free(&c);
	free(path);
}

static void test_load_errors(void **state)
{
	char *path = write_tmp("bad.yaml", "refresh: 15x\n", 0600);
	char *missing = xasprintf("%s/nope.yaml", tmpdir);
	char *want;
	struct config c;
	char err[ERR_MAX];

	(void)state;
	config_init(&c);
	assert_int_equal(config_load_file(&c, path, err), -1);
	want = xasprintf("%s:1:12: refresh: invalid duration", path);
	assert_true(str_has_prefix(err, want));
	free(want);
	assert_int_equal(config_load_file(&c, missing, err), -1);
	assert_true(str_has_prefix(err, missing));
	assert_int_equal(config_load_file(&c, tmpdir, err), -1);
	assert_non_null(strstr(err, "directory"));
	config_free(&c);
	free(path);
	free(missing);
}

/* The shipped example parses with no warning and means what it says. */
static void test_example(void **state)
{
	struct config c;
	char err[ERR_MAX];

	(void)state;
	setenv("HOME", "/home/test", 1);
	config_init(&c);
	if (config_load_file(&c, "examples/config.yaml", err) != 0)
		fail_msg("%s", err);
	for (size_t i = 0; i < c.n_warnings; i++)
		print_message("warning: %s\n", c.warnings[i]);
	assert_int_equal(c.n_warnings, 0);
	assert_int_equal(c.refresh_ms, 15000);
	assert_int_equal(c.n_am, 2);
	assert_string_equal(c.am[0].name, "prod-eu");
	assert_int_equal(c.am[0].n_urls, 3);
	assert_string_equal(c.am[0].http.bearer_token_env, "AM_TOKEN");
	assert_string_equal(c.am[1].name, "am.staging.example.net:9093");
	assert_int_equal(c.n_prom, 2);
	assert_string_equal(c.prom[0].http.basic_password_env, "THANOS_PASSWORD");
	assert_null(c.prom[0].http.path_prefix);
	assert_string_equal(c.prom[1].name, "edge");
	assert_string_equal(c.slo_prometheus, "thanos");
	assert_int_equal(c.n_signals, 1);
	assert_string_equal(c.signals[0].prometheus, "edge");
	assert_true(c.signals[0].thresholds[SIGNAL_LATENCY].set);
	assert_true(c.signals[0].thresholds[SIGNAL_LATENCY].value == 0.5);
	assert_true(c.signals[0].thresholds[SIGNAL_ERRORS].value == 0.01);
	assert_false(c.signals[0].thresholds[SIGNAL_TRAFFIC].set);
	assert_int_equal(c.n_runbook_dirs, 2);
	assert_string_equal(c.runbook_dirs[0], "/home/test/runbooks");
	assert_string_equal(c.runbook_base_url, "https://git.example.net/raw/runbooks/main/");
	assert_string_equal(c.slo_files[0], "/home/test/slo/*.yaml");
	assert_int_equal(c.exec_timeout_ms, 60000);
	assert_int_equal(c.exec_output_limit, 1 << 20);
	assert_string_equal(c.timeline_dir, "/home/test/.local/state/pagetty/incidents");
	config_free(&c);
}

/* ---- default path ---- */

static void test_default_path(void **state)
{
	static const struct {
		const char *pagetty, *xdg, *home, *want;
	} cases[] = {
		{ "/etc/p.yaml", "/x", "/h", "/etc/p.yaml" },
		{ NULL, "/x", "/h", "/x/pagetty/config.yaml" },
		{ "", "/x", "/h", "/x/pagetty/config.yaml" },
		{ NULL, NULL, "/h", "/h/.config/pagetty/config.yaml" },
		{ NULL, "", "/h", "/h/.config/pagetty/config.yaml" },
		{ NULL, "relative", "/h", "/h/.config/pagetty/config.yaml" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *p;

		if (cases[i].pagetty)
			setenv("PAGETTY_CONFIG", cases[i].pagetty, 1);
		else
			unsetenv("PAGETTY_CONFIG");
		if (cases[i].xdg)
			setenv("XDG_CONFIG_HOME", cases[i].xdg, 1);
		else
			unsetenv("XDG_CONFIG_HOME");
		setenv("HOME", cases[i].home, 1);
		p = config_default_path();
		if (strcmp(p, cases[i].want))
			fail_msg("case %zu: got %s want %s", i, p, cases[i].want);
		free(p);
	}
	unsetenv("PAGETTY_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	{
		char *p = config_default_path();

		assert_true(strstr(p, "/.config/pagetty/config.yaml") != NULL);
		free(p);
	}
	setenv("HOME", "/home/test", 1);
}

/* ---- flags ---- */

static void test_add(void **state)
{
	struct config c;
	char err[ERR_MAX];

	(void)state;
	setenv("HOME", "/home/test", 1);
	config_init(&c);
	assert_int_equal(config_add_alertmanager(&c, "http://localhost:9093/", err), 0);
	assert_int_equal(config_add_alertmanager(&c, "https://u:p@am.example.net", err), 0);
	assert_int_equal(c.n_am, 2);
	assert_string_equal(c.am[0].name, "localhost:9093");
	assert_string_equal(c.am[0].urls[0], "http://localhost:9093");
	assert_int_equal(c.am[0].n_urls, 1);
	assert_string_equal(c.am[1].name, "am.example.net");
	assert_int_equal(config_add_alertmanager(&c, "localhost:9093", err), -1);
	assert_string_equal(err, "invalid URL \"localhost:9093\": the scheme must be http:// or https://");
	assert_int_equal(config_add_alertmanager(&c, "ftp://u:secret@h", err), -1);
	assert_null(strstr(err, "secret"));
	assert_int_equal(c.n_am, 2);

	assert_int_equal(config_add_prometheus(&c, "http://[::1]:9090//", err), 0);
	assert_string_equal(c.prom[0].url, "http://[::1]:9090");
	assert_string_equal(c.prom[0].name, "[::1]:9090");
	assert_int_equal(config_add_prometheus(&c, "", err), -1);
	assert_int_equal(c.n_prom, 1);

	config_add_runbook_dir(&c, "~/rb");
	config_add_runbook_dir(&c, "/srv/rb");
	config_add_runbook_dir(&c, "");
	assert_int_equal(c.n_runbook_dirs, 2);
	assert_string_equal(c.runbook_dirs[0], "/home/test/rb");
	config_free(&c);

	/* --slo adds to the file's slo.files rather than replacing them. */
	assert_int_equal(parse(&c, "slo: {files: [/srv/slo/*.yaml]}\n", err), 0);
	config_add_slo_file(&c, "~/checkout.yml");
	config_add_slo_file(&c, "");
	config_add_slo_file(&c, NULL);
	config_add_slo_file(&c, "/tmp/b.yml");
	assert_int_equal(c.n_slo_files, 3);
	assert_string_equal(c.slo_files[0], "/srv/slo/*.yaml");
	assert_string_equal(c.slo_files[1], "/home/test/checkout.yml");
	assert_string_equal(c.slo_files[2], "/tmp/b.yml");
	config_free(&c);
}

/* The --alertmanager flags replace the file's clusters: every cluster is
 * freed with all it holds (valgrind checks the auth/TLS strings), the rest
 * of the config is kept, and the config stays usable. */
static void test_clear_alertmanagers(void **state)
{
	static const char yaml[] =
		"alertmanagers:\n"
		"  - name: eu\n"
		"    url: https://am-0.example.net\n"
		"    peers: [https://am-1.example.net, https://am-2.example.net]\n"
		"    headers: {X-Scope-OrgID: team-a, X-Other: b}\n"
		"    auth: {bearer_token_file: /run/secrets/am}\n"
		"    tls: {ca_file: /etc/ca.pem, cert_file: /etc/c.pem, key_file: /etc/k.pem,\n"
		"          insecure_skip_verify: true}\n"
		"  - url: http://am-us:9093\n"
		"    auth: {basic: {username: pagetty, password_file: /run/secrets/pw}}\n"
		"  - url: http://am-ap:9093\n"
		"    auth: {basic: {username: u, password_env: AM_PW}}\n"
		"    headers: {X-Tenant: t}\n"
		"  - url: http://am-x:9093\n"
		"    auth: {bearer_token_env: AM_TOKEN}\n"
		"prometheus: [{url: http://prom:9090, auth: {bearer_token_env: P}}]\n";
	struct config c;
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(parse(&c, yaml, err), 0);
	assert_int_equal(c.n_am, 4);
	assert_int_equal(c.am[0].n_urls, 3);
	assert_string_equal(c.am[0].http.key_file, "/etc/k.pem");
	assert_string_equal(c.am[1].http.basic_password_file, "/run/secrets/pw");

	config_clear_alertmanagers(&c);
	assert_int_equal(c.n_am, 0);
	assert_null(c.am);
	/* the rest of the config is untouched */
	assert_int_equal(c.n_prom, 1);
	assert_string_equal(c.prom[0].url, "http://prom:9090");
	assert_string_equal(c.prom[0].http.bearer_token_env, "P");
	assert_string_equal(c.exec_shell, "/bin/sh");

	/* clearing twice is harmless; the config is usable afterwards */
	config_clear_alertmanagers(&c);
	assert_int_equal(c.n_am, 0);
	assert_int_equal(config_add_alertmanager(&c, "http://127.0.0.1:1", err), 0);
	assert_int_equal(c.n_am, 1);
	assert_string_equal(c.am[0].name, "127.0.0.1:1");
	assert_null(c.am[0].http.bearer_token_file);
	config_free(&c);

	/* on a config that never had one */
	config_init(&c);
	config_clear_alertmanagers(&c);
	assert_int_equal(c.n_am, 0);
	config_free(&c);
}

/* ---- URL display ---- */

static void test_urls(void **state)
{
	static const struct {
		const char *url, *name, *redacted;
	} cases[] = {
		{ "https://am.example.net", "am.example.net", "https://am.example.net" },
		{ "http://am:9093/path?q=1", "am:9093", "http://am:9093/path?q=1" },
		{ "https://user:pass@am:9093/x", "am:9093", "https://***@am:9093/x" },
		{ "https://user@am", "am", "https://***@am" },
		{ "https://a@b:c@am/p@q", "am", "https://***@am/p@q" },
		{ "http://[::1]:9093", "[::1]:9093", "http://[::1]:9093" },
		{ "am:9093", "am:9093", "am:9093" },
		{ "u:p@am", "am", "***@am" },
		{ "https://", "https://", "https://" },
		{ "https://u:p@", "https://***@", "https://***@" },
		{ "", "", "" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *n = url_display_name(cases[i].url), *r = url_redact(cases[i].url);

		if (strcmp(n, cases[i].name) || strcmp(r, cases[i].redacted))
			fail_msg("case %zu: %s -> name %s, redacted %s", i, cases[i].url, n, r);
		free(n);
		free(r);
	}
	assert_null(url_display_name(NULL));
	assert_null(url_redact(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_permissions, make_tmpdir, remove_tmpdir),
		cmocka_unit_test_setup_teardown(test_permissions_no_secret, make_tmpdir, remove_tmpdir),
		cmocka_unit_test_setup_teardown(test_load_errors, make_tmpdir, remove_tmpdir),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_clear_alertmanagers),
		cmocka_unit_test(test_urls),
	};

	unsetenv("XDG_STATE_HOME");
	return cmocka_run_group_tests_name("config_load", tests, NULL, NULL);
}
