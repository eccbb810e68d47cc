/* scorecard.h: what a drill recorded (a list of events in scenario time)
 * and the scorecard computed from it for the debrief: time to open the
 * runbook, triage steps run before the first mitigation, mitigations in
 * reversibility order or not, escalation before its deadline, silences
 * created, total time to resolve. Pure: no terminal, no clock, no I/O; JSON
 * (cJSON) and markdown out. */
#ifndef PAGETTY_SCORECARD_H
#define PAGETTY_SCORECARD_H

#include <stdbool.h>
#include <stddef.h>

enum drill_ev {
	DRILL_EV_FIRED,          /* alert fired */
	DRILL_EV_RESOLVED,       /* alert resolved */
	DRILL_EV_RUNBOOK,        /* the responder opened an alert's runbook */
	DRILL_EV_STEP_RUN,       /* a step's command was run (answered from the drill) */
	DRILL_EV_STEP_DONE,      /* a step was marked done */
	DRILL_EV_SILENCE,        /* a silence was created */
	DRILL_EV_INJECT,         /* an injected event happened */
};

/* Section kinds of a step, as the runbook parser names them. */
enum drill_sec { DRILL_SEC_OTHER, DRILL_SEC_TRIAGE, DRILL_SEC_MITIGATION, DRILL_SEC_ESCALATION };

struct drill_event {
	enum drill_ev kind;
	double t;                /* scenario seconds since the drill began */
	char *alert;             /* owned or NULL: alertname */
	enum drill_sec sec;      /* STEP_RUN / STEP_DONE */
	char *step;              /* owned or NULL: step title */
	char *command;           /* owned or NULL: command (STEP_RUN) or detail */
	int rev;                 /* reversibility 0 unknown, 1 reversible, 2 risky, 3 irreversible */
	int exit_code;           /* STEP_RUN */
	bool rollback;           /* STEP_RUN of a Rollback: command */
};

struct drill_log {
	struct drill_event *v;   /* owned array */
	size_t n, cap;
};

/* Append an event; strings are copied (NULL ok). */
void drill_log_add(struct drill_log *l, enum drill_ev kind, double t, const char *alert,
                   enum drill_sec sec, const char *step, const char *command, int rev,
                   int exit_code, bool rollback);
void drill_log_free(struct drill_log *l);

struct scorecard {
	char *name;                  /* owned: the drill's name */
	double first_fire;           /* scenario time of the first alert (may be negative:
	                                before the drill began); 0 when none fired */
	double runbook_s;            /* first runbook opened - first fire; -1 never */
	int triage_before_mitigation;/* triage steps run before the first mitigation */
	int mitigations;             /* mitigation runs (not rollbacks) */
	bool reversibility_order;    /* no mitigation less reversible than one run before */
	bool escalated;              /* an escalation step was run or marked done */
	double escalated_s;          /* when, since first fire; -1 never */
	double escalate_by;          /* the deadline, 0: none expected */
	bool escalated_in_time;      /* escalated before the deadline (or none expected) */
	int silences;                /* silences created */
	int commands;                /* steps run in all */
	bool resolved;               /* every alert that fired has resolved */
	double resolve_s;            /* last resolve - first fire; -1 unresolved */
	double elapsed_s;            /* scenario time at the end */
};

/* Compute from a log. name is copied; escalate_by 0 means none expected;
 * end is the scenario time the drill ended. */
void scorecard_compute(struct scorecard *sc, const struct drill_log *l, const char *name,
                       double escalate_by, double end);
void scorecard_free(struct scorecard *sc);

/* JSON object (malloced text, pretty) and markdown (malloced). */
char *scorecard_json(const struct scorecard *sc);
char *scorecard_markdown(const struct scorecard *sc, const struct drill_log *l);
/* Plain lines for the screen: fills out[] with up to max malloced strings,
 * returns how many. */
size_t scorecard_lines(const struct scorecard *sc, char **out, size_t max);
/* Write FILE.json and FILE.md (the .json suffix replaced; else appended).
 * Returns 0 or -1 with err. */
int scorecard_write(const struct scorecard *sc, const struct drill_log *l, const char *path,
                    char *err);

#endif
