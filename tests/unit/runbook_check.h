/* runbook_check.h: what test_runbook.c and test_runbook_syntax.c share:
 * parse markdown from a string, and lay a runbook out at several widths,
 * checking that every line fits and every index is in range. Header-only
 * (static functions) so each test binary stays one file; include it after
 * <cmocka.h>. */
#ifndef PAGETTY_TEST_RUNBOOK_CHECK_H
#define PAGETTY_TEST_RUNBOOK_CHECK_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"
#include "core/text.h"

static void parse_str(const char *md, struct runbook *rb)
{
	char err[ERR_MAX];

	if (runbook_parse(md, strlen(md), "test.md", rb, err) != 0)
		fail_msg("%s", err);
}

/* Every layout line fits the width, indices are in range. */
static void check_layout(const struct runbook *rb, size_t width, bool utf8)
{
	struct rb_layout lo;
	size_t i;
	char *p;

	runbook_layout(rb, width, utf8 ? RB_LAYOUT_UTF8 : 0, &lo);
	assert_true(lo.n > 0 || rb->n_sections == 0);
	for (i = 0; i < lo.n; i++) {
		p = rb_text_plain(&lo.v[i].text);
		if (text_width(p) > width)
			fail_msg("width %zu line %zu is %zu wide: \"%s\"", width, i, text_width(p), p);
		if (!utf8)
			for (const char *q = p; *q; q++)
				assert_true((unsigned char)*q < 0x80);
		free(p);
		assert_true(lo.v[i].section >= -1 && lo.v[i].section < (int)rb->n_sections);
		if (lo.v[i].section >= 0)
			assert_true(lo.v[i].step >= -1 &&
			            lo.v[i].step < (int)rb->sections[lo.v[i].section].n_steps);
	}
	rb_layout_free(&lo);
}

static void check_widths(const struct runbook *rb)
{
	static const size_t widths[] = { 20, 80, 200 };
	size_t i;

	for (i = 0; i < ARRAY_LEN(widths); i++) {
		check_layout(rb, widths[i], true);
		check_layout(rb, widths[i], false);
	}
	check_layout(rb, 1, true);
}

#endif
