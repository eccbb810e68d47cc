/* matcher.c: the `/` filter. Parses Alertmanager matchers
 * (`{severity="page", service=~"api.*"}`, unquoted values, commas or spaces
 * between) with errors that name the column, or falls back to a plain
 * case-insensitive substring search; matches both against label sets. Pure. */
#include "matcher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1-based column of byte offset pos in s, counted in UTF-8 code points. */
static size_t matcher_col(const char *s, size_t pos)
{
	size_t i, col = 1;

	for (i = 0; i < pos && s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static bool matcher_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool matcher_name_char(char c)
{
	return matcher_name_start(c) || (c >= '0' && c <= '9');
}

static bool matcher_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Limits that keep glibc's regcomp/regexec from hanging on a hostile
 * expression: counted repetitions are expanded by regcomp, so
 * "x{1,1000}{1,1000}" alone takes seconds. We estimate the expanded size
 * and refuse what is too big, as RE2 (Alertmanager's engine) does too. */
#define MATCHER_RE_MAX_SIZE 2000
/* Nested starred groups "((x)*)*..." cost regcomp O(depth^4): 64 deep
 * took 0.3 s (7 s under ASan), 16 deep takes 1 ms. */
#define MATCHER_RE_MAX_DEPTH 16
/* A quantifier over a group that holds a quantified group that holds ...:
 * "((x?)+)+..." makes regcomp/regexec exponential in the nesting (6 deep
 * took seconds). Two levels, "(a(b)?)*", is all real matchers use. */
#define MATCHER_RE_MAX_QNEST 2

/* One open group. A quantifier over something that can match the empty
 * string ("(x|)*", "()*", "(a?)+") is refused as well: a run of them,
 * "(x|)*(x|)*...", makes regcomp super-polynomial (32 took > 10 s), and
 * RE2 semantics make each one the same as a simpler expression. */
struct matcher_re_frame {
	size_t total;     /* estimated size of the group so far */
	size_t last;      /* size of its last atom (what a quantifier repeats);
	                     0 when there is none yet */
	int qnest;        /* deepest quantifier nesting inside the group so far */
	int last_q;       /* quantifier nesting inside its last atom */
	bool null_before; /* the branch before the last atom can match "" */
	bool last_null;   /* the last atom can match "" */
	bool alt_null;    /* an earlier '|' branch can match "" */
};

static size_t matcher_sat_mul(size_t a, size_t b)
{
	if (a && b > (MATCHER_RE_MAX_SIZE + 1) / a)
		return MATCHER_RE_MAX_SIZE + 1;
	return a * b;
}

/* At p (just after '{'), a "n}", "n,}" or "n,m}" bound? Sets *rep to the
 * largest count and returns the bytes up to and including '}', or 0. */
static size_t matcher_re_bound(const char *p, size_t *rep, size_t *min)
{
	const char *q = p;
	size_t n = 0, m = 0;
	bool comma = false, digits = false;

	for (; *q >= '0' && *q <= '9'; q++, digits = true)
		n = n > 100000 ? n : n * 10 + (size_t)(*q - '0');
	if (*q == ',') {
		comma = true;
		for (q++; *q >= '0' && *q <= '9'; q++)
			m = m > 100000 ? m : m * 10 + (size_t)(*q - '0');
	}
	if (!digits || *q != '}')
		return 0;
	*rep = comma && m > n ? m : n;
	if (min)
		*min = n;
	return (size_t)(q - p) + 1;
}

/* Start a new branch in f: at the start of a group and after '|'. */
static void matcher_re_branch(struct matcher_re_frame *f)
{
	f->last = 0;
	f->last_q = 0;
	f->null_before = true;
	f->last_null = true;
}

/* A new atom of estimated size size, quantifier nesting q, that can match
 * the empty string when nullable, follows in f. */
static void matcher_re_atom(struct matcher_re_frame *f, size_t size, int q, bool nullable)
{
	f->null_before = f->null_before && f->last_null;
	f->last = size;
	f->last_q = q;
	f->last_null = nullable;
	if (q > f->qnest)
		f->qnest = q;
}

/* Rewrite the RE2 habits people bring from Alertmanager into POSIX ERE:
 * "(?:" -> "(", "\d" -> "[0-9]", "\D" -> "[^0-9]", a leading "(?i)" ->
 * REG_ICASE. Back-references are refused (they can take exponential time),
 * and so are expressions too big or too deep (see above). Returns a
 * malloced ERE, or NULL with err. */
static char *matcher_re_translate(const char *re, int *cflags, char err[ERR_MAX])
{
	struct matcher_re_frame st[MATCHER_RE_MAX_DEPTH + 1];
	struct buf b = {0};
	const char *p = re;
	size_t d = 0, len, rep, min = 1;
	int quant = 0; /* 1 after a repetition operator, 2 after its lazy '?' */
	bool is_quant, stacked;

	if (strncmp(p, "(?i)", 4) == 0) {
		*cflags |= REG_ICASE;
		p += 4;
	}
	memset(st, 0, sizeof st);
	matcher_re_branch(&st[0]);
	buf_append(&b, "", 0);
	while (*p) {
		/* RE2 refuses stacked repetition ("a**", "a+*", "a{2}+") but
		 * for one lazy '?' ("a*?"); regcomp takes O(n^4) time on
		 * "a***...", so refuse it too. */
		is_quant = *p == '*' || *p == '+' || *p == '?' ||
		           (*p == '{' && st[d].last && matcher_re_bound(p + 1, &rep, &min));
		stacked = is_quant && quant; /* a stacked {n,m}: after its size check */
		if (!is_quant) {
			quant = 0;
		} else if (quant && *p != '{') {
			if (*p != '?' || quant == 2) {
				errf(err, "invalid nested repetition operator");
				goto fail;
			}
			buf_putc(&b, *p++);      /* "a*?" matches what "a*" does */
			quant = 2;
			continue;
		} else {
			quant = 1;
			/* a quantifier nests one level over what its atom holds */
			if (st[d].last_q + 1 > MATCHER_RE_MAX_QNEST) {
				errf(err, "regex: quantified groups nested too deeply");
				goto fail;
			}
			if (!stacked && st[d].last && st[d].last_null) {
				errf(err, "regex: quantified group can match the empty string");
				goto fail;
			}
			st[d].last_q++;
			if (st[d].last_q > st[d].qnest)
				st[d].qnest = st[d].last_q;
			if (*p == '*' || *p == '?' || (*p == '{' && min == 0))
				st[d].last_null = true;
		}
		if (*p == '\\') {
			if (p[1] == 'd') {
				buf_puts(&b, "[0-9]");
			} else if (p[1] == 'D') {
				buf_puts(&b, "[^0-9]");
			} else if (p[1] >= '1' && p[1] <= '9') {
				errf(err, "back-references are not supported");
				goto fail;
			} else if (p[1] == '\0') {
				buf_putc(&b, '\\');  /* regcomp reports it */
				break;
			} else {
				buf_append(&b, p, 2);
			}
			/* glibc's zero-width escapes match "" */
			matcher_re_atom(&st[d], 1, 0, strchr("bB<>`'", p[1]) != NULL);
			p += 2;
		} else if (*p == '[') {
			/* copy a bracket expression verbatim: "]" first is
			 * literal, "[:alpha:]" and friends nest */
			buf_putc(&b, *p++);
			if (*p == '^')
				buf_putc(&b, *p++);
			if (*p == ']')
				buf_putc(&b, *p++);
			while (*p && *p != ']') {
				if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
					char close = p[1];

					buf_append(&b, p, 2);
					p += 2;
					while (*p && !(*p == close && p[1] == ']'))
						buf_putc(&b, *p++);
					if (*p) {
						buf_append(&b, p, 2);
						p += 2;
					}
					continue;
				}
				buf_putc(&b, *p++);
			}
			if (*p)
				buf_putc(&b, *p++);
			matcher_re_atom(&st[d], 1, 0, false);
		} else if (*p == '(') {
			if (d == MATCHER_RE_MAX_DEPTH) {
				errf(err, "regex nested too deeply");
				goto fail;
			}
			if (p[1] == '?' && p[2] == ':')
				p += 2;
			buf_putc(&b, '(');
			p++;
			d++;
			memset(&st[d], 0, sizeof st[d]);
			matcher_re_branch(&st[d]);
			continue;                /* nothing added yet */
		} else if (*p == ')' && d > 0) {
			buf_putc(&b, *p++);
			d--;
			matcher_re_atom(&st[d], st[d + 1].total ? st[d + 1].total : 1,
			                st[d + 1].qnest,
			                st[d + 1].alt_null ||
			                        (st[d + 1].null_before && st[d + 1].last_null));
		} else if (*p == '{' && st[d].last && (len = matcher_re_bound(p + 1, &rep, NULL))) {
			buf_append(&b, p, len + 1);
			p += len + 1;
			/* the last atom, already counted once, now counts rep times */
			st[d].total += matcher_sat_mul(st[d].last, rep ? rep - 1 : 0);
			st[d].last = matcher_sat_mul(st[d].last, rep ? rep : 1);
			if (st[d].total > MATCHER_RE_MAX_SIZE || st[d].last > MATCHER_RE_MAX_SIZE) {
				errf(err, "regex repetition too large");
				goto fail;
			}
			if (stacked) {
				errf(err, "invalid nested repetition operator");
				goto fail;
			}
			continue;
		} else if (*p == '+') {
			/* regcomp expands "x+" to "xx*": the last atom doubles,
			 * so "x++++..." grows as 2^n */
			buf_putc(&b, *p++);
			st[d].total += st[d].last;
			st[d].last = matcher_sat_mul(st[d].last, 2);
			if (st[d].total > MATCHER_RE_MAX_SIZE || st[d].last > MATCHER_RE_MAX_SIZE) {
				errf(err, "regex repetition too large");
				goto fail;
			}
			continue;
		} else if (*p == '*' || *p == '?') {
			/* repeats the last atom: no growth, but one more node */
			buf_putc(&b, *p++);
			if (++st[d].total > MATCHER_RE_MAX_SIZE) {
				errf(err, "regex too large");
				goto fail;
			}
			continue;
		} else if (*p == '|') {
			buf_putc(&b, *p++);
			st[d].alt_null = st[d].alt_null || (st[d].null_before && st[d].last_null);
			matcher_re_branch(&st[d]);
			st[d].total++;
			continue;
		} else if (*p == '{' && !matcher_re_bound(p + 1, &rep, NULL)) {
			/* not a bound RE2 knows ("{,5}", "{x}"): RE2 reads a
			 * literal '{', and glibc would expand "{,10000}" as a
			 * bound nobody sized (seconds in regcomp) */
			buf_puts(&b, "\\{");
			p++;
			matcher_re_atom(&st[d], 1, 0, false);
		} else {
			/* anchors match "" */
			matcher_re_atom(&st[d], 1, 0, *p == '^' || *p == '$');
			buf_putc(&b, *p++);
		}
		st[d].total += st[d].last;
		if (st[d].total > MATCHER_RE_MAX_SIZE) {
			errf(err, "regex too large");
			goto fail;
		}
	}
	return buf_steal(&b);
fail:
	buf_free(&b);
	return NULL;
}

/* Compile value anchored like Alertmanager ("^(?:re)$"). The expression
 * must also compile on its own, so a stray ")" cannot close our anchoring
 * group early ("a)|(b" would otherwise become "^(a)|(b)$"). */
int matcher_regcomp(regex_t *re, const char *value, char err[ERR_MAX])
{
	int cflags = REG_EXTENDED | REG_NOSUB, rc;
	char *ere, *anchored = NULL, msg[128];
	regex_t probe;

	ere = matcher_re_translate(value ? value : "", &cflags, err);
	if (!ere)
		return -1;
	rc = regcomp(&probe, ere, cflags);
	if (rc == 0) {
		regfree(&probe);
		anchored = xasprintf("^(%s)$", ere);
		rc = regcomp(re, anchored, cflags);
		if (rc != 0)
			regerror(rc, re, msg, sizeof msg);
	} else {
		regerror(rc, &probe, msg, sizeof msg);
	}
	free(ere);
	free(anchored);
	if (rc != 0)
		return errf(err, "bad regex: %s", msg);
	return 0;
}

int matcher_regcomp_search(regex_t *re, const char *pattern, int extra_cflags,
                           char err[ERR_MAX])
{
	int cflags = REG_EXTENDED | REG_NOSUB | extra_cflags, rc;
	char *ere, msg[128];

	ere = matcher_re_translate(pattern ? pattern : "", &cflags, err);
	if (!ere)
		return -1;
	rc = regcomp(re, ere, cflags);
	free(ere);
	if (rc != 0) {
		regerror(rc, re, msg, sizeof msg);
		return errf(err, "bad regex: %s", msg);
	}
	return 0;
}

static int matcher_compile(struct matcher *m, char err[ERR_MAX])
{
	if (matcher_regcomp(&m->re, m->value, err) < 0)
		return -1;
	m->re_ok = true;
	return 0;
}

static void matcher_free_one(struct matcher *m)
{
	free(m->name);
	free(m->value);
	if (m->re_ok)
		regfree(&m->re);
	memset(m, 0, sizeof *m);
}

/* Parse a double-quoted value starting at s[*pos] == '"'. Escapes \" \\ \n
 * are decoded; any other backslash stays literal (as in Alertmanager), so
 * regexes like "api\.example" work unchanged. */
static int matcher_quoted(const char *s, size_t *pos, char **out, char err[ERR_MAX])
{
	struct buf b = {0};
	size_t open = *pos, i = *pos + 1;

	buf_append(&b, "", 0);
	for (;;) {
		if (s[i] == '\0') {
			buf_free(&b);
			return errf(err, "col %zu: unterminated quoted value", matcher_col(s, open));
		}
		if (s[i] == '"')
			break;
		if (s[i] == '\\' && s[i + 1] != '\0') {
			i++;
			if (s[i] == 'n')
				buf_putc(&b, '\n');
			else if (s[i] == '"' || s[i] == '\\')
				buf_putc(&b, s[i]);
			else
				buf_append(&b, s + i - 1, 2);
			i++;
			continue;
		}
		buf_putc(&b, s[i++]);
	}
	*pos = i + 1;
	*out = buf_steal(&b);
	return 0;
}

/* Does s start with `name` and an operator (= != =~ !~)? */
static bool matcher_starts_matcher(const char *s)
{
	size_t j = 0;

	if (!matcher_name_start(s[0]))
		return false;
	while (matcher_name_char(s[j]))
		j++;
	while (s[j] == ' ' || s[j] == '\t')
		j++;
	return s[j] == '=' || (s[j] == '!' && (s[j + 1] == '=' || s[j + 1] == '~'));
}

/* Parse one `name op value` at s[*pos] into m. */
static int matcher_one(const char *s, size_t *pos, struct matcher *m, char err[ERR_MAX])
{
	size_t i = *pos, start, vpos;

	if (!matcher_name_start(s[i]))
		return errf(err, "col %zu: expected a label name", matcher_col(s, i));
	start = i;
	while (matcher_name_char(s[i]))
		i++;
	m->name = xstrndup(s + start, i - start);
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (s[i] == '=' && s[i + 1] == '~') {
		m->op = MATCH_RE;
		i += 2;
	} else if (s[i] == '=') {
		m->op = MATCH_EQ;
		i += 1;
	} else if (s[i] == '!' && s[i + 1] == '=') {
		m->op = MATCH_NE;
		i += 2;
	} else if (s[i] == '!' && s[i + 1] == '~') {
		m->op = MATCH_NRE;
		i += 2;
	} else {
		return errf(err, "col %zu: expected one of = != =~ !~", matcher_col(s, i));
	}
	/* Spaces after the operator belong to neither side: `name = "v"` and
	 * `name =~ v` are name/value pairs, but in `a= b=c` (or `a= ,b=c`)
	 * a is empty, since what follows the spaces is another matcher. */
	vpos = i;
	while (s[vpos] == ' ' || s[vpos] == '\t')
		vpos++;
	if (vpos > i && (s[vpos] == '\0' || s[vpos] == ',' || s[vpos] == '}' ||
	                 matcher_starts_matcher(s + vpos)))
		vpos = i;
	i = vpos;
	if (s[i] == '"') {
		if (matcher_quoted(s, &i, &m->value, err) < 0)
			return -1;
		if (s[i] && !matcher_space(s[i]) && s[i] != ',' && s[i] != '}')
			return errf(err, "col %zu: expected ',' or space after quoted value",
			            matcher_col(s, i));
	} else {
		start = i;
		while (s[i] && !matcher_space(s[i]) && s[i] != ',' && s[i] != '{' && s[i] != '}') {
			if (s[i] == '"')
				return errf(err, "col %zu: unexpected '\"' in unquoted value",
				            matcher_col(s, i));
			i++;
		}
		if (s[i] == '{')
			return errf(err, "col %zu: unexpected '{' in value (quote it)",
			            matcher_col(s, i));
		m->value = xstrndup(s + start, i - start);
	}
	if ((m->op == MATCH_RE || m->op == MATCH_NRE) && matcher_compile(m, err) < 0) {
		char msg[ERR_MAX];

		snprintf(msg, sizeof msg, "%s", err ? err : "");
		return errf(err, "col %zu: %s", matcher_col(s, vpos), msg);
	}
	*pos = i;
	return 0;
}

int matchers_parse(const char *s, struct filter *out, char err[ERR_MAX])
{
	struct filter f = {0};
	size_t cap = 0, i = 0;
	bool braced = false, comma;

	memset(out, 0, sizeof *out);
	if (!s)
		return 0;
	while (matcher_space(s[i]))
		i++;
	if (s[i] == '{') {
		braced = true;
		i++;
	}
	for (;;) {
		while (matcher_space(s[i]))
			i++;
		if (s[i] == '\0') {
			if (braced) {
				errf(err, "col %zu: missing closing '}'", matcher_col(s, i));
				goto fail;
			}
			break;
		}
		if (s[i] == '}') {
			if (!braced) {
				errf(err, "col %zu: unexpected '}'", matcher_col(s, i));
				goto fail;
			}
			i++;
			while (matcher_space(s[i]))
				i++;
			if (s[i] != '\0') {
				errf(err, "col %zu: unexpected text after '}'", matcher_col(s, i));
				goto fail;
			}
			break;
		}
		xgrow(&f.m, &cap, f.n + 1, sizeof *f.m);
		memset(&f.m[f.n], 0, sizeof *f.m);
		f.n++;
		if (matcher_one(s, &i, &f.m[f.n - 1], err) < 0)
			goto fail;
		/* separator: spaces and at most one comma; a trailing comma
		 * before '}' or the end is allowed, as Prometheus allows it */
		comma = false;
		while (matcher_space(s[i]) || (s[i] == ',' && !comma)) {
			if (s[i] == ',')
				comma = true;
			i++;
		}
		if (s[i] == ',') {
			errf(err, "col %zu: expected a label name", matcher_col(s, i));
			goto fail;
		}
	}
	*out = f;
	return 0;
fail:
	filter_free(&f);
	return -1;
}

/* Does s have `name` followed by an operator (= != =~ !~) at a word start,
 * or start with '{'? Then the user meant matchers. */
static bool matcher_looks_like(const char *s)
{
	size_t i = 0, j;

	while (matcher_space(s[i]))
		i++;
	if (s[i] == '{')
		return true;
	for (; s[i]; i++) {
		if (!matcher_name_start(s[i]))
			continue;
		if (i > 0 && !matcher_space(s[i - 1]) && s[i - 1] != ',')
			continue;
		if (matcher_starts_matcher(s + i))
			return true;
		for (j = i; matcher_name_char(s[j]); j++)
			;
		i = j - 1;  /* skip the word; the loop's i++ lands after it */
	}
	return false;
}

int filter_parse(const char *s, struct filter *out, char err[ERR_MAX])
{
	const char *end;

	memset(out, 0, sizeof *out);
	if (!s)
		return 0;
	if (matcher_looks_like(s))
		return matchers_parse(s, out, err);
	while (matcher_space(*s))
		s++;
	end = s + strlen(s);
	while (end > s && matcher_space(end[-1]))
		end--;
	if (end > s)
		out->text = xstrndup(s, (size_t)(end - s));
	return 0;
}

static char matcher_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive substring test; needle is non-empty. */
static bool matcher_contains(const char *hay, const char *needle)
{
	size_t i, nl = strlen(needle);
	char first = matcher_lower(needle[0]);

	for (; *hay; hay++) {
		if (matcher_lower(*hay) != first)
			continue;
		for (i = 1; i < nl && hay[i] && matcher_lower(hay[i]) == matcher_lower(needle[i]); i++)
			;
		if (i == nl)
			return true;
	}
	return false;
}

static bool matcher_text_in(const struct labelset *ls, const char *needle)
{
	size_t i;

	for (i = 0; ls && i < ls->n; i++)
		if (matcher_contains(ls->v[i].value, needle))
			return true;
	return false;
}

/* Alertmanager semantics: a missing label is matched as "". */
static bool matcher_match(const struct matcher *m, const struct labelset *labels)
{
	const char *v = labels ? labelset_get(labels, m->name) : NULL;
	bool hit;

	if (!v)
		v = "";
	switch (m->op) {
	case MATCH_EQ:
		return strcmp(v, m->value) == 0;
	case MATCH_NE:
		return strcmp(v, m->value) != 0;
	case MATCH_RE:
	case MATCH_NRE:
		hit = m->re_ok && regexec(&m->re, v, 0, NULL, 0) == 0;
		return m->op == MATCH_RE ? hit : !hit;
	}
	return false;
}

bool filter_match(const struct filter *f, const struct labelset *labels,
                  const struct labelset *annotations)
{
	size_t i;

	if (!f || filter_is_empty(f))
		return true;
	if (f->text)
		return matcher_text_in(labels, f->text) || matcher_text_in(annotations, f->text);
	for (i = 0; i < f->n; i++)
		if (!matcher_match(&f->m[i], labels))
			return false;
	return true;
}

bool filter_is_empty(const struct filter *f)
{
	return !f || (f->n == 0 && (!f->text || !f->text[0]));
}

void filter_free(struct filter *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		matcher_free_one(&f->m[i]);
	free(f->m);
	free(f->text);
	memset(f, 0, sizeof *f);
}

const char *matcher_op_str(enum matcher_op op)
{
	switch (op) {
	case MATCH_EQ:
		return "=";
	case MATCH_NE:
		return "!=";
	case MATCH_RE:
		return "=~";
	case MATCH_NRE:
		return "!~";
	}
	return "?";
}
