#!/usr/bin/env python3
"""Test receivers for sluice's notices, on 127.0.0.1 only, on a free port
(bound to port 0; the port is written to PORTFILE once listening).

  notify_receiver.py http DIR PORTFILE FAIL [SECRET]
      Answers 503 to the first FAIL requests, then 200; a path starting
      with /gone is always answered 404. Keeps every request
      as DIR/NNN.json: {"path", "headers", "body", "answered", "signature_ok"}
      (signature_ok: null without SECRET, else whether X-Sluice-Signature is
      the HMAC-SHA256 of the body under SECRET).
  notify_receiver.py smtp DIR PORTFILE
      An SMTP server (python3-aiosmtpd) keeping each message as DIR/NNN.eml
      and its envelope as DIR/NNN.json. Exits 77 when aiosmtpd is missing.
"""
import hashlib
import hmac
import json
import os
import sys
import threading


def keep(directory, suffix, data):
    with keep.lock:
        keep.n += 1
        path = os.path.join(directory, "%03d.%s" % (keep.n, suffix))
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path + ".tmp", mode) as f:
        f.write(data)
    os.rename(path + ".tmp", path)


keep.lock = threading.Lock()
keep.n = 0


def write_port(portfile, port):
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(portfile + ".tmp", portfile)


def http(directory, portfile, fail, secret):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    state = {"seen": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state["seen"] += 1
                code = 503 if state["seen"] <= fail else 200
                if self.path.startswith("/gone"):
                    code = 404
            ok = None
            if secret is not None:
                want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
                ok = hmac.compare_digest(want, self.headers.get("X-Sluice-Signature", ""))
            keep(directory, "json", json.dumps({
                "path": self.path,
                "headers": {k: v for k, v in self.headers.items()},
                "body": json.loads(body.decode("utf-8")),
                "answered": code,
                "signature_ok": ok,
            }))
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    write_port(portfile, server.server_address[1])
    server.serve_forever()


def smtp(directory, portfile):
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        sys.exit(77)
    import socket
    import time

    class Keeper:
        async def handle_DATA(self, server, session, envelope):
            keep(directory, "eml", envelope.original_content)
            keep(directory, "json", json.dumps({
                "from": envelope.mail_from, "to": envelope.rcpt_tos}))
            return "250 OK"

    # Controller needs a port: take a free one from the kernel.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    controller = Controller(Keeper(), hostname="127.0.0.1", port=port)
    controller.start()
    write_port(portfile, port)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    kind, directory, portfile = sys.argv[1:4]
    os.makedirs(directory, exist_ok=True)
    if kind == "http":
        http(directory, portfile, int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
    else:
        smtp(directory, portfile)
