/* promql.c: decode Prometheus query API answers (vector, matrix, scalar,
 * string, errors, warnings) with cJSON, and quote values as PromQL string
 * literals. Every body is untrusted: wrong types are skipped or reported,
 * never trusted. */
#include "promql.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* A message from the body into err, sanitized and one line. */
static int promql_err_text(char err[ERR_MAX], const char *prefix, const char *s, size_t n)
{
	size_t i;
	char *clean;

	for (i = 0; i < n && s[i] != '\n' && s[i] != '\r'; i++)
		;
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	clean = text_sanitize(s, i, 0, 160);
	errf(err, "%s%s", prefix, clean);
	free(clean);
	return -1;
}

int promql_parse_value(const char *s, double *v)
{
	char *end;
	double d;

	if (!s || !*s)
		return -1;
	if (!strcmp(s, "NaN")) {
		*v = NAN;
		return 0;
	}
	if (!strcmp(s, "+Inf") || !strcmp(s, "Inf")) {
		*v = INFINITY;
		return 0;
	}
	if (!strcmp(s, "-Inf")) {
		*v = -INFINITY;
		return 0;
	}
	/* strtod would also take "nan(...)", "infinity", hex and leading
	 * blanks; Prometheus never sends those, so only plain decimals pass. */
	if (strspn(s, "0123456789+-.eE") != strlen(s))
		return -1;
	errno = 0;
	d = strtod(s, &end);
	if (end == s || *end)
		return -1;
	*v = d;
	return 0;
}

/* [t, "v"] -> sample. -1 when malformed. */
static int promql_sample(const cJSON *pair, struct promql_sample *out)
{
	const cJSON *t, *v;

	if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2)
		return -1;
	t = cJSON_GetArrayItem(pair, 0);
	v = cJSON_GetArrayItem(pair, 1);
	if (!cJSON_IsNumber(t) || !isfinite(t->valuedouble))
		return -1;
	out->t = t->valuedouble;
	if (cJSON_IsString(v))
		return promql_parse_value(v->valuestring, &out->v);
	if (cJSON_IsNumber(v)) { /* not Prometheus, but harmless */
		out->v = v->valuedouble;
		return 0;
	}
	return -1;
}

static void promql_metric(const cJSON *m, struct labelset *ls)
{
	const cJSON *kv;

	if (!cJSON_IsObject(m))
		return;
	cJSON_ArrayForEach(kv, m) {
		if (kv->string && cJSON_IsString(kv))
			labelset_add(ls, kv->string, kv->valuestring);
	}
	labelset_dedupe(ls); /* a name given twice: the last value, as before */
	labelset_sort(ls);
}

static struct promql_series *promql_add_series(struct promql_result *res, size_t *cap)
{
	struct promql_series *s;

	xgrow(&res->series, cap, res->n_series + 1, sizeof(*res->series));
	s = &res->series[res->n_series++];
	memset(s, 0, sizeof(*s));
	return s;
}

static int promql_vector(const cJSON *r, struct promql_result *res, bool matrix,
                         char err[ERR_MAX])
{
	const cJSON *item;
	size_t cap = 0;

	if (!cJSON_IsArray(r))
		return errf(err, "invalid answer: result is not a list");
	cJSON_ArrayForEach(item, r) {
		struct promql_series *s;
		const cJSON *vals;
		size_t scap = 0;

		if (!cJSON_IsObject(item)) {
			res->dropped++;
			continue;
		}
		vals = cJSON_GetObjectItemCaseSensitive(item, matrix ? "values" : "value");
		/* A native histogram ("histogram"/"histograms") has no float
		 * value; the series is kept with no samples and counted. */
		s = promql_add_series(res, &cap);
		promql_metric(cJSON_GetObjectItemCaseSensitive(item, "metric"), &s->metric);
		if (!matrix) {
			struct promql_sample smp;
			if (vals && promql_sample(vals, &smp) == 0) {
				s->samples = xmalloc(sizeof(*s->samples));
				s->samples[0] = smp;
				s->n = 1;
			} else {
				res->dropped++;
			}
			continue;
		}
		if (!cJSON_IsArray(vals)) {
			res->dropped += vals || cJSON_GetObjectItemCaseSensitive(item, "histograms");
			continue;
		}
		const cJSON *pair;
		cJSON_ArrayForEach(pair, vals) {
			struct promql_sample smp;
			if (promql_sample(pair, &smp) < 0) {
				res->dropped++;
				continue;
			}
			xgrow(&s->samples, &scap, s->n + 1, sizeof(*s->samples));
			s->samples[s->n++] = smp;
		}
	}
	return 0;
}

static void promql_warnings(const cJSON *root, struct promql_result *res)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "warnings"), *it;
	size_t cap = 0;

	if (!cJSON_IsArray(w))
		return;
	cJSON_ArrayForEach(it, w) {
		if (!cJSON_IsString(it))
			continue;
		xgrow(&res->warnings, &cap, res->n_warnings + 1, sizeof(*res->warnings));
		res->warnings[res->n_warnings++] = xstrdup(it->valuestring);
	}
}

static int promql_data(const cJSON *data, struct promql_result *res, char err[ERR_MAX])
{
	const cJSON *type, *r;
	const char *ts;

	if (!cJSON_IsObject(data))
		return errf(err, "invalid answer: no data");
	type = cJSON_GetObjectItemCaseSensitive(data, "resultType");
	r = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (!cJSON_IsString(type) || !r)
		return errf(err, "invalid answer: no resultType or result");
	ts = type->valuestring;
	if (!strcmp(ts, "vector")) {
		res->type = PROMQL_VECTOR;
		return promql_vector(r, res, false, err);
	}
	if (!strcmp(ts, "matrix")) {
		res->type = PROMQL_MATRIX;
		return promql_vector(r, res, true, err);
	}
	if (!strcmp(ts, "scalar") || !strcmp(ts, "string")) {
		struct promql_sample smp;
		struct promql_series *s;
		size_t cap = 0;
		bool str = ts[1] == 't';
		const cJSON *v = cJSON_GetArrayItem(r, 1);

		if (str) {
			if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) != 2 || !cJSON_IsString(v) ||
			    !cJSON_IsNumber(cJSON_GetArrayItem(r, 0)))
				return errf(err, "invalid answer: malformed string result");
			smp.t = cJSON_GetArrayItem(r, 0)->valuedouble;
			smp.v = NAN;
			res->string = xstrdup(v->valuestring);
		} else if (promql_sample(r, &smp) < 0) {
			return errf(err, "invalid answer: malformed scalar result");
		}
		res->type = str ? PROMQL_STRING : PROMQL_SCALAR;
		s = promql_add_series(res, &cap);
		s->samples = xmalloc(sizeof(*s->samples));
		s->samples[0] = smp;
		s->n = 1;
		return 0;
	}
	return promql_err_text(err, "invalid answer: unknown resultType ", ts, strlen(ts));
}

static void promql_clear_series(struct promql_result *res)
{
	size_t i;

	for (i = 0; i < res->n_series; i++) {
		labelset_free(&res->series[i].metric);
		free(res->series[i].samples);
	}
	free(res->series);
	res->series = NULL;
	res->n_series = 0;
	free(res->string);
	res->string = NULL;
	res->type = PROMQL_NONE;
}

int promql_decode(const char *body, size_t len, long status, struct promql_result *res,
                  char err[ERR_MAX])
{
	cJSON *root;
	const cJSON *st;
	size_t i;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (!body)
		len = 0;
	for (i = 0; i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' ||
	                        body[i] == '\t'); i++)
		;
	if (i == len || body[i] != '{') {
		/* Not JSON: the plain-text 404 of a wrong path or prefix, an HTML
		 * error page of a proxy. */
		char prefix[32];
		if (i == len) {
			if (status)
				return errf(err, "HTTP %ld: empty answer", status);
			return errf(err, "empty answer");
		}
		if (status && (status < 200 || status > 299))
			snprintf(prefix, sizeof(prefix), "HTTP %ld: ", status);
		else
			snprintf(prefix, sizeof(prefix), "not a query API answer: ");
		return promql_err_text(err, prefix, body + i, len - i);
	}
	root = cJSON_ParseWithLength(body, len);
	if (!root) {
		if (status && (status < 200 || status > 299))
			return errf(err, "HTTP %ld: invalid JSON answer", status);
		return errf(err, "invalid JSON answer");
	}
	if (!cJSON_IsObject(root)) {
		errf(err, "invalid answer: not a JSON object");
		goto out;
	}
	promql_warnings(root, res);
	st = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (cJSON_IsString(st) && !strcmp(st->valuestring, "success")) {
		rc = promql_data(cJSON_GetObjectItemCaseSensitive(root, "data"), res, err);
		if (rc < 0)
			promql_clear_series(res);
		goto out;
	}
	if (cJSON_IsString(st) && !strcmp(st->valuestring, "error")) {
		const cJSON *et = cJSON_GetObjectItemCaseSensitive(root, "errorType");
		const cJSON *em = cJSON_GetObjectItemCaseSensitive(root, "error");
		const char *m = cJSON_IsString(em) ? em->valuestring : "no message";
		char *prefix;

		if (cJSON_IsString(et) && *et->valuestring)
			res->error_type = xstrdup(et->valuestring);
		prefix = res->error_type ? text_sanitize(res->error_type, strlen(res->error_type), 0, 40)
		                         : xasprintf("HTTP %ld", status);
		char *p2 = xasprintf("%s: ", prefix);
		promql_err_text(err, p2, m, strlen(m));
		free(p2);
		free(prefix);
		goto out;
	}
	if (status && (status < 200 || status > 299))
		errf(err, "HTTP %ld: answer has no status", status);
	else
		errf(err, "invalid answer: no \"status\"");
out:
	cJSON_Delete(root);
	return rc;
}

void promql_result_free(struct promql_result *res)
{
	size_t i;

	if (!res)
		return;
	promql_clear_series(res);
	for (i = 0; i < res->n_warnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	free(res->error_type);
	memset(res, 0, sizeof(*res));
}

char *promql_series_label(const struct promql_result *res, size_t i, size_t n, size_t max_bytes)
{
	const struct labelset *ls;
	struct buf b = {0};
	char *out;
	size_t k, j;
	bool *sorted;

	if (n > res->n_series)
		n = res->n_series;
	if (i >= n || n < 2)
		return xstrdup("");
	/* promql_parse() sorts every metric: look names up in O(log n) there */
	sorted = xcalloc(n, sizeof *sorted);
	for (j = 0; j < n; j++)
		sorted[j] = labelset_is_sorted(&res->series[j].metric);
	ls = &res->series[i].metric;
	for (k = 0; k < ls->n; k++) {
		const struct kv *l = &ls->v[k];
		bool same = true;

		for (j = 0; j < n && same; j++) {
			const struct labelset *m = &res->series[j].metric;
			const char *o = sorted[j] ? labelset_get_sorted(m, l->name) : labelset_get(m, l->name);
			same = o && !strcmp(o, l->value);
		}
		if (same)
			continue;
		if (b.len)
			buf_putc(&b, ',');
		if (strcmp(l->name, "__name__"))
			buf_printf(&b, "%s=%s", l->name, l->value);
		else
			buf_puts(&b, l->value);
	}
	out = text_sanitize(b.data ? b.data : "", b.len, 0, max_bytes);
	buf_free(&b);
	free(sorted);
	return out;
}

double promql_result_value(const struct promql_result *res)
{
	if (!res || (res->type != PROMQL_VECTOR && res->type != PROMQL_SCALAR) ||
	    res->n_series == 0 || res->series[0].n == 0)
		return NAN;
	return res->series[0].samples[0].v;
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t promql_utf8_len(const unsigned char *s, size_t n)
{
	size_t need, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

char *promql_quote(const char *s)
{
	struct buf b = {0};
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0;

	buf_putc(&b, '"');
	while (i < n) {
		unsigned char c = p[i];
		size_t l;

		switch (c) {
		case '"': buf_puts(&b, "\\\""); i++; continue;
		case '\\': buf_puts(&b, "\\\\"); i++; continue;
		case '\n': buf_puts(&b, "\\n"); i++; continue;
		case '\t': buf_puts(&b, "\\t"); i++; continue;
		case '\r': buf_puts(&b, "\\r"); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			buf_printf(&b, "\\x%02x", c);
			i++;
			continue;
		}
		l = promql_utf8_len(p + i, n - i);
		if (l == 0) {
			buf_printf(&b, "\\x%02x", c);
			i++;
			continue;
		}
		buf_append(&b, p + i, l);
		i += l;
	}
	buf_putc(&b, '"');
	return buf_steal(&b);
}
