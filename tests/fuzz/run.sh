#!/usr/bin/env bash
# tests/fuzz/run.sh: run the libFuzzer targets built by `make fuzz-build`.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]    (default 30 s, every target)
# For each target: first replay tests/fuzz/regressions/TARGET/* (every
# crasher ever found; they must all pass now), then fuzz for SECONDS from
# the seeds in tests/fuzz/corpus/TARGET/ (and the shared fixtures, when
# present) with ASan leak detection and UBSan halting on the first report.
# A crash, leak, UB report, timeout or OOM is copied into
# tests/fuzz/regressions/TARGET/ and makes the script exit 1. The corpus the
# fuzzer grows and the logs stay in build-fuzz/ (not committed).
set -u

cd "$(dirname "$0")/../.." || exit 2

secs=${1:-30}
[ $# -gt 0 ] && shift
case "$secs" in
'' | *[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac

ALL=(alert silence filter duration text config runbook)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${ALL[@]}"); fi

OUT=build-fuzz
SHARED=../shared/fixtures

# Longest input worth trying per target: big enough for the real payloads'
# structure, small enough to keep executions fast.
max_len() {
	case "$1" in
	alert | silence) echo 65536 ;;
	config | runbook) echo 16384 ;;
	text) echo 2048 ;;
	filter) echo 4096 ;;
	duration) echo 128 ;;
	*) echo 4096 ;;
	esac
}

# Read-only extra seeds from the shared fixtures.
extra_seeds() {
	case "$1" in
	runbook) echo "$SHARED/runbooks-prometheus-operator" ;;
	config) echo "$SHARED/sloth $SHARED/openslo $SHARED/rules-awesome-prometheus-alerts" ;;
	esac
}

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1:allocator_may_return_null=0:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:abort_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

failed=()

# Keep whatever libFuzzer wrote into the artifact dir as regressions.
keep_artifacts() {
	local t=$1 art=$2 f kept=0

	mkdir -p "tests/fuzz/regressions/$t"
	for f in "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-* "$art"/slow-unit-*; do
		[ -f "$f" ] || continue
		cp "$f" "tests/fuzz/regressions/$t/"
		echo "fuzz: $t: kept $(basename "$f") in tests/fuzz/regressions/$t/" >&2
		kept=1
	done
	return $kept
}

for t in "${targets[@]}"; do
	bin=$OUT/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin missing (run make fuzz-build)" >&2
		failed+=("$t(missing)")
		continue
	fi
	ml=$(max_len "$t")
	log=$OUT/logs/$t.log
	art=$OUT/artifacts/$t
	work=$OUT/corpus/$t
	mkdir -p "$OUT/logs" "$art" "$work"
	rm -f "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-* "$art"/slow-unit-*

	# 1. regressions: each saved crasher must now run clean
	regs=()
	if [ -d "tests/fuzz/regressions/$t" ]; then
		for f in "tests/fuzz/regressions/$t"/*; do
			[ -f "$f" ] && regs+=("$f")
		done
	fi
	if [ ${#regs[@]} -gt 0 ]; then
		if ! "$bin" -rss_limit_mb=2048 -timeout=10 "${regs[@]}" >"$log.regress" 2>&1; then
			echo "fuzz: $t: a regression input fails again; see $log.regress" >&2
			tail -n 30 "$log.regress" >&2
			failed+=("$t(regression)")
			continue
		fi
		echo "fuzz: $t: ${#regs[@]} regression inputs pass"
	fi

	# 2. fuzz
	seeds=("tests/fuzz/corpus/$t")
	for d in $(extra_seeds "$t"); do
		[ -d "$d" ] && seeds+=("$d")
	done
	"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -max_len="$ml" -timeout=10 \
		-artifact_prefix="$art/" -print_final_stats=1 \
		"$work" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	stats=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
	cov=$(grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -n 1 | sed -E 's/.*cov: ([0-9]+).*/\1/')
	if [ $rc -ne 0 ] || grep -aqE '^(==[0-9]+==ERROR|SUMMARY: (Address|Leak|Undefined)|.*runtime error:)' "$log"; then
		echo "fuzz: $t: FAILED (exit $rc); see $log" >&2
		grep -a -m 5 -E 'ERROR|runtime error|FUZZ_ASSERT|SUMMARY' "$log" >&2
		keep_artifacts "$t" "$art"
		failed+=("$t")
	else
		echo "fuzz: $t: ok, ${secs}s, ${stats:-?} runs, cov ${cov:-?}"
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: FAILED: ${failed[*]}" >&2
	exit 1
fi
echo "fuzz: all ${#targets[@]} targets clean"
exit 0
