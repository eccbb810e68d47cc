/* duration.h: Prometheus-style durations ("90s", "1h30m", "2d", "500ms")
 * and short human ages ("12m", "3h4m", "2d5h"). Pure. */
#ifndef PAGETTY_DURATION_H
#define PAGETTY_DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Units: ms s m h d w y. A bare number means seconds. Returns 0 and
 * milliseconds in *ms, or -1 with err. */
int duration_parse(const char *s, int64_t *ms, char err[ERR_MAX]);
/* "12m", "3h04m", "2d05h", "45s", "0s"; negative gives "-12m". */
void duration_format(int64_t ms, char *out, size_t n);
/* Size with optional unit: 1024, 512KiB, 1MiB, 1MB, 2GiB. */
int size_parse(const char *s, size_t *bytes, char err[ERR_MAX]);

#endif
