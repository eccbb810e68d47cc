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

/* An SLO's or a series' (service, name) and its position: sorted, so that
 * many look-ups among many cost O(n log n), not O(n^2). */
struct sq_key {
	const char *service; /* borrowed */
	const char *name;    /* borrowed */
	size_t i;
};

static int sq_key_cmp2(const struct sq_key *x, const char *service, const char *name)
{
	int c = strcmp(x->service, service);

	return c ? c : strcmp(x->name, name);
}

static int sq_key_cmp(const void *a, const void *b)
{
	const struct sq_key *x = a, *y = b;
	int c = sq_key_cmp2(x, y->service, y->name);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

static void sq_sort(struct sq_key *k, size_t n)
{
	if (n > 1)
		qsort(k, n, sizeof *k, sq_key_cmp);
}

/* The key of service and name with the lowest position in sorted k, or NULL. */
static const struct sq_key *sq_find(const struct sq_key *k, size_t n, const char *service,
                                    const char *name)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sq_key_cmp2(&k[mid], service, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !sq_key_cmp2(&k[lo], service, name) ? &k[lo] : NULL;
}

/* The series of an objectives answer that become SLOs: each that has both
 * labels, a sample and an objective in (0, 1], and is the first such one of
 * its service and name. first[i] says so for series i. */
static void sq_first_objectives(const struct promql_result *objectives, bool *first)
{
	struct sq_key *k = xcalloc(objectives->n_series + 1, sizeof *k);
	size_t i, n = 0;

	for (i = 0; i < objectives->n_series; i++) {
		const struct promql_series *s = &objectives->series[i];
		const char *svc = labelset_get(&s->metric, "sloth_service");
		const char *name = labelset_get(&s->metric, "sloth_slo");

		if (svc && name && s->n > 0 && s->samples[0].v > 0 && s->samples[0].v <= 1)
			k[n++] = (struct sq_key){ svc, name, i };
	}
	sq_sort(k, n);
	for (i = 0; i < n; i++)
		if (i == 0 || sq_key_cmp2(&k[i - 1], k[i].service, k[i].name))
			first[k[i].i] = true;
	free(k);
}

size_t slo_discover_sloth(struct slo_set *set, const struct promql_result *objectives,
                          const struct promql_result *periods, const char *source)
{
	size_t i, j, n_have = 0, n_per = 0, added = 0;
	struct sq_key *have, *per;
	bool *first;

	if (!objectives || objectives->type != PROMQL_VECTOR)
		return 0;
	/* the SLOs held before: one added here is never the first of its name */
	have = xcalloc(set->n + 1, sizeof *have);
	for (i = 0; i < set->n; i++)
		have[n_have++] = (struct sq_key){ set->v[i].service, set->v[i].name, i };
	sq_sort(have, n_have);
	/* the periods: the first usable one of each service and name */
	per = xcalloc((periods ? periods->n_series : 0) + 1, sizeof *per);
	for (j = 0; periods && periods->type == PROMQL_VECTOR && j < periods->n_series; j++) {
		const struct promql_series *ps = &periods->series[j];
		const char *ps_svc = labelset_get(&ps->metric, "sloth_service");
		const char *ps_name = labelset_get(&ps->metric, "sloth_slo");

		if (ps_svc && ps_name && ps->n > 0 && ps->samples[0].v >= 1 &&
		    ps->samples[0].v <= 5 * 366)
			per[n_per++] = (struct sq_key){ ps_svc, ps_name, j };
	}
	sq_sort(per, n_per);
	first = xcalloc(objectives->n_series + 1, sizeof *first);
	sq_first_objectives(objectives, first);
	for (i = 0; i < objectives->n_series && set->n < SLO_MAX_PER_FILE; i++) {
		const struct promql_series *s = &objectives->series[i];
		const char *svc = labelset_get(&s->metric, "sloth_service");
		const char *name = labelset_get(&s->metric, "sloth_slo");
		const struct sq_key *p;
		struct slo_def *d;

		if (!first[i] || sq_find(have, n_have, svc, name))
			continue;
		xgrow(&set->v, &set->cap, set->n + 1, sizeof(*set->v));
		d = &set->v[set->n++];
		memset(d, 0, sizeof(*d));
		d->service = xstrdup(svc);
		d->name = xstrdup(name);
		d->file = xstrdup(source ? source : "prometheus");
		d->format = SLO_FMT_SLOTH_RULES;
		d->objective = s->samples[0].v;
		d->window_ms = SLO_DEFAULT_WINDOW_MS;
		d->sli.kind = SLO_SLI_RECORDED;
		for (j = 0; j < s->metric.n; j++) {
			if (strcmp(s->metric.v[j].name, "__name__") &&
			    strcmp(s->metric.v[j].name, "sloth_window"))
				labelset_add(&d->labels, s->metric.v[j].name, s->metric.v[j].value);
		}
		labelset_dedupe(&d->labels);
		p = sq_find(per, n_per, svc, name);
		if (p)
			d->window_ms = (int64_t)periods->series[p->i].samples[0].v * 86400 * 1000;
		added++;
	}
	free(first);
	free(per);
	free(have);
	return added;
}
