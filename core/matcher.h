/* matcher.h: the `/` filter. Alertmanager matcher syntax
 * (`severity="page" service=~"api.*"`, also `{a="b", c!~"d"}`, unquoted
 * values, commas or spaces between) or, when the text does not parse as
 * matchers, a plain case-insensitive substring search over alertname, label
 * values and the summary. Pure. */
#ifndef PAGETTY_MATCHER_H
#define PAGETTY_MATCHER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "labels.h"
#include "util.h"

enum matcher_op { MATCH_EQ, MATCH_NE, MATCH_RE, MATCH_NRE };

struct matcher {
	char *name;   /* owned */
	char *value;  /* owned, unescaped */
	enum matcher_op op;
	regex_t re;   /* compiled, anchored ^(...)$, for MATCH_RE / MATCH_NRE */
	bool re_ok;
};

struct filter {
	struct matcher *m; /* owned array of n */
	size_t n;
	char *text;        /* owned plain-text needle, or NULL when matchers */
};

/* Parse matchers strictly. Returns 0, or -1 with err naming the column
 * ("col 12: expected one of = != =~ !~"). An empty string gives an empty
 * matcher list (matches everything). */
int matchers_parse(const char *s, struct filter *out, char err[ERR_MAX]);

/* Parse a filter: matchers when s looks like matchers (contains one of
 * = != =~ !~ after a label name), else plain text. A string that looks like
 * matchers but does not parse returns -1 with err (so the user sees why). */
int filter_parse(const char *s, struct filter *out, char err[ERR_MAX]);

/* Match labels (and, for plain text, annotations too; annotations may be NULL). */
bool filter_match(const struct filter *f, const struct labelset *labels,
                  const struct labelset *annotations);
bool filter_is_empty(const struct filter *f);
void filter_free(struct filter *f);

const char *matcher_op_str(enum matcher_op op);

/* Compile an Alertmanager (RE2-style) regex, anchored ^(...)$, into re,
 * refusing what would make regcomp/regexec hang or eat memory (the limits
 * the filter's =~ uses). Returns 0 (regfree re later), or -1 with err. */
int matcher_regcomp(regex_t *re, const char *value, char err[ERR_MAX]);
/* The same limits for an unanchored search regex (drill scenarios): POSIX
 * ERE plus the RE2 habits matcher_regcomp takes, compiled with REG_EXTENDED
 * | REG_NOSUB | extra_cflags (e.g. REG_ICASE). Returns 0 or -1 with err
 * ("bad regex: ..." or the limit that refused it). */
int matcher_regcomp_search(regex_t *re, const char *pattern, int extra_cflags,
                           char err[ERR_MAX]);

#endif
