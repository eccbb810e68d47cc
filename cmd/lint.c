/* lint.c: `pagetty lint [--json] [--rules FILE|DIR]... [RUNBOOK_DIR|FILE]...`
 * reads runbooks (*.md, directories walked) and Prometheus rule files
 * (*.yml, *.yaml), runs core/lint.c's checks and prints one line per
 * finding, `file:line: level: message (rule-id)`, or a JSON array. Exit 0
 * when no finding is an error, 1 when one is, 2 on usage errors. With no
 * runbook argument, the configured runbook dirs are linted. */
#include "cmd.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../core/lint.h"
#include "../core/rules.h"
#include "../core/runbook.h"
#include "../core/text.h"
#include "../core/util.h"

#define LINT_RUNBOOK_MAX ((4u << 20) + 1)   /* one byte over runbook_parse's cap: it says why */
#define LINT_WALK_DEPTH  8
#define LINT_FILES_MAX   10000

static const char lint_usage[] =
	"usage: pagetty lint [--json] [--paging SEV,...] [--rules FILE|DIR]... [RUNBOOK_DIR|FILE]...\n"
	"  --paging SEV,...  severities that page (default: page,critical)\n"
	"Checks that runbooks can be followed at 3 AM and that paging alert rules\n"
	"link to one. Exit 0: no errors (warnings allowed); 1: errors; 2: usage.\n";

struct lint_files {
	char **v;   /* owned array of owned paths */
	size_t n;
};

static void files_push(struct lint_files *f, char *path)
{
	f->v = xrealloc(f->v, (f->n + 1) * sizeof *f->v);
	f->v[f->n++] = path;
}

/* Push unless already there (runbook dirs). */
static void files_push_once(struct lint_files *f, char *path)
{
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->v[i], path) == 0) {
			free(path);
			return;
		}
	}
	files_push(f, path);
}

static void files_free(struct lint_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	memset(f, 0, sizeof *f);
}

static bool has_suffix_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcasecmp(s + n - m, suffix) == 0;
}

static bool want_runbook(const char *name)
{
	return has_suffix_ci(name, ".md") && name[0] != '_' && strcasecmp(name, "README.md") != 0;
}

static bool want_rules(const char *name)
{
	return has_suffix_ci(name, ".yml") || has_suffix_ci(name, ".yaml");
}

/* Files in dir (and below) that want() accepts, in name order. Hidden
 * entries are skipped; symlinked directories are not followed. */
static void walk(const char *dir, bool (*want)(const char *), int depth, struct lint_files *out)
{
	struct dirent **ents = NULL;
	struct stat st;
	int n, i;
	char *path;

	n = scandir(dir, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		if (name[0] == '.' || out->n >= LINT_FILES_MAX)
			goto next;
		path = xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && depth < LINT_WALK_DEPTH) {
			walk(path, want, depth + 1, out);
			free(path);
		} else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && want(name)) {
			files_push(out, path);
		} else {
			free(path);
		}
next:
		free(ents[i]);
	}
	free(ents);
}

/* A path from the command line: a directory (walked) or a file. 0, or -1
 * when it does not exist. dirs collects where runbooks live. */
static int add_path(const char *path, bool (*want)(const char *), struct lint_files *out,
                    struct lint_files *dirs)
{
	struct stat st;
	const char *slash;

	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return -2;   /* a FIFO or device would block or never end */
	if (S_ISDIR(st.st_mode)) {
		walk(path, want, 0, out);
		if (dirs)
			files_push_once(dirs, xstrdup(path));
		return 0;
	}
	files_push(out, xstrdup(path));
	if (dirs) {
		slash = strrchr(path, '/');
		files_push_once(dirs, slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
		                       : xstrdup("."));
	}
	return 0;
}

static int usage_err(const char *fmt, const char *arg)
{
	char *clean = text_clean(arg);

	fputs("pagetty lint: ", stderr);
	fprintf(stderr, fmt, clean);
	fputs("\n", stderr);
	fputs(lint_usage, stderr);
	free(clean);
	return 2;
}

/* Read and parse; false (with a finding) when the file cannot be. */
static bool load_runbook(const char *path, struct runbook *rb, struct lint_report *rep)
{
	char err[ERR_MAX], *md = NULL;
	size_t len = 0;

	if (read_file(path, LINT_RUNBOOK_MAX, &md, &len, err) < 0 ||
	    runbook_parse(md, len, path, rb, err) < 0) {
		lint_add(rep, path, 1, LINT_ERROR, "runbook-parse", "%s", err);
		runbook_free(rb);
		free(md);
		return false;
	}
	free(md);
	return true;
}

int cmd_lint(struct config *cfg, bool demo, int argc, char **argv)
{
	struct lint_files rb_files = {0}, rule_paths = {0}, dirs = {0};
	struct lint_report rep = {0};
	struct lint_input in = {0};
	struct lint_opts o = { .shell_check = true };
	struct runbook *rbs = NULL;
	struct rule_file *rfs = NULL;
	const char **all_dirs = NULL;
	size_t i, n_dirs = 0, n_alerts = 0, n_rb = 0;
	bool json = false, opts_done = false;
	const char *paging = NULL;
	char err[ERR_MAX], *out;
	int rc = 2, k;

	(void)demo;
	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i];

		if (!opts_done && strcmp(a, "--") == 0) {
			opts_done = true;
		} else if (!opts_done && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			fputs(lint_usage, stdout);
			rc = 0;
			goto out;
		} else if (!opts_done && strcmp(a, "--json") == 0) {
			json = true;
		} else if (!opts_done && (strcmp(a, "--paging") == 0 || strncmp(a, "--paging=", 9) == 0)) {
			const char *v = a[8] == '=' ? a + 9 : (i + 1 < (size_t)argc ? argv[++i] : NULL);

			if (!v || !*v) {
				rc = usage_err("%s needs severities, e.g. page,critical", "--paging");
				goto out;
			}
			paging = v;
		} else if (!opts_done && (strcmp(a, "--rules") == 0 || strncmp(a, "--rules=", 8) == 0)) {
			const char *f = a[7] == '=' ? a + 8 : (i + 1 < (size_t)argc ? argv[++i] : NULL);

			if (!f || !*f) {
				rc = usage_err("%s needs a FILE or DIR", "--rules");
				goto out;
			}
			if ((k = add_path(f, want_rules, &rule_paths, NULL)) < 0) {
				rc = usage_err(k == -1 ? "%s: no such file or directory"
				                       : "%s: not a file or directory", f);
				goto out;
			}
		} else if (!opts_done && a[0] == '-' && a[1]) {
			rc = usage_err("unknown option %s", a);
			goto out;
		} else if ((k = add_path(a, want_runbook, &rb_files, &dirs)) < 0) {
			rc = usage_err(k == -1 ? "%s: no such file or directory"
			                       : "%s: not a file or directory", a);
			goto out;
		} else {
			n_rb++;
		}
	}
	if (n_rb == 0 && cfg) {
		for (i = 0; i < cfg->n_runbook_dirs; i++)
			add_path(cfg->runbook_dirs[i], want_runbook, &rb_files, NULL);
	}
	if (n_rb == 0 && rule_paths.n == 0 && (!cfg || cfg->n_runbook_dirs == 0)) {
		rc = usage_err("%s", "nothing to lint: give runbook dirs or files, or --rules FILE");
		goto out;
	}

	/* runbook_url is looked up in the dirs given here, then the configured ones */
	all_dirs = xcalloc(dirs.n + (cfg ? cfg->n_runbook_dirs : 0) + 1, sizeof *all_dirs);
	for (i = 0; i < dirs.n; i++)
		all_dirs[n_dirs++] = dirs.v[i];
	for (i = 0; cfg && i < cfg->n_runbook_dirs; i++)
		all_dirs[n_dirs++] = cfg->runbook_dirs[i];
	o.runbook_dirs = all_dirs;
	o.n_runbook_dirs = n_dirs;
	o.base_url = cfg ? cfg->runbook_base_url : NULL;

	rbs = xcalloc(rb_files.n + 1, sizeof *rbs);
	for (i = 0; i < rb_files.n; i++)
		if (load_runbook(rb_files.v[i], &rbs[in.n_runbooks], &rep))
			in.n_runbooks++;
	rfs = xcalloc(rule_paths.n + 1, sizeof *rfs);
	for (i = 0; i < rule_paths.n; i++) {
		struct rule_file *rf = &rfs[in.n_rule_files++];
		int line = 1;

		if (rules_load_file(rule_paths.v[i], rf, err) < 0) {
			const char *msg = err;
			size_t n = strlen(rule_paths.v[i]);

			/* err is "PATH:LINE:COL: message" or "PATH: message" */
			if (strncmp(err, rule_paths.v[i], n) == 0 && err[n] == ':') {
				msg = err + n + 1;
				if (sscanf(msg, "%d", &line) == 1) {
					msg += strspn(msg, "0123456789");
					msg += *msg == ':';
					msg += strspn(msg, "0123456789");
					msg += *msg == ':';
				}
				msg += strspn(msg, " ");
			}
			lint_add(&rep, rule_paths.v[i], line, LINT_ERROR, "rules-syntax", "%s", msg);
			rules_free(rf);
			rf->name = xstrdup(rule_paths.v[i]);
		}
		for (size_t j = 0; j < rf->n_rules; j++)
			n_alerts += rf->rules[j].alert != NULL;
	}
	in.runbooks = rbs;
	in.rule_files = rfs;
	o.paging = paging;
	lint_run(&in, &o, &rep);

	out = json ? lint_report_json(&rep) : lint_report_text(&rep);
	fputs(out, stdout);
	if (json)
		putchar('\n');
	free(out);
	fflush(stdout);
	fprintf(stderr, "pagetty lint: %zu error%s, %zu warning%s (%zu runbook%s, %zu rule file%s, "
	        "%zu alerting rule%s)\n", rep.n_errors, rep.n_errors == 1 ? "" : "s",
	        rep.n_warnings, rep.n_warnings == 1 ? "" : "s", in.n_runbooks,
	        in.n_runbooks == 1 ? "" : "s", in.n_rule_files, in.n_rule_files == 1 ? "" : "s",
	        n_alerts, n_alerts == 1 ? "" : "s");
	rc = rep.n_errors ? 1 : 0;
out:
	for (i = 0; rbs && i < in.n_runbooks; i++)
		runbook_free(&rbs[i]);
	free(rbs);
	for (i = 0; rfs && i < in.n_rule_files; i++)
		rules_free(&rfs[i]);
	free(rfs);
	free(all_dirs);
	files_free(&rb_files);
	files_free(&rule_paths);
	files_free(&dirs);
	lint_report_free(&rep);
	return rc;
}
