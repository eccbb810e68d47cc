#!/usr/bin/env bash
# tests/e2e/test_faultmodes.sh: the console against every fault mode of
# tests/e2e/garbage_server.py (and a refused port). For each mode: a key
# pressed during the fault is answered quickly (the help overlay shows; the
# latency is measured and printed), the source shows the reason (or, for the
# hostile-but-valid payloads, the data shows with the layout intact and
# escapes made visible), pagetty's VmRSS stays under a cap, and when the fault
# clears (the server switches to "healthy") the alerts appear and the error
# goes away on its own (the breaker closes). Modes run in parallel batches,
# each in its own tmux session against its own server.
. "$(dirname "$0")/lib.sh"

SIZE=100x30
HELP_RE='Help: keys'
FOOTER_RE='j/k move.*q quit'
RECOVERED_RE='GarbageRecovered'
FAILED_RE='DOWN|STALE'
# A key must be answered within this (ms). pagetty runs under
# tests/e2e/keyprobe.py, which writes the key into pagetty's pty and times
# the first output showing the answer, so no tmux round trip is counted.
KEY_MS=${KEY_MS:-100}
RECOVER_S=75

# mode -> "kind reason_regex rss_cap_mb"; kind: err (the source must fail
# with the reason) or data (hostile but valid: the data must show).
declare -A MODE=(
	[refused]='err|connection refused|could not connect|100'
	[hang]='err|timed out|100'
	[trickle]='err|timed out|100'
	[endless]='err|timed out|larger than|100'
	[slowtls]='err|timed out|100'
	[html500]='err|HTTP 500|100'
	[notfound]='err|HTTP 404|100'
	[garbage]='err|invalid JSON|100'
	[truncated]='err|invalid JSON|100'
	[wrongshape]='err|not an array|expected|JSON|100'
	[huge200]='err|larger than|150'
	[many]='data|100000 alerts|150'
	[biglabel]='data|BigLabel|100'
	[badutf8]='data|BadUTF8X|100'
	[escapes]='data|EscapeAlert|100'
)
BATCH1="refused hang trickle endless slowtls html500 notfound garbage truncated wrongshape biglabel badutf8 escapes"
BATCH2="huge200"
BATCH3="many"
[ -n "${FAULTMODES:-}" ] && BATCH1=$FAULTMODES BATCH2="" BATCH3=""

need_pagetty
command -v openssl >/dev/null || bail "openssl is installed"

# A CA and a server certificate for 127.0.0.1 (slowtls speaks TLS once healthy).
CERTS=$E2E_TMP/certs
mkdir -p "$CERTS"
(
	cd "$CERTS" &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=e2e-ca \
		-keyout ca.key -out ca.pem &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
		-keyout srv.key -out srv.csr &&
	printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >ext &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
		-days 2 -extfile ext -out srv.pem
) >"$E2E_TMP/openssl.log" 2>&1 || { diag_file "$E2E_TMP/openssl.log"; bail "openssl makes a CA and a server certificate"; }

declare -A URL PORT

# serve MODE PORT: a garbage server whose mode is read from $E2E_TMP/mode-MODE.
serve() {
	local m=$1 port=$2 log mode=$1 extra=()
	log="$E2E_TMP/garbage-$m.log"
	[ "$m" = refused ] && mode=healthy
	echo "$mode" >"$E2E_TMP/mode-$m"
	[ "$m" = slowtls ] && extra=(--tls "$CERTS/srv.pem" "$CERTS/srv.key")
	e2e_spawn "garbage server ($m)" "$log" python3 -u \
		"$E2E_ROOT/tests/e2e/garbage_server.py" "$mode" "$port" \
		--mode-file "$E2E_TMP/mode-$m" --limit 60 --lifetime 400 "${extra[@]}"
	echo "$E2E_LAST_PID" >>"$E2E_TMP/server-pids"
	wait_until 30 grep -qs '^ready' "$log" || { diag_file "$log"; return 1; }
}

# pagetty_pid SESSION: the pid of pagetty inside the pane (keyprobe wrote it).
pagetty_pid() {
	cat "$E2E_TMP/probe-$1/pid" 2>/dev/null
}

# rss_kb PID: VmRSS in kB (0 when gone).
rss_kb() {
	awk '/^VmRSS:/ {print $2; f=1} END {if (!f) print 0}' "/proc/$1/status" 2>/dev/null || echo 0
}

# rss_sampler PID FILE: keep the largest VmRSS (kB) of PID in FILE.
rss_sampler() {
	local max=0 r
	while kill -0 "$1" 2>/dev/null; do
		r=$(rss_kb "$1")
		if [ "$r" -gt "$max" ]; then
			max=$r
			echo "$max" >"$2"
		fi
		sleep 0.1
	done
}

# key_latency SESSION: press ? through the session's keyprobe and print the
# ms until pagetty's output draws the help overlay (99999 when it never did);
# the overlay must then be on the screen tmux shows too.
key_latency() {
	local s=$1 ctl=$E2E_TMP/probe-$1 ms
	rm -f "$ctl/result"
	echo '? Help' >"$ctl/probe"
	wait_until 5 test -s "$ctl/result" || { echo 99999; return 1; }
	ms=$(cat "$ctl/result")
	wait_screen "$s" "$HELP_RE" 3 || ms=99999
	echo "$ms"
}

# run_mode MODE: the whole check of one mode (TAP lines on stdout).
run_mode() {
	local m=$1 spec kind cap re s url cfg pid ms max=0 sampler title0 title1
	spec=${MODE[$m]}
	kind=${spec%%|*}
	cap=${spec##*|}
	re=${spec#*|}
	re=${re%|*}
	s=fm-$m
	url=${URL[$m]}
	cfg=$E2E_TMP/config-$m.yaml
	{
		echo "refresh: 1s"
		echo "alertmanagers:"
		echo "  - name: $m"
		echo "    url: \"$url\""
		[ "$m" = slowtls ] && echo "    tls: {ca_file: \"$CERTS/ca.pem\"}"
	} >"$cfg"
	mkdir -p "$E2E_TMP/probe-$s"
	start_tui "$s" "$SIZE" python3 "$E2E_ROOT/tests/e2e/keyprobe.py" "$E2E_TMP/probe-$s" -- \
		"$PAGETTY" --config "$cfg" --refresh 1s ||
		{ not_ok "$m: tmux starts pagetty"; : >"$E2E_TMP/started-$m"; return; }
	# How fast it starts is not what this test measures (13 start at once
	# on a loaded CI machine): a generous wait, and the next mode's start
	# waits for this one (run_batch).
	if ! assert_screen "$s" '^pagetty' 40 "$m: the console starts"; then
		: >"$E2E_TMP/started-$m"
		kill_tui "$s"
		return
	fi
	: >"$E2E_TMP/started-$m"
	title0=$(e2e_tmux list-panes -t "$s" -F '#{pane_title}')
	pid=$(pagetty_pid "$s")
	# (c) memory is sampled every 0.1 s for the whole fault
	rss_sampler "$pid" "$E2E_TMP/rss-$m" &
	sampler=$!
	# (a) a key pressed while the first request is in flight
	ms=$(key_latency "$s")
	if [ "$ms" -le "$KEY_MS" ]; then
		ok "$m: ? answered while the first request is in flight in ${ms} ms (cap $KEY_MS)"
	else
		not_ok "$m: ? answered while the first request is in flight in ${ms} ms (cap $KEY_MS)"
		dump_screen "$s"
	fi
	send "$s" Escape
	wait_screen_gone "$s" "$HELP_RE" 3
	# (b) the reason on screen (or, for valid hostile payloads, the data)
	if [ "$kind" = err ]; then
		assert_screen "$s" "$re" 40 "$m: the source shows the reason (/$re/)"
		assert_screen "$s" "$FAILED_RE" 5 "$m: the source is marked DOWN or STALE"
	else
		assert_screen "$s" "$re" 40 "$m: the data shows (/$re/)"
		assert_screen_lacks "$s" "$FAILED_RE" "$m: the source is not marked failed"
	fi
	# (a) a key pressed during the fault is answered
	ms=$(key_latency "$s")
	if [ "$ms" -le "$KEY_MS" ]; then
		ok "$m: ? answered during the fault in ${ms} ms (cap $KEY_MS)"
	else
		not_ok "$m: ? answered during the fault in ${ms} ms (cap $KEY_MS)"
		dump_screen "$s"
	fi
	send "$s" Escape
	assert_screen_gone "$s" "$HELP_RE" 3 "$m: Esc closes the help"
	# mode-specific screen checks
	case $m in
	many)
		send "$s" j j G
		sleep 0.3
		ms=$(key_latency "$s")
		if [ "$ms" -le "$KEY_MS" ]; then
			ok "$m: keys still answered after moving to the end (${ms} ms)"
		else
			not_ok "$m: keys still answered after moving to the end (${ms} ms)"
		fi
		send "$s" Escape
		;;
	biglabel)
		send "$s" d
		sleep 0.5
		assert_screen "$s" "$FOOTER_RE" 3 "$m: the footer row is intact with the detail open"
		assert_eq "$m: row 1 is still the header" 1 \
			"$(screen "$s" | head -n1 | grep -c '^pagetty')"
		send "$s" d
		;;
	badutf8)
		assert_screen "$s" $'\xef\xbf\xbd' 5 "$m: invalid UTF-8 shows as U+FFFD"
		;;
	escapes)
		send "$s" d
		sleep 0.5
		assert_screen "$s" '\\e\[|\\x1b|\^\[' 5 "$m: ESC shows escaped"
		assert_screen "$s" '\\u202e|<U\+202E>|\\u\{?202[eE]' 5 "$m: the bidi override shows escaped"
		assert_eq "$m: a lone CR shows escaped in the row and the detail" 2 \
			"$(screen "$s" | grep -c 'over\\rwrite')"
		# The title payload is on screen only behind its visible escape.
		if screen "$s" | grep PWNED | grep -vq '\\e\][02];PWNED'; then
			not_ok "$m: the OSC payload is shown only escaped"
			dump_screen "$s"
		else
			ok "$m: the OSC payload is shown only escaped"
		fi
		assert_eq "$m: row 1 is still the header (no clear screen)" 1 \
			"$(screen "$s" | head -n1 | grep -c '^pagetty')"
		title1=$(e2e_tmux list-panes -t "$s" -F '#{pane_title}')
		assert_eq "$m: the pane title is unchanged" "$title0" "$title1"
		send "$s" d
		;;
	esac
	# (c) memory: the largest VmRSS seen during the fault (a few more
	# seconds of it first)
	sleep 3
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	max=$(cat "$E2E_TMP/rss-$m" 2>/dev/null || echo 0)
	if [ "$max" -gt 0 ] && [ "$max" -lt $((cap * 1024)) ]; then
		ok "$m: VmRSS stays bounded ($((max / 1024)) MB < $cap MB)"
	else
		not_ok "$m: VmRSS stays bounded ($((max / 1024)) MB < $cap MB)"
	fi
	# (d) the fault clears: the source recovers on its own
	if [ "$m" = refused ]; then
		serve refused "${PORT[$m]}" || not_ok "$m: a server starts on the port"
	else
		echo healthy >"$E2E_TMP/mode-$m"
	fi
	assert_screen "$s" "$RECOVERED_RE" "$RECOVER_S" "$m: alerts appear once the fault clears"
	assert_screen_gone "$s" "$FAILED_RE" 10 "$m: the error clears on its own (breaker closed)"
	assert_alive "$s" "$m: still running"
	send "$s" q
	assert_exit "$s" 0 10 "$m: q exits 0"
	kill_tui "$s"
}

# run_batch MODES...: the modes in parallel, started one after the other
# (each once its console is up); their TAP lines in order.
run_batch() {
	local m pids=() line
	for m in "$@"; do
		PORT[$m]=$(free_port) || bail "a free port"
		if [ "$m" = slowtls ]; then
			URL[$m]="https://127.0.0.1:${PORT[$m]}"
		else
			URL[$m]="http://127.0.0.1:${PORT[$m]}"
		fi
		[ "$m" = refused ] && continue
		serve "$m" "${PORT[$m]}" || bail "garbage server ($m) starts"
	done
	for m in "$@"; do
		rm -f "$E2E_TMP/started-$m"
		run_mode "$m" >"$E2E_TMP/out-$m" 2>&1 &
		pids+=($!)
		wait_until 45 test -e "$E2E_TMP/started-$m"
	done
	for m in "${pids[@]}"; do
		wait "$m"
	done
	# Servers started inside run_mode (subshells) are not in E2E_PIDS.
	while read -r line; do
		stop_pid "$line"
	done <"$E2E_TMP/server-pids"
	: >"$E2E_TMP/server-pids"
	for m in "$@"; do
		while IFS= read -r line; do
			case $line in
			"ok - "*) ok "${line#ok - }" ;;
			"not ok - "*) not_ok "${line#not ok - }" ;;
			*) echo "$line" ;;
			esac
		done <"$E2E_TMP/out-$m"
	done
}

# The first start_tui makes the tmux server; not in parallel.
start_tui warmup 20x5 true || bail "tmux starts"
kill_tui warmup

# shellcheck disable=SC2086
run_batch $BATCH1
# shellcheck disable=SC2086
[ -n "$BATCH2" ] && run_batch $BATCH2
# shellcheck disable=SC2086
[ -n "$BATCH3" ] && run_batch $BATCH3

e2e_done
