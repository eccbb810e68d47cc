/* alert.c: the alert model. Encodes the `pagetty alerts --json` array, merges clusters and
 * dedupes HA peers through a hash of (cluster, fingerprint), sorts for the
 * Alerts view, and parses/formats RFC 3339 times without touching the C
 * library's time zone or locale. Values are kept raw: sanitizing is the
 * display's job. */
#include "alert.h"
#include "alert_json_int.h"
#include "xjson.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

/* ---- small helpers ---------------------------------------------------- */

/* FNV-1a 64 of s, then of the separator byte 0xff. */
static uint64_t fnv_add(uint64_t h, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

#define FNV_OFFSET 14695981039346656037ULL

static cJSON *jstr_or_null(const char *s)
{
	return xjson(s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char **dup_strv(char *const *v, size_t n)
{
	char **r;
	size_t i;

	if (!n)
		return NULL;
	r = xcalloc(n, sizeof *r);
	for (i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

/* Copy a labelset in O(n): labelset_copy() checks for duplicates on each
 * insert, which is quadratic for a hostile alert with many labels. */
static void labels_copy_fast(struct labelset *dst, const struct labelset *src)
{
	size_t i;

	dst->v = NULL;
	dst->n = dst->cap = 0;
	if (!src->n)
		return;
	xgrow(&dst->v, &dst->cap, src->n, sizeof *dst->v);
	for (i = 0; i < src->n; i++) {
		dst->v[i].name = xstrdup(src->v[i].name);
		dst->v[i].value = xstrdup(src->v[i].value);
	}
	dst->n = src->n;
}

/* ---- RFC 3339 --------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil); exact for any year an int holds. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Read exactly n digits at *p. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;

	while (n--) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return 0;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int rfc3339_parse(const char *s, double *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	double frac = 0, scale = 0.1;
	const char *p = s;
	int64_t days;

	if (!s)
		return -1;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
	    digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		/* Any number of digits; beyond a double's precision they are
		 * checked but no longer change the value. */
		for (; *p >= '0' && *p <= '9'; p++) {
			if (scale > 1e-18)
				frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om))
			return -1;
		if (oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
		return -1;
	days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	*out = (double)(days * 86400 + h * 3600 + mi * 60 + sec) + frac -
	       (double)sign * (oh * 3600 + om * 60);
	return 0;
}

void rfc3339_format(double t, char *out, size_t n)
{
	int64_t ms, secs, days, y;
	unsigned mo, d;
	int rem;

	if (!out || !n)
		return;
	if (!isfinite(t) || t > 253402300799.0 || t < -62135596800.0)
		t = 0; /* outside 0001..9999: nothing sensible to print */
	ms = (int64_t)llround(t * 1000.0);
	secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	rem = (int)(ms - secs * 1000);
	days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	secs -= days * 86400;
	civil_from_days(days, &y, &mo, &d);
	snprintf(out, n, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, mo, d,
	         (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60), rem);
}

/* ---- names ------------------------------------------------------------ */

enum alert_severity alert_severity_parse(const char *s)
{
	static const struct {
		const char *name;
		enum alert_severity sev;
	} tab[] = {
		{"critical", SEV_CRITICAL}, {"page", SEV_CRITICAL},
		{"emergency", SEV_CRITICAL}, {"fatal", SEV_CRITICAL},
		{"error", SEV_ERROR},       {"high", SEV_ERROR},
		{"major", SEV_ERROR},       {"warning", SEV_WARNING},
		{"warn", SEV_WARNING},      {"medium", SEV_WARNING},
		{"minor", SEV_WARNING},     {"info", SEV_INFO},
		{"low", SEV_INFO},          {"notice", SEV_INFO},
		{"none", SEV_INFO},
	};
	size_t i;

	if (!s)
		return SEV_UNKNOWN;
	for (i = 0; i < ARRAY_LEN(tab); i++)
		if (str_casecmp_ascii(s, tab[i].name) == 0)
			return tab[i].sev;
	return SEV_UNKNOWN;
}

const char *alert_severity_str(enum alert_severity s)
{
	switch (s) {
	case SEV_CRITICAL: return "critical";
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	case SEV_INFO: return "info";
	default: return "unknown";
	}
}

const char *alert_state_str(enum alert_state s)
{
	switch (s) {
	case ALERT_ACTIVE: return "active";
	case ALERT_SILENCED: return "silenced";
	case ALERT_INHIBITED: return "inhibited";
	case ALERT_UNPROCESSED: return "unprocessed";
	default: return "unknown";
	}
}

const char *alert_name(const struct alert *a)
{
	const char *v = labelset_get(&a->labels, "alertname");

	return v ? v : "";
}

const char *alert_summary(const struct alert *a)
{
	static const char *const keys[] = {"summary", "description", "message"};
	const char *v;
	size_t i;

	for (i = 0; i < ARRAY_LEN(keys); i++) {
		v = labelset_get(&a->annotations, keys[i]);
		if (v && *v)
			return v;
	}
	return "";
}

/* ---- lifetime --------------------------------------------------------- */

/* A packed alert (alert_json.c) is one block, whose label and annotation
 * names and common values may point into the intern pool (never freed). It
 * is read-only (alert.h), so freeing it is freeing the block: nothing else
 * of it is read, which matters when tens of thousands go at once. */
static void packed_free(struct alert *a)
{
	if (a->pooled)
		alert_pool_free(a);
	else
		free(a);
}

struct alert *alert_ref(struct alert *a)
{
	if (a)
		a->refs++;
	return a;
}

void alert_free(struct alert *a)
{
	if (!a)
		return;
	if (a->refs) {
		a->refs--;
		return;
	}
	if (a->packed) {
		packed_free(a);
		return;
	}
	labelset_free(&a->labels);
	labelset_free(&a->annotations);
	free(a->fingerprint);
	free(a->starts_at);
	free(a->ends_at);
	free(a->updated_at);
	free(a->generator_url);
	free_strv(a->silenced_by, a->n_silenced_by);
	free_strv(a->inhibited_by, a->n_inhibited_by);
	free_strv(a->receivers, a->n_receivers);
	free(a->cluster);
	free(a);
}

struct alert *alert_dup(const struct alert *a)
{
	struct alert *r = xcalloc(1, sizeof *r);

	labels_copy_fast(&r->labels, &a->labels);
	labels_copy_fast(&r->annotations, &a->annotations);
	r->fingerprint = xstrdup(a->fingerprint ? a->fingerprint : "");
	r->starts_at = xstrdup(a->starts_at);
	r->ends_at = xstrdup(a->ends_at);
	r->updated_at = xstrdup(a->updated_at);
	r->generator_url = xstrdup(a->generator_url);
	r->starts = a->starts;
	r->ends = a->ends;
	r->state = a->state;
	r->severity = a->severity;
	r->silenced_by = dup_strv(a->silenced_by, a->n_silenced_by);
	r->n_silenced_by = a->n_silenced_by;
	r->inhibited_by = dup_strv(a->inhibited_by, a->n_inhibited_by);
	r->n_inhibited_by = a->n_inhibited_by;
	r->receivers = dup_strv(a->receivers, a->n_receivers);
	r->n_receivers = a->n_receivers;
	r->cluster = xstrdup(a->cluster);
	return r;
}

void alert_list_push(struct alert_list *l, struct alert *a)
{
	xgrow(&l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = a;
}

void alert_list_clear(struct alert_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i + 8 < l->n)
			__builtin_prefetch(l->v[i + 8]); /* only the header is read */
		alert_free(l->v[i]);
	}
	l->n = 0;
}

void alert_list_free(struct alert_list *l)
{
	alert_list_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

/* ---- encode ----------------------------------------------------------- */

static cJSON *labels_to_object(const struct labelset *ls)
{
	cJSON *o = xjson(cJSON_CreateObject());
	size_t i;

	for (i = 0; i < ls->n; i++)
		xjson_add(o, ls->v[i].name, xjson(cJSON_CreateString(ls->v[i].value)));
	return o;
}

static cJSON *strv_to_array(char *const *v, size_t n, const char *key)
{
	cJSON *arr = xjson(cJSON_CreateArray()), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		if (key) {
			o = xjson(cJSON_CreateObject());
			xjson_add(o, key, xjson(cJSON_CreateString(v[i])));
		} else {
			o = xjson(cJSON_CreateString(v[i]));
		}
		xjson_push(arr, o);
	}
	return arr;
}

/* A time as received, else formatted from epoch seconds, else null. */
static cJSON *time_to_json(const char *raw, double t)
{
	char tmp[40];

	if (raw)
		return xjson(cJSON_CreateString(raw));
	if (t == 0)
		return xjson(cJSON_CreateNull());
	rfc3339_format(t, tmp, sizeof tmp);
	return xjson(cJSON_CreateString(tmp));
}

static cJSON *alert_to_json(const struct alert *a, const char *runbook)
{
	cJSON *o = xjson(cJSON_CreateObject()), *st;
	const char *state;

	xjson_add(o, "labels", labels_to_object(&a->labels));
	xjson_add(o, "annotations", labels_to_object(&a->annotations));
	xjson_add(o, "startsAt", time_to_json(a->starts_at, a->starts));
	xjson_add(o, "endsAt", time_to_json(a->ends_at, a->ends));
	xjson_add(o, "updatedAt", jstr_or_null(a->updated_at));
	xjson_add(o, "fingerprint", xjson(cJSON_CreateString(a->fingerprint ? a->fingerprint : "")));
	xjson_add(o, "generatorURL", jstr_or_null(a->generator_url));
	xjson_add(o, "receivers", strv_to_array(a->receivers, a->n_receivers, "name"));
	st = xjson(cJSON_CreateObject());
	switch (a->state) {
	case ALERT_SILENCED:
	case ALERT_INHIBITED: state = "suppressed"; break;
	case ALERT_UNPROCESSED: state = "unprocessed"; break;
	default: state = "active"; break;
	}
	xjson_add(st, "state", xjson(cJSON_CreateString(state)));
	xjson_add(st, "silencedBy", strv_to_array(a->silenced_by, a->n_silenced_by, NULL));
	xjson_add(st, "inhibitedBy", strv_to_array(a->inhibited_by, a->n_inhibited_by, NULL));
	xjson_add(o, "status", st);
	xjson_add(o, "cluster", jstr_or_null(a->cluster));
	xjson_add(o, "runbook", jstr_or_null(runbook));
	return o;
}

/* One compact alert per line, so the output greps and streams well. */
char *alert_list_to_json(const struct alert_list *l,
                         const char *(*runbook_of)(const struct alert *, void *), void *data)
{
	struct buf b = {0};
	cJSON *o;
	char *s;
	size_t i;

	buf_putc(&b, '[');
	for (i = 0; i < l->n; i++) {
		o = alert_to_json(l->v[i], runbook_of ? runbook_of(l->v[i], data) : NULL);
		s = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (!s)
			xjson_oom();
		buf_puts(&b, i ? ",\n" : "\n");
		buf_puts(&b, s);
		cJSON_free(s);
	}
	buf_puts(&b, l->n ? "\n]" : "]");
	return buf_steal(&b);
}

/* ---- merge, sort, find ------------------------------------------------ */

static uint64_t key_hash(const char *cluster, const char *fp)
{
	uint64_t h = fnv_add(fnv_add(FNV_OFFSET, cluster), fp);

	return h ^ (h >> 29);
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* Open addressing over indices into l->v. A slot holds the key's hash in
 * its high 32 bits and the index in its low 32 (KEY_EMPTY: none), so a
 * probe reads the table only and touches an alert (cold, with tens of
 * thousands of them) only when the hashes match. */
#define KEY_EMPTY UINT64_MAX

struct key_set {
	uint64_t *slot; /* owned array of mask + 1 */
	size_t mask;
};

/* The slot holding a's key, or the empty slot where it would go; *tag is
 * what the slot's high half holds for a. */
static uint64_t *key_set_slot(struct key_set *ks, const struct alert_list *l,
                              const struct alert *a, uint64_t *tag)
{
	const struct alert *b;
	uint64_t h = key_hash(nz(a->cluster), nz(a->fingerprint));
	size_t i = (size_t)h & ks->mask;

	*tag = h & 0xffffffff00000000ULL;
	for (; ks->slot[i] != KEY_EMPTY; i = (i + 1) & ks->mask) {
		if ((ks->slot[i] & 0xffffffff00000000ULL) != *tag)
			continue;
		b = l->v[ks->slot[i] & 0xffffffffU];
		if (strcmp(nz(a->fingerprint), nz(b->fingerprint)) == 0 &&
		    strcmp(nz(a->cluster), nz(b->cluster)) == 0)
			break;
	}
	return &ks->slot[i];
}

enum merge_mode { MERGE_COPY, MERGE_REF, MERGE_TAKE };

static void merge(struct alert_list *dst, struct alert_list *src, enum merge_mode mode)
{
	struct key_set ks;
	size_t size = 16, i, total = dst->n + src->n;
	uint64_t *slot, tag;

	if (!src->n)
		return;
	if (total >= 0xffffffffU)
		abort(); /* the slot's index half; bodies are capped far below */
	while (size * 4 < total * 5) /* at most 80 % full: the tags keep probes cheap */
		size *= 2;
	ks.slot = xmalloc(size * sizeof *ks.slot);
	memset(ks.slot, 0xff, size * sizeof *ks.slot);
	ks.mask = size - 1;
	xgrow(&dst->v, &dst->cap, total, sizeof *dst->v);
	/* dst may itself hold duplicates (pushed directly): index the first,
	 * keep them all. */
	for (i = 0; i < dst->n; i++) {
		slot = key_set_slot(&ks, dst, dst->v[i], &tag);
		if (*slot == KEY_EMPTY)
			*slot = tag | i;
	}
	for (i = 0; i < src->n; i++) {
		struct alert *a = src->v[i];

		alert_list_prefetch(src, i);
		slot = key_set_slot(&ks, dst, a, &tag);
		if (*slot != KEY_EMPTY) {
			if (mode == MERGE_TAKE)
				alert_free(a);
			continue;
		}
		dst->v[dst->n++] = mode == MERGE_COPY ? alert_dup(a) :
		                   mode == MERGE_REF ? alert_ref(a) : a;
		*slot = tag | (dst->n - 1);
	}
	if (mode == MERGE_TAKE)
		src->n = 0;
	free(ks.slot);
}

void alert_list_merge(struct alert_list *dst, const struct alert_list *src)
{
	merge(dst, (struct alert_list *)src, MERGE_COPY);
}

void alert_list_merge_ref(struct alert_list *dst, const struct alert_list *src)
{
	merge(dst, (struct alert_list *)src, MERGE_REF);
}

void alert_list_merge_take(struct alert_list *dst, struct alert_list *src)
{
	merge(dst, src, MERGE_TAKE);
}

/* The sort key of one alert, taken once: a comparison then reads no label
 * set (alert_name scans one), and names shared through the intern pool
 * compare equal by pointer. */
struct sort_key {
	const char *name;
	double starts;
	struct alert *a;
	int severity;
};

static int key_cmp(const struct sort_key *x, const struct sort_key *y)
{
	int c;

	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	if (x->starts != y->starts)
		return x->starts > y->starts ? -1 : 1;
	if (x->name != y->name && (c = strcmp(x->name, y->name)) != 0)
		return c;
	c = strcmp(nz(x->a->fingerprint), nz(y->a->fingerprint));
	if (c)
		return c;
	return strcmp(nz(x->a->cluster), nz(y->a->cluster));
}

/* Sort k[0, n) in place: quicksort (median of three) down to short runs,
 * then insertion sort; past a depth of 2 log n a heap sort, so hostile
 * input cannot make it quadratic. Not qsort: glibc's merge sort takes a
 * second array as big as k, fresh memory that costs a page fault per 4 KiB
 * (~800 at 50k alerts). Keys are distinct (cluster and fingerprint end the
 * order), so stability is not needed. */
static void key_swap(struct sort_key *a, struct sort_key *b)
{
	struct sort_key t = *a;

	*a = *b;
	*b = t;
}

static void key_sift(struct sort_key *k, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			return;
		if (c + 1 < n && key_cmp(&k[c], &k[c + 1]) < 0)
			c++;
		if (key_cmp(&k[i], &k[c]) >= 0)
			return;
		key_swap(&k[i], &k[c]);
		i = c;
	}
}

static void key_heapsort(struct sort_key *k, size_t n)
{
	size_t i;

	for (i = n / 2; i-- > 0;)
		key_sift(k, i, n);
	for (i = n; i-- > 1;) {
		key_swap(&k[0], &k[i]);
		key_sift(k, 0, i);
	}
}

static void key_sort(struct sort_key *k, size_t n, unsigned depth)
{
	while (n > 16) {
		size_t m = n / 2, i, j;

		if (depth-- == 0) {
			key_heapsort(k, n);
			return;
		}
		/* median of k[0], k[m], k[n-1] into k[0] as the pivot */
		if (key_cmp(&k[m], &k[0]) < 0)
			key_swap(&k[m], &k[0]);
		if (key_cmp(&k[n - 1], &k[m]) < 0) {
			key_swap(&k[n - 1], &k[m]);
			if (key_cmp(&k[m], &k[0]) < 0)
				key_swap(&k[m], &k[0]);
		}
		key_swap(&k[0], &k[m]);
		i = 0;
		j = n;
		for (;;) {
			do
				i++;
			while (i < n - 1 && key_cmp(&k[i], &k[0]) < 0);
			do
				j--;
			while (key_cmp(&k[0], &k[j]) < 0); /* stops at k[0] at the latest */
			if (i >= j)
				break;
			key_swap(&k[i], &k[j]);
		}
		key_swap(&k[0], &k[j]);
		/* recurse into the smaller side, loop on the bigger */
		if (j < n - j - 1) {
			key_sort(k, j, depth);
			k += j + 1;
			n -= j + 1;
		} else {
			key_sort(k + j + 1, n - j - 1, depth);
			n = j;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct sort_key t = k[i];
		size_t j = i;

		for (; j > 0 && key_cmp(&t, &k[j - 1]) < 0; j--)
			k[j] = k[j - 1];
		k[j] = t;
	}
}

static void key_of(struct alert *a, struct sort_key *k)
{
	k->name = alert_name(a);
	k->starts = a->starts;
	k->a = a;
	k->severity = (int)a->severity;
}

void alert_list_sort(struct alert_list *l)
{
	struct sort_key *k, prev, cur;
	size_t i;

	if (l->n < 2)
		return;
	key_of(l->v[0], &prev);
	for (i = 1; i < l->n; i++, prev = cur) {
		alert_list_prefetch(l, i);
		key_of(l->v[i], &cur);
		if (key_cmp(&prev, &cur) > 0)
			break;
	}
	if (i == l->n)
		return; /* already sorted: one pass */
	k = xmalloc(l->n * sizeof *k);
	for (i = 0; i < l->n; i++) {
		alert_list_prefetch(l, i);
		key_of(l->v[i], &k[i]);
	}
	{
		unsigned depth = 0;
		size_t m;

		for (m = l->n; m > 1; m >>= 1)
			depth += 2;
		key_sort(k, l->n, depth);
	}
	for (i = 0; i < l->n; i++)
		l->v[i] = k[i].a;
	free(k);
}

long alert_list_find(const struct alert_list *l, const char *cluster, const char *fingerprint)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(nz(l->v[i]->fingerprint), nz(fingerprint)) == 0 &&
		    strcmp(nz(l->v[i]->cluster), nz(cluster)) == 0)
			return (long)i;
	return -1;
}
