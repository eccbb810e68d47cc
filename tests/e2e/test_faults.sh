#!/usr/bin/env bash
# tests/e2e/test_faults.sh: pagetty against sources that fail. A refused port
# and servers that answer garbage, an HTML 500, JSON of the wrong shape, an
# endless body, a hang-up or nothing at all: pagetty says what is wrong on
# screen, keeps answering keys, never crashes, and q exits 0. The one-shot
# commands fail with status 1 and a message, not a signal.
. "$(dirname "$0")/lib.sh"

# Expected UI cues (ERE); adjust here when the console's wording settles.
HEADER_RE='pagetty'
# A source that never answered is not STALE (no last good data): any of these.
FAILED_SOURCE_RE='STALE|DOWN|[Ff]ail'
REFUSED_RE='[Cc]onnection refused|[Cc]ouldn.t connect|refused'
HELP_RE='[Hh]elp|HELP|[Kk]eys'
declare -A ERROR_RE=(
	[garbage]='JSON|json|[Pp]arse|[Ii]nvalid'
	[html500]='500|[Ii]nternal [Ss]erver'
	[wrongshape]='JSON|json|[Ee]xpected|[Uu]nexpected|[Ss]hape|array|[Ii]nvalid'
	[huge]='[Ll]arger|[Tt]oo (large|big)|[Ll]imit|[Ss]ize|exceed'
	[hangup]='[Ee]mpty|[Rr]eset|[Cc]losed|[Nn]othing|[Rr]eceiv|[Ff]ailure'
	[slow]='[Tt]ime(d)? ?out|[Tt]imeout'
)
SIZE=100x30

need_pagetty

# faults_console SESSION URL ERROR_RE WHAT: run the console against URL and
# check error, liveness, help and a clean quit.
faults_console() {
	local s=$1 url=$2 err_re=$3 what=$4
	start_tui "$s" "$SIZE" "$PAGETTY" --refresh 2s --alertmanager "$url" ||
		{ not_ok "$what: tmux starts pagetty"; return; }
	assert_screen "$s" "$HEADER_RE" 10 "$what: the console starts (header shows pagetty)" ||
		{ kill_tui "$s"; return; }
	assert_screen "$s" "$err_re" 20 "$what: a clear error on screen"
	assert_screen "$s" "$FAILED_SOURCE_RE" 20 "$what: the source is marked failed"
	# The reason must not be replaced by bookkeeping (retry, circuit state).
	assert_screen_always "$s" "$err_re" 6 "$what: the reason stays on screen"
	assert_alive "$s" "$what: still running after the error"
	send "$s" '?'
	assert_screen "$s" "$HELP_RE" 5 "$what: still answers keys (? shows help)"
	send "$s" Escape
	sleep 0.5
	send "$s" q
	assert_exit "$s" 0 10 "$what: q exits 0"
	kill_tui "$s"
}

# faults_oneshot URL WHAT: "pagetty alerts" and "pagetty check" exit 1.
faults_oneshot() {
	local url=$1 what=$2 rc out
	out=$(timeout 30 "$PAGETTY" --alertmanager "$url" alerts 2>&1)
	rc=$?
	if [ "$rc" = 1 ] && [ -n "$out" ]; then
		ok "$what: pagetty alerts exits 1 with a message"
	else
		not_ok "$what: pagetty alerts exits 1 with a message"
		diag "status $rc" "$out"
	fi
	out=$(timeout 30 "$PAGETTY" --alertmanager "$url" check 2>&1)
	rc=$?
	if [ "$rc" = 1 ] && grep -q FAIL <<<"$out"; then
		ok "$what: pagetty check exits 1 and prints FAIL"
	else
		not_ok "$what: pagetty check exits 1 and prints FAIL"
		diag "status $rc" "$out"
	fi
}

# A port nobody listens on.
port=$(refused_port) || bail "a free port"
faults_console refused "http://127.0.0.1:$port" "$REFUSED_RE" "refused port"
faults_oneshot "http://127.0.0.1:$port" "refused port"

for mode in garbage html500 wrongshape huge hangup; do
	start_garbage "$mode" || { not_ok "garbage server ($mode) starts"; continue; }
	faults_console "$mode" "$GARBAGE_URL" "${ERROR_RE[$mode]}" "$mode"
	faults_oneshot "$GARBAGE_URL" "$mode"
	stop_pid "$GARBAGE_PID"
done

# A server that accepts and never answers: the screen must not freeze while
# the request is in flight.
start_garbage slow || bail "garbage server (slow) starts"
s=slow
start_tui "$s" "$SIZE" "$PAGETTY" --refresh 2s --alertmanager "$GARBAGE_URL"
assert_screen "$s" "$HEADER_RE" 10 "slow: the console starts while the request hangs" || e2e_stop
send "$s" '?'
assert_screen "$s" "$HELP_RE" 3 "slow: keys answered while a request hangs"
send "$s" Escape
assert_screen "$s" "${ERROR_RE[slow]}" 90 "slow: the hung request times out with a clear error"
send "$s" q
assert_exit "$s" 0 10 "slow: q exits 0 (no waiting for the network)"
kill_tui "$s"

e2e_done
