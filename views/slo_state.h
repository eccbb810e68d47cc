/* slo_state.h: the live numbers behind the SLO and Signals views and
 * `pagetty slo`, with no curses in it. Loads the SLO specs (slo.files globs,
 * or the demo's), discovers Sloth's recording rules on the server, runs
 * each SLO's queries (burn windows, the whole window, traffic) through the
 * metrics interface on every refresh and feeds slo_evaluate; runs the
 * golden-signal range queries per service panel. Several Prometheus
 * servers: each SLO and panel queries one (slo.prometheus, a service's
 * prometheus:, default the first; Sloth rules are discovered on each). A
 * failing query marks only its own SLO (or panel chart) stale with the
 * reason, so a server that is down marks only what uses it; the last good
 * numbers stay. */
#ifndef PAGETTY_SLO_STATE_H
#define PAGETTY_SLO_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/config.h"
#include "../core/slo.h"
#include "../core/slo_math.h"
#include "../datasource/http.h"
#include "../datasource/metrics.h"
#include "../loop/loop.h"

/* A time series copied out of a query answer. */
struct slo_series {
	double *t, *v;               /* owned arrays of n */
	size_t n;
	char *label;                 /* owned or NULL: what tells it apart from
	                              * the others of its chart (sanitized) */
};

/* The series of one chart: the first SLO_SERIES_MAX of the answer. */
#define SLO_SERIES_MAX 4
#define SLO_LABEL_MAX 48             /* bytes of a series' label */
struct slo_plot {
	struct slo_series s[SLO_SERIES_MAX];
	size_t n;
	size_t n_more;               /* series of the answer left out */
};

/* One Prometheus (or the demo's or a drill's curves). */
struct slo_src {
	struct metrics *m;           /* owned */
	struct promql_result disc_obj, disc_per; /* owned: Sloth discovery answers */
	unsigned disc_pending;
	char disc_err[ERR_MAX];
};

struct slo_row {
	size_t def;                  /* index into set.v */
	size_t src;                  /* index into srcs: the server it queries */
	struct slo_eval ev;          /* the last good evaluation */
	bool have;                   /* ev is valid */
	bool stale;                  /* the last round failed: ev is older */
	char err[ERR_MAX];           /* "" or why the last round failed (sanitized) */
	double updated;              /* wall time of the last good round */
	/* the round in flight */
	unsigned pending;
	bool failed;
	char round_err[ERR_MAX];
	struct slo_eval_in in;
	/* budget remaining over the window, asked for by the detail pane */
	struct slo_series hist;      /* values are budget remaining fractions */
	bool hist_asked, hist_pending;
	char hist_err[ERR_MAX];
};

enum slo_signal { SLO_SIG_LATENCY = SIGNAL_LATENCY, SLO_SIG_TRAFFIC = SIGNAL_TRAFFIC,
                  SLO_SIG_ERRORS = SIGNAL_ERRORS, SLO_SIG_SATURATION = SIGNAL_SATURATION,
                  SLO_SIG_COUNT = SIGNAL_COUNT };
const char *slo_signal_name(enum slo_signal s); /* "latency", ... */

struct slo_panel {
	char *service;                     /* owned */
	size_t src;                        /* index into srcs: the server it queries */
	char *expr[SLO_SIG_COUNT];         /* owned or NULL: not configured */
	struct signal_threshold thr[SLO_SIG_COUNT];
	struct slo_plot data[SLO_SIG_COUNT];
	bool have[SLO_SIG_COUNT];
	bool stale[SLO_SIG_COUNT];
	bool pending[SLO_SIG_COUNT];
	char err[SLO_SIG_COUNT][ERR_MAX];  /* "" or sanitized reason */
	double start, end;                 /* the range data covers */
};

/* Ranges of the Signals view. */
#define SLO_NRANGES 4
extern const int64_t slo_ranges_s[SLO_NRANGES]; /* 15m, 1h, 6h, 24h */
extern const char *const slo_range_names[SLO_NRANGES];


struct slo_live {
	struct config *cfg;          /* borrowed */
	struct loop *loop;           /* borrowed */
	struct slo_src *srcs;        /* owned array of n_srcs: cfg->prom in order
	                              * (the demo: its curves); none: no Prometheus */
	size_t n_srcs;
	struct metrics *metrics;     /* borrowed: srcs[0].m, the default, or NULL */
	bool demo;
	struct slo_set set;          /* owned */
	struct slo_row *rows;        /* owned array of n_rows, one per SLO in set */
	size_t n_rows;
	char load_err[ERR_MAX];      /* "" or the first spec that failed to load */

	struct slo_panel *panels;    /* owned array of n_panels */
	size_t n_panels;
	bool panels_from_jobs;       /* panels offered from `up`, not configured */
	bool jobs_pending;
	char jobs_err[ERR_MAX];
	int range;                   /* index into slo_ranges_s */
	bool signals_on;             /* the Signals view wants data */

	struct slo_query *queries;   /* owned list of queries in flight */
	uint64_t timer;
	uint64_t gen;                /* bumped on every change */
	void (*on_change)(struct slo_live *s, void *data); /* borrowed, may be NULL */
	void *data;                  /* borrowed */
};

/* Builds the state: the metrics sources (the demo's, or one per configured
 * Prometheus) and the SLO specs. Returns NULL with
 * err when a spec file does not load (a config error: `pagetty slo` exits
 * 2); with keep_going the error is kept in load_err and the rest loads. */
struct slo_live *slo_live_new(struct config *cfg, struct loop *l, struct http *h,
                                bool demo, bool keep_going, char err[ERR_MAX]);
void slo_live_free(struct slo_live *s);
/* Replace the default source's metrics (a drill's curves); takes m. */
void slo_live_set_metrics(struct slo_live *s, struct metrics *m);

/* Start a round of queries now (SLOs, discovery, and panels while
 * signals_on); rounds still in flight are not restarted. */
void slo_live_refresh(struct slo_live *s);
/* Refresh now and then every cfg->refresh_ms. */
void slo_live_start_timer(struct slo_live *s);
/* Queries in flight. */
size_t slo_live_pending(const struct slo_live *s);

/* Rows sorted by budget left (unknown last): fills order[n_rows]. */
void slo_live_sorted(const struct slo_live *s, size_t *order);
const struct slo_def *slo_live_def(const struct slo_live *s, const struct slo_row *r);
/* SLOs in page / ticket state. */
size_t slo_live_burning(const struct slo_live *s, size_t *pages, size_t *tickets);

/* Ask for the budget history of row i (range query over the SLO window). */
void slo_live_history(struct slo_live *s, size_t i);

/* Signals: turn the panel queries on/off, switch range (delta -1/+1, wraps). */
void slo_live_signals(struct slo_live *s, bool on);
void slo_live_range(struct slo_live *s, int delta);

#endif
