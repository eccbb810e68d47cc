/* slo_math.h: the arithmetic of SLOs, pure and table-tested: error budget,
 * budget remaining over the SLO window, burn rate per alert window, the
 * multi-window multi-burn-rate state of the Google SRE Workbook (the windows
 * and factors Sloth generates), time to exhaustion and the low-traffic flag.
 * NaN means "unknown" everywhere: it never satisfies a condition. */
#ifndef PAGETTY_SLO_MATH_H
#define PAGETTY_SLO_MATH_H

#include <stdbool.h>
#include <stdint.h>

/* The burn-rate windows, shortest first. */
enum slo_window {
	SLO_W5M,
	SLO_W30M,
	SLO_W1H,
	SLO_W2H,
	SLO_W6H,
	SLO_W1D,
	SLO_W3D,
	SLO_NWINDOWS
};

/* "5m", "30m", "1h", "2h", "6h", "1d", "3d" (the PromQL range and the JSON
 * key); NULL when out of range. */
const char *slo_window_name(enum slo_window w);
int64_t slo_window_seconds(enum slo_window w); /* 0 when out of range */

enum slo_state { SLO_STATE_OK, SLO_STATE_TICKET, SLO_STATE_PAGE };
const char *slo_state_name(enum slo_state s); /* "ok", "ticket", "page" */

/* One multi-window alert: burn above factor over both the long and the short
 * window. Page: 14.4x over 1h and 5m, or 6x over 6h and 30m. Ticket: 3x over
 * 1d and 2h, or 1x over 3d and 6h. (For a 30-day SLO, 14.4x for 1h spends 2%
 * of the budget, 6x for 6h 5%, 3x for 1d 10%, 1x for 3d 10%.) */
struct slo_mwmb {
	enum slo_state severity;
	double factor;
	enum slo_window long_w, short_w;
};
extern const struct slo_mwmb slo_mwmb_rules[4];

/* 1 - objective; objective is a ratio in [0, 1]. NaN when out of range. */
double slo_error_budget(double objective);
/* error_ratio / budget. NaN ratio -> NaN. Zero budget (objective 1):
 * 0 when the ratio is 0, +Inf when above. Negative ratios (counter resets
 * seen through odd queries) count as 0. */
double slo_burn_rate(double error_ratio, double objective);
/* Fraction of the window's budget left: 1 - error_ratio_over_window / budget
 * (1 = untouched, 0 = spent, negative = overspent). NaN when unknown. */
double slo_budget_remaining(double window_error_ratio, double objective);
/* The budget left as time at 100% errors: remaining * budget * window. */
double slo_budget_remaining_seconds(double remaining, double objective, int64_t window_s);
/* The multi-window state from burn rates per window (NaN = unknown). */
enum slo_state slo_alert_state(const double burn[SLO_NWINDOWS]);
/* Seconds until the budget is gone at a constant burn: remaining * window /
 * burn (a linear estimate: it ignores errors rolling out of the window). 0
 * when already spent; NaN when not burning (burn <= 0 or unknown) or when
 * remaining is unknown. */
double slo_exhaustion_seconds(double remaining, double burn, int64_t window_s);
/* Too little traffic to trust the ratio: fewer events over the window than
 * it takes for one failure not to trip the fastest page alert, i.e.
 * rate * window < 1 / (14.4 * budget) (70 events per hour at 99.9%), or at
 * least SLO_LOW_TRAFFIC_MIN events whatever the objective. total_rate is
 * events per second; 0 (no traffic) is low traffic, NaN (not measured, e.g.
 * a raw error-ratio SLO) is not judged: false. */
#define SLO_LOW_TRAFFIC_MIN 10.0
bool slo_low_traffic(double total_rate, int64_t window_s, double objective);

/* Everything the SLO view and `pagetty slo --json` show, from measured
 * inputs. */
struct slo_eval_in {
	double objective;                 /* ratio, e.g. 0.999 */
	int64_t window_s;                 /* SLO window, e.g. 30 days */
	double error_ratio[SLO_NWINDOWS]; /* per burn window, NaN unknown */
	double window_error_ratio;        /* over the whole SLO window, NaN unknown */
	double total_rate;                /* events/s over SLO_TRAFFIC_WINDOW; NaN not measured */
};

/* The window whose burn is "current" (as Sloth's slo:current_burn_rate). */
#define SLO_CURRENT_WINDOW SLO_W5M
/* The window low traffic is judged over. */
#define SLO_TRAFFIC_WINDOW SLO_W1H

struct slo_eval {
	double budget;                    /* 1 - objective */
	double sli;                       /* good ratio now: 1 - error_ratio[5m], NaN unknown */
	double burn[SLO_NWINDOWS];
	double budget_remaining;          /* fraction, may be negative; NaN unknown */
	double budget_remaining_s;        /* as time at 100% errors; NaN unknown */
	enum slo_state state;
	double exhaustion_s;              /* NaN when not burning */
	bool low_traffic;
	bool no_data;                     /* every ratio unknown */
};

void slo_evaluate(const struct slo_eval_in *in, struct slo_eval *out);

#endif
