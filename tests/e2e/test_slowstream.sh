#!/usr/bin/env bash
# tests/e2e/test_slowstream.sh: a real Alertmanager holding 2000 alerts (a
# few MB, hostile label values, long UTF-8) behind tests/e2e/slow_proxy.py,
# which forwards its answer in random 1..700-byte pieces over ~5 s, so
# pieces end inside strings, escapes and UTF-8 sequences. While a fetch is
# in flight the console answers j/k and / (the proxy's byte count proves
# the fetch was still running); the list equals what the Alertmanager holds
# and "pagetty alerts" through the proxy prints the table it prints
# directly; hostile values show escaped. When the proxy starts cutting the
# answer mid-body, the last good list stays on screen, marked STALE with
# the reason.
. "$(dirname "$0")/lib.sh"

N=2000
SIZE=120x30
SECONDS_PER_FETCH=5
STALE_REASON_RE='STALE.*reply cut short'
FFFD=$'\xef\xbf\xbd'
MODE=$E2E_TMP/proxy.mode
STATE=$E2E_TMP/proxy.state

need_pagetty
canary="/tmp/pwned-slowstream-$$"
rm -f "$canary"

start_alertmanager_pair || bail "alertmanager pair starts and clusters"
AM=$AM1_URL

# N alerts, posted straight to the API: escapes, a title OSC and shell
# metacharacters in labels and the summary; long UTF-8 in a label and the
# description (Alertmanager answers with the UTF-8 raw and control bytes as
# \u001b escapes).
alerts=$(python3 - "$N" "$canary" <<'PY'
import json, sys
n, canary = int(sys.argv[1]), sys.argv[2]
evil = "\x1b[2J\x1b]0;owned\x07$(touch %s)`touch %s`;|&>x\r\u202e" % (canary, canary)
out = [{
    "labels": {"alertname": "SlowAm%04d" % i,
               "severity": ("page", "warning", "info")[i % 3],
               "service": "svc%02d" % (i % 40), "instance": "host-%d:9100" % i,
               "evil": evil + str(i),
               "utf8": "\u00e9\u6f22\U0001f525\u0416\u05d0" * 20},
    "annotations": {
        "summary": "s%d \x1b[2J caf\u00e9 \u6f22\u5b57 \U0001f525 \"q\" b\\s $(touch %s)"
                   " \x1b]0;owned\x07" % (i, canary),
        "description": "\u00e9\u6f22\U0001f525\u0416 \\\"" * 60},
    "startsAt": "2000-01-01T00:00:00Z", "endsAt": "2099-01-01T00:00:00Z",
} for i in range(n)]
print(json.dumps(out, ensure_ascii=False))
PY
) || bail "generate the alerts"
post_alerts "$AM" "$alerts" || bail "post $N alerts to the alertmanager"
curl -fsS --max-time 10 "$AM/api/v2/alerts" >"$E2E_TMP/body.json" ||
	bail "GET /api/v2/alerts from the alertmanager"
BODY=$(wc -c <"$E2E_TMP/body.json")
want=$(python3 -c 'import json, sys; print(len(json.load(sys.stdin)))' <"$E2E_TMP/body.json")
assert_eq "the alertmanager holds all $N alerts" "$N" "$want" || e2e_stop
if [ "$BODY" -ge $((2 << 20)) ]; then
	ok "its answer is a few MB ($BODY bytes)"
else
	not_ok "its answer is a few MB ($BODY bytes)"
fi

# The proxy, paced so one fetch takes ~SECONDS_PER_FETCH (under the 10 s
# request timeout).
echo slow >"$MODE"
PORT=$(free_port) || bail "a free port"
e2e_spawn "slow proxy" "$E2E_TMP/proxy.log" python3 -u "$E2E_ROOT/tests/e2e/slow_proxy.py" \
	"$PORT" "${AM#http://127.0.0.1:}" --mode-file "$MODE" --state "$STATE" \
	--rate $((BODY / SECONDS_PER_FETCH)) --max-chunk 700 --lifetime 280
PROXY=http://127.0.0.1:$PORT
wait_until 10 grep -qs '^ready' "$E2E_TMP/proxy.log" || bail "the slow proxy starts"

# fetch_early: an alerts fetch is 64 KiB..1 MiB in; its number in SEQ.
fetch_early() {
	local sent
	read -r SEQ sent _ <"$STATE" && [ "$sent" -ge 65536 ] && [ "$sent" -le 1048576 ]
}
# in_flight SEQ: fetch SEQ is the latest and has not got the whole body.
in_flight() {
	local seq sent
	read -r seq sent _ <"$STATE" && [ "$seq" = "$1" ] && [ "$sent" -lt "$BODY" ]
}
# assert_in_flight SEQ DESC
assert_in_flight() {
	if in_flight "$1"; then
		ok "$2"
	else
		not_ok "$2"
		diag "proxy state (seq sent ...): $(cat "$STATE"); body $BODY bytes"
	fi
}
# wait_landed SEQ: fetch SEQ got its whole answer (the next one started).
wait_landed() {
	wait_until 30 in_flight $(($1 + 1)) || not_ok "fetch $1 lands and the next one starts"
}
# next_fetch: wait for the early part of a fetch; its number in seq.
next_fetch() {
	wait_until 30 fetch_early ||
		{ dump_screen "$s"; diag "proxy: $(cat "$STATE")"; bail "a fetch starts through the proxy"; }
	seq=$SEQ
}

E2E_REFRESH=1s write_config "$E2E_TMP/direct.yaml" am "$AM"
E2E_REFRESH=1s write_config "$E2E_TMP/proxy.yaml" am "$PROXY"

s=slow
start_tui "$s" "$SIZE" "$PAGETTY" --config "$E2E_TMP/proxy.yaml" || bail "tmux starts pagetty"
title0=$(e2e_tmux display-message -p -t "$s" '#{pane_title}')
assert_screen "$s" "· $N alerts · live" 30 "the first slow fetch shows all $N alerts" ||
	{ diag_file "$E2E_TMP/proxy.log"; e2e_stop; }
assert_screen "$s" '^pagetty +am ok' 1 "the source is ok"
read -r _ _ midutf8 midesc pieces <"$STATE"
if [ "$midutf8" -gt 0 ] && [ "$midesc" -gt 0 ]; then
	ok "the proxy split the answer inside UTF-8 ($midutf8) and escapes ($midesc) in $pieces pieces"
else
	not_ok "the proxy split the answer inside UTF-8 and escapes (state: $(cat "$STATE"))"
fi

# j/k during a fetch: the detail pane follows the selection.
next_fetch
send "$s" j j d
assert_screen "$s" '^ SlowAm0006  \[critical\]' 3 "j j moves the selection while fetch $seq is in flight"
send "$s" k
assert_screen "$s" '^ SlowAm0003  \[critical\]' 3 "k moves it back while fetch $seq is in flight"
assert_in_flight "$seq" "fetch $seq was still in flight when j and k were answered"
assert_screen "$s" 'evil=\\e\[2J\\e]0;owned\\x07\$\(touch [^)]*\)`touch [^`]*`;\|&>x\\r' 1 \
	"the detail shows the hostile label escaped"
assert_screen "$s" 'utf8=(é漢🔥Жא){10}' 1 "the detail shows the long UTF-8 label"
wait_landed "$seq"
assert_screen "$s" '^ SlowAm0003  \[critical\]' 2 "the selection stays on SlowAm0003 when fetch $seq lands"
send "$s" d

# Hostile values: shown escaped, the terminal untouched.
assert_screen "$s" 's0 \\e\[2J café 漢字 🔥 "q" b\\s \$\(touch' 2 'the summary shows ESC as "\e", UTF-8 intact'
assert_screen_lacks "$s" "$FFFD" "no U+FFFD: no UTF-8 sequence broke at a piece boundary"
assert_screen_lacks "$s" $'\e' "no raw ESC on screen"
assert_eq "row 1 is still the header (no screen clear)" 1 "$(screen "$s" | head -n1 | grep -c '^pagetty')"
assert_eq "the pane title is unchanged (no OSC reached the terminal)" "$title0" \
	"$(e2e_tmux display-message -p -t "$s" '#{pane_title}')"

# / during a fetch.
next_fetch
send "$s" /
sleep 0.3
send_text "$s" 'SlowAm1234'
send "$s" Enter
assert_screen_gone "$s" 'SlowAm0000' 3 "/ SlowAm1234 hides the other alerts while fetch $seq is in flight"
assert_screen "$s" '^▶ SlowAm1234 \(1\)' 1 "the filter keeps SlowAm1234"
assert_in_flight "$seq" "fetch $seq was still in flight when the filter applied"
wait_landed "$seq"
assert_screen "$s" "filter: SlowAm1234" 1 "the filter stays when fetch $seq lands"
assert_screen_lacks "$s" 'SlowAm0000' "the filtered list stays filtered after the fetch"
send "$s" Escape
assert_screen "$s" 'filter cleared' 3 "Esc clears the filter"

# The list is the Alertmanager's: count on screen, first and last row of
# the direct one-shot table, and the one-shot table through the proxy.
direct=$(timeout 30 "$PAGETTY" --config "$E2E_TMP/direct.yaml" alerts 2>&1)
assert_eq "pagetty alerts (direct) lists $N alerts" "$N" "$(($(wc -l <<<"$direct") - 1))"
slow=$(timeout 30 "$PAGETTY" --config "$E2E_TMP/proxy.yaml" alerts 2>&1)
rc=$?
assert_eq "pagetty alerts through the proxy exits 0" 0 "$rc"
if [ "$slow" = "$direct" ]; then
	ok "pagetty alerts through the proxy prints the same table as directly"
else
	not_ok "pagetty alerts through the proxy prints the same table as directly"
	diff <(echo "$direct") <(echo "$slow") | head -n 20 | cat -v | sed 's/^/# /'
fi
first=$(sed -n 2p <<<"$direct" | cut -d' ' -f1)
last=$(tail -n 1 <<<"$direct" | cut -d' ' -f1)
assert_screen "$s" "· $want alerts ·" 1 "the console counts the $want alerts the alertmanager holds"
send "$s" g
assert_screen "$s" "^▶ $first \(1\)" 3 "g shows the table's first row ($first)"
send "$s" G
assert_screen "$s" "^▶ $last \(1\)" 3 "G shows the table's last row ($last)"
send "$s" g
assert_screen "$s" 'SlowAm0000' 3 "g goes back to the top"

# The proxy cuts every answer mid-body: the last list stays, STALE, why.
echo cut >"$MODE"
assert_screen "$s" "$STALE_REASON_RE" 30 "a cut answer marks the source STALE with the reason"
assert_screen "$s" "· $N alerts · degraded" 1 "the last good $N alerts stay on screen"
assert_screen "$s" 'SlowAm0000' 1 "their rows stay on screen"
assert_screen_always "$s" "$STALE_REASON_RE" 4 "it stays STALE while the answers are cut"
cut=$(timeout 30 "$PAGETTY" --config "$E2E_TMP/proxy.yaml" alerts 2>&1)
rc=$?
assert_eq "pagetty alerts through the cutting proxy exits 1" 1 "$rc"
check "pagetty alerts says the answer was cut" grep -q 'reply cut short' <<<"$cut" ||
	diag "$(head -n 5 <<<"$cut")"
assert_alive "$s" "still running"
send "$s" q
assert_exit "$s" 0 10 "q exits 0"
if [ -e "$canary" ]; then
	not_ok "no hostile value ran (the canary $canary does not exist)"
	rm -f "$canary"
else
	ok "no hostile value ran (the canary $canary does not exist)"
fi

e2e_done
