/* test_job.c: jobs run real /bin/sh children through a real loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec/job.h"
#include "loop/loop.h"

struct run {
	struct buf out;
	bool done, timed_out, cancelled;
	int status;
	char exec_err[ERR_MAX];
	struct job *job;
};

static void on_out(struct job *j, const char *b, size_t n, void *data)
{
	struct run *r = data;

	(void)j;
	buf_append(&r->out, b, n);
}

static void on_exit_cb(struct job *j, int status, bool timed_out, bool cancelled,
                       const char *exec_err, void *data)
{
	struct run *r = data;

	(void)j;
	r->done = true;
	r->status = status;
	r->timed_out = timed_out;
	r->cancelled = cancelled;
	snprintf(r->exec_err, sizeof r->exec_err, "%s", exec_err);
}

/* Alive and not a zombie waiting for init to reap it. */
static bool process_alive(pid_t pid)
{
	char path[64], stat[512];
	FILE *f;
	char *p;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(stat, sizeof stat, f))
		stat[0] = '\0';
	fclose(f);
	p = strrchr(stat, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* How many live (not zombie) processes are in process group pgid. */
static int group_alive(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[300], st[512], state;
		int ppid, pgrp;
		char *p;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(st, sizeof st, f) && (p = strrchr(st, ')')) &&
		    sscanf(p + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 &&
		    pgrp == pgid && state != 'Z' && state != 'X')
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/* Run one command to completion (bounded: 20 s). */
static void run_cmd(struct run *r, const struct job_spec *spec)
{
	struct loop *l = loop_new();
	char err[ERR_MAX];
	int64_t deadline = now_ms() + 20000;

	memset(r, 0, sizeof *r);
	r->job = job_start(l, spec, on_out, on_exit_cb, r, err);
	assert_non_null(r->job);
	while (!r->done && now_ms() < deadline)
		loop_run_once(l, 100);
	assert_true(r->done);
	loop_free(l);
}

static void test_output_and_exit(void **state)
{
	struct run r;
	struct job_spec spec = { .command = "echo hello; echo err >&2; exit 3" };

	(void)state;
	run_cmd(&r, &spec);
	assert_string_equal(r.out.data, "hello\nerr\n");
	assert_true(WIFEXITED(r.status));
	assert_int_equal(WEXITSTATUS(r.status), 3);
	assert_false(r.timed_out);
	buf_free(&r.out);
}

static void test_timeout_kills_group(void **state)
{
	struct run r;
	struct job_spec spec = { .command = "sleep 30 & echo $!; wait", .timeout_ms = 300,
	                         .grace_ms = 300 };
	pid_t bg;

	(void)state;
	run_cmd(&r, &spec);
	assert_true(r.timed_out);
	assert_true(WIFSIGNALED(r.status));
	bg = (pid_t)atoi(r.out.data);
	assert_true(bg > 0);
	/* The background sleep was in the group: it is gone (or a zombie of init). */
	usleep(100000);
	assert_false(process_alive(bg));
	buf_free(&r.out);
}

static void test_output_limit(void **state)
{
	struct run r;
	struct job_spec spec = { .command = "head -c 100000 /dev/zero | tr '\\0' x", .output_limit = 1000 };

	(void)state;
	run_cmd(&r, &spec);
	assert_int_equal(r.out.len, 1000);
	assert_true(WIFEXITED(r.status));
	buf_free(&r.out);
}

static void test_env_is_never_code(void **state)
{
	static const char *hostile[] = {
		"'; touch /tmp/pagetty-canary-job; '", "$(touch /tmp/pagetty-canary-job)",
		"`touch /tmp/pagetty-canary-job`", "a\ntouch /tmp/pagetty-canary-job", "-rf",
	};
	size_t i;

	(void)state;
	unlink("/tmp/pagetty-canary-job");
	for (i = 0; i < ARRAY_LEN(hostile); i++) {
		struct labelset env = {0};
		struct run r;
		struct job_spec spec = { .command = "printf %s \"$PAGETTY_LABEL_x\"", .env = &env };

		labelset_set(&env, "PAGETTY_LABEL_x", hostile[i]);
		run_cmd(&r, &spec);
		assert_string_equal(r.out.data, hostile[i]);
		assert_true(access("/tmp/pagetty-canary-job", F_OK) < 0);
		labelset_free(&env);
		buf_free(&r.out);
	}
}

static void test_exec_failure(void **state)
{
	struct run r;
	struct job_spec spec = { .shell = "/nonexistent/shell", .command = "true" };

	(void)state;
	run_cmd(&r, &spec);
	assert_true(strstr(r.exec_err, "cannot run /nonexistent/shell") != NULL);
	assert_int_equal(WEXITSTATUS(r.status), 127);
	buf_free(&r.out);
}

static void test_cancel(void **state)
{
	struct loop *l = loop_new();
	struct run r;
	struct job_spec spec = { .command = "trap '' TERM; sleep 30", .grace_ms = 200 };
	char err[ERR_MAX];
	int64_t deadline;

	(void)state;
	memset(&r, 0, sizeof r);
	r.job = job_start(l, &spec, on_out, on_exit_cb, &r, err);
	assert_non_null(r.job);
	assert_int_equal(job_count(), 1);
	loop_run_once(l, 50);
	job_cancel(r.job);
	deadline = now_ms() + 10000;
	while (!r.done && now_ms() < deadline)
		loop_run_once(l, 100);
	assert_true(r.done);
	assert_true(r.cancelled);
	assert_true(WIFSIGNALED(r.status)); /* SIGKILL after the grace: it ignored TERM */
	assert_int_equal(job_count(), 0);
	loop_free(l);
	buf_free(&r.out);
}

static void test_ten_megabytes_capped(void **state)
{
	struct run r;
	struct job_spec spec = { .command = "head -c 10485760 /dev/zero", .output_limit = 65536 };

	(void)state;
	run_cmd(&r, &spec);
	assert_int_equal(r.out.len, 65536);
	assert_true(WIFEXITED(r.status));
	assert_int_equal(WEXITSTATUS(r.status), 0); /* drained, not killed by SIGPIPE */
	buf_free(&r.out);
}

/* Cancel kills the whole group, background children included. */
static void test_cancel_kills_background(void **state)
{
	struct loop *l = loop_new();
	struct run r;
	struct job_spec spec = { .command = "sleep 100 & echo $!; sleep 100", .grace_ms = 300 };
	char err[ERR_MAX];
	int64_t deadline;
	pid_t bg, pgid;

	(void)state;
	memset(&r, 0, sizeof r);
	r.job = job_start(l, &spec, on_out, on_exit_cb, &r, err);
	assert_non_null(r.job);
	pgid = job_pid(r.job);
	deadline = now_ms() + 5000;
	while (r.out.len == 0 && now_ms() < deadline)
		loop_run_once(l, 50);
	bg = (pid_t)atoi(r.out.data ? r.out.data : "0");
	assert_true(bg > 0);
	job_cancel(r.job);
	deadline = now_ms() + 10000;
	while (!r.done && now_ms() < deadline)
		loop_run_once(l, 100);
	assert_true(r.done);
	assert_true(r.cancelled);
	usleep(100000);
	assert_false(process_alive(bg));
	/* nothing is left running in the job's process group */
	assert_int_equal(group_alive(pgid), 0);
	loop_free(l);
	buf_free(&r.out);
}

static void test_missing_command(void **state)
{
	struct run r;
	struct job_spec spec = { .command = "pagetty-no-such-command-xyz" };

	(void)state;
	run_cmd(&r, &spec);
	assert_int_equal(WEXITSTATUS(r.status), 127);
	assert_non_null(strstr(r.out.data, "not found"));
	buf_free(&r.out);
}

/* 200 quick runs on one loop: every one completes, none is left a zombie. */
static void test_many_quick_runs(void **state)
{
	struct loop *l = loop_new();
	struct run *runs = xcalloc(200, sizeof *runs);
	struct job_spec spec = { .command = "exit 0" };
	char err[ERR_MAX];
	int64_t deadline = now_ms() + 30000;
	size_t i, done;
	int status;

	(void)state;
	for (i = 0; i < 200; i++) {
		runs[i].job = job_start(l, &spec, on_out, on_exit_cb, &runs[i], err);
		assert_non_null(runs[i].job);
	}
	do {
		loop_run_once(l, 50);
		for (i = 0, done = 0; i < 200; i++)
			done += runs[i].done;
	} while (done < 200 && now_ms() < deadline);
	assert_int_equal(done, 200);
	assert_int_equal(job_count(), 0);
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	for (i = 0; i < 200; i++)
		buf_free(&runs[i].out);
	free(runs);
	loop_free(l);
}

static void test_no_zombies(void **state)
{
	int status;

	(void)state;
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_and_exit),
		cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_output_limit),
		cmocka_unit_test(test_env_is_never_code),
		cmocka_unit_test(test_exec_failure),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_ten_megabytes_capped),
		cmocka_unit_test(test_cancel_kills_background),
		cmocka_unit_test(test_missing_command),
		cmocka_unit_test(test_many_quick_runs),
		cmocka_unit_test(test_no_zombies),
	};

	return cmocka_run_group_tests_name("job", tests, NULL, NULL);
}
