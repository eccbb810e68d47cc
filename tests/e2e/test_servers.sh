#!/usr/bin/env bash
# tests/e2e/test_servers.sh: the harness itself. Brings up the real stack
# (two clustered alertmanagers, pushgateway, prometheus), pushes metrics so
# the e2e rules fire, and checks the alerts reach both peers, amtool sees them,
# silences are shared by the peers and the inhibit rule works. No pagetty.
. "$(dirname "$0")/lib.sh"

start_stack
ok "stack starts: two clustered alertmanagers, pushgateway, prometheus"

check "pushgateway accepts a pushed metric" \
	push_metric e2e 'e2e_errors_total{service="checkout"} 3
e2e_latency_seconds{service="search"} 2'

prom_has_series() {
	http_get "$PROM_URL/api/v1/query?query=e2e_errors_total" 2>/dev/null |
		grep -q '"service":"checkout"'
}
check "prometheus scrapes the pushed metric (honor_labels)" \
	wait_until 30 prom_has_series

if wait_alert E2ECheckoutErrors "$AM1_URL" 60; then
	ok "rule alert E2ECheckoutErrors reaches alertmanager 1"
else
	not_ok "rule alert E2ECheckoutErrors reaches alertmanager 1"
	diag "$(http_get "$PROM_URL/api/v1/alerts" 2>&1)"
	diag_file "$E2E_TMP/prometheus.log"
fi
check "rule alert E2ECheckoutErrors reaches alertmanager 2" \
	wait_alert E2ECheckoutErrors "$AM2_URL" 30
on_both_peers() { wait_alert "$1" "$AM1_URL" 30 && wait_alert "$1" "$AM2_URL" 30; }
check "rule alert E2ESearchLatency reaches both peers" on_both_peers E2ESearchLatency
check "E2ECheckoutErrors carries its rule labels and runbook_url" \
	bash -c "curl -fsS --max-time 5 '$AM1_URL/api/v2/alerts' | python3 -c '
import json, sys
a = [x for x in json.load(sys.stdin) if x[\"labels\"][\"alertname\"] == \"E2ECheckoutErrors\"]
assert a, \"no alert\"
l, n = a[0][\"labels\"], a[0][\"annotations\"]
assert l[\"severity\"] == \"page\" and l[\"service\"] == \"checkout\", l
assert n[\"runbook_url\"] == \"E2ECheckoutErrors.md\", n
'"

q=$(amtool alert query 2>&1)
if grep -q E2ECheckoutErrors <<<"$q"; then
	ok "amtool alert query sees the alert"
else
	not_ok "amtool alert query sees the alert"
	diag "$q"
fi
q=$("$AMTOOL_BIN" --alertmanager.url="$AM2_URL" alert query 'severity=page' 2>&1)
if grep -q E2ECheckoutErrors <<<"$q" && ! grep -q E2ESearchLatency <<<"$q"; then
	ok "amtool alert query with a matcher on peer 2 filters"
else
	not_ok "amtool alert query with a matcher on peer 2 filters"
	diag "$q"
fi

# Silences are gossiped between the peers.
sid=$(amtool silence add --duration=10m --author=e2e --comment="e2e harness" \
	alertname=E2ESearchLatency 2>&1)
silence_on_am2() {
	"$AMTOOL_BIN" --alertmanager.url="$AM2_URL" silence query -q 2>/dev/null |
		grep -qx "$sid"
}
check "amtool silence add on peer 1 returns an id" \
	grep -Eq '^[0-9a-f-]{36}$' <<<"$sid"
check "the silence reaches peer 2 through the cluster" wait_until 20 silence_on_am2
alert_state() { # URL NAME -> state
	curl -fsS --max-time 5 -G --data-urlencode "filter=alertname=\"$2\"" \
		"$1/api/v2/alerts" | python3 -c '
import json, sys
a = json.load(sys.stdin)
print(a[0]["status"]["state"] if a else "none")'
}
search_suppressed() { [ "$(alert_state "$AM2_URL" E2ESearchLatency)" = suppressed ]; }
check "the silenced alert is suppressed on peer 2" wait_until 20 search_suppressed

# The inhibit rule: E2EOutage mutes E2EBillingInfo (same service, info).
push_metric billing 'e2e_outage{service="billing"} 1'
billing_inhibited() {
	curl -fsS --max-time 5 -G --data-urlencode 'filter=alertname="E2EBillingInfo"' \
		"$AM1_URL/api/v2/alerts" | python3 -c '
import json, sys
a = json.load(sys.stdin)
sys.exit(0 if a and a[0]["status"]["inhibitedBy"] else 1)'
}
check "the inhibit rule mutes E2EBillingInfo" wait_until 60 billing_inhibited

# A hostile label value travels through pushgateway, prometheus and the AM.
canary="/tmp/pwned-servers-$$"
evil=$(printf 'x\033[2Jy\rz$(touch %s)' "$canary")
check "pushgateway accepts a label value with ESC, CR and \$(...)" \
	push_metric hostile "e2e_hostile{service=\"hostile\",evil=\"$evil\"} 1"
hostile_raw() {
	curl -fsS --max-time 5 "$AM1_URL/api/v2/alerts" | python3 -c '
import json, sys
want = sys.argv[1]
a = [x for x in json.load(sys.stdin) if x["labels"].get("alertname") == "E2EHostile"]
sys.exit(0 if a and a[0]["labels"].get("evil") == want else 1)' "$evil"
}
check "the hostile label value reaches the alertmanager byte for byte" \
	wait_until 60 hostile_raw
check "nothing ran the hostile label value" test ! -e "$canary"

# Posting straight to the AM API (for values rules cannot express).
post_alerts "$AM1_URL" '[{"labels":{"alertname":"E2EPosted","service":"api","severity":"info"},
	"annotations":{"summary":"posted"}}]'
check "an alert posted to the v2 API appears" wait_alert E2EPosted "$AM1_URL" 10

# The harness notices a dead peer.
stop_pid "$AM2_PID"
check "a stopped peer no longer answers" bash -c "! curl -fs --max-time 2 -o /dev/null '$AM2_URL/-/ready'"
check "the other peer still answers" http_ok "$AM1_URL/-/ready"

e2e_done
