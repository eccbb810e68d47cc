/* loop.c: the one event loop (after redis `ae`): poll() over registered fds,
 * one-shot timers kept in an array sorted by deadline, signals delivered
 * through a non-blocking self-pipe, and a hook run before each sleep.
 *
 * Callbacks may add and remove fds and timers (their own included) while the
 * loop dispatches: readiness is looked up again for every fd just before its
 * callback runs, and each registration carries a serial so that an fd closed
 * and re-added under the same number during a dispatch round never receives
 * the previous socket's stale events. */
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/util.h"

struct loop_fd {
	int fd;
	int events;          /* LOOP_READ|LOOP_WRITE */
	loop_fd_fn fn;
	void *data;          /* borrowed */
	uint64_t serial;     /* changes when the fd is deleted and re-added */
};

struct loop_timer {
	uint64_t id;
	int64_t when;        /* now_ms() deadline */
	loop_timer_fn fn;
	void *data;          /* borrowed */
};

struct loop_sig {
	bool watched;
	loop_signal_fn fn;
	void *data;          /* borrowed */
	struct sigaction old;
};

struct loop {
	struct loop_fd *fds;        /* owned array of n_fds */
	size_t n_fds, cap_fds;
	uint64_t next_serial;

	struct loop_timer *timers;  /* owned array, sorted by (when, id) */
	size_t n_timers, cap_timers;
	uint64_t next_timer_id;

	struct pollfd *pfds;        /* owned scratch for poll() */
	uint64_t *pserial;          /* owned scratch: serial of each pfds[i] */
	size_t cap_pfds;

	int sig_pipe[2];            /* self-pipe, -1 until a signal is watched */
	struct loop_sig sigs[NSIG];

	loop_hook_fn before_sleep;
	void *before_sleep_data;    /* borrowed */
	bool stop;
};

/* The signal handler can only reach the pipe through a global. One loop
 * watches signals at a time (pagetty has one loop); the last loop to watch a
 * signal owns the pipe. */
static volatile sig_atomic_t loop_sig_wfd = -1;

static void loop_sig_handler(int signo)
{
	int saved = errno;
	unsigned char c = (unsigned char)signo;

	if (loop_sig_wfd >= 0) {
		ssize_t r = write(loop_sig_wfd, &c, 1);
		(void)r; /* a full pipe drops the byte: the signal is pending already */
	}
	errno = saved;
}

struct loop *loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof(*l));

	l->sig_pipe[0] = l->sig_pipe[1] = -1;
	l->next_serial = 1;
	l->next_timer_id = 1;
	return l;
}

void loop_free(struct loop *l)
{
	int i;

	if (!l)
		return;
	for (i = 1; i < NSIG; i++) {
		if (l->sigs[i].watched)
			sigaction(i, &l->sigs[i].old, NULL);
	}
	if (l->sig_pipe[1] >= 0 && loop_sig_wfd == l->sig_pipe[1])
		loop_sig_wfd = -1;
	if (l->sig_pipe[0] >= 0)
		close(l->sig_pipe[0]);
	if (l->sig_pipe[1] >= 0)
		close(l->sig_pipe[1]);
	free(l->fds);
	free(l->timers);
	free(l->pfds);
	free(l->pserial);
	free(l);
}

static struct loop_fd *loop_find_fd(struct loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->n_fds; i++) {
		if (l->fds[i].fd == fd)
			return &l->fds[i];
	}
	return NULL;
}

int loop_add_fd(struct loop *l, int fd, int events, loop_fd_fn fn, void *data)
{
	struct loop_fd *e;

	if (!l || fd < 0 || !fn)
		return -1;
	e = loop_find_fd(l, fd);
	if (!e) {
		xgrow(&l->fds, &l->cap_fds, l->n_fds + 1, sizeof(*l->fds));
		e = &l->fds[l->n_fds++];
		e->fd = fd;
		e->serial = l->next_serial++;
	}
	e->events = events & (LOOP_READ | LOOP_WRITE);
	e->fn = fn;
	e->data = data;
	return 0;
}

void loop_del_fd(struct loop *l, int fd)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n_fds; i++) {
		if (l->fds[i].fd == fd) {
			l->fds[i] = l->fds[--l->n_fds];
			return;
		}
	}
}

uint64_t loop_add_timer(struct loop *l, int64_t delay_ms, loop_timer_fn fn, void *data)
{
	struct loop_timer t;
	size_t lo, hi;

	if (!l || !fn)
		return 0;
	if (delay_ms < 0)
		delay_ms = 0;
	t.id = l->next_timer_id++;
	t.when = now_ms() + delay_ms;
	t.fn = fn;
	t.data = data;
	/* Insert after every timer due at or before t.when (ids grow, so
	 * equal deadlines fire in the order they were added). */
	lo = 0;
	hi = l->n_timers;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->timers[mid].when <= t.when)
			lo = mid + 1;
		else
			hi = mid;
	}
	xgrow(&l->timers, &l->cap_timers, l->n_timers + 1, sizeof(*l->timers));
	memmove(&l->timers[lo + 1], &l->timers[lo], (l->n_timers - lo) * sizeof(*l->timers));
	l->timers[lo] = t;
	l->n_timers++;
	return t.id;
}

void loop_del_timer(struct loop *l, uint64_t id)
{
	size_t i;

	if (!l || !id)
		return;
	for (i = 0; i < l->n_timers; i++) {
		if (l->timers[i].id == id) {
			memmove(&l->timers[i], &l->timers[i + 1],
			        (l->n_timers - i - 1) * sizeof(*l->timers));
			l->n_timers--;
			return;
		}
	}
}

static void loop_sig_read(struct loop *l, int fd, int events, void *data)
{
	unsigned char buf[64];
	ssize_t n, i;

	(void)events;
	(void)data;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (i = 0; i < n; i++) {
			struct loop_sig *s;
			if (buf[i] == 0 || buf[i] >= NSIG)
				continue;
			s = &l->sigs[buf[i]];
			if (s->watched && s->fn)
				s->fn(l, buf[i], s->data);
		}
	}
}

static int loop_sig_pipe_open(struct loop *l)
{
	int i;

	if (l->sig_pipe[0] >= 0)
		return 0;
	if (pipe2(l->sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		l->sig_pipe[0] = l->sig_pipe[1] = -1;
		return -1;
	}
	if (loop_add_fd(l, l->sig_pipe[0], LOOP_READ, loop_sig_read, NULL) < 0) {
		for (i = 0; i < 2; i++) {
			close(l->sig_pipe[i]);
			l->sig_pipe[i] = -1;
		}
		return -1;
	}
	loop_sig_wfd = l->sig_pipe[1];
	return 0;
}

int loop_watch_signal(struct loop *l, int signo, loop_signal_fn fn, void *data)
{
	struct sigaction sa;
	struct loop_sig *s;

	if (!l || signo <= 0 || signo >= NSIG || signo > 255 || !fn)
		return -1;
	if (loop_sig_pipe_open(l) < 0)
		return -1;
	s = &l->sigs[signo];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = loop_sig_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: poll() must wake */
	if (sigaction(signo, &sa, s->watched ? NULL : &s->old) < 0)
		return -1;
	s->watched = true;
	s->fn = fn;
	s->data = data;
	return 0;
}

void loop_set_before_sleep(struct loop *l, loop_hook_fn fn, void *data)
{
	l->before_sleep = fn;
	l->before_sleep_data = data;
}

/* Fire every timer that was due when this round started. Timers added by
 * the callbacks wait for the next round, so a timer that re-arms itself
 * with delay 0 cannot starve the loop. */
static void loop_fire_timers(struct loop *l)
{
	int64_t now = now_ms();
	uint64_t limit = l->next_timer_id;

	for (;;) {
		size_t i;
		struct loop_timer t;
		bool found = false;

		for (i = 0; i < l->n_timers && l->timers[i].when <= now; i++) {
			if (l->timers[i].id < limit) {
				found = true;
				break;
			}
		}
		if (!found)
			return;
		t = l->timers[i];
		memmove(&l->timers[i], &l->timers[i + 1],
		        (l->n_timers - i - 1) * sizeof(*l->timers));
		l->n_timers--;
		t.fn(l, t.data);
	}
}

static int loop_poll_timeout(struct loop *l, int timeout_ms)
{
	int64_t wait;

	if (l->n_timers == 0)
		return timeout_ms;
	wait = l->timers[0].when - now_ms();
	if (wait < 0)
		wait = 0;
	if (wait > 24 * 3600 * 1000)
		wait = 24 * 3600 * 1000;
	if (timeout_ms < 0 || wait < timeout_ms)
		return (int)wait;
	return timeout_ms;
}

static void loop_dispatch_fds(struct loop *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct pollfd *p = &l->pfds[i];
		struct loop_fd *e;
		int ev = 0;

		if (!p->revents)
			continue;
		e = loop_find_fd(l, p->fd);
		if (!e || e->serial != l->pserial[i])
			continue; /* removed (or replaced) by an earlier callback */
		if (p->revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL))
			ev |= LOOP_READ;
		if (p->revents & POLLOUT)
			ev |= LOOP_WRITE;
		if (!(p->revents & (POLLERR | POLLHUP | POLLNVAL)))
			ev &= e->events; /* events may have changed since poll() */
		if (!ev)
			continue;
		e->fn(l, p->fd, ev, e->data);
		if (p->revents & POLLNVAL) {
			/* A closed fd left registered would spin the loop
			 * forever: drop it once its owner has been told. */
			e = loop_find_fd(l, p->fd);
			if (e && e->serial == l->pserial[i])
				loop_del_fd(l, p->fd);
		}
	}
}

void loop_run_once(struct loop *l, int timeout_ms)
{
	size_t i, n;
	int r, timeout;

	if (l->before_sleep)
		l->before_sleep(l, l->before_sleep_data);

	n = l->n_fds;
	if (n > l->cap_pfds) {
		l->pfds = xrealloc(l->pfds, n * sizeof(*l->pfds));
		l->pserial = xrealloc(l->pserial, n * sizeof(*l->pserial));
		l->cap_pfds = n;
	}
	for (i = 0; i < n; i++) {
		l->pfds[i].fd = l->fds[i].fd;
		l->pfds[i].events = 0;
		l->pfds[i].revents = 0;
		if (l->fds[i].events & LOOP_READ)
			l->pfds[i].events |= POLLIN;
		if (l->fds[i].events & LOOP_WRITE)
			l->pfds[i].events |= POLLOUT;
		l->pserial[i] = l->fds[i].serial;
	}
	timeout = loop_poll_timeout(l, timeout_ms);
	r = poll(l->pfds, n, timeout);
	if (r < 0 && errno == EINTR) {
		/* A signal woke us: its byte is in the self-pipe now. */
		for (i = 0; i < n; i++)
			l->pfds[i].revents = 0;
		r = poll(l->pfds, n, 0);
	}
	if (r > 0)
		loop_dispatch_fds(l, n);
	loop_fire_timers(l);
}

int loop_run(struct loop *l)
{
	l->stop = false;
	while (!l->stop)
		loop_run_once(l, -1);
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

bool loop_stopped(const struct loop *l)
{
	return l->stop;
}
