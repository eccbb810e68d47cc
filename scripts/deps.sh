#!/usr/bin/env bash
# scripts/deps.sh: install the Debian packages pagetty needs, only those missing.
#   scripts/deps.sh build   compiler, make, pkg-config and the -dev libraries
#   scripts/deps.sh test    build + cmocka, tmux, the Prometheus servers, curl,
#                           python3, valgrind, clang
# Quiet when everything is present. As root it runs apt-get (update once, then
# install) with services kept from starting; otherwise it prints the command to
# run and exits 1.
set -euo pipefail

BUILD_PKGS=(gcc make pkg-config libncurses-dev libcurl4-openssl-dev libcjson-dev
	libyaml-dev libcmark-dev)
TEST_PKGS=(libcmocka-dev tmux prometheus prometheus-alertmanager
	prometheus-pushgateway curl python3 valgrind clang libclang-rt-14-dev)

usage() {
	echo "usage: $0 build|test" >&2
	exit 2
}

[ $# -eq 1 ] || usage
case "$1" in
build) want=("${BUILD_PKGS[@]}") ;;
test) want=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}") ;;
*) usage ;;
esac

installed() {
	local status
	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[ "$status" = "install ok installed" ]
}

missing=()
for p in "${want[@]}"; do
	installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO=(sudo -n)
else
	echo "pagetty: missing Debian packages: ${missing[*]}" >&2
	echo "install them as root with:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

# Packages like prometheus try to start their daemons on install; a
# policy-rc.d that exits 101 tells invoke-rc.d not to. Only ours is removed.
POLICY=/usr/sbin/policy-rc.d
own_policy=0
cleanup() {
	if [ "$own_policy" -eq 1 ]; then
		"${SUDO[@]}" rm -f "$POLICY"
	fi
}
trap cleanup EXIT
if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
	"${SUDO[@]}" chmod 755 "$POLICY"
	own_policy=1
fi

# Daemons already running before the install are not ours to stop.
DAEMONS=(prometheus prometheus-alertmanager prometheus-pushgateway prometheus-node-exporter)
# Debian's init scripts run them as user prometheus; the process name is
# cut to 15 characters, so match the command line.
daemon_pids() {
	pgrep -u prometheus -f "^(/usr/bin/)?$1( |\$)" 2>/dev/null || true
}
before=""
for d in "${DAEMONS[@]}"; do
	before+=" $(daemon_pids "$d" | tr '\n' ' ')"
done

echo "pagetty: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	--no-install-recommends "${missing[@]}"

# If a service started anyway (systemd ignores policy-rc.d on some setups),
# stop it and kill any daemon process that was not running before.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	for d in "${DAEMONS[@]}"; do
		"${SUDO[@]}" systemctl stop "$d" 2>/dev/null || true
		"${SUDO[@]}" systemctl disable "$d" 2>/dev/null || true
	done
fi
for d in "${DAEMONS[@]}"; do
	for pid in $(daemon_pids "$d"); do
		case " $before " in
		*" $pid "*) ;;
		*) "${SUDO[@]}" kill "$pid" 2>/dev/null || true ;;
		esac
	done
done

still=()
for p in "${missing[@]}"; do
	installed "$p" || still+=("$p")
done
if [ ${#still[@]} -ne 0 ]; then
	echo "pagetty: still missing after install: ${still[*]}" >&2
	exit 1
fi
exit 0
