/* walk.c: the runbook walker's pure state: done flags and progress, the
 * confirm policy per reversibility, the escalation clock and a run's
 * output with its line index. See walk.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "walk.h"

void walk_init(struct walk *w, const struct runbook *rb)
{
	size_t i, j, n = 0;

	memset(w, 0, sizeof *w);
	w->n_sections = rb->n_sections;
	w->first = xcalloc(rb->n_sections + 1, sizeof *w->first);
	for (i = 0; i < rb->n_sections; i++) {
		w->first[i] = n;
		n += rb->sections[i].n_steps;
	}
	w->first[rb->n_sections] = n;
	w->n_steps = n;
	w->done = xcalloc(n ? n : 1, sizeof *w->done);
	for (i = 0; i < rb->n_sections; i++)
		for (j = 0; j < rb->sections[i].n_steps; j++)
			w->done[w->first[i] + j] = rb->sections[i].steps[j].checkbox == 1;
}

void walk_free(struct walk *w)
{
	free(w->first);
	free(w->done);
	memset(w, 0, sizeof *w);
}

size_t walk_index(const struct walk *w, int section, int step)
{
	size_t s;

	if (!w->first || section < 0 || step < 0 || (size_t)section >= w->n_sections)
		return (size_t)-1;
	s = w->first[section] + (size_t)step;
	if (s >= w->first[section + 1])
		return (size_t)-1;
	return s;
}

bool walk_is_done(const struct walk *w, int section, int step)
{
	size_t i = walk_index(w, section, step);

	return i != (size_t)-1 && w->done[i];
}

bool walk_toggle(struct walk *w, int section, int step)
{
	size_t i = walk_index(w, section, step);

	if (i == (size_t)-1)
		return false;
	w->done[i] = !w->done[i];
	return w->done[i];
}

void walk_progress(const struct walk *w, int section, size_t *done, size_t *total)
{
	size_t i;

	*done = *total = 0;
	if (!w->first || section < 0 || (size_t)section >= w->n_sections)
		return;
	for (i = w->first[section]; i < w->first[section + 1]; i++) {
		(*total)++;
		if (w->done[i])
			(*done)++;
	}
}

bool walk_section_counts(const struct rb_section *sec)
{
	size_t i;

	switch (sec->kind) {
	case RB_VERIFY: case RB_TRIAGE: case RB_MITIGATION:
	case RB_ESCALATION: case RB_POSTMORTEM:
		return sec->n_steps > 0;
	default:
		break;
	}
	for (i = 0; i < sec->n_steps; i++)
		if (walk_runnable(&sec->steps[i]))
			return true;
	return false;
}

static enum walk_confirm walk_by_rev(enum rb_rev r)
{
	switch (r) {
	case REV_REVERSIBLE: return WALK_CONFIRM_NONE;
	case REV_IRREVERSIBLE: return WALK_CONFIRM_TYPED;
	default: return WALK_CONFIRM_YN;
	}
}

enum walk_confirm walk_confirm_for(const struct rb_section *sec, const struct rb_step *st,
                                   const struct rb_block *b, bool rollback)
{
	enum walk_confirm c = WALK_CONFIRM_NONE, r;
	bool mitigation = sec && sec->kind == RB_MITIGATION;

	if (b && b->confirm == CONFIRM_TYPED)
		c = WALK_CONFIRM_TYPED;
	else if (b && b->confirm == CONFIRM_YES)
		c = WALK_CONFIRM_YN;
	if (st && (mitigation || st->has_rev)) {
		enum rb_rev rev = st->rev;

		if (b && b->has_rev && b->rev > rev)
			rev = b->rev;
		r = walk_by_rev(rev);
		if (r > c)
			c = r;
	} else if (b && b->has_rev) {
		r = walk_by_rev(b->rev);
		if (r > c)
			c = r;
	}
	if (rollback && c < WALK_CONFIRM_YN)
		c = WALK_CONFIRM_YN;
	return c;
}

const char *walk_typed_expect(const char *alertname)
{
	return alertname && *alertname ? alertname : "irreversible";
}

bool walk_typed_ok(const char *typed, const char *expect)
{
	size_t n;

	if (!typed || !expect || !*expect)
		return false;
	while (*typed == ' ' || *typed == '\t')
		typed++;
	n = strlen(typed);
	while (n && (typed[n - 1] == ' ' || typed[n - 1] == '\t'))
		n--;
	return n == strlen(expect) && !memcmp(typed, expect, n);
}

const struct rb_block *walk_runnable(const struct rb_step *st)
{
	size_t i;

	for (i = 0; st && i < st->n_blocks; i++)
		if (st->blocks[i].runnable && st->blocks[i].n_commands)
			return &st->blocks[i];
	return NULL;
}

char *walk_block_script(const struct rb_block *b)
{
	struct buf out = {0};
	size_t i;

	for (i = 0; b && i < b->n_commands; i++) {
		if (i)
			buf_putc(&out, '\n');
		buf_puts(&out, b->commands[i] ? b->commands[i] : "");
	}
	return buf_steal(&out);
}

char *walk_rollback_command(const struct rb_step *st)
{
	const char *s;
	size_t n;

	if (!st || !st->rollback)
		return NULL;
	s = st->rollback;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	if (n && s[n - 1] == '.')
		n--;
	if (!n || !strncasecmp(s, "none", 4) || !strncasecmp(s, "n/a", 3) ||
	    !strncasecmp(s, "nothing", 7))
		return NULL;
	return xstrndup(s, n);
}

bool walk_escalation(double base, double opened, int64_t after_ms, double now,
                     int64_t *remaining_ms, int64_t *elapsed_ms)
{
	double start = base > 0 ? base : opened;
	int64_t el = (int64_t)((now - start) * 1000.0);

	if (el < 0)
		el = 0;
	*elapsed_ms = el;
	if (el >= after_ms) {
		*remaining_ms = 0;
		return true;
	}
	*remaining_ms = after_ms - el;
	return false;
}

void walk_fmt_duration(int64_t ms, char *out, size_t n)
{
	long long s = ms > 0 ? (long long)((ms + 999) / 1000) : 0;

	if (s < 60)
		snprintf(out, n, "%llds", s);
	else if (s < 3600)
		snprintf(out, n, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, n, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(out, n, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

void walk_out_append(struct walk_out *o, const char *p, size_t n)
{
	size_t base = o->raw.len, i;

	if (!n)
		return;
	buf_append(&o->raw, p, n);
	for (i = base; i < o->raw.len; i++) {
		if (i == 0 || o->raw.data[i - 1] == '\n') {
			xgrow(&o->starts, &o->cap_starts, o->n_lines + 1, sizeof *o->starts);
			o->starts[o->n_lines++] = i;
		}
	}
}

const char *walk_out_line(const struct walk_out *o, size_t i, size_t *len)
{
	size_t end;

	if (i >= o->n_lines) {
		*len = 0;
		return "";
	}
	end = i + 1 < o->n_lines ? o->starts[i + 1] - 1 : o->raw.len;
	if (i + 1 == o->n_lines && end > o->starts[i] && o->raw.data[end - 1] == '\n')
		end--;
	*len = end - o->starts[i];
	return o->raw.data + o->starts[i];
}

void walk_out_free(struct walk_out *o)
{
	buf_free(&o->raw);
	free(o->starts);
	memset(o, 0, sizeof *o);
}
