#!/usr/bin/env bash
# tests/e2e/test_drill.sh: `pagetty drill` in tmux, no servers. Plays the
# shipped service-restart drill at high speed: DRILL in the header on every
# frame, open the runbook, run a triage step (its canned output shows), run
# the mitigation (both alerts resolve), the scorecard appears by itself,
# q quits, and the report's JSON and markdown hold the expected fields.
# Then a drill whose runbook step would create a canary file: it shows
# "(no output in this drill)" and the file never exists; q before the end
# shows the scorecard first, and the next q quits. A bad scenario exits 2
# with file:line:col.
. "$(dirname "$0")/lib.sh"

SIZE=160x50
need_pagetty
canary="/tmp/pwned-drill-$$"
rm -f "$canary"

# ---- a bad scenario: exit 2, message with file:line:col
printf 'name: x\nalerts:\n  - name: A\n    colour: red\n' >"$E2E_TMP/bad.yaml"
out=$("$PAGETTY" drill "$E2E_TMP/bad.yaml" 2>&1)
rc=$?
assert_eq "a bad scenario exits 2" 2 "$rc"
assert_eq "and says file:line:col" \
	"pagetty: $E2E_TMP/bad.yaml:4:5: alert: unknown key \"colour\"" "$out"

"$PAGETTY" drill examples/drills/demo.yaml --report "$E2E_TMP/nope/r.json" >/dev/null 2>&1
assert_eq "a --report in a missing directory is refused before the drill starts" 2 "$?"

# ---- the shipped service-restart drill
report="$E2E_TMP/report.json"
start_tui d1 "$SIZE" "$PAGETTY" drill examples/drills/service-restart.yaml --speed 60 \
	--report "$report" || bail "start the drill"
assert_screen d1 '^pagetty +DRILL ' 10 "the header says DRILL" || e2e_stop
assert_screen d1 'InventoryServiceDown' 10 "the drill's first alert is listed" || e2e_stop
assert_screen d1 'CheckoutHighErrorRate' 10 "the second alert fires 2 drill-minutes in (2 s at 60x)"
assert_screen_always d1 '^pagetty +DRILL ' 2 "DRILL stays in the header on every frame"
assert_screen_lacks d1 'DEMO' "the header never says DEMO in a drill"

# Pick the inventory alert with the filter, open its runbook.
send d1 /
send_text d1 'alertname="InventoryServiceDown"'
send d1 Enter
assert_screen_gone d1 'CheckoutHighErrorRate' 5 "the filter leaves the inventory alert"
send d1 Enter
assert_screen d1 'Runbook for InventoryServiceDown' 5 "Enter opens the drill alert's runbook" ||
	e2e_stop
assert_screen_always d1 '^pagetty +DRILL ' 1 "DRILL in the header over the runbook"

# j j j: past the meaning paragraph and the verify step to triage step 1; x runs it.
send d1 j j j
assert_row d1 '^▶ \[ \] 1\. Which pods are not ready' '.' 5 "triage step 1 is selected" ||
	e2e_stop
send d1 x
assert_screen d1 'inventory-api-6c9d7f5b4-8hq2m +0/1' 5 "the triage step shows its canned output"

# Tab to the mitigations; x runs the reversible restart (no confirmation).
send d1 Tab
assert_row d1 '^▶ \[ \] 1\. \[reversible\] Restart the deployment' '.' 5 \
	"Tab selects the first mitigation" || e2e_stop
send d1 x
assert_screen d1 'successfully rolled out' 10 "the mitigation shows its canned output"
assert_screen d1 '0 alerts' 10 "both alerts resolve after the mitigation"
assert_screen d1 'DRILL SCORECARD' 10 "the scorecard appears when the drill is over"
assert_screen d1 'Triage steps before mitigating +1' 2 "the scorecard counts the triage step"
assert_screen d1 'Mitigations run +1, in reversibility order' 2 \
	"the scorecard says the mitigations were in order"
send d1 q
assert_exit d1 0 10 "q on the scorecard quits with 0"

if [ -f "$report" ] && python3 - "$report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
want = {"drill": "service-restart", "triage_before_mitigation": 1, "mitigations": 1,
        "mitigations_in_reversibility_order": True, "escalated": False,
        "escalation_deadline_s": 600, "escalated_before_deadline": False,
        "silences_created": 0, "commands_run": 2, "resolved": True}
bad = {k: (r.get(k), v) for k, v in want.items() if r.get(k) != v}
for k in ("time_to_runbook_s", "time_to_resolve_s", "elapsed_s"):
    if not isinstance(r.get(k), (int, float)) or r[k] < 0:
        bad[k] = (r.get(k), "a number >= 0")
if r["time_to_resolve_s"] < r["time_to_runbook_s"]:
    bad["order"] = "resolved before the runbook was opened"
print("\n".join("# %s: got %r want %r" % (k, *v) if isinstance(v, tuple) else "# " + v
                for k, v in bad.items()))
sys.exit(1 if bad else 0)
PY
then
	ok "the JSON report holds the scorecard fields"
else
	not_ok "the JSON report holds the scorecard fields"
	diag_file "$report" 30
fi
md="${report%.json}.md"
check "the markdown report has the scorecard and the timeline" \
	grep -q '^| .* | step run | InventoryServiceDown | Which pods are not ready' "$md"

# ---- nothing is ever executed
mkdir -p "$E2E_TMP/canary"
cat >"$E2E_TMP/canary/DrillCanary.md" <<MD
# Runbook: DrillCanary

## What this alert means
A test alert for drills.

## Initial triage
1. Create the canary (it must never exist).
   \`\`\`sh
   touch $canary
   \`\`\`

## Mitigations
1. [reversible] Nothing.
   \`\`\`sh
   touch $canary.2
   \`\`\`
   Rollback: none needed

## When to escalate
- If it fires after 5 minutes, page the test on-call.
MD
cat >"$E2E_TMP/canary/canary.yaml" <<YAML
name: canary
duration: 1h
speed: 1
alerts:
  - name: DrillCanary
    labels: {severity: critical}
    annotations: {runbook_url: DrillCanary.md}
    fire_at: 0s
YAML
start_tui d2 "$SIZE" "$PAGETTY" drill "$E2E_TMP/canary/canary.yaml" || bail "start the canary drill"
assert_screen d2 'DrillCanary' 10 "the canary drill's alert is listed" || e2e_stop
send d2 Enter
assert_screen d2 'Runbook for DrillCanary' 5 "its runbook opens from beside the scenario" ||
	e2e_stop
send d2 j
assert_row d2 '^▶ \[ \] 1\. Create the canary' '.' 5 "the canary step is selected"
send d2 x
assert_screen d2 '\(no output in this drill\)' 5 \
	"a command with no canned answer shows (no output in this drill)"
sleep 0.5
if [ -e "$canary" ]; then
	not_ok "the canary command was not executed"
	rm -f "$canary"
else
	ok "the canary command was not executed"
fi
send d2 Escape
assert_screen d2 'DrillCanary \(1\)' 5 "Esc goes back to the alerts"
send d2 q
assert_screen d2 'DRILL SCORECARD' 5 "q before the end shows the scorecard first"
assert_alive d2 "and pagetty is still running"
send d2 q
assert_exit d2 0 10 "the second q quits"
rm -f "$canary" "$canary.2"

e2e_done
