/* test_runbook_scale.c: runbook markdown shaped at the paths that once cost
 * more than their length (a step of many reversibility tags, or of many
 * segments that are only tags; a paragraph of many "![", which cmark itself
 * takes quadratic time over). Each input is near the 4 MiB cap, where the
 * old quadratic work took over a minute in all (a return of it shows as a
 * slow suite); the tests assert what the parser makes of them, never a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"

/* Inputs stay under runbook_parse's 4 MiB cap. */
#define BIG ((4u << 20) - 4096)

/* prefix, copies of unit while under BIG bytes, suffix. Malloced. */
static char *fill(const char *prefix, const char *unit, const char *suffix, size_t *copies)
{
	struct buf b = {0};

	*copies = 0;
	buf_puts(&b, prefix);
	while (b.len + strlen(unit) + strlen(suffix) < BIG) {
		buf_puts(&b, unit);
		(*copies)++;
	}
	buf_puts(&b, suffix);
	return buf_steal(&b);
}

static void parse(const char *md, struct runbook *rb)
{
	char err[ERR_MAX];

	if (runbook_parse(md, strlen(md), "scale.md", rb, err) != 0)
		fail_msg("%s", err);
}

/* The only step of the only section. */
static const struct rb_step *only_step(const struct runbook *rb)
{
	assert_int_equal(rb->n_sections, 1);
	assert_int_equal(rb->sections[0].n_steps, 1);
	return &rb->sections[0].steps[0];
}

/* Hundreds of thousands of tags in one segment: all taken off, the
 * riskiest wins, one checkbox. */
static void test_many_tags(void **state)
{
	struct runbook rb;
	const struct rb_step *st;
	char *md, *plain;
	size_t copies;

	(void)state;
	md = fill("## Mitigation\n- [ ] ", "[reversible] [RISKY]  ", "Drain the node\n", &copies);
	assert_true(copies > 100000);
	parse(md, &rb);
	st = only_step(&rb);
	assert_int_equal(st->checkbox, 0);
	assert_true(st->has_rev);
	assert_int_equal(st->rev, REV_RISKY);
	plain = rb_text_plain(&st->text);
	assert_string_equal(plain, "Drain the node");
	free(plain);
	runbook_free(&rb);
	free(md);

	/* a second checkbox ends the tags: it and the rest are text */
	md = fill("- [x] ", "[irreversible] ", "[ ] and then", &copies);
	parse(md, &rb);
	st = only_step(&rb);
	assert_int_equal(st->checkbox, 1);
	assert_int_equal(st->rev, REV_IRREVERSIBLE);
	plain = rb_text_plain(&st->text);
	assert_string_equal(plain, "[ ] and then");
	free(plain);
	runbook_free(&rb);
	free(md);
}

/* Hundreds of thousands of segments (plain and emphasis, alternating) that
 * are each only a tag: every one is dropped, the text after them stays. */
static void test_many_tag_segments(void **state)
{
	struct runbook rb;
	const struct rb_step *st;
	char *md;
	size_t copies;

	(void)state;
	md = fill("- ", "[risky]*[reversible]*", " then *check* it\n", &copies);
	assert_true(copies > 100000);
	parse(md, &rb);
	st = only_step(&rb);
	assert_int_equal(st->rev, REV_RISKY);
	assert_int_equal(st->checkbox, -1);
	/* "then ", "check" (emphasis), " it" */
	assert_int_equal(st->text.n, 3);
	assert_string_equal(st->text.v[0].text, "then ");
	assert_int_equal(st->text.v[0].style, RBS_PLAIN);
	assert_string_equal(st->text.v[1].text, "check");
	assert_int_equal(st->text.v[1].style, RBS_EMPH);
	assert_string_equal(st->text.v[2].text, " it");
	runbook_free(&rb);
	free(md);

	/* a code span stops the tags where it stands */
	md = fill("- ", "[risky]*[reversible]*", "`[x]` after\n", &copies);
	parse(md, &rb);
	st = only_step(&rb);
	assert_int_equal(st->rev, REV_RISKY);
	assert_int_equal(st->checkbox, -1);
	assert_int_equal(st->text.n, 2);
	assert_string_equal(st->text.v[0].text, "[x]");
	assert_int_equal(st->text.v[0].style, RBS_CODE);
	assert_string_equal(st->text.v[1].text, " after");
	runbook_free(&rb);
	free(md);
}

/* n copies of unit between prefix and suffix. Malloced. */
static char *times(const char *prefix, const char *unit, size_t n, const char *suffix)
{
	struct buf b = {0};

	buf_puts(&b, prefix);
	while (n--)
		buf_puts(&b, unit);
	buf_puts(&b, suffix);
	return buf_steal(&b);
}

/* cmark's cost grows with the square of the "![" in a paragraph: more
 * than RB_MAX_IMAGE_OPENERS in one stretch of non-blank lines is refused,
 * with the line; spread over paragraphs, any number parse. */
static void test_image_openers(void **state)
{
	struct runbook rb;
	char err[ERR_MAX], *md, *plain;
	size_t copies;

	(void)state;
	/* 1 MB of these took cmark 44 s; 4 MiB would take hours */
	md = fill("# Title\n\n", "![a[b](c) ", "\n", &copies);
	assert_int_equal(runbook_parse(md, strlen(md), "img.md", &rb, err), -1);
	assert_string_equal(err, "line 3: more than 256 \"![\" in one paragraph (the markdown "
	                    "parser's time grows with their square)");
	free(md);

	/* the cap itself parses: the brackets are text */
	md = times("", "![", RB_MAX_IMAGE_OPENERS, "x\n");
	parse(md, &rb);
	plain = rb_text_plain(&only_step(&rb)->text);
	assert_int_equal(strlen(plain), 2 * RB_MAX_IMAGE_OPENERS + 1);
	free(plain);
	runbook_free(&rb);
	free(md);

	/* one more, on a later line of the same paragraph; front matter counts */
	md = times("---\nowner: sre\n---\n# T\n\nsee\n", "![", RB_MAX_IMAGE_OPENERS, "\nx![");
	assert_int_equal(runbook_parse(md, strlen(md), "img.md", &rb, err), -1);
	assert_non_null(strstr(err, "line 8: more than 256"));
	free(md);

	/* a blank line (blanks only) ends the stretch */
	md = times("", "![", RB_MAX_IMAGE_OPENERS, " \t\r\n \n![![");
	parse(md, &rb);
	runbook_free(&rb);
	free(md);

	/* real images, one per paragraph: as many as fit */
	md = fill("", "![graph](g.png)\n\n", "", &copies);
	assert_true(copies > RB_MAX_IMAGE_OPENERS * 100);
	parse(md, &rb);
	assert_int_equal(rb.sections[0].n_steps, copies);
	plain = rb_text_plain(&rb.sections[0].steps[copies - 1].text);
	assert_string_equal(plain, "graph <g.png>");
	free(plain);
	runbook_free(&rb);
	free(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_tags),
		cmocka_unit_test(test_many_tag_segments),
		cmocka_unit_test(test_image_openers),
	};

	return cmocka_run_group_tests_name("runbook_scale", tests, NULL, NULL);
}
