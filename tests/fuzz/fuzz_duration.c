/* fuzz_duration.c: libFuzzer target for durations and sizes
 * (core/duration.c). The input is parsed as a duration and as a size; a
 * parsed duration is formatted and must parse back to no more than itself
 * and within the format's precision; the first 8 bytes, as an int64, are
 * formatted into buffers of every small size. Error messages must be
 * terminated and echo only printable ASCII. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(const char err[ERR_MAX], const char *what)
{
	size_t i;

	FUZZ_ASSERT(fuzz_err_ok(err), "%s: err not terminated", what);
	FUZZ_ASSERT(err[0], "%s: failed with an empty message", what);
	for (i = 0; err[i]; i++)
		FUZZ_ASSERT((unsigned char)err[i] >= 0x20 && (unsigned char)err[i] < 0x7F,
		            "%s: err echoes byte 0x%02x", what, (unsigned char)err[i]);
}

/* format(ms) parses back to at most ms, and loses less than the unit the
 * format drops (hours, minutes or seconds). */
static void check_format(int64_t ms)
{
	char out[64], err[ERR_MAX];
	int64_t back = -1, slack;

	duration_format(ms, out, sizeof out);
	FUZZ_ASSERT(memchr(out, '\0', sizeof out), "duration_format not terminated");
	if (ms < 0) {
		FUZZ_ASSERT(out[0] == '-', "negative %" PRId64 " formatted as %s", ms, out);
		return;
	}
	memset(err, 0x55, sizeof err);
	FUZZ_ASSERT(duration_parse(out, &back, err) == 0,
	            "duration_format(%" PRId64 ") = \"%s\" does not parse: %s", ms, out, err);
	if (ms >= 86400000)
		slack = 3600000;
	else if (ms >= 3600000)
		slack = 60000;
	else
		slack = 1000;
	FUZZ_ASSERT(back <= ms && ms - back < slack,
	            "duration_format(%" PRId64 ") = \"%s\" parses to %" PRId64, ms, out, back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, err[ERR_MAX], out[40], num[32];
	int64_t ms = -1, raw = 0;
	size_t bytes = 0, again = 0, n;

	if (size > 4096)
		return 0;
	s = fuzz_cstr(data, size);

	memset(err, 0x55, sizeof err);
	if (duration_parse(s, &ms, err) == 0) {
		FUZZ_ASSERT(ms >= 0, "duration_parse(\"%s\") gave %" PRId64, s, ms);
		check_format(ms);
	} else {
		check_err(err, "duration_parse");
	}

	memset(err, 0x55, sizeof err);
	if (size_parse(s, &bytes, err) == 0) {
		snprintf(num, sizeof num, "%zu", bytes);
		FUZZ_ASSERT(size_parse(num, &again, err) == 0 && again == bytes,
		            "size %zu does not parse back", bytes);
	} else {
		check_err(err, "size_parse");
	}

	memcpy(&raw, data, size < sizeof raw ? size : sizeof raw);
	check_format(raw);
	check_format(raw < 0 ? -(raw + 1) : raw);
	for (n = 0; n <= sizeof out; n++) {
		memset(out, 'X', sizeof out);
		duration_format(raw, out, n);
		if (n)
			FUZZ_ASSERT(memchr(out, '\0', n), "duration_format(n=%zu) not terminated", n);
		else
			FUZZ_ASSERT(out[0] == 'X', "duration_format(n=0) wrote");
		if (n < sizeof out)
			FUZZ_ASSERT(out[n] == 'X', "duration_format(n=%zu) wrote past n", n);
	}
	free(s);
	return 0;
}
