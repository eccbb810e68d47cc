/* lint_code.c: the text heuristics of `pagetty lint`: shell blocks given
 * to `sh -n` (the one place lint executes anything, and sh -n only
 * parses), PromQL bracket and quote balance, the labels a block refers to
 * and the labels an alert rule's alerts carry (a heuristic over its expr),
 * what an escalation item says (condition, time, who), and whether an
 * unprompted console block is sample output. */
#include "lint.h"
#include "lint_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "text.h"

#define LINT_SH_TIMEOUT_MS 2000
#define LINT_SH_OUT_MAX    1024   /* bytes of sh's complaint kept */
#define LINT_NEST_MAX      256
#define LINT_REFS_MAX      256    /* distinct label references kept per block */
#define LINT_NAMES_MAX     512

/* ---- sh -n ----------------------------------------------------------------- */

/* The first line of sh's complaint, its line number taken out:
 * dash "sh: 3: Syntax error: ...", bash "bash: line 3: syntax error ...". */
static void lint_sh_message(const char *out, char msg[ERR_MAX], int *line)
{
	const char *s = out, *p;
	size_t n = strcspn(out, "\n");
	char *first = xstrndup(out, n), *clean;

	*line = 0;
	s = first;
	p = strstr(s, ": line ");
	if (p && isdigit((unsigned char)p[7])) {
		*line = atoi(p + 7);
		s = p + 7;
		while (isdigit((unsigned char)*s))
			s++;
		if (*s == ':')
			s++;
	} else if ((p = strchr(s, ':')) && p[1] == ' ' && isdigit((unsigned char)p[2])) {
		*line = atoi(p + 2);
		s = p + 2;
		while (isdigit((unsigned char)*s))
			s++;
		if (*s == ':')
			s++;
	}
	while (*s == ' ')
		s++;
	clean = text_sanitize(s, strlen(s), 0, 160);
	snprintf(msg, ERR_MAX, "%s", *clean ? clean : "syntax error");
	free(clean);
	free(first);
}

static int64_t lint_left(int64_t deadline)
{
	int64_t left = deadline - now_ms();

	return left > 0 ? left : 0;
}

int lint_sh_check(const char *shell, const char *code, int64_t timeout_ms,
                  char msg[ERR_MAX], int *line)
{
	static char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, status = 0, rc = -1;
	size_t len = strlen(code), off = 0;
	struct buf got = {0};
	sigset_t pipe_set, old_set;
	struct timespec zero = {0};
	int64_t deadline;
	bool reaped = false, eof = false;
	pid_t pid;
	char tmp[512];
	ssize_t r;

	*line = 0;
	msg[0] = '\0';
	if (!shell)
		shell = "/bin/sh";
	if (timeout_ms <= 0)
		timeout_ms = LINT_SH_TIMEOUT_MS;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		errf(msg, "cannot run %s -n: %s", shell, strerror(errno));
		goto fail;
	}
	/* a shell that stops reading (a syntax error) must not kill us with SIGPIPE */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old_set);
	pid = fork();
	if (pid < 0) {
		errf(msg, "cannot run %s -n: %s", shell, strerror(errno));
		sigprocmask(SIG_SETMASK, &old_set, NULL);
		goto fail;
	}
	if (pid == 0) {
		char *const argv[] = { (char *)shell, "-n", NULL };

		sigprocmask(SIG_SETMASK, &old_set, NULL);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(127);
		execve(shell, argv, envp);
		dprintf(2, "pagetty-exec-failed: %s\n", strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	deadline = now_ms() + timeout_ms;
	while (!eof && lint_left(deadline) > 0) {
		struct pollfd pf[2] = { { out[0], POLLIN, 0 }, { in[1], POLLOUT, 0 } };
		nfds_t nf = in[1] >= 0 ? 2 : 1;

		if (poll(pf, nf, (int)lint_left(deadline)) < 0 && errno != EINTR)
			break;
		if (nf == 2 && (pf[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			r = write(in[1], code + off, len - off);
			if (r > 0)
				off += (size_t)r;
			if ((r < 0 && errno != EAGAIN && errno != EINTR) || off == len) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			r = read(out[0], tmp, sizeof tmp);
			if (r > 0 && got.len < LINT_SH_OUT_MAX)
				buf_append(&got, tmp, (size_t)r);
			else if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
				eof = true;
		}
	}
	while (!reaped && lint_left(deadline) > 0) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid || (w < 0 && errno != EINTR))
			reaped = true;
		else
			usleep(2000);
	}
	if (!reaped) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		errf(msg, "%s -n did not finish in %lld ms", shell, (long long)timeout_ms);
	} else if (got.data && strstr(got.data, "pagetty-exec-failed: ")) {
		errf(msg, "cannot run %s -n: %s", shell, strstr(got.data, ": ") + 2);
		msg[strcspn(msg, "\n")] = '\0';
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = 0;
	} else {
		lint_sh_message(got.data ? got.data : "", msg, line);
		rc = 1;
	}
	while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
		;   /* drop a SIGPIPE our writes raised */
	sigprocmask(SIG_SETMASK, &old_set, NULL);
fail:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	buf_free(&got);
	return rc;
}

/* ---- templates --------------------------------------------------------------- */

/* End of the "{{ ... }}" that starts at s (pointing past "}}"), or NULL. */
static const char *lint_tmpl_end(const char *s)
{
	const char *e = strstr(s + 2, "}}");

	return e ? e + 2 : NULL;
}

/* pagetty's own template: "{{" spaces "$"word[.word] spaces "}}". */
static bool lint_is_label_tmpl(const char *s, const char *e)
{
	const char *p = s + 2;

	while (p < e && *p == ' ')
		p++;
	if (p >= e || *p != '$')
		return false;
	for (p++; p < e - 2 && (isalnum((unsigned char)*p) || *p == '_' || *p == '.'); p++)
		;
	while (p < e - 2 && *p == ' ')
		p++;
	return p == e - 2;
}

char *lint_sh_prepare(const char *code)
{
	struct buf b = {0};
	const char *s = code, *e;

	while (*s) {
		if (s[0] == '{' && s[1] == '{' && (e = lint_tmpl_end(s)) && lint_is_label_tmpl(s, e)) {
			buf_putc(&b, 'x');
			s = e;
			continue;
		}
		buf_putc(&b, *s++);
	}
	return buf_steal(&b);
}

/* Every "{{ ... }}" becomes "x", keeping its newlines so lines still count. */
static char *lint_promql_prepare(const char *code)
{
	struct buf b = {0};
	const char *s = code, *e, *p;

	while (*s) {
		if (s[0] == '{' && s[1] == '{' && (e = lint_tmpl_end(s))) {
			buf_putc(&b, 'x');
			for (p = s; p < e; p++)
				if (*p == '\n')
					buf_putc(&b, '\n');
			s = e;
			continue;
		}
		buf_putc(&b, *s++);
	}
	return buf_steal(&b);
}

/* ---- PromQL balance ------------------------------------------------------------ */

int lint_promql_check(const char *code, char msg[ERR_MAX], int *line)
{
	struct { char c; int line, col; } stack[LINT_NEST_MAX];
	char *q = lint_promql_prepare(code);
	const char *s;
	size_t depth = 0;
	int ln = 1, col = 0, sline = 0, scol = 0, rc = 1;
	char quote = 0, want;

	*line = 0;
	msg[0] = '\0';
	for (s = q; *s; s++) {
		col++;
		if (*s == '\n') {
			if (quote && quote != '`') {
				errf(msg, "unterminated string starting at %d:%d", sline, scol);
				*line = sline;
				goto out;
			}
			ln++;
			col = 0;
			continue;
		}
		if (quote) {
			if (*s == '\\' && quote != '`' && s[1] && s[1] != '\n') {
				s++;
				col++;
			} else if (*s == quote) {
				quote = 0;
			}
			continue;
		}
		switch (*s) {
		case '#':
			while (s[1] && s[1] != '\n')
				s++;
			break;
		case '"': case '\'': case '`':
			quote = *s;
			sline = ln;
			scol = col;
			break;
		case '(': case '[': case '{':
			if (depth == LINT_NEST_MAX) {
				errf(msg, "brackets nested more than %d deep at %d:%d", LINT_NEST_MAX, ln, col);
				*line = ln;
				goto out;
			}
			stack[depth].c = *s;
			stack[depth].line = ln;
			stack[depth++].col = col;
			break;
		case ')': case ']': case '}':
			want = *s == ')' ? '(' : *s == ']' ? '[' : '{';
			if (depth == 0) {
				errf(msg, "'%c' at %d:%d closes nothing", *s, ln, col);
				*line = ln;
				goto out;
			}
			if (stack[depth - 1].c != want) {
				errf(msg, "'%c' at %d:%d does not close '%c' opened at %d:%d", *s, ln, col,
				     stack[depth - 1].c, stack[depth - 1].line, stack[depth - 1].col);
				*line = ln;
				goto out;
			}
			depth--;
			break;
		default:
			break;
		}
	}
	if (quote) {
		errf(msg, "unterminated string starting at %d:%d", sline, scol);
		*line = sline;
	} else if (depth) {
		errf(msg, "'%c' opened at %d:%d is never closed", stack[depth - 1].c,
		     stack[depth - 1].line, stack[depth - 1].col);
		*line = stack[depth - 1].line;
	} else {
		rc = 0;
	}
out:
	free(q);
	return rc;
}

/* ---- label references ---------------------------------------------------------- */

static bool lint_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static void lint_ref_add(struct lint_ref **v, size_t *n, const char *name, size_t len, int line)
{
	size_t i;

	if (len == 0 || *n >= LINT_REFS_MAX)
		return;
	for (i = 0; i < *n; i++)
		if (strlen((*v)[i].name) == len && memcmp((*v)[i].name, name, len) == 0)
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n].name = xstrndup(name, len);
	(*v)[(*n)++].line = line;
}

size_t lint_label_refs(const char *code, struct lint_ref **out)
{
	static const char env[] = "PAGETTY_LABEL_", tmpl[] = "$labels.";
	const char *s = code, *e, *p, *t;
	size_t n = 0, k;
	int line = 1;

	*out = NULL;
	for (; *s; s++) {
		if (*s == '\n') {
			line++;
		} else if (s[0] == '{' && s[1] == '{' && (e = lint_tmpl_end(s))) {
			for (p = s; (t = memmem(p, (size_t)(e - p), tmpl, sizeof tmpl - 1)); p = t + k) {
				t += sizeof tmpl - 1;
				for (k = 0; t + k < e && lint_ident_char(t[k]); k++)
					;
				lint_ref_add(out, &n, t, k, line);
			}
			for (p = s; p < e; p++)
				line += *p == '\n';
			s = e - 1;
		} else if (*s == '$' && (strncmp(s + 1, env, sizeof env - 1) == 0 ||
		                         (s[1] == '{' && strncmp(s + 2, env, sizeof env - 1) == 0))) {
			p = s + (s[1] == '{' ? 2 : 1) + sizeof env - 1;
			for (k = 0; lint_ident_char(p[k]); k++)
				;
			lint_ref_add(out, &n, p, k, line);
		}
	}
	return n;
}

void lint_refs_free(struct lint_ref *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* ---- the labels of a rule's alerts ------------------------------------------------ */

static void lint_name_add(char ***v, size_t *n, const char *s, size_t len)
{
	size_t i;

	if (len == 0 || *n >= LINT_NAMES_MAX)
		return;
	for (i = 0; i < *n; i++)
		if (strlen((*v)[i]) == len && memcmp((*v)[i], s, len) == 0)
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrndup(s, len);
}

static const char *lint_skip_ws(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Past a quoted string starting at s (at its quote). */
static const char *lint_skip_string(const char *s)
{
	char q = *s++;

	while (*s && *s != q) {
		if (*s == '\\' && q != '`' && s[1])
			s++;
		s++;
	}
	return *s ? s + 1 : s;
}

static bool lint_word_is(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && strncasecmp(s, *words, n) == 0)
			return true;
	return false;
}

bool lint_rule_labels(const struct prom_rule *r, char ***names, size_t *n)
{
	static const char *const aggs[] = {
		"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
		"bottomk", "topk", "quantile", "limitk", "limit_ratio", NULL,
	};
	static const char *const lists[] = { "by", "on", "group_left", "group_right", NULL };
	static const char *const opens[] = { "without", "label_replace", "label_join", NULL };
	const char *s = r->expr, *w, *p;
	char **v = NULL;
	size_t k = 0, wl, i;
	bool agg = false, open = false;

	while (*s && !open) {
		if (*s == '"' || *s == '\'' || *s == '`') {
			s = lint_skip_string(s);
		} else if (*s == '#') {
			while (*s && *s != '\n')
				s++;
		} else if (*s == '{') {
			/* a selector: name op "value", ... */
			for (s++; *s && *s != '}';) {
				s = lint_skip_ws(s);
				for (w = s; lint_ident_char(*s); s++)
					;
				wl = (size_t)(s - w);
				p = lint_skip_ws(s);
				if (wl && (*p == '=' || (*p == '!' && (p[1] == '=' || p[1] == '~'))))
					lint_name_add(&v, &k, w, wl);
				s = p;
				while (*s && *s != ',' && *s != '}') {
					if (*s == '"' || *s == '\'' || *s == '`')
						s = lint_skip_string(s);
					else
						s++;
				}
				if (*s == ',')
					s++;
			}
			if (*s)
				s++;
		} else if (isalpha((unsigned char)*s) || *s == '_') {
			for (w = s; lint_ident_char(*s) || *s == ':'; s++)
				;
			wl = (size_t)(s - w);
			p = lint_skip_ws(s);
			if (lint_word_is(w, wl, opens)) {
				open = true;
			} else if (lint_word_is(w, wl, aggs) &&
			           (*p == '(' || !strncmp(p, "by", 2) || !strncmp(p, "without", 7))) {
				agg = true;   /* "sum(...)", "sum by (...) (...)" */
			} else if (lint_word_is(w, wl, lists) && *p == '(') {
				for (s = p + 1; *s && *s != ')';) {
					s = lint_skip_ws(s);
					for (w = s; lint_ident_char(*s); s++)
						;
					lint_name_add(&v, &k, w, (size_t)(s - w));
					s = lint_skip_ws(s);
					if (*s && *s != ')')
						s++;   /* ',' or junk */
				}
			}
		} else {
			s++;
		}
	}
	if (open || !agg) {
		for (i = 0; i < k; i++)
			free(v[i]);
		free(v);
		return false;
	}
	for (i = 0; i < r->labels.n; i++)
		lint_name_add(&v, &k, r->labels.v[i].name, strlen(r->labels.v[i].name));
	lint_name_add(&v, &k, "alertname", 9);
	*names = v;
	*n = k;
	return true;
}

/* ---- escalation words ------------------------------------------------------------- */

static bool lint_wordc(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Whether lowercase text holds phrase as whole words. */
static bool lint_has(const char *text, const char *phrase)
{
	size_t n = strlen(phrase);
	const char *p;

	for (p = text; (p = strstr(p, phrase)); p++)
		if ((p == text || !lint_wordc(p[-1])) && !lint_wordc(p[n]))
			return true;
	return false;
}

static bool lint_has_any(const char *text, const char *const *phrases)
{
	for (; *phrases; phrases++)
		if (lint_has(text, *phrases))
			return true;
	return false;
}

static bool lint_word_in(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncmp(w, *list, n) == 0)
			return true;
	return false;
}

/* A number followed by a time unit: "15 minutes", "15m", "3 days", "1.5 s". */
static bool lint_has_duration(const char *text)
{
	static const char *const units[] = {
		"ms", "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes",
		"h", "hr", "hrs", "hour", "hours", "d", "day", "days", "w", "week", "weeks", NULL,
	};
	const char *p = text, *u;

	while (*p) {
		if (!isdigit((unsigned char)*p) || (p != text && lint_wordc(p[-1]))) {
			p++;
			continue;
		}
		while (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1])))
			p++;
		while (*p == ' ')
			p++;
		for (u = p; isalpha((unsigned char)*p); p++)
			;
		if (p > u && !lint_wordc(*p) && lint_word_in(u, (size_t)(p - u), units))
			return true;
	}
	return false;
}


static const char *const lint_conditions[] = {
	"if", "when", "whenever", "unless", "once", "while", "until", "in case",
	"as soon as", "should", NULL,
};
static const char *const lint_soon[] = {
	"at once", "immediately", "right away", "straight away", "without delay", "same day",
	"asap", "within", NULL,
};
/* Roles that name who to page on their own. */
static const char *const lint_roles[] = {
	"commander", "manager", "managers", "lead", "leads", "dba", "dbas", "sre", "sres",
	"director", "owner", "owners", "vp", "cto", "ciso", "head", "supervisor", "administrator",
	"admin", "architect", "support", "security", "secops", "ic", "duty manager", NULL,
};
/* Words before "on-call" that do not say whose on-call it is. */
static const char *const lint_generic[] = {
	"the", "a", "an", "our", "your", "their", "its", "current", "primary", "secondary",
	"backup", "whoever", "any", "same", "this", "who", "is", "be", "on", "to", "of", "and",
	"or", "page", "call", "notify", "ping", "contact", "next", "other", "on-call", "oncall", NULL,
};
static const char *const lint_verbs[] = {
	"page", "call", "ping", "notify", "contact", "phone", "text", "wake", "tell",
	"escalate to", "hand over to", "hand off to", "loop in", "involve", NULL,
};

/* "page the on-call" alone is not enough: an item names who to page when
 * it has a role word (manager, incident commander, DBA, ...), an @handle or
 * #channel, an on-call with a team or role next to it ("payments on-call",
 * "on-call DBA"), or a capitalised name right after a paging verb ("page
 * Alice"). text is the item as written, low its lowercase copy. */
bool lint_esc_who(const char *text, const char *low)
{
	static const char *const oncall[] = { "on-call", "oncall", "on call", NULL };
	const char *p, *w, *e;
	size_t i, n;

	if (lint_has_any(low, lint_roles))
		return true;
	for (p = low; *p; p++)
		if ((*p == '@' || *p == '#') && lint_wordc(p[1]) && (p == low || isspace((unsigned char)p[-1])))
			return true;
	for (i = 0; oncall[i]; i++) {
		n = strlen(oncall[i]);
		for (p = low; (p = strstr(p, oncall[i])); p += n) {
			if (p != low && lint_wordc(p[-1]))
				continue;
			/* the word before */
			for (e = p; e > low && e[-1] == ' '; e--)
				;
			for (w = e; w > low && (lint_wordc(w[-1]) || w[-1] == '-' || w[-1] == '\''); w--)
				;
			if (e > w && !lint_word_in(w, (size_t)(e - w), lint_generic))
				return true;
			/* the word after: a role or an abbreviation (DBA, SRE) */
			for (w = p + n; *w == ' '; w++)
				;
			for (e = w; lint_wordc(*e); e++)
				;
			if (e > w && (lint_word_in(w, (size_t)(e - w), lint_roles) ||
			              (e - w >= 2 && isupper((unsigned char)text[w - low]) &&
			               isupper((unsigned char)text[w - low + 1]))))
				return true;
		}
	}
	for (i = 0; lint_verbs[i]; i++) {
		n = strlen(lint_verbs[i]);
		for (p = low; (p = strstr(p, lint_verbs[i])); p += n) {
			if ((p != low && lint_wordc(p[-1])) || lint_wordc(p[n]))
				continue;
			w = p + n;
			while (*w == ' ')
				w++;
			if (!strncmp(w, "the ", 4))
				w += 4;
			else if (!strncmp(w, "a ", 2))
				w += 2;
			if (isupper((unsigned char)text[w - low]) && strncmp(w, "on-call", 7) != 0)
				return true;
		}
	}
	return false;
}

bool lint_esc_condition(const char *low)
{
	return lint_has_any(low, lint_conditions);
}

bool lint_esc_time(const char *low)
{
	return lint_has_any(low, lint_soon) || lint_has_duration(low);
}

/* ---- sample output in a console block -------------------------------------------- */

static bool lint_line_is_output(const char *s, size_t n)
{
	size_t i = 0, sp;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#')
		return false;
	if (isdigit((unsigned char)s[i]) || s[i] == '{' || s[i] == '}' || s[i] == '[' ||
	    s[i] == '"' || s[i] == '|' || s[i] == '+')
		return true;
	/* "key: value" (a first word ending in ':') */
	for (sp = i; sp < n && !isspace((unsigned char)s[sp]); sp++)
		;
	if (sp > i + 1 && s[sp - 1] == ':')
		return true;
	/* columns: a run of 3+ spaces between words */
	for (; i + 3 < n; i++)
		if (s[i] != ' ' && s[i + 1] == ' ' && s[i + 2] == ' ' && s[i + 3] == ' ') {
			size_t j = i + 4;

			while (j < n && s[j] == ' ')
				j++;
			if (j < n && s[j] != '#' && s[j] != '\\')
				return true;
		}
	return false;
}

bool lint_looks_like_output(const char *code)
{
	const char *s = code, *nl;
	size_t n;

	for (; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		if (lint_line_is_output(s, n))
			return true;
		if (!nl)
			break;
	}
	return false;
}
