/* views.h: the views and overlays, one file each, and how to open them.
 * Each is a const struct view_ops; the app keeps them on its view stack. */
#ifndef PAGETTY_VIEWS_H
#define PAGETTY_VIEWS_H

#include <stdbool.h>

#include "../core/alert.h"
#include "../core/util.h"
#include "app.h"

extern const struct view_ops alerts_view;      /* alerts.c */
extern const struct view_ops runbook_view;     /* runbook.c */
extern const struct view_ops silence_view;     /* silence.c */
extern const struct view_ops help_view;        /* help.c */
extern const struct view_ops slo_view;         /* slo.c */
extern const struct view_ops signals_view;     /* signals.c */
extern const struct view_ops prompt_view;      /* prompt.c */
extern const struct view_ops confirm_view;     /* prompt.c */
extern const struct view_ops timeline_view;    /* timeline.c */
extern const struct view_ops scorecard_view;   /* scorecard.c */

void alerts_view_open(struct app *a);
/* The alert the Alerts view has selected (borrowed from a->alerts), or NULL. */
const struct alert *alerts_view_selected(struct app *a);

/* The runbook of alert (copied). */
void runbook_view_open(struct app *a, const struct alert *alert);

/* Silence overlay for alert (copied); duration/comment may be NULL. */
void silence_view_open(struct app *a, const struct alert *alert,
                       const char *duration, const char *comment);
/* Ask y/N, then expire every silence that mutes alert. */
void silence_expire_open(struct app *a, const struct alert *alert);

void help_view_open(struct app *a);

/* A piece of the header's second line. When the line is too wide for the
 * terminal, pieces are left out whole, those of the highest prio first,
 * down to APP_HDR_KEEP: those always show (cut with an ellipsis at the
 * edge). */
struct app_hdr_part {
	int prio;
	enum tui_role role;
	char text[160];
};
#define APP_HDR_KEEP 1
/* Append a part to v[*n] (room for max; a full v drops it). */
void app_hdr_add(struct app_hdr_part *v, size_t *n, size_t max, int prio, enum tui_role role,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The colour an alert of severity s is drawn in. */
enum tui_role app_sev_role(enum alert_severity s);

/* The SLO (`2`) and Signals (`3`) views, and the app's SLO state (slo.c):
 * start it with the app, free it with the app, refresh it on `R`; the
 * header's burning-SLO count as parts appended to v[*n] (room for max). */
void slo_view_open(struct app *a);
void signals_view_open(struct app *a);
void slo_views_start(struct app *a);
void slo_views_stop(struct app *a);
void slo_views_refresh(struct app *a);
void slo_view_header(struct app *a, struct app_hdr_part *v, size_t *n, size_t max);

/* The current incident's timeline (the alert whose runbook opened last). */
void timeline_view_open(struct app *a);

/* The drill scorecard overlay (scorecard.c): open it; open it once when
 * the drill is over (called on every update); before quitting a drill,
 * open it instead and return true (the next q quits). */
void scorecard_view_open(struct app *a);
void scorecard_view_check(struct app *a);
bool scorecard_view_before_quit(struct app *a);

/* A one-line prompt on the status row. submit returns 0 to close, -1
 * with err to stay open showing err, or 1 when it closed the prompt itself
 * (app_pop) already; change (may be NULL) runs on each edit
 * and may return -1 with err (shown live);
 * cancel (may be NULL) runs on Esc. data is freed with free_data (may be NULL)
 * when the prompt closes. */
struct prompt_spec {
	const char *label;      /* ":", "/", "duration: " */
	const char *initial;    /* may be NULL */
	int (*submit)(struct app *a, const char *text, void *data, char err[ERR_MAX]);
	int (*change)(struct app *a, const char *text, void *data, char err[ERR_MAX]);
	void (*cancel)(struct app *a, void *data);
	void *data;
	void (*free_data)(void *data);
};
void prompt_open(struct app *a, const struct prompt_spec *spec);
/* A y/N question; yes runs on 'y' only. data freed as above. */
void confirm_open(struct app *a, const char *question,
                  void (*yes)(struct app *a, void *data), void *data,
                  void (*free_data)(void *data));

#endif
