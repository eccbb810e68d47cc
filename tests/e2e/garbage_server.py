#!/usr/bin/env python3
"""tests/e2e/garbage_server.py: a hostile HTTP server for the fault tests.

Answers every GET/POST/DELETE on 127.0.0.1:PORT with one kind of bad answer:
  garbage     200, Content-Type: application/json, body "not json{{"
  html500     500 with an HTML error page
  wrongshape  200 with valid JSON of the wrong shape: {"a":1}
  huge        200 with a JSON array that never ends within 64 MiB
  slow        accepts, then sends nothing for a long time
  hangup      closes the connection without answering
usage: garbage_server.py MODE PORT   (prints "ready" when listening)
"""
import http.server
import socketserver
import sys
import time

MODES = ("garbage", "html500", "wrongshape", "huge", "slow", "hangup")


class Handler(http.server.BaseHTTPRequestHandler):
    mode = "garbage"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("garbage_server: %s %s\n" % (self.mode, fmt % args))

    def _send(self, code, ctype, body):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= 1 << 20:
            self.rfile.read(length)
        mode = self.mode
        if mode == "garbage":
            self._send(200, "application/json", b"not json{{")
        elif mode == "html500":
            self._send(500, "text/html",
                       b"<html><head><title>500 Internal Server Error</title>"
                       b"</head><body><h1>Internal Server Error</h1>"
                       b"<p>upstream \x1b[31mexploded\x1b[0m</p></body></html>")
        elif mode == "wrongshape":
            self._send(200, "application/json", b'{"a":1}')
        elif mode == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b'{"labels":{"alertname":"Huge"},"fingerprint":"x"},' * 1024
            sent = 0
            try:
                self.wfile.write(b"[")
                while sent < 64 << 20:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif mode == "slow":
            time.sleep(600)
        elif mode == "hangup":
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass

    do_GET = _answer
    do_POST = _answer
    do_DELETE = _answer
    do_HEAD = _answer


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODES:
        sys.stderr.write(__doc__)
        return 2
    Handler.mode = sys.argv[1]
    srv = Server(("127.0.0.1", int(sys.argv[2])), Handler)
    print("ready", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
