/* alert.c: the alert model. Decodes Alertmanager API v2 alert lists with
 * cJSON, encodes the `pagetty alerts --json` array, merges clusters and
 * dedupes HA peers through a hash of (cluster, fingerprint), sorts for the
 * Alerts view, and parses/formats RFC 3339 times without touching the C
 * library's time zone or locale. Values are kept raw: sanitizing is the
 * display's job. */
#include "alert.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

/* ---- small helpers ---------------------------------------------------- */

/* cJSON's builders return NULL on OOM; pagetty aborts on OOM. */
static void cjson_oom(void)
{
	fputs("pagetty: out of memory (cJSON)\n", stderr);
	abort();
}

static cJSON *jchk(cJSON *j)
{
	if (!j)
		cjson_oom();
	return j;
}

static void jadd(cJSON *obj, const char *name, cJSON *item)
{
	if (!cJSON_AddItemToObject(obj, name, item))
		cjson_oom();
}

static void jpush(cJSON *arr, cJSON *item)
{
	if (!cJSON_AddItemToArray(arr, item))
		cjson_oom();
}

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
	return jchk(s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static const char *json_kind(const cJSON *j)
{
	if (cJSON_IsObject(j))
		return "an object";
	if (cJSON_IsString(j))
		return "a string";
	if (cJSON_IsNumber(j))
		return "a number";
	if (cJSON_IsBool(j))
		return "a boolean";
	if (cJSON_IsNull(j))
		return "null";
	return "something else";
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

void alert_free(struct alert *a)
{
	if (!a)
		return;
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

	for (i = 0; i < l->n; i++)
		alert_free(l->v[i]);
	l->n = 0;
}

void alert_list_free(struct alert_list *l)
{
	alert_list_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

/* ---- decode ----------------------------------------------------------- */

struct kv_ord {
	struct kv kv;
	size_t ord;
};

static int kv_ord_cmp(const void *a, const void *b)
{
	const struct kv_ord *x = a, *y = b;
	int c = strcmp(x->kv.name, y->kv.name);

	if (c)
		return c;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* A JSON object of strings into ls, sorted by name; a repeated name keeps
 * its last value (as a JSON decoder that builds a map would). O(n log n).
 * Returns -1 when obj is not an object of strings. */
static int labels_from_object(const cJSON *obj, struct labelset *ls)
{
	struct kv_ord *t = NULL;
	size_t n = 0, cap = 0, i, k;
	const cJSON *it;

	if (!cJSON_IsObject(obj))
		return -1;
	cJSON_ArrayForEach(it, obj) {
		if (!cJSON_IsString(it) || !it->string)
			goto fail;
		xgrow(&t, &cap, n + 1, sizeof *t);
		t[n].kv.name = xstrdup(it->string);
		t[n].kv.value = xstrdup(it->valuestring);
		t[n].ord = n;
		n++;
	}
	if (n > 1)
		qsort(t, n, sizeof *t, kv_ord_cmp);
	ls->v = n ? xcalloc(n, sizeof *ls->v) : NULL;
	ls->cap = n;
	ls->n = 0;
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && strcmp(t[k].kv.name, t[i].kv.name) == 0; k++)
			;
		/* t[k-1] is the last occurrence: keep it, free the others. */
		for (size_t j = i; j + 1 < k; j++) {
			free(t[j].kv.name);
			free(t[j].kv.value);
		}
		ls->v[ls->n++] = t[k - 1].kv;
	}
	free(t);
	return 0;
fail:
	for (i = 0; i < n; i++) {
		free(t[i].kv.name);
		free(t[i].kv.value);
	}
	free(t);
	return -1;
}

/* A JSON array of strings (or, with key, of objects whose key is a string). */
static int strv_from_array(const cJSON *arr, const char *key, char ***out, size_t *n_out)
{
	size_t n = 0, cap = 0;
	char **v = NULL;
	const cJSON *it, *s;

	if (!cJSON_IsArray(arr))
		return -1;
	cJSON_ArrayForEach(it, arr) {
		s = key ? cJSON_GetObjectItemCaseSensitive(it, key) : it;
		if (!cJSON_IsString(s)) {
			free_strv(v, n);
			return -1;
		}
		xgrow(&v, &cap, n + 1, sizeof *v);
		v[n++] = xstrdup(s->valuestring);
	}
	*out = v;
	*n_out = n;
	return 0;
}

/* An optional string member: absent or null leaves *out NULL. */
static int opt_string(const cJSON *j, char **out)
{
	if (cJSON_IsNull(j))
		return 0;
	if (!cJSON_IsString(j))
		return -1;
	free(*out);
	*out = xstrdup(j->valuestring);
	return 0;
}

static int decode_status(const cJSON *st, struct alert *a)
{
	const cJSON *it;
	const char *state = NULL;

	if (!cJSON_IsObject(st))
		return -1;
	cJSON_ArrayForEach(it, st) {
		if (!it->string)
			return -1;
		if (strcmp(it->string, "state") == 0) {
			if (!cJSON_IsString(it))
				return -1;
			state = it->valuestring;
		} else if (strcmp(it->string, "silencedBy") == 0) {
			free_strv(a->silenced_by, a->n_silenced_by);
			a->silenced_by = NULL;
			a->n_silenced_by = 0;
			if (!cJSON_IsNull(it) &&
			    strv_from_array(it, NULL, &a->silenced_by, &a->n_silenced_by))
				return -1;
		} else if (strcmp(it->string, "inhibitedBy") == 0) {
			free_strv(a->inhibited_by, a->n_inhibited_by);
			a->inhibited_by = NULL;
			a->n_inhibited_by = 0;
			if (!cJSON_IsNull(it) &&
			    strv_from_array(it, NULL, &a->inhibited_by, &a->n_inhibited_by))
				return -1;
		}
	}
	if (!state)
		return -1;
	/* Unknown states show as active: hiding an alert is worse than
	 * showing one too many. "suppressed" by neither a silence nor an
	 * inhibition (mute time intervals) counts as silenced. */
	if (state && strcmp(state, "suppressed") == 0)
		a->state = a->n_silenced_by ? ALERT_SILENCED :
		           a->n_inhibited_by ? ALERT_INHIBITED : ALERT_SILENCED;
	else if (state && strcmp(state, "unprocessed") == 0)
		a->state = ALERT_UNPROCESSED;
	else
		a->state = ALERT_ACTIVE;
	return 0;
}

/* Alertmanager's fingerprint of a label set (model.LabelSet.Fingerprint):
 * FNV-1a 64 over the names in order, each name and value followed by 0xff.
 * Used when a body carries no fingerprint, so dedupe still works. */
static char *labels_fingerprint(const struct labelset *ls)
{
	uint64_t h = FNV_OFFSET;
	size_t i;

	/* ls is sorted by name (labels_from_object) */
	for (i = 0; i < ls->n; i++)
		h = fnv_add(fnv_add(h, ls->v[i].name), ls->v[i].value);
	return xasprintf("%016llx", (unsigned long long)h);
}

/* One element of the array; NULL when it must be skipped. Required, as in
 * Alertmanager's OpenAPI spec and enough to tell an alert from an alert
 * group: labels, fingerprint, status.state. The rest is optional, but a
 * member of the wrong type skips the alert. */
static struct alert *decode_alert(const cJSON *j, const char *cluster)
{
	struct alert *a;
	const cJSON *it;
	bool have_labels = false, have_fp = false, have_status = false;

	if (!cJSON_IsObject(j))
		return NULL;
	a = xcalloc(1, sizeof *a);
	cJSON_ArrayForEach(it, j) {
		const char *k = it->string;

		if (!k)
			goto fail;
		if (strcmp(k, "labels") == 0) {
			labelset_free(&a->labels);
			if (labels_from_object(it, &a->labels))
				goto fail;
			have_labels = true;
		} else if (strcmp(k, "annotations") == 0) {
			labelset_free(&a->annotations);
			if (!cJSON_IsNull(it) && labels_from_object(it, &a->annotations))
				goto fail;
		} else if (strcmp(k, "fingerprint") == 0) {
			if (!cJSON_IsString(it) || opt_string(it, &a->fingerprint))
				goto fail;
			have_fp = true;
		} else if (strcmp(k, "startsAt") == 0) {
			if (opt_string(it, &a->starts_at))
				goto fail;
		} else if (strcmp(k, "endsAt") == 0) {
			if (opt_string(it, &a->ends_at))
				goto fail;
		} else if (strcmp(k, "updatedAt") == 0) {
			if (opt_string(it, &a->updated_at))
				goto fail;
		} else if (strcmp(k, "generatorURL") == 0) {
			if (opt_string(it, &a->generator_url))
				goto fail;
		} else if (strcmp(k, "receivers") == 0) {
			free_strv(a->receivers, a->n_receivers);
			a->receivers = NULL;
			a->n_receivers = 0;
			if (!cJSON_IsNull(it) &&
			    strv_from_array(it, "name", &a->receivers, &a->n_receivers))
				goto fail;
		} else if (strcmp(k, "status") == 0) {
			if (decode_status(it, a))
				goto fail;
			have_status = true;
		}
	}
	if (!have_labels || !have_fp || !have_status)
		goto fail;
	if (!*a->fingerprint) { /* e.g. an alert built by hand, then encoded */
		free(a->fingerprint);
		a->fingerprint = labels_fingerprint(&a->labels);
	}
	if (a->starts_at && rfc3339_parse(a->starts_at, &a->starts))
		a->starts = 0;
	if (a->ends_at && rfc3339_parse(a->ends_at, &a->ends))
		a->ends = 0;
	a->severity = alert_severity_parse(labelset_get(&a->labels, "severity"));
	a->cluster = xstrdup(cluster ? cluster : "");
	return a;
fail:
	alert_free(a);
	return NULL;
}

/* Parse a whole body; -1 with "invalid JSON near byte N" (also for trailing
 * data after the value). silence.c keeps its own copy of these few lines. */
static cJSON *parse_body(const char *buf, size_t len, char *err)
{
	const char *end = NULL;
	cJSON *root;
	size_t i;

	if (!buf || !len) {
		errf(err, "invalid JSON near byte 0: empty body");
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!root) {
		errf(err, "invalid JSON near byte %zu",
		     end && end >= buf ? (size_t)(end - buf) : (size_t)0);
		return NULL;
	}
	for (i = end ? (size_t)(end - buf) : len; i < len; i++) {
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r' &&
		    buf[i] != '\0') {
			cJSON_Delete(root);
			errf(err, "invalid JSON near byte %zu: data after the end", i);
			return NULL;
		}
	}
	return root;
}

/* Appends to out; on -1, out is untouched. */
int alert_list_from_json(const char *buf, size_t len, const char *cluster,
                         struct alert_list *out, size_t *skipped, char err[ERR_MAX])
{
	cJSON *root;
	const cJSON *it;
	struct alert *a;
	size_t skip = 0;

	if (skipped)
		*skipped = 0;
	root = parse_body(buf, len, err);
	if (!root)
		return -1;
	if (!cJSON_IsArray(root)) {
		errf(err, "expected a JSON array of alerts, got %s", json_kind(root));
		cJSON_Delete(root);
		return -1;
	}
	cJSON_ArrayForEach(it, root) {
		a = decode_alert(it, cluster);
		if (a)
			alert_list_push(out, a);
		else
			skip++;
	}
	cJSON_Delete(root);
	if (skipped)
		*skipped = skip;
	return 0;
}

/* ---- encode ----------------------------------------------------------- */

static cJSON *labels_to_object(const struct labelset *ls)
{
	cJSON *o = jchk(cJSON_CreateObject());
	size_t i;

	for (i = 0; i < ls->n; i++)
		jadd(o, ls->v[i].name, jchk(cJSON_CreateString(ls->v[i].value)));
	return o;
}

static cJSON *strv_to_array(char *const *v, size_t n, const char *key)
{
	cJSON *arr = jchk(cJSON_CreateArray()), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		if (key) {
			o = jchk(cJSON_CreateObject());
			jadd(o, key, jchk(cJSON_CreateString(v[i])));
		} else {
			o = jchk(cJSON_CreateString(v[i]));
		}
		jpush(arr, o);
	}
	return arr;
}

/* A time as received, else formatted from epoch seconds, else null. */
static cJSON *time_to_json(const char *raw, double t)
{
	char tmp[40];

	if (raw)
		return jchk(cJSON_CreateString(raw));
	if (t == 0)
		return jchk(cJSON_CreateNull());
	rfc3339_format(t, tmp, sizeof tmp);
	return jchk(cJSON_CreateString(tmp));
}

static cJSON *alert_to_json(const struct alert *a, const char *runbook)
{
	cJSON *o = jchk(cJSON_CreateObject()), *st;
	const char *state;

	jadd(o, "labels", labels_to_object(&a->labels));
	jadd(o, "annotations", labels_to_object(&a->annotations));
	jadd(o, "startsAt", time_to_json(a->starts_at, a->starts));
	jadd(o, "endsAt", time_to_json(a->ends_at, a->ends));
	jadd(o, "updatedAt", jstr_or_null(a->updated_at));
	jadd(o, "fingerprint", jchk(cJSON_CreateString(a->fingerprint ? a->fingerprint : "")));
	jadd(o, "generatorURL", jstr_or_null(a->generator_url));
	jadd(o, "receivers", strv_to_array(a->receivers, a->n_receivers, "name"));
	st = jchk(cJSON_CreateObject());
	switch (a->state) {
	case ALERT_SILENCED:
	case ALERT_INHIBITED: state = "suppressed"; break;
	case ALERT_UNPROCESSED: state = "unprocessed"; break;
	default: state = "active"; break;
	}
	jadd(st, "state", jchk(cJSON_CreateString(state)));
	jadd(st, "silencedBy", strv_to_array(a->silenced_by, a->n_silenced_by, NULL));
	jadd(st, "inhibitedBy", strv_to_array(a->inhibited_by, a->n_inhibited_by, NULL));
	jadd(o, "status", st);
	jadd(o, "cluster", jstr_or_null(a->cluster));
	jadd(o, "runbook", jstr_or_null(runbook));
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
			cjson_oom();
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

/* Open addressing over indices into l->v (SIZE_MAX = empty slot). */
struct key_set {
	size_t *slot; /* owned array of mask + 1 */
	size_t mask;
};

/* The slot holding a's key, or the empty slot where it would go. */
static size_t *key_set_slot(struct key_set *ks, const struct alert_list *l,
                            const struct alert *a)
{
	const struct alert *b;
	size_t i = (size_t)key_hash(nz(a->cluster), nz(a->fingerprint)) & ks->mask;

	for (; ks->slot[i] != SIZE_MAX; i = (i + 1) & ks->mask) {
		b = l->v[ks->slot[i]];
		if (strcmp(nz(a->fingerprint), nz(b->fingerprint)) == 0 &&
		    strcmp(nz(a->cluster), nz(b->cluster)) == 0)
			break;
	}
	return &ks->slot[i];
}

void alert_list_merge(struct alert_list *dst, const struct alert_list *src)
{
	struct key_set ks;
	size_t size = 16, i, total = dst->n + src->n, *slot;

	if (!src->n)
		return;
	while (size < total * 2)
		size *= 2;
	ks.slot = xmalloc(size * sizeof *ks.slot);
	memset(ks.slot, 0xff, size * sizeof *ks.slot);
	ks.mask = size - 1;
	/* dst may itself hold duplicates (pushed directly): index the first,
	 * keep them all. */
	for (i = 0; i < dst->n; i++) {
		slot = key_set_slot(&ks, dst, dst->v[i]);
		if (*slot == SIZE_MAX)
			*slot = i;
	}
	for (i = 0; i < src->n; i++) {
		slot = key_set_slot(&ks, dst, src->v[i]);
		if (*slot != SIZE_MAX)
			continue;
		alert_list_push(dst, alert_dup(src->v[i]));
		*slot = dst->n - 1;
	}
	free(ks.slot);
}

static int alert_cmp(const void *pa, const void *pb)
{
	const struct alert *a = *(const struct alert *const *)pa;
	const struct alert *b = *(const struct alert *const *)pb;
	int c;

	if (a->severity != b->severity)
		return a->severity < b->severity ? -1 : 1;
	if (a->starts != b->starts)
		return a->starts > b->starts ? -1 : 1;
	c = strcmp(alert_name(a), alert_name(b));
	if (c)
		return c;
	c = strcmp(nz(a->fingerprint), nz(b->fingerprint));
	if (c)
		return c;
	return strcmp(nz(a->cluster), nz(b->cluster));
}

void alert_list_sort(struct alert_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, alert_cmp);
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
