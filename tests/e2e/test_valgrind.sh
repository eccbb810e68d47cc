#!/usr/bin/env bash
# tests/e2e/test_valgrind.sh: pagetty under valgrind (memcheck), driven through
# tmux like a user would (issue 6, item 2). Two sessions:
#  - --demo: views 1-4, filter, open a runbook, run a step (the scenario
#    answers), help, silence overlay, quit;
#  - a real Alertmanager pair: filter, open the runbook, run a real step,
#    silence (amtool sees it), help, quit.
# Each session must exit 0 with valgrind reporting zero errors and no
# definitely lost bytes (--errors-for-leak-kinds=definite, exit 99 on error).
. "$(dirname "$0")/lib.sh"

SIZE=120x35
# valgrind is ~20-50x slower: every wait here is generous.
T=40

need_pagetty
command -v valgrind >/dev/null || bail "valgrind is installed"

# vg_run SESSION ARGS...: pagetty under valgrind in a tmux session; the
# report goes to $E2E_TMP/SESSION.vg.
vg_run() {
	local s=$1
	shift
	start_tui "$s" "$SIZE" valgrind --leak-check=full --error-exitcode=99 \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite \
		--num-callers=30 --log-file="$E2E_TMP/$s.vg" "$PAGETTY" "$@"
}

# vg_verdict SESSION DESC: the pane exited 0 and valgrind's report shows no
# error and nothing definitely lost.
vg_verdict() {
	local s=$1 st summary lost
	if ! wait_exit "$s" 60; then
		not_ok "$s: pagetty exits under valgrind"
		dump_screen "$s"
		return 1
	fi
	st=$(pane_status "$s")
	summary=$(grep -E 'ERROR SUMMARY:' "$E2E_TMP/$s.vg" | tail -n1)
	lost=$(grep -E 'definitely lost:' "$E2E_TMP/$s.vg" | tail -n1)
	if [ "$st" = 0 ] && grep -q 'ERROR SUMMARY: 0 errors' <<<"$summary" &&
		{ [ -z "$lost" ] || grep -q 'definitely lost: 0 bytes' <<<"$lost"; } &&
		grep -q 'All heap blocks were freed\|LEAK SUMMARY' "$E2E_TMP/$s.vg"; then
		ok "$s: valgrind: zero errors, no definite leaks, exit 0"
		diag "${summary#==*== }" "${lost:+${lost#==*== }}"
	else
		not_ok "$s: valgrind: zero errors, no definite leaks, exit 0"
		diag "exit status: $st"
		diag_file "$E2E_TMP/$s.vg" 80
		return 1
	fi
}

# ------------------------------------------------------------ demo
s=vgdemo
vg_run "$s" --demo || bail "tmux starts pagetty under valgrind"
assert_screen "$s" 'CheckoutHighErrorRate' "$T" "$s: the demo alerts show under valgrind" || e2e_stop
send "$s" 2
assert_screen "$s" '[Bb]udget|SLO' "$T" "$s: 2 shows the SLO view"
send "$s" 3
sleep 2
send "$s" 4
sleep 2
send "$s" 1
assert_screen "$s" 'CheckoutHighErrorRate' "$T" "$s: 1 is back on the alerts"
send "$s" /
sleep 1
send_text "$s" 'service="checkout"'
send "$s" Enter
assert_screen_gone "$s" 'PaymentsDatabaseReplicationLag' "$T" "$s: the filter hides other services"
send "$s" Enter
assert_screen "$s" 'Runbook for CheckoutHighErrorRate' "$T" "$s: Enter opens the runbook"
send "$s" Tab
sleep 1
send "$s" x
assert_screen "$s" 'ok exit 0 .*simulated' "$T" "$s: x runs a step (the scenario's canned answer)"
send "$s" '?'
assert_screen "$s" 'Help: keys and :commands' "$T" "$s: ? shows help"
send "$s" Escape
sleep 1
send "$s" Escape
sleep 1
send "$s" s
assert_screen "$s" 'Silence [A-Z]' "$T" "$s: s opens the silence overlay"
send "$s" Escape
sleep 1
send "$s" Escape
sleep 1
send "$s" q
vg_verdict "$s"

# ------------------------------------------------------------ real Alertmanager
start_alertmanager_pair || bail "start the alertmanager pair"
post_alerts "$AM1_URL" '[{"labels": {"alertname": "E2ECheckoutErrors", "severity": "page", "service": "checkout"},
  "annotations": {"summary": "valgrind e2e"}},
 {"labels": {"alertname": "E2ESearchLatency", "severity": "warning", "service": "search"},
  "annotations": {"summary": "valgrind e2e"}}]' || bail "post the alerts"
wait_alert E2ECheckoutErrors "$AM1_URL" 30 || bail "the alerts reach the alertmanager"
E2E_REFRESH=3s write_config "$E2E_TMP/config.yaml" e2e "$AM1_URL" "$AM2_URL"
cat >>"$E2E_TMP/config.yaml" <<CONF
exec:
  shell: /bin/sh
  timeout: 30s
timeline:
  dir: "$E2E_TMP/incidents"
CONF

s=vgam
vg_run "$s" --config "$E2E_TMP/config.yaml" || bail "tmux starts pagetty under valgrind"
assert_screen "$s" 'E2ECheckoutErrors' "$T" "$s: the real alerts show under valgrind" || e2e_stop
assert_screen "$s" 'E2ESearchLatency' "$T" "$s: both alerts show"
send "$s" /
sleep 1
send_text "$s" 'alertname="E2ECheckoutErrors"'
send "$s" Enter
assert_screen_gone "$s" 'E2ESearchLatency' "$T" "$s: the matcher filter hides the other alert"
send "$s" Enter
assert_screen "$s" 'Runbook for E2ECheckoutErrors' "$T" "$s: Enter opens the runbook"
send "$s" Tab
sleep 1
send "$s" Tab
sleep 1
send "$s" x
assert_screen "$s" 'service=checkout' "$T" "$s: x runs the triage step for real (output shown)"
assert_screen "$s" 'ok exit 0' "$T" "$s: the step exits 0"
send "$s" '?'
assert_screen "$s" 'Help: keys and :commands' "$T" "$s: ? shows help"
send "$s" Escape
sleep 1
send "$s" Escape
sleep 1
send "$s" s
assert_screen "$s" 'Silence [A-Z]' "$T" "$s: s opens the silence overlay"
send "$s" Tab
send_text "$s" 'valgrind e2e silence'
send "$s" Enter
if wait_until "$T" sh -c "'$AMTOOL_BIN' --alertmanager.url='$AM1_URL' silence query -q | grep -q ."; then
	ok "$s: the silence is created (amtool sees it)"
else
	not_ok "$s: the silence is created (amtool sees it)"
	dump_screen "$s"
fi
send "$s" Escape
sleep 1
send "$s" Escape
sleep 1
send "$s" q
vg_verdict "$s"

e2e_done
