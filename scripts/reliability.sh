#!/usr/bin/env bash
# scripts/reliability.sh: generate docs/RELIABILITY.md from the logs of the
# last test run (build/test-logs/, build-asan/test-logs/): every fault,
# hostile input and signal the suites tried, the behaviour each asserted (the
# TAP line) and the result, with the date of the run that produced it.
#   scripts/reliability.sh [OUT]     default OUT: docs/RELIABILITY.md
# tests/run calls it at the end of every run, so the table follows the tests.
# Rows come only from logs: a suite whose log is missing is listed as
# "not run", never as passing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${1:-docs/RELIABILITY.md}
mkdir -p "$(dirname "$OUT")"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

python3 - "$OUT" "$commit" <<'PY'
import datetime, glob, os, re, sys

out, commit = sys.argv[1], sys.argv[2]

# The e2e suites about faults and hostile input, in the order of issue 6.
E2E = ["test_faults", "test_faultmodes", "test_hostile", "test_safety",
       "test_secrets", "test_tls", "test_valgrind", "test_slowstream"]
LOGDIRS = [("build/test-logs", ""), ("build-asan/test-logs", "ASan+UBSan")]
TAP = re.compile(r"^(ok|not ok)( [0-9]+)?( - (.*))?$")


def when(path):
    t = os.path.getmtime(path)
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def cell(s):
    s = s.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
    return s.replace("<", "&lt;").replace(">", "&gt;")


def tap(path):
    rows = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = TAP.match(line.rstrip("\n"))
            if m:
                rows.append((m.group(1) == "ok", (m.group(4) or "").strip()))
    return rows


def about(script):
    """The first comment paragraph of an e2e script, minus its file name."""
    try:
        lines = open(script, encoding="utf-8").read().splitlines()
    except OSError:
        return ""
    text = []
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        text.append(line.lstrip("#").strip())
    s = " ".join(t for t in text if t)
    s = re.sub(r"^tests/e2e/\S+:\s*", "", s)
    return s


def result(ok):
    return "pass" if ok else "**FAIL**"


total_p = total_f = 0
body = []

body.append("## End-to-end: faults, hostile input, signals\n")
for name in E2E:
    for logdir, variant in LOGDIRS:
        log = os.path.join(logdir, name + ".log")
        if not os.path.exists(log):
            if not variant:
                body.append("### %s\n\nnot run (no %s)\n" % (name, log))
            continue
        rows = tap(log)
        p = sum(1 for ok, _ in rows if ok)
        f = len(rows) - p
        total_p += p
        total_f += f
        title = name + (" (%s)" % variant if variant else "")
        body.append("### %s\n" % title)
        desc = about(os.path.join("tests/e2e", name + ".sh"))
        if desc:
            body.append(desc + "\n")
        body.append("Run %s: %d passed, %d failed.\n" % (when(log), p, f))
        body.append("| # | behaviour asserted | result | date |")
        body.append("|---|---|---|---|")
        d = when(log)
        for i, (ok, text) in enumerate(rows, 1):
            body.append("| %d | %s | %s | %s |" % (i, cell(text), result(ok), d))
        if not rows:
            body.append("| - | (no TAP line in the log) | **FAIL** | %s |" % d)
            total_f += 1
        body.append("")

# Other e2e suites that the sanitizer phase ran (console, walker): one row each.
body.append("## Unit suites and sanitizer runs\n")
body.append("Every parser and module suite (cmocka), on the normal build and on the")
body.append("ASan+UBSan build (`make test-asan`, part of `make test`; any sanitizer")
body.append("report aborts the binary and fails the suite).\n")
body.append("| suite | build | passed | failed | result | date |")
body.append("|---|---|---|---|---|---|")
for logdir, variant in LOGDIRS:
    logs = sorted(glob.glob(os.path.join(logdir, "test_*.log")))
    for log in logs:
        name = os.path.basename(log)[:-4]
        if name in E2E:
            continue
        is_unit = os.path.exists(os.path.join("tests/unit", name + ".c"))
        # A unit test and an e2e script of the same name share one log;
        # tests/run runs e2e last, so on the normal build the log is the
        # e2e one (the sanitizer phase runs only unit and three e2e suites).
        if is_unit and not variant and os.path.exists(os.path.join("tests/e2e", name + ".sh")):
            is_unit = False
        if not is_unit and not variant and "fuzz" not in name:
            continue  # plain functional e2e suites are not listed here
        rows = tap(log)
        p = sum(1 for ok, _ in rows if ok)
        f = len(rows) - p
        if not rows:
            f = 1
        total_p += p
        total_f += f
        kind = "unit" if is_unit else "e2e"
        body.append("| %s (%s) | %s | %d | %d | %s | %s |" % (
            name, kind, variant or "normal", p, f, result(f == 0), when(log)))
body.append("")

# The fuzz phase of tests/run: one row per libFuzzer target.
FUZZ_TAP = re.compile(r"^fuzz (\S+): (.*)$")


def fuzz_about(target):
    """The first sentence of a fuzz target's leading comment."""
    try:
        text = open(os.path.join("tests/fuzz", "fuzz_%s.c" % target), encoding="utf-8").read()
    except OSError:
        return ""
    m = re.match(r"/\*(.*?)\*/", text, re.S)
    if not m:
        return ""
    s = " ".join(l.strip().lstrip("*").strip() for l in m.group(1).splitlines())
    s = re.sub(r"^fuzz_\S+:\s*(libFuzzer target for\s*)?", "", s.strip())
    s = s.split(". ")[0].rstrip(".")
    if len(s) > 120:  # a long first sentence: up to its first ':'
        cut = s.find(": ", 20)
        s = s[:cut] if cut > 0 else s[:120] + "..."
    return s


body.append("## Fuzzing (libFuzzer, ASan+UBSan)\n")
body.append("Each target replays every crasher kept in `tests/fuzz/regressions/`, then")
body.append("fuzzes from its seeds; a crash, leak, UB report, timeout, slow unit or a")
body.append("broken property assertion (FUZZ_ASSERT) fails it.\n")
flog = "build/test-logs/fuzz.log"
if not os.path.exists(flog):
    body.append("not run (no %s)\n" % flog)
else:
    d = when(flog)
    rows = tap(flog)
    body.append("| target | parser | run | result | date |")
    body.append("|---|---|---|---|---|")
    for ok, text in rows:
        m = FUZZ_TAP.match(text)
        target, run = (m.group(1), m.group(2)) if m else ("?", text)
        if ok:
            total_p += 1
        else:
            total_f += 1
        body.append("| %s | %s | %s | %s | %s |" % (
            cell(target), cell(fuzz_about(target)), cell(run), result(ok), d))
    if not rows:
        body.append("| - | (no TAP line in the log) | | **FAIL** | %s |" % d)
        total_f += 1
    body.append("")

now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
head = [
    "# pagetty reliability: faults, hostile input and signals tried",
    "",
    "Generated by `scripts/reliability.sh` from the logs of the last `make test`",
    "(`tests/run`) on %s, commit %s. Do not edit by hand: run the tests." % (now, commit),
    "Each row is one TAP assertion of a suite; the date is when that suite's log",
    "was written. Totals: **%d passed, %d failed**." % (total_p, total_f),
    "",
]
tmp = out + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    f.write("\n".join(head + body).rstrip("\n") + "\n")
os.replace(tmp, out)
PY
