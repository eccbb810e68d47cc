#!/usr/bin/env bash
# tests/fuzz/run.sh: run the libFuzzer targets built by `make fuzz-build`.
#   tests/fuzz/run.sh [-j N] [SECONDS] [TARGET...]  (default 30 s, every target,
#                                                    N targets at a time, 1)
# For each target: first replay tests/fuzz/regressions/TARGET/* (every
# crasher ever found; they must all pass now), then fuzz for SECONDS from
# the seeds in tests/fuzz/corpus/TARGET/ (and the shared fixtures, when
# present) with ASan leak detection and UBSan halting on the first report.
# A crash, leak, UB report, timeout or OOM is copied into
# tests/fuzz/regressions/TARGET/ and makes the script exit 1. The corpus the
# fuzzer grows and the logs stay in build-fuzz/ (not committed).
# One TAP line per target goes to stdout, in TARGET order whatever -j is
# (tests/run counts them):
#   ok - fuzz T: 30 s, N runs, cov C, R regressions replayed
#   not ok - fuzz T: why   (details on stderr and in build-fuzz/logs/T.log)
set -u

cd "$(dirname "$0")/../.." || exit 2

jobs=1
if [ "${1:-}" = -j ]; then
	jobs=${2:-}
	shift 2 || true
elif [ "${1#-j}" != "${1:-}" ]; then
	jobs=${1#-j}
	shift
fi
secs=${1:-30}
[ $# -gt 0 ] && shift
case "$secs$jobs" in
'' | *[!0-9]*) echo "usage: $0 [-j N] [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
[ "$jobs" -ge 1 ] || jobs=1

ALL=(alert silence filter duration text config runbook promql slo rules drill timeline template http)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${ALL[@]}"); fi

OUT=build-fuzz
SHARED=../shared/fixtures

# Longest input worth trying per target: big enough for the real payloads'
# structure, small enough to keep executions fast.
max_len() {
	case "$1" in
	alert | silence | promql) echo 65536 ;;
	config | runbook | slo | rules | drill | timeline) echo 16384 ;;
	text | template) echo 2048 ;;
	filter) echo 4096 ;;
	duration) echo 128 ;;
	*) echo 4096 ;;
	esac
}

# The markdown files of fixture dir $2, copied to $OUT/seeds/$1 (the
# runbook fixtures' LICENSE is no runbook, and at 11 KB it was the longest
# seed by far: every input grown from it cost several times a runbook's).
md_seeds() {
	local dir=$OUT/seeds/$1 f

	[ -d "$2" ] || return 0
	rm -rf "$dir"
	mkdir -p "$dir"
	for f in "$2"/*.md; do
		[ -f "$f" ] && cp "$f" "$dir/"
	done
	echo "$dir"
}

# Read-only extra seeds from the shared fixtures.
extra_seeds() {
	case "$1" in
	runbook) md_seeds runbook "$SHARED/runbooks-prometheus-operator" ;;
	config) echo "$SHARED/sloth $SHARED/openslo $SHARED/rules-awesome-prometheus-alerts" ;;
	slo) echo "$SHARED/sloth $SHARED/openslo" ;;
	rules) echo "$SHARED/rules-awesome-prometheus-alerts $SHARED/sloth" ;;
	esac
}

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1:allocator_may_return_null=0:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:abort_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

mkdir -p "$OUT/logs"

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

# Replay, then fuzz, one target. Writes its summary line to
# $OUT/logs/T.result; returns 0 when clean.
run_one() {
	local t=$1 bin=$OUT/fuzz_$1 ml log art work regs f d seeds rc runs cov why
	local res=$OUT/logs/$t.result

	if [ ! -x "$bin" ]; then
		echo "not ok - fuzz $t: $bin not built (run make fuzz-build)" >"$res"
		return 1
	fi
	ml=$(max_len "$t")
	log=$OUT/logs/$t.log
	art=$OUT/artifacts/$t
	work=$OUT/corpus/$t
	mkdir -p "$art" "$work"
	rm -f "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-* "$art"/slow-unit-*

	# 1. regressions: each saved crasher must now run clean
	regs=()
	if [ -d "tests/fuzz/regressions/$t" ]; then
		for f in "tests/fuzz/regressions/$t"/*; do
			[ -f "$f" ] && regs+=("$f")
		done
	fi
	if [ ${#regs[@]} -gt 0 ] &&
		! "$bin" -rss_limit_mb=2048 -timeout=10 "${regs[@]}" >"$log.regress" 2>&1; then
		why=$(grep -a -m 1 -E 'FUZZ_ASSERT|ERROR|runtime error|Running: ' "$log.regress")
		echo "not ok - fuzz $t: a saved regression input fails again: $why" >"$res"
		{ echo "fuzz: $t: see $log.regress"; tail -n 30 "$log.regress"; } >&2
		return 1
	fi

	# 2. fuzz
	seeds=("tests/fuzz/corpus/$t")
	for d in $(extra_seeds "$t"); do
		[ -d "$d" ] && seeds+=("$d")
	done
	"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -max_len="$ml" -timeout=10 \
		-report_slow_units=10 -artifact_prefix="$art/" -print_final_stats=1 \
		"$work" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	runs=$(grep -aE '^stat::number_of_executed_units' "$log" | awk '{print $2}')
	cov=$(grep -aE '^#[0-9]+.*cov:' "$log" | tail -n 1 | sed -E 's/.*cov: ([0-9]+).*/\1/')
	if [ $rc -ne 0 ] || ls "$art"/slow-unit-* >/dev/null 2>&1 ||
		grep -aqE '^(==[0-9]+==ERROR|SUMMARY: (Address|Leak|Undefined)|.*runtime error:)' "$log"; then
		why=$(grep -a -m 1 -E 'FUZZ_ASSERT|==ERROR|runtime error|Slowest unit' "$log")
		echo "not ok - fuzz $t: exit $rc after ${runs:-?} runs: ${why:-see $log}" >"$res"
		{ echo "fuzz: $t: see $log"; grep -a -m 5 -E 'ERROR|runtime error|FUZZ_ASSERT|SUMMARY|Slowest' "$log"; } >&2
		keep_artifacts "$t" "$art"
		return 1
	fi
	echo "ok - fuzz $t: $secs s, ${runs:-?} runs, cov ${cov:-?}, ${#regs[@]} regressions replayed" >"$res"
	return 0
}

# At most $jobs targets at a time; results printed in target order.
running=0
for t in "${targets[@]}"; do
	rm -f "$OUT/logs/$t.result"
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_one "$t" &
	running=$((running + 1))
done
wait

failed=()
for t in "${targets[@]}"; do
	if [ -s "$OUT/logs/$t.result" ]; then
		cat "$OUT/logs/$t.result"
	else
		echo "not ok - fuzz $t: no result (the runner died)"
	fi
	grep -q "^ok - " "$OUT/logs/$t.result" 2>/dev/null || failed+=("$t")
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: FAILED: ${failed[*]}" >&2
	exit 1
fi
echo "fuzz: all ${#targets[@]} targets clean"
exit 0
