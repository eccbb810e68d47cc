/* fuzz_http.c: libFuzzer target for the one-shot commands' built-in
 * HTTP/1.1 client (datasource/http_plain.c), end to end over a real
 * loopback socket: the input is what a server answers. One thread: the
 * harness is the server, inside the client's own loop. Once per process it
 * listens on 127.0.0.1; per input it GETs /api/v2/alerts from there with
 * http_one_shot(), accepts the connection, reads the request, writes the
 * reply (in pieces, letting the client read each one alone), shuts the
 * connection down and waits for the result.
 *
 * Input: byte 0 is the request: bit 0 sets a sink, the rest picks the
 * size cap (64 KiB, or 1..253 bytes so that small inputs hit it); byte 1
 * is the piece size (0: all at once; after 256 pieces the rest goes at
 * once); the remaining bytes are the reply.
 *
 * Properties: done is called exactly once, and never from inside
 * http_request. When ok: the reply starts with "HTTP/1.", the status is
 * 2xx, the body is no longer than the cap and is made of the reply's bytes
 * in order (a subsequence), kept (hash as http_body_hash says) or given to
 * the sink, not both. When not ok: a terminated, non-empty message that is
 * safe terminal text. A reply that cannot redirect (no "location" in it)
 * is judged at the close, never by the timer, and leaves no fd open. A
 * redirect hands over to libcurl (dlopen()ed), whose connections here are
 * closed at once. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "datasource/http.h"
#include "loop/loop.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_PIECES_MAX 256
#define FZ_TIMEOUT_MS 2000

static int fz_lfd = -1;     /* the listener, for the whole process */
static char fz_url[64];

/* The server side of one input. */
struct fz_server {
	int conn;                /* the client's connection, -1 before */
	bool accepted;           /* later connections (libcurl's) are closed */
	bool req_done;           /* the request's head was read, or the client left */
	struct buf req;          /* owned: the request so far */
};

/* What the client reported. */
struct fz_got {
	bool in_request;         /* inside http_request: done must not run */
	int calls;
	struct http_result res;  /* a copy; .body owned (taken), .content_type NULL */
	struct buf sunk;         /* owned: what the sink got */
};

static void fz_listen(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);

	fz_lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fz_lfd < 0 || bind(fz_lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fz_lfd, 64) != 0 || getsockname(fz_lfd, (struct sockaddr *)&a, &len) != 0) {
		perror("fuzz_http: listen on 127.0.0.1");
		abort();
	}
	snprintf(fz_url, sizeof(fz_url), "http://127.0.0.1:%d/api/v2/alerts", ntohs(a.sin_port));
	signal(SIGPIPE, SIG_IGN);
}

/* The lowest FZ_FDS free descriptor numbers: descriptors are handed out
 * lowest first, so one an input leaks takes one of these. (Cheaper than
 * asking after each of the first 64: a system call is dear on a VM.) */
#define FZ_FDS 4
static void fz_free_fds(int fds[FZ_FDS])
{
	int i;

	for (i = 0; i < FZ_FDS; i++)
		fds[i] = fcntl(fz_lfd, F_DUPFD_CLOEXEC, 0);
	for (i = 0; i < FZ_FDS; i++)
		close(fds[i]);
}

/* The request's bytes, until the empty line that ends its head (a GET has
 * no body), or until the client leaves. */
static void fz_on_request(struct loop *l, int fd, int events, void *data)
{
	struct fz_server *s = data;
	char b[4096];
	ssize_t n;

	(void)events;
	while ((n = recv(fd, b, sizeof(b), 0)) > 0) {
		buf_append(&s->req, b, (size_t)n);
		if (memmem(s->req.data, s->req.len, "\r\n\r\n", 4) || s->req.len > 65536) {
			s->req_done = true;
			break;
		}
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		s->req_done = true;
	if (s->req_done)
		loop_del_fd(l, fd);
}

/* A connection to the listener: the first is the client's; any later one
 * is libcurl following a redirect, and is closed at once. */
static void fz_on_listen(struct loop *l, int fd, int events, void *data)
{
	struct fz_server *s = data;
	int c, one = 1;

	(void)events;
	while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (s->accepted) {
			close(c);
			continue;
		}
		s->accepted = true;
		s->conn = c;
		/* no Nagle: a small piece must not wait for the client's ACK */
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		loop_add_fd(l, c, LOOP_READ, fz_on_request, s);
	}
}

/* Write n bytes to the client, running the loop while the socket is full
 * (then the client has bytes to read: the loop does not sleep). False
 * when the client is gone (done, or it closed). */
static bool fz_send(struct loop *l, struct http *h, int fd, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		if (http_pending(h) == 0)
			return false;
		k = send(fd, p, n, MSG_NOSIGNAL);
		if (k > 0) {
			p += k;
			n -= (size_t)k;
		} else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			loop_run_once(l, 1000); /* 1000: only a cap */
		} else if (!(k < 0 && errno == EINTR)) {
			return false;
		}
	}
	return true;
}

static void fz_sink(const char *p, size_t n, void *data)
{
	struct fz_got *g = data;

	if (!p)
		buf_reset(&g->sunk); /* a retry starts the body over */
	else
		buf_append(&g->sunk, p, n);
}

static void fz_done(struct http_result *res, void *data)
{
	struct fz_got *g = data;

	FUZZ_ASSERT(!g->in_request, "done called from inside http_request");
	FUZZ_ASSERT(++g->calls == 1, "done called %d times", g->calls);
	g->res = *res;
	g->res.content_type = NULL; /* not ours */
	res->body = NULL;           /* take it */
}

/* Are the n bytes at b the reply's bytes in order (with gaps)? */
static bool fz_subsequence(const char *b, size_t n, const char *reply, size_t len)
{
	size_t i = 0, j;

	for (j = 0; i < n && j < len; j++) {
		if (reply[j] == b[i])
			i++;
	}
	return i == n;
}

/* Could the reply send the client to libcurl (a Location field)? */
static bool fz_may_redirect(const char *reply, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len && strncasecmp(reply + i, "location", 8) != 0; i++)
		;
	return i + 8 <= len;
}

static void fz_check(const struct fz_got *g, const char *reply, size_t len, size_t cap,
                     bool sink, bool may_redirect)
{
	const struct http_result *r = &g->res;
	const char *body = sink ? g->sunk.data : r->body;
	size_t n = sink ? g->sunk.len : r->len;
	char head[24];

	FUZZ_ASSERT(g->calls == 1, "done called %d times", g->calls);
	FUZZ_ASSERT(r->body && r->body[r->len] == '\0', "body missing or not terminated");
	if (!r->ok) {
		FUZZ_ASSERT(fuzz_err_ok(r->err) && r->err[0], "failed without a message");
		FUZZ_ASSERT(!strchr(r->err, '\x1b'), "ESC in err \"%s\"", fuzz_show(r->err));
		FUZZ_ASSERT_SAFE(r->err, false, "err");
		FUZZ_ASSERT(r->len <= cap, "kept %zu bytes over a cap of %zu", r->len, cap);
		FUZZ_ASSERT(may_redirect || (strncmp(r->err, "timed out", 9) != 0 &&
		                             strncmp(r->err, "connect timed out", 17) != 0),
		            "the close did not end the reply: %s", r->err);
		return;
	}
	snprintf(head, sizeof(head), "%.*s", (int)(len < 16 ? len : 16), reply);
	FUZZ_ASSERT(len >= 7 && memcmp(reply, "HTTP/1.", 7) == 0,
	            "ok for a reply that starts \"%s\"", fuzz_show(head));
	FUZZ_ASSERT(r->status >= 200 && r->status <= 299, "ok with status %ld", r->status);
	/* the body: kept, or given to the sink, never both */
	FUZZ_ASSERT(sink ? r->len == 0 : g->sunk.len == 0, "%zu bytes kept, %zu sunk, sink %d",
	            r->len, g->sunk.len, sink);
	FUZZ_ASSERT(sink || r->hash == http_body_hash(r->body, r->len), "hash is not the body's");
	FUZZ_ASSERT(n <= cap, "body of %zu bytes over a cap of %zu", n, cap);
	FUZZ_ASSERT(fz_subsequence(body, n, reply, len), "the body has bytes the server never sent");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_server s = { .conn = -1 };
	struct fz_got g = {0};
	const char *reply = (const char *)data + (size < 2 ? size : 2);
	size_t len = size < 2 ? 0 : size - 2, piece = size > 1 ? data[1] : 0, off, k, pieces = 0;
	unsigned v = size > 0 ? data[0] >> 1 : 0;
	size_t cap = v < 64 ? (size_t)64 << 10 : (v - 64) * 4 + 1;
	bool sink = size > 0 && (data[0] & 1), may_redirect = fz_may_redirect(reply, len);
	struct http_req req = { .url = fz_url, .connect_timeout_ms = FZ_TIMEOUT_MS,
	                        .timeout_ms = FZ_TIMEOUT_MS, .max_bytes = cap,
	                        .sink = sink ? fz_sink : NULL, .sink_data = &g };
	int fds[FZ_FDS], fds_after[FZ_FDS], c;
	struct loop *l;
	struct http *h;

	if (fz_lfd < 0)
		fz_listen();
	while ((c = accept4(fz_lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(c); /* a connection an earlier input's libcurl left behind */
	fz_free_fds(fds);

	l = loop_new();
	h = http_new(l);
	http_one_shot(h);
	loop_add_fd(l, fz_lfd, LOOP_READ, fz_on_listen, &s);
	g.in_request = true;
	http_request(h, &req, fz_done, &g);
	g.in_request = false;

	/* accept, read the request, then the reply piece by piece: after each
	 * piece the loop runs once, so the client reads it by itself */
	while (http_pending(h) > 0 && !s.req_done)
		loop_run_once(l, 1000);
	if (s.conn >= 0) {
		for (off = 0; off < len; off += k) {
			k = piece && pieces++ < FZ_PIECES_MAX ? piece : len - off;
			if (k > len - off)
				k = len - off;
			if (!fz_send(l, h, s.conn, reply + off, k))
				break;
			loop_run_once(l, 0);
		}
		shutdown(s.conn, SHUT_WR);
	}
	http_wait_all(h, l);
	if (s.conn >= 0) {
		loop_del_fd(l, s.conn);
		close(s.conn);
	}
	loop_del_fd(l, fz_lfd);
	http_free(h);
	loop_free(l);

	fz_check(&g, reply, len, cap, sink, may_redirect);
	fz_free_fds(fds_after);
	FUZZ_ASSERT(may_redirect || memcmp(fds, fds_after, sizeof(fds)) == 0,
	            "an fd was left open: lowest free %d before, %d after", fds[0], fds_after[0]);
	free(g.res.body);
	buf_free(&g.sunk);
	buf_free(&s.req);
	return 0;
}
