/* slo_query.c: the PromQL that measures an SLO ({{.window}} substitution,
 * Sloth's error-ratio shape, recorded-rule selectors) and the discovery of
 * Sloth's recording rules from a query answer. Split from slo.c (the file
 * parser) to keep both files small. Pure. */
#include "slo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *slo_window_subst(const char *q, const char *window)
{
	struct buf b = {0};
	const char *s = q ? q : "";

	while (*s) {
		const char *open = strstr(s, "{{"), *c;
		if (!open) {
			buf_puts(&b, s);
			break;
		}
		buf_append(&b, s, (size_t)(open - s));
		c = open + 2;
		while (*c == ' ')
			c++;
		if (!strncmp(c, ".window", 7)) {
			c += 7;
			while (*c == ' ')
				c++;
			if (!strncmp(c, "}}", 2)) {
				buf_puts(&b, window);
				s = c + 2;
				continue;
			}
		}
		/* not a placeholder: one '{' is text, the next may open one
		 * ("{{{.window}}" is "{" then the placeholder) */
		buf_putc(&b, '{');
		s = open + 1;
	}
	return buf_steal(&b);
}

void slo_window_format(int64_t ms, char *out, size_t n)
{
	int64_t s = ms / 1000;

	if (s > 0 && s % 86400 == 0)
		snprintf(out, n, "%lldd", (long long)(s / 86400));
	else if (s > 0 && s % 3600 == 0)
		snprintf(out, n, "%lldh", (long long)(s / 3600));
	else if (s > 0 && s % 60 == 0)
		snprintf(out, n, "%lldm", (long long)(s / 60));
	else
		snprintf(out, n, "%llds", (long long)(s > 0 ? s : 1));
}

bool slo_queryable(const struct slo_def *d)
{
	return d && d->sli.kind != SLO_SLI_NONE && !d->sli.placeholder && !d->indicator_ref;
}

char *slo_error_ratio_query(const struct slo_def *d, const char *window)
{
	char *a, *b, *q = NULL;

	if (!slo_queryable(d) || !window)
		return NULL;
	switch (d->sli.kind) {
	case SLO_SLI_EVENTS:
	case SLO_SLI_GOOD_TOTAL:
		a = slo_window_subst(d->sli.kind == SLO_SLI_EVENTS ? d->sli.error_query
		                                                  : d->sli.good_query, window);
		b = slo_window_subst(d->sli.total_query, window);
		/* Sloth's own shape, so answers agree with its recording rules. */
		if (d->sli.kind == SLO_SLI_EVENTS)
			q = xasprintf("(%s)\n/\n(%s)", a, b);
		else
			q = xasprintf("1 - ((%s)\n/\n(%s))", a, b);
		free(a);
		free(b);
		return q;
	case SLO_SLI_RAW:
		return slo_window_subst(d->sli.ratio_query, window);
	case SLO_SLI_RECORDED:
		a = promql_quote(d->service);
		b = promql_quote(d->name);
		if (strspn(window, "0123456789smhdwy") == strlen(window))
			q = xasprintf("slo:sli_error:ratio_rate%s{sloth_service=%s, sloth_slo=%s}",
			              window, a, b);
		free(a);
		free(b);
		return q;
	case SLO_SLI_NONE:
		break;
	}
	return NULL;
}

char *slo_total_query(const struct slo_def *d, const char *window)
{
	if (!slo_queryable(d) || !window || !d->sli.total_query)
		return NULL;
	return slo_window_subst(d->sli.total_query, window);
}

/* ---- Sloth's recording rules on a server ---- */

static bool slo_have(const struct slo_set *set, const char *service, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].service, service) && !strcmp(set->v[i].name, name))
			return true;
	return false;
}

size_t slo_discover_sloth(struct slo_set *set, const struct promql_result *objectives,
                          const struct promql_result *periods, const char *source)
{
	size_t i, j, added = 0;

	if (!objectives || objectives->type != PROMQL_VECTOR)
		return 0;
	for (i = 0; i < objectives->n_series && set->n < SLO_MAX_PER_FILE; i++) {
		const struct promql_series *s = &objectives->series[i];
		const char *svc = labelset_get(&s->metric, "sloth_service");
		const char *name = labelset_get(&s->metric, "sloth_slo");
		struct slo_def *d;
		double o;

		if (!svc || !name || s->n == 0 || slo_have(set, svc, name))
			continue;
		o = s->samples[0].v;
		if (!(o > 0 && o <= 1))
			continue;
		xgrow(&set->v, &set->cap, set->n + 1, sizeof(*set->v));
		d = &set->v[set->n++];
		memset(d, 0, sizeof(*d));
		d->service = xstrdup(svc);
		d->name = xstrdup(name);
		d->file = xstrdup(source ? source : "prometheus");
		d->format = SLO_FMT_SLOTH_RULES;
		d->objective = o;
		d->window_ms = SLO_DEFAULT_WINDOW_MS;
		d->sli.kind = SLO_SLI_RECORDED;
		for (j = 0; j < s->metric.n; j++) {
			if (strcmp(s->metric.v[j].name, "__name__") &&
			    strcmp(s->metric.v[j].name, "sloth_window"))
				labelset_set(&d->labels, s->metric.v[j].name, s->metric.v[j].value);
		}
		for (j = 0; periods && periods->type == PROMQL_VECTOR && j < periods->n_series; j++) {
			const struct promql_series *ps = &periods->series[j];
			const char *ps_svc = labelset_get(&ps->metric, "sloth_service");
			const char *ps_name = labelset_get(&ps->metric, "sloth_slo");
			if (ps_svc && ps_name && ps->n > 0 && !strcmp(ps_svc, svc) &&
			    !strcmp(ps_name, name) && ps->samples[0].v >= 1 &&
			    ps->samples[0].v <= 5 * 366) {
				d->window_ms = (int64_t)ps->samples[0].v * 86400 * 1000;
				break;
			}
		}
		added++;
	}
	return added;
}
