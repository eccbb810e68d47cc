/* job.h: child processes as jobs (after tmux job.c and cmus spawn.c).
 * A job runs `shell -c command` in its own process group with stdin from
 * /dev/null and stdout+stderr on one non-blocking pipe read by the loop.
 * A failed exec is reported through a CLOEXEC pipe. The job is complete only
 * after both EOF on its output and the child's reap; then on_exit is called
 * once. A timeout or job_cancel() sends SIGTERM to the whole group and
 * SIGKILL after a grace period, so background children die too. */
#ifndef PAGETTY_JOB_H
#define PAGETTY_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/labels.h"
#include "../core/util.h"
#include "../loop/loop.h"

struct job;

/* Raw bytes as they arrive (not sanitized: the caller sanitizes for display). */
typedef void (*job_output_fn)(struct job *j, const char *buf, size_t n, void *data);
/* Once, at completion. status is a waitpid status; timed_out/cancelled say why
 * it was killed; exec_err is "" or why the command could not start. The job
 * is freed right after this returns. */
typedef void (*job_exit_fn)(struct job *j, int status, bool timed_out, bool cancelled,
                            const char *exec_err, void *data);

struct job_spec {
	const char *shell;           /* "/bin/sh" when NULL */
	const char *command;         /* run as: shell -c command */
	const struct labelset *env;  /* extra environment (borrowed), may be NULL */
	int64_t timeout_ms;          /* 0: none */
	int64_t grace_ms;            /* SIGTERM -> SIGKILL; 0: 2000 */
	size_t output_limit;         /* bytes passed to on_output; past it output is
	                                drained and dropped and `truncated` set; 0: 1 MiB */
};

/* Start a job. Returns it, or NULL with err filled (fork/pipe failure). */
struct job *job_start(struct loop *l, const struct job_spec *spec, job_output_fn on_output,
                      job_exit_fn on_exit, void *data, char err[ERR_MAX]);
void job_cancel(struct job *j);       /* SIGTERM the group now, SIGKILL after grace */
pid_t job_pid(const struct job *j);
bool job_truncated(const struct job *j);
int64_t job_elapsed_ms(const struct job *j);

/* Reap every exited child (call on SIGCHLD; job_start installs the SIGCHLD
 * watch on its loop the first time). */
void job_reap(void);
/* How many jobs are running; end them all (cancel) at exit. */
size_t job_count(void);
void job_cancel_all(void);

#endif
