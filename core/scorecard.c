/* scorecard.c: a drill's scorecard from its event log (see scorecard.h),
 * as JSON for tooling, markdown for the debrief and lines for the screen. */
#include "scorecard.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "text.h"
#include "util.h"

#define DRILL_LOG_NEVER 1e18

void drill_log_add(struct drill_log *l, enum drill_ev kind, double t, const char *alert,
                   enum drill_sec sec, const char *step, const char *command, int rev,
                   int exit_code, bool rollback)
{
	struct drill_event *e;

	xgrow(&l->v, &l->cap, l->n + 1, sizeof *l->v);
	e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->t = t;
	e->alert = xstrdup(alert);
	e->sec = sec;
	e->step = xstrdup(step);
	e->command = xstrdup(command);
	e->rev = rev;
	e->exit_code = exit_code;
	e->rollback = rollback;
}

void drill_log_free(struct drill_log *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].alert);
		free(l->v[i].step);
		free(l->v[i].command);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Rank for ordering: reversible first, risky and unknown alike, irreversible last. */
static int sc_rank(int rev)
{
	switch (rev) {
	case 1: return 0;
	case 3: return 2;
	default: return 1;
	}
}

void scorecard_compute(struct scorecard *sc, const struct drill_log *l, const char *name,
                       double escalate_by, double end)
{
	double first_mit = -1, last_resolve = -DRILL_LOG_NEVER, runbook = -1, esc = -1;
	int max_rank = -1, fired = 0, resolved = 0;
	bool have_fire = false; /* fire times may be negative: before the drill began */
	size_t i;

	memset(sc, 0, sizeof *sc);
	sc->name = xstrdup(name ? name : "");
	sc->first_fire = 0;
	sc->reversibility_order = true;
	sc->escalate_by = escalate_by;
	sc->elapsed_s = end;
	for (i = 0; i < l->n; i++) {
		const struct drill_event *e = &l->v[i];

		switch (e->kind) {
		case DRILL_EV_FIRED:
			if (!have_fire || e->t < sc->first_fire)
				sc->first_fire = e->t;
			have_fire = true;
			fired++;
			break;
		case DRILL_EV_RESOLVED:
			resolved++;
			if (e->t > last_resolve)
				last_resolve = e->t;
			break;
		case DRILL_EV_RUNBOOK:
			if (runbook < 0)
				runbook = e->t;
			break;
		case DRILL_EV_STEP_RUN:
			sc->commands++;
			if (e->sec == DRILL_SEC_TRIAGE && first_mit < 0)
				sc->triage_before_mitigation++;
			if (e->sec == DRILL_SEC_MITIGATION && !e->rollback) {
				int r = sc_rank(e->rev);

				if (first_mit < 0)
					first_mit = e->t;
				sc->mitigations++;
				if (r < max_rank)
					sc->reversibility_order = false;
				if (r > max_rank)
					max_rank = r;
			}
			if (e->sec == DRILL_SEC_ESCALATION && esc < 0)
				esc = e->t;
			break;
		case DRILL_EV_STEP_DONE:
			if (e->sec == DRILL_SEC_ESCALATION && esc < 0)
				esc = e->t;
			break;
		case DRILL_EV_SILENCE:
			sc->silences++;
			break;
		case DRILL_EV_INJECT:
			break;
		}
	}
	sc->runbook_s = runbook >= 0 && have_fire ? runbook - sc->first_fire : -1;
	if (sc->runbook_s != -1 && sc->runbook_s < 0)
		sc->runbook_s = 0; /* opened before the page: counts as at once */
	sc->escalated = esc >= 0;
	sc->escalated_s = esc >= 0 ? esc - (have_fire ? sc->first_fire : 0) : -1;
	if (sc->escalated_s != -1 && sc->escalated_s < 0)
		sc->escalated_s = 0;
	sc->escalated_in_time = escalate_by <= 0 ||
	                        (sc->escalated && sc->escalated_s <= escalate_by);
	sc->resolved = fired > 0 && resolved >= fired;
	sc->resolve_s = sc->resolved ? last_resolve - sc->first_fire : -1;
}

void scorecard_free(struct scorecard *sc)
{
	free(sc->name);
	memset(sc, 0, sizeof *sc);
}

/* Seconds to a tenth, or null for "never". */
static void sc_num_or_null(cJSON *o, const char *k, double v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, round(v * 10) / 10);
}

char *scorecard_json(const struct scorecard *sc)
{
	cJSON *o = cJSON_CreateObject();
	char *clean = text_clean(sc->name), *out, *ret;

	cJSON_AddStringToObject(o, "drill", clean);
	free(clean);
	sc_num_or_null(o, "time_to_runbook_s", sc->runbook_s);
	cJSON_AddNumberToObject(o, "triage_before_mitigation", sc->triage_before_mitigation);
	cJSON_AddNumberToObject(o, "mitigations", sc->mitigations);
	cJSON_AddBoolToObject(o, "mitigations_in_reversibility_order", sc->reversibility_order);
	cJSON_AddBoolToObject(o, "escalated", sc->escalated);
	sc_num_or_null(o, "escalated_after_s", sc->escalated_s);
	if (sc->escalate_by > 0)
		cJSON_AddNumberToObject(o, "escalation_deadline_s", sc->escalate_by);
	else
		cJSON_AddNullToObject(o, "escalation_deadline_s");
	cJSON_AddBoolToObject(o, "escalated_before_deadline", sc->escalated_in_time);
	cJSON_AddNumberToObject(o, "silences_created", sc->silences);
	cJSON_AddNumberToObject(o, "commands_run", sc->commands);
	cJSON_AddBoolToObject(o, "resolved", sc->resolved);
	sc_num_or_null(o, "time_to_resolve_s", sc->resolve_s);
	sc_num_or_null(o, "elapsed_s", sc->elapsed_s);
	out = cJSON_Print(o);
	cJSON_Delete(o);
	if (!out)
		abort(); /* cJSON's only failure is out of memory */
	ret = xasprintf("%s\n", out);
	cJSON_free(out);
	return ret;
}

static void sc_dur(double s, char *out, size_t n)
{
	long v;

	if (s < 0) {
		snprintf(out, n, "never");
		return;
	}
	v = (long)(s + 0.5);
	if (v >= 3600)
		snprintf(out, n, "%ldh%02ldm%02lds", v / 3600, v / 60 % 60, v % 60);
	else if (v >= 60)
		snprintf(out, n, "%ldm%02lds", v / 60, v % 60);
	else
		snprintf(out, n, "%lds", v);
}

size_t scorecard_lines(const struct scorecard *sc, char **out, size_t max)
{
	char a[32], b[32];
	size_t n = 0;

#define SC_LINE(...) do { if (n < max) out[n++] = xasprintf(__VA_ARGS__); } while (0)
	sc_dur(sc->runbook_s, a, sizeof a);
	SC_LINE("Time to open the runbook        %s", a);
	SC_LINE("Triage steps before mitigating  %d%s", sc->triage_before_mitigation,
	        sc->triage_before_mitigation ? "" : "  (mitigated blind)");
	SC_LINE("Mitigations run                 %d, %s", sc->mitigations,
	        sc->mitigations == 0 ? "none" :
	        sc->reversibility_order ? "in reversibility order" : "NOT in reversibility order");
	sc_dur(sc->escalated_s, a, sizeof a);
	sc_dur(sc->escalate_by, b, sizeof b);
	if (sc->escalate_by > 0)
		SC_LINE("Escalation                      %s (deadline %s): %s", a, b,
		        sc->escalated_in_time ? "in time" : "LATE or missing");
	else
		SC_LINE("Escalation                      %s (none expected)", a);
	SC_LINE("Silences created                %d", sc->silences);
	SC_LINE("Commands run                    %d", sc->commands);
	sc_dur(sc->resolve_s, a, sizeof a);
	SC_LINE("Time to resolve                 %s%s", a, sc->resolved ? "" : "  (not resolved)");
#undef SC_LINE
	return n;
}

/* Markdown-safe one-line text: sanitized, pipes and backticks escaped. */
static void sc_md(struct buf *b, const char *s)
{
	char *clean = text_clean(s ? s : "");
	const char *p;

	for (p = clean; *p; p++) {
		if (strchr("|`*_[]<>#\\", *p))
			buf_putc(b, '\\');
		buf_putc(b, *p == '\n' ? ' ' : *p);
	}
	free(clean);
}

static const char *sc_ev_name(enum drill_ev k)
{
	static const char *names[] = { "alert fired", "alert resolved", "runbook opened",
	                               "step run", "step done", "silence created", "injected" };

	return (size_t)k < ARRAY_LEN(names) ? names[k] : "?";
}

char *scorecard_markdown(const struct scorecard *sc, const struct drill_log *l)
{
	struct buf b = {0};
	char *lines[16], t[32];
	size_t n, i;

	buf_puts(&b, "# Drill scorecard: ");
	sc_md(&b, sc->name);
	buf_puts(&b, "\n\n");
	n = scorecard_lines(sc, lines, ARRAY_LEN(lines));
	for (i = 0; i < n; i++) {
		buf_puts(&b, "- ");
		sc_md(&b, lines[i]);
		buf_putc(&b, '\n');
		free(lines[i]);
	}
	buf_puts(&b, "\n## Timeline (drill time)\n\n| time | event | alert | detail |\n|---|---|---|---|\n");
	for (i = 0; l && i < l->n; i++) {
		const struct drill_event *e = &l->v[i];

		sc_dur(e->t < 0 ? 0 : e->t, t, sizeof t);
		buf_printf(&b, "| %s | %s | ", t, sc_ev_name(e->kind));
		sc_md(&b, e->alert);
		buf_puts(&b, " | ");
		if (e->step) {
			sc_md(&b, e->step);
			buf_puts(&b, " ");
		}
		if (e->command) {
			buf_puts(&b, "(");
			sc_md(&b, e->command);
			buf_puts(&b, ")");
		}
		if (e->kind == DRILL_EV_STEP_RUN)
			buf_printf(&b, " exit %d", e->exit_code);
		buf_puts(&b, " |\n");
	}
	return buf_steal(&b);
}

static int sc_write_file(const char *path, const char *text, char *err)
{
	size_t len = strlen(text), off = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd < 0)
		return errf(err, "%s: %s", path, strerror(errno));
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			errf(err, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (close(fd) < 0)
		return errf(err, "%s: %s", path, strerror(errno));
	return 0;
}

int scorecard_write(const struct scorecard *sc, const struct drill_log *l, const char *path,
                    char *err)
{
	size_t n = strlen(path);
	char *base, *jpath, *mpath, *json, *md;
	int rc = -1;

	if (n > 5 && !strcmp(path + n - 5, ".json"))
		base = xstrndup(path, n - 5);
	else
		base = xstrdup(path);
	jpath = xasprintf("%s.json", base);
	mpath = xasprintf("%s.md", base);
	json = scorecard_json(sc);
	md = scorecard_markdown(sc, l);
	if (sc_write_file(jpath, json, err) == 0 && sc_write_file(mpath, md, err) == 0)
		rc = 0;
	free(base);
	free(jpath);
	free(mpath);
	free(json);
	free(md);
	return rc;
}
