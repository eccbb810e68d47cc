/* fuzz_filter.c: libFuzzer target for the `/` filter and Alertmanager
 * matchers (core/matcher.c). The input is parsed with filter_parse and
 * matchers_parse and matched against a fixed label set; = and != matchers
 * and plain-text filters are checked against an independent evaluation,
 * and a filter of = matchers must match the label set built from it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/labels.h"
#include "core/matcher.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct labelset labels, annotations;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	labelset_set(&labels, "alertname", "CheckoutHighErrorRate");
	labelset_set(&labels, "severity", "page");
	labelset_set(&labels, "service", "api-gateway");
	labelset_set(&labels, "namespace", "prod");
	labelset_set(&labels, "instance", "10.0.0.1:9090");
	labelset_set(&labels, "job", "Checkout \"API\" \\ v2\nline");
	labelset_set(&labels, "empty", "");
	labelset_set(&annotations, "summary", "Checkout 5xx ratio above 2% for 10m");
	labelset_set(&annotations, "runbook_url", "https://git.example.net/runbooks/Checkout.md");
	return 0;
}

/* ASCII case-insensitive substring, as the plain-text filter promises. */
static bool contains_ci(const char *hay, const char *needle)
{
	size_t i, n = strlen(needle);

	for (; *hay; hay++) {
		for (i = 0; i < n && hay[i]; i++) {
			char a = hay[i], b = needle[i];

			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
		}
		if (i == n)
			return true;
	}
	return false;
}

static bool text_expected(const char *needle)
{
	size_t i;

	for (i = 0; i < labels.n; i++)
		if (contains_ci(labels.v[i].value, needle))
			return true;
	for (i = 0; i < annotations.n; i++)
		if (contains_ci(annotations.v[i].value, needle))
			return true;
	return false;
}

static void check_filter(const struct filter *f)
{
	struct labelset own = {0};
	const char *v;
	bool hit, all_eq = true, want = true;
	size_t i;

	FUZZ_ASSERT(!(f->text && f->n), "filter has both text and matchers");
	hit = filter_match(f, &labels, &annotations);
	if (filter_is_empty(f)) {
		FUZZ_ASSERT(hit, "an empty filter did not match");
		return;
	}
	if (f->text) {
		FUZZ_ASSERT(hit == text_expected(f->text), "text filter \"%s\": got %d", f->text, hit);
		labelset_set(&own, "x", f->text);
		FUZZ_ASSERT(filter_match(f, &own, NULL), "text filter misses its own text");
		labelset_free(&own);
		return;
	}
	for (i = 0; i < f->n; i++) {
		FUZZ_ASSERT(f->m[i].name && f->m[i].value, "matcher %zu lacks name or value", i);
		v = labelset_get(&labels, f->m[i].name);
		if (!v)
			v = "";
		if (f->m[i].op == MATCH_EQ)
			want = want && strcmp(v, f->m[i].value) == 0;
		else if (f->m[i].op == MATCH_NE)
			want = want && strcmp(v, f->m[i].value) != 0;
		else
			all_eq = false;
		if (f->m[i].op == MATCH_EQ && labelset_get(&own, f->m[i].name))
			all_eq = false;     /* a="x" a="y": may not match */
		if (f->m[i].op == MATCH_EQ)
			labelset_set(&own, f->m[i].name, f->m[i].value);
	}
	/* only = and != decide here; with regexes, = / != still bound it */
	if (!want)
		FUZZ_ASSERT(!hit, "a failing = or != matcher, yet the filter matched");
	else if (all_eq)
		FUZZ_ASSERT(hit, "every = and != matcher holds, yet no match");
	for (i = 0; all_eq && i < f->n; i++)
		if (f->m[i].op != MATCH_EQ)
			all_eq = false;
	if (all_eq)
		FUZZ_ASSERT(filter_match(f, &own, NULL), "= matchers miss the labels built from them");
	labelset_free(&own);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter f;
	char err[ERR_MAX], *s;

	if (size > 8192)
		return 0;
	s = fuzz_cstr(data, size);

	memset(err, 0x55, sizeof err);
	if (filter_parse(s, &f, err) == 0) {
		check_filter(&f);
		filter_free(&f);
	} else {
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "filter_parse failed without a message");
	}
	FUZZ_ASSERT(f.m == NULL && f.text == NULL && f.n == 0, "filter not reset");

	memset(err, 0x55, sizeof err);
	if (matchers_parse(s, &f, err) == 0) {
		check_filter(&f);
		filter_free(&f);
	} else {
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "matchers_parse failed without a message");
	}
	free(s);
	return 0;
}
