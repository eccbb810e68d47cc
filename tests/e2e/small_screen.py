#!/usr/bin/env python3
"""tests/e2e/small_screen.py: checks on a captured screen for test_small.sh,
too structural for one regex. Reads `tmux capture-pane -p` (or -e -p for
colours) on stdin; exits 0 when the check holds, else 1 with the reason on
stdout (the test prints it as a diagnostic).

    small_screen.py chart_rows TITLE        the rows under the chart TITLE's
                                            first row (and its legend row) are
                                            plot rows holding only dots and
                                            dashes, then the time axis
                                            (nothing overwrote them)
    small_screen.py dashed TITLE yes|no     a dashed threshold line is (not)
                                            drawn in TITLE's plot rows
    small_screen.py legend TITLE N MORE LABEL...
                                            TITLE's legend (on its first row
                                            or the row under it) names N
                                            distinct series, each one of
                                            LABEL..., each with a value, and
                                            ends "+MORE more" (MORE 0: none)
    small_screen.py colour LINE VALUE red|other
                                            (capture -e) on the first line
                                            matching LINE, the first text
                                            matching VALUE is drawn red, or
                                            is shown and not red
    small_screen.py count REGEX N           exactly N lines match REGEX
"""
import re
import sys

MARK = "\u28ff"    # a series' legend mark in braille with colours
BAR = "\u258c"     # the y axis
DASH = "\u2504"    # the threshold line


def fail(msg):
    print(msg)
    sys.exit(1)


def chart_at(lines, title):
    """Index of the chart's first row: " TITLE  ..." at the left edge."""
    for i, line in enumerate(lines):
        if re.match(r"^ %s(  |$)" % re.escape(title), line):
            return i
    fail("no chart titled %r on the screen" % title)


def plot_rows(lines, i):
    """The plot rows under the first row (and the legend row, if any)."""
    rows = []
    j = i + 1
    if j < len(lines) and BAR not in lines[j] and MARK in lines[j]:
        j += 1  # the legend's own row
    while j < len(lines) and BAR in lines[j]:
        rows.append(lines[j])
        j += 1
    return rows, j


def red_chars(raw):
    """A line of capture-pane -e: its text, and per character whether its
    foreground is red (SGR 31 or 91, or 256-colour 1 or 9)."""
    plain, red, fg_red = [], [], False
    for m in re.finditer(r"\x1b\[([0-9;]*)m|(.)", raw):
        if m.group(2) is not None:
            plain.append(m.group(2))
            red.append(fg_red)
            continue
        ps = [int(p) if p else 0 for p in m.group(1).split(";")]
        k = 0
        while k < len(ps):
            p = ps[k]
            if p == 0 or p == 39:
                fg_red = False
            elif 30 <= p <= 37 or 90 <= p <= 97:
                fg_red = p in (31, 91)
            elif p == 38 and k + 2 < len(ps) and ps[k + 1] == 5:
                fg_red = ps[k + 2] in (1, 9)
                k += 2
            elif p in (38, 48) and k + 1 < len(ps) and ps[k + 1] == 2:
                k += 4
            elif p == 48 and k + 2 < len(ps) and ps[k + 1] == 5:
                k += 2
            k += 1
    return "".join(plain), red


def main():
    what, args = sys.argv[1], sys.argv[2:]
    text = sys.stdin.read()
    lines = text.split("\n")
    if what == "chart_rows":
        i = chart_at(lines, args[0])
        if BAR in lines[i]:
            fail("the first row of %r holds a plot row: %r" % (args[0], lines[i]))
        rows, j = plot_rows(lines, i)
        if len(rows) < 2:
            fail("%r has %d plot rows under %r" % (args[0], len(rows), lines[i]))
        for r in rows:
            if not re.match(r"^ *[0-9.]*[a-zµ%/]*" + BAR, r):
                fail("a plot row of %r does not start with its axis: %r" % (args[0], r))
            # after the axis only dots and the threshold line: no text
            # (a legend or a title) drawn over the plot
            if not re.fullmatch("[\u2800-\u28ff\u2504 ]*", r.split(BAR, 1)[1]):
                fail("a plot row of %r holds text: %r" % (args[0], r))
        if j >= len(lines) or not re.search(r"-[0-9]+[smhd].*now$", lines[j]):
            fail("no time axis under the plot of %r: %r" % (args[0], lines[j] if j < len(lines) else ""))
    elif what == "dashed":
        i = chart_at(lines, args[0])
        rows, _ = plot_rows(lines, i)
        has = any(DASH in r for r in rows)
        if has != (args[1] == "yes"):
            fail("%r: dashed line %s in %r" % (args[0], "drawn" if has else "missing", rows))
    elif what == "legend":
        title, n, more, allowed = args[0], int(args[1]), int(args[2]), set(args[3:])
        i = chart_at(lines, title)
        legend = lines[i]
        if MARK not in legend and i + 1 < len(lines):
            legend = lines[i + 1]
        entries = re.findall(MARK + r" (\S+) ([0-9.]+(?:[a-zµ%]+)?(?:/s)?)(?:  |$)", legend)
        labels = [e[0] for e in entries]
        if len(entries) != n or len(set(labels)) != n:
            fail("%r: legend entries %r in %r, want %d distinct" % (title, entries, legend, n))
        for lab in labels:
            if lab not in allowed:
                fail("%r: legend label %r is not one of %r (cut or garbled?)" % (title, lab, sorted(allowed)))
        if more and not legend.endswith("  +%d more" % more):
            fail("%r: legend %r does not end with +%d more" % (title, legend, more))
        if not more and "more" in legend:
            fail("%r: legend %r says more" % (title, legend))
    elif what == "colour":
        for raw in lines:
            plain, red = red_chars(raw)
            if not re.search(args[0], plain):
                continue
            m = re.search(args[1], plain)
            if not m:
                fail("%r is not on the line %r" % (args[1], plain))
            if red[m.start()] != (args[2] == "red"):
                fail("%r on %r is %s, want %s" % (m.group(0), plain,
                     "red" if red[m.start()] else "not red", args[2]))
            return
        fail("no line matches %r" % args[0])
    elif what == "count":
        got = sum(1 for line in lines if re.search(args[0], line))
        if got != int(args[1]):
            fail("%d lines match %r, want %s" % (got, args[0], args[1]))
    else:
        fail("unknown check " + what)


main()
