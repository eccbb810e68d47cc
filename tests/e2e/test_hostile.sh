#!/usr/bin/env bash
# tests/e2e/test_hostile.sh: alerts whose labels and annotations hold
# terminal escapes (ESC "[2J" clears a screen), a carriage return and a shell
# command substitution. pagetty shows them escaped ("\e[2J", "\r"), the rest
# of the screen stays intact, and nothing ever runs the value: the canary file
# is never created, not by the console, not after Enter on the alert, not by
# the one-shot "pagetty alerts".
. "$(dirname "$0")/lib.sh"

# Expected UI cues (ERE); adjust here when the console's wording settles.
HEADER_RE='pagetty'
FILTER_KEY='/'
SIZE=100x30

need_pagetty
canary="/tmp/pwned-e2e-$$"
rm -f "$canary"
canary_absent() {
	if [ -e "$canary" ]; then
		not_ok "$1: the canary $canary does not exist"
		rm -f "$canary"
	else
		ok "$1: the canary $canary does not exist"
	fi
}

start_stack

# Through the real rule path: a pushed series whose label value is hostile.
evil=$(printf 'a\033[2Jb\rc$(touch %s)' "$canary")
push_metric hostile "e2e_hostile{service=\"hostile\",evil=\"$evil\"} 1" ||
	bail "push the hostile metric"
push_metric e2e 'e2e_errors_total{service="checkout"} 1' || bail "push the checkout metric"

# Straight to the AM API, where JSON escapes carry any byte: ESC in the
# alertname, an OSC title sequence, a backspace, bidi override.
post_alerts "$AM1_URL" "[{
  \"labels\": {\"alertname\": \"E2EHostile\\u001b[2JPosted\", \"severity\": \"page\",
    \"service\": \"hostile\", \"evil\": \"\\u001b[2J\\r\$(touch $canary)\"},
  \"annotations\": {\"summary\": \"sum\\u001b[2J\\rmary \$(touch $canary) \\u001b]0;owned\\u0007 \\u202eevil\",
    \"runbook_url\": \"\$(touch $canary)\",
    \"description\": \"\`touch $canary\`\\b\\u0000end\"}
}]" || bail "post the hostile alert to the AM API"
wait_alert E2EHostile "$AM1_URL" 60 || bail "the rule's hostile alert reaches the alertmanager"
wait_alert E2ECheckoutErrors "$AM1_URL" 60 || bail "E2ECheckoutErrors reaches the alertmanager"

write_config "$E2E_TMP/config.yaml" e2e "$AM1_URL" "$AM2_URL"
s=hostile
start_tui "$s" "$SIZE" "$PAGETTY" --config "$E2E_TMP/config.yaml" || bail "tmux starts pagetty"
assert_screen "$s" 'E2ECheckoutErrors' 20 "console shows the ordinary alert" || e2e_stop
assert_screen "$s" 'E2EHostile\\e\[2J' 20 'the ESC in an alertname shows as "\e[2J"'
assert_screen "$s" "$HEADER_RE" 1 "the header survives (no screen clear)"
title=$(e2e_tmux display-message -p -t "$s" '#{pane_title}')
if grep -q owned <<<"$title"; then
	not_ok "no OSC sequence reached the terminal (pane title unchanged)"
	diag "pane title: $title"
else
	ok "no OSC sequence reached the terminal (pane title unchanged)"
fi
sleep 3 # a few refreshes
assert_screen "$s" "$HEADER_RE" 1 "the header survives refreshes"
assert_screen "$s" 'E2ECheckoutErrors' 1 "other alerts still shown after refreshes"
canary_absent "console"

# Select the hostile alert with a filter, open it, come back.
send "$s" "$FILTER_KEY"
sleep 0.3
send_text "$s" 'service="hostile"'
send "$s" Enter
assert_screen_gone "$s" 'E2ECheckoutErrors' 10 "the filter selects the hostile alerts"
send "$s" Enter
sleep 2
assert_alive "$s" "Enter on the hostile alert does not crash"
assert_screen "$s" "$HEADER_RE" 5 "after Enter the header is intact (no screen clear)"
if screen "$s" | grep -q "$(printf '\r')"; then
	not_ok "no raw carriage return on screen"
else
	ok "no raw carriage return on screen"
fi
canary_absent "after Enter"
send "$s" Escape
sleep 0.5
send "$s" Escape
send "$s" q
assert_exit "$s" 0 10 "q exits 0"

# The one-shot table: escaped, no raw control bytes.
out=$(timeout 30 "$PAGETTY" --config "$E2E_TMP/config.yaml" alerts 2>&1)
rc=$?
assert_eq "pagetty alerts exits 0" 0 "$rc"
if grep -q 'E2EHostile\\e\[2J' <<<"$out"; then
	ok "pagetty alerts prints the ESC as \\e"
else
	not_ok "pagetty alerts prints the ESC as \\e"
	diag "$out"
fi
if LC_ALL=C grep -q '[[:cntrl:]]' <<<"$(tr -d '\n\t' <<<"$out")"; then
	not_ok "pagetty alerts prints no raw control bytes"
	diag "$(cat -v <<<"$out")"
else
	ok "pagetty alerts prints no raw control bytes"
fi
canary_absent "pagetty alerts"

# JSON keeps the exact bytes (escaped by JSON, not altered).
json=$(timeout 30 "$PAGETTY" --config "$E2E_TMP/config.yaml" alerts --json 2>/dev/null)
if python3 -c '
import json, sys
a = json.loads(sys.stdin.read())
want = "\x1b[2J\r$(touch " + sys.argv[1] + ")"
h = [x for x in a if x["labels"].get("alertname") == "E2EHostile\x1b[2JPosted"]
assert h and h[0]["labels"]["evil"] == want, h
r = [x for x in a if x["labels"].get("alertname") == "E2EHostile"]
assert r and r[0]["labels"]["evil"] == sys.argv[2], r
' "$canary" "$evil" <<<"$json"; then
	ok "pagetty alerts --json keeps hostile values exactly, as valid JSON"
else
	not_ok "pagetty alerts --json keeps hostile values exactly, as valid JSON"
	diag "$(head -c 2000 <<<"$json" | cat -v)"
fi
canary_absent "pagetty alerts --json"

e2e_done
