#!/usr/bin/env bash
# tests/e2e/test_oneshot.sh: the one-shot commands against the real stack:
# "pagetty alerts" (table, --json, filters), "pagetty check", "pagetty
# runbook", the no-source error and the --demo header.
. "$(dirname "$0")/lib.sh"

# Expected UI cues (ERE); adjust here when the console's wording settles.
DEMO_RE='DEMO'
HEADER_RE='pagetty'
RUNBOOK_SECTION_RE='[Mm]itigation'
SIZE=100x30

need_pagetty
start_stack
push_metric e2e 'e2e_errors_total{service="checkout"} 2
e2e_latency_seconds{service="search"} 4' || bail "push metrics"
for a in E2ECheckoutErrors E2ESearchLatency; do
	wait_alert "$a" "$AM1_URL" 60 && wait_alert "$a" "$AM2_URL" 30 ||
		bail "$a reaches both peers"
done
write_config "$E2E_TMP/config.yaml" e2e "$AM1_URL" "$AM2_URL"
P=("$PAGETTY" --config "$E2E_TMP/config.yaml")

# run_cmd CMD...: sets OUT (stdout), ERR (stderr), RC; bounded.
run_cmd() {
	timeout 60 "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" </dev/null
	RC=$?
	OUT=$(cat "$E2E_TMP/out")
	ERR=$(cat "$E2E_TMP/err")
}
show() { diag "status $RC" "stdout:" "$OUT" "stderr:" "$ERR"; }

# alerts --json: same fingerprints as the Alertmanager's own API.
run_cmd "${P[@]}" alerts --json
curl -fsS --max-time 5 "$AM1_URL/api/v2/alerts" >"$E2E_TMP/am.json"
if [ "$RC" = 0 ] && python3 -c '
import json, sys
mine = json.load(open(sys.argv[1]))
am = json.load(open(sys.argv[2]))
a, b = {x["fingerprint"] for x in mine}, {x["fingerprint"] for x in am}
assert a == b and len(mine) == len(a), (sorted(a), sorted(b))
for x in mine:
    assert x["cluster"] == "e2e", x
    for k in ("labels", "annotations", "startsAt", "endsAt", "status"):
        assert k in x, (k, x)
    assert "runbook" in x, x
' "$E2E_TMP/out" "$E2E_TMP/am.json" 2>"$E2E_TMP/py.err"; then
	ok "alerts --json has the same fingerprints as GET /api/v2/alerts"
else
	not_ok "alerts --json has the same fingerprints as GET /api/v2/alerts"
	show
	diag "$(cat "$E2E_TMP/py.err")"
fi
if python3 -c '
import json, sys
a = [x for x in json.load(open(sys.argv[1])) if x["labels"]["alertname"] == "E2ECheckoutErrors"]
assert a and a[0]["runbook"] and a[0]["runbook"].endswith("E2ECheckoutErrors.md"), a
' "$E2E_TMP/out" 2>/dev/null; then
	ok "alerts --json resolves the runbook of E2ECheckoutErrors"
else
	not_ok "alerts --json resolves the runbook of E2ECheckoutErrors"
fi

# alerts: the table.
run_cmd "${P[@]}" alerts
if [ "$RC" = 0 ] && grep -q E2ECheckoutErrors <<<"$OUT" && grep -q E2ESearchLatency <<<"$OUT"; then
	ok "alerts prints a table with both alerts"
else
	not_ok "alerts prints a table with both alerts"
	show
fi

# alerts FILTER.
run_cmd "${P[@]}" alerts 'severity="page"'
if [ "$RC" = 0 ] && grep -q E2ECheckoutErrors <<<"$OUT" && ! grep -q E2ESearchLatency <<<"$OUT"; then
	ok "alerts 'severity=\"page\"' filters"
else
	not_ok "alerts 'severity=\"page\"' filters"
	show
fi
run_cmd "${P[@]}" alerts --json 'service=~"sea.*"'
if [ "$RC" = 0 ] && python3 -c '
import json, sys
a = json.loads(sys.stdin.read())
assert {x["labels"]["alertname"] for x in a} == {"E2ESearchLatency"}, a' <<<"$OUT" 2>/dev/null; then
	ok "alerts --json with a regex matcher filters"
else
	not_ok "alerts --json with a regex matcher filters"
	show
fi
run_cmd "${P[@]}" alerts 'severity="page'
if [ "$RC" = 2 ] && [ -n "$ERR" ]; then
	ok "alerts with a broken matcher exits 2 with a message"
else
	not_ok "alerts with a broken matcher exits 2 with a message"
	show
fi

# check.
run_cmd "${P[@]}" check
if [ "$RC" = 0 ] && grep -q ' ok' <<<"$OUT" && ! grep -q FAIL <<<"$OUT"; then
	ok "check exits 0 with both peers up"
else
	not_ok "check exits 0 with both peers up"
	show
fi
port=$(refused_port)
run_cmd "$PAGETTY" --alertmanager "http://127.0.0.1:$port" check
if [ "$RC" = 1 ] && grep -q FAIL <<<"$OUT"; then
	ok "check exits 1 and prints FAIL for a refused url"
else
	not_ok "check exits 1 and prints FAIL for a refused url"
	show
fi
run_cmd "$PAGETTY" --alertmanager "$AM1_URL" --alertmanager "http://127.0.0.1:$port" check
if [ "$RC" = 1 ] && grep -q FAIL <<<"$OUT" && grep -q ' ok' <<<"$OUT"; then
	ok "check exits 1 when one of two clusters fails, and says which"
else
	not_ok "check exits 1 when one of two clusters fails, and says which"
	show
fi

# runbook.
run_cmd "$PAGETTY" --runbooks tests/e2e/runbooks runbook E2ECheckoutErrors
if [ "$RC" = 0 ] && grep -Eq "$RUNBOOK_SECTION_RE" <<<"$OUT" &&
	grep -q 'Turn off the new cart flag' <<<"$OUT" &&
	grep -q 'page the DBA on-call' <<<"$OUT"; then
	ok "runbook E2ECheckoutErrors prints its sections"
else
	not_ok "runbook E2ECheckoutErrors prints its sections"
	show
fi
run_cmd "$PAGETTY" --runbooks tests/e2e/runbooks runbook NoSuchAlert
if [ "$RC" != 0 ] && [ "$RC" -lt 128 ] && [ -n "$ERR" ]; then
	ok "runbook of an unknown alert fails with a message"
else
	not_ok "runbook of an unknown alert fails with a message"
	show
fi

# No source at all: exit 2, and say how to run the demo.
mkdir -p "$E2E_TMP/home"
run_cmd env -u PAGETTY_CONFIG HOME="$E2E_TMP/home" XDG_CONFIG_HOME="$E2E_TMP/home/.config" \
	"$PAGETTY"
if [ "$RC" = 2 ] && grep -q -- '--demo' <<<"$OUT$ERR"; then
	ok "no source configured: exit 2 and mentions --demo"
else
	not_ok "no source configured: exit 2 and mentions --demo"
	show
fi
run_cmd "$PAGETTY" --version
assert_eq "--version exits 0" 0 "$RC"

# The demo: DEMO in the header, q quits.
s=demo
start_tui "$s" "$SIZE" env HOME="$E2E_TMP/home" "$PAGETTY" --demo || bail "tmux starts pagetty --demo"
assert_screen "$s" "$DEMO_RE" 10 "--demo shows DEMO in the header"
assert_screen "$s" "$HEADER_RE" 1 "--demo shows the pagetty header"
send "$s" q
assert_exit "$s" 0 10 "--demo: q exits 0"

e2e_done
