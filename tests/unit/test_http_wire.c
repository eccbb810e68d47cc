/* test_http_wire.c: what goes over the wire, and odd or hostile replies,
 * through both transports: libcurl (the console, given a host name) and
 * the built-in client (http_plain.c: the console given an address, and
 * one-shot commands). A forked server on a loopback port
 * reads each request, sends a canned reply (at once, or a few bytes at a
 * time), and reports the request's bytes back through a pipe. Both
 * transports must agree on what a reply means; where the wording of an
 * error differs, the table says so. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
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

#include "core/text.h"
#include "datasource/http.h"
#include "http_got.h"
#include "loop/loop.h"

/* ---- the canned server -------------------------------------------------- */

struct canned {
	const char *name;
	const char *reply;        /* sent for any path but /other; NULL: close at once */
	size_t reply_len;         /* 0: strlen(reply) */
	const char *other;        /* sent for /other (redirect targets) */
	int piece;                /* send in pieces of this many bytes (0: at once) */
	bool hold;                /* keep the connection open after the reply */
	size_t max_bytes;         /* the request's cap, 0: default */
	bool want_ok;
	long want_status;
	const char *want_body;    /* when ok */
	const char *want_err;     /* substring, both transports */
	const char *want_err_curl;/* substring over libcurl, when its words differ */
};

struct server {
	pid_t pid;
	int port;
	int req_fd;               /* read end: the requests' bytes */
};

/* Read one request (head, and a Content-Length body) from c into b. */
static size_t read_request(int c, char *b, size_t cap)
{
	size_t n = 0, want = 0;
	char *end;

	while (n < cap - 1) {
		ssize_t r = read(c, b + n, cap - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		b[n] = '\0';
		end = strstr(b, "\r\n\r\n");
		if (!end)
			continue;
		if (!want) {
			char *cl = strcasestr(b, "\r\nContent-Length:");
			want = (size_t)(end + 4 - b) + (cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
		}
		if (n >= want)
			break;
	}
	b[n] = '\0';
	return n;
}

static void serve(int lfd, int req_fd, const struct canned *k)
{
	static char req[1 << 16];
	int c;

	alarm(20); /* never outlive a broken test */
	while ((c = accept(lfd, NULL, NULL)) >= 0) {
		size_t n = read_request(c, req, sizeof req), len, off = 0;
		bool other = strncmp(strchr(req, ' ') ? strchr(req, ' ') + 1 : "", "/other ", 7) == 0;
		const char *r = other ? k->other : k->reply;

		(void)!write(req_fd, req, n);
		(void)!write(req_fd, "\n--\n", 4);
		len = r ? (k->reply_len && !other ? k->reply_len : strlen(r)) : 0;
		while (off < len) {
			size_t step = k->piece > 0 ? (size_t)k->piece : len - off;
			if (step > len - off)
				step = len - off;
			if (write(c, r + off, step) <= 0)
				break;
			off += step;
			if (k->piece > 0)
				usleep(2000);
		}
		if (k->hold)
			sleep(5);
		close(c);
	}
	_exit(0);
}

static void server_start(struct server *s, const struct canned *k)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), p[2];

	assert_true(lfd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 8), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
	assert_int_equal(pipe(p), 0);
	s->port = ntohs(a.sin_port);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		close(p[0]);
		serve(lfd, p[1], k);
	}
	close(lfd);
	close(p[1]);
	s->req_fd = p[0];
}

/* Stop the server; the requests it saw, malloced. */
static char *server_stop(struct server *s)
{
	char *all = NULL;
	size_t n = 0, cap = 0;
	ssize_t r;

	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			all = realloc(all, cap);
			assert_non_null(all);
		}
		r = read(s->req_fd, all + n, 4096);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	all[n] = '\0';
	close(s->req_fd);
	return all;
}

/* ---- a request ---------------------------------------------------------- */

/* The ways a request goes; the tests loop over them. The console leaves a
 * host name to libcurl and takes an address itself; a one-shot command
 * takes both itself. */
enum { VIA_CURL, VIA_CONSOLE, VIA_ONE_SHOT, N_VIA };
static const char *const via_name[N_VIA] = {
	"libcurl (the console, a host name)",
	"the built-in client (the console, an address)",
	"the built-in client (one-shot)",
};

/* One request one way; the requests the server saw into *seen. */
static void fetch(int via, const struct canned *k, struct http_req *req,
                  const char *path, struct got *g, char **seen)
{
	struct loop *l = loop_new();
	struct http *h = http_new(l);
	struct server s;
	char url[128];

	if (via == VIA_ONE_SHOT)
		http_one_shot(h);
	server_start(&s, k);
	snprintf(url, sizeof(url), "http://%s:%d%s", via == VIA_CURL ? "localhost" : "127.0.0.1",
	         s.port, path);
	req->url = url;
	if (!req->timeout_ms)
		req->timeout_ms = 3000;
	req->max_bytes = k->max_bytes;
	memset(g, 0, sizeof(*g));
	http_request(h, req, on_done, g);
	http_wait_all(h, l);
	assert_int_equal(g->calls, 1);
	*seen = server_stop(&s);
	http_free(h);
	loop_free(l);
}

/* ---- the table ---------------------------------------------------------- */

#define CL_OK "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n[1,2,3]"
#define CHUNKED "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
#define FF10 "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"

static const struct canned cases[] = {
	{ "Content-Length", CL_OK, 0, NULL, 0, false, 0, true, 200, "[1,2,3]", NULL, NULL },
	{ "Content-Length, a byte at a time", CL_OK, 0, NULL, 1, false, 0, true, 200, "[1,2,3]", NULL, NULL },
	{ "Content-Length, connection held open after the body", CL_OK, 0, NULL, 0, true, 0,
	  true, 200, "[1,2,3]", NULL, NULL },
	{ "chunked with extensions and trailers, a byte at a time",
	  CHUNKED "3;ext=1\r\n[1,\r\n4\r\n2,3]\r\n0\r\nX-Trailer: y\r\n\r\n", 0, NULL, 1, false, 0,
	  true, 200, "[1,2,3]", NULL, NULL },
	{ "chunked, connection held open after the last chunk",
	  CHUNKED "7\r\n[1,2,3]\r\n0\r\n\r\n", 0, NULL, 0, true, 0, true, 200, "[1,2,3]", NULL, NULL },
	{ "HTTP/1.0, the body ends with the connection", "HTTP/1.0 200 OK\r\n\r\n[1]", 0, NULL, 0,
	  false, 0, true, 200, "[1]", NULL, NULL },
	{ "100 Continue before the answer",
	  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]", 0, NULL, 0,
	  false, 0, true, 200, "[]", NULL, NULL },
	{ "204 has no body", "HTTP/1.1 204 No Content\r\n\r\n", 0, NULL, 0, true, 0, true, 204, "",
	  NULL, NULL },
	{ "bare line feeds", "HTTP/1.1 200 OK\nContent-Length: 2\n\n[]", 0, NULL, 0, false, 0,
	  true, 200, "[]", NULL, NULL },
	{ "redirect is followed", "HTTP/1.1 302 Found\r\nLocation: /other\r\nContent-Length: 0\r\n\r\n",
	  0, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n[42]", 0, false, 0, true, 200, "[42]",
	  NULL, NULL },
	{ "nothing at all", NULL, 0, NULL, 0, false, 0, false, 0, NULL, "empty reply from server", NULL },
	{ "not HTTP", "SSH-2.0-OpenSSH_9.2\r\n\r\n", 0, NULL, 0, false, 0, false, 0, NULL,
	  "malformed reply from server", NULL },
	{ "status 999: any three digits are a status", "HTTP/1.1 999 What\r\nContent-Length: 0\r\n\r\n",
	  0, NULL, 0, false, 0, false, 999, NULL, "HTTP 999", NULL },
	{ "status of two digits", "HTTP/1.1 99 What\r\nContent-Length: 0\r\n\r\n", 0, NULL, 0,
	  false, 0, false, 0, NULL, "malformed reply from server", NULL },
	{ "body cut short (Content-Length)", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc", 0,
	  NULL, 0, false, 0, false, 200, NULL, "cut short", NULL },
	{ "body cut short (chunked)", CHUNKED "10\r\nabc", 0, NULL, 0, false, 0, false, 200, NULL,
	  "cut short", NULL },
	{ "chunk size not hex", CHUNKED "zz\r\nabc\r\n0\r\n\r\n", 0, NULL, 0, false, 0, false, 200,
	  NULL, "malformed reply from server", NULL },
	{ "chunk size overflows", CHUNKED "fffffffffffffffffff\r\nabc\r\n0\r\n\r\n", 0, NULL, 0,
	  false, 0, false, 200, NULL, "malformed reply from server", NULL },
	{ "Content-Length over the cap", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n[1]", 0,
	  NULL, 0, true, 100, false, 200, NULL, "response larger than 100 bytes", NULL },
	{ "chunked over the cap", CHUNKED "c8\r\n" /* 200 bytes follow */
	  "[\"0123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789012345678901234567890123456789"
	  "01234567890123456789012345678901234567890123456789012345678\"]\r\n0\r\n\r\n", 0, NULL,
	  0, false, 100, false, 200, NULL, "response larger than 100 bytes", NULL },
	{ "HTTP 500 with escape sequences", "HTTP/1.1 500 Oops\r\nContent-Length: 21\r\n\r\n"
	  "\x1b[31mboom\x1b]0;pwned\x07 x", 0, NULL, 0, false, 0, false, 500, NULL, "HTTP 500: ", NULL },
	/* every byte shows as U+FFFD (3 bytes): the message was cut at ERR_MAX
	 * inside one; now the line is cut whole and ends "…" (found by
	 * tests/fuzz/fuzz_http.c) */
	{ "HTTP 500 whose body is not UTF-8", "HTTP/1.1 500 Oops\r\nContent-Length: 120\r\n\r\n"
	  FF10 FF10 FF10 FF10 FF10 FF10 FF10 FF10 FF10 FF10 FF10 FF10, 0, NULL, 0, false, 0, false,
	  500, NULL, "\xef\xbf\xbd\xe2\x80\xa6", NULL }, /* U+FFFD, then "…" */
	/* RFC 9110 5.5: reject a NUL in the head (the built-in client read the
	 * head as a C string: a NUL in the status line crashed it, one in a
	 * field hid the fields after it; found by tests/fuzz/fuzz_http.c) */
	{ "NUL in the status line", "HTTP/1.1 200 O\0K\r\nContent-Length: 2\r\n\r\n[]", 41, NULL, 0,
	  false, 0, false, 0, NULL, "malformed reply from server", NULL },
	{ "NUL in a field hides none after it",
	  "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\n[]tail", 54, NULL, 0, false, 0,
	  false, 0, NULL, "malformed reply from server", NULL },
};

/* Only for the built-in client: libcurl 7.88 takes a head cut short as
 * a complete reply with an empty body, and of two lengths the last; RFC
 * 9112 6.3 calls both unrecoverable. */
static const struct canned one_shot_cases[] = {
	{ "two different lengths",
	  "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n[1]", 0, NULL, 0, false,
	  0, false, 0, NULL, "malformed reply from server", NULL },

	{ "head cut short", "HTTP/1.1 200 OK\r\nContent-Len", 0, NULL, 0, false, 0, false, 0, NULL,
	  "malformed reply from server", NULL },
};

/* The reply's head alone is 200 KiB: no client keeps it. */
static void test_huge_head(void **state)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nX-Pad: ";
	size_t n = sizeof(head) - 1 + (200 << 10) + 6;
	char *r = malloc(n + 1), *seen;
	struct canned k = { "huge head", NULL, 0, NULL, 0, false, 0, false, 0, NULL,
	                    "malformed reply from server", NULL };
	struct http_req req;
	struct got g;
	int t;

	(void)state;
	assert_non_null(r);
	memcpy(r, head, sizeof(head) - 1);
	memset(r + sizeof(head) - 1, 'a', 200 << 10);
	memcpy(r + n - 6, "\r\n\r\n[]", 7);
	k.reply = r;
	k.reply_len = n;
	for (t = 0; t < N_VIA; t++) {
		memset(&req, 0, sizeof(req));
		fetch(t, &k, &req, "/", &g, &seen);
		assert_false(g.ok);
		if (t != VIA_CURL)
			assert_non_null(strstr(g.err, "malformed reply from server (head larger than 64 KiB)"));
		else
			assert_true(g.err[0] != '\0');
		got_free(&g);
		free(seen);
	}
	free(r);
}

static void test_replies(void **state)
{
	const size_t n_cases = sizeof(cases) / sizeof(cases[0]);
	size_t i;
	int t;

	(void)state;
	for (i = 0; i < n_cases + sizeof(one_shot_cases) / sizeof(one_shot_cases[0]); i++) {
		const struct canned *k = i < n_cases ? &cases[i] : &one_shot_cases[i - n_cases];
		for (t = i < n_cases ? VIA_CURL : VIA_CONSOLE; t < N_VIA; t++) {
			const char *want_err = t == VIA_CURL && k->want_err_curl ? k->want_err_curl
			                                                         : k->want_err;
			struct http_req req;
			struct got g;
			char *seen, *clean;

			memset(&req, 0, sizeof(req));
			fetch(t, k, &req, "/api/v2/alerts?active=true", &g, &seen);
			print_message("%-56s %-46s ok=%d status=%ld err=%s\n", k->name,
			              via_name[t], g.ok, g.status, g.err);
			if (k->want_ok != g.ok || (k->want_status && k->want_status != g.status))
				fail_msg("%s over %s: ok=%d status=%ld err=%s", k->name,
				         via_name[t], g.ok, g.status, g.err);
			if (k->want_ok) {
				assert_int_equal(g.len, strlen(k->want_body));
				assert_memory_equal(g.body, k->want_body, g.len);
			} else if (want_err && !strstr(g.err, want_err)) {
				fail_msg("%s over %s: error \"%s\", want \"%s\"", k->name,
				         via_name[t], g.err, want_err);
			}
			assert_null(strchr(g.err, '\x1b'));
			assert_null(strchr(g.err, '\x07'));
			/* already clean: valid UTF-8, nothing left to escape */
			clean = text_sanitize(g.err, strlen(g.err), 0, 0);
			if (strcmp(clean, g.err) != 0)
				fail_msg("%s: err is not clean text: \"%s\"", k->name, clean);
			free(clean);
			got_free(&g);
			free(seen);
		}
	}
}

/* The request the built-in client sends: method, target, Host, headers
 * (an auth header from the environment too), a POST body with its length.
 * And what tells the transports apart on the wire: libcurl asks for
 * compressed bodies, the built-in client does not. */
static void test_request_bytes(void **state)
{
	const struct canned k = { "ok", CL_OK, 0, NULL, 0, false, 0, true, 200, "[1,2,3]", NULL, NULL };
	struct http_opts o;
	struct http_req req;
	struct got g;
	char *seen, host[64];
	int t;

	(void)state;
	memset(&o, 0, sizeof(o));
	labelset_set(&o.headers, "X-Scope-OrgID", "team-a");
	labelset_set(&o.headers, "X-Empty", "");
	o.bearer_token_env = "PAGETTY_WIRE_TOKEN";
	setenv("PAGETTY_WIRE_TOKEN", "s3cret", 1);
	for (t = 0; t < N_VIA; t++) {
		memset(&req, 0, sizeof(req));
		req.opts = &o;
		fetch(t, &k, &req, "/api/v2/alerts?filter=alertname%3D%22A%22", &g, &seen);
		assert_true(g.ok);
		assert_non_null(g.ctype);
		assert_string_equal(g.ctype, "application/json");
		assert_non_null(strstr(seen, "GET /api/v2/alerts?filter=alertname%3D%22A%22 HTTP/1.1\r\n"));
		assert_non_null(strstr(seen, "\r\nAccept: application/json\r\n"));
		assert_non_null(strstr(seen, "\r\nX-Scope-OrgID: team-a\r\n"));
		assert_non_null(strcasestr(seen, "\r\nX-Empty:"));
		assert_non_null(strstr(seen, "\r\nAuthorization: Bearer s3cret\r\n"));
		assert_non_null(strstr(seen, "\r\nUser-Agent: pagetty\r\n"));
		snprintf(host, sizeof(host), "\r\nHost: %s:", t == VIA_CURL ? "localhost" : "127.0.0.1");
		assert_non_null(strstr(seen, host));
		if (t != VIA_CURL)
			assert_null(strcasestr(seen, "Accept-Encoding"));
		else
			assert_non_null(strcasestr(seen, "Accept-Encoding"));
		got_free(&g);
		free(seen);

		memset(&req, 0, sizeof(req));
		req.method = "POST";
		req.body = "{\"matchers\":[]}";
		fetch(t, &k, &req, "/api/v2/silences", &g, &seen);
		assert_true(g.ok);
		assert_non_null(strstr(seen, "POST /api/v2/silences HTTP/1.1\r\n"));
		assert_non_null(strstr(seen, "\r\nContent-Type: application/json\r\n"));
		assert_non_null(strstr(seen, "\r\nContent-Length: 15\r\n"));
		assert_non_null(strstr(seen, "\r\n\r\n{\"matchers\":[]}"));
		got_free(&g);
		free(seen);

		memset(&req, 0, sizeof(req));
		req.method = "DELETE";
		fetch(t, &k, &req, "/api/v2/silence/abc", &g, &seen);
		assert_true(g.ok);
		assert_non_null(strstr(seen, "DELETE /api/v2/silence/abc HTTP/1.1\r\n"));
		got_free(&g);
		free(seen);
	}
	unsetenv("PAGETTY_WIRE_TOKEN");
	labelset_free(&o.headers);
}

/* A redirect leaves the built-in client for libcurl, which follows it: the
 * server sees the built-in client's request, then libcurl's two. */
static void test_redirect_hands_over(void **state)
{
	const struct canned *k = NULL;
	struct http_req req;
	struct got g;
	char *seen, *second;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].other)
			k = &cases[i];
	}
	assert_non_null(k);
	memset(&req, 0, sizeof(req));
	fetch(VIA_ONE_SHOT, k, &req, "/", &g, &seen);
	assert_true(g.ok);
	assert_int_equal(g.attempts, 1);
	second = strstr(seen, "\n--\n");
	assert_non_null(second);
	*second++ = '\0';
	assert_null(strcasestr(seen, "Accept-Encoding")); /* first: the built-in client */
	assert_non_null(strcasestr(second, "Accept-Encoding")); /* then libcurl */
	assert_non_null(strstr(second, "GET /other HTTP/1.1"));
	got_free(&g);
	free(seen);
}

/* A proxy in the environment: the one-shot leaves the request to libcurl,
 * which sends it to the proxy (here the canned server) in absolute form. */
static void test_proxy_env(void **state)
{
	const struct canned k = { "ok", CL_OK, 0, NULL, 0, false, 0, true, 200, "[1,2,3]", NULL, NULL };
	struct loop *l = loop_new();
	struct http *h = http_new(l);
	struct http_req req;
	struct server s;
	struct got g;
	char proxy[64], *seen;

	(void)state;
	http_one_shot(h);
	server_start(&s, &k);
	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", s.port);
	setenv("http_proxy", proxy, 1);
	memset(&req, 0, sizeof(req));
	req.url = "http://alertmanager.invalid:9093/api/v2/status";
	req.timeout_ms = 3000;
	memset(&g, 0, sizeof(g));
	http_request(h, &req, on_done, &g);
	http_wait_all(h, l);
	unsetenv("http_proxy");
	seen = server_stop(&s);
	assert_true(g.ok);
	assert_non_null(strstr(seen, "GET http://alertmanager.invalid:9093/api/v2/status HTTP/1.1"));
	got_free(&g);
	free(seen);
	http_free(h);
	loop_free(l);
}

/* URLs the built-in client leaves to libcurl, and a host that does not
 * resolve (the console: libcurl; a one-shot: the built-in client), word
 * for word alike. */
static void test_urls(void **state)
{
	static const struct {
		const char *url;
		const char *want;
	} urls[] = {
		{ "http://no-such-host.invalid/api/v2/status", "could not resolve host" },
		{ "http://127.0.0.1:99999/", "malformed URL" },
		{ "http://a b/", "malformed URL" },
	};
	size_t i;
	int t;

	(void)state;
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		for (t = VIA_CONSOLE; t < N_VIA; t++) {
			struct loop *l = loop_new();
			struct http *h = http_new(l);
			struct http_req req = { .url = urls[i].url, .timeout_ms = 5000 };
			struct got g = {0};

			if (t == VIA_ONE_SHOT)
				http_one_shot(h);
			http_request(h, &req, on_done, &g);
			http_wait_all(h, l);
			assert_int_equal(g.calls, 1);
			assert_false(g.ok);
			if (!strstr(g.err, urls[i].want))
				fail_msg("%s (%s): \"%s\", want \"%s\"", urls[i].url,
				         t == VIA_ONE_SHOT ? "one-shot" : "console", g.err, urls[i].want);
			got_free(&g);
			http_free(h);
			loop_free(l);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_huge_head),
		cmocka_unit_test(test_request_bytes),
		cmocka_unit_test(test_redirect_hands_over),
		cmocka_unit_test(test_proxy_env),
		cmocka_unit_test(test_urls),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("http_wire", tests, NULL, NULL);
}
