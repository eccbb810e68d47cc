/* drill_run.c: what a running drill asks of its parsed scenario (see
 * drill.h): the canned answer to a command, whether a step or command
 * matches a pattern, a curve's value at a time, an alert or curve by name.
 * Split from drill.c (the parser) to keep both files small. */
#include "drill.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Compare ignoring leading/trailing blanks and runs of blanks. */
static bool drill_same_command(const char *a, const char *b)
{
	for (;;) {
		while (isspace((unsigned char)*a))
			a++;
		while (isspace((unsigned char)*b))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		while (*a && *b && !isspace((unsigned char)*a) && *a == *b) {
			a++;
			b++;
		}
		if ((*a && !isspace((unsigned char)*a)) || (*b && !isspace((unsigned char)*b)))
			return false;
	}
}

const struct drill_canned *drill_canned_find(const struct drill *d, const char *alertname,
                                             const char *command)
{
	size_t i;

	if (!command)
		return NULL;
	for (i = 0; i < d->n_canned; i++) {
		const struct drill_canned *c = &d->canned[i];

		if (c->alert && (!alertname || strcmp(c->alert, alertname) != 0))
			continue;
		if (c->match == DRILL_MATCH_EXACT ? drill_same_command(c->command, command)
		                                  : regexec(&c->re, command, 0, NULL, 0) == 0)
			return c;
	}
	return NULL;
}

void drill_canned_reply(const struct drill *d, const char *alertname, const char *command,
                        double speed, const char *none, struct drill_reply *r)
{
	const struct drill_canned *c = drill_canned_find(d, alertname, command);

	r->canned = c != NULL;
	r->output = c ? c->output : none;
	r->exit_code = c ? c->exit_code : 0;
	r->delay_ms = c ? (int64_t)(c->delay * 1000 / (speed >= 1 ? speed : 1)) : 0;
}

bool drill_pattern_match(const char *pattern, const regex_t *re, const char *step,
                         const char *command)
{
	if (step && !strcasecmp(pattern, step))
		return true;
	if (step && regexec(re, step, 0, NULL, 0) == 0)
		return true;
	return command && regexec(re, command, 0, NULL, 0) == 0;
}

double drill_curve_at(const struct drill_curve *c, double t)
{
	size_t lo = 0, hi;

	if (!c->n)
		return 0;
	if (t <= c->pts[0].t)
		return c->pts[0].v;
	if (t >= c->pts[c->n - 1].t)
		return c->pts[c->n - 1].v;
	hi = c->n - 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->pts[mid].t <= t)
			lo = mid;
		else
			hi = mid;
	}
	if (c->pts[hi].t == c->pts[lo].t)
		return c->pts[hi].v;
	return c->pts[lo].v + (c->pts[hi].v - c->pts[lo].v) * (t - c->pts[lo].t) /
	                          (c->pts[hi].t - c->pts[lo].t);
}

const struct drill_curve *drill_curve_find(const struct drill *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_curves; i++)
		if (!strcmp(d->curves[i].name, name))
			return &d->curves[i];
	return NULL;
}

long drill_alert_find(const struct drill *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_alerts; i++)
		if (!strcmp(d->alerts[i].name, name))
			return (long)i;
	return -1;
}
