/* rb_bench.c: times runbook_parse() and runbook_layout() on one markdown
 * file (bench/bench.py generates a 500-step runbook), linked against
 * build/libpagetty.a. Prints one line of key=value figures in milliseconds,
 * each the median of RUNS runs:
 *   rb_bench FILE [RUNS] [WIDTH]
 *   parse_ms=1.234 layout_ms=0.567 total_ms=1.801 steps=500 lines=2345 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/runbook.h"
#include "core/util.h"

#define RB_BENCH_MAX_RUNS 1000
#define RB_BENCH_MAX_FILE (8u << 20)

static double rb_bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int rb_bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double rb_bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, rb_bench_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The whole file, malloced, or NULL. */
static char *rb_bench_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, r;

	if (!f)
		return NULL;
	buf = xmalloc(RB_BENCH_MAX_FILE + 1);
	while (n < RB_BENCH_MAX_FILE &&
	       (r = fread(buf + n, 1, RB_BENCH_MAX_FILE - n, f)) > 0)
		n += r;
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	} else {
		buf[n] = '\0';
		*len = n;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	double parse[RB_BENCH_MAX_RUNS], layout[RB_BENCH_MAX_RUNS], total[RB_BENCH_MAX_RUNS];
	char err[ERR_MAX];
	size_t len = 0, steps = 0, lines = 0, width, i, s;
	int runs, rc = 1;
	char *md;

	if (argc < 2) {
		fprintf(stderr, "usage: rb_bench FILE [RUNS] [WIDTH]\n");
		return 2;
	}
	runs = argc > 2 ? atoi(argv[2]) : 21;
	if (runs < 1 || runs > RB_BENCH_MAX_RUNS)
		runs = 21;
	width = argc > 3 ? (size_t)strtoul(argv[3], NULL, 10) : 160;
	if (width < 20 || width > 1000)
		width = 160;
	md = rb_bench_slurp(argv[1], &len);
	if (!md) {
		fprintf(stderr, "rb_bench: cannot read %s\n", argv[1]);
		return 1;
	}
	for (i = 0; i < (size_t)runs; i++) {
		struct runbook rb;
		struct rb_layout lo = {0};
		double t0, t1, t2;

		memset(&rb, 0, sizeof rb);
		t0 = rb_bench_now_ms();
		if (runbook_parse(md, len, argv[1], &rb, err) < 0) {
			fprintf(stderr, "rb_bench: %s\n", err);
			goto fail;
		}
		t1 = rb_bench_now_ms();
		runbook_layout(&rb, width, RB_LAYOUT_UTF8, &lo);
		t2 = rb_bench_now_ms();
		parse[i] = t1 - t0;
		layout[i] = t2 - t1;
		total[i] = t2 - t0;
		steps = 0;
		for (s = 0; s < rb.n_sections; s++)
			steps += rb.sections[s].n_steps;
		lines = lo.n;
		rb_layout_free(&lo);
		runbook_free(&rb);
	}
	printf("parse_ms=%.3f layout_ms=%.3f total_ms=%.3f steps=%zu lines=%zu bytes=%zu\n",
	       rb_bench_median(parse, (size_t)runs), rb_bench_median(layout, (size_t)runs),
	       rb_bench_median(total, (size_t)runs), steps, lines, len);
	rc = 0;
fail:
	free(md);
	return rc;
}
