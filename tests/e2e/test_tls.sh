#!/usr/bin/env bash
# tests/e2e/test_tls.sh: TLS verification is on by default. openssl makes a
# CA and a server certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1); an
# ssl-wrapped Python http.server (tests/e2e/garbage_server.py healthy --tls)
# serves a valid alerts array. Without tls.ca_file the console and
# `pagetty check` show a clear certificate error; with tls.ca_file the alert
# shows and check passes; insecure_skip_verify: true also works, and only for
# the source that sets it; the right CA with the wrong host name still fails.
. "$(dirname "$0")/lib.sh"

SIZE=200x30
CERT_RE='[Cc]ertificate'

need_pagetty
command -v openssl >/dev/null || bail "openssl is installed"

CERTS=$E2E_TMP/certs
mkdir -p "$CERTS"
(
	cd "$CERTS" &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=pagetty-e2e-ca \
		-keyout ca.key -out ca.pem &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
		-keyout srv.key -out srv.csr &&
	printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >ext &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
		-days 2 -extfile ext -out srv.pem
) >"$E2E_TMP/openssl.log" 2>&1 || { diag_file "$E2E_TMP/openssl.log"; bail "openssl makes a CA and a server certificate"; }
ok "openssl made a CA and a server certificate for IP:127.0.0.1"

port=$(free_port) || bail "a free port"
e2e_spawn "tls server" "$E2E_TMP/tls-server.log" python3 -u \
	"$E2E_ROOT/tests/e2e/garbage_server.py" healthy "$port" \
	--tls "$CERTS/srv.pem" "$CERTS/srv.key" --lifetime 400
TLS_PID=$E2E_LAST_PID
wait_until 10 grep -qs '^ready' "$E2E_TMP/tls-server.log" || { diag_file "$E2E_TMP/tls-server.log"; bail "the TLS server starts"; }
URL="https://127.0.0.1:$port"
# The server is right: curl with the CA file gets the alerts.
if curl -fsS --max-time 5 --cacert "$CERTS/ca.pem" "$URL/api/v2/alerts" | grep -q GarbageRecovered; then
	ok "curl --cacert gets the alerts from the TLS server"
else
	bail "curl --cacert gets the alerts from the TLS server"
fi
if curl -fsS --max-time 5 "$URL/api/v2/alerts" >/dev/null 2>&1; then
	not_ok "curl without the CA fails (the certificate is not trusted by the system)"
else
	ok "curl without the CA fails (the certificate is not trusted by the system)"
fi

# config FILE NAME URL TLS_YAML...: one source per (name, url, tls) triple.
config() {
	local file=$1
	shift
	{
		echo "refresh: 1s"
		echo "alertmanagers:"
		while [ $# -ge 3 ]; do
			echo "  - name: $1"
			echo "    url: \"$2\""
			[ -n "$3" ] && echo "    tls: $3"
			shift 3
		done
	} >"$file"
}

# check_cmd DESC CONFIG WANT_RC REGEX: pagetty check's status and output.
check_cmd() {
	local desc=$1 cfg=$2 want=$3 re=$4 out rc
	out=$(timeout 30 "$PAGETTY" --config "$cfg" check 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && grep -Eq -- "$re" <<<"$out"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "status $rc (want $want), want /$re/ in:" "$out"
	fi
}

# console_shows DESC CONFIG REGEX: the console shows REGEX, q exits 0.
console_shows() {
	local desc=$1 cfg=$2 re=$3 s
	s=tls-$((E2E_COUNT + 1))
	start_tui "$s" "$SIZE" "$PAGETTY" --config "$cfg" || { not_ok "$desc: tmux starts pagetty"; return; }
	assert_screen "$s" "$re" 20 "$desc"
	send "$s" q
	assert_exit "$s" 0 10 "$desc: q exits 0"
	kill_tui "$s"
}

# 1. Default: verification on, the self-signed CA is not trusted.
config "$E2E_TMP/default.yaml" plain "$URL" ""
console_shows "no ca_file: the console shows a certificate error" "$E2E_TMP/default.yaml" "plain DOWN: .*$CERT_RE"
check_cmd "no ca_file: check FAILs naming the certificate" "$E2E_TMP/default.yaml" 1 "FAIL.*$CERT_RE"
out=$(timeout 30 "$PAGETTY" --config "$E2E_TMP/default.yaml" alerts 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q "$CERT_RE" <<<"$out" && ! grep -q GarbageRecovered <<<"$out"; then
	ok "no ca_file: pagetty alerts exits 1 with the certificate error, no alerts"
else
	not_ok "no ca_file: pagetty alerts exits 1 with the certificate error, no alerts"
	diag "status $rc" "$out"
fi
out=$(timeout 30 "$PAGETTY" --alertmanager "$URL" check 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -Eq "FAIL.*$CERT_RE" <<<"$out"; then
	ok "--alertmanager https URL: check FAILs naming the certificate"
else
	not_ok "--alertmanager https URL: check FAILs naming the certificate"
	diag "status $rc" "$out"
fi
config "$E2E_TMP/explicit-false.yaml" plain "$URL" "{insecure_skip_verify: false}"
check_cmd "insecure_skip_verify: false still verifies" "$E2E_TMP/explicit-false.yaml" 1 "FAIL.*$CERT_RE"

# 2. tls.ca_file: trusted.
config "$E2E_TMP/ca.yaml" withca "$URL" "{ca_file: \"$CERTS/ca.pem\"}"
console_shows "ca_file: the alert shows" "$E2E_TMP/ca.yaml" 'GarbageRecovered'
check_cmd "ca_file: check passes" "$E2E_TMP/ca.yaml" 0 "withca .* ok"
out=$(timeout 30 "$PAGETTY" --config "$E2E_TMP/ca.yaml" alerts 2>&1)
rc=$?
if [ "$rc" = 0 ] && grep -q GarbageRecovered <<<"$out"; then
	ok "ca_file: pagetty alerts prints the alert"
else
	not_ok "ca_file: pagetty alerts prints the alert"
	diag "status $rc" "$out"
fi
# The right CA, the wrong name: the certificate is for IP 127.0.0.1 only.
if getent hosts localhost | grep -q '127\.0\.0\.1'; then
	config "$E2E_TMP/name.yaml" wrongname "https://localhost:$port" "{ca_file: \"$CERTS/ca.pem\"}"
	check_cmd "ca_file with the wrong host name: check FAILs" "$E2E_TMP/name.yaml" 1 \
		"FAIL.*([Cc]ertificate|name|host)"
fi
# A CA file that is not a CA: a clear error, not a crash.
printf 'not a certificate\n' >"$E2E_TMP/bad.pem"
config "$E2E_TMP/badca.yaml" badca "$URL" "{ca_file: \"$E2E_TMP/bad.pem\"}"
check_cmd "a broken ca_file: check FAILs" "$E2E_TMP/badca.yaml" 1 "FAIL.*(CA|[Cc]ertificate)"

# 3. insecure_skip_verify: true works, and only for the source that sets it
# (both sources point at the same server).
config "$E2E_TMP/insecure.yaml" skip "$URL" "{insecure_skip_verify: true}"
check_cmd "insecure_skip_verify: check passes" "$E2E_TMP/insecure.yaml" 0 "skip .* ok"
console_shows "insecure_skip_verify: the alert shows" "$E2E_TMP/insecure.yaml" 'GarbageRecovered'
config "$E2E_TMP/mixed.yaml" skip "$URL" "{insecure_skip_verify: true}" strict "$URL" ""
out=$(timeout 30 "$PAGETTY" --config "$E2E_TMP/mixed.yaml" check 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -Eq "^skip .* ok" <<<"$out" && grep -Eq "^strict .*FAIL.*$CERT_RE" <<<"$out"; then
	ok "insecure_skip_verify on one source does not spill to another on the same server"
else
	not_ok "insecure_skip_verify on one source does not spill to another on the same server"
	diag "status $rc" "$out"
fi
console_shows "mixed: the strict source shows the certificate error in the console" \
	"$E2E_TMP/mixed.yaml" "strict DOWN: .*$CERT_RE"

stop_pid "$TLS_PID"
e2e_done
