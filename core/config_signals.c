/* config_signals.c: the `signals:` part of the configuration's schema
 * (DESIGN.md §3, §7): one panel per service with a PromQL query per golden
 * signal, per-signal thresholds, and which Prometheus it queries; and the
 * `prometheus: NAME` references (here and in `slo:`), checked against the
 * prometheus: entries once the whole file is read. The key-table walker is
 * in config_schema.c. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config.h"
#include "config_int.h"

#define CONFIG_SIGNALS_MAX 256
#define CONFIG_REFS_MAX    (CONFIG_SIGNALS_MAX + 8)

void config_signal_clear(struct signal_cfg *g)
{
	free(g->service);
	free(g->latency);
	free(g->traffic);
	free(g->errors);
	free(g->saturation);
	free(g->prometheus);
	memset(g, 0, sizeof *g);
}

int cp_prom_ref(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	char **dst = field, *s;

	if (cp_string(p, v, w, &s) < 0)
		return -1;
	config_str_set(dst, s);
	if (p->n_refs >= CONFIG_REFS_MAX)
		return config_error_at(p, v, w, "too many prometheus references");
	p->refs = xrealloc(p->refs, (p->n_refs + 1) * sizeof *p->refs);
	p->refs[p->n_refs].node = v;
	p->refs[p->n_refs++].where = xstrdup(w);
	return 0;
}

int config_refs_check(struct cp *p)
{
	const struct config *c = p->c;
	int rc = 0;
	size_t i, j;

	for (i = 0; i < p->n_refs; i++) {
		yaml_node_t *n = p->refs[i].node;
		const char *name = (const char *)n->data.scalar.value;
		char q[64], names[160] = "";
		size_t used = 0;

		for (j = 0; j < c->n_prom && strcmp(c->prom[j].name, name); j++)
			;
		if (rc == 0 && j == c->n_prom) {
			for (j = 0; j < c->n_prom && used + 4 < sizeof names; j++)
				used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
				                         j ? ", " : "", c->prom[j].name);
			if (used >= sizeof names)
				memcpy(names + sizeof names - 4, "...", 4);
			config_quote(name, n->data.scalar.length, q, sizeof q);
			rc = config_error_at(p, n, p->refs[i].where, "no prometheus named \"%s\" "
			                     "(%s%s)", q, c->n_prom ? "configured: " : "none configured",
			                     names);
		}
		free(p->refs[i].where);
	}
	free(p->refs);
	p->refs = NULL;
	p->n_refs = 0;
	return rc;
}

/* A threshold: a finite number (seconds, per second, or a 0..1 ratio). */
static int k_threshold(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	struct signal_threshold *t = field;
	char *s, *end;
	double d;

	if (v->type != YAML_SCALAR_NODE || cp_is_null(v))
		return config_error_at(p, v, w, "expected a number");
	if (cp_string(p, v, w, &s) < 0)
		return -1;
	errno = 0;
	d = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(d)) {
		free(s);
		return config_error_at(p, v, w, "expected a number (seconds for latency, "
		                       "per second for traffic, 0..1 for errors and saturation)");
	}
	free(s);
	t->set = true;
	t->value = d;
	return 0;
}

#define GO(f) offsetof(struct signal_cfg, f)
#define THRESHOLD_KEY(key, k) \
	{ .name = key, .kind = CK_FN, .off = GO(thresholds[k]), .fn = k_threshold }
static const struct cp_key threshold_keys[] = {
	THRESHOLD_KEY("latency", SIGNAL_LATENCY),
	THRESHOLD_KEY("traffic", SIGNAL_TRAFFIC),
	THRESHOLD_KEY("errors", SIGNAL_ERRORS),
	THRESHOLD_KEY("saturation", SIGNAL_SATURATION),
};
static const struct cp_table threshold_table = CP_TABLE(threshold_keys);

static const struct cp_key signal_keys[] = {
	{ .name = "service", .kind = CK_STR, .off = GO(service) },
	{ .name = "latency", .kind = CK_STR, .off = GO(latency) },
	{ .name = "traffic", .kind = CK_STR, .off = GO(traffic) },
	{ .name = "errors", .kind = CK_STR, .off = GO(errors) },
	{ .name = "saturation", .kind = CK_STR, .off = GO(saturation) },
	{ .name = "prometheus", .kind = CK_FN, .off = GO(prometheus), .fn = cp_prom_ref },
	{ .name = "thresholds", .kind = CK_MAP, .sub = &threshold_table },
};
static const struct cp_table signal_table = CP_TABLE(signal_keys);

/* Golden-signal panels: a list of {service, latency, traffic, errors,
 * saturation, prometheus, thresholds}, each signal a PromQL expression. */
int config_signals_read(struct cp *p, yaml_node_t *v, void *field, const char *w)
{
	struct config *c = p->c;
	yaml_node_item_t *it;
	char child[CP_WHERE_MAX];
	size_t i = 0;

	(void)field;
	if (cp_is_null(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return config_error_at(p, v, w, "expected a list");
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++, i++) {
		yaml_node_t *item = cp_node(p, *it);
		struct signal_cfg g;

		memset(&g, 0, sizeof g);
		if (!item)
			return cp_budget_error(p, v);
		cp_index(child, w, i);
		if (c->n_signals >= CONFIG_SIGNALS_MAX)
			return config_error_at(p, item, child, "too many services (at most %d)",
			                       CONFIG_SIGNALS_MAX);
		if (item->type != YAML_MAPPING_NODE)
			return config_error_at(p, item, child, "expected a mapping "
			                       "{service, latency, traffic, errors, saturation}");
		if (cp_map(p, item, child, &signal_table, &g) < 0) {
			config_signal_clear(&g);
			return -1;
		}
		if (!g.service) {
			config_signal_clear(&g);
			return config_error_at(p, item, child, "service: missing");
		}
		if (!g.latency && !g.traffic && !g.errors && !g.saturation)
			config_warn_at(p, item, child, "no signal queries (latency, traffic, "
			               "errors, saturation)");
		for (int k = 0; k < SIGNAL_COUNT; k++) {
			const char *q[SIGNAL_COUNT] = { g.latency, g.traffic, g.errors, g.saturation };

			if (g.thresholds[k].set && !q[k])
				config_warn_at(p, item, child, "thresholds.%s: no %s query to draw it on",
				               threshold_keys[k].name, threshold_keys[k].name);
		}
		c->signals = xrealloc(c->signals, (c->n_signals + 1) * sizeof *c->signals);
		c->signals[c->n_signals++] = g;
	}
	return 0;
}
