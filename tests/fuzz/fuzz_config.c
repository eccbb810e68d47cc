/* fuzz_config.c: libFuzzer target for the YAML configuration
 * (core/config.c). The input is parsed twice into one config (the second
 * merges, as a file after defaults does); errors and warnings must be
 * terminated, name the file and be safe to print. The first line of the
 * input is also tried as an --alertmanager / --prometheus flag and through
 * url_display_name / url_redact, which must leave no password in place. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* ~ expansion and default paths must not depend on the caller */
	setenv("HOME", "/nonexistent/home", 1);
	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("PAGETTY_CONFIG");
	return 0;
}

static void check_msg(const char *m, const char *what)
{
	FUZZ_ASSERT(m, "%s: NULL", what);
	/* the one message that stands for the warnings left out */
	FUZZ_ASSERT(strncmp(m, "fuzz.yaml:", 10) == 0 || strncmp(m, "too many warnings", 17) == 0,
	            "%s does not name the file: %s", what, fuzz_show(m));
	FUZZ_ASSERT_SAFE(m, false, what);
}

/* Does the authority of u (after any "scheme://", before / ? #) hold
 * userinfo with a ':' (a password)? Deliberately looser than the code's own
 * split: anything that looks like "user:pass@" counts. */
static bool shows_password(const char *u)
{
	const char *s = strstr(u, "://"), *end, *at;

	s = s ? s + 3 : u;
	end = s + strcspn(s, "/?#");
	at = memrchr(s, '@', (size_t)(end - s));
	return at && memchr(s, ':', (size_t)(at - s));
}

static bool looks_like_url(const char *u)
{
	const char *s = strstr(u, "://");

	return s && strcspn(u, "@/?#") >= (size_t)(s - u);
}

static void check_urls(const char *line)
{
	struct config c;
	char err[ERR_MAX], *r;
	size_t i, j;

	r = url_redact(line);
	FUZZ_ASSERT(r, "url_redact gave NULL");
	/* for anything shaped "PREFIX://..." with no '@' / ? # in PREFIX
	 * (a URL, or a mistyped one such as "ht tp://u:pw@h") */
	if (looks_like_url(line))
		FUZZ_ASSERT(!shows_password(r), "url_redact left a password: %s", fuzz_show(r));
	free(r);
	r = url_display_name(line);
	FUZZ_ASSERT(r, "url_display_name gave NULL");
	free(r);

	config_init(&c);
	memset(err, 0x55, sizeof err);
	if (config_add_alertmanager(&c, line, err) == 0) {
		FUZZ_ASSERT(c.n_am == 1 && c.am[0].n_urls == 1 && c.am[0].name, "flag not added");
		j = strlen(c.am[0].urls[0]);
		FUZZ_ASSERT(j == 0 || c.am[0].urls[0][j - 1] != '/', "trailing '/' kept");
		FUZZ_ASSERT(!strchr(c.am[0].name, '@'), "display name holds userinfo: %s",
		            c.am[0].name);
	} else {
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "config_add_alertmanager: no message");
		FUZZ_ASSERT(!looks_like_url(line) || !shows_password(err), "password in message: %s",
		            fuzz_show(err));
	}
	memset(err, 0x55, sizeof err);
	if (config_add_prometheus(&c, line, err) != 0)
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "config_add_prometheus: no message");
	for (i = 0; i < c.n_warnings; i++)
		FUZZ_ASSERT(c.warnings[i], "warning %zu NULL", i);
	config_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char err[ERR_MAX], *line;
	size_t i, nl;
	int pass;

	config_init(&c);
	for (pass = 0; pass < 2; pass++) {
		memset(err, 0x55, sizeof err);
		if (config_parse(&c, (const char *)data, size, "fuzz.yaml", err) != 0) {
			FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "config_parse failed without a message");
			check_msg(err, "error");
			break;
		}
	}
	for (i = 0; i < c.n_warnings; i++)
		check_msg(c.warnings[i], "warning");
	FUZZ_ASSERT(c.refresh_ms > 0, "refresh %lld", (long long)c.refresh_ms);
	FUZZ_ASSERT(c.exec_shell && c.timeline_dir, "defaults lost");
	FUZZ_ASSERT(c.exec_timeout_ms > 0 && c.exec_output_limit > 0, "exec limits lost");
	for (i = 0; i < c.n_am; i++)
		FUZZ_ASSERT(c.am[i].name && c.am[i].n_urls > 0 && c.am[i].urls[0],
		            "alertmanager %zu without name or url", i);
	for (i = 0; i < c.n_prom; i++)
		FUZZ_ASSERT(c.prom[i].name && c.prom[i].url, "prometheus %zu without name or url", i);
	if (c.runbook_base_url) {
		nl = strlen(c.runbook_base_url);
		FUZZ_ASSERT(nl && c.runbook_base_url[nl - 1] == '/', "base_url lacks '/': %s",
		            c.runbook_base_url);
	}
	config_free(&c);

	nl = 0;
	while (nl < size && nl < 4096 && data[nl] != '\n')
		nl++;
	line = fuzz_cstr(data, nl);
	check_urls(line);
	free(line);
	return 0;
}
