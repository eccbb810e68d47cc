#!/usr/bin/env python3
"""keyprobe.py: measure how fast a TUI answers a key, from outside tmux.

    keyprobe.py CTL_DIR -- CMD [ARG...]

Runs CMD in a pty of its own and relays it to and from our terminal (the
tmux pane), so the pane shows CMD exactly as if it ran there. CTL_DIR/pid
holds CMD's pid. A line "KEY REGEX" written into the FIFO CTL_DIR/probe
(created here) makes the relay write KEY (one byte, or "ESC") straight into
CMD's pty and time, with a monotonic clock, the gap from that write to the
first moment CMD's output since the write matches REGEX (a Python bytes
regex); the whole milliseconds go to CTL_DIR/result (99999 when nothing
matched within 3 s). Timing at the pty, not through tmux send-keys and
capture-pane round trips, is what makes a 100 ms bound meaningful on a
loaded two-core box. Exits with CMD's status (128+N when killed by signal N).
"""
import errno
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
import tty

PROBE_TIMEOUT = 3.0


def copy_winsize(src_fd, dst_fd):
    try:
        ws = fcntl.ioctl(src_fd, termios.TIOCGWINSZ, b"\0" * 8)
        fcntl.ioctl(dst_fd, termios.TIOCSWINSZ, ws)
    except OSError:
        pass


def write_all(fd, data):
    while data:
        try:
            n = os.write(fd, data)
        except InterruptedError:
            continue
        except BlockingIOError:
            select.select([], [fd], [], 0.05)
            continue
        data = data[n:]


def put_result(ctl, ms):
    tmp = os.path.join(ctl, "result.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % ms)
    os.rename(tmp, os.path.join(ctl, "result"))


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.stderr.write("usage: keyprobe.py CTL_DIR -- CMD [ARG...]\n")
        return 2
    ctl, argv = sys.argv[1], sys.argv[3:]
    fifo = os.path.join(ctl, "probe")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)

    pid, master = pty.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        except OSError as e:
            os.write(2, ("keyprobe: %s: %s\n" % (argv[0], e.strerror)).encode())
        os._exit(127)

    with open(os.path.join(ctl, "pid"), "w") as f:
        f.write("%d\n" % pid)
    stdin = sys.stdin.fileno()
    stdout = sys.stdout.fileno()
    saved = None
    if os.isatty(stdin):
        copy_winsize(stdin, master)
        saved = termios.tcgetattr(stdin)
        tty.setraw(stdin)
    signal.signal(signal.SIGWINCH, lambda *_: copy_winsize(stdin, master))
    # O_RDWR: the FIFO never reports EOF when a writer closes it.
    probe_fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    probe_buf = b""
    pending = None          # (regex, t0, output since t0)
    fds = [master, stdin, probe_fd]
    try:
        while True:
            timeout = None
            if pending:
                timeout = max(0.0, pending[1] + PROBE_TIMEOUT - time.monotonic())
            try:
                ready, _, _ = select.select(fds, [], [], timeout)
            except InterruptedError:
                continue
            now = time.monotonic()
            if pending and now - pending[1] >= PROBE_TIMEOUT:
                put_result(ctl, 99999)
                pending = None
            if master in ready:
                try:
                    data = os.read(master, 65536)
                except OSError as e:
                    if e.errno != errno.EIO:
                        raise
                    data = b""
                if not data:
                    break
                if pending:
                    out = pending[2] + data
                    if pending[0].search(out):
                        put_result(ctl, int((now - pending[1]) * 1000))
                        pending = None
                    else:
                        pending = (pending[0], pending[1], out[-65536:])
                write_all(stdout, data)
            if stdin in ready:
                data = os.read(stdin, 4096)
                if data:
                    write_all(master, data)
                else:
                    fds.remove(stdin)
            if probe_fd in ready:
                probe_buf += os.read(probe_fd, 4096)
                while b"\n" in probe_buf:
                    line, probe_buf = probe_buf.split(b"\n", 1)
                    key, _, regex = line.partition(b" ")
                    key = b"\x1b" if key == b"ESC" else key[:1]
                    try:
                        os.unlink(os.path.join(ctl, "result"))
                    except FileNotFoundError:
                        pass
                    pending = (re.compile(regex), time.monotonic(), b"")
                    write_all(master, key)
    finally:
        if saved is not None:
            termios.tcsetattr(stdin, termios.TCSADRAIN, saved)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
