/* util.h: allocation wrappers that abort on OOM, a growable byte buffer,
 * error-buffer helpers and clocks. Everything in pagetty builds on this. */
#ifndef PAGETTY_UTIL_H
#define PAGETTY_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ERR_MAX 256

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* x-wrappers: never return NULL; print a message and abort() on OOM. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow *v (an array of elsize-byte items with *cap slots) to hold need items. */
void xgrow(void *v, size_t *cap, size_t need, size_t elsize);
char *xstrdup(const char *s);                 /* s may be NULL -> NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fill a caller's char err[ERR_MAX]; err may be NULL. Always returns -1 so
 * that `return errf(err, "...")` reads naturally. */
int errf(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable, always NUL-terminated byte buffer. data is owned (malloced)
 * or NULL before the first append. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);                /* len = 0, keeps memory */
char *buf_steal(struct buf *b);               /* caller owns result ("" if empty); b is reset to empty */
void buf_free(struct buf *b);

/* Read a whole file (at most max bytes) into a malloced NUL-terminated buffer.
 * Returns 0, or -1 with err filled ("PATH: reason"). */
int read_file(const char *path, size_t max, char **out, size_t *outlen, char err[ERR_MAX]);

/* Clocks. now_ms() is monotonic; wall_now() is the real time (seconds,
 * fractional). Tests may override the wall clock with PAGETTY_NOW=epoch. */
int64_t now_ms(void);
double wall_now(void);

/* Expand a leading "~/" with $HOME. Returns malloced. */
char *path_expand(const char *path);

int str_casecmp_ascii(const char *a, const char *b);
int str_has_prefix(const char *s, const char *prefix);

#endif
