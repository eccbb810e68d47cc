/* fuzz_rules.c: libFuzzer target for Prometheus rule files (core/rules.c),
 * what `pagetty lint` reads. A parse that succeeds must give rules with an
 * expr, a group, valid label names with a position each, annotation
 * positions that can be found again, and a problem for every rule that is
 * not exactly one of alert / record; a failure names file:line:col. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rules.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool label_name_ok(const char *s)
{
	size_t i;

	if (!s || !s[0])
		return false;
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		      (i > 0 && c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

static void check_pos(struct rule_pos p, const char *what)
{
	FUZZ_ASSERT(p.line >= 1 && p.col >= 1, "%s at %d:%d", what, p.line, p.col);
}

static void check_rule(const struct rule_file *rf, const struct prom_rule *r)
{
	size_t i;

	FUZZ_ASSERT(r->group && r->expr, "rule without group or expr");
	FUZZ_ASSERT(r->for_ms >= 0, "negative for: %lld", (long long)r->for_ms);
	if (!r->for_str)
		FUZZ_ASSERT(r->for_ms == 0, "for_ms without for:");
	if ((r->alert != NULL) == (r->record != NULL))
		FUZZ_ASSERT(rf->n_problems > 0, "a rule with %s, no problem reported",
		            r->alert ? "both alert and record" : "neither alert nor record");
	if (!r->expr[0])
		FUZZ_ASSERT(rf->n_problems > 0, "a rule without expr, no problem reported");
	check_pos(r->pos, "rule");
	check_pos(r->expr_pos, "expr");
	FUZZ_ASSERT(r->labels.n == 0 || r->label_pos, "labels without positions");
	FUZZ_ASSERT(r->annotations.n == 0 || r->annotation_pos, "annotations without positions");
	for (i = 0; i < r->labels.n; i++) {
		FUZZ_ASSERT(label_name_ok(r->labels.v[i].name), "invalid label name %s",
		            fuzz_show(r->labels.v[i].name));
		FUZZ_ASSERT(r->labels.v[i].value, "label without value");
		check_pos(r->label_pos[i], "label");
	}
	for (i = 0; i < r->annotations.n; i++) {
		const struct rule_pos *p = prom_rule_annotation_pos(r, r->annotations.v[i].name);

		FUZZ_ASSERT(label_name_ok(r->annotations.v[i].name), "invalid annotation name %s",
		            fuzz_show(r->annotations.v[i].name));
		FUZZ_ASSERT(p, "annotation %s has no position", fuzz_show(r->annotations.v[i].name));
		check_pos(*p, "annotation");
	}
	FUZZ_ASSERT(!prom_rule_annotation_pos(r, "no such annotation!"), "found a missing annotation");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rule_file rf;
	char err[ERR_MAX];
	size_t i;
	int rc;

	if (size > 1 << 20)
		return 0;
	memset(&rf, 0x33, sizeof rf);   /* rules_parse must not rely on a zeroed rf */
	memset(err, 0x55, sizeof err);
	/* exact length: ASan catches a read past the text */
	rc = rules_parse((const char *)data, size, "fuzz.yml", &rf, err);
	if (rc == 0) {
		FUZZ_ASSERT(rf.name && strcmp(rf.name, "fuzz.yml") == 0, "file name not kept");
		FUZZ_ASSERT(rf.n_rules == 0 || rf.rules, "rules count without array");
		for (i = 0; i < rf.n_rules; i++)
			check_rule(&rf, &rf.rules[i]);
		for (i = 0; i < rf.n_problems; i++) {
			FUZZ_ASSERT(rf.problems[i], "NULL problem");
			FUZZ_ASSERT(strncmp(rf.problems[i], "fuzz.yml:", 9) == 0 ||
			            strstr(rf.problems[i], "too many problems"),
			            "problem does not name the file: %s", fuzz_show(rf.problems[i]));
		}
	} else {
		FUZZ_ASSERT(rc == -1 && fuzz_err_ok(err) && err[0], "failed without a message");
		FUZZ_ASSERT(strncmp(err, "fuzz.yml:", 9) == 0, "error does not name the file: %s",
		            fuzz_show(err));
	}
	rules_free(&rf);
	return 0;
}
