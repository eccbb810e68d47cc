#!/usr/bin/env bash
# tests/e2e/test_small.sh: pagetty at the classic 80x24 (and 60x20), as it
# is used over SSH. What a user must see whole, not cut mid-word or pushed
# off the edge:
#   - `pagetty --demo`: the header's burning-SLO count and the footer's
#     keys; the SLO view's columns (left out whole when narrow, never cut),
#     its long names ending in an ellipsis and the selected SLO's detail
#     chart; the Signals charts with their thresholds (dashed line, value
#     red over it); the walker: the runbook's path and the alert's key
#     labels pinned, a canned step's status (exit, `simulated`) and output,
#     a confirmed mitigation's output shown without scrolling by hand, and
#     its Rollback lines and rollback run.
#   - a real Prometheus fed through a Pushgateway: charts with several
#     series (a legend of up to 4, "+N more", labels cut to their values
#     so they stay apart, each value red over the threshold), the legend on
#     its own row when the terminal is taller, an SLO's error and STALE in
#     place of its numbers when there is no room after them.
#   - the same demo at 60x20, the smallest size pagetty draws.
. "$(dirname "$0")/lib.sh"

need_pagetty
CHECK=$E2E_ROOT/tests/e2e/small_screen.py

# assert_check SESSION TIMEOUT DESC CHECK ARGS...: small_screen.py CHECK
# holds on the screen within TIMEOUT (colour checks read capture -e).
assert_check() {
	local s=$1 t=$2 desc=$3 why deadline
	shift 3
	deadline=$(($(date +%s) + t))
	while :; do
		if [ "$1" = colour ]; then
			why=$(e2e_tmux capture-pane -e -p -t "$s" | python3 "$CHECK" "$@") && break
		else
			why=$(screen "$s" | python3 "$CHECK" "$@") && break
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			not_ok "$desc"
			diag "$why"
			dump_screen "$s"
			return 1
		fi
		sleep 0.2
	done
	ok "$desc"
}

# ---- the demo at 80x24 -------------------------------------------------------
d=demo
# The shipped runbooks under a path too long for 80 columns, wherever the
# checkout lives, so the walker's title must cut it.
long="$E2E_TMP/a-directory-whose-name-is-long-enough/that-no-runbook-path-fits-in-80-columns"
mkdir -p "$long" && cp -r "$E2E_ROOT/runbooks" "$long/" || bail "copy the runbooks"
start_tui "$d" 80x24 "$PAGETTY" --demo --runbooks "$long/runbooks" ||
	bail "tmux starts pagetty --demo"
assert_screen "$d" 'CheckoutHighErrorRate \(1\)' 10 "80x24: the demo starts" || e2e_stop
assert_screen "$d" '^2 critical 3 warning 1 info · 6 alerts \(1 silenced\) · SLOs: 2 burning \(1 page\)$' 5 \
	"80x24: the header's second row keeps the burning SLOs whole (the refresh note left out)"
assert_screen "$d" '^j/k move  Enter runbook .*  \? help  q quit$' 2 "80x24: the Alerts footer ends with ? help and q quit"

# The SLO view: the columns that fit, whole.
send "$d" 2
assert_screen "$d" '^  STATE  SERVICE +SLO +SLI  BUDGET  BURN1H  EXHAUST$' 5 \
	"SLO view: the header names only whole columns (SLI, budget, burn now, exhaustion)"
assert_row "$d" '^. PAGE +checkout +checkout-availability ' ' [0-9.]+% +[0-9.]+% +[0-9.]+x +[0-9dhm]+$' 5 \
	"SLO view: the paging SLO's row ends with its whole burn rate and exhaustion time"
assert_check "$d" 2 "SLO view: all 5 rows end with a whole exhaustion time" \
	count '^. (PAGE|TICKET|ok) +[a-z-]+ +[a-z-]+…? +[0-9.]+% +[0-9.]+% +[0-9.]+x +[0-9dhm]+$' 5
assert_screen "$d" ' payments +payments-api-availab… +[0-9.]+%' 2 \
	"SLO view: a name too long for its column ends in an ellipsis"
send "$d" Enter
assert_screen "$d" '^  checkout / checkout-availability$' 5 "SLO detail: the selected SLO's title"
assert_screen "$d" '^  objective 99\.9% over 30d: an error budget of 0\.1% \(43m of full outage\)$' 2 \
	"SLO detail: the objective line whole"
assert_screen "$d" '  burn rate per window +budget left over 30d  [0-9.]+%  threshold 0%$' 2 \
	"SLO detail: the chart's first row leaves min/max out whole instead of cutting a word"
assert_screen "$d" '^  3d +[0-9.]+x +▌' 2 "SLO detail: the burn rates beside the chart"
assert_screen "$d" '^ +0%▌┄{20,}$' 2 "SLO detail: the chart's 0% line dashed"
assert_screen "$d" '^  page +-30d +-15d +now$' 2 "SLO detail: the state and the chart's time axis"
assert_screen "$d" '^j/k move  Enter budget chart  3 signals  1 alerts  \? help$' 2 "SLO view: the footer whole"

# The Signals view: four stacked charts, each with plot rows and a time axis.
send "$d" 3
assert_screen "$d" '^ latency  [0-9.]+m?s  min [0-9.]+m?s  max [0-9.]+m?s  threshold 1s$' 10 \
	"Signals: the latency chart's first row: value, min/max, threshold"
for c in latency traffic errors saturation; do
	assert_check "$d" 5 "Signals: the $c chart has plot rows and a time axis under its first row" chart_rows "$c"
done
assert_check "$d" 2 "Signals: the latency threshold (1s) is a dashed line" dashed latency yes
assert_check "$d" 2 "Signals: the errors threshold (1%) is a dashed line" dashed errors yes
assert_check "$d" 2 "Signals: traffic has no threshold and no dashed line" dashed traffic no
assert_check "$d" 2 "Signals: the latency value (2.8s, over 1s) is red" colour '^ latency ' '[0-9.]+s' red
assert_check "$d" 2 "Signals: the traffic value (no threshold) is not red" colour '^ traffic ' '[0-9]+/s' other
assert_check "$d" 2 "Signals: the errors value (6%, over 1%) is red" colour '^ errors ' '[0-9.]+%' red
assert_screen "$d" '^j/k service  \[ \] range  2 SLOs  1 alerts  \? help$' 2 "Signals: the footer whole"

# The walker on the demo's paging alert.
send "$d" 1
sleep 0.3
send "$d" Enter
assert_screen "$d" '^Runbook for CheckoutHighErrorRate  …[^ ]*/runbooks/CheckoutHighErrorRate\.md$' 10 \
	"walker: the runbook's path is cut at the front, its file name whole" || e2e_stop
assert_screen "$d" '^\[critical\]  firing [0-9hm]+  service=checkout  instance=checkout-7d9f8c6b5-x2kqz.*…$' 2 \
	"walker: the pinned row keeps severity, age and key labels (the name is in the title), cut with an ellipsis"
assert_screen "$d" '^j/k step  Tab section  Space done  x run  r rollback  \^C cancel  \? help$' 2 \
	"walker: the footer leaves keys out whole and keeps ? help"
send "$d" Tab
sleep 0.2
send "$d" Tab
sleep 0.2
assert_screen "$d" '^▶ \[ \] 1\. Are all pods up and ready, or are some restarting\?$' 5 "walker: the triage step's text whole"
send "$d" x
assert_screen "$d" '^▌ +ok exit 0  [0-9.]+s  simulated \$ kubectl -n "\$PAGETTY_LABEL_namespace" get …$' 8 \
	"walker: the canned step's status: exit 0, simulated, the command cut with an ellipsis"
assert_screen "$d" '^▌ +checkout-7d9f8c6b5-x2kqz +1/1 +Running +0 +2d +10\.4\.1\.17 *…$' 2 \
	"walker: the canned output line by line, a line too wide ends in an ellipsis"
assert_check "$d" 2 "walker: all three pods are listed" count '^▌ +checkout-7d9f8c6b5-[a-z0-9]+ +1/1 +Running' 3
send "$d" Tab
sleep 0.2
send "$d" j j
sleep 0.2
send "$d" x
assert_screen "$d" 'with the start of the errors\? \(y/N\)' 5 "walker: the risky mitigation asks y/N (no stray '.?')"
send "$d" y
# No scrolling key: the output must come into view on its own.
assert_screen "$d" '^▌ +deployment "checkout" successfully rolled out$' 12 \
	"walker: the confirmed mitigation's output comes into view without scrolling by hand"
assert_screen "$d" '^▌ +ok exit 0  [0-9.]+s  simulated \$ kubectl -n "\$PAGETTY_LABEL_namespace" roll…$' 2 \
	"walker: its status row: exit 0, simulated"
assert_screen "$d" '^▶ \[ \] 3\. \[risky\] Roll back to the previous revision if a deploy lines up with$' 2 \
	"walker: the step's first line stays on screen"
assert_screen "$d" '^▌ +Rollback: kubectl -n "\$PAGETTY_LABEL_namespace" rollout undo$' 2 "walker: the Rollback line"
assert_screen "$d" '^▌ +deploy/"\$PAGETTY_LABEL_service"$' 2 "... wrapped whole onto the next row"
send "$d" r
assert_screen "$d" 'Run the rollback of \[risky\] Roll back' 5 "walker: r asks before the rollback"
send "$d" y
assert_screen "$d" '^▌ +ok exit 0  [0-9.]+s  simulated rollback \$ kubectl -n .*…$' 8 \
	"walker: the rollback's status row comes into view: simulated, rollback"
assert_check "$d" 2 "walker: both runs' output shows (rolled back twice)" count '^▌ +deployment\.apps/checkout rolled back$' 2
assert_screen "$d" '^j/k step  Tab section  Space done  x run  r rollback  \^C cancel  \? help$' 2 "walker: the footer still whole"
send "$d" Escape
sleep 0.3
send "$d" q
assert_exit "$d" 0 5 "80x24: q quits the demo"

# ---- the demo at 60x20 -------------------------------------------------------
e=demo60
start_tui "$e" 60x20 "$PAGETTY" --demo || bail "tmux starts pagetty --demo at 60x20"
assert_screen "$e" '^2 critical 3 warning 1 info · 6 alerts · SLOs: 2 burning$' 10 \
	"60x20: the header keeps the counts and the burning SLOs"
assert_screen "$e" '^j/k move  Enter runbook  / filter  s silence  \? help  q quit$' 2 "60x20: the footer keeps ? help and q quit"
send "$e" 2
assert_screen "$e" '^  STATE  SERVICE    SLO +BUDGET  BURN1H  EXHAUST$' 5 "60x20: the SLO view keeps budget, burn and exhaustion"
assert_row "$e" '^. PAGE +checkout +checkout-avai… ' ' [0-9.]+% +[0-9.]+x +[0-9dhm]+$' 2 "60x20: the paging SLO's numbers whole"
send "$e" 3
for c in latency errors; do
	assert_check "$e" 10 "60x20: the $c chart still has plot rows" dashed "$c" yes
done
send "$e" q
assert_exit "$e" 0 5 "60x20: q quits"

# ---- a real Prometheus: several series -------------------------------------
start_pushgateway || bail "pushgateway starts"
push_metric small 'e2e_small_rps{code="200"} 90
e2e_small_rps{code="201"} 5
e2e_small_rps{code="301"} 2
e2e_small_rps{code="404"} 3
e2e_small_rps{code="500"} 4
e2e_small_rps{code="503"} 1
e2e_small_latency_seconds{route="/cart"} 0.2
e2e_small_latency_seconds{route="/pay"} 1.5
e2e_small_error_ratio 0.1
e2e_small_saturation 0.3' || bail "push the metrics"
start_scrape_prometheus prometheus || bail "prometheus starts"
PROM_PID=$E2E_LAST_PID PROM_URL=$E2E_LAST_URL
scraped() {
	http_get "$PROM_URL/api/v1/query?query=count_over_time(e2e_small_error_ratio%5B1m%5D)" |
		python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; sys.exit(0 if r and float(r[0]["value"][1]) >= 3 else 1)'
}
wait_until 30 scraped || bail "prometheus scrapes the pushed metrics"

cat >"$E2E_TMP/slos.yml" <<'YAML'
version: "prometheus/v1"
service: "shop"
slos:
  - name: "raw-ratio"
    objective: 99
    sli:
      raw:
        error_ratio_query: avg_over_time(e2e_small_error_ratio[{{.window}}])
  - name: "broken-query"
    objective: 99.9
    sli:
      raw:
        error_ratio_query: sum(rate(e2e_nonsense[{{.window}}]
YAML
cat >"$E2E_TMP/config.yaml" <<YAML
refresh: 2s
prometheus:
  - {name: prom, url: "$PROM_URL"}
slo: {files: ["$E2E_TMP/slos.yml"]}
signals:
  - service: shop
    traffic: sum by (code) (e2e_small_rps)
    latency: max by (route) (e2e_small_latency_seconds)
    errors: max(e2e_small_error_ratio)
    saturation: max(e2e_small_saturation)
    thresholds: {latency: 0.5, errors: 0.05}
YAML
p=prom
start_tui "$p" 80x24 "$PAGETTY" --config "$E2E_TMP/config.yaml" || bail "tmux starts pagetty"
assert_screen "$p" 'pagetty' 10 "prometheus: the console starts at 80x24" || e2e_stop
send "$p" 3
assert_screen "$p" '^  Signals  range 1h  shop$' 10 "prometheus: the service's panel opens"
assert_check "$p" 20 "traffic: 4 of the 6 series in the legend on the chart's first row, all by their values, +2 more" \
	legend traffic 4 2 200 201 301 404 500 503
assert_check "$p" 10 "latency: both routes in the legend, whole" legend latency 2 0 route=/cart route=/pay
assert_screen "$p" '^ latency  ⣿ route=/cart 200ms  ⣿ route=/pay 1\.50s  threshold 500ms$|^ latency  ⣿ route=/pay 1\.50s  ⣿ route=/cart 200ms  threshold 500ms$' 2 \
	"latency: the legend, then the threshold, on the first row"
assert_check "$p" 2 "latency: /pay's value is red" colour '^ latency ' '(?<=route=/pay )1\.50s' red
assert_check "$p" 2 "latency: /cart's value (200ms, under) is not red" colour '^ latency ' '(?<=route=/cart )200ms' other
assert_check "$p" 2 "errors: the value (10%, over 5%) is red" colour '^ errors ' '10(\.0)?%' red
assert_check "$p" 2 "latency: the threshold is a dashed line" dashed latency yes
assert_check "$p" 2 "errors: the threshold is a dashed line" dashed errors yes
assert_check "$p" 2 "traffic and saturation: no threshold, no dashed line" dashed saturation no
for c in latency traffic errors saturation; do
	assert_check "$p" 2 "$c: the legend left the plot rows and the time axis alone" chart_rows "$c"
done
assert_screen "$p" '^j/k service  \[ \] range  2 SLOs  1 alerts  \? help$' 2 "prometheus: the Signals footer whole"
# Taller: the legend gets a row of its own, the plot keeps its rows.
e2e_tmux resize-window -t "$p" -x 80 -y 40
assert_screen "$p" '^ ⣿ code=[0-9]{3} [0-9.]+/s  ⣿ ' 5 "80x40: the traffic legend on its own row"
assert_check "$p" 5 "80x40: the legend row names 4 series whole and +2 more" legend traffic 4 2 \
	code=200 code=201 code=301 code=404 code=500 code=503
assert_check "$p" 2 "80x40: the legend row left the plot rows alone" chart_rows traffic
e2e_tmux resize-window -t "$p" -x 80 -y 24
assert_check "$p" 5 "80x24 again: the legend back on the first row" legend traffic 4 2 200 201 301 404 500 503

# SLOs: an error takes the place of the numbers when it has no room after them.
send "$p" 2
assert_row "$p" '^. (PAGE|TICKET|ok) +shop +raw-ratio ' ' -?[0-9.]+% +-?[0-9.]+% +[0-9.]+x +[0-9dhms-]+$' 20 \
	"prometheus: the raw-ratio SLO's numbers"
assert_row "$p" 'broken-query' '^. ERROR +shop +broken-query +error: bad_data' 15 \
	"prometheus: the broken SLO's error shows at 80 columns, in place of its numbers"
stop_pid "$PROM_PID"
send "$p" R
assert_row "$p" 'raw-ratio' '^. (PAGE|TICKET|ok) +shop +raw-ratio +STALE [0-9smh]+: ' 30 \
	"prometheus down: the SLO row says STALE at 80 columns"
send "$p" 3
assert_screen "$p" '^ traffic  .*STALE: .*(…|refused)$' 30 \
	"prometheus down: the chart's first row says STALE, the reason whole or ending in an ellipsis"
send "$p" q
assert_exit "$p" 0 5 "prometheus: q quits"

e2e_done
