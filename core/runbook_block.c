/* runbook_block.c: a runbook code block's fence attributes (timeout=,
 * confirm=, reversibility=, name=, chart=) and the commands it runs: the
 * whole block, or only the "$ " prompted lines of a console/shell block
 * (how the prometheus-operator runbooks are written). Called by
 * runbook.c's tree walk. */
#include "runbook_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "text.h"

#define RB_CHART_MIN_MS (60 * (int64_t)1000)
#define RB_CHART_MAX_MS (7 * 86400 * (int64_t)1000)

static void rb_push_command(struct rb_block *b, char *cmd)
{
	char *e = cmd + strlen(cmd);

	while (e > cmd && isspace((unsigned char)e[-1]))
		*--e = '\0';
	if (!*rb_skip_space(cmd)) {
		free(cmd);
		return;
	}
	rb_grow(&b->commands, b->n_commands, sizeof *b->commands);
	b->commands[b->n_commands++] = cmd;
}

static bool rb_is_prompt(const char *line, size_t n)
{
	size_t i = 0;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < n && line[i] == '$' && (i + 1 == n || line[i + 1] == ' ' ||
	                                  (line[i + 1] == '\r' && i + 2 == n));
}

/* Only the "$ "-prompted lines, prompt removed, "\" continuations joined. */
static void rb_prompt_commands(struct rb_block *b)
{
	const char *s = b->code, *nl, *line;
	struct buf cmd = {0};
	size_t n;
	bool open = false;   /* the command continues on the next line */

	for (; *s; s = nl ? nl + 1 : s + n) {
		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		if (n && s[n - 1] == '\r')
			n--;
		line = s;
		if (!open) {
			if (!rb_is_prompt(s, n))
				goto next;
			line = strchr(s, '$') + 1;
			n -= (size_t)(line - s);
			if (n && *line == ' ') {
				line++;
				n--;
			}
		} else if (n >= 2 && line[0] == '>' && line[1] == ' ') {
			line += 2;   /* a continuation prompt */
			n -= 2;
		}
		open = n > 0 && line[n - 1] == '\\';
		buf_append(&cmd, line, open ? n - 1 : n);
		if (open)
			goto next;
		rb_push_command(b, buf_steal(&cmd));
next:
		if (!nl)
			break;
	}
	if (cmd.len)
		rb_push_command(b, buf_steal(&cmd));
	buf_free(&cmd);
}

void rb_block_commands(struct rb_block *b)
{
	const char *s, *nl;
	bool prompts = false;
	size_t n;

	if (!b->runnable)
		return;
	if (strcmp(b->lang, "console") == 0 || strcmp(b->lang, "shell") == 0) {
		for (s = b->code; *s && !prompts; s = nl ? nl + 1 : s + n) {
			nl = strchr(s, '\n');
			n = nl ? (size_t)(nl - s) : strlen(s);
			prompts = rb_is_prompt(s, n);
			if (!nl)
				break;
		}
	}
	if (prompts)
		rb_prompt_commands(b);
	else
		rb_push_command(b, xstrdup(b->code));
}

/* key=value attributes after the language, in braces (or bare). */
void rb_fence_attrs(struct rb_parser *p, struct rb_block *b, const char *s)
{
	char key[64], val[256], err[ERR_MAX];
	size_t kn, vn;
	char quote;

	while (*s) {
		while (*s && (isspace((unsigned char)*s) || *s == ',' || *s == '{' || *s == '}'))
			s++;
		if (!*s)
			break;
		for (kn = 0; *s && *s != '=' && *s != '}' && *s != ',' && !isspace((unsigned char)*s); s++)
			if (kn < sizeof key - 1)
				key[kn++] = *s;
		key[kn] = '\0';
		vn = 0;
		if (*s == '=') {
			s++;
			quote = (*s == '"' || *s == '\'') ? *s++ : 0;
			for (; *s && (quote ? *s != quote
			                    : !isspace((unsigned char)*s) && *s != '}' && *s != ','); s++)
				if (vn < sizeof val - 1)
					val[vn++] = *s;
			if (quote && *s)
				s++;
		}
		val[vn] = '\0';
		if (strcmp(key, "timeout") == 0) {
			if (duration_parse(val, &b->timeout_ms, err) < 0 || b->timeout_ms <= 0) {
				b->timeout_ms = 0;
				rb_warn(p, b->line, "bad timeout value: ", val);
			}
		} else if (strcmp(key, "chart") == 0) {
			if (duration_parse(val, &b->chart_ms, err) < 0 ||
			    b->chart_ms < RB_CHART_MIN_MS || b->chart_ms > RB_CHART_MAX_MS) {
				b->chart_ms = 0;
				rb_warn(p, b->line, "bad chart range (1m..7d): ", val);
			}
		} else if (strcmp(key, "confirm") == 0) {
			if (strcmp(val, "yes") == 0)
				b->confirm = CONFIRM_YES;
			else if (strcmp(val, "typed") == 0)
				b->confirm = CONFIRM_TYPED;
			else
				rb_warn(p, b->line, "bad confirm value (yes|typed): ", val);
		} else if (strcmp(key, "reversibility") == 0) {
			b->has_rev = true;
			if (strcmp(val, "reversible") == 0)
				b->rev = REV_REVERSIBLE;
			else if (strcmp(val, "risky") == 0)
				b->rev = REV_RISKY;
			else if (strcmp(val, "irreversible") == 0)
				b->rev = REV_IRREVERSIBLE;
			else {
				b->has_rev = false;
				rb_warn(p, b->line, "bad reversibility value: ", val);
			}
		} else if (strcmp(key, "name") == 0) {
			free(b->name);
			b->name = text_sanitize(val, vn, 0, 0);
		} else {
			rb_warn(p, b->line, "unknown fence attribute ", key);
		}
	}
}

