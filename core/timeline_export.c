/* timeline_export.c: an incident timeline (JSON Lines, read back) as
 * postmortem-ready markdown: the alert, a time-stamped table of events,
 * every command with its exit status, duration and an output excerpt, notes.
 * Every string from the file is untrusted: sanitized, markdown-escaped, and
 * fenced with more backticks than it holds so no output can end its block. */
#include "timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define EXCERPT_LINES 60
#define EXCERPT_BYTES (8u << 10)
#define CELL_MAX 160  /* bytes of a command shown in the table */

static const char *jstr(const cJSON *ev, const char *name)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(ev, name);

	return cJSON_IsString(j) ? j->valuestring : NULL;
}

static bool jnum(const cJSON *ev, const char *name, double *v)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(ev, name);

	if (!cJSON_IsNumber(j))
		return false;
	*v = j->valuedouble;
	return true;
}

static bool jtrue(const cJSON *ev, const char *name)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ev, name));
}

/* ---- markdown escaping --------------------------------------------------- */

/* One line of sanitized text: newlines and tabs become spaces first. */
static char *one_line(const char *s, size_t max)
{
	char *t = xstrdup(s ? s : ""), *p, *clean;

	for (p = t; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	clean = text_sanitize(t, strlen(t), 0, max);
	free(t);
	return clean;
}

/* Inline markdown text: every character that could start markup escaped. */
static void md_text(struct buf *b, const char *s, size_t max)
{
	char *t = one_line(s, max), *p;

	for (p = t; *p; p++) {
		if (strchr("\\`*_[]<>|~&#!", *p))
			buf_putc(b, '\\');
		buf_putc(b, *p);
	}
	free(t);
}

static size_t longest_run(const char *s, char c)
{
	size_t run = 0, best = 0;

	for (; *s; s++) {
		run = *s == c ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* A code span that no backtick inside can end. */
static void md_code(struct buf *b, const char *s, size_t max)
{
	char *t = one_line(s, max);
	size_t n = longest_run(t, '`') + 1, i;
	bool pad = t[0] == '`' || (t[0] && t[strlen(t) - 1] == '`') || t[0] == ' ';

	for (i = 0; i < n; i++)
		buf_putc(b, '`');
	if (pad)
		buf_putc(b, ' ');
	buf_puts(b, t[0] ? t : " ");
	if (pad)
		buf_putc(b, ' ');
	for (i = 0; i < n; i++)
		buf_putc(b, '`');
	free(t);
}

/* A fenced block with a fence longer than any backtick run in the text. */
static void md_fence(struct buf *b, const char *lang, const char *s, size_t len)
{
	char *t = text_sanitize(s, len, TEXT_KEEP_NEWLINES | TEXT_KEEP_TABS, 0);
	size_t n = longest_run(t, '`') + 1, i, tl = strlen(t);

	if (n < 3)
		n = 3;
	for (i = 0; i < n; i++)
		buf_putc(b, '`');
	buf_printf(b, "%s\n%s", lang, t);
	if (tl == 0 || t[tl - 1] != '\n')
		buf_putc(b, '\n');
	for (i = 0; i < n; i++)
		buf_putc(b, '`');
	buf_puts(b, "\n\n");
	free(t);
}

/* ---- formatting ---------------------------------------------------------- */

/* "2026-11-22 04:41:02" from an RFC 3339 string, else the string cleaned. */
static void fmt_time(struct buf *b, const char *ts)
{
	double t;
	char out[40];

	if (ts && rfc3339_parse(ts, &t) == 0) {
		rfc3339_format(t, out, sizeof out);
		out[10] = ' ';
		out[19] = '\0';
		buf_puts(b, out);
	} else {
		md_text(b, ts ? ts : "?", 40);
	}
}

static void fmt_duration(struct buf *b, double ms)
{
	long long s;

	if (!(ms >= 0) || ms > 1e15)
		ms = 0;
	if (ms < 1000) {
		buf_printf(b, "%.0f ms", ms);
		return;
	}
	if (ms < 60000) {
		buf_printf(b, "%.1f s", ms / 1000);
		return;
	}
	s = (long long)(ms / 1000);
	if (s < 3600)
		buf_printf(b, "%lldm %02llds", s / 60, s % 60);
	else
		buf_printf(b, "%lldh %02lldm", s / 3600, s / 60 % 60);
}

/* "exit 0", "killed by timeout", "cancelled", "could not start: ...". */
static void fmt_outcome(struct buf *b, const cJSON *ev)
{
	double code, sig;
	const char *err = jstr(ev, "error");

	if (err && *err) {
		buf_puts(b, "could not start: ");
		md_text(b, err, 200);
		return;
	}
	if (jtrue(ev, "timed_out")) {
		buf_puts(b, "killed by timeout");
	} else if (jtrue(ev, "cancelled")) {
		buf_puts(b, "cancelled");
	} else if (jnum(ev, "signal", &sig)) {
		buf_printf(b, "killed by signal %.0f", sig);
	} else if (jnum(ev, "exit", &code)) {
		buf_printf(b, "exit %.0f", code);
	} else {
		buf_puts(b, "exit status unknown");
	}
	if (jnum(ev, "duration_ms", &code)) {
		buf_puts(b, " after ");
		fmt_duration(b, code);
	}
}

/* "Initial triage / Check pods" */
static void fmt_where(struct buf *b, const cJSON *ev)
{
	const char *sec = jstr(ev, "section"), *step = jstr(ev, "step");

	if (sec && *sec)
		md_text(b, sec, 120);
	if (sec && *sec && step && *step)
		buf_puts(b, " / ");
	if (step && *step)
		md_text(b, step, 200);
	if (!(sec && *sec) && !(step && *step))
		buf_puts(b, "(no step)");
}

/* The Details cell of the timeline table. */
static void fmt_details(struct buf *b, const cJSON *ev, const char *event, size_t run_no)
{
	double n;

	if (strcmp(event, "alert_opened") == 0) {
		md_text(b, jstr(ev, "alertname"), 120);
		buf_puts(b, " (");
		md_text(b, jstr(ev, "severity") ? jstr(ev, "severity") : "?", 40);
		if (jstr(ev, "cluster") && *jstr(ev, "cluster")) {
			buf_puts(b, ", ");
			md_text(b, jstr(ev, "cluster"), 80);
		}
		buf_puts(b, ")");
	} else if (strcmp(event, "step_run") == 0) {
		buf_printf(b, "[%zu] ", run_no);
		fmt_where(b, ev);
		buf_puts(b, ": ");
		md_text(b, jstr(ev, "command"), CELL_MAX);
		buf_puts(b, " \xe2\x86\x92 ");
		fmt_outcome(b, ev);
	} else if (strcmp(event, "step_done") == 0 || strcmp(event, "step_undone") == 0) {
		fmt_where(b, ev);
	} else if (strcmp(event, "silence_created") == 0) {
		md_text(b, jstr(ev, "matchers"), 200);
		if (jstr(ev, "ends_at")) {
			buf_puts(b, " until ");
			fmt_time(b, jstr(ev, "ends_at"));
		}
		if (jstr(ev, "comment") && *jstr(ev, "comment")) {
			buf_puts(b, ": ");
			md_text(b, jstr(ev, "comment"), 200);
		}
		if (jstr(ev, "id")) {
			buf_puts(b, " (id ");
			md_text(b, jstr(ev, "id"), 64);
			buf_puts(b, ")");
		}
	} else if (strcmp(event, "silence_expired") == 0) {
		buf_puts(b, "id ");
		md_text(b, jstr(ev, "id"), 64);
	} else if (strcmp(event, "escalation_due") == 0) {
		md_text(b, jstr(ev, "item"), 300);
		if (jnum(ev, "elapsed_s", &n)) {
			buf_puts(b, " (");
			fmt_duration(b, n * 1000);
			buf_puts(b, " after the alert started)");
		}
	} else if (strcmp(event, "note") == 0) {
		md_text(b, jstr(ev, "text"), 500);
	}
}

static const char *event_title(const char *event)
{
	static const struct {
		const char *event, *title;
	} tab[] = {
		{"alert_opened", "Alert opened"},
		{"step_run", "Command run"},
		{"step_done", "Step done"},
		{"step_undone", "Step marked not done"},
		{"silence_created", "Silence created"},
		{"silence_expired", "Silence expired"},
		{"escalation_due", "**Escalation due**"},
		{"note", "Note"},
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(tab); i++)
		if (strcmp(tab[i].event, event) == 0)
			return tab[i].title;
	return NULL;
}

/* ---- sections ------------------------------------------------------------ */

static void header(struct buf *b, const struct timeline_log *log)
{
	const cJSON *a = NULL, *ls, *kv;
	const char *first = NULL, *last = NULL, *s;
	double t0, t1;
	size_t i;

	for (i = 0; i < log->n; i++) {
		if (!a && strcmp(jstr(log->events[i], "event"), "alert_opened") == 0)
			a = log->events[i];
		if (!first)
			first = jstr(log->events[i], "ts");
		last = jstr(log->events[i], "ts");
	}
	buf_puts(b, "# Incident timeline");
	if (a && jstr(a, "alertname") && *jstr(a, "alertname")) {
		buf_puts(b, ": ");
		md_text(b, jstr(a, "alertname"), 200);
	}
	buf_puts(b, "\n\n");
	if (a) {
		static const struct {
			const char *key, *label;
		} rows[] = {
			{"alertname", "Alert"}, {"severity", "Severity"}, {"cluster", "Cluster"},
			{"summary", "Summary"},
		};
		for (i = 0; i < ARRAY_LEN(rows); i++) {
			s = jstr(a, rows[i].key);
			if (!s || !*s)
				continue;
			buf_printf(b, "- **%s:** ", rows[i].label);
			md_text(b, s, 500);
			buf_putc(b, '\n');
		}
		if (jstr(a, "starts_at")) {
			buf_puts(b, "- **Started:** ");
			fmt_time(b, jstr(a, "starts_at"));
			buf_puts(b, " UTC\n");
		}
		if (jstr(a, "fingerprint") && *jstr(a, "fingerprint")) {
			buf_puts(b, "- **Fingerprint:** ");
			md_code(b, jstr(a, "fingerprint"), 64);
			buf_putc(b, '\n');
		}
		ls = cJSON_GetObjectItemCaseSensitive(a, "labels");
		if (cJSON_IsObject(ls) && ls->child) {
			buf_puts(b, "- **Labels:**");
			for (kv = ls->child; kv; kv = kv->next) {
				char *pair;

				if (!cJSON_IsString(kv) || !kv->string)
					continue;
				pair = xasprintf("%s=\"%s\"", kv->string, kv->valuestring);
				buf_puts(b, kv == ls->child ? " " : ", ");
				md_code(b, pair, 300);
				free(pair);
			}
			buf_putc(b, '\n');
		}
	}
	if (first && last) {
		buf_puts(b, "- **Recorded:** ");
		fmt_time(b, first);
		buf_puts(b, " to ");
		fmt_time(b, last);
		buf_puts(b, " UTC");
		if (rfc3339_parse(first, &t0) == 0 && rfc3339_parse(last, &t1) == 0 && t1 >= t0) {
			buf_puts(b, " (");
			fmt_duration(b, (t1 - t0) * 1000);
			buf_puts(b, ")");
		}
		buf_printf(b, ", %zu event%s\n", log->n, log->n == 1 ? "" : "s");
	}
	buf_putc(b, '\n');
}

static void table(struct buf *b, const struct timeline_log *log)
{
	const char *event, *title;
	size_t i, run_no = 0;

	buf_puts(b, "## Timeline\n\n");
	if (log->n == 0) {
		buf_puts(b, "No events were recorded.\n\n");
		return;
	}
	buf_puts(b, "| Time (UTC) | Event | Details |\n| --- | --- | --- |\n");
	for (i = 0; i < log->n; i++) {
		event = jstr(log->events[i], "event");
		title = event_title(event);
		if (strcmp(event, "step_run") == 0)
			run_no++;
		buf_puts(b, "| ");
		fmt_time(b, jstr(log->events[i], "ts"));
		buf_puts(b, " | ");
		if (title)
			buf_puts(b, title);
		else
			md_text(b, event, 60);
		buf_puts(b, " | ");
		fmt_details(b, log->events[i], event, run_no);
		buf_puts(b, " |\n");
	}
	buf_putc(b, '\n');
}

/* The first EXCERPT_LINES lines / EXCERPT_BYTES bytes of out. */
static void excerpt(struct buf *b, const char *out, bool truncated, double bytes)
{
	size_t len = 0, lines = 0, total = strlen(out);
	const char *p = out;

	while (len < total && lines < EXCERPT_LINES && len < EXCERPT_BYTES) {
		p = memchr(out + len, '\n', total - len);
		len = p ? (size_t)(p - out) + 1 : total;
		lines++;
	}
	if (len > EXCERPT_BYTES)
		len = EXCERPT_BYTES;
	if (total == 0) {
		buf_puts(b, "No output.\n\n");
		return;
	}
	buf_puts(b, "Output");
	if (len < total || truncated) {
		buf_puts(b, " (excerpt");
		if (bytes > 0)
			buf_printf(b, " of %.0f bytes", bytes);
		buf_puts(b, ")");
	}
	buf_puts(b, ":\n\n");
	md_fence(b, "text", out, len);
}

static void commands(struct buf *b, const struct timeline_log *log)
{
	const cJSON *ev;
	const char *lang, *out, *cmd;
	double bytes = 0;
	size_t i, run_no = 0;
	char *l;

	for (i = 0; i < log->n; i++) {
		ev = log->events[i];
		if (strcmp(jstr(ev, "event"), "step_run") != 0)
			continue;
		if (run_no++ == 0)
			buf_puts(b, "## Commands\n\n");
		buf_printf(b, "### %zu. ", run_no);
		fmt_where(b, ev);
		buf_puts(b, "\n\n");
		fmt_time(b, jstr(ev, "ts"));
		buf_puts(b, " UTC: ");
		fmt_outcome(b, ev);
		buf_puts(b, ".\n\n");
		lang = jstr(ev, "lang");
		l = one_line(lang && *lang ? lang : "sh", 20);
		if (strchr(l, '`') || strchr(l, '~'))
			l[0] = '\0';
		cmd = jstr(ev, "command");
		md_fence(b, l, cmd ? cmd : "", cmd ? strlen(cmd) : 0);
		free(l);
		out = jstr(ev, "output");
		jnum(ev, "output_bytes", &bytes);
		excerpt(b, out ? out : "", jtrue(ev, "output_truncated"), bytes);
	}
}

static void notes(struct buf *b, const struct timeline_log *log)
{
	const cJSON *ev;
	size_t i, n = 0;

	for (i = 0; i < log->n; i++) {
		ev = log->events[i];
		if (strcmp(jstr(ev, "event"), "note") != 0)
			continue;
		if (n++ == 0)
			buf_puts(b, "## Notes\n\n");
		buf_puts(b, "- ");
		fmt_time(b, jstr(ev, "ts"));
		buf_puts(b, ": ");
		md_text(b, jstr(ev, "text"), TIMELINE_TEXT_CAP);
		buf_putc(b, '\n');
	}
	if (n)
		buf_putc(b, '\n');
}

char *timeline_export(const struct timeline_log *log)
{
	struct buf b = {0};

	header(&b, log);
	table(&b, log);
	commands(&b, log);
	notes(&b, log);
	buf_puts(&b, "## Postmortem\n\n"
	             "- [ ] Impact: who was affected, how, and for how long\n"
	             "- [ ] Root cause\n"
	             "- [ ] What went well, what did not\n"
	             "- [ ] Action items, each with an owner\n");
	return buf_steal(&b);
}
