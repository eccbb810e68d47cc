/* fuzz_template.c: libFuzzer target for runbook command templates
 * (core/template.c). The input up to its first NUL is a label value v, the
 * rest (or all of it, without a NUL) a command. Shell: template_shell_quote
 * (v) must be one word the shell reads back as exactly v, with nothing
 * unquoted; {{ $labels.v }} placed unquoted, inside "..." and inside '...'
 * must give exactly that word (or the quoted content). PromQL: inside "...",
 * inside '...' and outside a string the value must read back, through an
 * independent reader of PromQL string literals, as exactly v. The fuzzed
 * command is expanded both ways: a result or a refusal with a message, and
 * code without "{{" comes back unchanged. template_env names are shell
 * identifiers and carry the value byte-exact. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/template.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Expand code (promql or shell) for a; must succeed cleanly. */
static char *expand_ok(const char *code, bool promql, const struct alert *a)
{
	char err[ERR_MAX], *out = NULL;
	int rc;

	err[0] = '\0';
	rc = template_expand(code, promql, a, &out, err);
	FUZZ_ASSERT(rc == 0 && out, "%s expansion of %s: rc %d: %s", promql ? "promql" : "shell",
	            fuzz_show(code), rc, err);
	return out;
}

/* out must be prefix + X + suffix; returns X's offset and length. */
static void split3(const char *out, const char *prefix, const char *suffix, size_t *off,
                   size_t *len)
{
	size_t n = strlen(out), p = strlen(prefix), s = strlen(suffix);

	FUZZ_ASSERT(n >= p + s && memcmp(out, prefix, p) == 0 && memcmp(out + n - s, suffix, s) == 0,
	            "expansion %s is not %s...%s", fuzz_show(out), prefix, suffix);
	*off = p;
	*len = n - p - s;
}

static void check_sh_word(const char *w, size_t n, const char *want, const char *what)
{
	char *back = xmalloc(n + 1);
	const char *why;
	size_t bn = 0;

	why = fuzz_sh_unquote(w, n, back, &bn);
	FUZZ_ASSERT(!why, "%s: %s in %.*s", what, why, (int)n, w);
	FUZZ_ASSERT(bn == strlen(want) && memcmp(back, want, bn) == 0, "%s: reads back differently",
	            what);
	free(back);
}

static void check_promql_lit(const char *l, size_t n, const char *want, const char *what)
{
	char *back = xmalloc(n + 1);
	const char *why;
	size_t bn = 0;

	why = fuzz_promql_unquote(l, n, back, &bn);
	FUZZ_ASSERT(!why, "%s: %s in %.*s", what, why, (int)n, l);
	FUZZ_ASSERT(bn == strlen(want) && memcmp(back, want, bn) == 0, "%s: reads back differently",
	            what);
	free(back);
}

static void check_value(const char *v, const struct alert *a)
{
	char *q, *out, *want;
	size_t off, len;

	q = template_shell_quote(v);
	FUZZ_ASSERT(q, "template_shell_quote gave NULL");
	check_sh_word(q, strlen(q), v, "template_shell_quote");

	out = expand_ok("echo {{ $labels.v }} end", false, a);
	want = xasprintf("echo %s end", q);
	FUZZ_ASSERT(strcmp(out, want) == 0, "unquoted placeholder: %s", fuzz_show(out));
	free(want);
	free(out);

	out = expand_ok("echo \"x{{ $labels.v }}y\"", false, a);
	want = xasprintf("echo \"x\"%s\"y\"", q);
	FUZZ_ASSERT(strcmp(out, want) == 0, "placeholder in \"...\": %s", fuzz_show(out));
	free(want);
	free(out);

	out = expand_ok("echo 'a{{$labels.v}}b'", false, a);
	split3(out, "echo ", "", &off, &len);
	want = xasprintf("a%sb", v);
	check_sh_word(out + off, len, want, "placeholder in '...'");
	free(want);
	free(out);

	out = expand_ok("sum(up{job=\"{{ $labels.v }}\"})", true, a);
	split3(out, "sum(up{job=", "})", &off, &len);
	check_promql_lit(out + off, len, v, "promql in \"...\"");
	free(out);

	out = expand_ok("sum(up{job='{{ $labels.v }}'})", true, a);
	split3(out, "sum(up{job=", "})", &off, &len);
	check_promql_lit(out + off, len, v, "promql in '...'");
	free(out);

	out = expand_ok("label_replace(x, \"a\", {{ $labels.v }}, \"\", \"\")", true, a);
	split3(out, "label_replace(x, \"a\", ", ", \"\", \"\")", &off, &len);
	check_promql_lit(out + off, len, v, "promql outside a string");
	free(out);
	free(q);
}

static void check_code(const char *code, bool promql, const struct alert *a)
{
	char err[ERR_MAX], *out = (char *)1;
	int rc;

	memset(err, 0x55, sizeof err);
	rc = template_expand(code, promql, a, &out, err);
	if (rc < 0) {
		FUZZ_ASSERT(rc == -1 && out == NULL, "refusal with rc %d or output", rc);
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "refused without a message");
		return;
	}
	FUZZ_ASSERT(out, "no output");
	if (rc > 0)
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "%d warnings without a message", rc);
	if (!strstr(code, "{{"))
		FUZZ_ASSERT(strcmp(out, code) == 0, "code without placeholders changed");
	free(out);
}

static bool shell_ident(const char *s)
{
	size_t i;

	if (!s[0] || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alert a;
	struct labelset env = {0};
	const uint8_t *nul;
	char *v, *code;
	size_t i;

	if (size > 1 << 16)
		return 0;
	nul = memchr(data, 0, size);
	v = fuzz_cstr(data, nul ? (size_t)(nul - data) : size);
	code = nul ? fuzz_cstr(nul + 1, size - (size_t)(nul - data) - 1) : fuzz_cstr(data, size);

	memset(&a, 0, sizeof a);
	a.fingerprint = (char *)"";
	labelset_set(&a.labels, "alertname", "Fuzz");
	labelset_set(&a.labels, "v", v);
	labelset_set(&a.labels, "hostile", "'; touch /tmp/pwned #\"$(id)`id`\n-rf");
	labelset_set(&a.annotations, "summary", v);
	/* a name that is not an identifier: mapped, and from the fuzzed value */
	if (v[0] && strcmp(v, "v") && strcmp(v, "alertname") && strcmp(v, "hostile"))
		labelset_set(&a.labels, v, "x");

	check_value(v, &a);
	check_code(code, false, &a);
	check_code(code, true, &a);
	check_code(code, false, NULL);

	template_env(&a, &env);
	for (i = 0; i < env.n; i++)
		FUZZ_ASSERT(shell_ident(env.v[i].name), "env name %s", fuzz_show(env.v[i].name));
	FUZZ_ASSERT(labelset_get(&env, "PAGETTY_LABEL_v") &&
	            strcmp(labelset_get(&env, "PAGETTY_LABEL_v"), v) == 0, "PAGETTY_LABEL_v");
	labelset_free(&env);
	labelset_free(&a.labels);
	labelset_free(&a.annotations);
	free(code);
	free(v);
	return 0;
}
