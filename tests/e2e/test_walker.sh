#!/usr/bin/env bash
# tests/e2e/test_walker.sh: the runbook walker against a real Alertmanager
# pair. An alert whose labels hold shell code ('; touch ...; ', $(touch ...),
# backticks) is opened; running its steps shows the values literally, from
# the environment and through {{ $labels.x }}, and the canary never exists.
# A promql {chart=15m} step draws a range chart. Ctrl-C cancels a long
# step (pagetty keeps running), a timeout=1s step shows it timed out,
# Space marks a step done and the heading's progress moves, a wrong typed
# name runs no irreversible step, and the timeline file holds
# the events. Then `pagetty --demo`: the firing alert's runbook answers a
# triage step and a confirmed mitigation from the demo's canned output
# (runbooks/demo-canned.yaml), line by line, with the exit status, and
# nothing is executed.
. "$(dirname "$0")/lib.sh"

SIZE=200x60

need_pagetty
canary="/tmp/pwned-walker-$$"
marker="$E2E_TMP/marker"
rm -f "$canary"

# ERE-escape a literal string.
ere() {
	sed -e 's/[][\.*^$(){}?+|/]/\\&/g' <<<"$1"
}

canary_absent() {
	if [ -e "$canary" ]; then
		not_ok "$1: the canary $canary does not exist"
		rm -f "$canary"
	else
		ok "$1: the canary $canary does not exist"
	fi
}

start_alertmanager_pair || bail "start the alertmanager pair"
start_pushgateway || bail "start the pushgateway"
start_prometheus || bail "start prometheus"
# The gauge the chart step draws, scraped for 10 s before it runs (so the
# range query's 7 s steps hold at least two points).
push_metric walker 'e2e_walker_gauge{service="walker"} 7' || bail "push the walker gauge"
gauge_scraped() {
	http_get "$PROM_URL/api/v1/query?query=count_over_time(e2e_walker_gauge%5B1m%5D)" |
		python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; sys.exit(0 if r and float(r[0]["value"][1]) >= 10 else 1)'
}
wait_until 30 gauge_scraped || bail "prometheus scrapes the walker gauge"

x1="'; touch $canary; '"
x2="\$(touch $canary)"
x3="\`touch $canary\`"
alert=$(python3 -c '
import json, sys
print(json.dumps([{"labels": {"alertname": "E2EWalker", "severity": "page",
    "service": "walker", "x1": sys.argv[1], "x2": sys.argv[2], "x3": sys.argv[3],
    "marker": sys.argv[4]},
  "annotations": {"summary": "walker e2e"}}]))' "$x1" "$x2" "$x3" "$marker")
post_alerts "$AM1_URL" "$alert" || bail "post the alert"
wait_alert E2EWalker "$AM1_URL" 30 || bail "the alert reaches the alertmanager"

write_config "$E2E_TMP/config.yaml" e2e "$AM1_URL" "$AM2_URL"
cat >>"$E2E_TMP/config.yaml" <<CONF
prometheus:
  - name: prom
    url: "$PROM_URL"
exec:
  shell: /bin/sh
  timeout: 20s
  output_limit: 64KiB
timeline:
  dir: "$E2E_TMP/incidents"
CONF

s=walker
start_tui "$s" "$SIZE" "$PAGETTY" --config "$E2E_TMP/config.yaml" || bail "tmux starts pagetty"
assert_screen "$s" 'E2EWalker' 20 "the console shows the alert" || e2e_stop
send "$s" Enter
assert_screen "$s" 'Runbook for E2EWalker' 10 "Enter opens the runbook" || e2e_stop
assert_screen "$s" 'Initial triage \(5 minutes\) 0/4' 5 "the triage heading shows its progress 0/4"

# A promql block: an instant query, its series as a table.
send "$s" Tab
sleep 0.2
send "$s" x
assert_screen "$s" "\{x=\"$(ere "$x2")\"\}  42" 10 "the promql step shows the series (hostile label as a PromQL string) and its value"

# A promql {chart=15m} block: a range query drawn as a chart (braille in a
# UTF-8 locale) with its time axis, the table of last values below.
send "$s" j
sleep 0.2
send "$s" x
assert_screen "$s" 'e2e_walker_gauge.*service="walker"\}  last 15m' 10 "the chart step's title names the series and the range 15m"
assert_screen "$s" '-15m .*-7m30s .*now' 5 "the chart's time axis spans -15m .. now"
# braille is U+2800..U+28FF: UTF-8 e2 a0..a3 xx (grep -E ranges over
# multibyte characters are not portable, so match the bytes)
braille_shown() {
	screen "$s" | LC_ALL=C grep -q $'\xe2[\xa0-\xa3]'
}
if wait_until 5 braille_shown; then
	ok "the chart draws its line in braille"
else
	not_ok "the chart draws its line in braille"
	dump_screen "$s"
fi
assert_screen "$s" 'service="walker"\}  7( |$)' 5 "the last value shows below the chart"

# Step 1: the environment.
send "$s" Tab
sleep 0.2
send "$s" x
assert_screen "$s" "env1=\[$(ere "$x1")\]" 10 "step 1 shows the first label literally (from the environment)"
assert_screen "$s" "env2=\[$(ere "$x2")\]" 2 "... the second (\$(...))"
assert_screen "$s" "env3=\[$(ere "$x3")\]" 2 "... the third (backticks)"
assert_screen "$s" 'ok exit 0' 5 "step 1 ends with exit 0"
canary_absent "after the environment step"

# Step 2: the template.
send "$s" j
sleep 0.2
send "$s" x
assert_screen "$s" "tpl1=\[$(ere "$x1")\]" 10 "step 2 shows the first label literally (through {{ \$labels.x1 }})"
assert_screen "$s" "tpl2=\[$(ere "$x2")\]" 2 "... the second inside double quotes"
assert_screen "$s" "tpl3=\[$(ere "$x3")\]" 2 "... the third"
canary_absent "after the template step"

# Space marks done; the heading's progress moves.
send "$s" Space
assert_screen "$s" 'Initial triage \(5 minutes\) 1/4' 5 "Space marks the step done: progress 1/4"
assert_screen "$s" '\[x\] 2\. Print the hostile labels through' 2 "the step's checkbox is ticked"

# Step 3: Ctrl-C cancels a long command; pagetty stays.
send "$s" j
sleep 0.2
send "$s" x
assert_screen "$s" 'running [0-9.]+s' 5 "step 3 shows a spinner while it runs"
assert_screen "$s" 'sleeping' 5 "step 3's output streams in while it runs"
send "$s" C-c
assert_screen "$s" 'cancelled after' 10 "Ctrl-C cancels the running step"
sleep 0.5
assert_alive "$s" "pagetty is still running after Ctrl-C"
if wait_until 5 sh -c '! pgrep -fx "sleep 30.123" >/dev/null'; then
	ok "the cancelled step's process group is gone"
else
	not_ok "the cancelled step's process group is gone"
	diag "$(pgrep -fa 'sleep 30.123')"
fi

# Step 4: timeout=1s kills it.
send "$s" j
sleep 0.2
send "$s" x
assert_screen "$s" 'timed out after' 10 "a timeout=1s step shows that it timed out"

# The irreversible mitigation: a wrong typed name runs nothing.
send "$s" Tab
sleep 0.2
send "$s" x
assert_screen "$s" 'IRREVERSIBLE: type E2EWalker' 5 "the irreversible step asks for the alertname"
send_text "$s" 'E2EWalkr'
send "$s" Enter
assert_screen "$s" 'not run: the typed name does not match' 5 "a wrong name is refused"
sleep 1
if [ -e "$marker" ]; then
	not_ok "the irreversible step did not run on a wrong name"
else
	ok "the irreversible step did not run on a wrong name"
fi
send "$s" x
assert_screen "$s" 'IRREVERSIBLE: type E2EWalker' 5 "asked again"
send_text "$s" 'E2EWalker'
send "$s" Enter
if wait_until 5 test -e "$marker"; then
	ok "the right name runs the irreversible step"
else
	not_ok "the right name runs the irreversible step"
	dump_screen "$s"
fi
canary_absent "after every step"

# The timeline: file and view.
tl=$(ls "$E2E_TMP"/incidents/*.jsonl 2>/dev/null | head -n1)
if [ -n "$tl" ] && python3 - "$tl" "$x1" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
names = [e["event"] for e in ev]
assert names[0] == "alert_opened", names
runs = [e for e in ev if e["event"] == "step_run"]
assert len(runs) >= 6, names
assert any(r.get("lang") == "promql" and r.get("exit") == 0 for r in runs), runs
assert any(r.get("cancelled") for r in runs), runs
assert any(r.get("timed_out") for r in runs), runs
assert any(sys.argv[2] in (r.get("output") or "") for r in runs), runs
assert "step_done" in names, names
PY
then
	ok "the timeline file holds alert_opened, the runs (cancelled, timed out) and step_done"
else
	not_ok "the timeline file holds alert_opened, the runs (cancelled, timed out) and step_done"
	diag "timeline: ${tl:-none}"
	[ -n "$tl" ] && diag_file "$tl"
fi
send "$s" 4
assert_screen "$s" 'step_run +cancelled' 5 "the Timeline view (4) lists the incident's events"

# q with nothing running quits at once; with a job running it asks.
send "$s" 1
sleep 0.3
send "$s" Enter
assert_screen "$s" 'Runbook for E2EWalker' 5 "the runbook opens again (session kept)"
assert_screen "$s" 'Initial triage \(5 minutes\) 1/4' 2 "progress is kept"
send "$s" Tab Tab
sleep 0.2
send "$s" j j
sleep 0.2
send "$s" x
assert_screen "$s" 'running [0-9.]+s' 5 "the long step runs again"
send "$s" Escape
sleep 0.3
send "$s" q
assert_screen "$s" 'still running: quit and end' 5 "q asks first while a command runs"
send "$s" y
if wait_exit "$s" 6; then
	ok "pagetty exits after y, ending the job"
else
	not_ok "pagetty exits after y, ending the job"
	dump_screen "$s"
fi
if wait_until 5 sh -c '! pgrep -fx "sleep 30.123" >/dev/null'; then
	ok "no step process is left after quitting"
else
	not_ok "no step process is left after quitting"
fi
canary_absent "at the end"

# ---- the demo: canned answers, nothing executed ----------------------------
# A PATH holding only a kubectl and a flagctl that would leave a trace:
# the demo must never run them.
trap_dir="$E2E_TMP/demo-bin"
mkdir -p "$trap_dir"
for t in kubectl flagctl; do
	printf '#!/bin/sh\ntouch %s\n' "$canary" >"$trap_dir/$t"
	chmod +x "$trap_dir/$t"
done
d=demo
start_tui "$d" "$SIZE" env PATH="$trap_dir:/usr/bin:/bin" "$PAGETTY" --demo ||
	bail "tmux starts pagetty --demo"
assert_screen "$d" 'CheckoutHighErrorRate \(1\)' 10 "demo: the firing checkout alert is listed first" || e2e_stop
send "$d" Enter
assert_screen "$d" 'Runbook for CheckoutHighErrorRate' 10 "demo: Enter opens the alert's shipped runbook"
# Triage step 1 (Tab twice: verify, then triage).
send "$d" Tab
sleep 0.2
send "$d" Tab
sleep 0.2
send "$d" x
assert_screen "$d" 'running [0-9.]+s.*get pods -l app=' 2 "demo: the triage step shows a spinner while its answer streams in"
assert_screen "$d" 'checkout-7d9f8c6b5-x2kqz +1/1 +Running' 5 "demo: the triage step shows the canned pod list"
assert_screen "$d" 'checkout-7d9f8c6b5-r5m7w +1/1 +Running' 5 "... all of it, line by line"
assert_screen "$d" 'ok exit 0  [0-9.]+s  simulated \$ kubectl -n "\$PAGETTY_LABEL_namespace" get pods' 5 \
	"demo: the triage step ends with exit 0, marked simulated"
# Mitigation 3 is [risky]: y/N first, then the canned rollout.
send "$d" Tab
sleep 0.2
send "$d" j j
sleep 0.2
send "$d" x
assert_screen "$d" 'Run \[risky\] Roll back to the previous revision' 5 "demo: the risky mitigation asks y/N"
send "$d" y
assert_screen "$d" 'deployment.apps/checkout rolled back' 8 "demo: the confirmed mitigation shows its canned output"
assert_screen "$d" 'deployment "checkout" successfully rolled out' 10 "... to the last line"
assert_screen "$d" 'ok exit 0  [0-9.]+s  simulated \$ kubectl -n "\$PAGETTY_LABEL_namespace" rollout undo' 5 \
	"demo: the mitigation ends with exit 0"
canary_absent "after the demo's steps (kubectl and flagctl were never run)"
send "$d" Escape
sleep 0.3
send "$d" q
assert_exit "$d" 0 5 "demo: q quits"
rm -f "$canary"
e2e_done
