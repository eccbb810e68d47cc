/* timeline.c: the incident timeline's file: naming, creation (0700 dirs,
 * 0600 file), one write() + fsync() per JSON line, and reading it back with
 * a torn last line ignored. The markdown export is in timeline_export.c. */
#include "timeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"
#include "xjson.h"

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return len;
}

/* s (n bytes) as valid UTF-8, cut to at most cap bytes: invalid bytes and
 * NULs become U+FFFD / are dropped. Malloced. */
static char *utf8_fix(const char *s, size_t n, size_t cap)
{
	struct buf b = {0};
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n && b.len < cap) {
		k = utf8_seq(p + i, n - i);
		if (k == 0) {
			buf_puts(&b, "\xef\xbf\xbd");
			i++;
		} else {
			if (p[i] != 0)
				buf_append(&b, p + i, k);
			i += k;
		}
	}
	if (i < n)
		buf_puts(&b, "\xe2\x80\xa6");
	return buf_steal(&b);
}

/* Add a string field (valid UTF-8, capped), or null for NULL. */
static void jtext(cJSON *obj, const char *name, const char *s)
{
	char *v;

	if (!s) {
		xjson_add(obj, name, xjson(cJSON_CreateNull()));
		return;
	}
	v = utf8_fix(s, strlen(s), TIMELINE_TEXT_CAP);
	xjson_add(obj, name, xjson(cJSON_CreateString(v)));
	free(v);
}

static void jnum(cJSON *obj, const char *name, double v)
{
	xjson_add(obj, name, xjson(cJSON_CreateNumber(v)));
}

static void jbool(cJSON *obj, const char *name, bool v)
{
	xjson_add(obj, name, xjson(cJSON_CreateBool(v)));
}

static cJSON *jlabels(const struct labelset *ls)
{
	cJSON *o = xjson(cJSON_CreateObject());
	char *n;
	size_t i;

	for (i = 0; i < ls->n; i++) {
		n = utf8_fix(ls->v[i].name, strlen(ls->v[i].name), 1024);
		jtext(o, n, ls->v[i].value);
		free(n);
	}
	return o;
}

/* ---- naming and opening -------------------------------------------------- */

static void name_part(struct buf *b, const char *s, size_t max)
{
	size_t n = 0;

	for (; *s && n < max; s++, n++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			buf_putc(b, (char)c);
		else
			buf_putc(b, '_');
	}
}

char *timeline_file_name(const struct alert *a, double now)
{
	struct buf b = {0};
	struct labelset sorted = {0};
	char ts[40];
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p;
	size_t i;

	rfc3339_format(a->starts > 0 ? a->starts : now, ts, sizeof ts);
	buf_append(&b, ts, 10);
	buf_putc(&b, '_');
	name_part(&b, alert_name(a)[0] ? alert_name(a) : "alert", 64);
	buf_putc(&b, '_');
	if (a->fingerprint && a->fingerprint[0]) {
		name_part(&b, a->fingerprint, 32);
	} else {
		labelset_copy(&sorted, &a->labels);
		labelset_sort(&sorted);
		for (i = 0; i < sorted.n; i++) {
			for (p = (const unsigned char *)sorted.v[i].name; *p; p++)
				h = (h ^ *p) * 1099511628211ULL;
			h = (h ^ 0xff) * 1099511628211ULL;
			for (p = (const unsigned char *)sorted.v[i].value; *p; p++)
				h = (h ^ *p) * 1099511628211ULL;
			h = (h ^ 0xfe) * 1099511628211ULL;
		}
		labelset_free(&sorted);
		buf_printf(&b, "%016llx", (unsigned long long)h);
	}
	buf_puts(&b, ".jsonl");
	return buf_steal(&b);
}

/* mkdir -p with 0700 for what it creates. */
static int mkdir_p(const char *dir, char err[ERR_MAX])
{
	char *p = xstrdup(dir), *s;
	struct stat st;

	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (p[0] && mkdir(p, 0700) != 0 && errno != EEXIST) {
				errf(err, "%s: %s", p, strerror(errno));
				goto fail;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		errf(err, "%s: not a directory", dir);
		goto fail;
	}
	free(p);
	return 0;
fail:
	free(p);
	return -1;
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int timeline_open_path(struct timeline *t, const char *path, char err[ERR_MAX])
{
	struct stat st;
	char last;
	char *dir, *slash;
	int dfd;

	t->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (t->fd >= 0) {
		/* a new file: make its directory entry durable too */
		dir = xstrdup(path);
		slash = strrchr(dir, '/');
		if (slash)
			slash[slash == dir ? 1 : 0] = '\0';
		dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(dir);
	} else if (errno == EEXIST) {
		t->fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	}
	if (t->fd < 0) {
		errf(err, "%s: %s", path, errno == ELOOP ? "is a symbolic link" : strerror(errno));
		goto fail;
	}
	if (fstat(t->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		errf(err, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_mode & 077)
		fchmod(t->fd, st.st_mode & 0700);
	/* a torn line from a crash: end it, so the next event starts clean */
	if (st.st_size > 0 && pread(t->fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
		if (write_all(t->fd, "\n", 1) != 0 || fsync(t->fd) != 0) {
			errf(err, "%s: %s", path, strerror(errno));
			goto fail;
		}
	}
	free(t->path);
	t->path = xstrdup(path);
	return 0;
fail:
	timeline_close(t);
	return -1;
}

int timeline_open(struct timeline *t, const char *dir, const struct alert *a, char err[ERR_MAX])
{
	char *d = path_expand(dir && *dir ? dir : ".");
	char *name = timeline_file_name(a, wall_now());
	char *path = NULL;
	int rc = -1;

	t->fd = -1;
	if (mkdir_p(d, err) != 0)
		goto out;
	path = xasprintf("%s/%s", d, name);
	rc = timeline_open_path(t, path, err);
out:
	free(path);
	free(name);
	free(d);
	return rc;
}

void timeline_close(struct timeline *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	free(t->path);
	t->path = NULL;
}

/* ---- events -------------------------------------------------------------- */

int timeline_append(struct timeline *t, const char *event, cJSON *fields, char err[ERR_MAX])
{
	cJSON *line = xjson(cJSON_CreateObject()), *f;
	char ts[40], *text = NULL;
	struct buf b = {0};
	int rc = -1;

	rfc3339_format(wall_now(), ts, sizeof ts);
	jtext(line, "ts", ts);
	jtext(line, "event", event);
	while (fields && (f = fields->child)) {
		cJSON_DetachItemViaPointer(fields, f);
		if (f->string && (strcmp(f->string, "ts") == 0 || strcmp(f->string, "event") == 0)) {
			cJSON_Delete(f);
			continue;
		}
		f->next = f->prev = NULL;
		/* cJSON copies the name before it frees f's own */
		if (!cJSON_AddItemToObject(line, f->string, f))
			xjson_oom();
	}
	if (t->fd < 0) {
		errf(err, "timeline is not open");
		goto out;
	}
	text = cJSON_PrintUnformatted(line);
	if (!text)
		xjson_oom();
	buf_puts(&b, text);
	buf_putc(&b, '\n');
	if (write_all(t->fd, b.data, b.len) != 0 || fsync(t->fd) != 0) {
		errf(err, "%s: %s", t->path ? t->path : "timeline", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	cJSON_free(text);
	buf_free(&b);
	cJSON_Delete(line);
	cJSON_Delete(fields);
	return rc;
}

int timeline_alert_opened(struct timeline *t, const struct alert *a, char err[ERR_MAX])
{
	cJSON *f = xjson(cJSON_CreateObject());
	char ts[40];

	jtext(f, "alertname", alert_name(a));
	jtext(f, "cluster", a->cluster);
	jtext(f, "fingerprint", a->fingerprint);
	if (a->starts_at)
		jtext(f, "starts_at", a->starts_at);
	else if (a->starts > 0) {
		rfc3339_format(a->starts, ts, sizeof ts);
		jtext(f, "starts_at", ts);
	} else
		jtext(f, "starts_at", NULL);
	jtext(f, "severity", alert_severity_str(a->severity));
	jtext(f, "state", alert_state_str(a->state));
	jtext(f, "summary", alert_summary(a));
	xjson_add(f, "labels", jlabels(&a->labels));
	xjson_add(f, "annotations", jlabels(&a->annotations));
	return timeline_append(t, "alert_opened", f, err);
}

/* Raw output -> capped (head and tail kept) and sanitized text. */
static char *output_excerpt(const char *out, size_t len, size_t cap)
{
	struct buf b = {0};
	char *s;
	size_t half;

	if (!out)
		return xstrdup("");
	if (len <= cap) {
		return text_sanitize(out, len, TEXT_KEEP_NEWLINES | TEXT_KEEP_TABS, 0);
	}
	half = cap / 2;
	s = text_sanitize(out, half, TEXT_KEEP_NEWLINES | TEXT_KEEP_TABS, 0);
	buf_puts(&b, s);
	free(s);
	buf_printf(&b, "\n[... %zu bytes not kept ...]\n", len - 2 * half);
	s = text_sanitize(out + len - half, half, TEXT_KEEP_NEWLINES | TEXT_KEEP_TABS, 0);
	buf_puts(&b, s);
	free(s);
	return buf_steal(&b);
}

int timeline_step_run(struct timeline *t, const struct timeline_run *r, char err[ERR_MAX])
{
	cJSON *f = xjson(cJSON_CreateObject());
	size_t cap = t->output_cap ? t->output_cap : TIMELINE_OUTPUT_CAP;
	char *out = output_excerpt(r->output, r->output_len, cap);

	jtext(f, "section", r->section);
	jtext(f, "step", r->step);
	jtext(f, "lang", r->lang);
	jtext(f, "command", r->command ? r->command : "");
	if (r->exit_code >= 0)
		jnum(f, "exit", r->exit_code);
	else
		xjson_add(f, "exit", xjson(cJSON_CreateNull()));
	if (r->signal > 0)
		jnum(f, "signal", r->signal);
	jbool(f, "timed_out", r->timed_out);
	jbool(f, "cancelled", r->cancelled);
	jnum(f, "duration_ms", r->duration_ms < 0 ? 0 : (double)r->duration_ms);
	xjson_add(f, "output", xjson(cJSON_CreateString(out)));
	jnum(f, "output_bytes", (double)r->output_len);
	jbool(f, "output_truncated", r->truncated || r->output_len > cap);
	if (r->error && r->error[0])
		jtext(f, "error", r->error);
	free(out);
	return timeline_append(t, "step_run", f, err);
}

int timeline_step_done(struct timeline *t, const char *section, const char *step, bool done,
                       char err[ERR_MAX])
{
	cJSON *f = xjson(cJSON_CreateObject());

	jtext(f, "section", section);
	jtext(f, "step", step);
	return timeline_append(t, done ? "step_done" : "step_undone", f, err);
}

int timeline_silence_created(struct timeline *t, const char *id, const char *matchers,
                             const char *ends_at, const char *comment, char err[ERR_MAX])
{
	cJSON *f = xjson(cJSON_CreateObject());

	jtext(f, "id", id);
	jtext(f, "matchers", matchers);
	jtext(f, "ends_at", ends_at);
	jtext(f, "comment", comment);
	return timeline_append(t, "silence_created", f, err);
}

int timeline_silence_expired(struct timeline *t, const char *id, char err[ERR_MAX])
{
	cJSON *f = xjson(cJSON_CreateObject());

	jtext(f, "id", id);
	return timeline_append(t, "silence_expired", f, err);
}

int timeline_escalation_due(struct timeline *t, const char *item, int64_t elapsed_s,
                            char err[ERR_MAX])
{
	cJSON *f = xjson(cJSON_CreateObject());

	jtext(f, "item", item);
	jnum(f, "elapsed_s", (double)elapsed_s);
	return timeline_append(t, "escalation_due", f, err);
}

int timeline_note(struct timeline *t, const char *text, char err[ERR_MAX])
{
	cJSON *f = xjson(cJSON_CreateObject());

	jtext(f, "text", text);
	return timeline_append(t, "note", f, err);
}

/* ---- reading ------------------------------------------------------------- */

#define TIMELINE_WARNINGS_MAX 20

static void log_warn(struct timeline_log *log, size_t *dropped, const char *fmt, size_t line,
                     const char *what)
{
	if (log->n_warnings >= TIMELINE_WARNINGS_MAX) {
		(*dropped)++;
		return;
	}
	xgrow(&log->warnings, &log->cap_warnings, log->n_warnings + 1, sizeof *log->warnings);
	log->warnings[log->n_warnings++] = xasprintf(fmt, line, what);
}

void timeline_parse(const char *buf, size_t len, struct timeline_log *log)
{
	size_t off = 0, line = 0, n, dropped = 0;
	const char *nl, *end;
	cJSON *j;
	const cJSON *ts, *ev;
	bool torn;

	while (off < len) {
		nl = memchr(buf + off, '\n', len - off);
		n = nl ? (size_t)(nl - (buf + off)) : len - off;
		torn = !nl;
		line++;
		if (n == 0 || (n == 1 && buf[off] == '\r')) {
			off += n + 1;
			continue;
		}
		j = cJSON_ParseWithLengthOpts(buf + off, n, &end, false);
		while (j && end < buf + off + n && strchr(" \t\r", *end) && *end)
			end++;
		if (j && end != buf + off + n) {
			cJSON_Delete(j); /* trailing bytes after the object */
			j = NULL;
		}
		ts = cJSON_GetObjectItemCaseSensitive(j, "ts");
		ev = cJSON_GetObjectItemCaseSensitive(j, "event");
		if (!cJSON_IsObject(j) || !cJSON_IsString(ts) || !cJSON_IsString(ev)) {
			if (torn)
				log_warn(log, &dropped, "line %zu: %s", line,
				         "torn last line ignored (the writer was interrupted)");
			else
				log_warn(log, &dropped, "line %zu: %s", line,
				         j ? "not a timeline event (no \"ts\" and \"event\"), ignored"
				           : "not valid JSON, ignored");
			cJSON_Delete(j);
		} else {
			xgrow(&log->events, &log->cap, log->n + 1, sizeof *log->events);
			log->events[log->n++] = j;
		}
		off += n + 1;
	}
	if (dropped) {
		xgrow(&log->warnings, &log->cap_warnings, log->n_warnings + 1, sizeof *log->warnings);
		log->warnings[log->n_warnings++] = xasprintf("%zu more bad lines ignored", dropped);
	}
}

int timeline_read(const char *path, struct timeline_log *log, char err[ERR_MAX])
{
	char *buf = NULL;
	size_t len = 0;

	if (read_file(path, TIMELINE_READ_MAX, &buf, &len, err) != 0)
		return -1;
	timeline_parse(buf, len, log);
	free(buf);
	return 0;
}

void timeline_log_free(struct timeline_log *log)
{
	size_t i;

	for (i = 0; i < log->n; i++)
		cJSON_Delete(log->events[i]);
	for (i = 0; i < log->n_warnings; i++)
		free(log->warnings[i]);
	free(log->events);
	free(log->warnings);
	memset(log, 0, sizeof *log);
}
