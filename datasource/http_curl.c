/* http_curl.c: an attempt over libcurl's multi interface, driven by the
 * loop. curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION ->
 * loop_add_fd/loop_del_fd) and when to wake (CURLMOPT_TIMERFUNCTION -> one
 * loop timer); the loop hands readiness back through
 * curl_multi_socket_action, and finished transfers are collected with
 * curl_multi_info_read. Each attempt is an easy handle whose
 * CURLINFO_PRIVATE is its struct http_call.
 *
 * libcurl is not linked: it is dlopen()ed by the first request that needs
 * it (http_curl_api), because loading it pulls in ~30 libraries (OpenSSL,
 * GnuTLS, Kerberos, LDAP, ...) whose relocation and constructors cost a
 * one-shot command more CPU than the work it came for. The console and
 * anything https, proxied or redirected pay that once, as before. */
#include "http_int.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"

#define HTTP_CURL_SONAME "libcurl.so.4"

/* The libcurl functions pagetty calls, looked up once. */
struct http_curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *e, CURLoption opt, ...);
	CURLcode (*easy_getinfo)(CURL *e, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *e);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_setopt)(CURLM *m, CURLMoption opt, ...);
	CURLMcode (*multi_add_handle)(CURLM *m, CURL *e);
	CURLMcode (*multi_remove_handle)(CURLM *m, CURL *e);
	CURLMcode (*multi_socket_action)(CURLM *m, curl_socket_t s, int ev, int *running);
	CURLMsg *(*multi_info_read)(CURLM *m, int *left);
	CURLMcode (*multi_cleanup)(CURLM *m);
};

static struct http_curl_api cu;   /* filled by http_curl_load */
static bool cu_tried, cu_ok;
static char cu_err[ERR_MAX];      /* why loading failed */

/* Load libcurl once per process. False (cu_err says why) when it cannot
 * be loaded: then every request that needs it fails with that message. */
static bool http_curl_load(void)
{
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
#define SYM(f, m) { "curl_" #f, offsetof(struct http_curl_api, m) }
		SYM(global_init, global_init),
		SYM(easy_init, easy_init),
		SYM(easy_setopt, easy_setopt),
		SYM(easy_getinfo, easy_getinfo),
		SYM(easy_cleanup, easy_cleanup),
		SYM(easy_strerror, easy_strerror),
		SYM(slist_append, slist_append),
		SYM(slist_free_all, slist_free_all),
		SYM(multi_init, multi_init),
		SYM(multi_setopt, multi_setopt),
		SYM(multi_add_handle, multi_add_handle),
		SYM(multi_remove_handle, multi_remove_handle),
		SYM(multi_socket_action, multi_socket_action),
		SYM(multi_info_read, multi_info_read),
		SYM(multi_cleanup, multi_cleanup),
#undef SYM
	};
	void *lib;
	size_t i;

	if (cu_tried)
		return cu_ok;
	cu_tried = true;
	lib = dlopen(HTTP_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *why = dlerror();
		errf(cu_err, "cannot load %s (%.120s)", HTTP_CURL_SONAME, why ? why : "?");
		return false;
	}
	for (i = 0; i < ARRAY_LEN(syms); i++) {
		void *f = dlsym(lib, syms[i].name);
		if (!f) {
			errf(cu_err, "%s has no %s", HTTP_CURL_SONAME, syms[i].name);
			return false; /* the library stays loaded: harmless */
		}
		/* POSIX: a data pointer from dlsym converts to a function pointer */
		memcpy((char *)&cu + syms[i].off, &f, sizeof(f));
	}
	if (cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		errf(cu_err, "libcurl did not initialize");
		return false;
	}
	cu_ok = true;
	return true;
}

/* ---- errors ------------------------------------------------------------- */

/* curl's codes in plain words; detail: append curl's own message. The
 * phrases http_plain.c uses for the same failures are the same. */
static const struct {
	CURLcode code;
	const char *msg;
	bool detail;
} http_errs[] = {
	{ CURLE_COULDNT_RESOLVE_HOST, "could not resolve host", false },
	{ CURLE_COULDNT_RESOLVE_PROXY, "could not resolve proxy", false },
	{ CURLE_PEER_FAILED_VERIFICATION, "TLS: certificate verify failed", true },
	{ CURLE_SSL_CONNECT_ERROR, "TLS: handshake failed", true },
	{ CURLE_SSL_CACERT_BADFILE, "TLS: cannot use the CA file", true },
	{ CURLE_SSL_CERTPROBLEM, "TLS: client certificate problem", true },
	{ CURLE_UNSUPPORTED_PROTOCOL, "unsupported protocol (only http and https)", false },
	{ CURLE_URL_MALFORMAT, "malformed URL", false },
	{ CURLE_GOT_NOTHING, "empty reply from server", false },
	{ CURLE_WEIRD_SERVER_REPLY, "malformed reply from server", false },
	{ CURLE_PARTIAL_FILE, "reply cut short: the server closed the connection", false },
	{ CURLE_TOO_MANY_REDIRECTS, "too many redirects", false },
	{ CURLE_SEND_ERROR, "connection reset while sending", false },
	{ CURLE_RECV_ERROR, "connection reset while receiving", false },
};

/* The error of a failed transfer into c->res.err, sanitized (curl's own
 * message can quote what the server sent, e.g. a certificate subject). */
static void http_transfer_err(struct http_call *c, CURLcode code, long oserr)
{
	char tmp[ERR_MAX];
	size_t i;

	tmp[0] = '\0';
	if (code == CURLE_COULDNT_CONNECT) {
		if (oserr == ECONNREFUSED || strstr(c->errbuf, "refused"))
			errf(tmp, "connection refused");
		else if (oserr)
			errf(tmp, "could not connect: %s", strerror((int)oserr));
		else
			errf(tmp, "could not connect");
	} else if (code == CURLE_OPERATION_TIMEDOUT) {
		http_err_timeout(c, strstr(c->errbuf, "onnect") != NULL);
		return;
	} else if (code == CURLE_UNSUPPORTED_PROTOCOL && c->errbuf[0] &&
	           strstr(c->errbuf, "Protocol") == NULL) {
		/* the reply was not HTTP/1.x ("Received HTTP/0.9 when not
		 * allowed", "Unsupported response code in HTTP response"), not a URL
		 * scheme the user asked for ("Protocol \"x\" not supported") */
		errf(tmp, "malformed reply from server");
	} else if (code == CURLE_RECV_ERROR && strstr(c->errbuf, "chunk")) {
		errf(tmp, "malformed reply from server (bad chunk)"); /* as http_plain.c */
	} else if (c->too_big || code == CURLE_FILESIZE_EXCEEDED) {
		http_err_too_big(c);
		return;
	} else {
		for (i = 0; i < ARRAY_LEN(http_errs) && !tmp[0]; i++) {
			if (http_errs[i].code != code)
				continue;
			if (http_errs[i].detail && c->errbuf[0])
				errf(tmp, "%s (%.160s)", http_errs[i].msg, c->errbuf);
			else
				errf(tmp, "%s", http_errs[i].msg);
		}
		if (!tmp[0])
			errf(tmp, "%s", cu.easy_strerror(code));
	}
	http_set_err(c, tmp);
}

/* ---- curl <-> loop ------------------------------------------------------ */

static void http_check_done(struct http *h)
{
	CURLMsg *m;
	int left;

	while ((m = cu.multi_info_read(h->multi, &left))) {
		struct http_call *c;
		CURL *e = m->easy_handle;
		CURLcode code = m->data.result;
		char *p = NULL, *ct = NULL;
		long oserr = 0;

		if (m->msg != CURLMSG_DONE)
			continue;
		cu.easy_getinfo(e, CURLINFO_PRIVATE, &p);
		c = (struct http_call *)p;
		if (!c || !http_is_call(h, c) || c->easy != e) {
			cu.multi_remove_handle(h->multi, e);
			continue;
		}
		c->res.status = 0;
		cu.easy_getinfo(e, CURLINFO_RESPONSE_CODE, &c->res.status);
		cu.easy_getinfo(e, CURLINFO_OS_ERRNO, &oserr);
		cu.easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct);
		free(c->res.content_type);
		c->res.content_type = ct ? xstrdup(ct) : NULL;
		/* m is invalid once the handle is removed: code is saved above */
		http_curl_stop(c);
		c->res.ok = code == CURLE_OK;
		c->res.err[0] = '\0';
		if (code != CURLE_OK)
			http_transfer_err(c, code, oserr);
		http_finish(c);
	}
}

static void http_on_socket_ready(struct loop *l, int fd, int events, void *data)
{
	struct http *h = data;
	int flags = 0, running = 0;

	(void)l;

	if (events & LOOP_READ)
		flags |= CURL_CSELECT_IN;
	if (events & LOOP_WRITE)
		flags |= CURL_CSELECT_OUT;
	cu.multi_socket_action(h->multi, fd, flags, &running);
	http_check_done(h);
}

static void http_on_curl_timer(struct loop *l, void *data)
{
	struct http *h = data;
	int running = 0;

	(void)l;
	h->timer = 0;
	cu.multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check_done(h);
}

static void http_sock_forget(struct http *h, int fd)
{
	size_t i;

	for (i = 0; i < h->n_socks; i++) {
		if (h->socks[i] == fd) {
			h->socks[i] = h->socks[--h->n_socks];
			return;
		}
	}
}

static int http_socket_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct http *h = userp;
	int ev = 0;
	size_t i;

	(void)e;
	(void)socketp;
	if (what == CURL_POLL_REMOVE) {
		loop_del_fd(h->loop, s);
		http_sock_forget(h, s);
		return 0;
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		ev |= LOOP_READ;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		ev |= LOOP_WRITE;
	if (loop_add_fd(h->loop, s, ev, http_on_socket_ready, h) < 0)
		return -1;
	for (i = 0; i < h->n_socks; i++) {
		if (h->socks[i] == s)
			return 0;
	}
	xgrow(&h->socks, &h->cap_socks, h->n_socks + 1, sizeof(*h->socks));
	h->socks[h->n_socks++] = s;
	return 0;
}

static int http_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http *h = userp;

	(void)multi;
	if (h->timer) {
		loop_del_timer(h->loop, h->timer);
		h->timer = 0;
	}
	if (timeout_ms >= 0)
		h->timer = loop_add_timer(h->loop, timeout_ms, http_on_curl_timer, h);
	return 0;
}

static size_t http_write_cb(char *ptr, size_t size, size_t nmemb, void *userp)
{
	struct http_call *c = userp;
	long code = 0;

	cu.easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &code);
	if (!http_call_body(c, code, ptr, size * nmemb))
		return 0; /* CURLE_WRITE_ERROR aborts the transfer */
	return size * nmemb;
}

/* ---- attempts ----------------------------------------------------------- */

/* The multi handle, made with libcurl's first use. */
static bool http_curl_multi(struct http *h)
{
	if (h->multi)
		return true;
	if (!http_curl_load())
		return false;
	h->multi = cu.multi_init();
	if (!h->multi) {
		errf(cu_err, "curl_multi_init failed");
		return false;
	}
	cu.multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb);
	cu.multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	cu.multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	cu.multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return true;
}

static struct curl_slist *http_curl_headers(const struct http_call *c, char err[ERR_MAX])
{
	struct curl_slist *sl = NULL, *n;
	char **lines = http_header_lines(c, err);
	size_t i;

	if (!lines)
		return NULL;
	for (i = 0; lines[i]; i++) {
		n = cu.slist_append(sl, lines[i]);
		if (!n) {
			errf(err, "out of memory building headers");
			cu.slist_free_all(sl);
			sl = NULL;
			break;
		}
		sl = n;
	}
	http_header_lines_free(lines);
	return sl;
}

void http_curl_start(struct http_call *c)
{
	struct http *h = c->h;
	const struct http_opts *o = c->opts;
	char err[ERR_MAX] = "";
	CURL *e;

	if (!http_curl_multi(h)) {
		http_fail_later(c, "%s", cu_err);
		return;
	}
	c->headers = http_curl_headers(c, err);
	if (!c->headers) {
		http_fail_later(c, "%s", err);
		return;
	}
	e = cu.easy_init();
	if (!e) {
		cu.slist_free_all(c->headers);
		c->headers = NULL;
		http_fail_later(c, "could not start a transfer");
		return;
	}
	http_attempt_begin(c);
	c->easy = e;
	c->errbuf[0] = '\0';
	cu.easy_setopt(e, CURLOPT_URL, c->url);
	cu.easy_setopt(e, CURLOPT_PRIVATE, (char *)c);
	cu.easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
	cu.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	cu.easy_setopt(e, CURLOPT_MAXREDIRS, 3L);
	cu.easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms);
	cu.easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	cu.easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	cu.easy_setopt(e, CURLOPT_BUFFERSIZE, h->recv_buffer);
	cu.easy_setopt(e, CURLOPT_WRITEDATA, c);
	cu.easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_bytes);
	cu.easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	cu.easy_setopt(e, CURLOPT_USERAGENT, "pagetty");
	cu.easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);
	if (c->body) {
		cu.easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(c->body));
		cu.easy_setopt(e, CURLOPT_POSTFIELDS, c->body);
	}
	if (strcmp(c->method, "GET") != 0 && strcmp(c->method, "POST") != 0)
		cu.easy_setopt(e, CURLOPT_CUSTOMREQUEST, c->method);
	else if (strcmp(c->method, "POST") == 0 && !c->body)
		cu.easy_setopt(e, CURLOPT_POSTFIELDS, "");
	if (o) {
		if (o->ca_file)
			cu.easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
		if (o->cert_file)
			cu.easy_setopt(e, CURLOPT_SSLCERT, o->cert_file);
		if (o->key_file)
			cu.easy_setopt(e, CURLOPT_SSLKEY, o->key_file);
		if (o->insecure_skip_verify) {
			cu.easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
			cu.easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
		}
	}
	if (cu.multi_add_handle(h->multi, e) != CURLM_OK) {
		http_curl_stop(c);
		http_fail_later(c, "could not start a transfer");
	}
}

void http_curl_stop(struct http_call *c)
{
	if (c->easy) {
		cu.multi_remove_handle(c->h->multi, c->easy);
		cu.easy_cleanup(c->easy);
		c->easy = NULL;
	}
	if (c->headers) {
		cu.slist_free_all(c->headers);
		c->headers = NULL;
	}
}

void http_curl_free(struct http *h)
{
	size_t i;

	if (h->multi)
		cu.multi_cleanup(h->multi);
	h->multi = NULL;
	for (i = 0; i < h->n_socks; i++)
		loop_del_fd(h->loop, h->socks[i]);
	h->n_socks = 0;
	if (h->timer)
		loop_del_timer(h->loop, h->timer);
	h->timer = 0;
	free(h->socks);
	h->socks = NULL;
}
