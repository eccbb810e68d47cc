/* test_config.c: parsing the YAML configuration: good configs and the
 * values they give, bad configs and the exact FILE:LINE:COL of their
 * errors, warnings for unknown keys and literal secrets, two files merged,
 * and hostile input. Files on disk, the default path, the flags and URL
 * display are in test_config_load.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/util.h"

static int parse(struct config *c, const char *yaml, char err[ERR_MAX])
{
	config_init(c);
	err[0] = '\0';
	return config_parse(c, yaml, strlen(yaml), "t.yaml", err);
}

/* ---- good configs ---- */

static void check_empty(const struct config *c)
{
	assert_int_equal(c->refresh_ms, 15000);
	assert_int_equal(c->n_am, 0);
	assert_int_equal(c->n_prom, 0);
	assert_string_equal(c->exec_shell, "/bin/sh");
	assert_int_equal(c->exec_timeout_ms, 60000);
	assert_int_equal(c->exec_output_limit, 1024 * 1024);
	assert_non_null(c->timeline_dir);
	assert_null(c->runbook_base_url);
}

static void check_full(const struct config *c)
{
	const struct am_cluster *a = &c->am[0];
	const struct prom_source *p = &c->prom[0];

	assert_int_equal(c->refresh_ms, 90000);
	assert_int_equal(c->n_am, 2);
	assert_string_equal(a->name, "prod-eu");
	assert_int_equal(a->n_urls, 3);
	assert_string_equal(a->urls[0], "https://am-0.example.net");
	assert_string_equal(a->urls[1], "https://am-1.example.net");
	assert_string_equal(a->urls[2], "http://am-2.example.net:9093/x");
	assert_string_equal(labelset_get(&a->http.headers, "X-Scope-OrgID"), "team-a");
	assert_string_equal(a->http.bearer_token_env, "AM_TOKEN");
	assert_null(a->http.bearer_token_file);
	assert_string_equal(a->http.ca_file, "/home/test/ca.pem");
	assert_true(a->http.insecure_skip_verify);
	assert_string_equal(c->am[1].name, "am.example.org:9093");
	assert_int_equal(c->am[1].n_urls, 1);
	assert_false(c->am[1].http.insecure_skip_verify);

	assert_int_equal(c->n_prom, 1);
	assert_string_equal(p->name, "mimir");
	assert_string_equal(p->url, "https://mimir.example.net");
	assert_string_equal(p->http.path_prefix, "/prometheus");
	assert_string_equal(p->http.basic_username, "oncall");
	assert_string_equal(p->http.basic_password_file, "/home/test/pw");
	assert_null(p->http.basic_password_env);
	assert_string_equal(p->http.cert_file, "/c.pem");
	assert_string_equal(p->http.key_file, "/k.pem");

	assert_int_equal(c->n_runbook_dirs, 2);
	assert_string_equal(c->runbook_dirs[0], "/home/test/runbooks");
	assert_string_equal(c->runbook_dirs[1], "/srv/rb");
	assert_string_equal(c->runbook_base_url, "https://git.example.net/raw/");
	assert_int_equal(c->n_slo_files, 1);
	assert_string_equal(c->slo_files[0], "/home/test/slo/*.yaml");
	assert_string_equal(c->exec_shell, "/bin/bash");
	assert_int_equal(c->exec_timeout_ms, 120000);
	assert_int_equal(c->exec_output_limit, 512 * 1024);
	assert_string_equal(c->timeline_dir, "/home/test/tl");
	assert_int_equal(c->n_warnings, 0);
}

static void check_prefix_none(const struct config *c)
{
	assert_int_equal(c->n_prom, 2);
	assert_string_equal(c->prom[0].name, "prom:9090");
	assert_string_equal(c->prom[0].url, "http://prom:9090");
	assert_null(c->prom[0].http.path_prefix);
	assert_string_equal(c->prom[1].http.path_prefix, "/select/0/prometheus");
}

static void check_bare_refresh(const struct config *c)
{
	assert_int_equal(c->refresh_ms, 30000);
	assert_int_equal(c->exec_output_limit, 1000000);
	assert_int_equal(c->n_am, 0);
}

static void check_userinfo_name(const struct config *c)
{
	assert_int_equal(c->n_am, 1);
	assert_string_equal(c->am[0].name, "am:9093");
	assert_string_equal(c->am[0].urls[0], "https://u@am:9093");
}

/* Two Prometheus servers: SLOs and each service say which one they query
 * (the reference may come before the list); thresholds per signal. */
static void check_two_proms(const struct config *c)
{
	const struct signal_cfg *g;

	assert_int_equal(c->n_prom, 2);
	assert_string_equal(c->slo_prometheus, "thanos");
	assert_int_equal(c->n_signals, 2);
	g = &c->signals[0];
	assert_string_equal(g->service, "checkout");
	assert_string_equal(g->prometheus, "edge");
	assert_true(g->thresholds[SIGNAL_LATENCY].set);
	assert_true(g->thresholds[SIGNAL_LATENCY].value == 0.5);
	assert_false(g->thresholds[SIGNAL_TRAFFIC].set);
	assert_true(g->thresholds[SIGNAL_ERRORS].set);
	assert_true(g->thresholds[SIGNAL_ERRORS].value == 0.01);
	assert_true(g->thresholds[SIGNAL_SATURATION].set);
	assert_true(g->thresholds[SIGNAL_SATURATION].value == 8e-1);
	g = &c->signals[1];
	assert_null(g->prometheus);
	for (int k = 0; k < SIGNAL_COUNT; k++)
		assert_false(g->thresholds[k].set);
}

static const struct {
	const char *yaml;
	void (*check)(const struct config *c);
} good[] = {
	{ "", check_empty },
	{ "# only a comment\n", check_empty },
	{ "---\n", check_empty },
	{ "refresh: 1m30s\n"
	  "alertmanagers:\n"
	  "  - name: prod-eu\n"
	  "    url: https://am-0.example.net/\n"
	  "    peers: [https://am-1.example.net, 'http://am-2.example.net:9093/x//']\n"
	  "    headers: {X-Scope-OrgID: team-a}\n"
	  "    auth: {bearer_token_env: AM_TOKEN}\n"
	  "    tls: {ca_file: ~/ca.pem, insecure_skip_verify: True}\n"
	  "  - url: http://am.example.org:9093\n"
	  "    tls: {insecure_skip_verify: false}\n"
	  "prometheus:\n"
	  "  - name: mimir\n"
	  "    url: HTTPS://mimir.example.net\n"
	  "    path_prefix: prometheus/\n"
	  "    auth:\n"
	  "      basic: {username: oncall, password_file: ~/pw}\n"
	  "    tls: {cert_file: /c.pem, key_file: /k.pem}\n"
	  "runbooks:\n"
	  "  dirs: [~/runbooks, /srv/rb]\n"
	  "  base_url: https://git.example.net/raw\n"
	  "slo: {files: [~/slo/*.yaml]}\n"
	  "signals:\n"
	  "  - service: checkout\n"
	  "    latency: up\n"
	  "exec: {shell: /bin/bash, timeout: 2m, output_limit: 512KiB}\n"
	  "timeline: {dir: ~/tl}\n", check_full },
	{ "prometheus:\n"
	  "  - url: http://prom:9090\n"
	  "    path_prefix: \"\"\n"
	  "  - url: http://vm:8481\n"
	  "    path_prefix: /select/0/prometheus/\n", check_prefix_none },
	{ "refresh: 30\nexec:\n  output_limit: 1MB\nalertmanagers: []\nsignals:\n", check_bare_refresh },
	{ "alertmanagers:\n  - url: https://u@am:9093/\n", check_userinfo_name },
	{ "slo: {files: [], prometheus: thanos}\n"
	  "signals:\n"
	  "  - service: checkout\n"
	  "    prometheus: edge\n"
	  "    latency: x\n"
	  "    thresholds: {latency: 0.5, errors: 1e-2, saturation: '8e-1'}\n"
	  "  - service: db\n"
	  "    traffic: y\n"
	  "    thresholds: {}\n"
	  "prometheus:\n"
	  "  - {name: thanos, url: http://thanos:9090}\n"
	  "  - {name: edge, url: http://edge:9090}\n", check_two_proms },
};

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(good); i++) {
		struct config c;
		char err[ERR_MAX];

		setenv("HOME", "/home/test", 1);
		if (parse(&c, good[i].yaml, err) != 0)
			fail_msg("good[%zu]: %s", i, err);
		good[i].check(&c);
		config_free(&c);
	}
}

/* ---- bad configs: exact positions ---- */

static const struct {
	const char *yaml;
	const char *prefix;
} bad[] = {
	{ "refresh: 15x\n",
	  "t.yaml:1:12: refresh: invalid duration \"15x\": unknown unit 'x'" },
	{ "# c\n\n\nrefresh: 15x\n",
	  "t.yaml:4:12: refresh: invalid duration \"15x\"" },
	{ "refresh: \"15x\"\n", "t.yaml:1:10: refresh: invalid duration \"15x\"" },
	{ "refresh: 100ms\n", "t.yaml:1:10: refresh: must be at least 500ms" },
	{ "refresh: [1]\n", "t.yaml:1:10: refresh: expected a string" },
	{ "refresh:\n", "t.yaml:1:9: refresh: expected a non-empty string" },
	{ "alertmanagers:\n  - name: x\n",
	  "t.yaml:2:5: alertmanagers[0]: url is required" },
	{ "alertmanagers:\n  - url: http://a\n  - name: b\n",
	  "t.yaml:3:5: alertmanagers[1]: url is required" },
	{ "alertmanagers: http://a\n", "t.yaml:1:16: alertmanagers: expected a list" },
	{ "alertmanagers:\n  url: http://a\n", "t.yaml:2:3: alertmanagers: expected a list" },
	{ "alertmanagers: [http://a]\n",
	  "t.yaml:1:17: alertmanagers[0]: expected a mapping" },
	{ "alertmanagers:\n  - url: ftp://a\n",
	  "t.yaml:2:10: alertmanagers[0].url: invalid URL \"ftp://a\": the scheme must be" },
	{ "alertmanagers:\n  - url: am:9093\n",
	  "t.yaml:2:10: alertmanagers[0].url: invalid URL \"am:9093\"" },
	{ "alertmanagers:\n  - url: https://\n",
	  "t.yaml:2:10: alertmanagers[0].url: invalid URL \"https://\": no host" },
	{ "alertmanagers:\n  - url: \"http://a b\"\n",
	  "t.yaml:2:10: alertmanagers[0].url: invalid URL \"http://a b\": spaces" },
	{ "alertmanagers:\n  - url: gopher://user:pw@h\n",
	  "t.yaml:2:10: alertmanagers[0].url: invalid URL \"gopher://***@h\"" },
	{ "alertmanagers:\n  - url: http://a\n    peers: [http://b, ftp://c]\n",
	  "t.yaml:3:23: alertmanagers[0].peers[1]: invalid URL" },
	{ "alertmanagers:\n  - url: http://a\n    peers: http://b\n",
	  "t.yaml:3:12: alertmanagers[0].peers: expected a list" },
	{ "alertmanagers:\n  - url: http://a\n    url: http://b\n",
	  "t.yaml:3:5: alertmanagers[0]: duplicate key \"url\"" },
	{ "alertmanagers:\n  - url: http://a\n    auth: {bearer_token_env: AM_TOKEN, bearer_token_file: /t}\n",
	  "t.yaml:3:11: alertmanagers[0].auth: give only one of" },
	{ "alertmanagers:\n  - url: http://a\n    auth: {bearer_token_env: \"abc.def-ghi\"}\n",
	  "t.yaml:3:30: alertmanagers[0].auth.bearer_token_env: expected the name of an environment variable" },
	{ "alertmanagers:\n  - url: http://a\n    auth: {basic: {password_env: P}}\n",
	  "t.yaml:3:19: alertmanagers[0].auth.basic: username is required" },
	{ "alertmanagers:\n  - url: http://a\n    auth: {basic: {username: u}}\n",
	  "t.yaml:3:19: alertmanagers[0].auth.basic: give exactly one of password_env, password_file" },
	{ "alertmanagers:\n  - url: http://a\n    tls: {insecure_skip_verify: yes}\n",
	  "t.yaml:3:33: alertmanagers[0].tls.insecure_skip_verify: expected true or false" },
	{ "alertmanagers:\n  - url: http://a\n    tls: {key_file: /k}\n",
	  "t.yaml:3:10: alertmanagers[0].tls: key_file needs cert_file" },
	{ "alertmanagers:\n  - url: http://a\n    headers: [a]\n",
	  "t.yaml:3:14: alertmanagers[0].headers: expected a mapping" },
	{ "alertmanagers:\n  - url: http://a\n    headers: {\"X Bad\": v}\n",
	  "t.yaml:3:15: alertmanagers[0].headers: invalid header name \"X Bad\"" },
	{ "alertmanagers:\n  - url: http://a\n    headers: {X-A: \"a\\r\\nX-Evil: 1\"}\n",
	  "t.yaml:3:20: alertmanagers[0].headers.X-A: control characters are not allowed" },
	{ "alertmanagers:\n  - url: http://a\n    headers: {X-A: 1, x-a: 2}\n",
	  "t.yaml:3:23: alertmanagers[0].headers: duplicate header \"x-a\"" },
	{ "prometheus:\n  - url: http://p\n    path_prefix: \"/a?b\"\n",
	  "t.yaml:3:18: prometheus[0].path_prefix: expected a path" },
	{ "runbooks:\n  dirs: ~/rb\n", "t.yaml:2:9: runbooks.dirs: expected a list" },
	{ "runbooks:\n  base_url: file:///rb\n",
	  "t.yaml:2:13: runbooks.base_url: invalid URL \"file:///rb\"" },
	{ "runbooks: [a]\n", "t.yaml:1:11: runbooks: expected a mapping" },
	{ "slo: {files: [[a]]}\n", "t.yaml:1:15: slo.files[0]: expected a string" },
	{ "signals: {a: b}\n", "t.yaml:1:10: signals: expected a list" },
	{ "signals:\n  - service: a\n    prometheus: edge\n"
	  "prometheus: [{name: thanos, url: http://t}]\n",
	  "t.yaml:3:17: signals[0].prometheus: no prometheus named \"edge\" (configured: thanos)" },
	{ "slo: {prometheus: \"a\\x1bb\"}\n",
	  "t.yaml:1:19: slo.prometheus: control characters are not allowed" },
	{ "slo: {prometheus: edge}\n",
	  "t.yaml:1:19: slo.prometheus: no prometheus named \"edge\" (none configured)" },
	{ "signals:\n  - {service: a, thresholds: {latency: fast}}\n",
	  "t.yaml:2:40: signals[0].thresholds.latency: expected a number" },
	{ "signals:\n  - {service: a, thresholds: {errors: .nan}}\n",
	  "t.yaml:2:39: signals[0].thresholds.errors: expected a number" },
	{ "signals:\n  - {service: a, thresholds: {errors: [1]}}\n",
	  "t.yaml:2:39: signals[0].thresholds.errors: expected a number" },
	{ "signals:\n  - {service: a, thresholds: 1}\n",
	  "t.yaml:2:30: signals[0].thresholds: expected a mapping" },
	{ "exec: {timeout: 0s}\n", "t.yaml:1:17: exec.timeout: must be at least" },
	{ "exec: {output_limit: 1XB}\n", "t.yaml:1:22: exec.output_limit: invalid size \"1XB\"" },
	{ "exec: {output_limit: 0}\n", "t.yaml:1:22: exec.output_limit: must be between" },
	{ "exec: {shell: \"\"}\n", "t.yaml:1:15: exec.shell: expected a non-empty string" },
	{ "timeline: {dir: \"a\\0b\"}\n", "t.yaml:1:17: timeline.dir: control characters" },
	{ "refresh: 1s\nrefresh: 2s\n", "t.yaml:2:1: duplicate key \"refresh\"" },
	{ "[a, b]\n", "t.yaml:1:1: expected a mapping of settings" },
	{ "just text\n", "t.yaml:1:1: expected a mapping of settings" },
	{ "? [a]\n: b\n", "t.yaml:1:3: expected a key name" },
	/* syntax errors: libyaml's problem mark */
	{ "refresh: 15s\n  bad: [\n", "t.yaml:" },
	{ "a: [1, 2\n", "t.yaml:2:1: invalid YAML: " },
	{ "a: *nope\n", "t.yaml:1:4: invalid YAML: " },
	{ "a: b\n\tc: d\n", "t.yaml:2:1: invalid YAML: " },
	{ "a: \"\xff\"\n", "t.yaml:1:5: invalid YAML: invalid " },
	{ "refresh: 1s\n---\n[\n", "t.yaml:4:1: invalid YAML: " },
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct config c;
		char err[ERR_MAX];

		if (parse(&c, bad[i].yaml, err) != -1)
			fail_msg("bad[%zu] parsed: %s", i, bad[i].yaml);
		if (strncmp(err, bad[i].prefix, strlen(bad[i].prefix)) != 0)
			fail_msg("bad[%zu]:\n got  %s\n want %s...", i, err, bad[i].prefix);
		config_free(&c);
	}
}

/* An error inside a file with a NUL byte (length-delimited input). */
static void test_nul_in_text(void **state)
{
	static const char text[] = "refresh: 1s\n\0x: y\n";
	struct config c;
	char err[ERR_MAX];

	(void)state;
	config_init(&c);
	assert_int_equal(config_parse(&c, text, sizeof text - 1, "n.yaml", err), -1);
	assert_true(str_has_prefix(err, "n.yaml:2:1: invalid YAML"));
	config_free(&c);
}

/* ---- warnings ---- */

static const struct {
	const char *yaml;
	size_t n;
	const char *first;  /* exact text of warnings[0] */
} warn[] = {
	{ "refrsh: 15s\n", 1, "t.yaml:1:1: unknown key \"refrsh\" (did you mean \"refresh\"?)" },
	{ "colour: red\n", 1, "t.yaml:1:1: unknown key \"colour\"" },
	{ "exec:\n  shel: /bin/sh\n", 1,
	  "t.yaml:2:3: exec: unknown key \"shel\" (did you mean \"shell\"?)" },
	{ "\"\\e[31m\": x\n", 1, "t.yaml:1:1: unknown key \"\\x1b[31m\"" },
	{ "alertmanagers:\n  - url: http://a\n    auth: {bearer_token: s3cr3t}\n", 1,
	  "t.yaml:3:12: alertmanagers[0].auth: bearer_token: literal secrets are not read; "
	  "use bearer_token_env or bearer_token_file" },
	{ "alertmanagers:\n  - url: http://a\n    token: s3cr3t\n", 1,
	  "t.yaml:3:5: alertmanagers[0]: token: literal secrets are not read; "
	  "use bearer_token_env or bearer_token_file" },
	{ "prometheus:\n  - url: http://a\n    auth: {basic: {username: u, password: pw, password_env: P}}\n", 1,
	  "t.yaml:3:33: prometheus[0].auth.basic: password: literal secrets are not read; "
	  "use password_env or password_file" },
	{ "signals:\n  - {service: a, errors: x, thresholds: {errors: 0.1, latency: 1}}\n", 1,
	  "t.yaml:2:5: signals[0]: thresholds.latency: no latency query to draw it on" },
	{ "alertmanagers:\n  - url: http://a\n    headers: {Authorization: Bearer s3cr3t}\n", 1,
	  "t.yaml:3:15: alertmanagers[0].headers: Authorization: literal secrets are not read; "
	  "use auth: bearer_token_env or bearer_token_file" },
	{ "alertmanagers:\n  - url: https://u:s3cr3t@a\n", 1,
	  "t.yaml:2:10: alertmanagers[0].url: the URL holds a password; literal secrets" },
	{ "alertmanagers:\n  - url: http://a\n  - url: http://a/\n", 1,
	  "t.yaml:3:5: alertmanagers[1]: another alertmanager is also named \"a\"" },
	{ "refresh: 1s\n---\nrefresh: 2s\n", 1,
	  "t.yaml:3:1: only the first YAML document is read" },
};

static void test_warnings(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(warn); i++) {
		struct config c;
		char err[ERR_MAX];

		if (parse(&c, warn[i].yaml, err) != 0)
			fail_msg("warn[%zu]: %s", i, err);
		if (c.n_warnings != warn[i].n)
			fail_msg("warn[%zu]: %zu warnings, want %zu (%s)", i, c.n_warnings,
			         warn[i].n, c.n_warnings ? c.warnings[0] : "");
		if (strncmp(c.warnings[0], warn[i].first, strlen(warn[i].first)) != 0)
			fail_msg("warn[%zu]:\n got  %s\n want %s", i, c.warnings[0], warn[i].first);
		for (size_t j = 0; j < c.n_warnings; j++)
			assert_null(strstr(c.warnings[j], "s3cr3t"));
		config_free(&c);
	}
}

/* The literal secret is dropped, not stored anywhere. */
static void test_secret_not_stored(void **state)
{
	struct config c;
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(parse(&c, "alertmanagers:\n  - url: http://a\n"
	                           "    auth: {bearer_token: s3cr3t}\n"
	                           "    headers: {Authorization: Bearer s3cr3t, X-A: b}\n", err), 0);
	assert_int_equal(c.n_am, 1);
	assert_null(c.am[0].http.bearer_token_env);
	assert_null(c.am[0].http.bearer_token_file);
	assert_int_equal(c.am[0].http.headers.n, 1);
	assert_null(labelset_get(&c.am[0].http.headers, "Authorization"));
	assert_int_equal(c.n_warnings, 2);
	config_free(&c);

	/* a secret pasted into *_env is refused without being echoed */
	assert_int_equal(parse(&c, "alertmanagers:\n  - url: http://a\n"
	                           "    auth: {bearer_token_env: \"eyJ.s3cr3t\"}\n", err), -1);
	assert_null(strstr(err, "s3cr3t"));
	config_free(&c);
}

/* Many unknown keys: warnings stop growing. */
static void test_warning_cap(void **state)
{
	struct buf b = {0};
	struct config c;
	char err[ERR_MAX];

	(void)state;
	for (int i = 0; i < 500; i++)
		buf_printf(&b, "unknown%d: x\n", i);
	assert_int_equal(parse(&c, b.data, err), 0);
	assert_in_range(c.n_warnings, 2, 100);
	assert_string_equal(c.warnings[c.n_warnings - 1], "too many warnings; the rest are not shown");
	config_free(&c);
	buf_free(&b);
}

/* Parsing twice merges: lists append, scalars are replaced. */
static void test_merge(void **state)
{
	struct config c;
	char err[ERR_MAX];
	const char *two = "refresh: 5s\nalertmanagers: [{url: http://b}]\nrunbooks: {dirs: [/b]}\n";

	(void)state;
	assert_int_equal(parse(&c, "refresh: 1s\nalertmanagers: [{url: http://a}]\n"
	                           "runbooks: {dirs: [/a]}\n", err), 0);
	assert_int_equal(config_parse(&c, two, strlen(two), "u.yaml", err), 0);
	assert_int_equal(c.refresh_ms, 5000);
	assert_int_equal(c.n_am, 2);
	assert_string_equal(c.am[1].urls[0], "http://b");
	assert_int_equal(c.n_runbook_dirs, 2);
	config_free(&c);
}

/* ---- hostile input ---- */

static void test_hostile(void **state)
{
	struct buf b = {0};
	struct config c;
	char err[ERR_MAX];
	int i;

	(void)state;
	/* alias fan-out: each level refers to the previous one 9 times */
	buf_puts(&b, "a0: &a0 {url: http://x, peers: [http://y, http://z]}\n");
	for (i = 1; i < 10; i++)
		buf_printf(&b, "a%d: &a%d [*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d]\n",
		           i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	buf_puts(&b, "alertmanagers: [*a0, *a0]\n");
	assert_int_equal(parse(&c, b.data, err), 0);
	assert_int_equal(c.n_am, 2);
	config_free(&c);

	/* many sources referring to one big list of peers */
	buf_reset(&b);
	buf_puts(&b, "p: &p [");
	for (i = 0; i < 3000; i++)
		buf_puts(&b, "'http://p',");
	buf_puts(&b, "'http://p']\nalertmanagers: [");
	for (i = 0; i < 200; i++)
		buf_puts(&b, "{url: 'http://a', peers: *p},");
	buf_puts(&b, "]\n");
	assert_int_equal(parse(&c, b.data, err), -1);
	assert_non_null(strstr(err, "too many nodes"));
	config_free(&c);

	/* a long list of aliases to one source */
	buf_reset(&b);
	buf_puts(&b, "x: &s {url: http://x}\nalertmanagers: [");
	for (i = 0; i < 3000; i++)
		buf_puts(&b, "*s,");
	buf_puts(&b, "*s]\n");
	assert_int_equal(parse(&c, b.data, err), -1);
	assert_true(str_has_prefix(err, "t.yaml:1:4: alertmanagers[256]: too many sources"));
	assert_string_equal(c.warnings[0], "t.yaml:1:1: unknown key \"x\"");
	assert_string_equal(c.warnings[1], "t.yaml:1:4: alertmanagers[1]: another "
	                    "alertmanager is also named \"x\"");
	config_free(&c);

	/* deep nesting, flow and block: refused early (libyaml's scanner is
	 * quadratic in flow depth: this would take hours unbounded) */
	buf_reset(&b);
	buf_puts(&b, "signals: ");
	for (i = 0; i < 500000; i++)
		buf_putc(&b, '[');
	for (i = 0; i < 500000; i++)
		buf_putc(&b, ']');
	buf_putc(&b, '\n');
	assert_int_equal(parse(&c, b.data, err), -1);
	assert_string_equal(err, "t.yaml:1:73: nested deeper than 64 levels");
	config_free(&c);
	buf_reset(&b);
	buf_puts(&b, "signals:\n");
	for (i = 0; i < 300000; i++)
		buf_puts(&b, "- ");
	buf_puts(&b, "x\n");
	assert_int_equal(parse(&c, b.data, err), -1);
	assert_string_equal(err, "t.yaml:2:127: nested deeper than 64 levels");
	config_free(&c);
	buf_reset(&b);
	/* 63 levels under an unknown key: a warning, not an error */
	buf_puts(&b, "x-extra: ");
	for (i = 0; i < 63; i++)
		buf_putc(&b, '[');
	for (i = 0; i < 63; i++)
		buf_putc(&b, ']');
	buf_putc(&b, '\n');
	assert_int_equal(parse(&c, b.data, err), 0);
	config_free(&c);

	/* a very long key and value */
	buf_reset(&b);
	buf_puts(&b, "? ");
	for (i = 0; i < 100000; i++)
		buf_putc(&b, 'k');
	buf_puts(&b, "\n: v\nrefresh: ");
	for (i = 0; i < 100000; i++)
		buf_putc(&b, '9');
	buf_puts(&b, "\n");
	assert_int_equal(parse(&c, b.data, err), -1);
	assert_true(str_has_prefix(err, "t.yaml:3:10: refresh: invalid duration \"9999"));
	assert_int_equal(c.n_warnings, 1);
	assert_true(strlen(c.warnings[0]) < 200);
	config_free(&c);

	/* NULL text is an empty config */
	config_init(&c);
	assert_int_equal(config_parse(&c, NULL, 0, "t.yaml", err), 0);
	config_free(&c);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_nul_in_text),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_secret_not_stored),
		cmocka_unit_test(test_warning_cap),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_hostile),
	};

	unsetenv("XDG_STATE_HOME");
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
