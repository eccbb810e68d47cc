/* timeline.c: `pagetty timeline export FILE.jsonl [-o OUT.md]` turns an
 * incident timeline into postmortem-ready markdown on stdout or in OUT
 * (created 0600: incident notes are not for every user on the host). */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/text.h"
#include "../core/timeline.h"
#include "../core/util.h"

static const char timeline_usage[] =
	"usage: pagetty timeline export FILE.jsonl [-o OUT.md]\n"
	"  Write the incident timeline FILE.jsonl as markdown to stdout or OUT.md.\n";

static void complain(const char *fmt, const char *arg)
{
	char *clean = text_clean(arg);

	fputs("pagetty: ", stderr);
	fprintf(stderr, fmt, clean);
	fputc('\n', stderr);
	free(clean);
}

static int write_out(const char *path, const char *text, char err[ERR_MAX])
{
	size_t n = strlen(text);
	ssize_t w;
	int fd;

	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(text, 1, n, stdout) != n || fflush(stdout) != 0)
			return errf(err, "stdout: %s", strerror(errno));
		return 0;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return errf(err, "%s: %s", path, strerror(errno));
	while (n > 0) {
		w = write(fd, text, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			errf(err, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		text += w;
		n -= (size_t)w;
	}
	if (close(fd) != 0)
		return errf(err, "%s: %s", path, strerror(errno));
	return 0;
}

int cmd_timeline(struct config *cfg, bool demo, int argc, char **argv)
{
	struct timeline_log log = {0};
	const char *in = NULL, *out = NULL;
	char err[ERR_MAX], *md;
	size_t i;
	int k, rc = 1;

	(void)cfg;
	(void)demo;
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
			fputs(timeline_usage, stdout);
			return 0;
		}
	}
	if (argc < 2 || strcmp(argv[1], "export") != 0) {
		if (argc >= 2)
			complain("timeline: unknown action \"%s\"", argv[1]);
		fputs(timeline_usage, stderr);
		return 2;
	}
	for (k = 2; k < argc; k++) {
		if (strcmp(argv[k], "-o") == 0 || strcmp(argv[k], "--output") == 0) {
			if (k + 1 >= argc || out) {
				fputs(timeline_usage, stderr);
				return 2;
			}
			out = argv[++k];
		} else if (strncmp(argv[k], "--output=", 9) == 0 && !out) {
			out = argv[k] + 9;
		} else if (argv[k][0] == '-' && argv[k][1] != '\0') {
			complain("timeline export: unknown option \"%s\"", argv[k]);
			fputs(timeline_usage, stderr);
			return 2;
		} else if (!in) {
			in = argv[k];
		} else {
			complain("timeline export: more than one FILE (\"%s\")", argv[k]);
			return 2;
		}
	}
	if (!in || (out && !*out)) {
		fputs(timeline_usage, stderr);
		return 2;
	}
	if (timeline_read(in, &log, err) != 0) {
		complain("%s", err);
		goto out;
	}
	for (i = 0; i < log.n_warnings; i++) {
		char *w = xasprintf("%s: %s", in, log.warnings[i]);

		complain("warning: %s", w);
		free(w);
	}
	md = timeline_export(&log);
	if (write_out(out, md, err) == 0)
		rc = 0;
	else
		complain("%s", err);
	free(md);
out:
	timeline_log_free(&log);
	return rc;
}
