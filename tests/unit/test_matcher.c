/* test_matcher.c: Alertmanager matcher parsing (good inputs, bad inputs
 * with their error columns), matching against label sets with
 * Alertmanager's missing-label semantics, and the plain-text filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/matcher.h"

struct want_matcher {
	const char *name;
	enum matcher_op op;
	const char *value;
};

static const struct {
	const char *in;
	size_t n;
	struct want_matcher m[3];
} parse_good[] = {
	{"", 0, {{0}}},
	{"   ", 0, {{0}}},
	{"{}", 0, {{0}}},
	{" { } ", 0, {{0}}},
	{"severity=\"page\"", 1, {{"severity", MATCH_EQ, "page"}}},
	{"severity=\"page\" service=~\"api.*\"", 2,
	 {{"severity", MATCH_EQ, "page"}, {"service", MATCH_RE, "api.*"}}},
	{"{a=\"b\", c!~\"d\"}", 2, {{"a", MATCH_EQ, "b"}, {"c", MATCH_NRE, "d"}}},
	{"{a=\"b\",c!~\"d\",}", 2, {{"a", MATCH_EQ, "b"}, {"c", MATCH_NRE, "d"}}},
	{"a=b,c=d", 2, {{"a", MATCH_EQ, "b"}, {"c", MATCH_EQ, "d"}}},
	{"a=b , c!=d", 2, {{"a", MATCH_EQ, "b"}, {"c", MATCH_NE, "d"}}},
	{"alertname!=Watchdog", 1, {{"alertname", MATCH_NE, "Watchdog"}}},
	{"a=", 1, {{"a", MATCH_EQ, ""}}},
	{"a= b=c", 2, {{"a", MATCH_EQ, ""}, {"b", MATCH_EQ, "c"}}},
	{"a=\"\" b!=\"\"", 2, {{"a", MATCH_EQ, ""}, {"b", MATCH_NE, ""}}},
	{"a= ,b=c", 2, {{"a", MATCH_EQ, ""}, {"b", MATCH_EQ, "c"}}},
	{"service =~ api.* team = x", 2, {{"service", MATCH_RE, "api.*"}, {"team", MATCH_EQ, "x"}}},
	{"a = \"spaced out\"", 1, {{"a", MATCH_EQ, "spaced out"}}},
	{"a=\"say \\\"hi\\\" \\\\ \\n\"", 1, {{"a", MATCH_EQ, "say \"hi\" \\ \n"}}},
	{"a=~\"api\\.example\"", 1, {{"a", MATCH_RE, "api\\.example"}}},
	{"a=\"x,y} z\"", 1, {{"a", MATCH_EQ, "x,y} z"}}},
	{"a=\"\xe6\x97\xa5\xe6\x9c\xac\"", 1, {{"a", MATCH_EQ, "\xe6\x97\xa5\xe6\x9c\xac"}}},
	{"_x1=1", 1, {{"_x1", MATCH_EQ, "1"}}},
	{"  {  a = \"b\"  }  ", 1, {{"a", MATCH_EQ, "b"}}},
	{"a=~\"\"", 1, {{"a", MATCH_RE, ""}}},
	{"code=~\"5\\d\\d\"", 1, {{"code", MATCH_RE, "5\\d\\d"}}},
	{"ip=~\"([0-9]{1,3}\\.){3}[0-9]{1,3}\"", 1,
	 {{"ip", MATCH_RE, "([0-9]{1,3}\\.){3}[0-9]{1,3}"}}},
	{"a=b\tc=d\n", 2, {{"a", MATCH_EQ, "b"}, {"c", MATCH_EQ, "d"}}},
};

static const struct {
	const char *in;
	const char *err;       /* a substring of the message, column included */
} parse_bad[] = {
	{"foo=\"bar", "col 5: unterminated quoted value"},
	{"severity=\"page", "col 10: unterminated quoted value"},
	{"a=\"b\\\"", "col 3: unterminated quoted value"},
	{"foo", "col 4: expected one of = != =~ !~"},
	{"foo~bar", "col 4: expected one of = != =~ !~"},
	{"foo==bar", NULL},    /* "=" then value "=bar": fine, see below */
	{"{a=\"b\"", "col 7: missing closing '}'"},
	{"a=\"b\"}", "col 6: unexpected '}'"},
	{"{a=\"b\"} x", "col 9: unexpected text after '}'"},
	{"1a=\"b\"", "col 1: expected a label name"},
	{"a=\"b\",,c=\"d\"", "col 7: expected a label name"},
	{",a=b", "col 1: expected a label name"},
	{"a=\"b\"c=\"d\"", "col 6: expected ',' or space after quoted value"},
	{"a=~\"(unclosed\"", "col 4: bad regex"},
	{"a=~(unclosed", "col 4: bad regex"},
	{"a=~\"a)|(b\"", "col 4: bad regex"},
	{"a=~\"(a)\\1\"", "col 4: back-references are not supported"},
	/* what regcomp would take seconds over is refused before it */
	{"a=~\"x{1,1000}{1,1000}\"", "col 4: regex repetition too large"},
	{"a=~\"(a{1,100}){1,100}\"", "col 4: regex repetition too large"},
	{"a=~\"x{1000}*{1000}\"", "col 4: invalid nested repetition operator"},
	{"a=~\"(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((x)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))\"",
	 "col 4: regex nested too deeply"},
	{"a=b\"c", "col 4: unexpected '\"'"},
	{"a=b{", "col 4: unexpected '{'"},
	{"\xc3\xa9=\"x\"", "col 1: expected a label name"},
	{"a=\"\xc3\xa9\" b", "col 8: expected one of"},    /* columns count characters */
	{"a=\"\xc3\xa9\" \xe6\x97\xa5=1", "col 7: expected a label name"},
	{"a!b", "col 2: expected one of"},
	{"{{a=b}}", "col 2: expected a label name"},
};

static void test_parse_good(void **state)
{
	struct filter f;
	char err[ERR_MAX];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof parse_good / sizeof parse_good[0]; i++) {
		err[0] = '\0';
		if (matchers_parse(parse_good[i].in, &f, err) != 0)
			fail_msg("\"%s\": unexpected error: %s", parse_good[i].in, err);
		if (f.n != parse_good[i].n)
			fail_msg("\"%s\": %zu matchers, want %zu", parse_good[i].in, f.n,
			         parse_good[i].n);
		assert_null(f.text);
		for (j = 0; j < f.n; j++) {
			const struct want_matcher *w = &parse_good[i].m[j];

			assert_string_equal(f.m[j].name, w->name);
			assert_string_equal(f.m[j].value, w->value);
			assert_int_equal(f.m[j].op, w->op);
			assert_int_equal(f.m[j].re_ok, w->op == MATCH_RE || w->op == MATCH_NRE);
		}
		filter_free(&f);
		assert_int_equal(f.n, 0);
		assert_null(f.m);
	}
}

static void test_parse_bad(void **state)
{
	struct filter f;
	char err[ERR_MAX];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof parse_bad / sizeof parse_bad[0]; i++) {
		err[0] = '\0';
		rc = matchers_parse(parse_bad[i].in, &f, err);
		if (!parse_bad[i].err) {
			assert_int_equal(rc, 0);
			filter_free(&f);
			continue;
		}
		if (rc != -1)
			fail_msg("\"%s\": parsed, want error \"%s\"", parse_bad[i].in,
			         parse_bad[i].err);
		if (!strstr(err, parse_bad[i].err))
			fail_msg("\"%s\": error \"%s\" lacks \"%s\"", parse_bad[i].in, err,
			         parse_bad[i].err);
		/* on error nothing is left to free */
		assert_int_equal(f.n, 0);
		assert_null(f.m);
		assert_null(f.text);
	}
	assert_int_equal(matchers_parse("a", &f, NULL), -1);
}

/* Quantifiers over quantified groups nest at most two deep, and nothing
 * that can match "" is quantified: regcomp/regexec go exponential on
 * both. Realistic Alertmanager expressions still compile and match. */
static const struct {
	const char *re;
	const char *err;    /* NULL: compiles */
	const char *yes;    /* with err NULL: a value it matches */
	const char *no;     /* and one it does not */
} re_nesting[] = {
	/* "(x)*" can match "": refused at the second level already */
	{"((((((((((((((((x)*)*)*)*)*)*)*)*)*)*)*)*)*)*)*)*", "quantified group can match the empty string", NULL, NULL},
	{"((((((((((((((((x)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+", "quantified groups nested too deeply", NULL, NULL},
	{"(((x)+)+)+", "quantified groups nested too deeply", NULL, NULL},
	{"(((x)?)?)?", "quantified group can match the empty string", NULL, NULL},
	{"((x)+)?", NULL, "xx", "y"},
	{"(((x){2}){2}){2}", "quantified groups nested too deeply", NULL, NULL},
	{"((((((x){1,2}){1,2}){1,2}){1,2}){1,2}){1,2}", "quantified groups nested too deeply", NULL, NULL},
	{"(a(b(c)+)+)+", "quantified groups nested too deeply", NULL, NULL},
	{"((xy?)+)+", "quantified groups nested too deeply", NULL, NULL},
	{"(((x+)))+y+", NULL, "xxxyy", "y"},
	{"(x*)*", "quantified group can match the empty string", NULL, NULL},
	{"(x|)*", "quantified group can match the empty string", NULL, NULL},
	{"(|x)+", "quantified group can match the empty string", NULL, NULL},
	{"()*", "quantified group can match the empty string", NULL, NULL},
	{"(a|b|)?", "quantified group can match the empty string", NULL, NULL},
	{"(x{0,3})+", "quantified group can match the empty string", NULL, NULL},
	{"(a?b*)+", "quantified group can match the empty string", NULL, NULL},
	{"(^)*", "quantified group can match the empty string", NULL, NULL},
	{"(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*"
	 "(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*(x|)*",
	 "quantified group can match the empty string", NULL, NULL},
	{"(foo|bar)+", NULL, "foobarfoo", "foobaz"},
	{"(a(b)?)*", NULL, "aabab", "bb"},
	{"api-(v1|v2)-.*", NULL, "api-v2-eu", "api-v3-eu"},
	{"(x{1,3})*", NULL, "xxxxx", "xy"},
	{"(a|b*c)+", NULL, "acbbca", "ab"},
	{"(-canary)?", NULL, "-canary", "-canar"},
	{"(x|)", NULL, "", "xx"},
	{"((a)(b)+)*", NULL, "abbab", "aab"},
	{"(?:prod|staging)-(eu|us)-\\d+", NULL, "prod-eu-12", "prod-asia-1"},
	{"x*?y", NULL, "xxy", "yx"},
	/* "{,m}" is no bound to RE2 (a literal '{'); glibc would expand it
	 * (fuzz_filter: "a{,10000}" took 14 s in regcomp) */
	{"a{,10000}", NULL, "a{,10000}", "a"},
	{"a{x}", NULL, "a{x}", "ax"},
	{"a{2}", NULL, "aa", "a{2}"},
};

static void test_regex_nesting(void **state)
{
	struct filter f;
	struct labelset labels = {0};
	char err[ERR_MAX], *in;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof re_nesting / sizeof re_nesting[0]; i++) {
		in = xasprintf("a=~\"%s\"", re_nesting[i].re);
		err[0] = '\0';
		rc = matchers_parse(in, &f, err);
		if (re_nesting[i].err) {
			if (rc != -1)
				fail_msg("\"%s\": compiled, want \"%s\"", in, re_nesting[i].err);
			if (!strstr(err, re_nesting[i].err) || !strstr(err, "col 4: regex: "))
				fail_msg("\"%s\": error \"%s\" lacks \"%s\"", in, err,
				         re_nesting[i].err);
			assert_null(f.m);
		} else {
			if (rc != 0)
				fail_msg("\"%s\": unexpected error: %s", in, err);
			labelset_set(&labels, "a", re_nesting[i].yes);
			if (!filter_match(&f, &labels, NULL))
				fail_msg("\"%s\" misses \"%s\"", in, re_nesting[i].yes);
			labelset_set(&labels, "a", re_nesting[i].no);
			if (filter_match(&f, &labels, NULL))
				fail_msg("\"%s\" matches \"%s\"", in, re_nesting[i].no);
			filter_free(&f);
		}
		free(in);
	}
	labelset_free(&labels);
}

static void labels_fill(struct labelset *ls, const char *const *kv)
{
	for (; kv[0]; kv += 2)
		labelset_set(ls, kv[0], kv[1]);
}

static const char *const alert_labels[] = {
	"alertname", "HighErrorRate", "severity", "page", "service", "api-gateway",
	"namespace", "prod", "code", "503", NULL,
};
static const char *const alert_annotations[] = {
	"summary", "Error ratio above 5% on checkout",
	"runbook_url", "https://runbooks.example.net/HighErrorRate.md", NULL,
};

static const struct {
	const char *filter;
	bool want;
} match_cases[] = {
	{"", true},
	{"{}", true},
	{"severity=\"page\"", true},
	{"severity=page", true},
	{"severity=\"ticket\"", false},
	{"severity!=\"page\"", false},
	{"severity!=ticket", true},
	{"service=~\"api.*\"", true},
	{"service=~\"api\"", false},               /* anchored at the end */
	{"service=~\"gateway\"", false},           /* anchored at the start */
	{"service=~\".*gateway\"", true},
	{"service!~\"api.*\"", false},
	{"service!~\"web.*\"", true},
	{"service=~\"(?i)API-.*\"", true},
	{"service=~\"API-.*\"", false},
	{"service=~\"(?:api|web)-gateway\"", true},
	{"service=~\"api-gateway|web\"", true},
	{"service=~\"web|api\"", false},           /* alternation is anchored too */
	{"service=~\"a)|(b\"", false},             /* (refused at parse) */
	{"code=~\"5\\d\\d\"", true},
	{"code=~\"4\\d\\d\"", false},
	{"code=~\"\\D+\"", false},
	{"team=\"\"", true},                        /* missing label is "" */
	{"team!=\"\"", false},
	{"team=~\".*\"", true},
	{"team=~\".+\"", false},
	{"team!~\".+\"", true},
	{"namespace!=\"\"", true},
	{"severity=\"page\", namespace=~\"prod|staging\"", true},
	{"severity=\"page\" namespace=\"staging\"", false},
	{"{alertname=\"HighErrorRate\",severity=~\"page|critical\"}", true},
	/* plain text: case-insensitive substring over label and annotation values */
	{"higherror", true},
	{"CHECKOUT", true},
	{"5%", true},
	{"api-gate", true},
	{"runbooks.example", true},
	{"nonexistent", false},
	{"api gateway", false},
	{"severity", false},                        /* names are not searched */
};

static void test_match(void **state)
{
	struct labelset labels = {0}, ann = {0};
	struct filter f;
	char err[ERR_MAX];
	size_t i;
	bool got;

	(void)state;
	labels_fill(&labels, alert_labels);
	labels_fill(&ann, alert_annotations);
	for (i = 0; i < sizeof match_cases / sizeof match_cases[0]; i++) {
		err[0] = '\0';
		if (filter_parse(match_cases[i].filter, &f, err) != 0) {
			/* only the refused regex may fail here */
			assert_false(match_cases[i].want);
			continue;
		}
		got = filter_match(&f, &labels, &ann);
		if (got != match_cases[i].want)
			fail_msg("filter \"%s\": got %d want %d", match_cases[i].filter, got,
			         match_cases[i].want);
		filter_free(&f);
	}
	labelset_free(&labels);
	labelset_free(&ann);
}

static void test_filter_parse_kind(void **state)
{
	static const struct {
		const char *in;
		int rc;
		const char *text;      /* plain-text needle, or NULL for matchers */
		size_t n;
	} cases[] = {
		{"severity=page", 0, NULL, 1},
		{"  HighErrorRate  ", 0, "HighErrorRate", 0},
		{"disk full", 0, "disk full", 0},
		{"100%", 0, "100%", 0},
		{"!= nothing before", 0, "!= nothing before", 0},
		{"", 0, NULL, 0},
		{"   ", 0, NULL, 0},
		{NULL, 0, NULL, 0},
		{"{severity}", -1, NULL, 0},        /* braces: matchers, and broken */
		{"a=b c", -1, NULL, 0},             /* looks like matchers: error shown */
		{"service =~ api", 0, NULL, 1},
		{"x!~y", 0, NULL, 1},
	};
	struct filter f;
	char err[ERR_MAX];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err[0] = '\0';
		rc = filter_parse(cases[i].in, &f, err);
		if (rc != cases[i].rc)
			fail_msg("\"%s\": rc %d want %d (%s)", cases[i].in ? cases[i].in : "(null)",
			         rc, cases[i].rc, err);
		if (rc != 0) {
			assert_true(strncmp(err, "col ", 4) == 0);
			continue;
		}
		if (cases[i].text)
			assert_string_equal(f.text, cases[i].text);
		else
			assert_null(f.text);
		assert_int_equal(f.n, cases[i].n);
		assert_int_equal(filter_is_empty(&f), f.n == 0 && !f.text);
		filter_free(&f);
	}
}

static void test_match_edges(void **state)
{
	struct labelset labels = {0};
	struct filter f;
	char err[ERR_MAX];

	(void)state;
	labelset_set(&labels, "alertname", "DiskFull");
	/* plain text with NULL annotations, NULL labels */
	assert_int_equal(filter_parse("disk", &f, err), 0);
	assert_true(filter_match(&f, &labels, NULL));
	assert_false(filter_match(&f, NULL, NULL));
	filter_free(&f);
	/* matchers against no labels at all: every label is "" */
	assert_int_equal(filter_parse("a=\"\" b!~\".+\"", &f, err), 0);
	assert_true(filter_match(&f, NULL, NULL));
	filter_free(&f);
	/* empty filter matches everything; NULL filter too */
	assert_int_equal(filter_parse("", &f, err), 0);
	assert_true(filter_is_empty(&f));
	assert_true(filter_match(&f, &labels, NULL));
	filter_free(&f);
	assert_true(filter_match(NULL, &labels, NULL));
	filter_free(NULL);
	/* values with newlines from the \n escape match exactly */
	labelset_set(&labels, "msg", "two\nlines");
	assert_int_equal(filter_parse("msg=\"two\\nlines\"", &f, err), 0);
	assert_true(filter_match(&f, &labels, NULL));
	filter_free(&f);
	labelset_free(&labels);
}

static void test_op_str(void **state)
{
	(void)state;
	assert_string_equal(matcher_op_str(MATCH_EQ), "=");
	assert_string_equal(matcher_op_str(MATCH_NE), "!=");
	assert_string_equal(matcher_op_str(MATCH_RE), "=~");
	assert_string_equal(matcher_op_str(MATCH_NRE), "!~");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_regex_nesting),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_filter_parse_kind),
		cmocka_unit_test(test_match_edges),
		cmocka_unit_test(test_op_str),
	};

	return cmocka_run_group_tests_name("matcher", tests, NULL, NULL);
}
