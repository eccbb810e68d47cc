#!/usr/bin/env bash
# tests/e2e/test_safety.sh: process and terminal safety (issue 6, item 4)
# against a real Alertmanager pair, runbook tests/e2e/runbooks/E2ESafety.md.
#  - labels holding quotes, $(), backticks, ";", a newline and a leading "-"
#    are printed literally by a step and never run (the canary never exists);
#  - step output with OSC 52 (clipboard), OSC 0 (title), ESC [2J and "\r"
#    is shown escaped: the pane title and tmux's paste buffers stay unchanged
#    (a control pane proves that a raw OSC 52 would have filled a buffer);
#  - SIGHUP and SIGTERM during a running step restore the terminal (stty in
#    the pane's shell shows icanon echo), end the step's process and flush its
#    step_run event to the timeline;
#  - kill -9 during a step leaves every timeline line valid JSON;
#  - resizing to 20x10 and 300x100 mid-step: "too small", then full layout;
#  - Ctrl-Z from an interactive shell, then fg, redraws the screen;
#  - TERM=dumb: a clear message and exit 2.
. "$(dirname "$0")/lib.sh"

SIZE=160x45
NAP=41.321          # the long step's sleep, unique so pgrep finds only ours
PROMPT='safety-sh> '

need_pagetty
canary="/tmp/pwned-safety-$$"
rm -f "$canary"

canary_absent() {
	if [ -e "$canary" ]; then
		not_ok "$1: the canary $canary does not exist"
		rm -f "$canary"
	else
		ok "$1: the canary $canary does not exist"
	fi
}

# ERE-escape a literal string.
ere() {
	sed -e 's/[][\.*^$(){}?+|/]/\\&/g' <<<"$1"
}

nap_pids() {
	pgrep -fx "sleep $NAP"
}

nap_gone() {
	! nap_pids >/dev/null
}

# kill_naps: a kill -9'd pagetty cannot end its step; end that sleep (ours).
kill_naps() {
	local p
	for p in $(nap_pids); do
		kill -KILL "$p" 2>/dev/null
	done
}

start_alertmanager_pair || bail "start the alertmanager pair"

x1="'; touch $canary; '"
x2="\$(touch $canary)"
x3="\`touch $canary\`"
x4="a; touch $canary"
x5=$'b\ntouch '"$canary"
x6="-c touch $canary"
alert=$(python3 -c '
import json, sys
a = sys.argv[1:]
print(json.dumps([{"labels": {"alertname": "E2ESafety", "severity": "page",
    "service": "safety", "x1": a[0], "x2": a[1], "x3": a[2], "x4": a[3],
    "x5": a[4], "x6": a[5], "nap": a[6]},
  "annotations": {"summary": "safety e2e"}}]))' "$x1" "$x2" "$x3" "$x4" "$x5" "$x6" "$NAP")
post_alerts "$AM1_URL" "$alert" || bail "post the alert"
wait_alert E2ESafety "$AM1_URL" 30 || bail "the alert reaches the alertmanager"

# write_cfg NAME: a config whose timeline goes to $E2E_TMP/NAME-incidents.
write_cfg() {
	write_config "$E2E_TMP/$1.yaml" e2e "$AM1_URL" "$AM2_URL"
	cat >>"$E2E_TMP/$1.yaml" <<CONF
exec:
  shell: /bin/sh
  timeout: 120s
  output_limit: 64KiB
timeline:
  dir: "$E2E_TMP/$1-incidents"
CONF
}

# open_runbook SESSION: from the alert list into E2ESafety's runbook.
open_runbook() {
	assert_screen "$1" 'E2ESafety' 20 "$1: the console shows the alert" || return 1
	send "$1" Enter
	assert_screen "$1" 'Runbook for E2ESafety' 10 "$1: Enter opens the runbook"
}

# run_nap SESSION KEYS...: move with KEYS to step 3 (the long sleep), run it.
run_nap() {
	local s=$1
	shift
	send "$s" "$@"
	sleep 0.3
	send "$s" x
	if wait_screen "$s" 'napping' 10 && wait_until 5 nap_pids >/dev/null; then
		ok "$s: the long step runs (its sleep process exists)"
	else
		not_ok "$s: the long step runs (its sleep process exists)"
		dump_screen "$s"
		return 1
	fi
}

# timeline_check NAME nap|any: every line of config NAME's timeline is valid
# JSON, and it holds a step_run of the long step (nap) or of any step (any).
timeline_check() {
	python3 - "$E2E_TMP/$1-incidents" "$2" <<'PY'
import glob, json, os, sys
files = glob.glob(os.path.join(sys.argv[1], "*.jsonl"))
assert files, "no timeline file in " + sys.argv[1]
ev = []
for f in files:
    for n, line in enumerate(open(f, encoding="utf-8"), 1):
        if line.strip():
            try:
                ev.append(json.loads(line))
            except ValueError as e:
                sys.exit("%s:%d: %s: %r" % (f, n, e, line))
if sys.argv[2] == "nap":
    runs = [e for e in ev if e.get("event") == "step_run" and "napping" in (e.get("output") or "")]
    assert runs, [e.get("event") for e in ev]
elif sys.argv[2] == "any":
    assert any(e.get("event") == "step_run" for e in ev), [e.get("event") for e in ev]
PY
}

# ------------------------------------------------ hostile labels and output
write_cfg main
s=main
start_tui "$s" "$SIZE" "$PAGETTY" --config "$E2E_TMP/main.yaml" || bail "tmux starts pagetty"
e2e_tmux set -g set-clipboard on
e2e_tmux set -g allow-rename on 2>/dev/null
title0=$(e2e_tmux display -p -t "$s" '#{pane_title}')
open_runbook "$s" || e2e_stop

send "$s" Tab
sleep 0.2
send "$s" x
assert_screen "$s" 'ok exit 0' 10 "the label step ends with exit 0"
assert_screen "$s" "env1=\[$(ere "$x1")\]" 2 "quotes in a label are printed literally (environment)"
assert_screen "$s" "env2=\[$(ere "$x2")\]" 2 "\$() in a label is printed literally (environment)"
assert_screen "$s" "env3=\[$(ere "$x3")\]" 2 "backticks in a label are printed literally (environment)"
assert_screen "$s" "env4=\[$(ere "$x4")\]" 2 "a ; in a label is printed literally (environment)"
assert_screen "$s" "env6=\[$(ere "$x6")\]" 2 "a leading - in a label is printed literally (environment)"
assert_screen "$s" "tpl1=\[$(ere "$x1")\]" 2 "quotes through {{ \$labels }} stay one word"
assert_screen "$s" "tpl4=\[$(ere "$x4")\]" 2 "a ; through {{ \$labels }} stays one word"
assert_screen "$s" "tpl6=\[$(ere "$x6")\]" 2 "a leading - through {{ \$labels }} stays one argument"
assert_screen "$s" "tpl5=\[b" 2 "a newline through {{ \$labels }} stays inside the word"
canary_absent "after the label step"

send "$s" j
sleep 0.2
send "$s" x
assert_screen "$s" 'over=\[' 10 "the control-sequence step's output is shown"
assert_screen "$s" 'osc52=\[(\\e|\^\[|\\x1[bB]|\\033)\]52;c;cHduZWQtY2xpcGJvYXJk' 2 "OSC 52 (clipboard) is shown escaped"
assert_screen "$s" 'clear=\[(\\e|\^\[|\\x1[bB]|\\033)\[2J\]' 2 "ESC [2J is shown escaped"
assert_screen "$s" 'over=\[visible(\\r|\^M|\\x0[dD])HIDDEN\]' 2 "a carriage return is shown escaped, nothing overwritten"
assert_screen "$s" 'title=\[(\\e|\^\[|\\x1[bB]|\\033)\]0;pwned-title' 2 "OSC 0 (title) is shown escaped"
assert_screen "$s" 'Runbook for E2ESafety' 1 "the screen was not cleared"
title1=$(e2e_tmux display -p -t "$s" '#{pane_title}')
assert_eq "the pane title is unchanged" "$title0" "$title1"
bufs=$(e2e_tmux list-buffers -F '#{buffer_name}' 2>/dev/null)
assert_eq "no tmux paste buffer was set (clipboard untouched)" "" "$bufs"
[ -n "$bufs" ] && diag "$(e2e_tmux show-buffer 2>&1)"

# The controls: a raw OSC 52 / OSC 0 in a pane does fill a buffer / set the
# title, so the checks above can fail.
start_tui control 40x5 sh -c 'printf "\033]52;c;Y29udHJvbA==\007\033]0;ctl-title\007"; sleep 3'
if wait_until 5 sh -c "tmux -L '$E2E_TMUX_SOCK' show-buffer 2>/dev/null | grep -qx control"; then
	ok "control: raw OSC 52 from a pane does set a tmux buffer (the check is live)"
else
	not_ok "control: raw OSC 52 from a pane does set a tmux buffer (the check is live)"
fi
ctl_title() {
	[ "$(e2e_tmux display -p -t control '#{pane_title}')" = ctl-title ]
}
if wait_until 5 ctl_title; then
	ok "control: raw OSC 0 from a pane does set its title (the check is live)"
else
	not_ok "control: raw OSC 0 from a pane does set its title (the check is live)"
fi
kill_tui control
e2e_tmux delete-buffer 2>/dev/null

# ------------------------------------------------ resize mid-command
run_nap "$s" j || e2e_stop
e2e_tmux resize-window -t "$s" -x 20 -y 10
assert_screen "$s" 'too small' 5 "resized to 20x10 mid-command: says the terminal is too small"
assert_alive "$s" "alive at 20x10"
e2e_tmux resize-window -t "$s" -x 300 -y 100
assert_screen "$s" 'Runbook for E2ESafety' 5 "resized to 300x100: the full layout is back"
assert_screen "$s" 'running [0-9.]+s' 5 "... and the step is still running"
cols=$(screen "$s" | python3 -c 'import sys; print(max(len(l.rstrip()) for l in sys.stdin))')
if [ "$cols" -gt 160 ]; then
	ok "the layout uses the 300 columns ($cols wide)"
else
	not_ok "the layout uses the 300 columns ($cols wide)"
	dump_screen "$s"
fi
assert_alive "$s" "alive at 300x100"
canary_absent "after the resizes"

# ------------------------------------------------ kill -9 during a command
e2e_tmux resize-window -t "$s" -x 160 -y 45
ppid=$(e2e_tmux display -p -t "$s" '#{pane_pid}')
pt=$(pgrep -P "$ppid" | head -n1)   # the pane's sh runs env, which execs pagetty
if [ -n "$pt" ] && nap_pids >/dev/null; then
	kill -KILL "$pt"
	assert_exit "$s" 137 5 "kill -9 ends pagetty"
	if out=$(timeline_check main any 2>&1); then
		ok "after kill -9 every timeline line parses as JSON (and the earlier step_run is there)"
	else
		not_ok "after kill -9 every timeline line parses as JSON (and the earlier step_run is there)"
		diag "$out"
	fi
else
	not_ok "find pagetty's pid for kill -9, the long step still running"
fi
kill_naps
wait_until 5 nap_gone
canary_absent "after kill -9"

# ------------------------------------------------ signals from a shell
# shell_session NAME: an interactive bash in a pane, pagetty started from it.
shell_session() {
	start_tui "$1" "$SIZE" env PS1="$PROMPT" bash --norc --noprofile -i ||
		return 1
	wait_screen "$1" "^safety-sh>" 10 || return 1
	send_text "$1" "stty sane; $PAGETTY --config $E2E_TMP/$1.yaml & echo \$! >$E2E_TMP/$1.pid; fg"
	send "$1" Enter
}

for sig in HUP TERM; do
	s=sig$sig
	write_cfg "$s"
	shell_session "$s" || { not_ok "$s: start a shell and pagetty in it"; continue; }
	open_runbook "$s" || continue
	run_nap "$s" Tab j j || continue
	pid=$(cat "$E2E_TMP/$s.pid")
	kill -"$sig" "$pid"
	if wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"; then
		ok "SIG$sig ends pagetty"
	else
		not_ok "SIG$sig ends pagetty"
		kill -KILL "$pid" 2>/dev/null
	fi
	if wait_until 10 nap_gone; then
		ok "SIG$sig ends the running step's process"
	else
		not_ok "SIG$sig ends the running step's process"
		diag "$(pgrep -fa "sleep $NAP")"
		kill_naps
	fi
	send_text "$s" "echo rc=\$?; stty -a >$E2E_TMP/$s.stty; echo stty-done"
	send "$s" Enter
	assert_screen "$s" "rc=$((128 + $(kill -l "$sig")))" 5 "SIG$sig: pagetty exits 128+$(kill -l "$sig")"
	if wait_until 5 grep -qs . "$E2E_TMP/$s.stty" &&
		wait_screen "$s" '^stty-done' 5 &&
		grep -Eq '(^| )icanon( |$)' "$E2E_TMP/$s.stty" &&
		grep -Eq '(^| )echo( |$)' "$E2E_TMP/$s.stty"; then
		ok "SIG$sig restores the terminal (stty -a: icanon echo)"
	else
		not_ok "SIG$sig restores the terminal (stty -a: icanon echo)"
		diag_file "$E2E_TMP/$s.stty"
		dump_screen "$s"
	fi
	if out=$(timeline_check "$s" nap 2>&1); then
		ok "SIG$sig flushes the running step's step_run event to the timeline"
	else
		not_ok "SIG$sig flushes the running step's step_run event to the timeline"
		diag "$out"
	fi
	kill_tui "$s"
done

# ------------------------------------------------ Ctrl-Z / fg
s=susp
write_cfg "$s"
if shell_session "$s" && open_runbook "$s"; then
	send "$s" C-z
	assert_screen "$s" 'Stopped' 5 "Ctrl-Z suspends pagetty to the shell"
	assert_screen_gone "$s" 'Runbook for E2ESafety' 5 "the shell has the screen back"
	send_text "$s" "stty -a >$E2E_TMP/$s.stty; fg"
	send "$s" Enter
	if wait_until 5 grep -qs . "$E2E_TMP/$s.stty" &&
		grep -Eq '(^| )icanon( |$)' "$E2E_TMP/$s.stty" &&
		grep -Eq '(^| )echo( |$)' "$E2E_TMP/$s.stty"; then
		ok "while suspended the terminal is sane (icanon echo)"
	else
		not_ok "while suspended the terminal is sane (icanon echo)"
		diag_file "$E2E_TMP/$s.stty"
	fi
	assert_screen "$s" 'Runbook for E2ESafety' 5 "fg redraws pagetty's screen"
	send "$s" j
	assert_screen "$s" 'Print terminal control' 5 "keys work after fg"
	send "$s" Escape
	sleep 0.3
	send "$s" q
	assert_screen "$s" "^safety-sh> *$" 5 "q returns to the shell"
else
	not_ok "$s: start a shell and pagetty in it"
fi
kill_tui "$s"

# ------------------------------------------------ TERM=dumb
out=$(TERM=dumb "$PAGETTY" --config "$E2E_TMP/main.yaml" 2>&1 </dev/null)
rc=$?
assert_eq "TERM=dumb exits 2" 2 "$rc"
if grep -q 'TERM=dumb' <<<"$out"; then
	ok "TERM=dumb says why (names TERM=dumb)"
else
	not_ok "TERM=dumb says why (names TERM=dumb)"
	diag "$out"
fi

kill_naps
canary_absent "at the end"
rm -f "$canary"
e2e_done
