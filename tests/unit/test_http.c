/* test_http.c: the HTTP client against real endpoints, each test three
 * ways: the console naming its host (libcurl), the console with an
 * address and a one-shot command (both the built-in client): a real
 * prometheus-alertmanager on a free loopback port, a refused port, a
 * listening socket that never answers (timeouts), a forked one-shot
 * server sending a 5 MB body. Plus the circuit breaker's state machine as a table, auth
 * header resolution and the body hash. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "am_server.h"
#include "datasource/http.h"
#include "http_got.h"
#include "loop/loop.h"

/* ---- breaker: pure state machine --------------------------------------- */

enum bop { ALLOW, OK, FAIL };

struct bstep {
	enum bop op;
	int64_t now;
	bool allow;               /* expected for ALLOW */
	enum breaker_state want;  /* state after the step */
	int64_t cooldown;         /* expected cooldown after the step, 0: skip */
};

static void test_breaker_table(void **state)
{
	static const struct {
		const char *name;
		struct bstep steps[12];
		int n;
	} cases[] = {
		{ "opens after threshold and stays open through cooldown", {
			{ ALLOW, 0, true, BREAKER_CLOSED, 0 },
			{ FAIL, 0, 0, BREAKER_CLOSED, 0 },
			{ FAIL, 10, 0, BREAKER_CLOSED, 0 },
			{ FAIL, 20, 0, BREAKER_OPEN, 2000 },
			{ ALLOW, 30, false, BREAKER_OPEN, 0 },
			{ ALLOW, 2019, false, BREAKER_OPEN, 0 },
		}, 6 },
		{ "half-open lets exactly one probe; success closes", {
			{ FAIL, 0, 0, BREAKER_CLOSED, 0 },
			{ FAIL, 0, 0, BREAKER_CLOSED, 0 },
			{ FAIL, 0, 0, BREAKER_OPEN, 0 },
			{ ALLOW, 2000, true, BREAKER_HALF_OPEN, 0 },
			{ ALLOW, 2001, false, BREAKER_HALF_OPEN, 0 },
			{ OK, 2100, 0, BREAKER_CLOSED, 2000 },
			{ ALLOW, 2101, true, BREAKER_CLOSED, 0 },
		}, 7 },
		{ "failed probe reopens with doubled cooldown, capped", {
			{ FAIL, 0, 0, BREAKER_CLOSED, 0 },
			{ FAIL, 0, 0, BREAKER_CLOSED, 0 },
			{ FAIL, 0, 0, BREAKER_OPEN, 2000 },
			{ ALLOW, 2000, true, BREAKER_HALF_OPEN, 0 },
			{ FAIL, 2000, 0, BREAKER_OPEN, 4000 },
			{ ALLOW, 5999, false, BREAKER_OPEN, 0 },
			{ ALLOW, 6000, true, BREAKER_HALF_OPEN, 0 },
			{ FAIL, 6000, 0, BREAKER_OPEN, 8000 },
		}, 8 },
		{ "a success resets the failure count", {
			{ FAIL, 0, 0, BREAKER_CLOSED, 0 },
			{ FAIL, 0, 0, BREAKER_CLOSED, 0 },
			{ OK, 0, 0, BREAKER_CLOSED, 0 },
			{ FAIL, 0, 0, BREAKER_CLOSED, 0 },
			{ FAIL, 0, 0, BREAKER_CLOSED, 0 },
			{ FAIL, 0, 0, BREAKER_OPEN, 0 },
		}, 6 },
	};
	size_t c;
	int i;

	(void)state;
	for (c = 0; c < ARRAY_LEN(cases); c++) {
		struct http_breaker b;
		http_breaker_init(&b);
		for (i = 0; i < cases[c].n; i++) {
			const struct bstep *s = &cases[c].steps[i];
			if (s->op == ALLOW) {
				if (http_breaker_allow(&b, s->now) != s->allow)
					fail_msg("%s: step %d: allow", cases[c].name, i);
			} else {
				http_breaker_result(&b, s->op == OK, s->now);
			}
			if (b.state != s->want)
				fail_msg("%s: step %d: state %d, want %d", cases[c].name, i,
				         b.state, s->want);
			if (s->cooldown && b.cooldown_ms != s->cooldown)
				fail_msg("%s: step %d: cooldown %lld", cases[c].name, i,
				         (long long)b.cooldown_ms);
		}
	}
}

static void test_breaker_cap(void **state)
{
	struct http_breaker b;
	int64_t now = 0;
	int i;

	(void)state;
	http_breaker_init(&b);
	b.threshold = 1;
	http_breaker_result(&b, false, now);
	for (i = 0; i < 10; i++) {
		now += b.cooldown_ms;
		assert_true(http_breaker_allow(&b, now));
		http_breaker_result(&b, false, now);
	}
	assert_int_equal(b.cooldown_ms, 60000);
	/* closing restores the base cooldown */
	now += b.cooldown_ms;
	assert_true(http_breaker_allow(&b, now));
	http_breaker_result(&b, true, now);
	assert_int_equal(b.cooldown_ms, 2000);
	assert_int_equal(b.state, BREAKER_CLOSED);
}

/* ---- auth --------------------------------------------------------------- */

static void test_auth_header(void **state)
{
	struct http_opts o;
	char err[ERR_MAX], path[] = "/tmp/pagetty-tok-XXXXXX";
	char *v;
	int fd;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_null(http_auth_header(&o, err));
	assert_string_equal(err, "");

	o.bearer_token_env = "PAGETTY_TEST_TOKEN";
	setenv("PAGETTY_TEST_TOKEN", "  s3cret-tok\n", 1);
	v = http_auth_header(&o, err);
	assert_non_null(v);
	assert_string_equal(v, "Bearer s3cret-tok");
	free(v);

	unsetenv("PAGETTY_TEST_TOKEN");
	assert_null(http_auth_header(&o, err));
	assert_non_null(strstr(err, "PAGETTY_TEST_TOKEN"));

	setenv("PAGETTY_TEST_TOKEN", "a\nb", 1);
	assert_null(http_auth_header(&o, err));
	assert_null(strstr(err, "a\nb"));
	unsetenv("PAGETTY_TEST_TOKEN");

	o.bearer_token_env = NULL;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "filetok\n", 8), 8);
	close(fd);
	o.bearer_token_file = path;
	v = http_auth_header(&o, err);
	assert_string_equal(v, "Bearer filetok");
	free(v);
	unlink(path);
	assert_null(http_auth_header(&o, err));
	assert_true(err[0] != '\0');
	assert_null(strstr(err, "filetok"));

	o.bearer_token_file = NULL;
	o.basic_username = "user";
	o.basic_password_env = "PAGETTY_TEST_PW";
	setenv("PAGETTY_TEST_PW", "pass", 1);
	v = http_auth_header(&o, err);
	assert_string_equal(v, "Basic dXNlcjpwYXNz");
	free(v);
	unsetenv("PAGETTY_TEST_PW");
}

/* ---- requests against real endpoints ------------------------------------ */

struct fixture {
	struct loop *loop;
	struct http *http;
	struct am_server am;
	int listen_fd;
	const char *host;  /* in the URLs: "127.0.0.1", or "localhost" for libcurl */
	struct got g;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->loop = loop_new();
	f->http = http_new(f->loop);
	f->listen_fd = -1;
	f->host = "127.0.0.1";
	if (am_prepare(&f->am) < 0) {
		am_destroy(&f->am);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* The same, as a one-shot command has it: plain http goes over the
 * built-in client (http_plain.c), never libcurl. */
static int setup_one_shot(void **state)
{
	if (setup(state) < 0)
		return -1;
	http_one_shot(((struct fixture *)*state)->http);
	return 0;
}

/* The console naming its hosts: "localhost" is a name, which the console
 * leaves to libcurl (its resolver does not block the loop); the built-in
 * client takes only addresses there. */
static int setup_names(void **state)
{
	struct fixture *f;
	char *at;

	if (setup(state) < 0)
		return -1;
	f = *state;
	f->host = "localhost";
	at = strstr(f->am.url, "127.0.0.1");
	if (at) {
		char rest[64];
		snprintf(rest, sizeof(rest), "%s", at + strlen("127.0.0.1"));
		snprintf(at, sizeof(f->am.url) - (size_t)(at - f->am.url), "localhost%s", rest);
	}
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	http_free(f->http);
	loop_free(f->loop);
	am_destroy(&f->am);
	if (f->listen_fd >= 0)
		close(f->listen_fd);
	got_free(&f->g);
	free(f);
	return 0;
}

/* A loopback socket that listens (f->listen_fd, closed by teardown) and
 * the URL of path on it. */
static void listen_loopback(struct fixture *f, char *url, size_t n, const char *path)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	f->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(f->listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(f->listen_fd, 8), 0);
	assert_int_equal(getsockname(f->listen_fd, (struct sockaddr *)&a, &len), 0);
	snprintf(url, n, "http://%s:%d%s", f->host, ntohs(a.sin_port), path);
}

static void run(struct fixture *f, const struct http_req *req)
{
	uint64_t id;

	got_free(&f->g);
	id = http_request(f->http, req, on_done, &f->g);
	(void)id;
	assert_int_equal(f->g.calls, 0); /* never called back synchronously */
	http_wait_all(f->http, f->loop);
	assert_int_equal(f->g.calls, 1);
	assert_int_equal(http_pending(f->http), 0);
}

static void test_refused_and_retries(void **state)
{
	struct fixture *f = *state;
	char url[96];
	struct http_req req = {0};

	snprintf(url, sizeof(url), "http://%s:%d/api/v2/status", f->host, am_free_port());
	req.url = url;
	run(f, &req);
	assert_false(f->g.ok);
	assert_string_equal(f->g.err, "connection refused");
	assert_int_equal(f->g.attempts, 1);

	req.retries = 2;
	req.backoff_ms = 40;
	run(f, &req);
	assert_string_equal(f->g.err, "connection refused");
	assert_int_equal(f->g.attempts, 3);
	/* backoff 40 then 80, each at least half: >= 60 ms */
	assert_true(f->g.elapsed >= 60);
}

static void test_bad_scheme(void **state)
{
	struct fixture *f = *state;
	struct http_req req = { .url = "file:///etc/passwd" };

	run(f, &req);
	assert_false(f->g.ok);
	assert_non_null(strstr(f->g.err, "only http and https"));
	assert_int_equal(f->g.attempts, 0);
}

static void test_timeout(void **state)
{
	struct fixture *f = *state;
	char url[96];
	struct http_req req = {0};

	/* a socket that listens but never answers: the kernel completes the
	 * handshake, the request then waits for a reply that never comes */
	listen_loopback(f, url, sizeof url, "/");
	req.url = url;
	req.timeout_ms = 300;
	run(f, &req);
	assert_false(f->g.ok);
	assert_string_equal(f->g.err, "timed out after 300ms");
	assert_int_equal(f->g.status, 0);
	assert_int_equal(f->g.attempts, 1);
	/* the timeout was waited out, not cut short */
	assert_true(f->g.elapsed >= 290);
}

/* The body hash: the same bytes however they are split give one hash,
 * other bytes (or lengths) another. */
static void test_body_hash(void **state)
{
	char a[300], b[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof a; i++)
		a[i] = (char)(i * 7 + 3);
	memcpy(b, a, sizeof b);
	assert_true(http_body_hash(a, sizeof a) == http_body_hash(b, sizeof b));
	b[299] ^= 1;
	assert_false(http_body_hash(a, sizeof a) == http_body_hash(b, sizeof b));
	b[299] ^= 1;
	b[0] ^= 1;
	assert_false(http_body_hash(a, sizeof a) == http_body_hash(b, sizeof b));
	assert_false(http_body_hash(a, 64) == http_body_hash(a, 65));
	assert_false(http_body_hash("", 0) == http_body_hash("\0", 1));
}

/* serve_once FD N: accept one connection on FD, read the request head and
 * answer 200 with an N-byte body of a known pattern, then exit. */
static pid_t serve_once(int fd, size_t n)
{
	pid_t pid = fork();

	if (pid == 0) {
		char req[4096], head[128];
		int c = accept(fd, NULL, NULL);
		size_t off = 0, i;
		char *body = malloc(n);

		if (c < 0 || !body)
			_exit(1);
		(void)!read(c, req, sizeof req);
		for (i = 0; i < n; i++)
			body[i] = (char)('a' + (i * 31 + i / 4099) % 26);
		snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
		         "Connection: close\r\n\r\n", n);
		(void)!write(c, head, strlen(head));
		while (off < n) {
			ssize_t w = write(c, body + off, n - off);
			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		close(c);
		_exit(0);
	}
	return pid;
}

/* A body of a thousand receive buffers (http.c keeps libcurl's small so
 * one loop callback copies little) arrives whole, in order, with the hash
 * taken as it arrived. */
static void test_big_body(void **state)
{
	struct fixture *f = *state;
	char url[96];
	struct http_req req = {0};
	const size_t n = (size_t)5 << 20;
	size_t i, bad = 0;
	pid_t pid;
	int st;

	listen_loopback(f, url, sizeof url, "/big");
	pid = serve_once(f->listen_fd, n);
	assert_true(pid > 0);
	req.url = url;
	req.timeout_ms = 60000;
	run(f, &req);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(f->g.ok);
	assert_int_equal(f->g.len, n);
	for (i = 0; i < n; i++)
		bad += f->g.body[i] != (char)('a' + (i * 31 + i / 4099) % 26);
	assert_int_equal(bad, 0);
	assert_true(f->g.hash == http_body_hash(f->g.body, n));
}

static void test_real_alertmanager(void **state)
{
	struct fixture *f = *state;
	char url[128];
	struct http_req req = {0};

	assert_int_equal(am_start(&f->am, NULL), 0);

	/* GET ok */
	snprintf(url, sizeof(url), "%s/api/v2/status", f->am.url);
	req.url = url;
	run(f, &req);
	assert_true(f->g.ok);
	assert_int_equal(f->g.status, 200);
	assert_non_null(strstr(f->g.body, "versionInfo"));
	assert_true(f->g.hash == http_body_hash(f->g.body, f->g.len));
	assert_non_null(f->g.ctype);
	assert_non_null(strstr(f->g.ctype, "application/json"));

	/* extra headers and a bearer token from the env */
	{
		struct http_opts o;
		memset(&o, 0, sizeof(o));
		labelset_set(&o.headers, "X-Scope-OrgID", "team-a");
		o.bearer_token_env = "PAGETTY_TEST_TOKEN";
		setenv("PAGETTY_TEST_TOKEN", "tok", 1);
		req.opts = &o;
		run(f, &req);
		assert_true(f->g.ok);
		/* a header value with a line break would inject headers: refused */
		labelset_set(&o.headers, "X-Evil", "a\r\nX-Injected: 1");
		run(f, &req);
		assert_false(f->g.ok);
		assert_int_equal(f->g.attempts, 0);
		assert_non_null(strstr(f->g.err, "X-Evil"));
		/* a missing token fails the request without sending it */
		labelset_free(&o.headers);
		unsetenv("PAGETTY_TEST_TOKEN");
		run(f, &req);
		assert_false(f->g.ok);
		assert_int_equal(f->g.attempts, 0);
		assert_non_null(strstr(f->g.err, "PAGETTY_TEST_TOKEN"));
		req.opts = NULL;
	}

	/* size cap */
	req.max_bytes = 100;
	run(f, &req);
	assert_false(f->g.ok);
	assert_string_equal(f->g.err, "response larger than 100 bytes");
	req.max_bytes = 0;

	/* POST a body, then read it back */
	snprintf(url, sizeof(url), "%s/api/v2/alerts", f->am.url);
	req.method = "POST";
	req.body = "[{\"labels\":{\"alertname\":\"HttpTest\",\"severity\":\"page\"}}]";
	run(f, &req);
	assert_true(f->g.ok);
	assert_int_equal(f->g.status, 200);
	req.method = NULL;
	req.body = NULL;
	run(f, &req);
	assert_true(f->g.ok);
	assert_non_null(strstr(f->g.body, "HttpTest"));

	/* 4xx: not retried, message names status and body */
	snprintf(url, sizeof(url), "%s/api/v2/silences", f->am.url);
	req.method = "POST";
	req.body = "{\"bogus\": true}";
	req.retries = 2;
	req.backoff_ms = 10;
	run(f, &req);
	assert_false(f->g.ok);
	assert_true(f->g.status >= 400 && f->g.status < 500);
	assert_int_equal(f->g.attempts, 1);
	snprintf(url, sizeof(url), "HTTP %ld: ", f->g.status);
	assert_true(str_has_prefix(f->g.err, url));
	assert_true(strlen(f->g.err) > strlen(url));
	assert_null(strchr(f->g.err, '\n'));

	/* 5xx: retried (expiring an unknown silence is a 500 here) */
	snprintf(url, sizeof(url), "%s/api/v2/silence/00000000-0000-0000-0000-000000000000",
	         f->am.url);
	req.method = "DELETE";
	req.body = NULL;
	run(f, &req);
	assert_false(f->g.ok);
	assert_int_equal(f->g.status, 500);
	assert_int_equal(f->g.attempts, 3);
	assert_string_equal(f->g.err, "HTTP 500: \"silence not found\"");
}

/* The breaker opens after failures against a dead port and closes once an
 * Alertmanager listens there. */
static void test_breaker_real(void **state)
{
	struct fixture *f = *state;
	struct http_breaker b;
	char url[128];
	struct http_req req = {0};

	http_breaker_init(&b);
	b.threshold = 2;
	b.cooldown_ms = b.cooldown_base_ms = 300;
	snprintf(url, sizeof(url), "%s/api/v2/status", f->am.url);
	req.url = url;
	req.breaker = &b;
	req.connect_timeout_ms = 1000;

	run(f, &req);
	assert_string_equal(f->g.err, "connection refused");
	assert_int_equal(b.state, BREAKER_CLOSED);
	run(f, &req);
	assert_string_equal(f->g.err, "connection refused");
	assert_int_equal(b.state, BREAKER_OPEN);
	/* open: fails at once without trying */
	run(f, &req);
	assert_string_equal(f->g.err, "circuit open (retry in 1s)");
	assert_true(f->g.breaker_open);
	assert_int_equal(f->g.attempts, 0);
	assert_int_equal(f->g.status, 0);

	/* the probe fails: reopened with a doubled cooldown */
	usleep(310 * 1000);
	run(f, &req);
	assert_string_equal(f->g.err, "connection refused");
	assert_false(f->g.breaker_open);
	assert_int_equal(b.state, BREAKER_OPEN);
	assert_int_equal(b.cooldown_ms, 600);

	/* the peer comes back; after the cooldown the probe closes it */
	assert_int_equal(am_start(&f->am, NULL), 0);
	run(f, &req);
	assert_non_null(strstr(f->g.err, "circuit open"));
	usleep(610 * 1000);
	run(f, &req);
	assert_true(f->g.ok);
	assert_int_equal(b.state, BREAKER_CLOSED);
	assert_int_equal(b.cooldown_ms, 300);
}

static void on_never(struct http_result *res, void *data)
{
	(void)res;
	(void)data;
	fail_msg("done called for a cancelled request");
}

static void test_cancel_and_free(void **state)
{
	struct fixture *f = *state;
	char url[128];
	struct http_req req = {0};
	uint64_t id;

	snprintf(url, sizeof(url), "http://%s:%d/", f->host, am_free_port());
	req.url = url;
	req.retries = 3;
	id = http_request(f->http, &req, on_never, NULL);
	assert_true(id > 0);
	assert_int_equal(http_pending(f->http), 1);
	http_cancel(f->http, id);
	assert_int_equal(http_pending(f->http), 0);
	loop_run_once(f->loop, 50);

	/* pending at http_free: freed without callbacks (valgrind checks leaks) */
	http_request(f->http, &req, on_never, NULL);
	req.url = "gopher://x/";
	http_request(f->http, &req, on_never, NULL);
	assert_int_equal(http_pending(f->http), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_breaker_table),
		cmocka_unit_test(test_breaker_cap),
		cmocka_unit_test(test_auth_header),
		cmocka_unit_test(test_body_hash),
#define ALL3(t) { #t " (libcurl)", t, setup_names, teardown, NULL }, \
	{ #t " (console)", t, setup, teardown, NULL }, \
	{ #t " (one-shot)", t, setup_one_shot, teardown, NULL }
		ALL3(test_big_body),
		ALL3(test_refused_and_retries),
		ALL3(test_bad_scheme),
		ALL3(test_timeout),
		ALL3(test_real_alertmanager),
		ALL3(test_breaker_real),
		ALL3(test_cancel_and_free),
#undef ALL3
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
