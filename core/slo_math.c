/* slo_math.c: error budgets, burn rates and the multi-window multi-burn-rate
 * state (Google SRE Workbook, ch. 5 "Alerting on SLOs"). Pure arithmetic on
 * doubles where NaN means unknown. */
#include "slo_math.h"

#include <math.h>
#include <stddef.h>

static const struct {
	const char *name;
	int64_t seconds;
} slo_windows[SLO_NWINDOWS] = {
	[SLO_W5M] = { "5m", 5 * 60 },
	[SLO_W30M] = { "30m", 30 * 60 },
	[SLO_W1H] = { "1h", 3600 },
	[SLO_W2H] = { "2h", 2 * 3600 },
	[SLO_W6H] = { "6h", 6 * 3600 },
	[SLO_W1D] = { "1d", 86400 },
	[SLO_W3D] = { "3d", 3 * 86400 },
};

/* Page first: the worst state that matches wins. */
const struct slo_mwmb slo_mwmb_rules[4] = {
	{ SLO_STATE_PAGE, 14.4, SLO_W1H, SLO_W5M },
	{ SLO_STATE_PAGE, 6, SLO_W6H, SLO_W30M },
	{ SLO_STATE_TICKET, 3, SLO_W1D, SLO_W2H },
	{ SLO_STATE_TICKET, 1, SLO_W3D, SLO_W6H },
};

const char *slo_window_name(enum slo_window w)
{
	if ((unsigned)w >= SLO_NWINDOWS)
		return NULL;
	return slo_windows[w].name;
}

int64_t slo_window_seconds(enum slo_window w)
{
	if ((unsigned)w >= SLO_NWINDOWS)
		return 0;
	return slo_windows[w].seconds;
}

const char *slo_state_name(enum slo_state s)
{
	switch (s) {
	case SLO_STATE_PAGE: return "page";
	case SLO_STATE_TICKET: return "ticket";
	case SLO_STATE_OK: break;
	}
	return "ok";
}

double slo_error_budget(double objective)
{
	if (!(objective >= 0 && objective <= 1))
		return NAN;
	return 1 - objective;
}

double slo_burn_rate(double error_ratio, double objective)
{
	double b = slo_error_budget(objective);

	if (isnan(error_ratio) || isnan(b))
		return NAN;
	if (error_ratio < 0)
		error_ratio = 0;
	if (b <= 0)
		return error_ratio > 0 ? INFINITY : 0;
	return error_ratio / b;
}

double slo_budget_remaining(double window_error_ratio, double objective)
{
	double burn = slo_burn_rate(window_error_ratio, objective);

	if (isnan(burn))
		return NAN;
	if (isinf(burn))
		return -INFINITY;
	return 1 - burn;
}

double slo_budget_remaining_seconds(double remaining, double objective, int64_t window_s)
{
	double b = slo_error_budget(objective);

	if (isnan(remaining) || isnan(b) || window_s <= 0)
		return NAN;
	if (b == 0)
		return 0;
	return remaining * b * (double)window_s;
}

/* burn > factor, where NaN never is. */
static bool slo_over(double burn, double factor)
{
	return !isnan(burn) && burn > factor;
}

enum slo_state slo_alert_state(const double burn[SLO_NWINDOWS])
{
	enum slo_state st = SLO_STATE_OK;
	size_t i;

	for (i = 0; i < sizeof(slo_mwmb_rules) / sizeof(slo_mwmb_rules[0]); i++) {
		const struct slo_mwmb *r = &slo_mwmb_rules[i];
		if (slo_over(burn[r->long_w], r->factor) && slo_over(burn[r->short_w], r->factor) &&
		    r->severity > st)
			st = r->severity;
	}
	return st;
}

double slo_exhaustion_seconds(double remaining, double burn, int64_t window_s)
{
	if (isnan(remaining) || isnan(burn) || window_s <= 0)
		return NAN;
	if (remaining <= 0)
		return 0;
	if (burn <= 0)
		return NAN;
	if (isinf(burn))
		return 0;
	return remaining * (double)window_s / burn;
}

bool slo_low_traffic(double total_rate, int64_t window_s, double objective)
{
	double b = slo_error_budget(objective), need, events;

	if (isnan(total_rate) || window_s <= 0)
		return false;
	events = total_rate * (double)window_s;
	need = SLO_LOW_TRAFFIC_MIN;
	if (!isnan(b) && b > 0 && 1 / (14.4 * b) > need)
		need = 1 / (14.4 * b);
	return events < need;
}

void slo_evaluate(const struct slo_eval_in *in, struct slo_eval *out)
{
	size_t i;
	bool any = false;
	double cur;

	out->budget = slo_error_budget(in->objective);
	for (i = 0; i < SLO_NWINDOWS; i++) {
		out->burn[i] = slo_burn_rate(in->error_ratio[i], in->objective);
		any |= !isnan(in->error_ratio[i]);
	}
	any |= !isnan(in->window_error_ratio);
	out->no_data = !any;
	out->sli = isnan(in->error_ratio[SLO_CURRENT_WINDOW]) ? NAN
	           : 1 - in->error_ratio[SLO_CURRENT_WINDOW];
	out->budget_remaining = slo_budget_remaining(in->window_error_ratio, in->objective);
	out->budget_remaining_s = slo_budget_remaining_seconds(out->budget_remaining,
	                                                       in->objective, in->window_s);
	out->state = slo_alert_state(out->burn);
	/* The current burn: 5m, or the next shortest window that is known. */
	cur = NAN;
	for (i = SLO_CURRENT_WINDOW; i < SLO_NWINDOWS && isnan(cur); i++)
		cur = out->burn[i];
	out->exhaustion_s = slo_exhaustion_seconds(out->budget_remaining, cur, in->window_s);
	out->low_traffic = slo_low_traffic(in->total_rate, slo_window_seconds(SLO_TRAFFIC_WINDOW),
	                                   in->objective);
}
