#!/usr/bin/env bash
# tests/e2e/test_secrets.sh: a bearer token (from an env var) and a basic-auth
# password (from a file) never show: not on any screen of the console (every
# view, the detail pane, the help, the command line), not in `pagetty check`,
# `pagetty alerts` (stdout and stderr), not in error messages for a refused
# port or an HTTP 500, not for a URL with userinfo, not in the timeline
# files. The garbage server confirms the Authorization header WAS sent, so the
# test fails if auth silently is not.
. "$(dirname "$0")/lib.sh"

TOKEN=s3cr3t-TOKEN-0123
USER_NAME=e2euser
BASIC_B64=$(printf '%s:%s' "$USER_NAME" "$TOKEN" | base64 -w0)
TOKEN_B64=$(printf '%s' "$TOKEN" | base64 -w0)
# What must never appear: the token, and its base64 forms.
SECRET_RE="$TOKEN|$BASIC_B64|$TOKEN_B64|s3cr3t"
# Wide: the header lists all three sources and their reasons (a narrower
# header cuts the last source off, and with it its DOWN count).
SIZE=${SECRETS_SIZE:-320x40}
OUT=$E2E_TMP/captured
mkdir -p "$OUT"

need_pagetty
start_alertmanager_pair || bail "alertmanager pair starts"
post_alerts "$AM1_URL" '[{"labels":{"alertname":"SecretsCheck","severity":"page","service":"vault"},"annotations":{"summary":"secrets e2e","runbook_url":"http://127.0.0.1:1/rb.md"}}]' ||
	bail "an alert is posted"
wait_alert SecretsCheck || bail "the alert reaches the Alertmanager"
start_garbage html500 || bail "garbage server (html500) starts"
G500_URL=$GARBAGE_URL
REFUSED_URL="http://127.0.0.1:$(refused_port)" || bail "a free port"

export PAGETTY_E2E_TOKEN=$TOKEN
printf '%s\n' "$TOKEN" >"$E2E_TMP/password"
chmod 600 "$E2E_TMP/password"

# write_secret_config FILE KIND: three sources (real, 500, refused) that all
# use one auth; KIND is bearer or basic.
write_secret_config() {
	local file=$1 kind=$2 auth name url
	if [ "$kind" = bearer ]; then
		auth='{bearer_token_env: PAGETTY_E2E_TOKEN}'
	else
		auth="{basic: {username: $USER_NAME, password_file: \"$E2E_TMP/password\"}}"
	fi
	{
		echo "refresh: 1s"
		echo "alertmanagers:"
		for name in real broken refused; do
			case $name in
			real) url=$AM1_URL ;;
			broken) url=$G500_URL ;;
			refused) url=$REFUSED_URL ;;
			esac
			echo "  - name: $name"
			echo "    url: \"$url\""
			echo "    auth: $auth"
		done
		echo "runbooks:"
		echo "  dirs: [\"$E2E_ROOT/tests/e2e/runbooks\"]"
		echo "timeline:"
		echo "  dir: \"$E2E_TMP/timeline-$kind\""
	} >"$file"
	chmod 600 "$file"
}

# grab SESSION NAME: the screen (and the pane's whole history) into a file.
grab() {
	screen "$1" >"$OUT/screen-$2.txt"
	e2e_tmux capture-pane -p -S - -E - -t "$1" >>"$OUT/screen-$2.txt" 2>/dev/null
}

# console KIND: drive every view of the console and capture each screen.
console() {
	local kind=$1 s=con-$1 cfg=$E2E_TMP/config-$1.yaml
	write_secret_config "$cfg" "$kind"
	start_tui "$s" "$SIZE" sh -c 'exec "$0" --config "$1" 2>"$2"' \
		"$PAGETTY" "$cfg" "$OUT/console-stderr-$kind.txt" ||
		{ not_ok "$kind: tmux starts pagetty"; return; }
	assert_screen "$s" 'SecretsCheck' 20 "$kind: the alert from the real Alertmanager shows" ||
		{ kill_tui "$s"; return; }
	assert_screen "$s" 'HTTP 500' 20 "$kind: the broken source's error shows"
	assert_screen "$s" 'refused|could not connect' 20 "$kind: the refused source's error shows"
	grab "$s" "$kind-alerts"
	send "$s" d
	sleep 0.5
	grab "$s" "$kind-detail"
	send "$s" d
	send "$s" Enter
	sleep 1
	grab "$s" "$kind-runbook"
	send "$s" Escape
	sleep 0.3
	send "$s" '?'
	sleep 0.5
	grab "$s" "$kind-help"
	send "$s" Escape
	for v in 2 3 4 1; do
		send "$s" "$v"
		sleep 0.5
		grab "$s" "$kind-view$v"
	done
	send "$s" R
	sleep 1
	send "$s" ':'
	sleep 0.2
	grab "$s" "$kind-cmdline"
	send "$s" Escape
	sleep 0.3
	send "$s" q
	assert_exit "$s" 0 10 "$kind: q exits 0"
	grab "$s" "$kind-exit"
	kill_tui "$s"
	# The server saw the credential.
	local want got
	if [ "$kind" = bearer ]; then
		want="Bearer $TOKEN"
	else
		want="Basic $BASIC_B64"
	fi
	got=$(curl -fsS --max-time 5 "$G500_URL/__auth")
	if [ "$got" = "$want" ]; then
		ok "$kind: the server received the Authorization header"
	else
		not_ok "$kind: the server received the Authorization header"
		diag "got a header of ${#got} bytes, not the expected one"
	fi
}

# oneshot KIND: check and alerts with the config; outputs to files.
oneshot() {
	local kind=$1 cfg=$E2E_TMP/config-$1.yaml rc
	timeout 30 "$PAGETTY" --config "$cfg" check >"$OUT/check-$kind.out" 2>"$OUT/check-$kind.err"
	rc=$?
	assert_eq "$kind: pagetty check exits 1 (two sources fail)" 1 "$rc"
	if grep -q FAIL "$OUT/check-$kind.out" "$OUT/check-$kind.err"; then
		ok "$kind: pagetty check prints FAIL"
	else
		not_ok "$kind: pagetty check prints FAIL"
	fi
	timeout 30 "$PAGETTY" --config "$cfg" alerts >"$OUT/alerts-$kind.out" 2>"$OUT/alerts-$kind.err"
	timeout 30 "$PAGETTY" --config "$cfg" alerts --json >"$OUT/alertsjson-$kind.out" 2>"$OUT/alertsjson-$kind.err"
	if grep -q SecretsCheck "$OUT/alerts-$kind.out"; then
		ok "$kind: pagetty alerts prints the alert"
	else
		not_ok "$kind: pagetty alerts prints the alert"
	fi
}

console bearer
console basic
oneshot bearer
oneshot basic

# URLs with userinfo, against each kind of source and in the console.
i=0
for base in "$AM1_URL" "$G500_URL" "$REFUSED_URL"; do
	i=$((i + 1))
	url="http://$USER_NAME:$TOKEN@${base#http://}"
	timeout 30 "$PAGETTY" --alertmanager "$url" check >"$OUT/userinfo-check-$i.out" 2>&1
	timeout 30 "$PAGETTY" --alertmanager "$url" alerts >"$OUT/userinfo-alerts-$i.out" 2>&1
	if grep -Eq '127\.0\.0\.1' "$OUT/userinfo-check-$i.out"; then
		ok "userinfo URL $i: check names the source"
	else
		not_ok "userinfo URL $i: check names the source"
		diag_file "$OUT/userinfo-check-$i.out"
	fi
done
got=$(curl -fsS --max-time 5 "$G500_URL/__auth")
assert_eq "userinfo URL: the credential was sent as basic auth" "Basic $BASIC_B64" "$got"
s=con-userinfo
start_tui "$s" "$SIZE" "$PAGETTY" --refresh 1s --alertmanager "http://$USER_NAME:$TOKEN@${G500_URL#http://}" \
	--alertmanager "http://$USER_NAME:$TOKEN@${REFUSED_URL#http://}" ||
	not_ok "userinfo: tmux starts pagetty"
assert_screen "$s" 'HTTP 500' 20 "userinfo: the console shows the error"
assert_screen "$s" 'refused|could not connect' 20 "userinfo: the console shows the refused source"
send "$s" d
sleep 0.5
grab "$s" userinfo
send "$s" '?'
sleep 0.5
grab "$s" userinfo-help
send "$s" Escape q
assert_exit "$s" 0 10 "userinfo: q exits 0"
kill_tui "$s"

# A config with a literal token: refused or warned about, never echoed.
cat >"$E2E_TMP/config-literal.yaml" <<YAML
alertmanagers:
  - name: literal
    url: "$AM1_URL"
    auth: {bearer_token: "$TOKEN"}
YAML
timeout 30 "$PAGETTY" --config "$E2E_TMP/config-literal.yaml" check >"$OUT/literal.out" 2>&1
if grep -Eqi 'bearer_token_env|secret|token' "$OUT/literal.out"; then
	ok "literal token in the config: a message about it"
else
	not_ok "literal token in the config: a message about it"
	diag_file "$OUT/literal.out"
fi

# The timeline files go with the captures.
for kind in bearer basic; do
	if [ -d "$E2E_TMP/timeline-$kind" ]; then
		cp -r "$E2E_TMP/timeline-$kind" "$OUT/"
	fi
done

# The verdict: nothing captured holds the secret.
n=$(find "$OUT" -type f | wc -l)
if [ "$n" -ge 30 ]; then
	ok "captured $n screens, outputs and files"
else
	not_ok "captured $n screens, outputs and files (want 30 or more)"
fi
leaks=$(grep -rlaE -- "$SECRET_RE" "$OUT" 2>/dev/null)
if [ -z "$leaks" ]; then
	ok "the token and password appear in none of the $n captures"
else
	not_ok "the token and password appear in none of the $n captures"
	for f in $leaks; do
		diag "leak in ${f#"$OUT"/}:"
		grep -naE -- "$SECRET_RE" "$f" | head -n 5 | sed 's/^/#   /'
	done
fi
# The grep itself can fail: the secret is there to find where it belongs.
if grep -q -- "$TOKEN" "$E2E_TMP/password"; then
	ok "the grep finds the token where it is expected (the password file)"
else
	not_ok "the grep finds the token where it is expected (the password file)"
fi

e2e_done
