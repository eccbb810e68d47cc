/* alerts.c: `pagetty alerts [--json] [FILTER...]` prints the merged alerts
 * of every configured Alertmanager (a table like `amtool alert query`, or
 * JSON in Alertmanager's v2 shape plus "cluster" and "runbook") and exits. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/alert.h"
#include "../core/duration.h"
#include "../core/matcher.h"
#include "../core/runbook.h"
#include "../core/text.h"
#include "../core/util.h"

struct runbook_map {
	const struct alert_list *list; /* borrowed */
	char **where;                  /* owned array (n = list->n) of owned or NULL */
	size_t next;                   /* where the next lookup most likely is */
};

/* alert_list_to_json asks in list order: O(1) each, not a scan. */
static const char *runbook_of(const struct alert *a, void *data)
{
	struct runbook_map *m = data;
	size_t i;

	if (m->next < m->list->n && m->list->v[m->next] == a)
		return m->where[m->next++];
	for (i = 0; i < m->list->n; i++)
		if (m->list->v[i] == a) {
			m->next = i + 1;
			return m->where[i];
		}
	return NULL;
}

/* Printable ASCII only (most label values): the sanitizer would return it
 * unchanged, one column per byte. Sets *len. */
static bool plain_ascii(const char *s, size_t *len)
{
	const char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return false;
	*len = (size_t)(p - s);
	return true;
}

static size_t cell_width(const char *s)
{
	size_t n;

	return plain_ascii(s, &n) ? n : text_width(s);
}

/* The table goes out through one 64 KiB buffer: a stdio call per cell
 * cost more than the cell itself (50k rows are ~8 MB). */
struct tbl_out {
	char buf[1 << 16];
	size_t n;
};

static void out_flush(struct tbl_out *o)
{
	if (o->n)
		fwrite(o->buf, 1, o->n, stdout);
	o->n = 0;
}

static void out_put(struct tbl_out *o, const char *s, size_t n)
{
	while (n > 0) {
		size_t k;

		if (o->n == sizeof o->buf)
			out_flush(o);
		k = sizeof o->buf - o->n;
		if (k > n)
			k = n;
		memcpy(o->buf + o->n, s, k);
		o->n += k;
		s += k;
		n -= k;
	}
}

static void out_spaces(struct tbl_out *o, size_t n)
{
	static const char sp[] = "                                                                ";

	while (n > 0) {
		size_t k = n < sizeof sp - 1 ? n : sizeof sp - 1;

		out_put(o, sp, k);
		n -= k;
	}
}

/* One table cell: sanitized, cut to width, padded. */
static void put_cell(struct tbl_out *o, const char *s, size_t width, bool last)
{
	size_t n;

	if (plain_ascii(s, &n)) {
		/* what text_trunc(s, width, !last, true) gives, without copies */
		if (n <= width) {
			out_put(o, s, n);
			if (!last)
				out_spaces(o, width - n);
		} else if (width > 0) {
			out_put(o, s, width - 1);
			out_put(o, "\xe2\x80\xa6", 3); /* U+2026 */
		}
	} else {
		char *clean = text_clean(s);
		char *cell = text_trunc(clean, width, !last, true);

		out_put(o, cell, strlen(cell));
		free(cell);
		free(clean);
	}
	if (!last)
		out_put(o, "  ", 2);
}

static void print_table(const struct alert_list *l, double now)
{
	struct tbl_out *o = xmalloc(sizeof *o);
	size_t i, wname = 9, wcl = 7;
	char age[32];

	o->n = 0;

	for (i = 0; i < l->n; i++) {
		size_t w;

		alert_list_prefetch(l, i);
		w = cell_width(alert_name(l->v[i]));
		size_t wc = cell_width(l->v[i]->cluster ? l->v[i]->cluster : "");
		if (w > wname)
			wname = w;
		if (wc > wcl)
			wcl = wc;
	}
	if (wname > 40)
		wname = 40;
	if (wcl > 20)
		wcl = 20;
	put_cell(o, "Alertname", wname, false);
	put_cell(o, "Severity", 8, false);
	put_cell(o, "State", 10, false);
	put_cell(o, "Age", 6, false);
	put_cell(o, "Cluster", wcl, false);
	put_cell(o, "Summary", 100, true);
	out_put(o, "\n", 1);
	for (i = 0; i < l->n; i++) {
		const struct alert *a = l->v[i];

		alert_list_prefetch(l, i);
		duration_format(a->starts > 0 ? (int64_t)((now - a->starts) * 1000) : 0, age, sizeof age);
		put_cell(o, alert_name(a), wname, false);
		put_cell(o, alert_severity_str(a->severity), 8, false);
		put_cell(o, alert_state_str(a->state), 10, false);
		put_cell(o, a->starts > 0 ? age : "-", 6, false);
		put_cell(o, a->cluster ? a->cluster : "", wcl, false);
		put_cell(o, alert_summary(a), 100, true);
		out_put(o, "\n", 1);
	}
	out_flush(o);
	free(o);
}

int cmd_alerts(struct config *cfg, bool demo, int argc, char **argv)
{
	struct cmd_ctx ctx;
	struct alert_list merged = {0};
	struct alert_list shown = {0};
	struct filter f = {0};
	struct buf q = {0};
	char err[ERR_MAX];
	bool json = false;
	size_t i, answered = 0;
	int rc = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: pagetty alerts [--json] [FILTER...]\n");
			return 0;
		} else {
			if (q.len)
				buf_putc(&q, ' ');
			buf_puts(&q, argv[i]);
		}
	}
	if (filter_parse(q.data ? q.data : "", &f, err) < 0) {
		char *clean = text_clean(err);
		fprintf(stderr, "pagetty: filter: %s\n", clean);
		free(clean);
		buf_free(&q);
		return 2;
	}
	alert_decode_once(); /* decoded once, printed, gone */
	buf_free(&q);

	cmd_ctx_init(&ctx, cfg, demo);
	cmd_ctx_fetch(&ctx, false);
	for (i = 0; i < ctx.n_sources; i++) {
		struct source *s = ctx.sources[i];

		if (s->status.ok) {
			answered++;
			/* the source is done with its list (already deduped) */
			if (!merged.n) {
				struct alert_list t = merged;

				merged = s->alerts;
				s->alerts = t;
			} else {
				alert_list_merge_take(&merged, &s->alerts);
			}
		}
		if (!s->status.ok || s->status.reason[0]) {
			char *clean = text_clean(s->status.reason);
			fprintf(stderr, "pagetty: %s: %s\n", s->name, clean[0] ? clean : "no answer");
			free(clean);
		}
	}
	if (answered > 1)
		alert_list_sort(&merged); /* each source's own list is sorted */
	if (filter_is_empty(&f)) {
		shown = merged; /* all of them: no second list */
		memset(&merged, 0, sizeof merged);
	}
	for (i = 0; i < merged.n; i++)
		if (filter_match(&f, &merged.v[i]->labels, &merged.v[i]->annotations))
			alert_list_push(&shown, alert_ref(merged.v[i]));

	if (json) {
		struct runbook_map m = { &shown, xcalloc(shown.n ? shown.n : 1, sizeof(char *)), 0 };
		char *out;

		for (i = 0; i < shown.n; i++) {
			struct rb_where w = {0};

			runbook_resolve(shown.v[i], cfg, &w);
			m.where[i] = w.location ? xstrdup(w.location) : NULL;
			rb_where_free(&w);
		}
		out = alert_list_to_json(&shown, runbook_of, &m);
		puts(out);
		free(out);
		for (i = 0; i < shown.n; i++)
			free(m.where[i]);
		free(m.where);
	} else {
		print_table(&shown, wall_now());
	}
	if (answered == 0 && ctx.n_sources > 0)
		rc = 1;
	alert_list_free(&shown);
	alert_list_free(&merged);
	filter_free(&f);
	cmd_ctx_free(&ctx);
	return rc;
}
