/* http_breaker.c: the circuit breaker of http.h: closed -> open after
 * `threshold` failures in a row, half-open after a cooldown that doubles
 * (up to a cap) each time the probe fails, closed again on a success. Pure
 * state, no I/O: the caller passes the time. */
#include "http.h"

#include <string.h>

#define BREAKER_DEF_THRESHOLD 3
#define BREAKER_DEF_COOLDOWN_MS 2000
#define BREAKER_MAX_COOLDOWN_MS 60000

void http_breaker_init(struct http_breaker *b)
{
	memset(b, 0, sizeof(*b));
	b->state = BREAKER_CLOSED;
	b->threshold = BREAKER_DEF_THRESHOLD;
	b->cooldown_ms = BREAKER_DEF_COOLDOWN_MS;
	b->cooldown_base_ms = BREAKER_DEF_COOLDOWN_MS;
}

static int64_t breaker_base(const struct http_breaker *b)
{
	return b->cooldown_base_ms > 0 ? b->cooldown_base_ms : BREAKER_DEF_COOLDOWN_MS;
}

bool http_breaker_allow(struct http_breaker *b, int64_t now)
{
	if (!b)
		return true;
	switch (b->state) {
	case BREAKER_CLOSED:
		return true;
	case BREAKER_OPEN:
		if (b->cooldown_ms <= 0)
			b->cooldown_ms = breaker_base(b);
		if (now - b->opened_at_ms < b->cooldown_ms)
			return false;
		b->state = BREAKER_HALF_OPEN;
		b->probe_in_flight = true;
		return true;
	case BREAKER_HALF_OPEN:
		if (b->probe_in_flight)
			return false;
		b->probe_in_flight = true;
		return true;
	}
	return true;
}

void http_breaker_result(struct http_breaker *b, bool ok, int64_t now)
{
	int threshold;

	if (!b)
		return;
	threshold = b->threshold > 0 ? b->threshold : BREAKER_DEF_THRESHOLD;
	if (ok) {
		b->state = BREAKER_CLOSED;
		b->failures = 0;
		b->probe_in_flight = false;
		b->cooldown_ms = breaker_base(b);
		return;
	}
	b->failures++;
	switch (b->state) {
	case BREAKER_CLOSED:
		if (b->failures >= threshold) {
			b->state = BREAKER_OPEN;
			b->opened_at_ms = now;
			if (b->cooldown_ms <= 0)
				b->cooldown_ms = breaker_base(b);
		}
		break;
	case BREAKER_HALF_OPEN:
		b->state = BREAKER_OPEN;
		b->opened_at_ms = now;
		b->probe_in_flight = false;
		b->cooldown_ms = b->cooldown_ms > 0 ? b->cooldown_ms * 2 : breaker_base(b);
		if (b->cooldown_ms > BREAKER_MAX_COOLDOWN_MS)
			b->cooldown_ms = BREAKER_MAX_COOLDOWN_MS;
		break;
	case BREAKER_OPEN:
		break; /* a late answer from before it opened */
	}
}
