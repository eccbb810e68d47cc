/* prom_server.h: start and stop a real Prometheus and a real Pushgateway for
 * the network unit tests (test_prometheus), after am_server.h: free loopback
 * ports, temporary storage, PR_SET_PDEATHSIG so nothing outlives the test,
 * readiness waits, and blocking libcurl helpers to push metrics and to query
 * from the test side. Prometheus scrapes the Pushgateway every second,
 * evaluates rule files every second and serves under a route prefix (as
 * Mimir does) when one is given. Header-only (static functions) so each test
 * binary stays one file. */
#ifndef PAGETTY_TEST_PROM_SERVER_H
#define PAGETTY_TEST_PROM_SERVER_H

#include <curl/curl.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
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

#define PROM_BIN "/usr/bin/prometheus"
#define PGW_BIN "/usr/bin/prometheus-pushgateway"

struct prom_server {
	pid_t prom_pid;      /* 0 when not running */
	pid_t pgw_pid;
	int prom_port;
	int pgw_port;
	char dir[64];        /* temp dir, "" when none */
	char url[96];        /* http://127.0.0.1:prom_port */
	char api[160];       /* url + route prefix: where /api/v1 lives */
	char pgw_url[64];    /* http://127.0.0.1:pgw_port */
};

static int ps_free_port(void)
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

static size_t ps_sink(char *p, size_t sz, size_t n, void *data)
{
	struct buf *b = data;

	if (b)
		buf_append(b, p, sz * n);
	return sz * n;
}

/* Blocking request. Returns the HTTP status (0 on transport error); *out
 * (may be NULL) gets the malloced body. body is sent as is (text). */
static long ps_http(const char *method, const char *url, const char *body, char **out)
{
	CURL *e = curl_easy_init();
	struct buf b = {0};
	long status = 0;

	if (!e)
		return 0;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, ps_sink);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	if (body)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	if (curl_easy_perform(e) == CURLE_OK)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(e);
	if (out)
		*out = buf_steal(&b);
	buf_free(&b);
	return status;
}

static pid_t ps_spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid < 0 ? 0 : pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	{
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
	}
	execv(argv[0], argv);
	_exit(127);
}

static int ps_wait_ready(pid_t *pid, const char *url)
{
	int i, st;

	for (i = 0; i < 300; i++) {
		if (ps_http("GET", url, NULL, NULL) == 200)
			return 0;
		if (waitpid(*pid, &st, WNOHANG) == *pid) {
			*pid = 0;
			return -1;
		}
		usleep(50 * 1000);
	}
	return -1;
}

static void ps_kill(pid_t *pid)
{
	int i, st;

	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	for (i = 0; i < 60; i++) {
		if (waitpid(*pid, &st, WNOHANG) == *pid) {
			*pid = 0;
			return;
		}
		usleep(50 * 1000);
	}
	kill(*pid, SIGKILL);
	waitpid(*pid, &st, 0);
	*pid = 0;
}

/* Start a Pushgateway and a Prometheus that scrapes it. prefix ("" or
 * "/prometheus") is the route prefix; rules (NULL or a path, relative to
 * the cwd) is a rule file to evaluate. Waits for both to be ready. */
static int ps_start(struct prom_server *s, const char *prefix, const char *rules)
{
	char cfg[128], a_cfg[160], a_st[160], a_web[64], a_ext[160], a_pw[64], a_pp[160];
	char log1[128], log2[128], ready[256], rules_abs[PATH_MAX];
	FILE *f;

	memset(s, 0, sizeof(*s));
	s->prom_port = ps_free_port();
	s->pgw_port = ps_free_port();
	if (s->prom_port <= 0 || s->pgw_port <= 0 || s->prom_port == s->pgw_port)
		return -1;
	strcpy(s->dir, "/tmp/pagetty-prom-XXXXXX");
	if (!mkdtemp(s->dir)) {
		s->dir[0] = '\0';
		return -1;
	}
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->prom_port);
	snprintf(s->api, sizeof(s->api), "%s%s", s->url, prefix);
	snprintf(s->pgw_url, sizeof(s->pgw_url), "http://127.0.0.1:%d", s->pgw_port);
	snprintf(cfg, sizeof(cfg), "%s/prometheus.yml", s->dir);
	f = fopen(cfg, "w");
	if (!f)
		return -1;
	fprintf(f, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
	           "scrape_configs:\n  - job_name: pushgateway\n    honor_labels: true\n"
	           "    static_configs:\n      - targets: ['127.0.0.1:%d']\n", s->pgw_port);
	if (rules && realpath(rules, rules_abs))
		fprintf(f, "rule_files: ['%s']\n", rules_abs);
	fclose(f);

	snprintf(a_pw, sizeof(a_pw), "--web.listen-address=127.0.0.1:%d", s->pgw_port);
	snprintf(a_pp, sizeof(a_pp), "--persistence.file=%s/pgw.db", s->dir);
	snprintf(log1, sizeof(log1), "%s/pgw.log", s->dir);
	{
		char *argv[] = { PGW_BIN, a_pw, a_pp, "--log.level=warn", NULL };
		s->pgw_pid = ps_spawn(argv, log1);
	}
	snprintf(a_cfg, sizeof(a_cfg), "--config.file=%s", cfg);
	snprintf(a_st, sizeof(a_st), "--storage.tsdb.path=%s/data", s->dir);
	snprintf(a_web, sizeof(a_web), "--web.listen-address=127.0.0.1:%d", s->prom_port);
	snprintf(a_ext, sizeof(a_ext), "--web.external-url=%s%s/", s->url, prefix);
	snprintf(log2, sizeof(log2), "%s/prom.log", s->dir);
	{
		char *argv[] = { PROM_BIN, a_cfg, a_st, a_web, a_ext, "--log.level=warn", NULL };
		s->prom_pid = ps_spawn(argv, log2);
	}
	if (!s->pgw_pid || !s->prom_pid)
		return -1;
	snprintf(ready, sizeof(ready), "%s/-/ready", s->pgw_url);
	if (ps_wait_ready(&s->pgw_pid, ready) < 0)
		return -1;
	snprintf(ready, sizeof(ready), "%s/-/ready", s->api);
	return ps_wait_ready(&s->prom_pid, ready);
}

/* Stop Prometheus only (the Pushgateway stays). */
__attribute__((unused))
static void ps_stop_prometheus(struct prom_server *s)
{
	ps_kill(&s->prom_pid);
}

static void ps_destroy(struct prom_server *s)
{
	char cmd[128];

	ps_kill(&s->prom_pid);
	ps_kill(&s->pgw_pid);
	if (s->dir[0] && strncmp(s->dir, "/tmp/pagetty-prom-", 18) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", s->dir);
	}
	s->dir[0] = '\0';
}

/* Push text-format metrics to the Pushgateway group job/instance. */
__attribute__((unused))
static long ps_push(const struct prom_server *s, const char *job, const char *instance,
                    const char *text)
{
	char url[256];

	snprintf(url, sizeof(url), "%s/metrics/job/%s/instance/%s", s->pgw_url, job, instance);
	return ps_http("PUT", url, text, NULL);
}

/* Wait (at most ms) until an instant query from the test side answers with
 * a body containing needle. Returns 0 or -1. */
__attribute__((unused))
static int ps_wait_query(const struct prom_server *s, const char *query_enc, const char *needle,
                         int ms)
{
	char url[1024];
	int i;

	snprintf(url, sizeof(url), "%s/api/v1/query?query=%s", s->api, query_enc);
	for (i = 0; i < ms / 100; i++) {
		char *body = NULL;
		long st = ps_http("GET", url, NULL, &body);
		bool found = st == 200 && body && strstr(body, needle);
		free(body);
		if (found)
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

#endif
