/* http_plain.c: pagetty's own HTTP/1.1 client, for plain http:// with no
 * proxy: one-shot commands use it for every such URL, the console for an
 * address (a host name would need a resolver that may block its loop, so
 * the console leaves names to libcurl). One request per connection ("Connection:
 * close"), driven by the loop like libcurl: a non-blocking connect to each
 * address in turn under the connect timeout, the request written as the
 * socket takes it, the reply read in pieces of up to 64 KiB and parsed as it
 * arrives (status line, headers, then a body framed by Content-Length,
 * chunked transfer coding, or the close), with the total timeout over all
 * of it. Everything the server sends is untrusted: the head is capped at
 * 64 KiB, chunk-size lines at 1 KiB, the body by the request's size cap;
 * anything that is not HTTP/1.x is "malformed reply from server".
 *
 * Why it exists: libcurl pulls in ~30 libraries whose loading cost
 * `pagetty alerts` more CPU than fetching and printing 1000 alerts, and
 * delayed the console's first request; and reading in 64 KiB pieces under
 * a per-wake budget takes a 10k-alert answer in 135 system calls where
 * libcurl, kept to 4 KiB reads for the console's sake, took 2,100. What it
 * does not do goes to libcurl instead (http_plain_wants): https, proxies
 * from the environment, credentials in the URL, and redirects (a 3xx with
 * a Location starts the attempt over with libcurl, which follows it). Name
 * resolution is the system's blocking getaddrinfo, which is why only
 * one-shot commands, with no screen to keep answering, give it names. */
#include "http_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define HP_HEAD_MAX (64 << 10)  /* status line and headers; trailers */
#define HP_LINE_MAX 1024        /* a chunk-size line */
#define HP_READ_SIZE (64 << 10) /* bytes one recv() may take */
/* Bytes read per wake-up before going back to the loop (keys, timers,
 * other calls): h->recv_buffer times this, 256 KiB in the console, 4 MiB
 * in a one-shot. In 64 KiB reads, not the console's 4 KiB: each system
 * call is a trap into the hypervisor on the machines we measure on, and
 * 2,100 reads of a 10k-alert answer were a visible part of its first frame. */
#define HP_READS_PER_WAKE 64

enum hp_state {
	HP_CONNECT,     /* waiting for connect() to finish */
	HP_SEND,        /* writing the request */
	HP_HEAD,        /* the status line and headers */
	HP_BODY,        /* Content-Length bytes, or up to the close */
	HP_CHUNK_SIZE,  /* a chunk-size line */
	HP_CHUNK_DATA,
	HP_CHUNK_END,   /* the line break after a chunk's data */
	HP_TRAILER,     /* trailer fields after the last chunk */
};

enum hp_step { HP_MORE, HP_DONE, HP_FAIL };

struct http_plain {
	int fd;                     /* owned; -1 none */
	struct addrinfo *addrs;     /* owned */
	struct addrinfo *next_addr; /* borrowed from addrs: the next to try */
	int conn_errno;             /* the last connect() failure */
	enum hp_state state;
	struct buf req;             /* owned: the request (wiped: credentials) */
	size_t req_off;
	struct buf head;            /* owned: head, chunk-size line or trailers so far */
	long status;
	bool to_eof;                /* HP_BODY: the body ends with the connection */
	uint64_t left;              /* bytes left of the body or of this chunk */
	bool redirect;              /* a 3xx with a Location: over to libcurl */
	bool got_any;               /* some byte of a reply arrived */
	uint64_t conn_timer;        /* connect timeout, or the deferred failure */
	uint64_t total_timer;
	char *rbuf;                 /* owned: HP_READ_SIZE bytes */
};

/* The parts of an http:// URL the request needs: host and port to
 * connect to, the authority for Host:, the target (path and query). */
struct hp_url {
	char host[256];
	char port[6];
	const char *auth, *target;  /* borrowed from the URL */
	size_t auth_len, target_len;
};

/* Split an http:// URL; false for anything this client leaves to libcurl
 * (user:password@, bad ports, bytes a request line cannot carry), which
 * then says what is wrong with it. */
static bool hp_parse_url(const char *url, struct hp_url *u)
{
	const char *a = url + strlen("http://"), *end, *host, *host_end, *rest, *p;
	size_t n;
	long port = 80;

	for (p = url; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	}
	end = a + strcspn(a, "/?#");
	if (end == a || memchr(a, '@', (size_t)(end - a)))
		return false;
	if (*a == '[') {
		host = a + 1;
		host_end = memchr(a, ']', (size_t)(end - a));
		if (!host_end)
			return false;
		rest = host_end + 1;
	} else {
		host = a;
		host_end = memchr(a, ':', (size_t)(end - a));
		if (!host_end)
			host_end = end;
		rest = host_end;
	}
	n = (size_t)(host_end - host);
	if (n == 0 || n >= sizeof(u->host))
		return false;
	memcpy(u->host, host, n);
	u->host[n] = '\0';
	if (rest < end) {
		if (*rest != ':' || end - rest > 6)
			return false;
		if (end - rest > 1) {
			port = 0;
			for (p = rest + 1; p < end; p++) {
				if (!isdigit((unsigned char)*p))
					return false;
				port = port * 10 + (*p - '0');
			}
		}
	}
	if (port < 1 || port > 65535)
		return false;
	snprintf(u->port, sizeof(u->port), "%ld", port);
	u->auth = a;
	u->auth_len = (size_t)(end - a);
	u->target = end;
	u->target_len = strcspn(end, "#");
	return true;
}

bool http_plain_wants(const struct http_call *c)
{
	/* libcurl's proxy variables for http (it ignores HTTP_PROXY, but a
	 * user who set it meant something: libcurl decides) */
	static const char *const proxy_env[] = { "http_proxy", "HTTP_PROXY",
	                                         "all_proxy", "ALL_PROXY" };
	unsigned char addr[sizeof(struct in6_addr)];
	struct hp_url u;
	size_t i;

	if (c->via_curl || !str_has_prefix(c->url, "http://"))
		return false;
	for (i = 0; i < ARRAY_LEN(proxy_env); i++) {
		const char *v = getenv(proxy_env[i]);
		if (v && *v)
			return false;
	}
	if (!hp_parse_url(c->url, &u))
		return false;
	/* The console only where naming the host cannot block its loop: an
	 * address, not a name (getaddrinfo may wait on DNS for seconds). */
	return c->h->one_shot || inet_pton(AF_INET, u.host, addr) == 1 ||
	       inet_pton(AF_INET6, u.host, addr) == 1;
}

/* ---- ending an attempt -------------------------------------------------- */

void http_plain_stop(struct http_call *c)
{
	struct http_plain *p = c->plain;

	if (!p)
		return;
	if (p->fd >= 0) {
		loop_del_fd(c->h->loop, p->fd);
		close(p->fd);
	}
	if (p->conn_timer)
		loop_del_timer(c->h->loop, p->conn_timer);
	if (p->total_timer)
		loop_del_timer(c->h->loop, p->total_timer);
	if (p->addrs)
		freeaddrinfo(p->addrs);
	if (p->req.data)
		explicit_bzero(p->req.data, p->req.len);
	buf_free(&p->req);
	buf_free(&p->head);
	free(p->rbuf);
	free(p);
	c->plain = NULL;
}

/* The attempt is over (when !ok, c->res.err says why): hand it back to
 * http.c, or to libcurl for a redirect. c may be gone after this. */
static void hp_end(struct http_call *c, bool ok)
{
	bool redirect = c->plain->redirect;

	c->res.status = c->plain->status;
	http_plain_stop(c);
	if (redirect) {
		c->via_curl = true;
		c->attempts--; /* the same attempt, over libcurl */
		http_curl_start(c);
		return;
	}
	c->res.ok = ok;
	if (ok)
		c->res.err[0] = '\0';
	http_finish(c);
}

static void hp_fail(struct http_call *c, const char *msg)
{
	http_set_err(c, msg);
	hp_end(c, false);
}

static void hp_on_deferred_fail(struct loop *l, void *data)
{
	struct http_call *c = data;

	(void)l;
	c->plain->conn_timer = 0;
	hp_end(c, false);
}

/* Fail from the loop, not inline (http_request never calls back
 * synchronously). */
static void hp_fail_soon(struct http_call *c, const char *msg)
{
	struct http_plain *p = c->plain;

	http_set_err(c, msg);
	if (p->conn_timer)
		loop_del_timer(c->h->loop, p->conn_timer);
	p->conn_timer = loop_add_timer(c->h->loop, 0, hp_on_deferred_fail, c);
}

static void hp_on_connect_timeout(struct loop *l, void *data)
{
	struct http_call *c = data;

	(void)l;
	c->plain->conn_timer = 0;
	http_err_timeout(c, true);
	hp_end(c, false);
}

static void hp_on_total_timeout(struct loop *l, void *data)
{
	struct http_call *c = data;

	(void)l;
	c->plain->total_timer = 0;
	http_err_timeout(c, false);
	hp_end(c, false);
}

/* ---- the reply ---------------------------------------------------------- */

/* A field value without the spaces around it. */
static void hp_trim(const char **v, const char **end)
{
	while (*v < *end && (**v == ' ' || **v == '\t'))
		(*v)++;
	while (*end > *v && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r'))
		(*end)--;
}

static bool hp_name_is(const char *name, size_t n, const char *want)
{
	return n == strlen(want) && strncasecmp(name, want, n) == 0;
}

/* Parse the head in p->head (it ends with an empty line). Sets the framing
 * of the body; HP_DONE when there is none, HP_MORE after a 1xx (another
 * head follows) or when a body follows. A NUL anywhere in the head fails
 * it (RFC 9110 5.5): the head is read as a C string, which would end at
 * the NUL and lose the fields after it. */
static enum hp_step hp_parse_head(struct http_call *c)
{
	struct http_plain *p = c->plain;
	const char *s = p->head.data, *line, *eol, *colon, *v, *vend;
	bool has_len = false, chunked = false, other_coding = false, location = false;
	uint64_t len = 0;
	long status;
	int i;

	if (memchr(s, '\0', p->head.len))
		return HP_FAIL;
	if (strncmp(s, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)s[7]) || s[8] != ' ')
		return HP_FAIL;
	for (i = 9, status = 0; i < 12; i++) {
		if (!isdigit((unsigned char)s[i]))
			return HP_FAIL;
		status = status * 10 + (s[i] - '0');
	}
	if (s[12] != ' ' && s[12] != '\r' && s[12] != '\n')
		return HP_FAIL;
	if (status < 100 || status == 101)
		return HP_FAIL; /* 101: nobody asked to switch protocols */
	if (status < 200) {
		buf_reset(&p->head); /* 100 Continue and the like: the real head follows */
		return HP_MORE;
	}
	free(c->res.content_type);
	c->res.content_type = NULL;
	for (line = strchr(s, '\n') + 1; *line && *line != '\r' && *line != '\n'; line = eol + 1) {
		eol = strchr(line, '\n');
		if (!eol)
			break;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (!colon || *line == ' ' || *line == '\t')
			continue; /* not a field, or an obsolete folded line: ignored */
		v = colon + 1;
		vend = eol;
		hp_trim(&v, &vend);
		if (hp_name_is(line, (size_t)(colon - line), "content-length")) {
			uint64_t x = 0;
			const char *q;
			if (v == vend || vend - v > 18)
				return HP_FAIL;
			for (q = v; q < vend; q++) {
				if (!isdigit((unsigned char)*q))
					return HP_FAIL;
				x = x * 10 + (uint64_t)(*q - '0');
			}
			if (has_len && x != len)
				return HP_FAIL; /* two lengths: which body is it? */
			has_len = true;
			len = x;
		} else if (hp_name_is(line, (size_t)(colon - line), "transfer-encoding")) {
			/* chunked must be the last coding; anything else runs to the close */
			chunked = vend - v >= 7 && strncasecmp(vend - 7, "chunked", 7) == 0;
			other_coding = !chunked;
		} else if (hp_name_is(line, (size_t)(colon - line), "content-type")) {
			free(c->res.content_type);
			c->res.content_type = xstrndup(v, (size_t)(vend - v));
		} else if (hp_name_is(line, (size_t)(colon - line), "location")) {
			location = vend > v;
		}
	}
	p->status = status;
	buf_reset(&p->head);
	if (location && (status == 301 || status == 302 || status == 303 ||
	                 status == 307 || status == 308)) {
		p->redirect = true;
		return HP_DONE;
	}
	if (status == 204 || status == 304 || strcmp(c->method, "HEAD") == 0)
		return HP_DONE;
	if (chunked) {
		p->state = HP_CHUNK_SIZE;
	} else if (has_len && !other_coding) {
		if (len > c->max_bytes) {
			http_err_too_big(c);
			return HP_FAIL;
		}
		if (len == 0)
			return HP_DONE;
		p->state = HP_BODY;
		p->left = len;
	} else {
		p->state = HP_BODY;
		p->to_eof = true;
	}
	return HP_MORE;
}

/* Collect bytes into p->head up to and including the end of a line
 * (want_blank: of an empty line, i.e. the end of a head). *used is what
 * was taken; HP_DONE when the end is in p->head, HP_FAIL past max. */
static enum hp_step hp_collect(struct http_plain *p, const char *d, size_t n,
                               bool want_blank, size_t max, size_t *used)
{
	size_t from = p->head.len, i;

	for (i = 0; i < n; i++) {
		if (d[i] != '\n')
			continue;
		if (!want_blank)
			break;
		/* an empty line: "\n\n" or "\n\r\n" around this '\n' */
		if (from + i >= 1) {
			char prev = i >= 1 ? d[i - 1] : p->head.data[from + i - 1];
			char prev2 = i >= 2 ? d[i - 2] : from + i >= 2 ? p->head.data[from + i - 2] : 0;
			if (prev == '\n' || (prev == '\r' && prev2 == '\n'))
				break;
		}
	}
	*used = i < n ? i + 1 : n;
	if (p->head.len + *used > max)
		return HP_FAIL;
	buf_append(&p->head, d, *used);
	return i < n ? HP_DONE : HP_MORE;
}

/* A chunk-size line in p->head: hex digits, then extensions we ignore. */
static bool hp_chunk_size(struct http_plain *p)
{
	const char *s = p->head.data;
	uint64_t x = 0;
	int digits = 0;

	for (; isxdigit((unsigned char)*s); s++) {
		if (++digits > 15)
			return false;
		x = x * 16 + (uint64_t)(isdigit((unsigned char)*s) ? *s - '0'
		                                                  : (tolower((unsigned char)*s) - 'a' + 10));
	}
	if (digits == 0 || (*s != ';' && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n'))
		return false;
	p->left = x;
	return true;
}

/* Feed n reply bytes through the parser. */
static enum hp_step hp_feed(struct http_call *c, const char *d, size_t n)
{
	struct http_plain *p = c->plain;
	enum hp_step r;
	size_t used, k;

	p->got_any = true;
	while (n > 0) {
		switch (p->state) {
		case HP_HEAD:
			r = hp_collect(p, d, n, true, HP_HEAD_MAX, &used);
			if (r == HP_FAIL) {
				http_set_err(c, "malformed reply from server (head larger than 64 KiB)");
				return HP_FAIL;
			}
			if (r == HP_DONE) {
				r = hp_parse_head(c);
				if (r == HP_FAIL && !c->res.err[0])
					http_set_err(c, "malformed reply from server");
				if (r != HP_MORE)
					return r;
			}
			break;
		case HP_BODY:
			used = p->to_eof || p->left > n ? n : (size_t)p->left;
			if (!http_call_body(c, p->status, d, used)) {
				http_err_too_big(c);
				return HP_FAIL;
			}
			if (!p->to_eof && (p->left -= used) == 0)
				return HP_DONE; /* bytes past the length are not the body's */
			break;
		case HP_CHUNK_SIZE:
		case HP_CHUNK_END:
			r = hp_collect(p, d, n, false, HP_LINE_MAX, &used);
			if (r == HP_MORE)
				break;
			if (r == HP_FAIL ||
			    (p->state == HP_CHUNK_SIZE && !hp_chunk_size(p)) ||
			    (p->state == HP_CHUNK_END && strcmp(p->head.data, "\r\n") != 0 &&
			     strcmp(p->head.data, "\n") != 0)) {
				http_set_err(c, "malformed reply from server (bad chunk)");
				return HP_FAIL;
			}
			buf_reset(&p->head);
			if (p->state == HP_CHUNK_END)
				p->state = HP_CHUNK_SIZE;
			else
				p->state = p->left ? HP_CHUNK_DATA : HP_TRAILER;
			if (p->state == HP_TRAILER)
				buf_putc(&p->head, '\n'); /* an empty line right away ends it */
			break;
		case HP_CHUNK_DATA:
			used = p->left > n ? n : (size_t)p->left;
			if (!http_call_body(c, p->status, d, used)) {
				http_err_too_big(c);
				return HP_FAIL;
			}
			if ((p->left -= used) == 0)
				p->state = HP_CHUNK_END;
			break;
		case HP_TRAILER:
			r = hp_collect(p, d, n, true, HP_HEAD_MAX, &used);
			if (r == HP_FAIL) {
				http_set_err(c, "malformed reply from server (trailers larger than 64 KiB)");
				return HP_FAIL;
			}
			if (r == HP_DONE)
				return HP_DONE;
			break;
		default:
			return HP_FAIL;
		}
		k = used;
		d += k;
		n -= k;
	}
	return HP_MORE;
}

/* The server closed the connection. */
static void hp_eof(struct http_call *c)
{
	struct http_plain *p = c->plain;

	if (p->state == HP_BODY && p->to_eof)
		hp_end(c, true);
	else if (p->state == HP_HEAD && !p->got_any)
		hp_fail(c, "empty reply from server");
	else if (p->state == HP_HEAD)
		hp_fail(c, "malformed reply from server (the head was cut short)");
	else
		hp_fail(c, "reply cut short: the server closed the connection");
}

/* ---- the connection ----------------------------------------------------- */

static void hp_on_ready(struct loop *l, int fd, int events, void *data);

/* Connect to the next address; when none is left, fail with the last
 * address's reason. */
static void hp_connect_next(struct http_call *c)
{
	struct http_plain *p = c->plain;
	char msg[ERR_MAX];
	int one = 1;

	while (p->next_addr) {
		struct addrinfo *a = p->next_addr;
		int fd;

		p->next_addr = a->ai_next;
		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		            a->ai_protocol);
		if (fd < 0) {
			p->conn_errno = errno;
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if ((connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) &&
		    loop_add_fd(c->h->loop, fd, LOOP_WRITE, hp_on_ready, c) == 0) {
			p->fd = fd;
			p->state = HP_CONNECT;
			p->conn_timer = loop_add_timer(c->h->loop, c->connect_timeout_ms,
			                               hp_on_connect_timeout, c);
			return;
		}
		p->conn_errno = errno;
		close(fd);
	}
	if (p->conn_errno == ECONNREFUSED)
		errf(msg, "connection refused");
	else if (p->conn_errno)
		errf(msg, "could not connect: %s", strerror(p->conn_errno));
	else
		errf(msg, "could not connect");
	hp_fail_soon(c, msg);
}

/* The socket connected (or did not). */
static void hp_connected(struct http_call *c)
{
	struct http_plain *p = c->plain;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	loop_del_timer(c->h->loop, p->conn_timer);
	p->conn_timer = 0;
	if (err) {
		loop_del_fd(c->h->loop, p->fd);
		close(p->fd);
		p->fd = -1;
		p->conn_errno = err;
		hp_connect_next(c);
		return;
	}
	p->state = HP_SEND;
}

/* Write what the socket takes; on to reading when all is sent. */
static void hp_send(struct http_call *c)
{
	struct http_plain *p = c->plain;
	ssize_t n;

	while (p->req_off < p->req.len) {
		n = send(p->fd, p->req.data + p->req_off, p->req.len - p->req_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			hp_fail(c, "connection reset while sending");
			return;
		}
		p->req_off += (size_t)n;
	}
	explicit_bzero(p->req.data, p->req.len);
	p->state = HP_HEAD;
	loop_add_fd(c->h->loop, p->fd, LOOP_READ, hp_on_ready, c);
}

/* Read what is there, up to the budget of one wake-up, and parse it. */
static void hp_recv(struct http_call *c)
{
	struct http_plain *p = c->plain;
	size_t budget = (size_t)c->h->recv_buffer * HP_READS_PER_WAKE, got = 0;
	enum hp_step r;
	ssize_t n;

	while (got < budget) {
		n = recv(p->fd, p->rbuf, budget - got < HP_READ_SIZE ? budget - got : HP_READ_SIZE, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			hp_fail(c, "connection reset while receiving");
			return;
		}
		if (n == 0) {
			hp_eof(c);
			return;
		}
		got += (size_t)n;
		r = hp_feed(c, p->rbuf, (size_t)n);
		if (r != HP_MORE) {
			hp_end(c, r == HP_DONE);
			return;
		}
	}
}

static void hp_on_ready(struct loop *l, int fd, int events, void *data)
{
	struct http_call *c = data;
	struct http_plain *p = c->plain;

	(void)l;
	(void)fd;
	(void)events;
	if (p->state == HP_CONNECT) {
		hp_connected(c);
		if (!c->plain || c->plain->state != HP_SEND)
			return; /* trying the next address, or failing */
	}
	if (p->state == HP_SEND) {
		hp_send(c);
		return; /* the reply comes with the next readiness */
	}
	hp_recv(c);
}

/* ---- the request -------------------------------------------------------- */

static void hp_build_request(struct http_call *c, const struct hp_url *u, char **lines)
{
	struct buf *b = &c->plain->req;
	size_t i, n;

	buf_printf(b, "%s ", c->method);
	if (u->target_len == 0 || u->target[0] != '/')
		buf_putc(b, '/');
	buf_append(b, u->target, u->target_len);
	buf_printf(b, " HTTP/1.1\r\nHost: %.*s\r\nUser-Agent: pagetty\r\n",
	           (int)u->auth_len, u->auth);
	for (i = 0; lines[i]; i++) {
		n = strlen(lines[i]);
		if (n > 0 && lines[i][n - 1] == ';' && !strchr(lines[i], ':'))
			buf_printf(b, "%.*s:\r\n", (int)(n - 1), lines[i]); /* "Name;": empty value */
		else
			buf_printf(b, "%s\r\n", lines[i]);
	}
	if (c->body || strcmp(c->method, "POST") == 0 || strcmp(c->method, "PUT") == 0)
		buf_printf(b, "Content-Length: %zu\r\n", c->body ? strlen(c->body) : 0);
	buf_puts(b, "Connection: close\r\n\r\n");
	if (c->body)
		buf_puts(b, c->body);
}

void http_plain_start(struct http_call *c)
{
	struct addrinfo hints;
	struct http_plain *p;
	struct hp_url u;
	char err[ERR_MAX] = "";
	char **lines;

	if (!hp_parse_url(c->url, &u)) { /* http_plain_wants said yes */
		http_fail_later(c, "malformed URL");
		return;
	}
	lines = http_header_lines(c, err);
	if (!lines) {
		http_fail_later(c, "%s", err);
		return;
	}
	http_attempt_begin(c);
	p = xcalloc(1, sizeof(*p));
	p->fd = -1;
	c->plain = p;
	hp_build_request(c, &u, lines);
	http_header_lines_free(lines);
	p->rbuf = xmalloc(HP_READ_SIZE);
	p->total_timer = loop_add_timer(c->h->loop, c->timeout_ms, hp_on_total_timeout, c);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	/* the console gives only addresses (http_plain_wants): make sure no
	 * lookup can happen on its loop */
	hints.ai_flags = AI_NUMERICSERV | (c->h->one_shot ? 0 : AI_NUMERICHOST);
	if (getaddrinfo(u.host, u.port, &hints, &p->addrs) != 0 || !p->addrs) {
		p->addrs = NULL;
		hp_fail_soon(c, "could not resolve host");
		return;
	}
	p->next_addr = p->addrs;
	hp_connect_next(c);
}
