/* test_loop.c: the event loop: timer order and cancellation, fd readiness
 * through a pipe, signals through the self-pipe, the before-sleep hook, and
 * fds/timers added and removed from inside callbacks. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/util.h"
#include "loop/loop.h"

struct rec {
	int order[16];
	int n;
};

struct tcase {
	int delay;
	int tag;
	struct rec *rec;
};

static void on_timer(struct loop *l, void *data)
{
	(void)l;
	struct tcase *t = data;

	if (t->rec->n < 16)
		t->rec->order[t->rec->n++] = t->tag;
}

static void run_until(struct loop *l, int *flag, int want, int64_t max_ms)
{
	int64_t end = now_ms() + max_ms;

	while (*flag < want && now_ms() < end)
		loop_run_once(l, 50);
}

static void test_timer_order(void **state)
{
	(void)state;
	static const struct {
		int delays[5];
		int n;
		int want[5];
	} cases[] = {
		{ { 30, 10, 20, 0, 10 }, 5, { 3, 1, 4, 2, 0 } },
		{ { 0, 0, 0 }, 3, { 0, 1, 2 } },
		{ { 5 }, 1, { 0 } },
	};
	size_t c;

	for (c = 0; c < ARRAY_LEN(cases); c++) {
		struct loop *l = loop_new();
		struct rec rec = {0};
		struct tcase tc[5];
		int i;

		for (i = 0; i < cases[c].n; i++) {
			tc[i] = (struct tcase){ cases[c].delays[i], i, &rec };
			assert_true(loop_add_timer(l, tc[i].delay, on_timer, &tc[i]) > 0);
		}
		run_until(l, &rec.n, cases[c].n, 2000);
		assert_int_equal(rec.n, cases[c].n);
		for (i = 0; i < cases[c].n; i++)
			assert_int_equal(rec.order[i], cases[c].want[i]);
		loop_free(l);
	}
}

static void test_timer_del_and_delay(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct rec rec = {0};
	struct tcase a = { 20, 1, &rec }, b = { 40, 2, &rec };
	uint64_t ida, idb;
	int64_t t0 = now_ms();

	ida = loop_add_timer(l, a.delay, on_timer, &a);
	idb = loop_add_timer(l, b.delay, on_timer, &b);
	assert_true(ida != idb);
	loop_del_timer(l, ida);
	loop_del_timer(l, 12345); /* unknown: no-op */
	run_until(l, &rec.n, 1, 2000);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.order[0], 2);
	assert_true(now_ms() - t0 >= 40);
	loop_del_timer(l, idb); /* fired: no-op */
	/* nothing left: a bounded run_once returns after its timeout */
	t0 = now_ms();
	loop_run_once(l, 30);
	assert_true(now_ms() - t0 >= 25);
	assert_int_equal(rec.n, 1);
	loop_free(l);
}

/* A timer that re-arms itself with delay 0 must not starve the round. */
struct rearm {
	int fired;
};

static void on_rearm(struct loop *l, void *data)
{
	struct rearm *r = data;

	r->fired++;
	loop_add_timer(l, 0, on_rearm, r);
}

static void test_timer_rearm_zero(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct rearm r = {0};

	loop_add_timer(l, 0, on_rearm, &r);
	loop_run_once(l, 0);
	assert_int_equal(r.fired, 1);
	loop_run_once(l, 0);
	assert_int_equal(r.fired, 2);
	loop_free(l);
}

struct fdrec {
	int reads;
	int writes;
	char got[32];
	size_t len;
	int del_self;
	int other_fd;  /* removed by the callback when >= 0 */
	int eof;
};

static void on_fd(struct loop *l, int fd, int events, void *data)
{
	struct fdrec *r = data;

	if (events & LOOP_READ) {
		ssize_t n = read(fd, r->got + r->len, sizeof(r->got) - 1 - r->len);
		r->reads++;
		if (n > 0)
			r->len += (size_t)n;
		else if (n == 0)
			r->eof = 1;
	}
	if (events & LOOP_WRITE)
		r->writes++;
	if (r->del_self)
		loop_del_fd(l, fd);
	if (r->other_fd >= 0) {
		loop_del_fd(l, r->other_fd);
		r->other_fd = -1;
	}
}

static void test_fd_pipe(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct fdrec rd = { .other_fd = -1 }, wr = { .other_fd = -1 };
	int p[2];

	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	assert_int_equal(loop_add_fd(l, p[0], LOOP_READ, on_fd, &rd), 0);
	assert_int_equal(loop_add_fd(l, p[1], LOOP_WRITE, on_fd, &wr), 0);
	assert_int_equal(loop_add_fd(l, -1, LOOP_READ, on_fd, &rd), -1);

	/* empty pipe: only the write end is ready */
	loop_run_once(l, 100);
	assert_int_equal(rd.reads, 0);
	assert_int_equal(wr.writes, 1);

	/* re-adding replaces events: the write end stops reporting */
	assert_int_equal(loop_add_fd(l, p[1], LOOP_READ, on_fd, &wr), 0);
	assert_int_equal(write(p[1], "hello", 5), 5);
	loop_run_once(l, 100);
	assert_int_equal(rd.reads, 1);
	assert_int_equal(wr.writes, 1);
	assert_string_equal(rd.got, "hello");

	/* closing the write end: hangup is reported as READ (EOF) */
	loop_del_fd(l, p[1]);
	close(p[1]);
	loop_run_once(l, 100);
	assert_int_equal(rd.eof, 1);
	loop_del_fd(l, p[0]);
	close(p[0]);
	loop_free(l);
}

/* Two ready fds: the first callback removes the second and itself; the
 * second must not be called. Then the first re-adds under the same number. */
static void test_fd_removal_during_dispatch(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct fdrec a = { .other_fd = -1 }, b = { .other_fd = -1 };
	int p1[2], p2[2];

	assert_int_equal(pipe2(p1, O_NONBLOCK), 0);
	assert_int_equal(pipe2(p2, O_NONBLOCK), 0);
	assert_int_equal(write(p1[1], "a", 1), 1);
	assert_int_equal(write(p2[1], "b", 1), 1);
	assert_int_equal(loop_add_fd(l, p1[0], LOOP_READ, on_fd, &a), 0);
	assert_int_equal(loop_add_fd(l, p2[0], LOOP_READ, on_fd, &b), 0);
	a.del_self = 1;
	a.other_fd = p2[0];
	b.del_self = 1;
	b.other_fd = p1[0];
	loop_run_once(l, 100);
	/* exactly one of them ran (whichever poll order put first) */
	assert_int_equal(a.reads + b.reads, 1);
	/* both gone: nothing more fires even though data is pending */
	assert_int_equal(write(p1[1], "x", 1), 1);
	loop_run_once(l, 20);
	assert_int_equal(a.reads + b.reads, 1);
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	loop_free(l);
}

/* A timer callback deletes another due timer. */
struct killer {
	struct loop *l;
	uint64_t victim;
	int fired;
};

static void on_killer(struct loop *l, void *data)
{
	struct killer *k = data;

	k->fired++;
	loop_del_timer(l, k->victim);
}

static void on_victim(struct loop *l, void *data)
{
	(void)l;
	int *n = data;

	(*n)++;
}

static void test_timer_removal_during_dispatch(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct killer k = { l, 0, 0 };
	int victim = 0;

	loop_add_timer(l, 0, on_killer, &k);
	k.victim = loop_add_timer(l, 0, on_victim, &victim);
	loop_run_once(l, 0);
	loop_run_once(l, 0);
	assert_int_equal(k.fired, 1);
	assert_int_equal(victim, 0);
	loop_free(l);
}

struct sigrec {
	int signo;
	int count;
};

static void on_signal(struct loop *l, int signo, void *data)
{
	(void)l;
	struct sigrec *r = data;

	r->signo = signo;
	r->count++;
}

static void test_signal_selfpipe(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct sigrec r = {0};
	struct sigaction sa;

	assert_int_equal(loop_watch_signal(l, SIGUSR1, on_signal, &r), 0);
	assert_int_equal(loop_watch_signal(l, 0, on_signal, &r), -1);
	/* no SA_RESTART */
	assert_int_equal(sigaction(SIGUSR1, NULL, &sa), 0);
	assert_int_equal(sa.sa_flags & SA_RESTART, 0);
	errno = 1234;
	raise(SIGUSR1);
	assert_int_equal(errno, 1234); /* handler saved errno */
	assert_int_equal(r.count, 0);   /* never called from the handler */
	run_until(l, &r.count, 1, 1000);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.signo, SIGUSR1);
	loop_free(l);
	/* disposition restored */
	assert_int_equal(sigaction(SIGUSR1, NULL, &sa), 0);
	assert_true(sa.sa_handler == SIG_DFL);
}

/* A signal arriving while poll() sleeps wakes it (EINTR or the pipe): the
 * one wait ends with the signal dispatched, and a 10 s guard timer, the only
 * other thing that could end it, has not fired. */
static void on_hook(struct loop *l, void *data)
{
	(void)l;
	int *n = data;

	(*n)++;
}

static void test_signal_wakes_poll(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct sigrec r = {0};
	struct rec guard_rec = {0};
	struct tcase guard = { 10000, 1, &guard_rec };
	int hooks = 0;
	pid_t pid;

	assert_int_equal(loop_watch_signal(l, SIGUSR2, on_signal, &r), 0);
	loop_set_before_sleep(l, on_hook, &hooks);
	assert_true(loop_add_timer(l, guard.delay, on_timer, &guard) > 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		usleep(50 * 1000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	loop_run_once(l, -1);
	assert_int_equal(guard_rec.n, 0);
	assert_int_equal(r.count, 1);
	assert_int_equal(hooks, 1);
	waitpid(pid, NULL, 0);
	loop_free(l);
}

static void on_stop_timer(struct loop *l, void *data)
{
	(void)data;
	loop_stop(l);
}

static void test_run_stop(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	int hooks = 0;

	loop_set_before_sleep(l, on_hook, &hooks);
	loop_add_timer(l, 10, on_stop_timer, NULL);
	assert_false(loop_stopped(l));
	assert_int_equal(loop_run(l), 0);
	assert_true(loop_stopped(l));
	assert_true(hooks >= 1);
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_timer_del_and_delay),
		cmocka_unit_test(test_timer_rearm_zero),
		cmocka_unit_test(test_fd_pipe),
		cmocka_unit_test(test_fd_removal_during_dispatch),
		cmocka_unit_test(test_timer_removal_during_dispatch),
		cmocka_unit_test(test_signal_selfpipe),
		cmocka_unit_test(test_signal_wakes_poll),
		cmocka_unit_test(test_run_stop),
	};

	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
