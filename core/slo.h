/* slo.h: SLO definitions from the files users already have (DESIGN.md §6):
 * Sloth `prometheus/v1` specs (and the sloth.slok.dev/v1 PrometheusServiceLevel
 * CRD), OpenSLO v1 `SLO` documents with an inline or referenced `SLI`, and
 * Sloth's recording rules discovered on a Prometheus server. Turns each into
 * the PromQL that measures its error ratio over a window. Parsed with
 * libyaml; errors name FILE:LINE:COL. Pure apart from slo_load_file(). */
#ifndef PAGETTY_SLO_H
#define PAGETTY_SLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "labels.h"
#include "promql.h"
#include "util.h"

enum slo_format {
	SLO_FMT_SLOTH,       /* prometheus/v1 spec or the Kubernetes CRD */
	SLO_FMT_OPENSLO,     /* openslo/v1 SLO (+ SLI) */
	SLO_FMT_SLOTH_RULES, /* Sloth's recording rules found on the server */
};

/* How the error ratio is measured. */
enum slo_sli_kind {
	SLO_SLI_NONE,       /* cannot be queried; note says why */
	SLO_SLI_EVENTS,     /* error (bad) query / total query */
	SLO_SLI_GOOD_TOTAL, /* 1 - good query / total query */
	SLO_SLI_RAW,        /* an error-ratio query */
	SLO_SLI_RECORDED,   /* slo:sli_error:ratio_rate<window>{sloth_service,sloth_slo} */
};

/* An SLI: the queries, with {{.window}} where the window goes. */
struct slo_sli {
	char *name;                 /* owned or NULL (OpenSLO SLI name) */
	enum slo_sli_kind kind;
	char *error_query;          /* owned or NULL: EVENTS */
	char *good_query;           /* owned or NULL: GOOD_TOTAL */
	char *total_query;          /* owned or NULL: EVENTS, GOOD_TOTAL */
	char *ratio_query;          /* owned or NULL: RAW */
	bool placeholder;           /* queries are placeholders ("Any"): not queried */
	char *note;                 /* owned or NULL: why it cannot be queried */
};

struct slo_def {
	char *service;              /* owned */
	char *name;                 /* owned */
	char *display_name;         /* owned or NULL */
	char *description;          /* owned or NULL */
	char *file;                 /* owned: file (or server) it came from */
	size_t line, col;           /* where it is defined, 1-based; 0 when not from a file */
	enum slo_format format;
	double objective;           /* ratio in (0, 1], e.g. 0.999 */
	int64_t window_ms;          /* SLO window; Sloth's default is 30 days */
	struct slo_sli sli;         /* owned */
	char *indicator_ref;        /* owned or NULL: OpenSLO SLI not found yet */
	struct labelset labels;     /* owned: spec labels (Sloth) or metadata labels */
};

struct slo_set {
	struct slo_def *v;          /* owned array of n */
	size_t n, cap;
	struct slo_sli *slis;       /* owned: OpenSLO SLI documents, for indicatorRef */
	size_t n_slis, cap_slis;
	char **warnings;            /* owned array of owned "FILE:L:C: message" */
	size_t n_warnings;
};

#define SLO_DEFAULT_WINDOW_MS ((int64_t)30 * 86400 * 1000)
#define SLO_FILE_MAX ((size_t)4 << 20)
#define SLO_MAX_PER_FILE 10000 /* SLOs per file, and discovered per call */

/* Parse YAML text (all its documents) and append its SLOs to set; name is
 * used in messages. Returns 0, or -1 with err "NAME:LINE:COL: message" and
 * set unchanged (a file loads whole or not at all). SLOs that cannot be
 * queried (placeholder queries, unsupported SLI types) load with sli.kind
 * SLO_SLI_NONE or sli.placeholder and a note, and a warning says so.
 * OpenSLO indicatorRef is resolved against SLI documents of every file
 * loaded so far, including later ones. A set starts zeroed. */
int slo_parse(struct slo_set *set, const char *text, size_t len, const char *name,
              char err[ERR_MAX]);
int slo_load_file(struct slo_set *set, const char *path, char err[ERR_MAX]);
void slo_set_free(struct slo_set *set);

/* Whether the SLO can be queried at all. */
bool slo_queryable(const struct slo_def *d);
/* PromQL for the error ratio (0..1) over window ("5m", "30d"), malloced;
 * NULL when the SLO cannot be queried. */
char *slo_error_ratio_query(const struct slo_def *d, const char *window);
/* PromQL for the total event rate over window, malloced; NULL when the SLI
 * has no total (raw ratios, recorded rules). */
char *slo_total_query(const struct slo_def *d, const char *window);
/* q with every {{.window}} (also "{{ .window }}") replaced, malloced. */
char *slo_window_subst(const char *q, const char *window);
/* A window as a PromQL duration: "30d", "6h", "90m", "45s". */
void slo_window_format(int64_t ms, char *out, size_t n);

/* Sloth's recording rules on a server: from the answer to the query
 * `slo:objective:ratio` (one series per SLO, labels sloth_service and
 * sloth_slo) and, when not NULL, to `slo:time_period:days`, append one
 * SLO_FMT_SLOTH_RULES SLO per series that the set does not hold yet (by
 * service and name). source names the server in messages. Returns how many
 * were added. */
size_t slo_discover_sloth(struct slo_set *set, const struct promql_result *objectives,
                          const struct promql_result *periods, const char *source);

#endif
