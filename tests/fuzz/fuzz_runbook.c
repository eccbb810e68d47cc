/* fuzz_runbook.c: libFuzzer target for runbook markdown (core/runbook*.c):
 * runbook_parse, runbook_layout at widths 1 (inputs up to 2 KiB), 20 and
 * 80 (UTF-8 and ASCII terminals) and runbook_to_text. Every string the model and the layout
 * hand to a screen must be safe terminal text, and every layout line must
 * fit its width. Only input with a NUL byte, or with a paragraph of more
 * image openers than cmark parses in reasonable time, may be refused. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "");
	return 0;
}

/* Model text may hold "\n" (a hard line break is its own segment);
 * layout lines may not. */
static void check_text(const struct rb_text *t, bool newline_ok, const char *what)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		FUZZ_ASSERT(t->v[i].text, "%s: segment %zu NULL", what, i);
		FUZZ_ASSERT_SAFE(t->v[i].text, newline_ok, what);
	}
}

static void check_model(const struct runbook *rb)
{
	const struct rb_section *sec;
	const struct rb_step *st;
	size_t i, j, k, b;

	FUZZ_ASSERT(rb->title, "no title");
	FUZZ_ASSERT_SAFE(rb->title, false, "title");
	for (i = 0; i < rb->n_warnings; i++)
		FUZZ_ASSERT_SAFE(rb->warnings[i], false, "warning");
	for (i = 0; i < rb->n_sections; i++) {
		sec = &rb->sections[i];
		FUZZ_ASSERT(sec->kind < RB_KIND_COUNT, "section %zu kind %d", i, (int)sec->kind);
		FUZZ_ASSERT(sec->title, "section %zu title NULL", i);
		FUZZ_ASSERT_SAFE(sec->title, false, "section title");
		for (j = 0; j < sec->n_steps; j++) {
			st = &sec->steps[j];
			check_text(&st->text, true, "step text");
			for (k = 0; k < st->n_more; k++)
				check_text(&st->more[k], true, "step more");
			if (st->rollback)
				FUZZ_ASSERT_SAFE(st->rollback, false, "rollback");
			FUZZ_ASSERT(st->rev <= REV_IRREVERSIBLE, "bad rev");
			FUZZ_ASSERT(st->escalate_after_ms >= 0, "negative escalation");
			for (b = 0; b < st->n_blocks; b++) {
				FUZZ_ASSERT(st->blocks[b].lang && st->blocks[b].code, "block lacks lang/code");
				FUZZ_ASSERT(st->blocks[b].n_commands == 0 || st->blocks[b].commands,
				            "commands array missing");
				for (k = 0; k < st->blocks[b].n_commands; k++)
					FUZZ_ASSERT(st->blocks[b].commands[k], "command NULL");
				FUZZ_ASSERT(st->blocks[b].timeout_ms >= 0, "negative timeout");
			}
		}
		/* mitigations are ordered by reversibility */
		if (sec->kind == RB_MITIGATION)
			for (j = 1; j < sec->n_steps; j++) {
				int a = sec->steps[j - 1].rev == REV_IRREVERSIBLE ? 2 :
				        sec->steps[j - 1].rev == REV_REVERSIBLE ? 0 : 1;
				int c = sec->steps[j].rev == REV_IRREVERSIBLE ? 2 :
				        sec->steps[j].rev == REV_REVERSIBLE ? 0 : 1;

				FUZZ_ASSERT(a <= c, "mitigation %zu out of reversibility order", j);
			}
	}
}

static void check_layout(const struct runbook *rb, size_t width, bool utf8)
{
	struct rb_layout lo;
	size_t i, j, w, cw;

	runbook_layout(rb, width, utf8 ? RB_LAYOUT_UTF8 : 0, &lo);
	for (i = 0; i < lo.n; i++) {
		w = 0;
		for (j = 0; j < lo.v[i].text.n; j++) {
			const char *t = lo.v[i].text.v[j].text;

			FUZZ_ASSERT(t, "layout line: segment %zu NULL", j);
			FUZZ_ASSERT_SAFE_N(t, strlen(t), false, "layout line", &cw);
			w += cw;
		}
		FUZZ_ASSERT(w <= width || (width < 2 && w <= 2),
		            "width %zu: line %zu is %zu cols", width, i, w);
		if (!utf8)
			for (j = 0; j < lo.v[i].text.n; j++)
				FUZZ_ASSERT(!strstr(lo.v[i].text.v[j].text, "\xe2\x80\xa6"),
				            "ASCII layout uses an ellipsis");
		FUZZ_ASSERT(lo.v[i].section < (int)rb->n_sections, "line %zu: section out of range", i);
		FUZZ_ASSERT(lo.v[i].section < 0 || lo.v[i].step <
		            (int)rb->sections[lo.v[i].section].n_steps, "line %zu: step out of range", i);
	}
	rb_layout_free(&lo);
}

/* Does a stretch of non-blank lines of d hold more than
 * RB_MAX_IMAGE_OPENERS "!["? (runbook_parse refuses that; counted here
 * line by line, apart from runbook.c's scan.) */
static bool too_many_images(const uint8_t *d, size_t size)
{
	size_t at = 0, end, i, n = 0;
	bool blank;

	while (at < size) {
		end = at;
		while (end < size && d[end] != '\n')
			end++;
		blank = true;
		for (i = at; i < end; i++)
			if (d[i] != ' ' && d[i] != '\t' && d[i] != '\r')
				blank = false;
		if (blank)
			n = 0;
		for (i = at; i + 1 < end; i++)
			if (d[i] == '!' && d[i + 1] == '[' && ++n > RB_MAX_IMAGE_OPENERS)
				return true;
		at = end + 1;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct runbook rb;
	char err[ERR_MAX], *txt;

	memset(err, 0x55, sizeof err);
	memset(&rb, 0x55, sizeof rb);
	if (runbook_parse((const char *)data, size, "fuzz.md", &rb, err) != 0) {
		FUZZ_ASSERT(fuzz_err_ok(err) && err[0], "runbook_parse failed without a message");
		FUZZ_ASSERT(memchr(data, 0, size) || too_many_images(data, size),
		            "runbook_parse refused NUL-free input: %s", err);
		return 0;
	}
	check_model(&rb);
	/* width 1 makes a line of every column: half the target's time on big
	 * inputs, and its edge cases all show on small ones */
	if (size <= 2048)
		check_layout(&rb, 1, true);
	check_layout(&rb, 20, true);
	check_layout(&rb, 20, false);
	check_layout(&rb, 80, true);
	txt = runbook_to_text(&rb, 80);
	FUZZ_ASSERT(txt, "runbook_to_text gave NULL");
	FUZZ_ASSERT_SAFE(txt, true, "runbook_to_text");
	free(txt);
	runbook_free(&rb);
	return 0;
}
