#!/usr/bin/env bash
# tests/e2e/test_slo_live.sh: SLOs and golden signals against the real stack.
# Prometheus evaluates Sloth's own generated rules for the shared
# getting-started spec; a pusher feeds http_request_duration_seconds_count
# through the Pushgateway with a 10% error ratio. pagetty loads the same
# spec, a raw-ratio SLO and a deliberately broken one (written here), and
# must agree with Sloth's recorded SLI, burn rate and budget; show the SLO
# view with PAGE; draw the Signals charts; mark only the broken SLO as an
# error; and show STALE with the reason when Prometheus stops. A second
# Prometheus (no rules) serves the SLOs of slo.prometheus and a service's
# charts (several series, a legend, a threshold); when it stops only what
# uses it goes STALE.
. "$(dirname "$0")/lib.sh"

need_pagetty
SLOTH_SPEC=$E2E_ROOT/../shared/fixtures/sloth/getting-started.yml
SLOTH_RULES=$E2E_ROOT/../shared/fixtures/sloth/getting-started.rules.yml
[ -f "$SLOTH_SPEC" ] && [ -f "$SLOTH_RULES" ] || bail "shared Sloth fixtures exist"

start_stack "$SLOTH_RULES"

# The second Prometheus: scrapes the same Pushgateway, evaluates nothing.
start_scrape_prometheus prometheus2 || bail "the second prometheus starts"
PROM2_PID=$E2E_LAST_PID PROM2_URL=$E2E_LAST_URL

# A bounded pusher: counters that grow 100/s, 10/s of them 5xx (error ratio
# 0.1, burn 100x against 99.9%), and a gauge for the raw-ratio SLO.
pusher() {
	local i ok=0 err=0
	for ((i = 0; i < 600; i++)); do
		ok=$((ok + 90)) err=$((err + 10))
		push_metric myservice "http_request_duration_seconds_count{code=\"200\"} $ok
http_request_duration_seconds_count{code=\"500\"} $err
e2e_slo_error_ratio 0.004" 2>/dev/null
		sleep 1
	done
}
pusher &
E2E_PIDS+=("$!")

cat >"$E2E_TMP/extra-slos.yml" <<'YAML'
version: "prometheus/v1"
service: "e2e"
slos:
  - name: "raw-ratio"
    objective: 99
    sli:
      raw:
        error_ratio_query: avg_over_time(e2e_slo_error_ratio[{{.window}}])
  - name: "broken-query"
    objective: 99.9
    sli:
      raw:
        error_ratio_query: sum(rate(e2e_nonsense[{{.window}}]
YAML
CFG=$E2E_TMP/slo.yaml
cat >"$CFG" <<YAML
refresh: 2s
prometheus:
  - name: prom
    url: "$PROM_URL"
slo:
  files: ["$SLOTH_SPEC"]
YAML
# The extra specs come from --slo FILE, added to slo.files.
EXTRA=(--slo "$E2E_TMP/extra-slos.yml")

prom_value() {
	curl -fsS --max-time 5 -G --data-urlencode "query=$1" "$PROM_URL/api/v1/query" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
sloth_ready() {
	[ -n "$(prom_value 'slo:sli_error:ratio_rate5m{sloth_slo="requests-availability"}')" ] &&
		[ -n "$(prom_value 'slo:period_error_budget_remaining:ratio{sloth_slo="requests-availability"}')" ]
}
check "Sloth's recording rules compute on the pushed counters" wait_until 90 sloth_ready
sleep 5

# ---- pagetty slo --json against Sloth's own numbers
"$PAGETTY" --config "$CFG" slo --json "${EXTRA[@]}" >"$E2E_TMP/slo.json" 2>"$E2E_TMP/slo.err"
rc=$?
assert_eq "pagetty slo exits 1 when an SLO is in page state" 1 "$rc"
sli5=$(prom_value 'slo:sli_error:ratio_rate5m{sloth_slo="requests-availability"}')
burn=$(prom_value 'slo:current_burn_rate:ratio{sloth_slo="requests-availability"}')
left=$(prom_value 'slo:period_error_budget_remaining:ratio{sloth_slo="requests-availability"}')
diag "sloth: ratio_rate5m=$sli5 current_burn_rate=$burn budget_remaining=$left"
check "pagetty's SLI, burn rate and budget agree with Sloth's recording rules" \
	python3 - "$E2E_TMP/slo.json" "$sli5" "$burn" "$left" <<'PY'
import json, sys
slos = {s["name"]: s for s in json.load(open(sys.argv[1]))}
ratio, burn, left = map(float, sys.argv[2:5])
if left != left:
    # Sloth's period ratio averages its 5m ratios, and those were 0/0 = NaN
    # before the first pushes: NaN for the whole 30 days. The same budget
    # from its 5m ratio instead (the pusher's ratio has been constant).
    left = 1 - ratio / (1 - 0.999)
s = slos["requests-availability"]
assert s["service"] == "myservice" and s["objective"] == 0.999 and s["window"] == 30 * 86400, s
assert s["error"] is None, s
assert abs(s["error_ratio"] - ratio) < 0.01, (s["error_ratio"], ratio)
assert abs(s["sli"] - (1 - ratio)) < 0.01, s
assert abs(s["burn_rates"]["5m"] - burn) <= 0.1 * burn, (s["burn_rates"], burn)
assert abs(s["budget_remaining"] - left) <= 0.15 * abs(left), (s["budget_remaining"], left)
assert s["state"] == "page", s
assert s["exhaustion_seconds"] == 0, s  # overspent already
assert set(s["burn_rates"]) == {"5m", "30m", "1h", "2h", "6h", "1d", "3d"}
PY
check "a raw error-ratio SLO evaluates on its own (0.4% of a 1% budget)" \
	python3 - "$E2E_TMP/slo.json" <<'PY'
import json, sys
s = {s["name"]: s for s in json.load(open(sys.argv[1]))}["raw-ratio"]
assert s["error"] is None, s
assert abs(s["error_ratio"] - 0.004) < 1e-6 and abs(s["burn_rates"]["1h"] - 0.4) < 1e-3, s
assert s["state"] == "ok" and s["exhaustion_seconds"] > 0, s
PY
check "a broken query marks only its own SLO" \
	python3 - "$E2E_TMP/slo.json" <<'PY'
import json, sys
s = {s["name"]: s for s in json.load(open(sys.argv[1]))}
b = s["broken-query"]
assert b["error"] and "bad_data" in b["error"] and b["sli"] is None, b
assert s["requests-availability"]["error"] is None and s["raw-ratio"]["error"] is None
PY
"$PAGETTY" --config "$CFG" "${EXTRA[@]}" slo >"$E2E_TMP/slo.txt" 2>&1
check "pagetty slo prints the table" grep -Eq 'myservice +requests-availability .* page' "$E2E_TMP/slo.txt"
check "--slo before the subcommand adds the raw-ratio SLO too" grep -Eq 'e2e +raw-ratio ' "$E2E_TMP/slo.txt"
printf 'version: "prometheus/v1"\nservice: bad\nslos:\n  - name: x\n    objective: [1]\n' \
	>"$E2E_TMP/bad-slo.yml"
"$PAGETTY" --config "$CFG" slo --json --slo "$E2E_TMP/bad-slo.yml" >/dev/null 2>"$E2E_TMP/bad.err"
assert_eq "a --slo spec that does not load exits 2" 2 "$?"
check "the error names the spec's file:line:col" grep -q "bad-slo.yml:5:16: objective" "$E2E_TMP/bad.err"
"$PAGETTY" --config "$CFG" --slo "$E2E_TMP/bad-slo.yml" >/dev/null 2>"$E2E_TMP/bad2.err" </dev/null
assert_eq "the console exits 2 on a bad --slo spec before any screen" 2 "$?"
check "and names file:line:col" grep -q "bad-slo.yml:5:16: objective" "$E2E_TMP/bad2.err"

# ---- two Prometheus servers: SLOs and a service say which one they query
CFG2=$E2E_TMP/two.yaml
cat >"$CFG2" <<YAML
refresh: 2s
prometheus:
  - {name: main, url: "$PROM_URL"}
  - {name: second, url: "$PROM2_URL"}
slo: {files: ["$E2E_TMP/extra-slos.yml"], prometheus: second}
signals:
  - service: pushed
    prometheus: second
    traffic: sum by (code) (rate(http_request_duration_seconds_count[1m]))
    errors: sum(rate(http_request_duration_seconds_count{code="500"}[1m])) / sum(rate(http_request_duration_seconds_count[1m]))
    thresholds: {errors: 0.05}
YAML
# value_is_red SESSION REGEX: the first text on the screen matching REGEX
# (a Python regex) comes right after an SGR sequence that sets red (31).
value_is_red() {
	e2e_tmux capture-pane -e -p -t "$1" | python3 -c '
import re, sys
t = sys.stdin.read()
m = re.search(r"((?:\x1b\[[0-9;]*m)+)\s*" + sys.argv[1], t)
sys.exit(0 if m and re.search(r"(^|[\[;])31(;|m)", m.group(1)) else 1)' "$2"
}
two_ready() {
	"$PAGETTY" --config "$CFG2" slo --json >"$E2E_TMP/two.json" 2>"$E2E_TMP/two.err" </dev/null
	python3 - "$E2E_TMP/two.json" <<'PY'
import json, sys
s = {s["name"]: s for s in json.load(open(sys.argv[1]))}
assert s["raw-ratio"]["error"] is None and s["raw-ratio"]["sli"] is not None, s
assert s["requests-availability"]["error"] is None, s
PY
}
check "SLOs of slo.prometheus query the second server, Sloth's rules the first" wait_until 30 two_ready
diag_file "$E2E_TMP/two.err"
"$PAGETTY" --config "$CFG2" slo --json >/dev/null 2>&1 </dev/null
assert_eq "and pagetty slo still exits 1 for the paging SLO" 1 "$?"

start_tui two 160x40 "$PAGETTY" --config "$CFG2"
assert_screen two 'pagetty' 10 "the console starts with two Prometheus servers"
send two 3
assert_screen two 'Signals +range 1h +pushed' 10 "the configured service's panel opens"
assert_screen two 'code=200 .*code=500' 20 "the traffic chart's legend names each series by its labels"
assert_screen two 'errors +10(\.0)?% +min .* threshold 5%' 10 "the errors chart shows the service's threshold"
# The current value (10%) is over it: drawn red (SGR 31).
check "the current value over the threshold is red" value_is_red two '10(\.0)?%'
stop_pid "$PROM2_PID"
send two 2
send two R
assert_row two 'raw-ratio' 'STALE .*(refused|connect)' 30 "with the second server down its SLO shows STALE"
assert_row two 'requests-availability' 'PAGE' 5 "the SLO on the first server is not STALE"
assert_screen_lacks two 'requests-availability.*STALE' "the rows from the first server are not marked"
send two 3
assert_screen two 'traffic .*STALE' 30 "the service's charts on the second server show STALE"
send two 1
send two q
assert_exit two 0 10 "q quits"

# ---- the SLO view
start_tui slo 160x40 "$PAGETTY" --config "$CFG" "${EXTRA[@]}"
assert_screen slo 'pagetty' 10 "the console starts with only a Prometheus configured"
send slo 2
assert_row slo 'requests-availability' 'PAGE' 15 "the SLO view shows the burning SLO with state PAGE"
assert_row slo 'raw-ratio' ' ok ' 15 "the raw-ratio SLO row shows ok"
assert_row slo 'broken-query' 'error: bad_data' 15 "the broken SLO's row shows its own error"
assert_screen slo 'SLOs: [0-9]+ burning' 5 "the header counts burning SLOs"
send slo 1
assert_screen slo 'SLOs: [0-9]+ burning' 5 "the burning count stays in the header on the Alerts view"
send slo 2
send slo Enter
assert_screen slo 'burn rate per window' 10 "Enter opens the SLO detail"
assert_screen slo 'budget left over 30d' 10 "the detail draws the budget chart"

# ---- the Signals view: no services configured -> panels from scraped jobs
send slo 3
assert_screen slo 'Signals +range 1h' 10 "the Signals view opens"
assert_screen slo 'pushgateway' 20 "panels are offered for the scraped jobs"
assert_screen slo 'latency' 10 "the latency chart is drawn"
assert_screen slo 'saturation' 10 "the saturation chart is drawn"
assert_screen slo '-30m .* now' 10 "charts have a time axis"
send slo ']'
assert_screen slo 'Signals +range 6h' 10 "] switches the range"

# ---- Prometheus stops: STALE with the reason, still responsive
stop_pid "$PROM_PID"
send slo 2
send slo R
assert_row slo 'requests-availability' 'STALE .*(refused|connect)' 30 \
	"with Prometheus down the SLO shows STALE with the reason"
send slo 1
assert_screen slo 'refreshed|alerts' 5 "pagetty stays responsive"
send slo q
assert_exit slo 0 10 "q quits"

e2e_done
