/* util.c: OOM-aborting allocation, the growable buffer, error buffers,
 * clocks and small string helpers. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void oom(size_t n)
{
	fprintf(stderr, "pagetty: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

void xgrow(void *v, size_t *cap, size_t need, size_t elsize)
{
	void **pp = v;
	size_t c;

	if (need <= *cap)
		return;
	c = *cap ? *cap : 8;
	while (c < need) {
		if (c > ((size_t)-1) / 2 / elsize)
			oom(need * elsize);
		c *= 2;
	}
	*pp = xrealloc(*pp, c * elsize);
	*cap = c;
}

char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_steal(&b);
}

int errf(char *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, ERR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
	xgrow(&b->data, &b->cap, b->len + n + 1, 1);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	xgrow(&b->data, &b->cap, b->len + (size_t)n + 1, 1);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *buf_steal(struct buf *b)
{
	char *p = b->data ? b->data : xstrdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int read_file(const char *path, size_t max, char **out, size_t *outlen, char err[ERR_MAX])
{
	struct buf b = {0};
	char tmp[65536];
	int fd;
	ssize_t r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errf(err, "%s: %s", path, strerror(errno));
	for (;;) {
		r = read(fd, tmp, sizeof tmp);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			errf(err, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		if (b.len + (size_t)r > max) {
			errf(err, "%s: larger than %zu bytes", path, max);
			goto fail;
		}
		buf_append(&b, tmp, (size_t)r);
	}
	close(fd);
	if (outlen)
		*outlen = b.len;
	*out = buf_steal(&b);
	return 0;
fail:
	close(fd);
	buf_free(&b);
	return -1;
}

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double wall_now(void)
{
	struct timespec ts;
	const char *fake = getenv("PAGETTY_NOW");

	if (fake && *fake)
		return strtod(fake, NULL);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

char *path_expand(const char *path)
{
	const char *home;

	if (!path)
		return NULL;
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
		home = getenv("HOME");
		if (home && *home)
			return xasprintf("%s%s", home, path + 1);
	}
	return xstrdup(path);
}

int str_casecmp_ascii(const char *a, const char *b)
{
	unsigned char ca, cb;

	do {
		ca = (unsigned char)tolower((unsigned char)*a++);
		cb = (unsigned char)tolower((unsigned char)*b++);
	} while (ca && ca == cb);
	return ca - cb;
}

int str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}
