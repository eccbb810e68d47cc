#!/usr/bin/env python3
"""tests/e2e/slow_proxy.py: a fault-injecting TCP proxy in front of a real
server (tests/e2e/test_slowstream.sh puts it before a real Alertmanager).

Requests go upstream as they come; answers come back in random-sized pieces
(1..--max-chunk bytes, TCP_NODELAY, each piece its own send) paced at --rate
bytes/s per connection with an occasional longer pause, so a piece boundary
falls anywhere: inside a string, a JSON escape, a UTF-8 sequence, the HTTP
chunk framing. The mode (first word of --mode-file, read at each request):
  slow  forward the whole answer that way
  cut   the same, but close both sides after a random 64 KiB .. 1 MiB of
        the answer (mid-body)
--state FILE is rewritten (atomically, every ~50 ms) with one line
  "SEQ SENT MIDUTF8 MIDESC PIECES": SEQ counts the GET /api/v2/alerts
requests seen, SENT the answer bytes forwarded since the last of them;
MIDUTF8 / MIDESC / PIECES count, over all answers, the piece boundaries
that split a UTF-8 sequence / a backslash escape, and the pieces sent.
usage: slow_proxy.py PORT UPSTREAM_PORT --mode-file FILE --state FILE
                     [--rate BYTES_PER_S] [--max-chunk N] [--lifetime S]
(prints "ready" when listening)
"""
import os
import random
import re
import socket
import sys
import threading
import time

ARGS = {"--mode-file": None, "--state": None, "--rate": "500000",
        "--max-chunk": "700", "--lifetime": "600"}
STATS = {"seq": 0, "sent": 0, "midutf8": 0, "midesc": 0, "pieces": 0}
LOCK = threading.Lock()
# A backslash escape cut short at the end of a piece: "\", "\u", "\u00".
PARTIAL_ESC = re.compile(rb'(?<!\\)(\\\\)*\\(u[0-9a-fA-F]{0,3})?$')


def mode():
    try:
        with open(ARGS["--mode-file"]) as f:
            return (f.read().split() or ["slow"])[0]
    except OSError:
        return "slow"


def write_state():
    s = STATS
    line = "%d %d %d %d %d\n" % (s["seq"], s["sent"], s["midutf8"],
                                 s["midesc"], s["pieces"])
    tmp = ARGS["--state"] + ".tmp"
    with open(tmp, "w") as f:
        f.write(line)
    os.replace(tmp, ARGS["--state"])


class Conn:
    def __init__(self, client, upstream):
        self.client, self.upstream = client, upstream
        self.seq = 0          # STATS seq of this connection's last alerts GET
        self.cut_at = None    # answer bytes after which to cut, or None
        self.answer = 0       # answer bytes forwarded since the last request
        self.closed = False

    def close(self):
        self.closed = True
        for s in (self.client, self.upstream):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def requests(self):
        """client -> upstream, unchanged; each request resets the answer."""
        try:
            while not self.closed:
                data = self.client.recv(65536)
                if not data:
                    break
                if re.match(rb"[A-Z]+ /", data):
                    self.answer = 0
                    self.cut_at = random.randint(64 << 10, 1 << 20) \
                        if mode() == "cut" else None
                    if data.startswith(b"GET /api/v2/alerts"):
                        with LOCK:
                            STATS["seq"] += 1
                            STATS["sent"] = 0
                            self.seq = STATS["seq"]
                self.upstream.sendall(data)
        except OSError:
            pass
        self.close()

    def answers(self):
        """upstream -> client, in small paced pieces."""
        rate = float(ARGS["--rate"])
        top = int(ARGS["--max-chunk"])
        start, paced, last_state, last_send = time.time(), 0, 0.0, 0.0
        try:
            while not self.closed:
                data = self.upstream.recv(65536)
                if not data:
                    break
                # idle between answers: pace the next from now. (Not when
                # merely behind: a starved proxy catches up instead of
                # stretching a fetch past pagetty's 10 s request timeout.)
                if paced == 0 or time.time() - last_send > 1:
                    start, paced = time.time(), 0
                i = 0
                while i < len(data) and not self.closed:
                    n = random.randint(1, top)
                    if self.cut_at is not None:
                        n = min(n, self.cut_at - self.answer)
                        if n <= 0:
                            self.close()
                            return
                    piece = data[i:i + n]
                    self.client.sendall(piece)
                    last_send = time.time()
                    i += len(piece)
                    self.answer += len(piece)
                    paced += len(piece)
                    with LOCK:
                        if self.seq == STATS["seq"]:
                            STATS["sent"] = self.answer
                        STATS["pieces"] += 1
                        if i < len(data) and 0x80 <= data[i] < 0xC0:
                            STATS["midutf8"] += 1
                        if PARTIAL_ESC.search(data[max(0, i - 8):i]):
                            STATS["midesc"] += 1
                        now = time.time()
                        if now - last_state > 0.05:
                            write_state()
                            last_state = now
                    wait = start + paced / rate - time.time()
                    if random.random() < 0.002:
                        wait += 0.03
                    if wait > 0:
                        time.sleep(wait)
        except OSError:
            pass
        self.close()
        with LOCK:
            write_state()


def main():
    port, up = int(sys.argv[1]), int(sys.argv[2])
    rest = sys.argv[3:]
    for k, v in zip(rest[::2], rest[1::2]):
        ARGS[k] = v
    threading.Timer(float(ARGS["--lifetime"]), lambda: os._exit(0)).start()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(64)
    write_state()
    print("ready", flush=True)
    while True:
        client, _ = ls.accept()
        try:
            upstream = socket.create_connection(("127.0.0.1", up), timeout=5)
        except OSError:
            client.close()
            continue
        upstream.settimeout(None)
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c = Conn(client, upstream)
        for fn in (c.requests, c.answers):
            threading.Thread(target=fn, daemon=True).start()


if __name__ == "__main__":
    main()
