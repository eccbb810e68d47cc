/* test_timeline.c: the incident timeline. File names no alert can steer
 * out of the directory; 0700 directories and a 0600 file; every event
 * written and read back; output capped and sanitized; a torn last line (by
 * hand and by a real kill -9 mid-write) ignored on read and closed on
 * reopen; the markdown export against a golden file, and hostile text that
 * must not turn into markdown structure (checked by parsing it with cmark). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <cmark.h>

#include "core/alert.h"
#include "core/timeline.h"

#define GOLDEN "tests/fixtures/timeline-export.md"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/pagetty-tl-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc;

	(void)state;
	rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static struct alert *mk_alert(const char *name, const char *fp)
{
	struct alert *a = xcalloc(1, sizeof *a);

	a->fingerprint = xstrdup(fp);
	a->cluster = xstrdup("prod-eu");
	a->starts_at = xstrdup("2026-11-22T04:38:10.123Z");
	rfc3339_parse(a->starts_at, &a->starts);
	a->severity = SEV_CRITICAL;
	labelset_set(&a->labels, "alertname", name);
	labelset_set(&a->labels, "service", "checkout");
	labelset_set(&a->labels, "severity", "critical");
	labelset_set(&a->annotations, "summary", "5xx ratio above 2% for 5m");
	return a;
}

static void at(const char *ts)
{
	double t;

	assert_int_equal(rfc3339_parse(ts, &t), 0);
	{
		char *s = xasprintf("%.3f", t);

		setenv("PAGETTY_NOW", s, 1);
		free(s);
	}
}

/* ---- names --------------------------------------------------------------- */

static void test_file_name(void **state)
{
	static const struct {
		const char *name, *fp;
		const char *want;
	} cases[] = {
		{"CheckoutHighErrorRate", "3f2a9c1d0b7e4a55",
		 "2026-11-22_CheckoutHighErrorRate_3f2a9c1d0b7e4a55.jsonl"},
		{"../../etc/passwd", "../x", "2026-11-22_______etc_passwd____x.jsonl"},
		{"a b/c\n", "ab\xff", "2026-11-22_a_b_c__ab_.jsonl"},
		{"", "f00", "2026-11-22_alert_f00.jsonl"},
	};
	struct alert *a, *b;
	char *n, *m;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		a = mk_alert(cases[i].name, cases[i].fp);
		n = timeline_file_name(a, 0);
		assert_string_equal(n, cases[i].want);
		assert_null(strchr(n, '/'));
		free(n);
		alert_free(a);
	}
	/* a very long alertname is cut */
	a = mk_alert("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "1");
	n = timeline_file_name(a, 0);
	assert_true(strlen(n) < 100);
	free(n);
	alert_free(a);

	/* no fingerprint: a hash of the labels, independent of their order; no
	 * start time: today */
	a = mk_alert("X", "");
	b = xcalloc(1, sizeof *b);
	b->fingerprint = xstrdup("");
	labelset_set(&b->labels, "severity", "critical");
	labelset_set(&b->labels, "service", "checkout");
	labelset_set(&b->labels, "alertname", "X");
	n = timeline_file_name(a, 0);
	m = timeline_file_name(b, 1790000000);
	assert_string_equal(n + 10, m + 10);
	assert_int_equal(strlen(n), strlen("2026-11-22_X_0123456789abcdef.jsonl"));
	assert_memory_equal(m, "2026-09-21", 10);
	free(m);
	labelset_set(&b->labels, "service", "checkout2");
	m = timeline_file_name(b, 1790000000);
	assert_string_not_equal(n + 10, m + 10);
	free(n);
	free(m);
	alert_free(a);
	alert_free(b);
}

/* ---- write and read back --------------------------------------------------- */

static void write_incident(struct timeline *t, const char *dir, size_t cap)
{
	struct alert *a = mk_alert("CheckoutHighErrorRate", "3f2a9c1d0b7e4a55");
	char err[ERR_MAX];
	static const char out1[] =
		"NAME                        READY   STATUS             RESTARTS\n"
		"checkout-7d9f8b6c5-abcde    1/1     Running            0\n"
		"checkout-7d9f8b6c5-fghij    0/1     CrashLoopBackOff   14\n";
	struct timeline_run r1 = {
		.section = "Initial triage", .step = "Check the pods", .lang = "sh",
		.command = "kubectl -n \"$PAGETTY_LABEL_namespace\" get pods -l app=checkout",
		.exit_code = 0, .duration_ms = 1234, .output = out1, .output_len = sizeof out1 - 1,
	};
	struct timeline_run r2 = {
		.section = "Mitigations", .step = "[risky] Roll back the last deploy", .lang = "sh",
		.command = "kubectl rollout undo deploy/checkout", .exit_code = -1, .signal = 15,
		.timed_out = true, .duration_ms = 120000, .output = "Waiting\x1b[2J for rollout...",
		.output_len = 26,
	};
	struct timeline_run r3 = {
		.step = "Is it DNS?", .command = "dig +short checkout.internal", .exit_code = -1,
		.error = "/bin/sh: not found", .duration_ms = 3,
	};

	t->output_cap = cap;
	at("2026-11-22T04:40:00Z");
	assert_int_equal(timeline_open(t, dir, a, err), 0);
	assert_int_equal(timeline_alert_opened(t, a, err), 0);
	at("2026-11-22T04:41:02.5Z");
	assert_int_equal(timeline_step_run(t, &r1, err), 0);
	at("2026-11-22T04:41:30Z");
	assert_int_equal(timeline_step_done(t, "Initial triage", "Check the pods", true, err), 0);
	at("2026-11-22T04:42:00Z");
	assert_int_equal(timeline_step_done(t, "Initial triage", "Check the pods", false, err), 0);
	at("2026-11-22T04:45:00Z");
	assert_int_equal(timeline_silence_created(t, "8c1e4b2a-1111-2222-3333-444455556666",
	                                          "alertname=\"CheckoutHighErrorRate\"",
	                                          "2026-11-22T06:45:00.000Z", "rollback in progress",
	                                          err), 0);
	at("2026-11-22T04:47:10Z");
	assert_int_equal(timeline_step_run(t, &r2, err), 0);
	at("2026-11-22T04:53:10Z");
	assert_int_equal(timeline_escalation_due(t, "page the checkout on-call", 900, err), 0);
	at("2026-11-22T04:54:00Z");
	assert_int_equal(timeline_step_run(t, &r3, err), 0);
	at("2026-11-22T05:01:00Z");
	assert_int_equal(timeline_silence_expired(t, "8c1e4b2a-1111-2222-3333-444455556666", err), 0);
	at("2026-11-22T05:02:00Z");
	assert_int_equal(timeline_note(t, "Error ratio back under 0.5%.\nCause: bad config push.", err), 0);
	unsetenv("PAGETTY_NOW");
	alert_free(a);
}

static const cJSON *field(const cJSON *ev, const char *name)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(ev, name);

	assert_non_null(j);
	return j;
}

static void test_roundtrip(void **state)
{
	static const char *const events[] = {
		"alert_opened", "step_run", "step_done", "step_undone", "silence_created",
		"step_run", "escalation_due", "step_run", "silence_expired", "note",
	};
	struct timeline t = TIMELINE_INIT;
	struct timeline_log log = {0};
	char *dir = xasprintf("%s/state/pagetty/incidents", tmpdir);
	char *parent = xasprintf("%s/state", tmpdir);
	char err[ERR_MAX], *buf;
	size_t i, len, lines = 0;
	struct stat st;
	const cJSON *ev;

	(void)state;
	write_incident(&t, dir, 0);
	assert_non_null(strstr(t.path, "/state/pagetty/incidents/2026-11-22_CheckoutHighErrorRate_"));
	/* mkdir -p made every missing directory 0700; the file is 0600 */
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(parent, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(t.path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	/* the descriptor is close-on-exec */
	assert_true(fcntl(t.fd, F_GETFD) & FD_CLOEXEC);

	/* one line per event, each a JSON object on its own */
	assert_int_equal(read_file(t.path, 1 << 20, &buf, &len, err), 0);
	for (i = 0; i < len; i++)
		lines += buf[i] == '\n';
	assert_int_equal(lines, ARRAY_LEN(events));
	assert_int_equal(buf[len - 1], '\n');
	assert_memory_equal(buf, "{\"ts\":\"2026-11-22T04:40:00.000Z\",\"event\":\"alert_opened\",", 56);
	free(buf);

	assert_int_equal(timeline_read(t.path, &log, err), 0);
	assert_int_equal(log.n_warnings, 0);
	assert_int_equal(log.n, ARRAY_LEN(events));
	for (i = 0; i < log.n; i++)
		assert_string_equal(field(log.events[i], "event")->valuestring, events[i]);

	ev = log.events[0];
	assert_string_equal(field(ev, "alertname")->valuestring, "CheckoutHighErrorRate");
	assert_string_equal(field(ev, "cluster")->valuestring, "prod-eu");
	assert_string_equal(field(ev, "severity")->valuestring, "critical");
	assert_string_equal(field(field(ev, "labels"), "service")->valuestring, "checkout");
	assert_string_equal(field(field(ev, "annotations"), "summary")->valuestring,
	                    "5xx ratio above 2% for 5m");

	ev = log.events[1];
	assert_string_equal(field(ev, "ts")->valuestring, "2026-11-22T04:41:02.500Z");
	assert_int_equal(field(ev, "exit")->valueint, 0);
	assert_int_equal(field(ev, "duration_ms")->valueint, 1234);
	assert_true(cJSON_IsFalse(field(ev, "output_truncated")));
	assert_non_null(strstr(field(ev, "output")->valuestring, "CrashLoopBackOff   14\n"));
	assert_string_equal(field(ev, "section")->valuestring, "Initial triage");

	ev = log.events[5];
	assert_true(cJSON_IsNull(field(ev, "exit")));
	assert_int_equal(field(ev, "signal")->valueint, 15);
	assert_true(cJSON_IsTrue(field(ev, "timed_out")));
	/* terminal escapes in output are made visible */
	assert_string_equal(field(ev, "output")->valuestring, "Waiting\\e[2J for rollout...");

	assert_string_equal(field(log.events[7], "error")->valuestring, "/bin/sh: not found");
	assert_int_equal(field(log.events[6], "elapsed_s")->valueint, 900);
	assert_string_equal(field(log.events[9], "text")->valuestring,
	                    "Error ratio back under 0.5%.\nCause: bad config push.");
	timeline_log_free(&log);

	/* a second session appends to the same incident file */
	{
		struct timeline t2 = TIMELINE_INIT;
		struct alert *a = mk_alert("CheckoutHighErrorRate", "3f2a9c1d0b7e4a55");

		assert_int_equal(timeline_open(&t2, dir, a, err), 0);
		assert_string_equal(t2.path, t.path);
		assert_int_equal(timeline_note(&t2, "second session", err), 0);
		timeline_close(&t2);
		timeline_close(&t2);
		alert_free(a);
		assert_int_equal(timeline_read(t.path, &log, err), 0);
		assert_int_equal(log.n, ARRAY_LEN(events) + 1);
		assert_int_equal(log.n_warnings, 0);
		timeline_log_free(&log);
	}
	timeline_close(&t);
	/* closed: appending fails cleanly (and frees the fields) */
	assert_int_equal(timeline_note(&t, "x", err), -1);
	assert_non_null(strstr(err, "not open"));
	free(dir);
	free(parent);
}

static void test_output_cap_and_utf8(void **state)
{
	struct timeline t = TIMELINE_INIT;
	struct timeline_log log = {0};
	char *path = xasprintf("%s/cap.jsonl", tmpdir);
	char err[ERR_MAX], *big = xmalloc(1 << 20);
	struct timeline_run r = { .command = "yes | head -c 1M; printf '\\xff'", .exit_code = 0 };
	const char *out;
	size_t i;

	(void)state;
	for (i = 0; i < (1 << 20); i++)
		big[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
	memcpy(big + (1 << 20) - 4, "END\n", 4);
	r.output = big;
	r.output_len = 1 << 20;
	t.output_cap = 1024;
	assert_int_equal(timeline_open_path(&t, path, err), 0);
	assert_int_equal(timeline_step_run(&t, &r, err), 0);
	/* invalid UTF-8 and a control character in a free-text field */
	assert_int_equal(timeline_note(&t, "bad \xff\xfe utf-8 \x01 bell", err), 0);
	timeline_close(&t);
	assert_int_equal(timeline_read(path, &log, err), 0);
	assert_int_equal(log.n, 2);
	out = field(log.events[0], "output")->valuestring;
	assert_true(strlen(out) < 1200);
	assert_memory_equal(out, "abcdefgh", 8);
	assert_non_null(strstr(out, "[... 1047552 bytes not kept ...]"));
	assert_string_equal(out + strlen(out) - 4, "END\n");
	assert_true(cJSON_IsTrue(field(log.events[0], "output_truncated")));
	assert_int_equal(field(log.events[0], "output_bytes")->valuedouble, 1 << 20);
	assert_string_equal(field(log.events[1], "text")->valuestring,
	                    "bad \xef\xbf\xbd\xef\xbf\xbd utf-8 \x01 bell");
	timeline_log_free(&log);
	free(big);
	free(path);
}

static void test_open_refuses(void **state)
{
	struct timeline t = TIMELINE_INIT;
	struct alert *a = mk_alert("X", "1");
	char *file = xasprintf("%s/plain-file", tmpdir);
	char *link = xasprintf("%s/link.jsonl", tmpdir);
	char *loose = xasprintf("%s/loose.jsonl", tmpdir);
	char *sub = xasprintf("%s/plain-file/sub", tmpdir);
	char err[ERR_MAX];
	struct stat st;
	int fd;

	(void)state;
	fd = open(file, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	/* the directory is a file */
	assert_int_equal(timeline_open(&t, file, a, err), -1);
	assert_non_null(strstr(err, "not a directory"));
	assert_int_equal(t.fd, -1);
	assert_int_equal(timeline_open(&t, sub, a, err), -1);
	/* the incident file is a symlink: not followed */
	assert_int_equal(symlink(file, link), 0);
	assert_int_equal(timeline_open_path(&t, link, err), -1);
	assert_non_null(strstr(err, "symbolic link"));
	/* an existing file readable by others is tightened to 0600 */
	fd = open(loose, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	fchmod(fd, 0644);
	close(fd);
	assert_int_equal(timeline_open_path(&t, loose, err), 0);
	assert_int_equal(stat(loose, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	timeline_close(&t);
	/* a directory that is missing cannot hold an explicit path */
	assert_int_equal(timeline_open_path(&t, sub, err), -1);
	alert_free(a);
	free(file);
	free(link);
	free(loose);
	free(sub);
}

/* ---- torn lines ------------------------------------------------------------ */

static const struct {
	const char *text;
	size_t events;
	size_t warnings;
	const char *warn;   /* substring of the last warning */
} parse_cases[] = {
	{"", 0, 0, NULL},
	{"\n\n\r\n", 0, 0, NULL},
	{"{\"ts\":\"t\",\"event\":\"note\"}\n", 1, 0, NULL},
	{"{\"ts\":\"t\",\"event\":\"note\"}", 1, 0, NULL},  /* complete, only the newline lost */
	{"{\"ts\":\"t\",\"event\":\"note\"}\n{\"ts\":\"t\",\"ev", 1, 1, "line 2: torn last line"},
	{"{\"ts\":\"t\",\"event\":\"note\"}\n{\"ts\":\"t\",\"event\":\"note\",\"text\":\"a\\", 1, 1,
	 "torn"},
	{"garbage\n{\"ts\":\"t\",\"event\":\"note\"}\n", 1, 1, "line 1: not valid JSON"},
	{"[1,2]\n{\"ts\":1,\"event\":\"x\"}\n{\"event\":\"x\"}\n\"s\"\n", 0, 4,
	 "line 4: not a timeline event"},
	{"{\"ts\":\"t\",\"event\":\"note\"}\r\n", 1, 0, NULL},
	{"{\"ts\":\"t\",\"event\":\"note\"}\0{\"x\"\n", 0, 1, "line 1"},
	{"\xff\xfe\n{\"ts\":\"t\",\"event\":\"n\"}\n", 1, 1, "line 1"},
};

static void test_parse(void **state)
{
	struct timeline_log log = {0};
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_LEN(parse_cases); i++) {
		len = strlen(parse_cases[i].text);
		if (i == 9)
			len = sizeof "{\"ts\":\"t\",\"event\":\"note\"}\0{\"x\"\n" - 1;
		timeline_parse(parse_cases[i].text, len, &log);
		if (log.n != parse_cases[i].events || log.n_warnings != parse_cases[i].warnings)
			fail_msg("case %zu: %zu events %zu warnings", i, log.n, log.n_warnings);
		if (parse_cases[i].warn &&
		    !strstr(log.warnings[log.n_warnings - 1], parse_cases[i].warn))
			fail_msg("case %zu: [%s]", i, log.warnings[log.n_warnings - 1]);
		timeline_log_free(&log);
	}
	/* many bad lines: a bounded number of warnings */
	{
		struct buf b = {0};

		for (i = 0; i < 1000; i++)
			buf_puts(&b, "nope\n");
		timeline_parse(b.data, b.len, &log);
		assert_true(log.n_warnings <= 21);
		assert_non_null(strstr(log.warnings[log.n_warnings - 1], "980 more"));
		timeline_log_free(&log);
		buf_free(&b);
	}
}

static void test_torn_then_reopen(void **state)
{
	struct timeline t = TIMELINE_INIT;
	struct timeline_log log = {0};
	char *path = xasprintf("%s/torn.jsonl", tmpdir);
	char err[ERR_MAX];
	int fd;

	(void)state;
	assert_int_equal(timeline_open_path(&t, path, err), 0);
	assert_int_equal(timeline_note(&t, "one", err), 0);
	assert_int_equal(timeline_note(&t, "two", err), 0);
	assert_int_equal(timeline_note(&t, "three", err), 0);
	timeline_close(&t);
	/* what a kill -9 inside a write could leave */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"ts\":\"2026-11-22T05:0", 22), 22);
	close(fd);
	assert_int_equal(timeline_read(path, &log, err), 0);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.n_warnings, 1);
	assert_non_null(strstr(log.warnings[0], "line 4: torn last line ignored"));
	assert_string_equal(field(log.events[2], "text")->valuestring, "three");
	timeline_log_free(&log);
	/* the next session closes the torn line, and its events are whole */
	assert_int_equal(timeline_open_path(&t, path, err), 0);
	assert_int_equal(timeline_note(&t, "four", err), 0);
	timeline_close(&t);
	assert_int_equal(timeline_read(path, &log, err), 0);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.n_warnings, 1);
	assert_non_null(strstr(log.warnings[0], "line 4: not valid JSON"));
	assert_string_equal(field(log.events[3], "text")->valuestring, "four");
	timeline_log_free(&log);
	/* unreadable file */
	assert_int_equal(timeline_read("/nonexistent/x.jsonl", &log, err), -1);
	assert_non_null(strstr(err, "/nonexistent/x.jsonl"));
	free(path);
}

/* A writer killed with SIGKILL at a random moment leaves a file whose every
 * line but possibly the last is a whole event. */
static void test_kill9(void **state)
{
	struct timeline_log log = {0};
	char *path = xasprintf("%s/kill9.jsonl", tmpdir);
	char err[ERR_MAX];
	struct timespec ts = {0, 80 * 1000 * 1000};
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct timeline t = TIMELINE_INIT;
		char big[3000];
		unsigned long n = 0;

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		if (timeline_open_path(&t, path, err) != 0)
			_exit(1);
		for (;;) {
			big[n % (sizeof big - 1)] = (char)('a' + n % 26);
			if (timeline_note(&t, big, err) != 0)
				_exit(2);
			n++;
		}
	}
	nanosleep(&ts, NULL);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(timeline_read(path, &log, err), 0);
	assert_true(log.n > 0);
	assert_true(log.n_warnings <= 1);
	if (log.n_warnings)
		assert_non_null(strstr(log.warnings[0], "torn last line"));
	assert_int_equal(strlen(field(log.events[log.n - 1], "text")->valuestring), 2999);
	timeline_log_free(&log);
	free(path);
}

/* ---- export ---------------------------------------------------------------- */

static void test_export_golden(void **state)
{
	struct timeline t = TIMELINE_INIT;
	struct timeline_log log = {0};
	char *dir = xasprintf("%s/golden", tmpdir);
	char err[ERR_MAX], *md, *want;
	size_t len;
	FILE *f;

	(void)state;
	write_incident(&t, dir, 0);
	assert_int_equal(timeline_read(t.path, &log, err), 0);
	md = timeline_export(&log);
	if (getenv("PAGETTY_UPDATE_GOLDEN")) {
		f = fopen(GOLDEN, "w");
		assert_non_null(f);
		fputs(md, f);
		fclose(f);
	}
	assert_int_equal(read_file(GOLDEN, 1 << 20, &want, &len, err), 0);
	if (strcmp(md, want) != 0)
		fail_msg("export differs from %s:\n%s", GOLDEN, md);
	free(want);
	free(md);
	timeline_log_free(&log);
	timeline_close(&t);
	free(dir);
}

/* Walk a cmark tree: count headings, code blocks, and any raw HTML or link. */
static void md_shape(const char *md, int *headings, int *code_blocks, int *html_or_links,
                     bool *heading_injected)
{
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node *n;

	*headings = *code_blocks = *html_or_links = 0;
	*heading_injected = false;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING: {
			char *h = cmark_render_commonmark(n, CMARK_OPT_DEFAULT, 0);
			const char *p = h;

			(*headings)++;
			while (*p == '#' || *p == ' ')
				p++;
			if (str_has_prefix(p, "Injected"))
				*heading_injected = true;
			free(h);
			break;
		}
		case CMARK_NODE_CODE_BLOCK:
			(*code_blocks)++;
			break;
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			(*html_or_links)++;
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
}

static void test_export_hostile(void **state)
{
	struct timeline t = TIMELINE_INIT;
	struct timeline_log log = {0};
	struct alert *a = mk_alert("<script>alert(1)</script> [x](http://evil)", "1");
	char *path = xasprintf("%s/hostile.jsonl", tmpdir);
	char err[ERR_MAX], *md;
	static const char out[] =
		"ok\n```\n# Injected heading\n<img src=x onerror=alert(1)>\n````\n~~~\n"
		"\x1b]52;c;cm0gLXJmIH4=\x07 [link](javascript:alert(1))\n";
	struct timeline_run r = {
		.section = "# Injected", .step = "| a | b | [x](http://evil) <b>**bold**</b>",
		.lang = "sh```", .command = "echo '```'\n# Injected\necho `id`", .exit_code = 0,
		.output = out, .output_len = sizeof out - 1,
	};
	int headings, code_blocks, bad;
	bool injected;

	(void)state;
	labelset_set(&a->labels, "evil", "`` ` ```\n# Injected");
	assert_int_equal(timeline_open_path(&t, path, err), 0);
	assert_int_equal(timeline_alert_opened(&t, a, err), 0);
	assert_int_equal(timeline_step_run(&t, &r, err), 0);
	assert_int_equal(timeline_note(&t, "\n# Injected\n<script>x</script>\n```", err), 0);
	assert_int_equal(timeline_escalation_due(&t, "[page](http://evil) #Injected", 60, err), 0);
	timeline_close(&t);
	assert_int_equal(timeline_read(path, &log, err), 0);
	md = timeline_export(&log);
	md_shape(md, &headings, &code_blocks, &bad, &injected);
	if (getenv("SHOW"))
		fputs(md, stderr);
	if (injected || bad || code_blocks != 2)
		fail_msg("hostile text became markdown (%d headings, %d code blocks, %d html/links):\n%s",
		         headings, code_blocks, bad, md);
	/* title, Timeline, Commands, one command, Notes, Postmortem */
	assert_int_equal(headings, 6);
	/* the terminal escape in the output is made visible, not raw */
	assert_null(strchr(md, '\x1b'));
	assert_non_null(strstr(md, "\\e]52;c;"));
	free(md);
	timeline_log_free(&log);

	/* an empty log still exports a document */
	md = timeline_export(&log);
	assert_non_null(strstr(md, "No events were recorded."));
	free(md);
	alert_free(a);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_name),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_output_cap_and_utf8),
		cmocka_unit_test(test_open_refuses),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_torn_then_reopen),
		cmocka_unit_test(test_kill9),
		cmocka_unit_test(test_export_golden),
		cmocka_unit_test(test_export_hostile),
	};

	return cmocka_run_group_tests_name("timeline", tests, setup, teardown);
}
