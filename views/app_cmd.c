/* app_cmd.c: the console's named commands and the keys that reach them
 * (cmus: every key is also a ":command"). A key goes to the top view's raw
 * key handler, then its bindings, then (under no overlay) the global ones;
 * a command line goes to the top view, the base view, then the app's own
 * table below. Split from app.c, which keeps the state, the view stack and
 * the frame. */
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "app.h"
#include "views.h"
#include "walker.h"

static void app_to_base(struct app *a)
{
	while (a->n_views > 1)
		app_pop(a);
}

static void app_quit_yes(struct app *a, void *data)
{
	(void)data;
	walker_quit(a);
}

static void cmd_quit(struct app *a, const char *args)
{
	size_t n = walker_running(a);
	char *q;

	if (strcmp(args, "!") != 0 && scorecard_view_before_quit(a))
		return;

	if (!n || !strcmp(args, "!")) {
		walker_quit(a);
		return;
	}
	q = xasprintf("%zu command%s still running: quit and end %s? (y/N)", n,
	              n == 1 ? "" : "s", n == 1 ? "it" : "them");
	confirm_open(a, q, app_quit_yes, NULL, NULL);
	free(q);
}

static void cmd_alerts(struct app *a, const char *args)
{
	(void)args;
	app_to_base(a);
}

static void cmd_slo(struct app *a, const char *args) { (void)args; app_to_base(a); slo_view_open(a); }
static void cmd_signals(struct app *a, const char *args) { (void)args; app_to_base(a); signals_view_open(a); }
static void cmd_timeline(struct app *a, const char *args)
{
	(void)args;
	app_to_base(a);
	timeline_view_open(a);
}

static void cmd_view(struct app *a, const char *args)
{
	switch (atoi(args)) {
	case 1: cmd_alerts(a, ""); break;
	case 2: cmd_slo(a, ""); break;
	case 3: cmd_signals(a, ""); break;
	case 4: cmd_timeline(a, ""); break;
	default: app_status(a, TUI_ERROR, "view: expected 1, 2, 3 or 4"); break;
	}
}

static void cmd_refresh(struct app *a, const char *args)
{
	(void)args;
	app_refresh(a);
	slo_views_refresh(a);
	app_status(a, TUI_INFO, "refreshing %zu source%s", a->n_sources, a->n_sources == 1 ? "" : "s");
}

static void cmd_help(struct app *a, const char *args)
{
	struct view *top = app_top(a);

	(void)args;
	if (top && top->ops == &help_view)
		app_pop(a);
	else
		help_view_open(a);
}

static int app_cmdline_submit(struct app *a, const char *text, void *data, char err[ERR_MAX])
{
	char *line = xstrdup(text);

	(void)data; (void)err;
	app_pop(a); /* the prompt, before the command changes the stack */
	app_command(a, line);
	free(line);
	return 1; /* already closed */
}

static void cmd_command(struct app *a, const char *args)
{
	struct prompt_spec p = { .label = ":", .initial = args, .submit = app_cmdline_submit };

	prompt_open(a, &p);
}

static int app_filter_change(struct app *a, const char *text, void *data, char err[ERR_MAX])
{
	(void)data;
	return app_set_filter(a, text, err);
}

static int app_filter_submit(struct app *a, const char *text, void *data, char err[ERR_MAX])
{
	(void)data;
	return app_set_filter(a, text, err);
}

static void app_filter_cancel(struct app *a, void *data)
{
	(void)data;
	app_set_filter(a, NULL, NULL);
}

static void cmd_filter(struct app *a, const char *args)
{
	char err[ERR_MAX];

	if (*args) {
		if (app_set_filter(a, args, err) < 0)
			app_status(a, TUI_ERROR, "filter: %s", err);
		return;
	}
	{
		struct prompt_spec p = {
			.label = "/", .initial = a->filter_text,
			.submit = app_filter_submit, .change = app_filter_change,
			.cancel = app_filter_cancel,
		};
		app_to_base(a);
		prompt_open(a, &p);
	}
}

static void cmd_nofilter(struct app *a, const char *args)
{
	(void)args;
	if (a->filter_text) {
		app_set_filter(a, NULL, NULL);
		app_status(a, TUI_INFO, "filter cleared");
	}
}

static void cmd_group(struct app *a, const char *args)
{
	if (*args)
		app_set_group(a, args);
	else
		app_set_group(a, a->group_by ? NULL : "alertname");
	if (a->group_by)
		app_status(a, TUI_INFO, "grouped by %s", a->group_by);
	else
		app_status(a, TUI_INFO, "not grouped");
}

static void cmd_suspend(struct app *a, const char *args)
{
	(void)args;
	tui_suspend();
	a->dirty = true;
}

struct app_cmd {
	const char *name;
	const char *alias;
	void (*fn)(struct app *a, const char *args);
	const char *args;
	const char *help;
};

static const struct app_cmd app_cmds[] = {
	{ "quit", "q", cmd_quit, "", "quit pagetty" },
	{ "alerts", NULL, cmd_alerts, "", "the Alerts view" },
	{ "slo", NULL, cmd_slo, "", "the SLOs view" },
	{ "signals", NULL, cmd_signals, "", "the Signals view" },
	{ "timeline", NULL, cmd_timeline, "", "the Timeline view: the current incident's events" },
	{ "view", NULL, cmd_view, "N", "switch to view 1-4" },
	{ "refresh", NULL, cmd_refresh, "", "fetch every source now" },
	{ "filter", NULL, cmd_filter, "TEXT", "filter alerts: matchers (severity=\"page\") or text; none: prompt" },
	{ "nofilter", NULL, cmd_nofilter, "", "clear the filter" },
	{ "group", NULL, cmd_group, "LABEL", "group alerts by a label; none: toggle alertname/off" },
	{ "help", NULL, cmd_help, "", "this help" },
	{ "command", NULL, cmd_command, "", "the : command line" },
	{ "suspend", NULL, cmd_suspend, "", "suspend pagetty (fg to return)" },
};

/* Commands the views answer, listed here so help and ':' know them. */
static const struct app_command_info app_view_cmds[] = {
	{ "runbook", "", "open the selected alert's runbook" },
	{ "silence", "DURATION COMMENT", "silence the selected alert (opens the overlay, prefilled)" },
	{ "expire", "", "expire the silences muting the selected alert" },
	{ "detail", "", "show/hide the detail pane" },
	{ "down / up", "", "next / previous row or step" },
	{ "top / bottom", "", "first / last row" },
	{ "page-down / page-up", "", "scroll a page" },
	{ "section", "", "runbook: next section" },
	{ "run", "", "runbook: run the selected step's command" },
	{ "rollback", "", "runbook: run the selected mitigation's Rollback: command" },
	{ "done", "", "runbook: mark the selected step done / not done" },
	{ "cancel", "", "runbook: cancel the selected step's running command" },
	{ "output-up / output-down", "", "runbook: scroll the selected step's output" },
	{ "back", "", "close the view or overlay" },
};

const struct app_command_info *app_commands(size_t *n)
{
	static struct app_command_info all[ARRAY_LEN(app_cmds) + ARRAY_LEN(app_view_cmds)];
	size_t i;

	for (i = 0; i < ARRAY_LEN(app_cmds); i++) {
		all[i].name = app_cmds[i].name;
		all[i].args = app_cmds[i].args;
		all[i].help = app_cmds[i].help;
	}
	for (i = 0; i < ARRAY_LEN(app_view_cmds); i++)
		all[ARRAY_LEN(app_cmds) + i] = app_view_cmds[i];
	*n = ARRAY_LEN(all);
	return all;
}

static const struct app_binding app_keys[] = {
	{ '1', "alerts", "Alerts view" },
	{ '2', "slo", "SLOs view" },
	{ '3', "signals", "Signals view" },
	{ '4', "timeline", "Timeline view" },
	{ '?', "help", "help" },
	{ ':', "command", "command line" },
	{ '/', "filter", "filter alerts" },
	{ 'R', "refresh", "refresh now" },
	{ 'q', "quit", "quit" },
	{ TUI_KEY_CTRL_Z, "suspend", "suspend" },
	{ 0, NULL, NULL },
};

const struct app_binding *app_global_keys(void)
{
	return app_keys;
}

void app_command(struct app *a, const char *line)
{
	char name[64];
	const char *p = line, *args;
	size_t n = 0, i;
	struct view *top, *base;

	while (*p == ' ' || *p == ':')
		p++;
	while (p[n] && p[n] != ' ' && n < sizeof name - 1) {
		name[n] = p[n];
		n++;
	}
	name[n] = '\0';
	if (!n)
		return;
	args = p + n;
	while (*args == ' ')
		args++;
	a->dirty = true;
	top = app_top(a);
	if (top && top->ops->command && top->ops->command(a, top, name, args))
		return;
	base = app_base(a);
	if (base && base != top && base->ops->command && base->ops->command(a, base, name, args))
		return;
	for (i = 0; i < ARRAY_LEN(app_cmds); i++) {
		if (!strcmp(name, app_cmds[i].name) ||
		    (app_cmds[i].alias && !strcmp(name, app_cmds[i].alias))) {
			app_cmds[i].fn(a, args);
			return;
		}
	}
	if (!strcmp(name, "q!") || !strcmp(name, "qa")) {
		cmd_quit(a, "!");
		return;
	}
	{
		char *clean = text_clean(name);
		app_status(a, TUI_ERROR, "unknown command: %s (? for help)", clean);
		free(clean);
	}
}

static const char *app_binding_find(const struct app_binding *b, int key)
{
	for (; b && b->command; b++)
		if (b->key == key)
			return b->command;
	return NULL;
}

void app_key(struct app *a, int key)
{
	struct view *top = app_top(a);
	const char *cmd;

	if (!top)
		return;
	a->dirty = true;
	if (top->ops->key && top->ops->key(a, top, key))
		return;
	cmd = app_binding_find(top->ops->keys, key);
	if (!cmd && !top->ops->overlay)
		cmd = app_binding_find(app_keys, key);
	if (!cmd && key == TUI_KEY_CTRL_Z)
		cmd = "suspend";
	if (cmd)
		app_command(a, cmd);
}
