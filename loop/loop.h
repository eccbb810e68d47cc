/* loop.h: the one event loop (after redis `ae`): file descriptors with
 * callbacks, one-shot timers, signals through a self-pipe, and a hook run
 * before each sleep (where the UI redraws). One thread; nothing blocks. */
#ifndef PAGETTY_LOOP_H
#define PAGETTY_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;

enum { LOOP_READ = 1, LOOP_WRITE = 2 };

/* Called when fd is ready; events is LOOP_READ|LOOP_WRITE as ready (error and
 * hangup are reported as LOOP_READ so the reader sees EOF/error). */
typedef void (*loop_fd_fn)(struct loop *l, int fd, int events, void *data);
/* Called once when the timer expires; the timer is gone after the call. */
typedef void (*loop_timer_fn)(struct loop *l, void *data);
/* Called from the loop (never from the signal handler) with the signal. */
typedef void (*loop_signal_fn)(struct loop *l, int signo, void *data);
/* Called before every poll(); the place to redraw. */
typedef void (*loop_hook_fn)(struct loop *l, void *data);

struct loop *loop_new(void);
void loop_free(struct loop *l); /* restores signal dispositions it changed */

/* Watch fd for events (LOOP_READ|LOOP_WRITE). Re-adding an fd replaces its
 * events, callback and data. Returns 0 or -1. */
int loop_add_fd(struct loop *l, int fd, int events, loop_fd_fn fn, void *data);
void loop_del_fd(struct loop *l, int fd);

/* One-shot timer after delay_ms; returns an id > 0 for loop_del_timer. */
uint64_t loop_add_timer(struct loop *l, int64_t delay_ms, loop_timer_fn fn, void *data);
void loop_del_timer(struct loop *l, uint64_t id); /* unknown or fired id: no-op */

/* Route signo through the self-pipe to fn. The handler only write()s the
 * signal number, saving errno. SA_RESTART is not set for SIGWINCH etc. so
 * that poll wakes. Returns 0 or -1. */
int loop_watch_signal(struct loop *l, int signo, loop_signal_fn fn, void *data);

void loop_set_before_sleep(struct loop *l, loop_hook_fn fn, void *data);

/* Run until loop_stop(); returns 0. loop_run_once waits at most timeout_ms
 * (-1: until something happens) and dispatches what is ready. */
int loop_run(struct loop *l);
void loop_run_once(struct loop *l, int timeout_ms);
void loop_stop(struct loop *l);
bool loop_stopped(const struct loop *l);

#endif
