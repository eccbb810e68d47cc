/* config.h: the YAML configuration (DESIGN.md §3) and the command-line
 * flags that override it. Parsed with libyaml; errors name file:line:col.
 * Pure apart from config_load_file() reading the file. */
#ifndef PAGETTY_CONFIG_H
#define PAGETTY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "labels.h"
#include "util.h"

/* How to reach one HTTP endpoint family: auth, headers, TLS. Secrets are
 * never stored here, only where to read them from. */
struct http_opts {
	struct labelset headers;    /* owned: extra request headers */
	char *bearer_token_env;     /* owned or NULL */
	char *bearer_token_file;    /* owned or NULL */
	char *basic_username;       /* owned or NULL */
	char *basic_password_env;   /* owned or NULL */
	char *basic_password_file;  /* owned or NULL */
	char *ca_file, *cert_file, *key_file; /* owned or NULL */
	bool insecure_skip_verify;
	char *path_prefix;          /* owned or NULL ("/prometheus") */
};

/* One Alertmanager cluster: urls[0] is the configured url, the rest its HA peers. */
struct am_cluster {
	char *name;        /* owned; defaults to the url's host:port */
	char **urls;       /* owned array of owned urls (no trailing '/') */
	size_t n_urls;
	struct http_opts http;
};

struct prom_source {
	char *name;  /* owned */
	char *url;   /* owned */
	struct http_opts http;
};

/* The four golden signals, in the order of struct signal_cfg's queries. */
enum signal_kind { SIGNAL_LATENCY, SIGNAL_TRAFFIC, SIGNAL_ERRORS, SIGNAL_SATURATION,
                   SIGNAL_COUNT };

/* A signal's threshold: drawn as a line, the current value shown red above it. */
struct signal_threshold {
	bool set;
	double value;     /* finite; seconds, per second, or a 0..1 ratio */
};

/* One service's golden-signal panel (DESIGN.md §3 `signals:`): a PromQL
 * expression per signal, each drawn as a range chart. The first five
 * members stay first: the demo initializes them positionally. */
struct signal_cfg {
	char *service;    /* owned */
	char *latency;    /* owned or NULL */
	char *traffic;    /* owned or NULL */
	char *errors;     /* owned or NULL */
	char *saturation; /* owned or NULL */
	char *prometheus; /* owned or NULL: name of the prometheus: entry it
	                   * queries; NULL: the first */
	struct signal_threshold thresholds[SIGNAL_COUNT]; /* by enum signal_kind */
};

struct config {
	char *path;              /* owned: file it was loaded from, or NULL */
	int64_t refresh_ms;      /* default 15000 */
	struct am_cluster *am;   /* owned array */
	size_t n_am;
	struct prom_source *prom;
	size_t n_prom;
	char **runbook_dirs;     /* owned array of owned, ~ expanded */
	size_t n_runbook_dirs;
	char *runbook_base_url;  /* owned or NULL; always ends in '/' */
	char **slo_files;        /* owned array of owned globs */
	size_t n_slo_files;
	char *slo_prometheus;    /* owned or NULL: the prometheus: entry the specs'
	                          * SLOs query (slo.prometheus); NULL: the first */
	struct signal_cfg *signals; /* owned array of n_signals */
	size_t n_signals;
	char *exec_shell;        /* owned, default /bin/sh */
	int64_t exec_timeout_ms; /* default 60000 */
	size_t exec_output_limit;/* default 1 MiB */
	char *timeline_dir;      /* owned, default $XDG_STATE_HOME or ~/.local/state, + /pagetty/incidents */
	char **warnings;         /* owned array of owned messages ("FILE:L:C: ...") */
	size_t n_warnings;
};

void config_init(struct config *c);  /* defaults */
void config_free(struct config *c);

/* Parse YAML text (name is used in messages). Merges into c (call
 * config_init first). Returns 0, or -1 with err "NAME:LINE:COL: message".
 * Unknown keys are warnings, wrong types are errors. */
int config_parse(struct config *c, const char *text, size_t len, const char *name, char err[ERR_MAX]);
/* Read (at most 1 MiB) and parse a file; also warns when a token file is
 * named and the file is readable by group/other, or the token file is. */
int config_load_file(struct config *c, const char *path, char err[ERR_MAX]);

/* The path pagetty reads when no --config is given: $PAGETTY_CONFIG, else
 * $XDG_CONFIG_HOME/pagetty/config.yaml, else ~/.config/pagetty/config.yaml.
 * Malloced. */
char *config_default_path(void);

/* Flags: add an Alertmanager cluster for a --alertmanager URL (one cluster per
 * flag), a Prometheus, a runbook dir. Flags given on the command line replace
 * the file's list of the same kind (see main.c). The URL is validated
 * (http:// or https://, a host) and its trailing '/' stripped: 0, or -1 with
 * err ("invalid URL ..."). */
int config_add_alertmanager(struct config *c, const char *url, char err[ERR_MAX]);
int config_add_prometheus(struct config *c, const char *url, char err[ERR_MAX]);
void config_add_runbook_dir(struct config *c, const char *dir);
/* --slo FILE: add to the file's slo.files (unlike the flags above, it does
 * not replace them); "~/" is expanded, "" ignored. */
void config_add_slo_file(struct config *c, const char *file);
/* Free every Alertmanager cluster fully (name, urls, http options with
 * their auth/TLS strings and headers) and set n_am = 0: for flags that
 * replace the file's clusters. */
void config_clear_alertmanagers(struct config *c);

/* Name of a URL for display: "host:port" (userinfo dropped). Malloced. */
char *url_display_name(const char *url);
/* URL with any userinfo replaced by "***@" (for messages). Malloced. */
char *url_redact(const char *url);

#endif
