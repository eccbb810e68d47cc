/* job.c: child processes in their own process groups, read through the
 * loop, reaped on SIGCHLD, complete only after EOF and reap. The list of
 * running jobs is process-wide (SIGCHLD is), so it is a file-level static. */
#include "job.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define JOB_DRAIN_MS 1000 /* after the child exits, how long background children may hold the pipe */

struct job {
	struct loop *loop;     /* borrowed */
	pid_t pid;             /* also the process group id */
	int fd;                /* output pipe, -1 after EOF */
	bool eof, reaped, timed_out, cancelled, killed, truncated;
	int status;
	size_t out_bytes;
	size_t output_limit;
	int64_t grace_ms;
	int64_t started_ms;
	uint64_t timeout_timer, kill_timer, drain_timer;
	job_output_fn on_output;
	job_exit_fn on_exit;
	void *data;            /* borrowed, the caller's */
	char exec_err[ERR_MAX];/* "" or why the command could not start */
	struct job *next;      /* in the running list */
};

static struct job *jobs;            /* running jobs, owned */

static void job_unlink(struct job *j)
{
	struct job **pp;

	for (pp = &jobs; *pp; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			return;
		}
	}
}

static void job_finish(struct job *j)
{
	if (j->timeout_timer)
		loop_del_timer(j->loop, j->timeout_timer);
	if (j->kill_timer)
		loop_del_timer(j->loop, j->kill_timer);
	if (j->drain_timer)
		loop_del_timer(j->loop, j->drain_timer);
	if (j->fd >= 0) {
		loop_del_fd(j->loop, j->fd);
		close(j->fd);
		j->fd = -1;
	}
	job_unlink(j);
	if (j->on_exit)
		j->on_exit(j, j->status, j->timed_out, j->cancelled, j->exec_err, j->data);
	free(j);
}

static void job_check_done(struct job *j)
{
	if (j->eof && j->reaped)
		job_finish(j);
}

static void on_kill_timer(struct loop *l, void *data)
{
	struct job *j = data;

	(void)l;
	j->kill_timer = 0;
	killpg(j->pid, SIGKILL);
}

static void job_signal_group(struct job *j)
{
	if (j->killed)
		return;
	j->killed = true;
	killpg(j->pid, SIGTERM);
	killpg(j->pid, SIGCONT);
	j->kill_timer = loop_add_timer(j->loop, j->grace_ms, on_kill_timer, j);
}

static void on_timeout(struct loop *l, void *data)
{
	struct job *j = data;

	(void)l;
	j->timeout_timer = 0;
	j->timed_out = true;
	job_signal_group(j);
}

/* The child is gone but something it started still holds the pipe. */
static void on_drain_timer(struct loop *l, void *data)
{
	struct job *j = data;

	(void)l;
	j->drain_timer = 0;
	killpg(j->pid, SIGKILL);
	if (j->fd >= 0) {
		loop_del_fd(j->loop, j->fd);
		close(j->fd);
		j->fd = -1;
	}
	j->eof = true;
	job_check_done(j);
}

static void on_readable(struct loop *l, int fd, int events, void *data)
{
	struct job *j = data;
	char buf[16384];
	ssize_t n;
	int rounds = 0;

	(void)l;
	(void)events;
	/* Bounded rounds per wakeup so a flood cannot starve the loop. */
	while (rounds++ < 16) {
		n = read(fd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			n = 0; /* treat errors as EOF */
		}
		if (n == 0) {
			loop_del_fd(j->loop, fd);
			close(fd);
			j->fd = -1;
			j->eof = true;
			if (j->drain_timer) {
				loop_del_timer(j->loop, j->drain_timer);
				j->drain_timer = 0;
			}
			job_check_done(j);
			return;
		}
		if (j->out_bytes < j->output_limit) {
			size_t take = (size_t)n;

			if (take > j->output_limit - j->out_bytes) {
				take = j->output_limit - j->out_bytes;
				j->truncated = true;
			}
			j->out_bytes += take;
			if (j->on_output && take)
				j->on_output(j, buf, take, j->data);
		} else {
			j->truncated = true;
		}
	}
}

void job_reap(void)
{
	struct job *j;
	pid_t pid;
	int status;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0) {
			if (pid < 0 && errno == EINTR)
				continue;
			return;
		}
		for (j = jobs; j; j = j->next) {
			if (j->pid == pid && !j->reaped) {
				j->reaped = true;
				j->status = status;
				if (!j->eof)
					j->drain_timer = loop_add_timer(j->loop, JOB_DRAIN_MS, on_drain_timer, j);
				job_check_done(j);
				break;
			}
		}
	}
}

static void on_sigchld(struct loop *l, int signo, void *data)
{
	(void)l;
	(void)signo;
	(void)data;
	job_reap();
}

static void child_exec(const struct job_spec *spec, int out, int errfd, int devnull)
{
	const char *shell = spec->shell ? spec->shell : "/bin/sh";
	sigset_t none;
	size_t i;
	int e;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 1; i < NSIG; i++)
		if (i != SIGKILL && i != SIGSTOP)
			signal((int)i, SIG_DFL);
	if (dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		goto fail;
	if (spec->env)
		for (i = 0; i < spec->env->n; i++)
			setenv(spec->env->v[i].name, spec->env->v[i].value, 1);
	execl(shell, shell, "-c", spec->command, (char *)NULL);
fail:
	e = errno;
	if (write(errfd, &e, sizeof e) < 0) {
		/* nothing more can be said */
	}
	_exit(127);
}

struct job *job_start(struct loop *l, const struct job_spec *spec, job_output_fn on_output,
                      job_exit_fn on_exit, void *data, char err[ERR_MAX])
{
	struct job *j;
	int out[2] = { -1, -1 }, ep[2] = { -1, -1 }, devnull = -1;
	int child_errno = 0;
	ssize_t n;
	pid_t pid;

	/* Every time: a loop may have been freed and another made since. */
	if (loop_watch_signal(l, SIGCHLD, on_sigchld, NULL) < 0)
		return errf(err, "cannot watch SIGCHLD"), NULL;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) {
		errf(err, "pipe: %s", strerror(errno));
		goto fail;
	}
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0) {
		errf(err, "/dev/null: %s", strerror(errno));
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		errf(err, "fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0)
		child_exec(spec, out[1], ep[1], devnull);
	setpgid(pid, pid); /* both sides, so killpg works whoever runs first */
	close(out[1]);
	close(ep[1]);
	close(devnull);
	out[1] = ep[1] = devnull = -1;
	do {
		n = read(ep[0], &child_errno, sizeof child_errno);
	} while (n < 0 && errno == EINTR);
	close(ep[0]);
	ep[0] = -1;

	j = xcalloc(1, sizeof *j);
	j->loop = l;
	j->pid = pid;
	j->fd = out[0];
	j->output_limit = spec->output_limit ? spec->output_limit : (1u << 20);
	j->grace_ms = spec->grace_ms > 0 ? spec->grace_ms : 2000;
	j->started_ms = now_ms();
	j->on_output = on_output;
	j->on_exit = on_exit;
	j->data = data;
	j->next = jobs;
	jobs = j;
	if (n == (ssize_t)sizeof child_errno) {
		/* exec failed: the child exits 127 on its own; on_exit says why. */
		snprintf(j->exec_err, sizeof j->exec_err, "cannot run %s: %s",
		         spec->shell ? spec->shell : "/bin/sh", strerror(child_errno));
	}
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	loop_add_fd(l, out[0], LOOP_READ, on_readable, j);
	if (spec->timeout_ms > 0)
		j->timeout_timer = loop_add_timer(l, spec->timeout_ms, on_timeout, j);
	job_reap(); /* a child that died before SIGCHLD was watched */
	return j;
fail:
	if (out[0] >= 0) close(out[0]);
	if (out[1] >= 0) close(out[1]);
	if (ep[0] >= 0) close(ep[0]);
	if (ep[1] >= 0) close(ep[1]);
	if (devnull >= 0) close(devnull);
	return NULL;
}

void job_cancel(struct job *j)
{
	j->cancelled = true;
	job_signal_group(j);
}

pid_t job_pid(const struct job *j) { return j->pid; }
bool job_truncated(const struct job *j) { return j->truncated; }
int64_t job_elapsed_ms(const struct job *j) { return now_ms() - j->started_ms; }

size_t job_count(void)
{
	size_t n = 0;
	struct job *j;

	for (j = jobs; j; j = j->next)
		n++;
	return n;
}

void job_cancel_all(void)
{
	struct job *j;

	for (j = jobs; j; j = j->next)
		job_cancel(j);
}
