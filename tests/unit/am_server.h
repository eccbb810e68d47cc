/* am_server.h: start and stop real prometheus-alertmanager processes for the
 * network unit tests (test_http, test_alertmanager): free loopback ports,
 * temporary storage, HA peers over --cluster.peer, readiness wait, and
 * blocking libcurl helpers to post alerts and read the API from the test
 * side. Header-only (static functions) so each test binary stays one file. */
#ifndef PAGETTY_TEST_AM_SERVER_H
#define PAGETTY_TEST_AM_SERVER_H

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"

#define AM_BIN "/usr/bin/prometheus-alertmanager"

struct am_server {
	pid_t pid;           /* 0 when not running */
	int web_port;
	int cluster_port;
	char dir[64];        /* temp dir, "" when none */
	char url[64];        /* http://127.0.0.1:web_port */
};

/* A loopback port nobody listens on right now (bind port 0, read, close). */
static int am_free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		close(fd);
		return -1;
	}
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Ports and a temp dir; the server is not started. */
static int am_prepare(struct am_server *s)
{
	FILE *f;
	char path[128];

	memset(s, 0, sizeof(*s));
	s->web_port = am_free_port();
	s->cluster_port = am_free_port();
	if (s->web_port <= 0 || s->cluster_port <= 0 || s->web_port == s->cluster_port)
		return -1;
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->web_port);
	strcpy(s->dir, "/tmp/pagetty-am-XXXXXX");
	if (!mkdtemp(s->dir)) {
		s->dir[0] = '\0';
		return -1;
	}
	snprintf(path, sizeof(path), "%s/am.yml", s->dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n", f);
	fclose(f);
	return 0;
}

static size_t am_sink(char *p, size_t sz, size_t n, void *data)
{
	struct buf *b = data;

	if (b)
		buf_append(b, p, sz * n);
	return sz * n;
}

/* Blocking request from the test side. Returns the HTTP status (0 on
 * transport error); *out (may be NULL) gets the malloced body. */
static long am_http(const char *method, const char *url, const char *body, char **out)
{
	CURL *e = curl_easy_init();
	struct curl_slist *hd = NULL;
	struct buf b = {0};
	long status = 0;

	if (!e)
		return 0;
	hd = curl_slist_append(hd, "Content-Type: application/json");
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, am_sink);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	if (body)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	if (curl_easy_perform(e) == CURLE_OK)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hd);
	curl_easy_cleanup(e);
	if (out)
		*out = buf_steal(&b);
	buf_free(&b);
	return status;
}

/* Start s (prepared); peer (may be NULL) is the other member of the HA
 * cluster. Waits until /-/ready answers 200 (at most 15 s). */
static int am_start(struct am_server *s, const struct am_server *peer)
{
	char a_cfg[160], a_st[160], a_web[64], a_cl[64], a_peer[64], a_log[160];
	char ready[96];
	int i;

	snprintf(a_cfg, sizeof(a_cfg), "--config.file=%s/am.yml", s->dir);
	snprintf(a_st, sizeof(a_st), "--storage.path=%s/data", s->dir);
	snprintf(a_web, sizeof(a_web), "--web.listen-address=127.0.0.1:%d", s->web_port);
	snprintf(a_cl, sizeof(a_cl), "--cluster.listen-address=127.0.0.1:%d", s->cluster_port);
	snprintf(a_peer, sizeof(a_peer), "--cluster.peer=127.0.0.1:%d",
	         peer ? peer->cluster_port : 0);
	snprintf(a_log, sizeof(a_log), "%s/log", s->dir);
	s->pid = fork();
	if (s->pid < 0) {
		s->pid = 0;
		return -1;
	}
	if (s->pid == 0) {
		int fd = open(a_log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		char *argv[] = { AM_BIN, a_cfg, a_st, a_web, a_cl,
		                 "--cluster.gossip-interval=50ms",
		                 "--cluster.pushpull-interval=1s",
		                 "--log.level=warn", peer ? a_peer : NULL, NULL };
		execv(AM_BIN, argv);
		_exit(127);
	}
	snprintf(ready, sizeof(ready), "%s/-/ready", s->url);
	for (i = 0; i < 300; i++) {
		int st;
		if (am_http("GET", ready, NULL, NULL) == 200)
			return 0;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			return -1;
		}
		usleep(50 * 1000);
	}
	return -1;
}

/* Kill and reap (SIGTERM, then SIGKILL after 3 s). Safe when not running. */
static void am_stop(struct am_server *s)
{
	int i, st;

	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	for (i = 0; i < 60; i++) {
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			return;
		}
		usleep(50 * 1000);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &st, 0);
	s->pid = 0;
}

/* Stop and remove the temp dir. */
static void am_destroy(struct am_server *s)
{
	char cmd[128];

	am_stop(s);
	if (s->dir[0] && strncmp(s->dir, "/tmp/pagetty-am-", 16) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", s->dir);
	}
	s->dir[0] = '\0';
}

/* POST a JSON array of alerts to s. Returns the HTTP status. */
__attribute__((unused))
static long am_post_alerts(const struct am_server *s, const char *json)
{
	char url[128];

	snprintf(url, sizeof(url), "%s/api/v2/alerts", s->url);
	return am_http("POST", url, json, NULL);
}

#endif
