/* main.c: argv -> subcommand. Loads the configuration (file, then flags
 * over it) and hands over to the console or a one-shot command. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/alert_stream.h"
#include "core/config.h"
#include "core/duration.h"
#include "core/slo.h"
#include "core/text.h"
#include "core/util.h"
#include "views/console.h"

#ifndef PAGETTY_VERSION
#define PAGETTY_VERSION "0.1.0"
#endif
#ifndef PAGETTY_DATADIR
#define PAGETTY_DATADIR "/usr/local/share/pagetty"
#endif

static const char usage_text[] =
	"usage: pagetty [OPTIONS]                  the console\n"
	"       pagetty --demo                     the built-in demo, no servers needed\n"
	"       pagetty drill SCENARIO.yaml [--speed N] [--report FILE.json]\n"
	"                                          a runbook drill (simulated, nothing runs)\n"
	"       pagetty alerts [--json] [FILTER...] print the merged alerts and exit\n"
	"       pagetty slo [--json] [--slo FILE]...\n"
	"                                          the SLO table; exit 1 when any SLO pages\n"
	"       pagetty check                      readiness of every configured source\n"
	"       pagetty runbook ALERTNAME|FILE     print the parsed runbook as plain text\n"
	"       pagetty lint [--json] [--rules FILE]... [RUNBOOK_DIR|FILE]...\n"
	"                                          check runbooks and alert rules\n"
	"       pagetty timeline export FILE.jsonl [-o OUT.md]\n"
	"                                          incident log -> postmortem markdown\n"
	"       pagetty --version | --help\n"
	"\n"
	"options:\n"
	"  -c, --config FILE        configuration file (default: $PAGETTY_CONFIG, else\n"
	"                           $XDG_CONFIG_HOME/pagetty/config.yaml, else\n"
	"                           ~/.config/pagetty/config.yaml)\n"
	"  -a, --alertmanager URL   an Alertmanager (repeatable; replaces the file's list)\n"
	"  -p, --prometheus URL     a Prometheus-compatible query API (repeatable; adds to\n"
	"                           the file's list)\n"
	"  -r, --runbooks DIR       a runbook directory (repeatable; replaces the file's list)\n"
	"      --slo FILE           an SLO spec, Sloth or OpenSLO (repeatable; adds to\n"
	"                           the file's slo.files)\n"
	"      --refresh DURATION   refresh interval (default 15s)\n"
	"      --demo               play the built-in scenario (the header says DEMO;\n"
	"                           runbook steps show canned output, nothing runs)\n"
	"  -h, --help               this text\n"
	"  -V, --version            the version\n"
	"\n"
	"keys: 1 alerts, j/k move, / filter, Enter runbook, s silence, e expire,\n"
	"      ? help, : command, R refresh, q quit.  See pagetty(1).\n"
	"exit: 0 ok, 1 a check found problems or no source answered, 2 usage or config error\n";

static int usage_error(const char *fmt, const char *arg)
{
	char *clean = text_clean(arg);

	fprintf(stderr, "pagetty: ");
	fprintf(stderr, fmt, clean);
	fprintf(stderr, "\nTry 'pagetty --help'.\n");
	free(clean);
	return 2;
}

/* Directory of the running binary, for runbooks shipped beside it. Malloced or NULL. */
static char *exe_dir(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return xstrdup(path);
}

/* The demo resolves its runbooks in the shipped runbooks/ directory:
 * beside the binary (./pagetty in the source tree), else one level up (a
 * binary left in build/ or build-asan/), then the installed data dir. */
static void add_demo_runbook_dirs(struct config *cfg)
{
	static const char *const rel[] = { "runbooks", "../runbooks" };
	char *dir = exe_dir();
	struct stat st;
	size_t i;

	for (i = 0; dir && i < sizeof rel / sizeof rel[0]; i++) {
		char *rb = xasprintf("%s/%s", dir, rel[i]);

		if (stat(rb, &st) == 0 && S_ISDIR(st.st_mode)) {
			config_add_runbook_dir(cfg, rb);
			free(rb);
			break;
		}
		free(rb);
	}
	free(dir);
	config_add_runbook_dir(cfg, PAGETTY_DATADIR "/runbooks");
}

/* Load an SLO spec given by --slo once, to report a bad one (FILE:LINE:COL)
 * and exit 2. A glob pattern is left to the SLO views, as in slo.files. */
static int check_slo_file(const char *path)
{
	struct slo_set set = {0};
	char err[ERR_MAX];
	int rc = 0;

	if (strpbrk(path, "*?["))
		return 0;
	if (slo_load_file(&set, path, err) < 0) {
		char *clean = text_clean(err);

		fprintf(stderr, "pagetty: --slo: %s\n", clean);
		free(clean);
		rc = -1;
	}
	slo_set_free(&set);
	return rc;
}

enum { OPT_REFRESH = 256, OPT_DEMO, OPT_SLO };

/* The one-shot subcommands; needs_source: exits 2 when nothing is configured. */
struct command {
	const char *name;
	int (*run)(struct config *cfg, bool demo, int argc, char **argv);
	bool needs_source;
};
static const struct command commands[] = {
	{ "alerts", cmd_alerts, true },
	{ "check", cmd_check, true },
	{ "runbook", cmd_runbook, false },
	{ "lint", cmd_lint, false },
	{ "timeline", cmd_timeline, false },
	{ "slo", cmd_slo, true },
	{ "drill", cmd_drill, false },
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "alertmanager", required_argument, NULL, 'a' },
		{ "prometheus", required_argument, NULL, 'p' },
		{ "runbooks", required_argument, NULL, 'r' },
		{ "refresh", required_argument, NULL, OPT_REFRESH },
		{ "slo", required_argument, NULL, OPT_SLO },
		{ "demo", no_argument, NULL, OPT_DEMO },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct config cfg;
	char err[ERR_MAX];
	const char *config_path = NULL;
	char *default_path = NULL;
	char **am = NULL, **prom = NULL, **rbdirs = NULL, **slos = NULL;
	size_t n_am = 0, n_prom = 0, n_rb = 0, n_slo = 0, i;
	int64_t refresh_ms = 0;
	bool demo = false;
	const char *sub;
	const struct command *cmd = NULL;
	int opt, rc;
	struct stat st;
	uint64_t seed;

	/* a server must not be able to make two alerts hash alike ahead of time */
	if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) == (ssize_t)sizeof seed)
		alert_hash_seed(seed);

	/* Options stop at the first non-option: the subcommand parses its own. */
	while ((opt = getopt_long(argc, argv, "+c:a:p:r:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'a':
			am = xrealloc(am, (n_am + 1) * sizeof *am);
			am[n_am++] = optarg;
			break;
		case 'p':
			prom = xrealloc(prom, (n_prom + 1) * sizeof *prom);
			prom[n_prom++] = optarg;
			break;
		case 'r':
			rbdirs = xrealloc(rbdirs, (n_rb + 1) * sizeof *rbdirs);
			rbdirs[n_rb++] = optarg;
			break;
		case OPT_SLO:
			slos = xrealloc(slos, (n_slo + 1) * sizeof *slos);
			slos[n_slo++] = optarg;
			break;
		case OPT_REFRESH:
			if (duration_parse(optarg, &refresh_ms, err) < 0 || refresh_ms < 500)
				return usage_error("--refresh: invalid duration \"%s\" (at least 500ms)", optarg);
			break;
		case OPT_DEMO: demo = true; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("pagetty %s\n", PAGETTY_VERSION); return 0;
		default: fputs("Try 'pagetty --help'.\n", stderr); return 2;
		}
	}
	sub = optind < argc ? argv[optind] : NULL;
	for (i = 0; sub && i < ARRAY_LEN(commands); i++)
		if (!strcmp(sub, commands[i].name))
			cmd = &commands[i];
	if (sub && !cmd) {
		return usage_error("unknown command \"%s\"", sub);
	}

	config_init(&cfg);
	if (!config_path && !getenv("PAGETTY_CONFIG")) {
		default_path = config_default_path();
		if (stat(default_path, &st) == 0)
			config_path = default_path;
	} else if (!config_path) {
		config_path = getenv("PAGETTY_CONFIG");
	}
	if (config_path && !demo && config_load_file(&cfg, config_path, err) < 0) {
		char *clean = text_clean(err);
		fprintf(stderr, "pagetty: %s\n", clean);
		free(clean);
		rc = 2;
		goto out;
	}
	for (i = 0; i < cfg.n_warnings; i++) {
		char *clean = text_clean(cfg.warnings[i]);
		fprintf(stderr, "pagetty: warning: %s\n", clean);
		free(clean);
	}
	/* Flags replace the file's list of the same kind. */
	if (n_am) {
		struct config fresh;

		config_init(&fresh);
		for (i = 0; i < n_am; i++) {
			if (config_add_alertmanager(&fresh, am[i], err) < 0) {
				config_free(&fresh);
				rc = usage_error("--alertmanager: %s", err);
				goto out;
			}
		}
		config_clear_alertmanagers(&cfg);
		cfg.am = fresh.am;
		cfg.n_am = fresh.n_am;
		fresh.am = NULL;
		fresh.n_am = 0;
		config_free(&fresh);
	}
	for (i = 0; i < n_prom; i++)
		if (config_add_prometheus(&cfg, prom[i], err) < 0) {
			rc = usage_error("--prometheus: %s", err);
			goto out;
		}
	if (n_rb) {
		for (i = 0; i < cfg.n_runbook_dirs; i++)
			free(cfg.runbook_dirs[i]);
		cfg.n_runbook_dirs = 0;
		for (i = 0; i < n_rb; i++)
			config_add_runbook_dir(&cfg, rbdirs[i]);
	}
	/* --slo adds to slo.files; a spec named on the command line that does
	 * not load is a usage error before any screen is up. */
	for (i = 0; i < n_slo; i++) {
		config_add_slo_file(&cfg, slos[i]);
		if (check_slo_file(cfg.slo_files[cfg.n_slo_files - 1]) < 0) {
			rc = 2;
			goto out;
		}
	}
	if (refresh_ms)
		cfg.refresh_ms = refresh_ms;
	if (demo)
		add_demo_runbook_dirs(&cfg);

	if (!demo && cfg.n_am == 0 && cfg.n_prom == 0 && !(cmd && !cmd->needs_source)) {
		char *where = config_default_path();
		fprintf(stderr,
		        "pagetty: no source configured.\n"
		        "Give --alertmanager URL, or write a config file (%s),\n"
		        "or try the built-in demo: pagetty --demo\n", config_path ? config_path : where);
		free(where);
		rc = 2;
		goto out;
	}

	if (!cmd)
		rc = console_run(&cfg, demo);
	else
		rc = cmd->run(&cfg, demo, argc - optind, argv + optind);
out:
	config_free(&cfg);
	free(default_path);
	free(am);
	free(prom);
	free(rbdirs);
	free(slos);
	return rc;
}
