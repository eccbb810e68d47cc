/* template.c: alert context for runbook commands, never as code: the
 * expansion of {{ $labels.name }} into one single-quoted shell word or a
 * PromQL string (the PAGETTY_* environment is in template_env.c). A small
 * lexer follows the quoting of the code around each placeholder (shell:
 * '...', "...", $(...), comments, and the places where quoting cannot help;
 * PromQL: its three string forms and comments), so the value is quoted for
 * where it lands. */
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- quoting ------------------------------------------------------------ */

/* Single-quoted word body: ' as '\''. */
static void sh_body(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putc(b, *s);
	}
}

char *template_shell_quote(const char *s)
{
	struct buf b = {0};

	buf_putc(&b, '\'');
	sh_body(&b, s ? s : "");
	buf_putc(&b, '\'');
	return buf_steal(&b);
}

/* Length of the valid UTF-8 sequence (2..4 bytes) at p, or 0. */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f))
			return 0;
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* PromQL string content for a literal quoted with q (' or "): only the
 * literal's own quote may be escaped (Prometheus' strutil.Unquote). A
 * static twin of promql_quote() that also serves '...' strings. */
static void promql_body(struct buf *b, const char *s, char q)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		if (*p == '\\' || *p == (unsigned char)q) {
			buf_putc(b, '\\');
			buf_putc(b, (char)*p++);
		} else if (*p == '\n') {
			buf_puts(b, "\\n"), p++;
		} else if (*p == '\t') {
			buf_puts(b, "\\t"), p++;
		} else if (*p == '\r') {
			buf_puts(b, "\\r"), p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_printf(b, "\\x%02x", *p++);
		} else if (*p < 0x80) {
			buf_putc(b, (char)*p++);
		} else if ((n = utf8_len(p)) > 0) {
			buf_append(b, p, n);
			p += n;
		} else {
			buf_printf(b, "\\x%02x", *p++);
		}
	}
}

/* ---- placeholders ------------------------------------------------------- */

enum tpl_kind { TPL_NONE, TPL_LABEL, TPL_ANNOTATION, TPL_ALERTNAME, TPL_OTHER };

struct tpl {
	enum tpl_kind kind;
	size_t len;        /* bytes from "{{" to "}}" inclusive */
	char name[128];    /* label/annotation name */
};

/* The last search for a closing "}}": no "}}", '\n' or NUL starts in
 * [from, end), and end is where one does. A line of many "{{" is then
 * scanned once, not once per "{{" (which was quadratic in the line). */
struct tpl_memo {
	const char *from;  /* borrowed: into the code; NULL before any search */
	const char *end;   /* borrowed: a "}}", a '\n' or the terminating NUL */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Where the first "}}" at or after from on its line starts, or the '\n' or
 * NUL that ends the line first; remembered in m for the next call. */
static const char *tpl_close(const char *from, struct tpl_memo *m)
{
	const char *c;

	if (m->from && from >= m->from && from <= m->end)
		return m->end;
	for (c = from; *c && *c != '\n' && !(c[0] == '}' && c[1] == '}'); c++)
		;
	m->from = from;
	m->end = c;
	return c;
}

/* Match a placeholder at p (which starts with "{{"). TPL_OTHER: a {{ ... }}
 * on one line that is not ours; TPL_NONE: no closing braces. m remembers
 * the search for "}}" across calls on the same code. */
static enum tpl_kind tpl_match(const char *p, struct tpl *t, struct tpl_memo *m)
{
	const char *q = p + 2, *name;
	const char *close;
	size_t n;

	t->kind = TPL_NONE;
	t->name[0] = '\0';
	while (is_blank(*q))
		q++;
	if (strncmp(q, "$labels.", 8) == 0) {
		t->kind = TPL_LABEL;
		q += 8;
	} else if (strncmp(q, "$annotations.", 13) == 0) {
		t->kind = TPL_ANNOTATION;
		q += 13;
	} else if (strncmp(q, "$alertname", 10) == 0) {
		t->kind = TPL_ALERTNAME;
		q += 10;
	}
	if (t->kind == TPL_LABEL || t->kind == TPL_ANNOTATION) {
		name = q;
		if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_') {
			while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			       (*q >= '0' && *q <= '9') || *q == '_')
				q++;
		}
		n = (size_t)(q - name);
		if (n == 0 || n >= sizeof t->name)
			goto other;
		memcpy(t->name, name, n);
		t->name[n] = '\0';
	}
	if (t->kind != TPL_NONE) {
		while (is_blank(*q))
			q++;
		if (q[0] == '}' && q[1] == '}') {
			t->len = (size_t)(q + 2 - p);
			return t->kind;
		}
	}
other:
	t->kind = TPL_NONE;
	close = tpl_close(p + 2, m);
	if (close[0] == '}') {
		t->kind = TPL_OTHER;
		t->len = (size_t)(close + 2 - p);
	}
	return t->kind;
}

static const char *tpl_value(const struct tpl *t, const struct alert *a)
{
	if (!a)
		return NULL;
	switch (t->kind) {
	case TPL_LABEL:
		return labelset_get(&a->labels, t->name);
	case TPL_ANNOTATION:
		return labelset_get(&a->annotations, t->name);
	case TPL_ALERTNAME:
		return labelset_get(&a->labels, "alertname");
	default:
		return NULL;
	}
}

static const char *tpl_env_hint(const struct tpl *t, char *hint, size_t n)
{
	if (t->kind == TPL_LABEL)
		snprintf(hint, n, "\"$PAGETTY_LABEL_%s\"", t->name);
	else if (t->kind == TPL_ANNOTATION)
		snprintf(hint, n, "\"$PAGETTY_ANNOTATION_%s\"", t->name);
	else
		snprintf(hint, n, "\"$PAGETTY_ALERTNAME\"");
	return hint;
}

/* Where in code (line:col, 1-based) byte offset off is. */
static void line_col(const char *code, size_t off, size_t *line, size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (code[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

struct expander {
	const char *code;
	const struct alert *a;
	struct buf out;
	int warnings;
	char *err;           /* borrowed: the caller's err */
	struct tpl_memo memo;
};

static void warn(struct expander *x, size_t off, const char *fmt, const char *arg)
{
	size_t line, col;
	char msg[ERR_MAX];

	if (x->warnings++ > 0)
		return;
	line_col(x->code, off, &line, &col);
	snprintf(msg, sizeof msg, fmt, arg);
	errf(x->err, "%zu:%zu: %s", line, col, msg);
}

static void warn_other(struct expander *x, size_t off, const struct tpl *t)
{
	char *snip = xstrndup(x->code + off, t->len > 60 ? 60 : t->len);

	warn(x, off, "not a pagetty placeholder, left as is: %s", snip);
	free(snip);
}

static int refuse(struct expander *x, size_t off, const struct tpl *t, const char *why)
{
	size_t line, col;
	char hint[180];

	line_col(x->code, off, &line, &col);
	return errf(x->err, "%zu:%zu: %.*s %s: a value cannot be quoted safely there; use %s",
	            line, col, (int)(t->len > 60 ? 60 : t->len), x->code + off, why,
	            tpl_env_hint(t, hint, sizeof hint));
}

/* The value for t, counting a warning when the alert lacks it. */
static const char *value_of(struct expander *x, size_t off, const struct tpl *t)
{
	const char *v = tpl_value(t, x->a);

	if (v)
		return v;
	warn(x, off, "no such label or annotation: %s",
	     t->kind == TPL_ALERTNAME ? "alertname" : t->name);
	return "";
}

/* ---- shell -------------------------------------------------------------- */

enum sh_ctx { SH_TOP, SH_CMDSUB, SH_SQ, SH_DQ, SH_BQ, SH_PARAM, SH_ARITH, SH_ANSI };

#define SH_DEPTH 32
#define SH_HEREDOCS 8

struct sh_frame {
	enum sh_ctx ctx;
	int depth;           /* parentheses or braces still open */
};

struct sh_lex {
	struct sh_frame st[SH_DEPTH];
	size_t n;
	bool esc;            /* the previous byte was an escaping backslash */
	bool dollar;         /* the previous byte was an unescaped '$' */
	bool comment;
	bool word_start;     /* the next byte starts a token */
	const char *lost;    /* NULL, or why the lexer lost track */
	char hd_delim[SH_HEREDOCS][256];
	bool hd_strip[SH_HEREDOCS];
	size_t n_hd;         /* here-documents pending */
	size_t hd_body;      /* index of the one whose body is being read */
	bool in_body;
};

static enum sh_ctx sh_top(const struct sh_lex *s)
{
	return s->st[s->n - 1].ctx;
}

static void sh_push(struct sh_lex *s, enum sh_ctx c, int depth)
{
	if (s->n == SH_DEPTH) {
		s->lost = "in code nested too deep to follow";
		return;
	}
	s->st[s->n].ctx = c;
	s->st[s->n].depth = depth;
	s->n++;
}

static void sh_pop(struct sh_lex *s)
{
	if (s->n > 1)
		s->n--;
}

static bool sh_in(const struct sh_lex *s, enum sh_ctx c)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->st[i].ctx == c)
			return true;
	return false;
}

/* Read the delimiter word after "<<" / "<<-" at code[*i], copying it out. */
static int sh_heredoc(struct expander *x, struct sh_lex *s, size_t *i)
{
	const char *c = x->code;
	char *d;
	size_t n = 0, start;
	char q;
	struct tpl t;

	if (s->n_hd == SH_HEREDOCS) {
		s->lost = "after more here-documents than pagetty follows";
		return 0;
	}
	d = s->hd_delim[s->n_hd];
	s->hd_strip[s->n_hd] = false;
	if (c[*i] == '-') {
		s->hd_strip[s->n_hd] = true;
		buf_putc(&x->out, c[(*i)++]);
	}
	while (is_blank(c[*i]))
		buf_putc(&x->out, c[(*i)++]);
	start = *i;
	while (c[*i] && !strchr(" \t\n;&|<>()", c[*i])) {
		if (c[*i] == '{' && c[*i + 1] == '{' && tpl_match(c + *i, &t, &x->memo) != TPL_NONE &&
		    t.kind != TPL_OTHER)
			return refuse(x, *i, &t, "in a here-document delimiter");
		if (c[*i] == '\\' && c[*i + 1]) {
			buf_putc(&x->out, c[(*i)++]);
			if (n < 255)
				d[n++] = c[*i];
			buf_putc(&x->out, c[(*i)++]);
		} else if (c[*i] == '\'' || c[*i] == '"') {
			q = c[*i];
			buf_putc(&x->out, c[(*i)++]);
			while (c[*i] && c[*i] != q) {
				if (n < 255)
					d[n++] = c[*i];
				buf_putc(&x->out, c[(*i)++]);
			}
			if (c[*i])
				buf_putc(&x->out, c[(*i)++]);
		} else {
			if (n < 255)
				d[n++] = c[*i];
			buf_putc(&x->out, c[(*i)++]);
		}
		if (n == 255)
			s->lost = "after a here-document delimiter too long to follow";
	}
	d[n] = '\0';
	if (*i == start || n == 0)
		s->lost = "after a here-document without a delimiter";
	s->n_hd++;
	s->word_start = false;
	return 0;
}

/* Copy one line of a here-document body at code[*i]; refuse placeholders. */
static int sh_body_line(struct expander *x, struct sh_lex *s, size_t *i)
{
	const char *c = x->code, *line = c + *i, *end = strchr(line, '\n'), *p;
	size_t len = end ? (size_t)(end - line) : strlen(line);
	struct tpl t;

	for (p = line; p < line + len; p++)
		if (p[0] == '{' && p[1] == '{' && tpl_match(p, &t, &x->memo) != TPL_NONE &&
		    t.kind != TPL_OTHER)
			return refuse(x, (size_t)(p - c), &t, "in a here-document");
	p = line;
	if (s->hd_strip[s->hd_body])
		while (*p == '\t')
			p++;
	if ((size_t)(line + len - p) == strlen(s->hd_delim[s->hd_body]) &&
	    memcmp(p, s->hd_delim[s->hd_body], (size_t)(line + len - p)) == 0) {
		if (++s->hd_body == s->n_hd) {
			s->in_body = false;
			s->n_hd = 0;
			s->hd_body = 0;
		}
	}
	buf_append(&x->out, line, len + (end ? 1 : 0));
	*i += len + (end ? 1 : 0);
	return 0;
}

/* Emit a recognised placeholder t at offset off, quoted for where it is. */
static int sh_place(struct expander *x, struct sh_lex *s, size_t off, const struct tpl *t)
{
	static const enum sh_ctx bad[] = { SH_BQ, SH_PARAM, SH_ARITH, SH_ANSI };
	static const char *const why[] = { "inside `...`", "inside ${...}", "inside $((...))",
	                                   "inside $'...'" };
	const char *v;
	size_t k;

	if (s->lost)
		return refuse(x, off, t, s->lost);
	for (k = 0; k < ARRAY_LEN(bad); k++)
		if (sh_in(s, bad[k]))
			return refuse(x, off, t, why[k]);
	if (s->dollar)
		return refuse(x, off, t, "right after '$'");
	v = value_of(x, off, t);
	switch (sh_top(s)) {
	case SH_SQ:
		sh_body(&x->out, v);
		break;
	case SH_DQ:
		buf_puts(&x->out, "\"'");
		sh_body(&x->out, v);
		buf_puts(&x->out, "'\"");
		break;
	default: /* SH_TOP, SH_CMDSUB */
		buf_putc(&x->out, '\'');
		sh_body(&x->out, v);
		buf_putc(&x->out, '\'');
		break;
	}
	s->word_start = false;
	return 0;
}

/* Update the lexer for byte code[*i] in unquoted code and copy it (and any
 * bytes it looks ahead at). */
static int sh_code_byte(struct expander *x, struct sh_lex *s, size_t *i)
{
	const char *c = x->code + *i;
	struct sh_frame *f = &s->st[s->n - 1];
	bool start = s->word_start;

	s->word_start = strchr(" \t\n;&|()<>", *c) != NULL;
	switch (*c) {
	case '\\':
		s->esc = true;
		s->word_start = start && c[1] == '\n';
		break;
	case '\'':
		sh_push(s, SH_SQ, 0);
		break;
	case '"':
		sh_push(s, SH_DQ, 0);
		break;
	case '`':
		sh_push(s, SH_BQ, 0);
		break;
	case '#':
		if (start)
			s->comment = true;
		break;
	case '(':
		if (f->ctx == SH_CMDSUB)
			f->depth++;
		break;
	case ')':
		if (f->ctx == SH_CMDSUB && f->depth-- == 0)
			sh_pop(s);
		break;
	case '\n':
		if (s->n_hd) {
			s->in_body = true;
			s->hd_body = 0;
		}
		break;
	case '<':
		if (c[1] == '<' && c[2] == '<') {
			buf_append(&x->out, c, 3);
			*i += 3;
			return 0;
		}
		if (c[1] == '<') {
			buf_append(&x->out, c, 2);
			*i += 2;
			return sh_heredoc(x, s, i);
		}
		break;
	case 'c':
		if (start && strncmp(c, "case", 4) == 0 && strchr(" \t\n", c[4]) && c[4] &&
		    sh_in(s, SH_CMDSUB))
			s->lost = "after a `case` inside $(...)";
		break;
	default:
		break;
	}
	buf_putc(&x->out, *c);
	(*i)++;
	return 0;
}

/* A '$' in code, "..." or ${...}: what it opens. */
static void sh_dollar(struct expander *x, struct sh_lex *s, size_t *i)
{
	const char *c = x->code + *i;
	struct tpl t;
	size_t n = 1;

	if (c[1] == '(' && c[2] == '(') {
		sh_push(s, SH_ARITH, 2);
		n = 3;
	} else if (c[1] == '(') {
		sh_push(s, SH_CMDSUB, 0);
		n = 2;
	} else if (c[1] == '{' && !(c[2] == '{' && tpl_match(c + 1, &t, &x->memo) != TPL_NONE &&
	                             t.kind != TPL_OTHER)) {
		sh_push(s, SH_PARAM, 1);
		n = 2;
	} else if (c[1] == '\'' && sh_top(s) != SH_DQ) {
		sh_push(s, SH_ANSI, 0);
		n = 2;
	} else {
		s->dollar = true;
	}
	s->word_start = n == 2 && c[1] == '(';
	buf_append(&x->out, c, n);
	*i += n;
}

static int sh_expand(struct expander *x)
{
	const char *c = x->code;
	struct sh_lex s = { .n = 1, .word_start = true };
	struct tpl t;
	size_t i = 0;
	bool was_dollar;
	struct sh_frame *f;

	s.st[0].ctx = SH_TOP;
	while (c[i]) {
		if (s.in_body) {
			if (sh_body_line(x, &s, &i) < 0)
				return -1;
			continue;
		}
		if (s.comment) {
			if (c[i] == '\n')
				s.comment = false;
			else {
				buf_putc(&x->out, c[i++]);
				continue;
			}
		}
		was_dollar = s.dollar;
		s.dollar = false;
		if (c[i] == '{' && c[i + 1] == '{' && !s.esc && tpl_match(c + i, &t, &x->memo) != TPL_NONE) {
			if (t.kind == TPL_OTHER) {
				warn_other(x, i, &t);
			} else {
				s.dollar = was_dollar;
				if (sh_place(x, &s, i, &t) < 0)
					return -1;
				s.dollar = false;
				i += t.len;
				continue;
			}
		}
		if (s.esc) {
			s.esc = false;
			buf_putc(&x->out, c[i++]);
			continue;
		}
		f = &s.st[s.n - 1];
		switch (f->ctx) {
		case SH_TOP:
		case SH_CMDSUB:
			if (c[i] == '$')
				sh_dollar(x, &s, &i);
			else if (sh_code_byte(x, &s, &i) < 0)
				return -1;
			continue;
		case SH_SQ:
			if (c[i] == '\'')
				sh_pop(&s);
			break;
		case SH_ANSI:
		case SH_BQ:
			if (c[i] == '\\')
				s.esc = true;
			else if (c[i] == (f->ctx == SH_BQ ? '`' : '\''))
				sh_pop(&s);
			break;
		case SH_DQ:
			if (c[i] == '\\')
				s.esc = true;
			else if (c[i] == '"')
				sh_pop(&s);
			else if (c[i] == '`')
				sh_push(&s, SH_BQ, 0);
			else if (c[i] == '$') {
				sh_dollar(x, &s, &i);
				continue;
			}
			break;
		case SH_PARAM:
		case SH_ARITH:
			if (c[i] == '\\') {
				s.esc = true;
			} else if (c[i] == '$') {
				sh_dollar(x, &s, &i);
				continue;
			} else if (c[i] == '"') {
				sh_push(&s, SH_DQ, 0);
			} else if (c[i] == '\'') {
				if (f->ctx == SH_PARAM && s.n > 1 && s.st[s.n - 2].ctx == SH_DQ)
					s.lost = "after a quote inside \"${...}\"";
				sh_push(&s, SH_SQ, 0);
			} else if (c[i] == '`') {
				sh_push(&s, SH_BQ, 0);
			} else if (c[i] == (f->ctx == SH_PARAM ? '{' : '(')) {
				f->depth++;
			} else if (c[i] == (f->ctx == SH_PARAM ? '}' : ')')) {
				if (--f->depth == 0)
					sh_pop(&s);
			}
			break;
		}
		buf_putc(&x->out, c[i++]);
	}
	return 0;
}

/* ---- PromQL ------------------------------------------------------------- */

enum pq_ctx { PQ_CODE, PQ_DQ, PQ_SQ, PQ_RAW, PQ_COMMENT };

static int pq_expand(struct expander *x)
{
	const char *c = x->code, *v;
	enum pq_ctx ctx = PQ_CODE;
	bool esc = false;
	struct tpl t;
	size_t i = 0;

	while (c[i]) {
		if (c[i] == '{' && c[i + 1] == '{' && !esc && ctx != PQ_COMMENT &&
		    tpl_match(c + i, &t, &x->memo) != TPL_NONE) {
			if (t.kind == TPL_OTHER) {
				warn_other(x, i, &t);
			} else {
				v = value_of(x, i, &t);
				if (ctx == PQ_CODE) {
					buf_putc(&x->out, '"');
					promql_body(&x->out, v, '"');
					buf_putc(&x->out, '"');
				} else if (ctx == PQ_RAW) {
					if (strchr(v, '`'))
						return refuse(x, i, &t,
						              "inside a `raw` string, and the value holds a backtick");
					buf_puts(&x->out, v);
				} else {
					promql_body(&x->out, v, ctx == PQ_DQ ? '"' : '\'');
				}
				i += t.len;
				continue;
			}
		}
		if (esc) {
			esc = false;
		} else {
			switch (ctx) {
			case PQ_CODE:
				if (c[i] == '"')
					ctx = PQ_DQ;
				else if (c[i] == '\'')
					ctx = PQ_SQ;
				else if (c[i] == '`')
					ctx = PQ_RAW;
				else if (c[i] == '#')
					ctx = PQ_COMMENT;
				break;
			case PQ_DQ:
			case PQ_SQ:
				if (c[i] == '\\')
					esc = true;
				else if (c[i] == (ctx == PQ_DQ ? '"' : '\''))
					ctx = PQ_CODE;
				break;
			case PQ_RAW:
				if (c[i] == '`')
					ctx = PQ_CODE;
				break;
			case PQ_COMMENT:
				if (c[i] == '\n')
					ctx = PQ_CODE;
				break;
			}
		}
		buf_putc(&x->out, c[i++]);
	}
	return 0;
}

int template_expand(const char *code, bool promql, const struct alert *a, char **out,
                    char err[ERR_MAX])
{
	struct expander x = { .code = code ? code : "", .a = a, .err = err };
	int rc;

	*out = NULL;
	if (err)
		err[0] = '\0';
	rc = promql ? pq_expand(&x) : sh_expand(&x);
	if (rc < 0) {
		buf_free(&x.out);
		return -1;
	}
	*out = buf_steal(&x.out);
	return x.warnings;
}
