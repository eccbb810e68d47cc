# tests/e2e/lib.sh: the end-to-end harness, sourced by tests/e2e/test_*.sh.
# Starts real prometheus, two clustered prometheus-alertmanager peers and
# prometheus-pushgateway on free loopback ports with temporary storage, drives
# pagetty inside a private tmux server and prints TAP lines
# ("ok - ..." / "not ok - ..."). Everything started here is stopped by the
# EXIT trap, also when a test fails or is killed by its timeout. Every wait is
# bounded.
#
# shellcheck shell=bash

set -u
set -o pipefail

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$E2E_ROOT" || exit 1
export LC_ALL=C.UTF-8 LANG=C.UTF-8
unset TMUX TMUX_PANE PAGETTY_CONFIG
export NO_PROXY='*' no_proxy='*'
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

PAGETTY=${PAGETTY:-$E2E_ROOT/pagetty}
PROMETHEUS_BIN=${PROMETHEUS_BIN:-/usr/bin/prometheus}
ALERTMANAGER_BIN=${ALERTMANAGER_BIN:-/usr/bin/prometheus-alertmanager}
PUSHGATEWAY_BIN=${PUSHGATEWAY_BIN:-/usr/bin/prometheus-pushgateway}
AMTOOL_BIN=${AMTOOL_BIN:-/usr/bin/amtool}

E2E_NAME=$(basename "$0" .sh)
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pagetty-$E2E_NAME.XXXXXX") || exit 1
# A private tmux server: tests never touch the user's tmux.
E2E_TMUX_SOCK="pagetty-e2e-$$"
E2E_PIDS=()
# Set by e2e_spawn and the functions that start one server.
E2E_LAST_PID="" E2E_LAST_URL=""
E2E_FAILED=0
E2E_COUNT=0
# Keep the temp dir (logs, configs) after the run: E2E_KEEP=1.
E2E_KEEP=${E2E_KEEP:-0}

# Set by the start_* functions.
AM1_URL="" AM2_URL="" AM1_PID="" AM2_PID=""
PUSHGW_URL="" PUSHGW_PID="" PROM_URL="" PROM_PID=""

# ---------------------------------------------------------------- cleanup

e2e_cleanup() {
	local pid i panes alive
	trap - EXIT INT TERM HUP
	# Every pane's process group (the pane's command is a session and group
	# leader), then the tmux server itself.
	panes=$(tmux -L "$E2E_TMUX_SOCK" list-panes -a -F '#{pane_pid}' 2>/dev/null)
	for pid in $panes; do
		kill -HUP -- "-$pid" 2>/dev/null
		kill -TERM -- "-$pid" 2>/dev/null
	done
	tmux -L "$E2E_TMUX_SOCK" kill-server >/dev/null 2>&1
	if [ -n "$panes" ]; then
		for ((i = 0; i < 20; i++)); do
			alive=0
			for pid in $panes; do
				kill -0 -- "-$pid" 2>/dev/null && alive=1
			done
			[ "$alive" = 0 ] && break
			sleep 0.1
		done
		for pid in $panes; do
			kill -KILL -- "-$pid" 2>/dev/null
		done
	fi
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$E2E_TMUX_SOCK"
	for pid in "${E2E_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${E2E_PIDS[@]}"; do
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ "$E2E_KEEP" = 1 ]; then
		echo "# kept $E2E_TMP"
	else
		rm -rf "$E2E_TMP"
	fi
}
trap e2e_cleanup EXIT
trap 'echo "not ok - $E2E_NAME interrupted"; exit 130' INT TERM HUP

# ---------------------------------------------------------------- TAP

ok() {
	E2E_COUNT=$((E2E_COUNT + 1))
	echo "ok - $*"
}

not_ok() {
	E2E_COUNT=$((E2E_COUNT + 1))
	E2E_FAILED=1
	echo "not ok - $*"
}

# diag TEXT...: TAP diagnostics, every line prefixed with "# ".
diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# diag_file FILE [LINES]: the tail of a file (a server log) as diagnostics.
diag_file() {
	[ -f "$1" ] || return 0
	echo "# --- tail of $1"
	tail -n "${2:-20}" "$1" | sed 's/^/#   /'
}

# check DESC CMD...: ok when CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
		return 1
	fi
}

# assert_eq DESC EXPECTED ACTUAL
assert_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected: $2" "actual:   $3"
		return 1
	fi
}

# bail DESC: a precondition failed; report it and stop this script.
bail() {
	not_ok "$*"
	exit 1
}

# e2e_stop: after a failed assertion that later steps depend on, stop here
# instead of letting every later wait run into its timeout.
e2e_stop() {
	diag "later steps depend on the one above; stopping $E2E_NAME"
	exit 1
}

# e2e_done: the script's last line; exit status says whether all passed.
e2e_done() {
	if [ "$E2E_COUNT" -eq 0 ]; then
		not_ok "$E2E_NAME ran no assertion"
	fi
	exit "$E2E_FAILED"
}

# ---------------------------------------------------------------- waiting

# wait_until TIMEOUT_SECONDS CMD...: poll CMD every 0.2s until it succeeds.
wait_until() {
	local timeout=$1 deadline
	shift
	deadline=$(($(date +%s%N) / 1000000 + timeout * 1000))
	while :; do
		"$@" && return 0
		[ $(($(date +%s%N) / 1000000)) -ge "$deadline" ] && return 1
		sleep 0.2
	done
}

# ---------------------------------------------------------------- ports

# free_port: a loopback TCP port nobody listens on, not handed out before
# in this test (the kernel picks it; bind and release). Called as
# $(free_port), so the ports handed out are remembered in a file.
free_port() {
	local port i
	for ((i = 0; i < 20; i++)); do
		port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()') || return 1
		grep -qx "$port" "$E2E_TMP/ports" 2>/dev/null && continue
		echo "$port" >>"$E2E_TMP/ports"
		echo "$port"
		return 0
	done
	return 1
}

# refused_port: a port where connect() gets "connection refused".
refused_port() {
	free_port
}

# ---------------------------------------------------------------- http

# http_get URL: body on stdout; fails on connection error or HTTP >= 400.
http_get() {
	curl -fsS --max-time 5 "$1"
}

# http_ok URL: true when URL answers 2xx.
http_ok() {
	curl -fs -o /dev/null --max-time 2 "$1"
}

# http_code URL: the HTTP status code ("000" when nothing answered).
http_code() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1"
}

# ---------------------------------------------------------------- servers

# e2e_spawn NAME LOG CMD...: start CMD in the background, remembered for
# cleanup. The pid is left in E2E_LAST_PID.
e2e_spawn() {
	local name=$1 log=$2
	shift 2
	"$@" >"$log" 2>&1 </dev/null &
	E2E_LAST_PID=$!
	E2E_PIDS+=("$E2E_LAST_PID")
	echo "# started $name pid $E2E_LAST_PID: $*" >>"$E2E_TMP/commands.log"
}

# e2e_wait_ready NAME PID URL LOG: wait (30s) for URL to answer 2xx.
e2e_wait_ready() {
	local name=$1 pid=$2 url=$3 log=$4 i
	for ((i = 0; i < 150; i++)); do
		http_ok "$url" && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "# $name exited before it was ready"
			diag_file "$log"
			return 1
		fi
		sleep 0.2
	done
	echo "# $name not ready after 30s at $url"
	diag_file "$log"
	return 1
}

# stop_pid PID: stop one server we started (TERM, then KILL after 5s).
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# write_am_config FILE: one route to a receiver that sends nothing, and an
# inhibit rule: E2EOutage (critical) mutes severity="info" alerts of the same
# service.
write_am_config() {
	cat >"$1" <<'YAML'
route:
  receiver: blackhole
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: blackhole
inhibit_rules:
  - source_matchers: ['alertname="E2EOutage"']
    target_matchers: ['severity="info"']
    equal: [service]
YAML
}

# start_alertmanager_pair: two peers of one cluster. Sets AM1_URL, AM2_URL,
# AM1_PID, AM2_PID, AM1_CLUSTER, AM2_CLUSTER.
start_alertmanager_pair() {
	local p1 p2 c1 c2 n
	p1=$(free_port) && p2=$(free_port) && c1=$(free_port) && c2=$(free_port) ||
		return 1
	write_am_config "$E2E_TMP/alertmanager.yml"
	for n in 1 2; do
		local port cport peer
		if [ $n = 1 ]; then
			port=$p1 cport=$c1 peer=$c2
		else
			port=$p2 cport=$c2 peer=$c1
		fi
		mkdir -p "$E2E_TMP/am$n"
		e2e_spawn "alertmanager $n" "$E2E_TMP/am$n.log" "$ALERTMANAGER_BIN" \
			--config.file="$E2E_TMP/alertmanager.yml" \
			--storage.path="$E2E_TMP/am$n" \
			--web.listen-address="127.0.0.1:$port" \
			--cluster.listen-address="127.0.0.1:$cport" \
			--cluster.advertise-address="127.0.0.1:$cport" \
			--cluster.peer="127.0.0.1:$peer" \
			--cluster.reconnect-timeout=10s \
			--cluster.gossip-interval=50ms \
			--cluster.pushpull-interval=1s \
			--cluster.settle-timeout=2s \
			--log.level=info
		if [ $n = 1 ]; then
			AM1_PID=$E2E_LAST_PID AM1_URL="http://127.0.0.1:$p1"
		else
			AM2_PID=$E2E_LAST_PID AM2_URL="http://127.0.0.1:$p2"
		fi
	done
	AM1_CLUSTER="127.0.0.1:$c1" AM2_CLUSTER="127.0.0.1:$c2"
	e2e_wait_ready alertmanager1 "$AM1_PID" "$AM1_URL/-/ready" "$E2E_TMP/am1.log" &&
		e2e_wait_ready alertmanager2 "$AM2_PID" "$AM2_URL/-/ready" "$E2E_TMP/am2.log" ||
		return 1
	# Ready is not clustered: wait until each peer sees the other.
	if ! wait_until 30 am_cluster_formed "$AM1_URL" ||
		! wait_until 30 am_cluster_formed "$AM2_URL"; then
		echo "# alertmanager peers did not form a cluster"
		diag_file "$E2E_TMP/am1.log"
		diag_file "$E2E_TMP/am2.log"
		return 1
	fi
}

# am_cluster_formed URL: the peer reports a ready cluster of two.
am_cluster_formed() {
	http_get "$1/api/v2/status" 2>/dev/null | python3 -c '
import json, sys
c = json.load(sys.stdin).get("cluster", {})
sys.exit(0 if c.get("status") == "ready" and len(c.get("peers") or []) == 2 else 1)'
}

# start_pushgateway: sets PUSHGW_URL, PUSHGW_PID.
start_pushgateway() {
	local port
	port=$(free_port) || return 1
	e2e_spawn pushgateway "$E2E_TMP/pushgateway.log" "$PUSHGATEWAY_BIN" \
		--web.listen-address="127.0.0.1:$port" \
		--persistence.file="$E2E_TMP/pushgateway.store" \
		--persistence.interval=1m
	PUSHGW_PID=$E2E_LAST_PID PUSHGW_URL="http://127.0.0.1:$port"
	e2e_wait_ready pushgateway "$PUSHGW_PID" "$PUSHGW_URL/-/ready" \
		"$E2E_TMP/pushgateway.log"
}

# e2e_prometheus NAME [FLAG...]: run prometheus on a free port with the
# config $E2E_TMP/NAME.yml (written by the caller), storage in
# $E2E_TMP/NAME-data and log in $E2E_TMP/NAME.log, and wait until it is
# ready. Sets E2E_LAST_PID and E2E_LAST_URL.
e2e_prometheus() {
	local name=$1 port
	shift
	port=$(free_port) || return 1
	mkdir -p "$E2E_TMP/$name-data"
	e2e_spawn "$name" "$E2E_TMP/$name.log" "$PROMETHEUS_BIN" \
		--config.file="$E2E_TMP/$name.yml" \
		--storage.tsdb.path="$E2E_TMP/$name-data" \
		--web.listen-address="127.0.0.1:$port" "$@"
	E2E_LAST_URL="http://127.0.0.1:$port"
	e2e_wait_ready "$name" "$E2E_LAST_PID" "$E2E_LAST_URL/-/ready" "$E2E_TMP/$name.log"
}

# start_prometheus [RULES_FILE]: scrapes the pushgateway (honor_labels)
# every second, evaluates the rules every second and sends alerts to both
# alertmanagers. Needs start_pushgateway and start_alertmanager_pair first.
# Sets PROM_URL, PROM_PID.
start_prometheus() {
	local rules=${1:-$E2E_ROOT/tests/e2e/rules/e2e.rules.yml} rc
	cat >"$E2E_TMP/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $rules
alerting:
  alertmanagers:
    - api_version: v2
      timeout: 2s
      static_configs:
        - targets: ['${AM1_URL#http://}', '${AM2_URL#http://}']
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ['${PUSHGW_URL#http://}']
YAML
	e2e_prometheus prometheus --rules.alert.resend-delay=1s --log.level=info
	rc=$?
	PROM_PID=$E2E_LAST_PID PROM_URL=$E2E_LAST_URL
	return "$rc"
}

# start_scrape_prometheus NAME: a prometheus with no rules and no
# alertmanagers that only scrapes the pushgateway (honor_labels) every
# second; NAME names its files (see e2e_prometheus). Needs start_pushgateway
# first. Sets E2E_LAST_PID and E2E_LAST_URL.
start_scrape_prometheus() {
	cat >"$E2E_TMP/$1.yml" <<YAML
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs: [{targets: ['${PUSHGW_URL#http://}']}]
YAML
	e2e_prometheus "$1"
}

# start_stack: everything, or bail.
start_stack() {
	start_alertmanager_pair || bail "alertmanager pair starts and clusters"
	start_pushgateway || bail "pushgateway starts"
	start_prometheus "$@" || bail "prometheus starts"
	echo "# stack: am1=$AM1_URL am2=$AM2_URL pushgateway=$PUSHGW_URL prometheus=$PROM_URL"
}

# push_metric JOB TEXT: push Prometheus text exposition (one or more lines,
# newline added) to the pushgateway under job JOB, replacing that group.
push_metric() {
	printf '%s\n' "$2" | curl -fsS --max-time 5 --data-binary @- \
		"$PUSHGW_URL/metrics/job/$1" >/dev/null
}

# delete_metrics JOB: drop a pushed group.
delete_metrics() {
	curl -fsS --max-time 5 -X DELETE "$PUSHGW_URL/metrics/job/$1" >/dev/null
}

# am_alert_count AM_URL NAME: how many active alerts named NAME the peer has.
am_alert_count() {
	curl -fsS --max-time 5 -G --data-urlencode "filter=alertname=\"$2\"" \
		"$1/api/v2/alerts" 2>/dev/null | python3 -c '
import json, sys
try:
    print(len(json.load(sys.stdin)))
except Exception:
    print(0)'
}

am_has_alert() {
	[ "$(am_alert_count "$1" "$2")" -gt 0 ]
}

# wait_alert NAME [AM_URL] [TIMEOUT]: wait until the peer (default AM1) has
# an alert named NAME (default 60s).
wait_alert() {
	wait_until "${3:-60}" am_has_alert "${2:-$AM1_URL}" "$1"
}

# post_alerts AM_URL JSON: post alerts straight to the Alertmanager v2 API.
post_alerts() {
	printf '%s' "$2" | curl -fsS --max-time 5 -H 'Content-Type: application/json' \
		--data-binary @- "$1/api/v2/alerts" >/dev/null
}

# amtool ARGS...: amtool against AM1 unless the args name a URL.
amtool() {
	"$AMTOOL_BIN" --alertmanager.url="$AM1_URL" "$@"
}

# ---------------------------------------------------------------- tmux

e2e_tmux() {
	tmux -L "$E2E_TMUX_SOCK" -f "$E2E_TMP/tmux.conf" "$@"
}

# start_tui SESSION COLSxROWS CMD...: run CMD in a detached tmux session of
# that size. The pane stays after CMD exits. CMD runs under a small sh that
# writes its exit status to $E2E_TMP/SESSION.status: tmux 3.3 sometimes
# misses a child's SIGCHLD and leaves #{pane_dead_status} empty, so the file
# is what pane_status reads (128+N when CMD died of signal N).
start_tui() {
	local s=$1 size=$2 cols rows
	shift 2
	cols=${size%x*} rows=${size#*x}
	if [ ! -f "$E2E_TMP/tmux.conf" ]; then
		cat >"$E2E_TMP/tmux.conf" <<'CONF'
set -g remain-on-exit on
set -g default-terminal "tmux-256color"
set -g history-limit 2000
set -g status off
set -g escape-time 10
set -g exit-empty off
CONF
		# A session that lives as long as the test keeps one tmux server
		# for all the test's sessions (a server restarted on the same
		# socket right after it exited can fail to start).
		e2e_tmux new-session -d -s _keeper -x 20 -y 5 'sleep 86400' ||
			return 1
	fi
	rm -f "$E2E_TMP/$s.status"
	e2e_tmux new-session -d -s "$s" -x "$cols" -y "$rows" -- \
		sh -c 'trap : INT QUIT; "$@"; echo $? >"$0.tmp"; mv "$0.tmp" "$0"' \
		"$E2E_TMP/$s.status" \
		env TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@"
}

# screen SESSION: what the user sees now, one line per row.
screen() {
	e2e_tmux capture-pane -p -t "$1" 2>/dev/null
}

# dump_screen SESSION: the screen as TAP diagnostics ("# " indented).
dump_screen() {
	echo "# --- screen of $1 (trailing blank lines cut):"
	screen "$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' | sed 's/^/#   |/'
}

# wait_screen SESSION REGEX TIMEOUT: poll until the screen matches (ERE).
wait_screen() {
	wait_until "${3:-10}" screen_matches "$1" "$2"
}

screen_matches() {
	screen "$1" | grep -Eq -- "$2"
}

screen_lacks() {
	! screen_matches "$1" "$2"
}

# wait_screen_gone SESSION REGEX TIMEOUT: poll until the screen no longer matches.
wait_screen_gone() {
	wait_until "${3:-10}" screen_lacks "$1" "$2"
}

# send SESSION KEYS...: tmux key names ("Enter", "Escape", "C-c") or text.
send() {
	local s=$1
	shift
	e2e_tmux send-keys -t "$s" "$@"
}

# send_text SESSION TEXT: type TEXT literally.
send_text() {
	e2e_tmux send-keys -t "$1" -l -- "$2"
}

# pane_dead SESSION: 1 when the command in the pane has exited, 0 if alive.
pane_dead() {
	if [ -e "$E2E_TMP/$1.status" ]; then
		echo 1
	else
		e2e_tmux list-panes -t "$1" -F '#{pane_dead}' 2>/dev/null | head -n1
	fi
}

# pane_status SESSION: the exit status of the pane's command once it exited.
pane_status() {
	if [ -e "$E2E_TMP/$1.status" ]; then
		cat "$E2E_TMP/$1.status"
	else
		e2e_tmux list-panes -t "$1" -F '#{pane_dead_status}' 2>/dev/null | head -n1
	fi
}

# pane_signal SESSION: " signal N" when the pane's command died of a signal.
pane_signal() {
	local sig
	sig=$(e2e_tmux list-panes -t "$1" -F '#{pane_dead_signal}' 2>/dev/null | head -n1)
	[ -n "$sig" ] && [ "$sig" != 0 ] && echo " signal $sig"
	return 0
}

pane_is_dead() {
	[ -e "$E2E_TMP/$1.status" ]
}

# wait_exit SESSION TIMEOUT: wait until the pane's command has exited.
wait_exit() {
	wait_until "${2:-10}" pane_is_dead "$1"
}

# kill_tui SESSION
kill_tui() {
	e2e_tmux kill-session -t "$1" >/dev/null 2>&1
	return 0
}

# assert_screen SESSION REGEX TIMEOUT DESC: ok when the screen shows REGEX
# within TIMEOUT; otherwise not ok and the screen as diagnostics.
assert_screen() {
	if wait_screen "$1" "$2" "$3"; then
		ok "$4"
	else
		not_ok "$4"
		diag "screen did not match /$2/ within $3s"
		dump_screen "$1"
		return 1
	fi
}

# assert_screen_gone SESSION REGEX TIMEOUT DESC: ok when REGEX leaves the screen.
assert_screen_gone() {
	if wait_screen_gone "$1" "$2" "$3"; then
		ok "$4"
	else
		not_ok "$4"
		diag "screen still matches /$2/ after $3s"
		dump_screen "$1"
		return 1
	fi
}

# assert_screen_lacks SESSION REGEX DESC: ok when the screen does not show
# REGEX right now.
assert_screen_lacks() {
	if screen_lacks "$1" "$2"; then
		ok "$3"
	else
		not_ok "$3"
		diag "screen unexpectedly matches /$2/"
		dump_screen "$1"
		return 1
	fi
}

# assert_alive SESSION DESC: the program in the pane has not exited.
assert_alive() {
	if [ "$(pane_dead "$1")" = 0 ]; then
		ok "$2"
	else
		not_ok "$2"
		diag "pane dead: '$(pane_dead "$1")' status: '$(pane_status "$1")'$(pane_signal "$1")"
		dump_screen "$1"
		return 1
	fi
}

# assert_exit SESSION STATUS TIMEOUT DESC: the pane's command exited with STATUS.
assert_exit() {
	if wait_exit "$1" "$3" && [ "$(pane_status "$1")" = "$2" ]; then
		ok "$4"
	else
		not_ok "$4"
		diag "pane dead: '$(pane_dead "$1")' status: '$(pane_status "$1")'$(pane_signal "$1") (want $2)"
		dump_screen "$1"
		return 1
	fi
}

# need_pagetty: bail out when the binary has not been built.
need_pagetty() {
	[ -x "$PAGETTY" ] || bail "pagetty is built ($PAGETTY)"
}

# start_garbage MODE: tests/e2e/garbage_server.py on a free port, answering
# every request badly (see its modes). Sets GARBAGE_URL, GARBAGE_PID.
start_garbage() {
	local port log
	port=$(free_port) || return 1
	log="$E2E_TMP/garbage-$1-$port.log"
	e2e_spawn "garbage server ($1)" "$log" python3 -u \
		"$E2E_ROOT/tests/e2e/garbage_server.py" "$1" "$port"
	GARBAGE_PID=$E2E_LAST_PID GARBAGE_URL="http://127.0.0.1:$port"
	if ! wait_until 10 grep -qs '^ready' "$log"; then
		echo "# garbage server ($1) did not start"
		diag_file "$log"
		return 1
	fi
}

# write_config FILE NAME URL [PEER...]: a pagetty config with one
# Alertmanager cluster and the e2e runbooks.
write_config() {
	local file=$1 name=$2 url=$3 peers="" p
	shift 3
	for p in "$@"; do
		peers+="${peers:+, }\"$p\""
	done
	{
		echo "refresh: ${E2E_REFRESH:-2s}"
		echo "alertmanagers:"
		echo "  - name: $name"
		echo "    url: \"$url\""
		[ -n "$peers" ] && echo "    peers: [$peers]"
		echo "runbooks:"
		echo "  dirs: [\"$E2E_ROOT/tests/e2e/runbooks\"]"
	} >"$file"
}

# assert_screen_never SESSION REGEX SECONDS DESC: ok when REGEX never shows
# during the next SECONDS (polled every 0.2s).
assert_screen_never() {
	local deadline
	deadline=$(($(date +%s) + $3))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		if screen_matches "$1" "$2"; then
			not_ok "$4"
			diag "screen showed /$2/"
			dump_screen "$1"
			return 1
		fi
		sleep 0.2
	done
	ok "$4"
}

# screen_row SESSION REGEX: the screen lines that match REGEX.
screen_row() {
	screen "$1" | grep -E -- "$2"
}

# row_matches SESSION ROW_REGEX CUE_REGEX: a line that matches ROW_REGEX
# also matches CUE_REGEX (e.g. an alert's row shows it is silenced).
row_matches() {
	screen_row "$1" "$2" | grep -Eq -- "$3"
}

# assert_row SESSION ROW_REGEX CUE_REGEX TIMEOUT DESC
assert_row() {
	if wait_until "$4" row_matches "$1" "$2" "$3"; then
		ok "$5"
	else
		not_ok "$5"
		diag "no line matching /$2/ also matched /$3/ within $4s"
		dump_screen "$1"
		return 1
	fi
}

# assert_screen_always SESSION REGEX SECONDS DESC: ok when every look at the
# screen during the next SECONDS matches REGEX (it stays on screen).
assert_screen_always() {
	local deadline
	deadline=$(($(date +%s) + $3))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		if ! screen_matches "$1" "$2"; then
			not_ok "$4"
			diag "screen stopped showing /$2/"
			dump_screen "$1"
			return 1
		fi
		sleep 0.2
	done
	ok "$4"
}
