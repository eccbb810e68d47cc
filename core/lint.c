/* lint.c: the checks of `pagetty lint` over parsed runbooks and rule files
 * (issue 5 §5), and the findings report (text and JSON). Each rule id has
 * one level, in lint_rules below. The heuristics (who an escalation pages,
 * which labels a rule's alerts carry) are described where they are made;
 * the code checks themselves live in lint_code.c. */
#include "lint.h"
#include "lint_int.h"

#include <cJSON.h>
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "text.h"

#define LINT_SH_RUNS_MAX 2000   /* sh -n runs per lint_run: bounds hostile input */

static const struct lint_rule_info lint_rules[] = {
	{ "runbook-parse", LINT_ERROR, "the runbook cannot be read or parsed" },
	{ "runbook-markdown", LINT_WARNING, "markdown pagetty reads with a warning (a bad fence attribute)" },
	{ "section-meaning", LINT_ERROR, "a section says what the alert means" },
	{ "section-triage", LINT_ERROR, "a triage section with steps" },
	{ "section-mitigation", LINT_ERROR, "a mitigations section with steps" },
	{ "section-escalation", LINT_ERROR, "an escalation section with items" },
	{ "triage-order", LINT_ERROR, "triage comes before mitigation" },
	{ "step-runnable", LINT_WARNING, "each triage and mitigation step has a runnable block" },
	{ "step-one-block", LINT_WARNING, "a step has at most one runnable block (x runs the first)" },
	{ "mitigation-tag", LINT_WARNING, "each mitigation is tagged [reversible], [risky] or [irreversible]" },
	{ "mitigation-order", LINT_WARNING, "mitigations are written in reversibility order" },
	{ "rollback", LINT_ERROR, "risky and irreversible mitigations have a Rollback: line or say \"no rollback\"" },
	{ "escalation-condition", LINT_WARNING, "an escalation item says when (if ..., when ...)" },
	{ "escalation-time", LINT_WARNING, "an escalation item names a time (after 15 minutes, at once)" },
	{ "escalation-who", LINT_ERROR, "an escalation item names who to page, not just \"the on-call\"" },
	{ "shell-syntax", LINT_ERROR, "shell blocks pass sh -n" },
	{ "promql-syntax", LINT_ERROR, "promql blocks have balanced brackets and quotes" },
	{ "console-output", LINT_WARNING, "a console/shell block without \"$ \" prompts holds sample output" },
	{ "label-ref", LINT_ERROR, "{{ $labels.x }} and $PAGETTY_LABEL_x name labels the alert has" },
	{ "rules-syntax", LINT_ERROR, "the rule file is valid Prometheus rule YAML" },
	{ "rule-runbook-url", LINT_ERROR, "paging alerts have a runbook_url annotation" },
	{ "rule-runbook-resolve", LINT_ERROR, "runbook_url resolves (a warning for alerts that do not page)" },
};

const struct lint_rule_info *lint_rule_infos(size_t *n)
{
	*n = ARRAY_LEN(lint_rules);
	return lint_rules;
}

const char *lint_level_str(enum lint_level l)
{
	return l == LINT_ERROR ? "error" : "warning";
}

/* ---- the report ------------------------------------------------------------ */

static void lint_vadd(struct lint_report *r, const char *file, int line, enum lint_level level,
                      const char *rule, const char *fmt, va_list ap)
{
	struct lint_finding *f;
	char msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	xgrow(&r->v, &r->cap, r->n + 1, sizeof *r->v);
	f = &r->v[r->n++];
	f->file = text_clean(file ? file : "");
	f->line = line > 0 ? line : 1;
	f->level = level;
	f->rule = rule;
	f->message = text_clean(msg);
	if (level == LINT_ERROR)
		r->n_errors++;
	else
		r->n_warnings++;
}

void lint_add(struct lint_report *r, const char *file, int line, enum lint_level level,
              const char *rule, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lint_vadd(r, file, line, level, rule, fmt, ap);
	va_end(ap);
}

/* A finding at the level its rule id has. */
static void lf(struct lint_report *r, const char *file, int line, const char *rule,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void lf(struct lint_report *r, const char *file, int line, const char *rule,
               const char *fmt, ...)
{
	enum lint_level level = LINT_ERROR;
	va_list ap;
	size_t i;

	for (i = 0; i < ARRAY_LEN(lint_rules); i++)
		if (strcmp(lint_rules[i].id, rule) == 0)
			level = lint_rules[i].level;
	va_start(ap, fmt);
	lint_vadd(r, file, line, level, rule, fmt, ap);
	va_end(ap);
}

/* Sorted by file and line; ties keep the order the checks found them in. */
void lint_report_sort(struct lint_report *r)
{
	struct lint_finding t;
	size_t i, j;

	for (i = 1; i < r->n; i++) {   /* insertion sort: stable, and reports are small */
		t = r->v[i];
		for (j = i; j > 0; j--) {
			int c = strcmp(r->v[j - 1].file, t.file);

			if (c < 0 || (c == 0 && r->v[j - 1].line <= t.line))
				break;
			r->v[j] = r->v[j - 1];
		}
		r->v[j] = t;
	}
}

char *lint_report_text(const struct lint_report *r)
{
	struct buf b = {0};
	size_t i;

	for (i = 0; i < r->n; i++)
		buf_printf(&b, "%s:%d: %s: %s (%s)\n", r->v[i].file, r->v[i].line,
		           lint_level_str(r->v[i].level), r->v[i].message, r->v[i].rule);
	return buf_steal(&b);
}

char *lint_report_json(const struct lint_report *r)
{
	cJSON *arr = cJSON_CreateArray(), *o;
	char *s, *out;
	size_t i;

	for (i = 0; i < r->n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "file", r->v[i].file);
		cJSON_AddNumberToObject(o, "line", r->v[i].line);
		cJSON_AddStringToObject(o, "level", lint_level_str(r->v[i].level));
		cJSON_AddStringToObject(o, "rule", r->v[i].rule);
		cJSON_AddStringToObject(o, "message", r->v[i].message);
		cJSON_AddItemToArray(arr, o);
	}
	s = cJSON_Print(arr);
	cJSON_Delete(arr);
	if (!s)
		abort();   /* cJSON fails only on OOM */
	out = xstrdup(s);
	cJSON_free(s);
	return out;
}

void lint_report_free(struct lint_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->v[i].file);
		free(r->v[i].message);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

/* ---- escalation: condition, time, who ------------------------------------------ */

/* A step's whole text (first paragraph and the lines under it), lowercase
 * when lower. Malloced. */
static char *lint_step_text(const struct rb_step *st, bool lower)
{
	struct buf b = {0};
	char *s;
	size_t i;

	s = rb_text_plain(&st->text);
	buf_puts(&b, s);
	free(s);
	for (i = 0; i < st->n_more; i++) {
		s = rb_text_plain(&st->more[i]);
		buf_putc(&b, ' ');
		buf_puts(&b, s);
		free(s);
	}
	s = buf_steal(&b);
	for (i = 0; lower && s[i]; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

static void lint_escalation_item(struct lint_report *r, const char *file, const struct rb_step *st)
{
	char *text = lint_step_text(st, false), *low = lint_step_text(st, true);

	if (!*low)
		goto out;
	if (!lint_esc_condition(low))
		lf(r, file, st->line, "escalation-condition",
		   "escalation item does not say when to escalate (\"If ..., \" / \"When ...\")");
	if (st->escalate_after_ms <= 0 && !lint_esc_time(low))
		lf(r, file, st->line, "escalation-time",
		   "escalation item names no time (\"after 15 minutes\", \"at once\")");
	if (!lint_esc_who(text, low))
		lf(r, file, st->line, "escalation-who",
		   "escalation item does not say who to page: name the team or role "
		   "(\"page the payments on-call\", \"the incident commander\"), not just \"the on-call\"");
out:
	free(text);
	free(low);
}

/* ---- runbooks ---------------------------------------------------------------------- */

struct lint_ctx {
	struct lint_report *r;     /* borrowed */
	const struct lint_opts *o; /* borrowed */
	size_t sh_runs;
	bool sh_broken;            /* the shell could not be run: said once, not per block */
};

/* The alert rules whose runbook a runbook is, for the label check. */
struct lint_link {
	const struct prom_rule **rules; /* owned array of borrowed */
	const char **files;             /* owned array of borrowed: each rule's file */
	size_t n;
};

static bool lint_step_runnable(const struct rb_step *st)
{
	for (size_t i = 0; i < st->n_blocks; i++)
		if (st->blocks[i].runnable)
			return true;
	return false;
}

static bool lint_section_has_items(const struct rb_section *s)
{
	for (size_t i = 0; i < s->n_steps; i++)
		if (s->steps[i].ordinal >= 0)
			return true;
	return false;
}

/* A short quote of a step for messages ("Roll back the last deploy..."). */
static char *lint_step_quote(const struct rb_step *st)
{
	char *plain = rb_text_plain(&st->text), *q;

	q = text_trunc(plain, 48, false, true);
	free(plain);
	return q;
}

static void lint_sections(struct lint_ctx *c, const struct runbook *rb, const char *file)
{
	static const struct {
		enum rb_kind kind;
		const char *rule, *what, *heading;
	} need[] = {
		{ RB_MEANING, "section-meaning", "says what the alert means", "## Meaning" },
		{ RB_TRIAGE, "section-triage", "has triage steps", "## Triage" },
		{ RB_MITIGATION, "section-mitigation", "has mitigations", "## Mitigations" },
		{ RB_ESCALATION, "section-escalation", "says when and whom to escalate to", "## When to escalate" },
	};
	const struct rb_section *first[RB_KIND_COUNT] = {0};
	size_t steps[RB_KIND_COUNT] = {0}, i;

	for (i = 0; i < rb->n_sections; i++) {
		const struct rb_section *s = &rb->sections[i];

		if (!first[s->kind])
			first[s->kind] = s;
		steps[s->kind] += s->n_steps;
	}
	for (i = 0; i < ARRAY_LEN(need); i++) {
		if (!first[need[i].kind])
			lf(c->r, file, 1, need[i].rule, "no section %s (\"%s\")", need[i].what, need[i].heading);
		else if (steps[need[i].kind] == 0)
			lf(c->r, file, first[need[i].kind]->line, need[i].rule, "the %s section is empty",
			   rb_kind_str(need[i].kind));
	}
	if (first[RB_TRIAGE] && first[RB_MITIGATION] && first[RB_MITIGATION]->line < first[RB_TRIAGE]->line)
		lf(c->r, file, first[RB_MITIGATION]->line, "triage-order",
		   "mitigations (line %d) come before triage (line %d): triage first",
		   first[RB_MITIGATION]->line, first[RB_TRIAGE]->line);
}

static void lint_steps(struct lint_ctx *c, const struct rb_section *s, const char *file)
{
	bool items = lint_section_has_items(s), any = false;
	const char *kind = s->kind == RB_TRIAGE ? "triage" : "mitigation";
	size_t i;
	char *q;

	for (i = 0; i < s->n_steps; i++) {
		const struct rb_step *st = &s->steps[i];
		bool runnable = lint_step_runnable(st);
		size_t b, n = 0;

		for (b = 0; b < st->n_blocks; b++)
			n += st->blocks[b].runnable;
		if (n > 1) {
			q = lint_step_quote(st);
			lf(c->r, file, st->line, "step-one-block", "%s step \"%s\" has %zu runnable "
			   "blocks; the walker runs only the first: make each its own step", kind, q, n);
			free(q);
		}
		any |= runnable;
		if (!items || runnable || st->ordinal < 0)
			continue;
		q = lint_step_quote(st);
		lf(c->r, file, st->line, "step-runnable", "%s step \"%s\" has no runnable block "
		   "(```sh, ```console with \"$ \" prompts, ```promql)", kind, q);
		free(q);
	}
	if (!items && s->n_steps && !any)
		lf(c->r, file, s->line, "step-runnable", "the %s section \"%s\" has no runnable block",
		   kind, s->title);
}

static void lint_mitigations(struct lint_ctx *c, const struct rb_section *s, const char *file)
{
	bool items = lint_section_has_items(s), tagged = false;
	size_t i;
	char *q, *low;

	for (i = 0; i < s->n_steps; i++)
		tagged |= s->steps[i].has_rev;
	/* prose without list items: one finding for the section, not each paragraph */
	if (!items && s->n_steps && !tagged)
		lf(c->r, file, s->line, "mitigation-tag", "the mitigation section \"%s\" has no "
		   "tagged steps ([reversible], [risky], [irreversible] list items)", s->title);
	if (s->reordered)
		lf(c->r, file, s->line, "mitigation-order", "mitigations are not written in "
		   "reversibility order (reversible, risky, irreversible); pagetty shows them reordered");
	for (i = 0; i < s->n_steps; i++) {
		const struct rb_step *st = &s->steps[i];

		if (items && st->ordinal < 0)
			continue;
		q = lint_step_quote(st);
		if (!st->has_rev && items)
			lf(c->r, file, st->line, "mitigation-tag", "mitigation \"%s\" is not tagged "
			   "[reversible], [risky] or [irreversible] (pagetty treats it as risky)", q);
		low = lint_step_text(st, true);
		if ((st->rev == REV_RISKY || st->rev == REV_IRREVERSIBLE) && !st->rollback &&
		    !strstr(low, "no rollback") && !strstr(low, "cannot be rolled back") &&
		    !strstr(low, "cannot be undone"))
			lf(c->r, file, st->line, "rollback", "[%s] mitigation \"%s\" has no \"Rollback:\" "
			   "line and does not say why there is none (\"Rollback: none, ...\")",
			   rb_rev_str(st->rev), q);
		free(low);
		free(q);
	}
}

static void lint_escalations(struct lint_ctx *c, const struct rb_section *s, const char *file)
{
	bool items = lint_section_has_items(s);

	for (size_t i = 0; i < s->n_steps; i++)
		if (!items || s->steps[i].ordinal >= 0)
			lint_escalation_item(c->r, file, &s->steps[i]);
}

/* Whether a console/shell block uses "$ " prompts. */
static bool lint_has_prompts(const char *code)
{
	const char *s = code;

	for (; s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
		const char *p = s;

		while (*p == ' ' || *p == '\t')
			p++;
		if (p[0] == '$' && (p[1] == ' ' || p[1] == '\n' || p[1] == '\0' || p[1] == '\r'))
			return true;
	}
	return false;
}

static void lint_shell_block(struct lint_ctx *c, const struct rb_block *b, const char *file)
{
	bool prompts = lint_has_prompts(b->code), console;
	const char *shell = c->o->shell ? c->o->shell : "/bin/sh";
	char msg[ERR_MAX], *code, *prepared;
	struct buf joined = {0};
	int line = 0, rc;
	size_t i;

	console = strcmp(b->lang, "console") == 0 || strcmp(b->lang, "shell") == 0;
	if (console && !prompts && lint_looks_like_output(b->code)) {
		lf(c->r, file, b->line, "console-output", "```%s block has no \"$ \" prompt lines but "
		   "looks like sample output: all of it would run; prompt the commands with \"$ \"", b->lang);
		return;
	}
	if (!c->o->shell_check || c->sh_broken)
		return;
	if (c->sh_runs++ == LINT_SH_RUNS_MAX)
		lint_add(c->r, file, b->line, LINT_WARNING, "shell-syntax", "more than %d shell "
		         "blocks: the rest are not given to sh -n", LINT_SH_RUNS_MAX);
	if (c->sh_runs > LINT_SH_RUNS_MAX)
		return;
	if (prompts) {
		for (i = 0; i < b->n_commands; i++) {
			buf_puts(&joined, b->commands[i]);
			buf_putc(&joined, '\n');
		}
		code = buf_steal(&joined);
	} else {
		code = xstrdup(b->code);
	}
	/* bash blocks may use bash syntax: parse them with bash when there is one */
	if (strcmp(b->lang, "bash") == 0 && !c->o->shell && access("/bin/bash", X_OK) == 0)
		shell = "/bin/bash";
	prepared = lint_sh_prepare(code);
	rc = lint_sh_check(shell, prepared, c->o->shell_timeout_ms, msg, &line);
	if (rc == 1) {
		lf(c->r, file, prompts || line <= 0 ? b->line : b->line + line, "shell-syntax",
		   "```%s block does not parse (%s -n): %s", b->lang, shell, msg);
	} else if (rc < 0) {
		lint_add(c->r, file, b->line, LINT_WARNING, "shell-syntax", "not checked: %s", msg);
		if (strstr(msg, "cannot run"))
			c->sh_broken = true;
	}
	free(prepared);
	free(code);
}

/* Runnable blocks: shell syntax, PromQL balance, and the labels they use
 * (collected into refs with runbook line numbers). */
static void lint_blocks(struct lint_ctx *c, const struct runbook *rb, const char *file,
                        struct lint_ref **refs, size_t *n_refs)
{
	struct lint_ref *br;
	size_t i, j, k, m, nb;
	char msg[ERR_MAX];
	int line;

	for (i = 0; i < rb->n_sections; i++) {
		for (j = 0; j < rb->sections[i].n_steps; j++) {
			const struct rb_step *st = &rb->sections[i].steps[j];

			for (k = 0; k < st->n_blocks; k++) {
				const struct rb_block *b = &st->blocks[k];

				if (!b->runnable)
					continue;
				if (b->promql && lint_promql_check(b->code, msg, &line))
					lf(c->r, file, b->line + line, "promql-syntax",
					   "```promql block is not well-formed: %s", msg);
				else if (!b->promql)
					lint_shell_block(c, b, file);
				nb = lint_label_refs(b->code, &br);
				for (m = 0; m < nb; m++) {
					*refs = xrealloc(*refs, (*n_refs + 1) * sizeof **refs);
					(*refs)[*n_refs].name = br[m].name;
					(*refs)[(*n_refs)++].line = b->line + br[m].line;
					br[m].name = NULL;
				}
				lint_refs_free(br, nb);
			}
		}
	}
}

static bool lint_name_in(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* Each label a block uses must be a label of every alert rule that links
 * to this runbook (else the command gets an empty value at 3 AM). Rules
 * whose label set is unknown (see lint_rule_labels) are not judged. */
static void lint_labels(struct lint_ctx *c, const char *file, const struct lint_link *link,
                        const struct lint_ref *refs, size_t n_refs)
{
	char ***names = xcalloc(link->n ? link->n : 1, sizeof *names);
	size_t *nn = xcalloc(link->n ? link->n : 1, sizeof *nn), i, j, k, lacking;
	bool *known = xcalloc(link->n ? link->n : 1, sizeof *known);
	struct buf has = {0};

	for (j = 0; j < link->n; j++)
		known[j] = lint_rule_labels(link->rules[j], &names[j], &nn[j]);
	for (i = 0; i < n_refs; i++) {
		size_t first = 0;

		lacking = 0;
		for (j = 0; j < link->n; j++) {
			if (known[j] && !lint_name_in(names[j], nn[j], refs[i].name) && lacking++ == 0)
				first = j;
		}
		if (!lacking)
			continue;
		buf_reset(&has);
		for (k = 0; k < nn[first] && k < 12; k++)
			buf_printf(&has, "%s%s", k ? ", " : "", names[first][k]);
		if (nn[first] > 12)
			buf_puts(&has, ", ...");
		lf(c->r, file, refs[i].line, "label-ref", "label \"%s\" is not a label of alert %s "
		   "(%s:%d%s); its alerts carry: %s", refs[i].name, link->rules[first]->alert,
		   link->files[first], link->rules[first]->pos.line,
		   lacking > 1 ? " and other rules" : "", has.data ? has.data : "");
	}
	for (j = 0; j < link->n; j++) {
		for (k = 0; known[j] && k < nn[j]; k++)
			free(names[j][k]);
		if (known[j])
			free(names[j]);
	}
	free(names);
	free(nn);
	free(known);
	buf_free(&has);
}

static void lint_one_runbook(struct lint_ctx *c, const struct runbook *rb, const struct lint_link *link)
{
	const char *file = rb->source ? rb->source : rb->title;
	struct lint_ref *refs = NULL;
	size_t n_refs = 0, i;

	for (i = 0; i < rb->n_warnings; i++) {
		int line = 1;

		sscanf(rb->warnings[i], "line %d:", &line);
		lf(c->r, file, line, "runbook-markdown", "%s", rb->warnings[i]);
	}
	lint_sections(c, rb, file);
	for (i = 0; i < rb->n_sections; i++) {
		const struct rb_section *s = &rb->sections[i];

		if (s->kind == RB_TRIAGE || s->kind == RB_MITIGATION)
			lint_steps(c, s, file);
		if (s->kind == RB_MITIGATION)
			lint_mitigations(c, s, file);
		if (s->kind == RB_ESCALATION)
			lint_escalations(c, s, file);
	}
	lint_blocks(c, rb, file, &refs, &n_refs);
	if (link && link->n)
		lint_labels(c, file, link, refs, n_refs);
	lint_refs_free(refs, n_refs);
}

/* ---- rule files ------------------------------------------------------------------------ */

/* Paging: a severity in o->paging (default page, critical; any case), or
 * Sloth's sloth_severity: page. */
static bool lint_rule_pages(const struct prom_rule *r, const struct lint_opts *o)
{
	const char *sev = labelset_get(&r->labels, "severity");
	const char *sloth = labelset_get(&r->labels, "sloth_severity");
	const char *p = o->paging ? o->paging : "page,critical";
	size_t n;

	if (sloth && !strcasecmp(sloth, "page"))
		return true;
	while (sev && *p) {
		n = strcspn(p, ",");
		if (n && strlen(sev) == n && !strncasecmp(sev, p, n))
			return true;
		p += n;
		p += *p == ',';
	}
	return false;
}

/* Where runbook_resolve() looks: a view of the options as a config. */
static void lint_cfg(const struct lint_opts *o, bool with_base, struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->runbook_dirs = (char **)o->runbook_dirs;
	cfg->n_runbook_dirs = o->n_runbook_dirs;
	cfg->runbook_base_url = with_base ? (char *)o->base_url : NULL;
}

static void lint_resolve(const struct prom_rule *r, const struct lint_opts *o, bool with_base,
                         struct rb_where *w)
{
	struct alert a;
	struct config cfg;

	memset(&a, 0, sizeof a);
	labelset_copy(&a.labels, &r->labels);
	labelset_set(&a.labels, "alertname", r->alert);
	labelset_copy(&a.annotations, &r->annotations);
	lint_cfg(o, with_base, &cfg);
	runbook_resolve(&a, &cfg, w);
	labelset_free(&a.labels);
	labelset_free(&a.annotations);
}

/* An http(s) URL that could be fetched: a host, no spaces or controls. */
static const char *lint_url_problem(const char *url)
{
	const char *h = strstr(url, "://"), *p;

	if (!h)
		return "not a URL";
	h += 3;
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return "spaces or control characters in the URL";
	if (strcspn(h, "/?#") == 0)
		return "no host";
	for (p = h; *p && !strchr("/?#", *p); p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_:[]@%", *p))
			return "invalid character in the host";
	return NULL;
}

static char *lint_looked(const struct rb_where *w)
{
	struct buf b = {0};

	for (size_t i = 0; i < w->n_looked && i < 4; i++)
		buf_printf(&b, "%s%s", i ? "; " : "", w->looked[i]);
	if (w->n_looked > 4)
		buf_printf(&b, "; and %zu more", w->n_looked - 4);
	return buf_steal(&b);
}

static void lint_rule(struct lint_ctx *c, const struct rule_file *rf, const struct prom_rule *r)
{
	const char *key = "runbook_url", *url = labelset_get(&r->annotations, key), *why;
	const struct rule_pos *pos;
	bool pages = lint_rule_pages(r, c->o);
	struct rb_where w;
	char *looked;

	if (!url || !*url) {
		key = "runbook";
		url = labelset_get(&r->annotations, key);
	}
	if (!url || !*url) {
		if (!pages)
			return;
		lint_resolve(r, c->o, false, &w);
		if (w.kind == RB_LOC_FILE)
			lf(c->r, rf->name, r->pos.line, "rule-runbook-url", "paging alert %s has no "
			   "runbook_url annotation (a runbook named after it exists: %s)", r->alert, w.location);
		else
			lf(c->r, rf->name, r->pos.line, "rule-runbook-url",
			   "paging alert %s has no runbook_url annotation", r->alert);
		rb_where_free(&w);
		return;
	}
	pos = prom_rule_annotation_pos(r, key);
	lint_resolve(r, c->o, true, &w);
	if (w.kind == RB_LOC_URL && (why = lint_url_problem(w.location))) {
		lint_add(c->r, rf->name, pos ? pos->line : r->pos.line, pages ? LINT_ERROR : LINT_WARNING,
		         "rule-runbook-resolve", "%s of alert %s: %s: %s", key, r->alert, why, w.location);
	} else if (w.kind == RB_LOC_NONE) {
		looked = lint_looked(&w);
		lint_add(c->r, rf->name, pos ? pos->line : r->pos.line, pages ? LINT_ERROR : LINT_WARNING,
		         "rule-runbook-resolve", "%s \"%s\" of %salert %s does not resolve to a runbook "
		         "(looked: %s)", key, url, pages ? "paging " : "", r->alert, looked);
		free(looked);
	}
	rb_where_free(&w);
}

/* "NAME:L:C: message" back into a line for the finding. */
static int lint_problem_line(const char *problem, const char *name)
{
	size_t n = strlen(name);
	int line = 1;

	if (strncmp(problem, name, n) == 0 && problem[n] == ':')
		sscanf(problem + n + 1, "%d", &line);
	return line;
}

static void lint_rule_file(struct lint_ctx *c, const struct rule_file *rf)
{
	size_t i;

	for (i = 0; i < rf->n_problems; i++) {
		const char *p = rf->problems[i], *msg = p;
		size_t n = strlen(rf->name);
		int k = 0;

		if (strncmp(p, rf->name, n) == 0 && p[n] == ':')
			msg = p + n + 1;
		while (k < 2 && (msg = strchr(msg, ':')))   /* past "L:C:" */
			msg++, k++;
		if (!msg)
			msg = p;
		lf(c->r, rf->name, lint_problem_line(p, rf->name), "rules-syntax", "%s",
		   *msg == ' ' ? msg + 1 : msg);
	}
	for (i = 0; i < rf->n_rules; i++)
		if (rf->rules[i].alert)
			lint_rule(c, rf, &rf->rules[i]);
}

/* ---- everything ---------------------------------------------------------------------------- */

static bool lint_same_file(const char *a, const char *real_b, const char *b)
{
	char *ra = realpath(a, NULL);
	bool same = ra && real_b ? strcmp(ra, real_b) == 0 : strcmp(a, b) == 0;

	free(ra);
	return same;
}

/* Which rules link to which runbook: runbook_url or alertname resolved in
 * the runbook dirs (base_url aside, as a URL cannot be compared). */
static void lint_links(const struct lint_input *in, const struct lint_opts *o, struct lint_link *links)
{
	char **real = xcalloc(in->n_runbooks ? in->n_runbooks : 1, sizeof *real);
	size_t f, i, k;
	struct rb_where w;

	for (k = 0; k < in->n_runbooks; k++)
		real[k] = in->runbooks[k].source ? realpath(in->runbooks[k].source, NULL) : NULL;
	for (f = 0; f < in->n_rule_files; f++) {
		const struct rule_file *rf = &in->rule_files[f];

		for (i = 0; i < rf->n_rules; i++) {
			if (!rf->rules[i].alert || !*rf->rules[i].alert)
				continue;
			lint_resolve(&rf->rules[i], o, false, &w);
			for (k = 0; w.kind == RB_LOC_FILE && k < in->n_runbooks; k++) {
				struct lint_link *l = &links[k];

				if (!in->runbooks[k].source ||
				    !lint_same_file(w.location, real[k], in->runbooks[k].source))
					continue;
				l->rules = xrealloc(l->rules, (l->n + 1) * sizeof *l->rules);
				l->files = xrealloc(l->files, (l->n + 1) * sizeof *l->files);
				l->rules[l->n] = &rf->rules[i];
				l->files[l->n++] = rf->name;
			}
			rb_where_free(&w);
		}
	}
	for (k = 0; k < in->n_runbooks; k++)
		free(real[k]);
	free(real);
}

void lint_run(const struct lint_input *in, const struct lint_opts *o, struct lint_report *out)
{
	struct lint_ctx c = { .r = out, .o = o };
	struct lint_link *links = xcalloc(in->n_runbooks ? in->n_runbooks : 1, sizeof *links);
	size_t i;

	lint_links(in, o, links);
	for (i = 0; i < in->n_runbooks; i++)
		lint_one_runbook(&c, &in->runbooks[i], &links[i]);
	for (i = 0; i < in->n_rule_files; i++)
		lint_rule_file(&c, &in->rule_files[i]);
	for (i = 0; i < in->n_runbooks; i++) {
		free(links[i].rules);
		free(links[i].files);
	}
	free(links);
	lint_report_sort(out);
}
