/* template_env.c: the environment a runbook step's command runs with
 * (PAGETTY_*, see template_env() in template.h). Split from template.c.
 * O(n log n) in the number of labels and annotations: a hostile alert with
 * many of them cannot make the command wait. */
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool name_is_ident(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

static char *env_name(const char *prefix, const char *name)
{
	char *s = xasprintf("%s%s", prefix, name);
	char *p;

	for (p = s + strlen(prefix); *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			*p = '_';
	}
	return s;
}

/* Append ls's variables under prefix to env: mapped names first (of two that
 * map alike, the first), then exact names, which a labelset_dedupe() of env
 * lets win over mapped ones. */
static void env_add_all(struct labelset *env, const char *prefix, const struct labelset *ls)
{
	struct labelset mapped = {0};
	size_t i;
	char *n;

	for (i = 0; i < ls->n; i++) {
		if (!ls->v[i].name[0] || name_is_ident(ls->v[i].name))
			continue;
		n = env_name(prefix, ls->v[i].name);
		labelset_add(&mapped, n, ls->v[i].value);
		free(n);
	}
	labelset_dedupe_ex(&mapped, true, NULL);
	for (i = 0; i < mapped.n; i++)
		labelset_add(env, mapped.v[i].name, mapped.v[i].value);
	labelset_free(&mapped);
	for (i = 0; i < ls->n; i++) {
		if (!ls->v[i].name[0] || !name_is_ident(ls->v[i].name))
			continue;
		n = env_name(prefix, ls->v[i].name);
		labelset_add(env, n, ls->v[i].value);
		free(n);
	}
}

/* Everything is appended, then one labelset_dedupe(): the same variables,
 * values and order as labelset_set() of each in turn. */
void template_env(const struct alert *a, struct labelset *env)
{
	char ts[40] = "";

	if (a->starts_at)
		snprintf(ts, sizeof ts, "%s", a->starts_at);
	else if (a->starts > 0)
		rfc3339_format(a->starts, ts, sizeof ts);
	env_add_all(env, "PAGETTY_LABEL_", &a->labels);
	env_add_all(env, "PAGETTY_ANNOTATION_", &a->annotations);
	labelset_add(env, "PAGETTY_ALERTNAME", alert_name(a));
	labelset_add(env, "PAGETTY_FINGERPRINT", a->fingerprint ? a->fingerprint : "");
	labelset_add(env, "PAGETTY_CLUSTER", a->cluster ? a->cluster : "");
	labelset_add(env, "PAGETTY_STARTS_AT", a->starts_at ? a->starts_at : ts);
	labelset_dedupe(env);
}
