/* duration.c: Prometheus-style durations ("90s", "1h30m", "2d", "500ms")
 * parsed to milliseconds, short human ages ("12m", "3h04m", "2d05h"), and
 * byte sizes with units ("512KiB", "1MB"). Pure. */
#include "duration.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MS_S 1000LL
#define MS_M (60 * MS_S)
#define MS_H (60 * MS_M)
#define MS_D (24 * MS_H)
#define MS_W (7 * MS_D)
#define MS_Y (365 * MS_D)

/* Units in the order Prometheus requires them (largest first). */
static const struct {
	const char *name;
	int64_t ms;
} duration_units[] = {
	{"y", MS_Y}, {"w", MS_W}, {"d", MS_D}, {"h", MS_H},
	{"m", MS_M}, {"s", MS_S}, {"ms", 1},
};

/* A printable description of the byte at s (for error messages: the input
 * is untrusted, so only printable ASCII is echoed). */
static void duration_describe(const char *s, char out[16])
{
	unsigned char c = (unsigned char)*s;

	if (c > 0x20 && c < 0x7F)
		snprintf(out, 16, "'%c'", c);
	else if (c == ' ')
		snprintf(out, 16, "a space");
	else
		snprintf(out, 16, "byte 0x%02x", c);
}

/* Read decimal digits at *p into *v (overflow-checked). 0 or -1. */
static int duration_digits(const char **p, int64_t *v)
{
	int64_t x = 0;
	const char *q = *p;

	while (*q >= '0' && *q <= '9') {
		if (x > (INT64_MAX - (*q - '0')) / 10)
			return -1;
		x = x * 10 + (*q - '0');
		q++;
	}
	*p = q;
	*v = x;
	return 0;
}

/* Trim ASCII spaces: returns the start, *end the end (exclusive). */
static const char *duration_trim(const char *s, const char **end)
{
	const char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*end = e;
	return s;
}

/* A bare number of seconds, maybe with a fraction ("90", "1.5"). */
static int duration_bare(const char *s, const char *end, int64_t *ms, char err[ERR_MAX])
{
	const char *p = s;
	int64_t sec, frac = 0, scale = 100;
	char what[16];

	if (duration_digits(&p, &sec) < 0 || sec > INT64_MAX / MS_S)
		return errf(err, "duration too large");
	if (*p == '.' && p + 1 < end) {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (p != end) {
		duration_describe(p, what);
		return errf(err, "col %zu: unexpected %s in duration", (size_t)(p - s) + 1, what);
	}
	if (sec * MS_S > INT64_MAX - frac)
		return errf(err, "duration too large");
	*ms = sec * MS_S + frac;
	return 0;
}

int duration_parse(const char *s, int64_t *ms, char err[ERR_MAX])
{
	const char *end, *p, *start, *u;
	size_t next = 0, i, ulen;
	int64_t v, total = 0;
	char what[16];

	if (!s)
		return errf(err, "empty duration");
	s = duration_trim(s, &end);
	if (s == end)
		return errf(err, "empty duration");
	if (*s == '-')
		return errf(err, "negative duration not allowed");
	if (*s == '+')
		return errf(err, "col 1: unexpected '+' in duration");
	for (p = s; p < end && *p >= '0' && *p <= '9'; p++)
		;
	if (p == end || *p == '.')
		return duration_bare(s, end, ms, err);

	p = s;
	while (p < end) {
		start = p;
		if (*p < '0' || *p > '9') {
			duration_describe(p, what);
			return errf(err, "col %zu: expected a number, got %s "
			            "(durations look like 90s, 1h30m, 500ms)",
			            (size_t)(p - s) + 1, what);
		}
		if (duration_digits(&p, &v) < 0)
			return errf(err, "col %zu: duration too large", (size_t)(start - s) + 1);
		if (p == end)
			return errf(err, "col %zu: missing unit after number "
			            "(use ms, s, m, h, d, w or y)", (size_t)(p - s) + 1);
		u = p;
		for (i = 0; i < ARRAY_LEN(duration_units); i++) {
			ulen = strlen(duration_units[i].name);
			/* "m" must not swallow the "m" of "ms" */
			if ((size_t)(end - u) >= ulen &&
			    memcmp(u, duration_units[i].name, ulen) == 0 &&
			    !(ulen == 1 && *u == 'm' && u + 1 < end && u[1] == 's'))
				break;
		}
		if (i == ARRAY_LEN(duration_units)) {
			duration_describe(u, what);
			return errf(err, "col %zu: unknown unit %s (use ms, s, m, h, d, w or y)",
			            (size_t)(u - s) + 1, what);
		}
		if (i < next)
			return errf(err, "col %zu: unit '%s' out of order or repeated "
			            "(largest first: 1h30m)", (size_t)(u - s) + 1,
			            duration_units[i].name);
		next = i + 1;
		p = u + strlen(duration_units[i].name);
		if (v > INT64_MAX / duration_units[i].ms ||
		    v * duration_units[i].ms > INT64_MAX - total)
			return errf(err, "col %zu: duration too large", (size_t)(start - s) + 1);
		total += v * duration_units[i].ms;
	}
	*ms = total;
	return 0;
}

/* v in decimal at p, at least two digits when pad2; returns the end. */
static char *duration_put(char *p, unsigned long long v, bool pad2)
{
	char t[24];
	int k = 0;

	do {
		t[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (pad2 && k < 2)
		t[k++] = '0';
	while (k)
		*p++ = t[--k];
	return p;
}

/* Built by hand, not with snprintf: `pagetty alerts` formats one age per
 * row (50k rows), and snprintf cost more than the rest of the row. */
void duration_format(int64_t ms, char *out, size_t n)
{
	uint64_t u = (uint64_t)ms;
	unsigned long long d, h, m, sec, big, small;
	char t[64], *p = t, u1, u2;
	size_t len;

	if (!out || n == 0)
		return;
	if (ms < 0) {
		*p++ = '-';
		u = (uint64_t)0 - u;      /* well defined even for INT64_MIN */
	}
	if (u == 0) {
		p = t;
		*p++ = '0';
		*p++ = 's';
	} else if (u < 1000) {
		p = duration_put(p, (unsigned long long)u, false);
		*p++ = 'm';
		*p++ = 's';
	} else {
		sec = (unsigned long long)(u / 1000);
		d = sec / 86400;
		h = sec / 3600 % 24;
		m = sec / 60 % 60;
		sec %= 60;
		if (d > 0) {
			big = d, small = h, u1 = 'd', u2 = 'h';
		} else if (h > 0) {
			big = h, small = m, u1 = 'h', u2 = 'm';
		} else if (m > 0) {
			big = m, small = sec, u1 = 'm', u2 = 's';
		} else {
			big = sec, small = 0, u1 = 's', u2 = 0;
		}
		p = duration_put(p, big, false);
		*p++ = u1;
		if (small && u2) {
			p = duration_put(p, small, true);
			*p++ = u2;
		}
	}
	len = (size_t)(p - t);
	if (len > n - 1)
		len = n - 1;   /* cut as snprintf would */
	memcpy(out, t, len);
	out[len] = '\0';
}

/* Size units, matched case-insensitively; the decimal ones are SI (1 MB =
 * 1000000 B), the binary ones IEC (1 MiB = 1048576 B). */
static const struct {
	const char *name;
	uint64_t mult;
} size_units[] = {
	{"", 1}, {"b", 1},
	{"k", 1000ULL}, {"kb", 1000ULL}, {"ki", 1ULL << 10}, {"kib", 1ULL << 10},
	{"m", 1000000ULL}, {"mb", 1000000ULL}, {"mi", 1ULL << 20}, {"mib", 1ULL << 20},
	{"g", 1000000000ULL}, {"gb", 1000000000ULL}, {"gi", 1ULL << 30}, {"gib", 1ULL << 30},
	{"t", 1000000000000ULL}, {"tb", 1000000000000ULL}, {"ti", 1ULL << 40}, {"tib", 1ULL << 40},
};

int size_parse(const char *s, size_t *bytes, char err[ERR_MAX])
{
	const char *end, *p, *u;
	uint64_t v = 0;
	size_t i, ulen;
	char what[16];

	if (!s)
		return errf(err, "empty size");
	s = duration_trim(s, &end);
	if (s == end)
		return errf(err, "empty size");
	if (*s == '-')
		return errf(err, "negative size not allowed");
	if (*s < '0' || *s > '9') {
		duration_describe(s, what);
		return errf(err, "col 1: expected a number, got %s (sizes look like 1024, 512KiB, 1MB)",
		            what);
	}
	for (p = s; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return errf(err, "size too large");
		v = v * 10 + (uint64_t)(*p - '0');
	}
	u = p;
	while (u < end && *u == ' ')
		u++;
	ulen = (size_t)(end - u);
	for (i = 0; i < ARRAY_LEN(size_units); i++)
		if (strlen(size_units[i].name) == ulen &&
		    strncasecmp(u, size_units[i].name, ulen) == 0)
			break;
	if (i == ARRAY_LEN(size_units)) {
		duration_describe(u, what);
		return errf(err, "col %zu: unknown size unit at %s "
		            "(use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)",
		            (size_t)(u - s) + 1, what);
	}
	if (v > UINT64_MAX / size_units[i].mult || v * size_units[i].mult > SIZE_MAX)
		return errf(err, "size too large");
	*bytes = (size_t)(v * size_units[i].mult);
	return 0;
}
