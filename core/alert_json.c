/* alert_json.c: a streaming decoder for the body of GET /api/v2/alerts.
 * It walks the JSON bytes once, without building a tree, and packs each
 * alert into one allocation (the struct, its arrays and its strings), so a
 * 10k-alert body costs one malloc per alert and no intermediate copy. It
 * decodes a bounded number of alerts per step, so a caller on the event
 * loop can spread a big body over several iterations and serve keys in
 * between. Accepts what cJSON accepts (the decoder it replaces): nesting up
 * to 1000 levels, escapes checked, raw bytes kept, a UTF-8 BOM skipped.
 * The byte-level scanner it walks with is core/alert_scan.c. */
#include "alert_json_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { AJ_START = 0, AJ_ARRAY, AJ_DONE, AJ_FAILED };

/* ---- the members of an alert ------------------------------------------- */

static const char *aj_s(const struct alert_decoder *d, const struct aj_str *s)
{
	return d->scratch.data + s->off;
}

/* Is the decoded member name k exactly lit? (length first: most names
 * differ in it, so no strcmp per candidate) */
#define AJ_IS(d, k, lit) ((k)->len == sizeof(lit) - 1 && memcmp(aj_s(d, k), lit, sizeof(lit) - 1) == 0)

/* An object of strings into kvs; *bad when it is not one. */
static int aj_labels(struct alert_decoder *d, int depth, struct aj_kvv *kvs, bool *bad)
{
	int more;
	char kind;

	kvs->n = 0;
	if (aj_peek(d) != '{') {
		*bad = true;
		return aj_skip(d, depth);
	}
	if (depth + 1 > AJ_MAX_DEPTH)
		return aj_fail(d, d->pos);
	for (more = aj_open(d, '}'); more == 1; more = aj_next(d, '}')) {
		struct aj_kv kv = {0};

		if (aj_key(d, &kv.name) || aj_str_value(d, depth + 1, &kv.value, &kind))
			return -1;
		if (kind != 's') {
			*bad = true;
			continue;
		}
		kv.ord = kvs->n;
		xgrow(&kvs->v, &kvs->cap, kvs->n + 1, sizeof *kvs->v);
		kvs->v[kvs->n++] = kv;
	}
	return more;
}

/* An array of strings, or with key of objects whose (first) key member is a
 * string; null leaves v empty; anything else sets *bad. */
static int aj_strv(struct alert_decoder *d, int depth, const char *key, struct aj_strv *v,
                   bool *bad)
{
	int more, c;
	char kind;

	v->n = 0;
	c = aj_peek(d);
	if (c == 'n' || c != '[') {
		if (c != 'n')
			*bad = true;
		return aj_skip(d, depth);
	}
	if (depth + 1 > AJ_MAX_DEPTH)
		return aj_fail(d, d->pos);
	for (more = aj_open(d, ']'); more == 1; more = aj_next(d, ']')) {
		struct aj_str s = {0};

		if (!key) {
			if (aj_str_value(d, depth + 1, &s, &kind))
				return -1;
			if (kind != 's')
				*bad = true;
		} else if (aj_peek(d) != '{') {
			*bad = true;
			if (aj_skip(d, depth + 1))
				return -1;
		} else {
			int m;
			bool found = false;

			if (depth + 2 > AJ_MAX_DEPTH)
				return aj_fail(d, d->pos);
			for (m = aj_open(d, '}'); m == 1; m = aj_next(d, '}')) {
				struct aj_str k = {0};
				size_t mark = d->scratch.len;

				if (aj_key(d, &k))
					return -1;
				if (!found && strcmp(aj_s(d, &k), key) == 0) {
					found = true;
					d->scratch.len = mark;
					if (aj_str_value(d, depth + 2, &s, &kind))
						return -1;
					if (kind != 's')
						*bad = true;
				} else {
					d->scratch.len = mark;
					if (aj_skip(d, depth + 2))
						return -1;
				}
			}
			if (m < 0)
				return -1;
			if (!found)
				*bad = true;
		}
		if (s.set) {
			xgrow(&v->v, &v->cap, v->n + 1, sizeof *v->v);
			v->v[v->n++] = s;
		}
	}
	return more;
}

static int aj_status(struct alert_decoder *d, int depth, bool *bad)
{
	int more;
	char kind;

	if (aj_peek(d) != '{') {
		*bad = true;
		return aj_skip(d, depth);
	}
	if (depth + 1 > AJ_MAX_DEPTH)
		return aj_fail(d, d->pos);
	for (more = aj_open(d, '}'); more == 1; more = aj_next(d, '}')) {
		struct aj_str k = {0};
		size_t mark = d->scratch.len;

		if (aj_key(d, &k))
			return -1;
		if (AJ_IS(d, &k, "state")) {
			d->scratch.len = mark;
			if (aj_str_value(d, depth + 1, &d->state_s, &kind))
				return -1;
			if (kind != 's')
				*bad = true;
		} else if (AJ_IS(d, &k, "silencedBy")) {
			d->scratch.len = mark;
			if (aj_strv(d, depth + 1, NULL, &d->sil, bad))
				return -1;
		} else if (AJ_IS(d, &k, "inhibitedBy")) {
			d->scratch.len = mark;
			if (aj_strv(d, depth + 1, NULL, &d->inh, bad))
				return -1;
		} else {
			d->scratch.len = mark;
			if (aj_skip(d, depth + 1))
				return -1;
		}
	}
	if (more == 0 && !d->state_s.set)
		*bad = true;
	return more;
}

/* An optional string member: null keeps what was there; other types are bad. */
static int aj_opt(struct alert_decoder *d, int depth, struct aj_str *s, bool *bad)
{
	struct aj_str t = {0};
	char kind;

	if (aj_str_value(d, depth, &t, &kind))
		return -1;
	if (kind == 's')
		*s = t;
	else if (kind != 'n')
		*bad = true;
	return 0;
}

/* ---- packing ----------------------------------------------------------- */

static int aj_kv_cmp(const void *a, const void *b)
{
	const struct aj_kv *x = a, *y = b;
	int c = strcmp(x->pn, y->pn);

	if (c)
		return c;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* Resolve, sort by name (stable) and drop all but the last of a repeated
 * name. Alertmanager sends names sorted and unique: checked in O(n). */
static void aj_kvs_finish(struct alert_decoder *d, struct aj_kvv *kvs)
{
	size_t i, k, n = 0;
	bool sorted = true;

	for (i = 0; i < kvs->n; i++) {
		kvs->v[i].pn = aj_s(d, &kvs->v[i].name);
		kvs->v[i].pv = aj_s(d, &kvs->v[i].value);
		if (i && sorted && strcmp(kvs->v[i - 1].pn, kvs->v[i].pn) >= 0)
			sorted = false;
	}
	if (sorted)
		return;
	qsort(kvs->v, kvs->n, sizeof *kvs->v, aj_kv_cmp);
	for (i = 0; i < kvs->n; i = k) {
		for (k = i + 1; k < kvs->n && strcmp(kvs->v[k].pn, kvs->v[i].pn) == 0; k++)
			;
		kvs->v[n++] = kvs->v[k - 1];
	}
	kvs->n = n;
}

struct aj_pack {
	char *p;   /* next free byte of the block */
};

static char *aj_put(struct aj_pack *pk, const char *s, size_t len)
{
	char *r = pk->p;

	memcpy(r, s, len);
	r[len] = '\0';
	pk->p += len + 1;
	return r;
}

static char *aj_put_str(struct aj_pack *pk, const struct alert_decoder *d,
                        const struct aj_str *s)
{
	return s->set ? aj_put(pk, aj_s(d, s), s->len) : NULL;
}

static void aj_put_strv(struct aj_pack *pk, const struct alert_decoder *d,
                        const struct aj_strv *v, char **dst)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		dst[i] = aj_put_str(pk, d, &v->v[i]);
}

/* Values worth one shared copy (core/alert_intern.c): labels and
 * annotations whose values repeat across many alerts. Not summary or
 * description: those usually name the instance, so they would only fill
 * the pool. */
static bool aj_common_value(const char *iname, bool label)
{
	static const char *const lv[] = {
		"alertname", "severity", "job", "namespace", "service", "team", "cluster",
		"env", "environment", "region", "zone", "prometheus", "container", "app",
		"component", "tier", "priority", "owner",
	};
	static const char *const av[] = { "runbook_url", "runbook", "dashboard", "dashboard_url" };
	/* the same names, interned: compared by pointer */
	static const char *il[sizeof lv / sizeof *lv], *ia[sizeof av / sizeof *av];
	static bool ready;
	const char **v = label ? il : ia;
	size_t i, n = label ? sizeof lv / sizeof *lv : sizeof av / sizeof *av;

	if (!ready) {
		for (i = 0; i < sizeof lv / sizeof *lv; i++)
			il[i] = alert_intern(lv[i], strlen(lv[i]));
		for (i = 0; i < sizeof av / sizeof *av; i++)
			ia[i] = alert_intern(av[i], strlen(av[i]));
		ready = true;
	}
	for (i = 0; i < n; i++)
		if (iname && iname == v[i])
			return true;
	return false;
}

/* Intern every name, and the values aj_common_value picks. */
static void aj_kvs_intern(struct alert_decoder *d, struct aj_kvv *kvs, bool label)
{
	const char **memo = d->memo[label ? 0 : 1];
	size_t i;

	for (i = 0; i < kvs->n; i++) {
		struct aj_kv *kv = &kvs->v[i];
		const char *m = i < 16 ? memo[i] : NULL;

		/* equal bytes and m ends there: interned strings hold no NUL */
		if (m && memcmp(m, kv->pn, kv->name.len) == 0 && m[kv->name.len] == '\0') {
			kv->in = m;
		} else {
			kv->in = alert_intern(kv->pn, kv->name.len);
			if (i < 16)
				memo[i] = kv->in;
		}
		kv->iv = aj_common_value(kv->in, label) ? alert_intern(kv->pv, kv->value.len) : NULL;
	}
}

static void aj_put_kvs(struct aj_pack *pk, const struct aj_kvv *kvs, struct labelset *ls)
{
	size_t i;

	for (i = 0; i < kvs->n; i++) {
		const struct aj_kv *kv = &kvs->v[i];

		/* interned strings are shared and never written: the cast is safe */
		ls->v[i].name = kv->in ? (char *)kv->in : aj_put(pk, kv->pn, kv->name.len);
		ls->v[i].value = kv->iv ? (char *)kv->iv : aj_put(pk, kv->pv, kv->value.len);
	}
	ls->n = ls->cap = kvs->n;
}

static size_t aj_kvs_bytes(const struct aj_kvv *kvs)
{
	size_t i, n = kvs->n * sizeof(struct kv);

	for (i = 0; i < kvs->n; i++)
		n += (kvs->v[i].in ? 0 : kvs->v[i].name.len + 1) +
		     (kvs->v[i].iv ? 0 : kvs->v[i].value.len + 1);
	return n;
}

static size_t aj_strv_bytes(const struct aj_strv *v)
{
	size_t i, n = v->n * sizeof(char *);

	for (i = 0; i < v->n; i++)
		n += v->v[i].len + 1;
	return n;
}

/* Alertmanager's fingerprint of a sorted label set (model.LabelSet.Fingerprint):
 * FNV-1a 64 over names and values, each followed by 0xff. */
static void aj_fingerprint(const struct aj_kvv *kvs, char out[17])
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p;
	size_t i;
	int k;

	for (i = 0; i < kvs->n; i++) {
		for (k = 0; k < 2; k++) {
			for (p = (const unsigned char *)(k ? kvs->v[i].pv : kvs->v[i].pn); *p; p++)
				h = (h ^ *p) * 1099511628211ULL;
			h = (h ^ 0xff) * 1099511628211ULL;
		}
	}
	for (k = 15; k >= 0; k--, h >>= 4)
		out[k] = "0123456789abcdef"[h & 15];
	out[16] = '\0';
}

/* Receivers (a handful of names repeated on every alert) interned into
 * out when there are at most AJ_RECV_INTERN and the pool takes them all;
 * false otherwise (then they are copied). */
#define AJ_RECV_INTERN 8

static bool aj_recv_intern(const struct alert_decoder *d, const char *out[AJ_RECV_INTERN])
{
	size_t i;

	if (d->recv.n > AJ_RECV_INTERN)
		return false;
	for (i = 0; i < d->recv.n; i++)
		if (!(out[i] = alert_intern(aj_s(d, &d->recv.v[i]), d->recv.v[i].len)))
			return false;
	return true;
}

/* The alert just read, as one block. The generator URL (one per rule) and
 * the receivers and cluster (a few names) repeat across alerts, so they
 * are interned when the pool takes them, like common label values. */
static struct alert *aj_pack_alert(struct alert_decoder *d)
{
	const size_t al = sizeof(void *);
	size_t size, head = (sizeof(struct alert) + al - 1) / al * al;
	char fpbuf[17];
	const char *fp, *state, *igen, *irecv[AJ_RECV_INTERN];
	bool recv_in;
	size_t fplen;
	struct aj_pack pk;
	struct alert *a;
	char *block;
	bool pooled;

	aj_kvs_finish(d, &d->labels);
	aj_kvs_finish(d, &d->ann);
	aj_kvs_intern(d, &d->labels, true);
	aj_kvs_intern(d, &d->ann, false);
	fp = aj_s(d, &d->fp);
	if (!*fp) { /* e.g. an alert built by hand, then encoded */
		aj_fingerprint(&d->labels, fpbuf);
		fp = fpbuf;
	}
	fplen = strlen(fp);
	igen = d->gen.set ? alert_intern(aj_s(d, &d->gen), d->gen.len) : NULL;
	recv_in = aj_recv_intern(d, irecv);
	/* arrays first (pointer aligned), then the bytes of every string */
	size = head + aj_kvs_bytes(&d->labels) + aj_kvs_bytes(&d->ann) + aj_strv_bytes(&d->sil) +
	       aj_strv_bytes(&d->inh) +
	       (recv_in ? d->recv.n * sizeof(char *) : aj_strv_bytes(&d->recv)) + fplen + 1 +
	       (d->starts.set ? d->starts.len + 1 : 0) + (d->ends.set ? d->ends.len + 1 : 0) +
	       (d->updated.set ? d->updated.len + 1 : 0) +
	       (d->gen.set && !igen ? d->gen.len + 1 : 0) +
	       (d->icluster ? 0 : d->cluster_len + 1);
	block = alert_pool_alloc(size, &pooled);
	a = (struct alert *)block;
	memset(a, 0, sizeof *a);
	a->packed = size;
	a->pooled = pooled;
	pk.p = block + head;
	a->labels.v = d->labels.n ? (struct kv *)pk.p : NULL;
	pk.p += d->labels.n * sizeof(struct kv);
	a->annotations.v = d->ann.n ? (struct kv *)pk.p : NULL;
	pk.p += d->ann.n * sizeof(struct kv);
	a->silenced_by = d->sil.n ? (char **)pk.p : NULL;
	pk.p += d->sil.n * sizeof(char *);
	a->inhibited_by = d->inh.n ? (char **)pk.p : NULL;
	pk.p += d->inh.n * sizeof(char *);
	a->receivers = d->recv.n ? (char **)pk.p : NULL;
	pk.p += d->recv.n * sizeof(char *);
	aj_put_kvs(&pk, &d->labels, &a->labels);
	aj_put_kvs(&pk, &d->ann, &a->annotations);
	aj_put_strv(&pk, d, &d->sil, a->silenced_by);
	a->n_silenced_by = d->sil.n;
	aj_put_strv(&pk, d, &d->inh, a->inhibited_by);
	a->n_inhibited_by = d->inh.n;
	if (recv_in && d->recv.n)
		memcpy(a->receivers, irecv, d->recv.n * sizeof(char *)); /* never written */
	else
		aj_put_strv(&pk, d, &d->recv, a->receivers);
	a->n_receivers = d->recv.n;
	a->fingerprint = aj_put(&pk, fp, fplen);
	a->starts_at = aj_put_str(&pk, d, &d->starts);
	a->ends_at = aj_put_str(&pk, d, &d->ends);
	a->updated_at = aj_put_str(&pk, d, &d->updated);
	a->generator_url = igen ? (char *)igen : aj_put_str(&pk, d, &d->gen);
	a->cluster = d->icluster ? (char *)d->icluster : aj_put(&pk, d->cluster, d->cluster_len);

	/* Unknown states show as active: hiding an alert is worse than
	 * showing one too many. "suppressed" by neither a silence nor an
	 * inhibition (mute time intervals) counts as silenced. */
	state = aj_s(d, &d->state_s);
	if (strcmp(state, "suppressed") == 0)
		a->state = a->n_silenced_by ? ALERT_SILENCED :
		           a->n_inhibited_by ? ALERT_INHIBITED : ALERT_SILENCED;
	else if (strcmp(state, "unprocessed") == 0)
		a->state = ALERT_UNPROCESSED;
	else
		a->state = ALERT_ACTIVE;
	if (a->starts_at && rfc3339_parse(a->starts_at, &a->starts))
		a->starts = 0;
	if (a->ends_at && rfc3339_parse(a->ends_at, &a->ends))
		a->ends = 0;
	a->severity = alert_severity_parse(labelset_get(&a->labels, "severity"));
	return a;
}

/* One element of the array. Required, as in Alertmanager's OpenAPI spec and
 * enough to tell an alert from an alert group: labels, fingerprint,
 * status.state. The rest is optional, but a member of the wrong type skips
 * the alert. *a is NULL when the element is skipped. */
static int aj_alert(struct alert_decoder *d, struct alert **a)
{
	bool bad = false, have_labels = false;
	int more;

	*a = NULL;
	if (aj_peek(d) != '{')
		return aj_skip(d, 1);
	buf_reset(&d->scratch);
	d->labels.n = d->ann.n = d->sil.n = d->inh.n = d->recv.n = 0;
	memset(&d->fp, 0, sizeof d->fp);
	d->starts = d->ends = d->updated = d->gen = d->state_s = d->fp;
	for (more = aj_open(d, '}'); more == 1; more = aj_next(d, '}')) {
		struct aj_str k = {0};
		size_t mark = d->scratch.len;
		int rc;
		char kind;

		if (aj_key(d, &k))
			return -1;
		d->scratch.len = mark; /* name stays readable until the next append */
		if (AJ_IS(d, &k, "labels")) {
			rc = aj_labels(d, 2, &d->labels, &bad);
			have_labels = true;
		} else if (AJ_IS(d, &k, "annotations")) {
			if (aj_peek(d) == 'n') {
				d->ann.n = 0;
				rc = aj_skip(d, 2);
			} else {
				rc = aj_labels(d, 2, &d->ann, &bad);
			}
		} else if (AJ_IS(d, &k, "fingerprint")) {
			rc = aj_str_value(d, 2, &d->fp, &kind);
			if (kind != 's')
				bad = true;
		} else if (AJ_IS(d, &k, "startsAt")) {
			rc = aj_opt(d, 2, &d->starts, &bad);
		} else if (AJ_IS(d, &k, "endsAt")) {
			rc = aj_opt(d, 2, &d->ends, &bad);
		} else if (AJ_IS(d, &k, "updatedAt")) {
			rc = aj_opt(d, 2, &d->updated, &bad);
		} else if (AJ_IS(d, &k, "generatorURL")) {
			rc = aj_opt(d, 2, &d->gen, &bad);
		} else if (AJ_IS(d, &k, "receivers")) {
			rc = aj_strv(d, 2, "name", &d->recv, &bad);
		} else if (AJ_IS(d, &k, "status")) {
			d->state_s.set = false;
			rc = aj_status(d, 2, &bad);
			if (!d->state_s.set)
				bad = true;
		} else {
			rc = aj_skip(d, 2);
		}
		if (rc < 0)
			return -1;
	}
	if (more < 0)
		return -1;
	if (bad || !have_labels || !d->fp.set || !d->state_s.set)
		return 0;
	*a = aj_pack_alert(d);
	return 0;
}

/* ---- the decoder -------------------------------------------------------- */

struct alert_decoder *alert_decoder_new(const char *buf, size_t len, const char *cluster)
{
	struct alert_decoder *d = xcalloc(1, sizeof *d);

	d->buf = buf;
	d->len = buf ? len : 0;
	d->cluster = xstrdup(cluster ? cluster : "");
	d->cluster_len = strlen(d->cluster);
	d->icluster = alert_intern(d->cluster, d->cluster_len);
	return d;
}

static const char *aj_kind(int c)
{
	switch (c) {
	case '{': return "an object";
	case '"': return "a string";
	case 't': case 'f': return "a boolean";
	case 'n': return "null";
	default: return "a number";
	}
}

int aj_trailer_in(struct alert_decoder *d, const char *buf, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		char c = buf[i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\0')
			return errf(d->err, "invalid JSON near byte %zu: data after the end",
			            d->base + i);
	}
	return 0;
}

/* Only whitespace (or NULs, as cJSON allowed) after the value. */
static int aj_trailer(struct alert_decoder *d)
{
	return aj_trailer_in(d, d->buf, d->pos, d->len);
}

int aj_element(struct alert_decoder *d)
{
	struct alert *a;
	uint64_t h = d->next_hash;
	size_t s;

	d->next_hash = 0;
	aj_peek(d);
	s = d->pos;
	if (aj_alert(d, &a))
		return -1;
	if (a) {
		if (!h && alert_hash_wanted())
			h = alert_src_hash(d->buf + s, d->pos - s);
		a->src_hash = h;
		alert_list_push(&d->out, a);
	} else {
		d->skipped++;
	}
	return 0;
}

static int aj_step(struct alert_decoder *d, size_t max)
{
	size_t done = 0;
	int c, more;

	if (d->state == AJ_START) {
		if (!d->len && !d->base)
			return errf(d->err, "invalid JSON near byte 0: empty body");
		if (!d->base && d->len >= 3 && memcmp(d->buf, "\xef\xbb\xbf", 3) == 0)
			d->pos = 3;
		c = aj_peek(d);
		if (c != '[') {
			if (aj_skip(d, 0) || aj_trailer(d))
				return -1;
			return errf(d->err, "expected a JSON array of alerts, got %s", aj_kind(c));
		}
		d->state = AJ_ARRAY;
		if (!aj_open(d, ']')) {
			d->state = AJ_DONE;
			return aj_trailer(d) ? -1 : 0;
		}
	}
	while (d->state == AJ_ARRAY) {
		if (done >= max)
			return 1;
		if (aj_element(d))
			return -1;
		done++;
		more = aj_next(d, ']');
		if (more < 0)
			return -1;
		if (!more) {
			d->state = AJ_DONE;
			return aj_trailer(d) ? -1 : 0;
		}
	}
	return d->state == AJ_DONE ? 0 : -1;
}

int alert_decoder_step(struct alert_decoder *d, size_t max, char err[ERR_MAX])
{
	int rc;

	if (d->state == AJ_FAILED) {
		errf(err, "%s", d->err);
		return -1;
	}
	rc = aj_step(d, max ? max : 1);
	if (rc < 0) {
		d->state = AJ_FAILED;
		alert_list_free(&d->out);
		d->skipped = 0;
		errf(err, "%s", d->err);
	}
	return rc;
}

void alert_decoder_take(struct alert_decoder *d, struct alert_list *out, size_t *skipped)
{
	size_t i;

	if (skipped)
		*skipped = d->skipped;
	if (!out->n && !out->v) {
		*out = d->out;
		memset(&d->out, 0, sizeof d->out);
		return;
	}
	xgrow(&out->v, &out->cap, out->n + d->out.n, sizeof *out->v);
	for (i = 0; i < d->out.n; i++)
		out->v[out->n++] = d->out.v[i];
	d->out.n = 0;
}

size_t alert_decoder_pos(const struct alert_decoder *d)
{
	return d->pos;
}

void alert_decoder_free(struct alert_decoder *d)
{
	if (!d)
		return;
	alert_list_free(&d->out);
	buf_free(&d->scratch);
	free(d->labels.v);
	free(d->ann.v);
	free(d->sil.v);
	free(d->inh.v);
	free(d->recv.v);
	free(d->cluster);
	free(d);
}

/* Appends to out; on -1, out is untouched. */
int alert_list_from_json(const char *buf, size_t len, const char *cluster,
                         struct alert_list *out, size_t *skipped, char err[ERR_MAX])
{
	struct alert_decoder *d = alert_decoder_new(buf, len, cluster);
	int rc = alert_decoder_step(d, SIZE_MAX, err);

	if (skipped)
		*skipped = 0;
	if (rc == 0)
		alert_decoder_take(d, out, skipped);
	alert_decoder_free(d);
	return rc < 0 ? -1 : 0;
}
