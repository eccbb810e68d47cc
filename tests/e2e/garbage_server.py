#!/usr/bin/env python3
"""tests/e2e/garbage_server.py: a hostile HTTP server for the fault tests.

Answers every GET/POST/DELETE on 127.0.0.1:PORT with one kind of bad answer
(or, in mode "healthy", a valid small Alertmanager v2 answer):
  healthy     /api/v2/alerts: two valid alerts; /api/v2/status: a status;
              /api/v2/silences: []
  garbage     200, Content-Type: application/json, body "not json{{"
  html500     500 with an HTML error page
  notfound    404 with a plain-text body
  truncated   200 with a valid alerts array cut in the middle
  wrongshape  200 with valid JSON of the wrong shape: {"a":1}
  huge        200 with a JSON array that never ends within 64 MiB
  huge200     200 with a 200 MB body (streamed, no Content-Length)
  endless     200, chunked, an endless body (until the time limit)
  trickle     200, headers, then one byte of body per second
  slow, hang  accepts, then sends nothing (until the time limit)
  hangup      closes the connection without answering
  many        200 with 100,000 valid alerts
  biglabel    200 with an alert whose label value is 1 MB
  badutf8     200 with alerts whose labels hold invalid UTF-8
  escapes     200 with ESC/CSI/OSC/bidi-override characters in labels and
              annotations
  slowtls     (with --tls) accepts and waits before the TLS handshake

The mode can change at run time: POST /__mode/NAME, or --mode-file FILE
(re-read on every request; its first word is the mode). GET /__auth answers
with the last Authorization header received ("" when none) and
GET /__hits with the number of requests seen.
Every answer is bounded in time (--limit, default 120 s per request) and
bytes; the whole server stops itself after --lifetime seconds (default 900).
usage: garbage_server.py MODE PORT [--mode-file FILE] [--tls CERT KEY]
                         [--limit SECONDS] [--lifetime SECONDS]
(prints "ready" when listening)
"""
import http.server
import json
import os
import socket
import socketserver
import ssl
import sys
import threading
import time

MODES = ("healthy", "garbage", "html500", "notfound", "truncated",
         "wrongshape", "huge", "huge200", "endless", "trickle", "slow", "hang",
         "hangup", "many", "biglabel", "badutf8", "escapes", "slowtls")

STATE = {"mode": "garbage", "mode_file": None, "limit": 120.0,
         "auth": "", "hits": 0, "tls": None}
LOCK = threading.Lock()
NOW = "2026-01-01T00:00:00.000Z"
STATUS = json.dumps({
    "cluster": {"name": "x", "peers": [], "status": "ready"},
    "versionInfo": {"version": "0.0.0-garbage"},
    "config": {"original": ""}, "uptime": NOW}).encode()


def alert(name, labels=None, annotations=None, fp=None, raw=False):
    """One v2 alert as a dict (or, raw, a bytes JSON object built by hand)."""
    lab = {"alertname": name, "severity": "page", "service": "garbage"}
    lab.update(labels or {})
    return {
        "labels": lab,
        "annotations": annotations or {"summary": "from the garbage server"},
        "startsAt": NOW, "endsAt": "2099-01-01T00:00:00.000Z",
        "updatedAt": NOW, "generatorURL": "http://127.0.0.1/graph",
        "fingerprint": fp or ("%016x" % (abs(hash(name)) & ((1 << 64) - 1))),
        "receivers": [{"name": "blackhole"}],
        "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
    }


def healthy_alerts():
    return json.dumps([
        alert("GarbageRecovered", fp="00000000000000a1"),
        alert("GarbageSecond", {"severity": "warning"}, fp="00000000000000a2"),
    ]).encode()


def many_alerts(n=100000):
    parts = []
    for i in range(n):
        parts.append(
            '{"labels":{"alertname":"Many%06d","severity":"warning",'
            '"service":"svc%d","instance":"host-%d:9100"},'
            '"annotations":{"summary":"one of many"},'
            '"startsAt":"%s","endsAt":"2099-01-01T00:00:00.000Z",'
            '"updatedAt":"%s","generatorURL":"","fingerprint":"%016x",'
            '"receivers":[{"name":"blackhole"}],'
            '"status":{"state":"active","silencedBy":[],"inhibitedBy":[]}}'
            % (i, i % 50, i, NOW, NOW, i + 1))
    return ("[" + ",".join(parts) + "]").encode()


CACHE = {}


def body_for(mode):
    """The fixed bodies, built once."""
    if mode in CACHE:
        return CACHE[mode]
    if mode == "many":
        b = many_alerts()
    elif mode == "biglabel":
        b = json.dumps([alert("BigLabel", {"blob": "B" * (1 << 20)},
                              fp="00000000000000b1")]).encode()
    elif mode == "badutf8":
        one = json.dumps([alert("BadUTF8X", {"bad": "AAAA"},
                                {"summary": "BBBB"}, fp="00000000000000c1")])
        # Raw invalid bytes inside JSON strings (the JSON itself is fine).
        b = one.encode().replace(b"AAAA", b"\xff\xfe\xc3(\xed\xa0\x80") \
                        .replace(b"BBBB", b"bad \xe2\x82 utf8 \xf8\x88\x80\x80\x80")
    elif mode == "escapes":
        b = json.dumps([alert(
            "EscapeAlert",
            {"evil": "\x1b]2;PWNED-TITLE\x07\x1b[2J\x1b[31mRED\u202eevil\u2066x",
             "osc52": "\x1b]52;c;cHduZWQ=\x07clip"},
            {"summary": "sum \x1b[1;1H\x1b[2Kover\rwrite \u202egnp.exe",
             "description": "\x1b]0;PWNED-TITLE\x1b\\ \x9b31m c1"},
            fp="00000000000000d1")]).encode()
    elif mode == "truncated":
        b = healthy_alerts()[:-37]
    else:
        return None
    CACHE[mode] = b
    return b


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 300

    def log_message(self, fmt, *args):
        sys.stderr.write("garbage_server: %s %s\n" % (current_mode(), fmt % args))

    def _send(self, code, ctype, body):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, total, chunk):
        """Send total bytes of a never-closing JSON array, within the limit."""
        deadline = time.time() + STATE["limit"]
        sent = 0
        try:
            self.wfile.write(b"[")
            while sent < total and time.time() < deadline:
                n = min(len(chunk), total - sent)
                self.wfile.write(chunk[:n])
                sent += n
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        self.close_connection = True

    def _sleep(self):
        deadline = time.time() + STATE["limit"]
        while time.time() < deadline:
            time.sleep(0.2)
        self.close_connection = True

    def _control(self):
        path = self.path
        if path.startswith("/__mode/"):
            m = path[len("/__mode/"):]
            if m not in MODES:
                self._send(400, "text/plain", b"unknown mode\n")
                return True
            with LOCK:
                STATE["mode"] = m
                STATE["mode_file"] = None
            self._send(200, "text/plain", ("mode %s\n" % m).encode())
            return True
        if path == "/__auth":
            self._send(200, "text/plain", STATE["auth"].encode())
            return True
        if path == "/__hits":
            self._send(200, "text/plain", str(STATE["hits"]).encode())
            return True
        return False

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= 1 << 20:
            self.rfile.read(length)
        if self._control():
            return
        with LOCK:
            STATE["hits"] += 1
            STATE["auth"] = self.headers.get("Authorization") or ""
        mode = current_mode()
        path = self.path.split("?")[0]
        if mode == "healthy" or (mode in ("many", "biglabel", "badutf8",
                                          "escapes", "truncated")
                                 and not path.endswith("/alerts")):
            if path.endswith("/status"):
                self._send(200, "application/json", STATUS)
            elif path.endswith("/alerts"):
                self._send(200, "application/json", healthy_alerts())
            else:
                self._send(200, "application/json", b"[]")
        elif mode in ("many", "biglabel", "badutf8", "escapes", "truncated"):
            self._send(200, "application/json", body_for(mode))
        elif mode == "garbage":
            self._send(200, "application/json", b"not json{{")
        elif mode == "html500":
            self._send(500, "text/html",
                       b"<html><head><title>500 Internal Server Error</title>"
                       b"</head><body><h1>Internal Server Error</h1>"
                       b"<p>upstream \x1b[31mexploded\x1b[0m</p></body></html>")
        elif mode == "notfound":
            self._send(404, "text/plain", b"404 page not found\n")
        elif mode == "wrongshape":
            self._send(200, "application/json", b'{"a":1}')
        elif mode == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self._stream(64 << 20,
                         b'{"labels":{"alertname":"Huge"},"fingerprint":"x"},' * 1024)
        elif mode == "huge200":
            # No Content-Length: the cap must hold in the write callback.
            total = 200 << 20
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self._stream(total - 1, b" " * (1 << 16))
        elif mode == "endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            deadline = time.time() + STATE["limit"]
            piece = b'{"labels":{"alertname":"Endless"}},' * 64
            frame = b"%x\r\n%s\r\n" % (len(piece), piece)
            try:
                self.wfile.write(b"1\r\n[\r\n")
                while time.time() < deadline:
                    self.wfile.write(frame)
                    time.sleep(0.01)
            except (BrokenPipeError, ConnectionResetError, OSError):
                pass
            self.close_connection = True
        elif mode == "trickle":
            body = healthy_alerts()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            deadline = time.time() + STATE["limit"]
            try:
                for i in range(len(body)):
                    if time.time() >= deadline:
                        break
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(1)
            except (BrokenPipeError, ConnectionResetError, OSError):
                pass
            self.close_connection = True
        elif mode in ("slow", "hang", "slowtls"):
            self._sleep()
        elif mode == "hangup":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    do_GET = _answer
    do_POST = _answer
    do_DELETE = _answer
    do_HEAD = _answer


def current_mode():
    f = STATE["mode_file"]
    if f:
        try:
            with open(f) as fh:
                m = (fh.read().split() or [""])[0]
            if m in MODES:
                return m
        except OSError:
            pass
    return STATE["mode"]


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def finish_request(self, request, client_address):
        ctx = STATE["tls"]
        if ctx is not None:
            if current_mode() == "slowtls":
                # Accept, then say nothing before the handshake.
                deadline = time.time() + STATE["limit"]
                while time.time() < deadline and current_mode() == "slowtls":
                    time.sleep(0.2)
            try:
                request.settimeout(30)
                request = ctx.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        self.RequestHandlerClass(request, client_address, self)


def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] not in MODES:
        sys.stderr.write(__doc__)
        return 2
    STATE["mode"] = args[0]
    port = int(args[1])
    lifetime = 900.0
    i = 2
    while i < len(args):
        a = args[i]
        if a == "--mode-file" and i + 1 < len(args):
            STATE["mode_file"] = args[i + 1]
            i += 2
        elif a == "--limit" and i + 1 < len(args):
            STATE["limit"] = float(args[i + 1])
            i += 2
        elif a == "--lifetime" and i + 1 < len(args):
            lifetime = float(args[i + 1])
            i += 2
        elif a == "--tls" and i + 2 < len(args):
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(args[i + 1], args[i + 2])
            STATE["tls"] = ctx
            i += 3
        else:
            sys.stderr.write(__doc__)
            return 2
    for m in ("many", "biglabel", "badutf8", "escapes", "truncated"):
        if current_mode() == m:
            body_for(m)
    srv = Server(("127.0.0.1", port), Handler)
    # Stop on our own, whatever the test does.
    timer = threading.Timer(lifetime, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    print("ready", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
