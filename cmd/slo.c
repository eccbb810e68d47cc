/* slo.c: `pagetty slo [--json] [--slo FILE]...`: load the SLO specs
 * (slo.files, each --slo FILE, and Sloth's recording rules on the
 * server), query every SLO once, print the table or the JSON
 * of DESIGN.md §11, and exit 1 when any SLO is in page state (so it can run
 * from cron or CI), 2 on a config error. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "../views/slo_state.h"
#include "cmd.h"

#define SLO_CMD_DEADLINE_MS 45000
#define SLO_CMD_USAGE "pagetty slo [--json] [--slo FILE]..."

static cJSON *slo_num(double v)
{
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *slo_row_json(const struct slo_live *s, const struct slo_row *r)
{
	const struct slo_def *d = slo_live_def(s, r);
	cJSON *o = cJSON_CreateObject(), *burn = cJSON_CreateObject();
	bool have = r->have;
	int w;

	cJSON_AddStringToObject(o, "service", d->service);
	cJSON_AddStringToObject(o, "name", d->name);
	cJSON_AddNumberToObject(o, "objective", d->objective);
	cJSON_AddNumberToObject(o, "window", (double)(d->window_ms / 1000));
	cJSON_AddItemToObject(o, "sli", slo_num(have ? r->ev.sli : NAN));
	cJSON_AddItemToObject(o, "error_ratio", slo_num(have ? 1 - r->ev.sli : NAN));
	cJSON_AddItemToObject(o, "budget_remaining", slo_num(have ? r->ev.budget_remaining : NAN));
	for (w = 0; w < SLO_NWINDOWS; w++)
		cJSON_AddItemToObject(burn, slo_window_name((enum slo_window)w),
		                      slo_num(have ? r->ev.burn[w] : NAN));
	cJSON_AddItemToObject(o, "burn_rates", burn);
	cJSON_AddStringToObject(o, "state", slo_state_name(have ? r->ev.state : SLO_STATE_OK));
	cJSON_AddItemToObject(o, "exhaustion_seconds", slo_num(have ? r->ev.exhaustion_s : NAN));
	cJSON_AddBoolToObject(o, "low_traffic", have && r->ev.low_traffic);
	if (r->err[0])
		cJSON_AddStringToObject(o, "error", r->err);
	else if (have && r->ev.no_data)
		cJSON_AddStringToObject(o, "error", "no data");
	else
		cJSON_AddNullToObject(o, "error");
	return o;
}

/* "12.3%" or "-"; "2d05h" style durations for budget and exhaustion. */
static void fmt_pct(double v, char *out, size_t n)
{
	if (!isfinite(v))
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.*f%%", fabs(v * 100) < 10 ? 2 : 1, v * 100);
}

static void fmt_dur(double s, char *out, size_t n)
{
	if (!isfinite(s) || s < 0)
		snprintf(out, n, "-");
	else if (s < 3600)
		snprintf(out, n, "%.0fm", floor(s / 60));
	else if (s < 86400)
		snprintf(out, n, "%.0fh%02.0fm", floor(s / 3600), floor(fmod(s, 3600) / 60));
	else
		snprintf(out, n, "%.0fd%02.0fh", floor(s / 86400), floor(fmod(s, 86400) / 3600));
}

static void fmt_burn(double b, char *out, size_t n)
{
	if (!isfinite(b))
		snprintf(out, n, isinf(b) ? "inf" : "-");
	else
		snprintf(out, n, "%.*fx", b < 10 ? 2 : 1, b);
}

static void slo_print_table(const struct slo_live *s, const size_t *order)
{
	size_t i;

	printf("%-16s %-28s %8s %6s %8s %8s %9s %7s %7s %-6s %s\n", "SERVICE", "NAME",
	       "OBJ", "WINDOW", "SLI", "BUDGET", "LEFT", "BURN1H", "BURN6H", "STATE", "EXHAUSTED IN");
	for (i = 0; i < s->n_rows; i++) {
		const struct slo_row *r = &s->rows[order[i]];
		const struct slo_def *d = slo_live_def(s, r);
		char *svc = text_clean(d->service), *name = text_clean(d->name);
		char obj[16], win[16], sli[16], bud[16], left[16], b1[16], b6[16], ex[16];
		bool h = r->have;

		snprintf(obj, sizeof obj, "%g%%", d->objective * 100);
		slo_window_format(d->window_ms, win, sizeof win);
		fmt_pct(h ? r->ev.sli : NAN, sli, sizeof sli);
		fmt_pct(h ? r->ev.budget_remaining : NAN, bud, sizeof bud);
		fmt_dur(h ? r->ev.budget_remaining_s : NAN, left, sizeof left);
		fmt_burn(h ? r->ev.burn[SLO_W1H] : NAN, b1, sizeof b1);
		fmt_burn(h ? r->ev.burn[SLO_W6H] : NAN, b6, sizeof b6);
		fmt_dur(h ? r->ev.exhaustion_s : NAN, ex, sizeof ex);
		printf("%-16s %-28s %8s %6s %8s %8s %9s %7s %7s %-6s %s", svc, name, obj, win, sli,
		       bud, left, b1, b6, h ? slo_state_name(r->ev.state) : "?", ex);
		if (r->err[0])
			printf("  %s: %s", r->stale ? "STALE" : "error", r->err);
		else if (h && r->ev.low_traffic)
			printf("  low traffic");
		putchar('\n');
		free(svc);
		free(name);
	}
}

int cmd_slo(struct config *cfg, bool demo, int argc, char **argv)
{
	struct loop *l = loop_new();
	struct http *h = http_new(l);
	struct slo_live *s;
	char err[ERR_MAX];
	bool json = false;
	size_t *order = NULL, pages = 0, i;
	int64_t deadline;
	int rc = 0;

	http_one_shot(h); /* no screen to keep answering */
	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--slo") && i + 1 < (size_t)argc) {
			config_add_slo_file(cfg, argv[++i]);
		} else if (!strncmp(argv[i], "--slo=", 6) && argv[i][6]) {
			config_add_slo_file(cfg, argv[i] + 6);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: %s\n", SLO_CMD_USAGE);
			goto out;
		} else {
			fprintf(stderr, "pagetty: slo: %s (usage: %s)\n",
			        strcmp(argv[i], "--slo") ? "unknown argument" : "--slo needs a FILE",
			        SLO_CMD_USAGE);
			rc = 2;
			goto out;
		}
	}
	s = slo_live_new(cfg, l, h, demo, false, err);
	if (!s) {
		char *clean = text_clean(err);

		fprintf(stderr, "pagetty: %s\n", clean);
		free(clean);
		rc = 2;
		goto out;
	}
	for (i = 0; i < s->set.n_warnings; i++) {
		char *clean = text_clean(s->set.warnings[i]);

		fprintf(stderr, "pagetty: warning: %s\n", clean);
		free(clean);
	}
	slo_live_refresh(s);
	deadline = now_ms() + SLO_CMD_DEADLINE_MS;
	while (slo_live_pending(s) && now_ms() < deadline)
		loop_run_once(l, 200);
	if (!s->n_rows && !json)
		fprintf(stderr, "pagetty: no SLOs found (slo.files in the config, or Sloth rules "
		        "on the Prometheus server)\n");
	order = xcalloc(s->n_rows ? s->n_rows : 1, sizeof *order);
	slo_live_sorted(s, order);
	if (json) {
		cJSON *arr = cJSON_CreateArray();
		char *text;

		for (i = 0; i < s->n_rows; i++)
			cJSON_AddItemToArray(arr, slo_row_json(s, &s->rows[order[i]]));
		text = cJSON_Print(arr);
		if (text)
			puts(text);
		free(text);
		cJSON_Delete(arr);
	} else {
		slo_print_table(s, order);
	}
	slo_live_burning(s, &pages, NULL);
	rc = pages ? 1 : 0;
	/* A server that never answered: say so, and exit 1 (only for servers
	 * some SLO queries, or the default one that discovery asked). */
	for (i = 0; i < s->n_srcs; i++) {
		const struct metrics *m = s->srcs[i].m;
		bool used = i == 0 && s->n_rows;
		char *name, *why;

		for (size_t j = 0; j < s->n_rows && !used; j++)
			used = s->rows[j].src == i;
		if (!used || m->status.ever_ok)
			continue;
		name = text_clean(m->name);
		why = text_clean(m->status.reason);
		fprintf(stderr, "pagetty: %s: no answer: %s\n", name, why);
		free(name);
		free(why);
		rc = 1;
	}
	free(order);
	slo_live_free(s);
out:
	http_free(h);
	loop_free(l);
	return rc;
}
