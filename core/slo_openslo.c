/* slo_openslo.c: OpenSLO v1 documents: an `SLO` with its objective, time
 * window and an inline `indicator` or an `indicatorRef`, and `SLI`
 * documents kept for those references (slo.c resolves them). Only
 * ratioMetric SLIs over Prometheus-like metric sources can be queried; the
 * rest load with a note. Split from slo.c, whose node helpers it uses
 * through slo_int.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "slo_int.h"
#include "text.h"

/* Window durations: Prometheus units plus OpenSLO's M (30d), Q (90d), Y (365d). */
static int sp_window(struct sp *p, const yaml_node_t *n, const char *what, int64_t *ms)
{
	const char *s = sp_scalar(n);
	char derr[ERR_MAX];
	size_t len;

	if (!s || !*s)
		return sp_error(p, n, "%s: expected a duration", what);
	len = strlen(s);
	if (len >= 2 && len < 12 && strchr("MQY", s[len - 1]) &&
	    strspn(s, "0123456789") == len - 1) {
		int64_t k = strtoll(s, NULL, 10);
		int64_t days = s[len - 1] == 'M' ? 30 : s[len - 1] == 'Q' ? 90 : 365;
		*ms = k * days * 86400 * 1000;
	} else if (duration_parse(s, ms, derr) < 0) {
		return sp_error(p, n, "%s: %s", what, derr);
	}
	if (*ms < 3600 * 1000 || *ms > (int64_t)5 * 366 * 86400 * 1000)
		return sp_error(p, n, "%s: \"%s\" is not a window between 1h and 5 years", what, s);
	return 0;
}

static bool slo_prom_type(const char *t)
{
	static const char *const ok[] = {
		"prometheus", "thanos", "mimir", "cortex", "victoriametrics", "promql",
		"grafana", "amazonprometheus", "googlemanagedprometheus", "any",
	};
	size_t i;

	if (!t)
		return true;
	for (i = 0; i < ARRAY_LEN(ok); i++)
		if (!str_casecmp_ascii(t, ok[i]))
			return true;
	return false;
}

/* metricSource: {type, spec: {query}} -> *query (owned); *foreign when the
 * type is not Prometheus-like (type copied into note). */
static int sp_metric_source(struct sp *p, const yaml_node_t *m, const char *w,
                            char **query, char **foreign)
{
	yaml_node_t *src = sp_get(p, m, "metricSource");
	const char *type;

	*query = NULL;
	if (!src || src->type != YAML_MAPPING_NODE)
		return sp_error(p, src ? src : m, "%smetricSource: required mapping", w);
	type = sp_scalar(sp_get(p, src, "type"));
	if (!slo_prom_type(type) && !*foreign) {
		char *clean = text_clean(type);
		*foreign = xasprintf("metric source type \"%.40s\" is not Prometheus: not queried",
		                     clean);
		free(clean);
	}
	if (sp_string(p, sp_get(p, src, "spec"), "query", "promql", w, false, query) < 0)
		return -1;
	if (!*query)
		*query = xstrdup("");
	return 0;
}

/* SLI spec (ratioMetric or thresholdMetric) into out. */
static int sp_openslo_sli(struct sp *p, const yaml_node_t *spec, struct slo_sli *out)
{
	yaml_node_t *ratio = sp_get(p, spec, "ratioMetric");
	yaml_node_t *good, *bad, *total, *raw;
	char *foreign = NULL;

	if (!spec || spec->type != YAML_MAPPING_NODE)
		return sp_error(p, spec, "SLI spec: expected a mapping");
	if (!ratio) {
		out->kind = SLO_SLI_NONE;
		if (sp_get(p, spec, "thresholdMetric"))
			out->note = xstrdup("thresholdMetric SLIs are not supported (only ratioMetric): not queried");
		else
			return sp_error(p, spec, "SLI spec: needs ratioMetric or thresholdMetric");
		return 0;
	}
	good = sp_get(p, ratio, "good");
	bad = sp_get(p, ratio, "bad");
	total = sp_get(p, ratio, "total");
	raw = sp_get(p, ratio, "raw");
	if (raw) {
		const char *rt = sp_scalar(sp_get(p, ratio, "rawType"));
		char *q = NULL;
		if (sp_metric_source(p, raw, "ratioMetric.raw.", &q, &foreign) < 0) {
			free(foreign);
			return -1;
		}
		out->kind = SLO_SLI_RAW;
		if (rt && !str_casecmp_ascii(rt, "success")) {
			out->ratio_query = xasprintf("1 - (%s)", q);
			out->placeholder = slo_placeholder(q);
			free(q);
		} else {
			out->ratio_query = q;
			out->placeholder = slo_placeholder(q);
		}
	} else {
		if (!total || (!good == !bad))
			return sp_error(p, ratio, "ratioMetric: needs total and one of good or bad");
		if (sp_metric_source(p, good ? good : bad, good ? "ratioMetric.good." : "ratioMetric.bad.",
		                     good ? &out->good_query : &out->error_query, &foreign) < 0 ||
		    sp_metric_source(p, total, "ratioMetric.total.", &out->total_query, &foreign) < 0) {
			free(foreign);
			return -1;
		}
		out->kind = good ? SLO_SLI_GOOD_TOTAL : SLO_SLI_EVENTS;
		out->placeholder = slo_placeholder(good ? out->good_query : out->error_query) ||
		                   slo_placeholder(out->total_query);
	}
	if (foreign) {
		out->note = foreign;
		out->kind = SLO_SLI_NONE;
	} else if (out->placeholder) {
		char *q = text_clean(out->total_query ? out->total_query : out->ratio_query);
		out->note = xasprintf("placeholder query \"%.40s\": not queried", q);
		free(q);
		out->kind = SLO_SLI_NONE;
	}
	return 0;
}

int sp_openslo_sli_doc(struct sp *p, const yaml_node_t *root)
{
	struct slo_sli sli = {0};
	struct slo_set *o = p->out;
	yaml_node_t *meta = sp_get(p, root, "metadata");

	if (sp_string(p, meta, "name", NULL, "metadata.", true, &sli.name) < 0)
		return -1;
	if (sp_openslo_sli(p, sp_get(p, root, "spec"), &sli) < 0) {
		slo_sli_free(&sli);
		return -1;
	}
	xgrow(&o->slis, &o->cap_slis, o->n_slis + 1, sizeof(*o->slis));
	o->slis[o->n_slis++] = sli;
	return 0;
}

int sp_openslo_slo(struct sp *p, const yaml_node_t *root)
{
	yaml_node_t *meta = sp_get(p, root, "metadata"), *spec = sp_get(p, root, "spec");
	yaml_node_t *ind, *tw, *objs, *obj, *t;
	struct slo_def *d;
	const char *bm;
	double v;

	if (!spec || spec->type != YAML_MAPPING_NODE)
		return sp_error(p, spec ? spec : root, "spec: required mapping");
	if (p->out->n >= SLO_MAX_PER_FILE)
		return sp_error(p, root, "too many SLOs in one file");
	d = sp_new_def(p, root, SLO_FMT_OPENSLO);
	if (sp_string(p, meta, "name", NULL, "metadata.", true, &d->name) < 0 ||
	    sp_string(p, meta, "displayName", NULL, "metadata.", false, &d->display_name) < 0 ||
	    sp_string(p, spec, "service", NULL, "spec.", true, &d->service) < 0 ||
	    sp_string(p, spec, "description", NULL, "spec.", false, &d->description) < 0)
		return -1;
	sp_labels(p, sp_get(p, meta, "labels"), &d->labels);
	/* window: the first timeWindow */
	tw = sp_get(p, spec, "timeWindow");
	if (tw && tw->type == YAML_SEQUENCE_NODE && tw->data.sequence.items.start < tw->data.sequence.items.top)
		tw = yaml_document_get_node(p->doc, *tw->data.sequence.items.start);
	if (tw && !sp_is_null(tw)) {
		const char *rolling = sp_scalar(sp_get(p, tw, "isRolling"));
		if (sp_window(p, sp_get(p, tw, "duration"), "spec.timeWindow.duration", &d->window_ms) < 0)
			return -1;
		if (rolling && !strcmp(rolling, "false"))
			sp_warn(p, tw, "SLO %s/%s: calendar window shown as a rolling one", d->service, d->name);
	}
	bm = sp_scalar(sp_get(p, spec, "budgetingMethod"));
	if (bm && str_casecmp_ascii(bm, "Occurrences"))
		sp_warn(p, root, "SLO %s/%s: budgetingMethod %.30s is computed as Occurrences",
		        d->service, d->name, bm);
	/* objective: the first one, target or targetPercent */
	objs = sp_get(p, spec, "objectives");
	if (!objs || objs->type != YAML_SEQUENCE_NODE ||
	    objs->data.sequence.items.start == objs->data.sequence.items.top)
		return sp_error(p, objs ? objs : spec, "spec.objectives: expected a non-empty list");
	obj = yaml_document_get_node(p->doc, *objs->data.sequence.items.start);
	if ((t = sp_get(p, obj, "target"))) {
		if (sp_number(p, t, "target", &v) < 0)
			return -1;
		if (!(v > 0 && v <= 1))
			return sp_error(p, t, "target: %g is not a ratio in (0, 1]", v);
		d->objective = v;
	} else if ((t = sp_get(p, obj, "targetPercent"))) {
		if (sp_number(p, t, "targetPercent", &v) < 0)
			return -1;
		if (!(v > 0 && v <= 100))
			return sp_error(p, t, "targetPercent: %g is not a percentage in (0, 100]", v);
		d->objective = v / 100;
	} else {
		return sp_error(p, obj ? obj : objs, "spec.objectives[0]: needs target or targetPercent");
	}
	if (objs->data.sequence.items.top - objs->data.sequence.items.start > 1)
		sp_warn(p, objs, "SLO %s/%s: only the first objective is used", d->service, d->name);
	/* indicator: inline or by reference */
	if ((ind = sp_get(p, spec, "indicator"))) {
		if (sp_openslo_sli(p, sp_get(p, ind, "spec"), &d->sli) < 0)
			return -1;
		sp_note_warn(p, root, d);
	} else if (sp_string(p, spec, "indicatorRef", NULL, "spec.", false, &d->indicator_ref) < 0) {
		return -1;
	} else if (!d->indicator_ref) {
		return sp_error(p, spec, "spec: needs indicator or indicatorRef");
	}
	return 0;
}
