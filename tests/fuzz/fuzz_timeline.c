/* fuzz_timeline.c: libFuzzer target for reading an incident timeline
 * (core/timeline.c, JSON Lines) and its markdown export
 * (core/timeline_export.c). Every event kept has string "ts" and "event";
 * every non-blank line is either an event or a bad line counted in the
 * warnings; a torn last line is reported as torn; cutting the input after
 * any newline (what kill -9 leaves) keeps exactly the events before the
 * cut. The export must be printable text (sanitized). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/timeline.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Non-blank lines of buf: what the reader must account for. */
static size_t count_lines(const char *buf, size_t len, bool *torn_last)
{
	size_t off = 0, n, lines = 0;
	const char *nl;

	*torn_last = false;
	while (off < len) {
		nl = memchr(buf + off, '\n', len - off);
		n = nl ? (size_t)(nl - (buf + off)) : len - off;
		if (!(n == 0 || (n == 1 && buf[off] == '\r'))) {
			lines++;
			*torn_last = !nl;
		}
		off += n + 1;
	}
	return lines;
}

static void check_log(const struct timeline_log *log, const char *buf, size_t len)
{
	size_t i, lines, bad = 0, more = 0;
	bool torn, torn_seen = false;

	for (i = 0; i < log->n; i++) {
		const cJSON *e = log->events[i];

		FUZZ_ASSERT(cJSON_IsObject(e), "event %zu is not an object", i);
		FUZZ_ASSERT(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "ts")) &&
		            cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "event")),
		            "event %zu lacks string ts/event", i);
	}
	for (i = 0; i < log->n_warnings; i++) {
		FUZZ_ASSERT(log->warnings[i], "NULL warning");
		if (sscanf(log->warnings[i], "%zu more bad lines ignored", &more) == 1 &&
		    i == log->n_warnings - 1)
			continue;
		more = 0;
		FUZZ_ASSERT(strncmp(log->warnings[i], "line ", 5) == 0, "warning without a line: %s",
		            fuzz_show(log->warnings[i]));
		if (strstr(log->warnings[i], "torn last line"))
			torn_seen = true;
		bad++;
	}
	lines = count_lines(buf, len, &torn);
	FUZZ_ASSERT(log->n + bad + more == lines, "%zu events + %zu bad + %zu more != %zu lines",
	            log->n, bad, more, lines);
	if (torn_seen)
		FUZZ_ASSERT(torn, "a torn-line warning, yet the input ends with a newline");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timeline_log full = {0}, cut = {0};
	const char *buf = (const char *)data;
	const char *last_nl;
	char *a, *b, *md;
	size_t i, k;

	if (size > 1 << 20)
		return 0;
	/* exact length: ASan catches a read past the buffer */
	timeline_parse(buf, size, &full);
	check_log(&full, buf, size);

	/* a kill -9 cut after the last complete line */
	last_nl = size ? memrchr(buf, '\n', size) : NULL;
	k = last_nl ? (size_t)(last_nl - buf) + 1 : 0;
	timeline_parse(buf, k, &cut);
	check_log(&cut, buf, k);
	FUZZ_ASSERT(cut.n <= full.n && full.n - cut.n <= 1, "cut %zu events, full %zu", cut.n,
	            full.n);
	for (i = 0; i < cut.n; i++) {
		a = cJSON_PrintUnformatted(cut.events[i]);
		b = cJSON_PrintUnformatted(full.events[i]);
		FUZZ_ASSERT(a && b && strcmp(a, b) == 0, "event %zu differs after the cut", i);
		free(a);
		free(b);
	}

	md = timeline_export(&full);
	FUZZ_ASSERT(md, "timeline_export gave NULL");
	FUZZ_ASSERT_SAFE(md, true, "timeline export");
	free(md);
	timeline_log_free(&full);
	timeline_log_free(&cut);
	return 0;
}
