#!/usr/bin/env bash
# tests/e2e/test_console.sh: the console against the real stack, driven
# through tmux like a user would: alerts from real rules appear, matcher and
# plain-text filters, Enter opens the runbook, s silences (amtool sees it),
# silences made elsewhere show, one dead peer changes nothing, two dead peers
# mark the cluster STALE with a reason while the alerts stay on screen.
. "$(dirname "$0")/lib.sh"

# Expected UI cues (ERE); adjust here when the console's wording settles.
HEADER_RE='pagetty'
STALE_RE='STALE'
STALE_REASON_RE='[Cc]onnection refused|[Cc]ouldn.t connect|refused'
FILTER_KEY='/'
FILTER_PROMPT_RE='^ *[/]|[^[:alnum:]]/ *$'
RUNBOOK_RE='Runbook: E2ECheckoutErrors|What this alert means|[Tt]riage'
SILENCE_KEY='s'
SILENCE_OVERLAY_RE='Silence'
SILENCE_COMMENT='e2e console silence'
SILENCE_TO_COMMENT='Tab'      # keys from the overlay's first field (duration) to the comment
SILENCED_RE='[Ss]ilenced|SILENCED|[Mm]uted|MUTED'
REFRESH_KEY='R'
SIZE=100x30

need_pagetty
start_stack
push_metric e2e 'e2e_errors_total{service="checkout"} 5
e2e_latency_seconds{service="search"} 3' || bail "push metrics"
for a in E2ECheckoutErrors E2ESearchLatency; do
	wait_alert "$a" "$AM1_URL" 60 && wait_alert "$a" "$AM2_URL" 30 ||
		bail "$a reaches both peers"
done

E2E_REFRESH=2s write_config "$E2E_TMP/config.yaml" e2e "$AM1_URL" "$AM2_URL"
s=console
start_tui "$s" "$SIZE" "$PAGETTY" --config "$E2E_TMP/config.yaml" || bail "tmux starts pagetty"
assert_screen "$s" "$HEADER_RE" 10 "the header shows pagetty"
assert_screen "$s" 'E2ECheckoutErrors' 20 "the page alert from the real rule is on screen" ||
	e2e_stop
assert_screen "$s" 'E2ESearchLatency' 5 "the warning alert is on screen"
assert_screen_lacks "$s" "$STALE_RE" "nothing is STALE with both peers up"

# Matcher filter.
send "$s" "$FILTER_KEY"
assert_screen "$s" "$FILTER_PROMPT_RE" 3 "/ opens the filter prompt"
send_text "$s" 'service="checkout"'
send "$s" Enter
assert_screen_gone "$s" 'E2ESearchLatency' 5 'filter service="checkout" hides the search alert'
assert_screen "$s" 'E2ECheckoutErrors' 1 'filter service="checkout" keeps the checkout alert'
send "$s" Escape
assert_screen "$s" 'E2ESearchLatency' 5 "Esc clears the filter"

# Plain-text filter.
send "$s" "$FILTER_KEY"
sleep 0.3
send_text "$s" 'E2ESearch'
send "$s" Enter
assert_screen_gone "$s" 'E2ECheckoutErrors' 5 "plain-text filter hides the checkout alert"
assert_screen "$s" 'E2ESearchLatency' 1 "plain-text filter keeps the matching alert"
send "$s" Escape
assert_screen "$s" 'E2ECheckoutErrors' 5 "Esc clears the plain-text filter"

# Runbook: select the checkout alert (filter), Enter, Esc back.
send "$s" "$FILTER_KEY"
sleep 0.3
send_text "$s" 'alertname="E2ECheckoutErrors"'
send "$s" Enter
assert_screen_gone "$s" 'E2ESearchLatency' 5 "filter on alertname selects the checkout alert"
send "$s" Enter
assert_screen "$s" "$RUNBOOK_RE" 10 "Enter shows the alert's runbook"
assert_screen "$s" 'Turn off the new cart flag|error counter above zero' 5 "the runbook's own text is shown"
send "$s" Escape
assert_screen_gone "$s" "$RUNBOOK_RE" 5 "Esc leaves the runbook"
assert_screen "$s" 'E2ECheckoutErrors' 5 "back on the alert list"

# Silence the selected (checkout) alert from the overlay.
send "$s" "$SILENCE_KEY"
assert_screen "$s" "$SILENCE_OVERLAY_RE" 5 "s opens the silence overlay"
send "$s" $SILENCE_TO_COMMENT
send_text "$s" "$SILENCE_COMMENT"
send "$s" Enter
silence_json() {
	amtool silence query -o json 2>/dev/null
}
has_checkout_silence() {
	silence_json | python3 -c '
import json, sys
for x in json.load(sys.stdin):
    m = {(y["name"], y["value"]) for y in x["matchers"]}
    if ("alertname", "E2ECheckoutErrors") in m and x["status"]["state"] == "active":
        sys.exit(0)
sys.exit(1)'
}
if wait_until 10 has_checkout_silence; then
	ok "confirming the overlay creates a silence (amtool silence query)"
else
	not_ok "confirming the overlay creates a silence (amtool silence query)"
	diag "$(amtool silence query 2>&1)"
	dump_screen "$s"
fi
if silence_json | grep -q "$SILENCE_COMMENT"; then
	ok "the silence carries the typed comment"
else
	not_ok "the silence carries the typed comment"
	diag "$(amtool silence query 2>&1)"
fi
send "$s" Escape # whatever is left open
sleep 0.3
send "$s" Escape # and the filter
send "$s" "$REFRESH_KEY"
# Alerts are grouped by name: the alert's own row is the one with its summary.
assert_row "$s" 'Checkout is failing' "$SILENCED_RE" 15 "after refresh the checkout alert shows as silenced"

# A silence made elsewhere (amtool) shows too.
amtool silence add --duration=1h --author=e2e --comment="amtool e2e" \
	alertname=E2ESearchLatency >/dev/null || not_ok "amtool silence add"
send "$s" "$REFRESH_KEY"
assert_row "$s" 'Search is slow' "$SILENCED_RE" 15 "an amtool silence shows as silenced"

# One peer down (the configured url, so failover is exercised): no STALE.
stop_pid "$AM1_PID"
send "$s" "$REFRESH_KEY"
assert_screen_never "$s" "$STALE_RE" 8 "one dead peer: the cluster is not STALE"
assert_screen "$s" 'E2ECheckoutErrors' 1 "one dead peer: alerts stay on screen"
assert_screen "$s" 'E2ESearchLatency' 1 "one dead peer: all alerts stay on screen"

# Both down: STALE with a reason, last good data kept.
stop_pid "$AM2_PID"
send "$s" "$REFRESH_KEY"
assert_screen "$s" "$STALE_RE" 30 "both peers dead: the cluster is STALE"
assert_screen "$s" "$STALE_REASON_RE" 10 "STALE says why (connection refused)"
assert_screen "$s" 'E2ECheckoutErrors' 1 "both peers dead: the last alerts stay on screen"
assert_alive "$s" "still running with every source down"

send "$s" q
assert_exit "$s" 0 10 "q exits 0"

e2e_done
