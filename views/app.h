/* app.h: the console's state and the contracts between views. The app owns
 * the sources, the merged alert list, the filter, the grouping, the status
 * line, the view stack and the named commands every key maps to (cmus:
 * each key is also a ":command"). Views are const ops tables (tmux window
 * modes, ncdu x_draw/x_key); overlays are views stacked over the view below,
 * drawn in the same frame, never a nested loop. No curses here. */
#ifndef PAGETTY_APP_H
#define PAGETTY_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/alert.h"
#include "../core/config.h"
#include "../core/matcher.h"
#include "../datasource/http.h"
#include "../datasource/source.h"
#include "../loop/loop.h"
#include "../tui/tui.h"

struct app;
struct view;
struct slo_live;
struct walker_set;

/* A key bound to a named command, for one view or for every view. */
struct app_binding {
	int key;
	const char *command;  /* a command line, e.g. "down", "view 2" */
	const char *help;     /* one line for the help overlay */
};

struct view_ops {
	const char *name;
	bool overlay;        /* drawn over the view below; else owns the body */
	/* Draw into the body rows [y, y + h), w columns (overlays may also use
	 * the status row y + h). Never changes state other than scrolling to
	 * keep the selection visible. */
	void (*draw)(struct app *a, struct view *v, int y, int h, int w);
	/* A raw key, before the bindings (prompts take printable keys).
	 * Returns true when consumed. May be NULL. */
	bool (*key)(struct app *a, struct view *v, int key);
	/* A named command aimed at this view, from a binding or ':'. args is
	 * "" when none. Returns true when the view knows the command. May be NULL. */
	bool (*command)(struct app *a, struct view *v, const char *name, const char *args);
	/* The alerts or a fetch changed; refresh derived state. May be NULL. */
	void (*tick)(struct app *a, struct view *v);
	void (*free)(struct view *v);   /* frees priv; may be NULL */
	const struct app_binding *keys; /* this view's bindings, ending with {0} */
	const char *hint;               /* status line when there is no message */
};

struct view {
	const struct view_ops *ops;
	void *priv;          /* owned through ops->free */
};

/* A URL fetched for a runbook: cached by URL for the session. */
enum app_fetch_state { FETCH_PENDING, FETCH_OK, FETCH_ERROR };
struct app_fetch {
	char *url;           /* owned */
	enum app_fetch_state state;
	char *body;          /* owned when OK */
	size_t len;
	char err[ERR_MAX];
	uint64_t req;        /* http request id while pending */
	struct app *app;     /* borrowed back pointer for the callback */
};

struct app {
	struct config *cfg;      /* borrowed */
	struct loop *loop;       /* borrowed */
	struct http *http;       /* borrowed */
	struct source **sources; /* owned array of owned sources */
	size_t n_sources;
	bool demo;

	struct alert_list alerts;/* owned: every source's alerts merged and sorted */
	uint64_t gen;            /* bumped when alerts, filter or grouping change */
	uint64_t merged_gens;    /* sum of the sources' generations at the last merge + 1,
	                          * 0 before the first: unchanged, no merge to do */
	struct filter filter;    /* owned */
	char *filter_text;       /* owned or NULL: what the user typed */
	char *group_by;          /* owned label name, or NULL: no grouping */
	double last_update;      /* wall time of the last source update */
	unsigned char *lat_shown;/* owned or NULL, n_sources: latency bucket in the header */

	struct view **stack;     /* owned views, [0] the bottom */
	size_t n_views, cap_views;

	char status[512];        /* sanitized message, "" none */
	enum tui_role status_role;
	int64_t status_at;       /* now_ms() when set */

	struct app_fetch **fetches; /* owned cache */
	size_t n_fetches, cap_fetches;

	struct slo_live *slo;    /* owned or NULL: SLO and signal queries (views/slo_state.h) */

	uint64_t refresh_timer, tick_timer;
	struct walker_set *walkers; /* owned through walker.c: runbook walk sessions */
	bool drill_scored;       /* drill: the scorecard has been shown once */
	bool dirty;
	bool quit;
	int exit_code;
};

/* Takes ownership of sources (and the array). */
struct app *app_new(struct config *cfg, struct loop *l, struct http *h,
                    struct source **sources, size_t n_sources, bool demo);
void app_free(struct app *a);

/* Start: timers, first refresh, the Alerts view. */
void app_start(struct app *a);
/* Draw a frame if dirty (the loop's before-sleep hook calls this). */
void app_draw(struct app *a);
/* app_bars.c, for app_draw: the two header rows in w columns; the status
 * row y. */
void app_draw_header(struct app *a, int w);
void app_draw_status(struct app *a, int y, int w);
/* A key from the terminal. */
void app_key(struct app *a, int key);

/* Run a command line ("silence 2h db failover", "q"). Unknown commands and
 * errors go to the status line. */
void app_command(struct app *a, const char *line);
/* Every command with its one-line help, for the help overlay. */
struct app_command_info {
	const char *name;
	const char *args;   /* "" or "TEXT", "LABEL", ... */
	const char *help;
};
const struct app_command_info *app_commands(size_t *n);
const struct app_binding *app_global_keys(void);

void app_push(struct app *a, const struct view_ops *ops, void *priv);
void app_pop(struct app *a);           /* frees the top view */
struct view *app_top(struct app *a);
/* The view under the overlays (the one that owns the body). */
struct view *app_base(struct app *a);

void app_status(struct app *a, enum tui_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void app_dirty(struct app *a);
void app_refresh(struct app *a);

/* Filter: "" or NULL clears. Returns -1 with err (not applied) when the
 * text looks like matchers but does not parse. */
int app_set_filter(struct app *a, const char *text, char err[ERR_MAX]);
/* Group by a label; NULL or "" for no grouping. */
void app_set_group(struct app *a, const char *label);

/* A short age for screens: "45s", "12m", "3h04m", "2d05h" (negative: "0s"). */
void app_age(double seconds, char *out, size_t n);

/* The source of a cluster name, or NULL. */
struct source *app_source(struct app *a, const char *cluster);
/* Start or return a cached fetch of url (tick is called on every view when
 * it finishes). Never NULL. */
const struct app_fetch *app_fetch_url(struct app *a, const char *url);

#endif
