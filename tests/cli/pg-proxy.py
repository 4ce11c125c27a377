#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 between sluice and a PostgreSQL server, for
tests/cli/pg-proxy-cut-or-stalled-is-survived.sh. Usage: pg-proxy.py
SERVER_PORT CONTROL_FILE. It forwards bytes both ways; on SIGUSR1 it reads
one order from CONTROL_FILE:
  cut                 close every connection now
  cut-before TEXT     close a connection when its client sends TEXT (unsent)
  cut-after TEXT      forward TEXT, drop the server's answer, then close
  stall-after TEXT    forward TEXT, then forward nothing more on that
                      connection, which stays open (a peer gone silent)
  hold-new            accept new connections but forward nothing on them
  normal              forward new connections again
TEXT is matched in the bytes as sent (a statement's name, COMMIT). Prints a
line for each thing it does ("listening PORT", "cut", "held", …).
Standard library only."""
import signal
import socket
import sys
import threading

server_port, control = int(sys.argv[1]), sys.argv[2]
lock = threading.RLock()  # the order handler runs on the main thread
pairs = []  # [client, server, state]: state "run", "drop" or "stall"
order = [None, b""]  # an armed order and its TEXT
hold_new = False


def say(line):
    print(line, flush=True)


def close(pair):
    for s in pair[:2]:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def sent_now(tail, data, text):
    """Whether text ends within data: the tail of what was sent before (kept
    so that a text split over two reads is found) must not match alone, or
    the COMMIT that was sent just before an order is armed would fire it."""
    buf = tail + data
    i = buf.find(text)
    while i != -1 and i + len(text) <= len(tail):
        i = buf.find(text, i + 1)
    return i != -1


def pump(pair, src, dst, upstream):
    tail = b""
    while True:
        try:
            data = src.recv(65536)
        except OSError:
            data = b""
        with lock:
            if pair[2] == "stall":
                break  # nothing read is forwarded; the sockets stay open
            if not data or (pair[2] == "drop" and not upstream):
                close(pair)
                if data:
                    say("cut-after")
                break
            if upstream and order[0] and sent_now(tail, data, order[1]):
                what, order[0] = order[0], None
                if what == "cut-before":
                    close(pair)
                    say(what)
                    break
                pair[2] = "drop" if what == "cut-after" else "stall"
                if what == "stall-after":
                    say(what)
            tail = data[-64:]
            try:
                dst.sendall(data)
            except OSError:
                close(pair)
                break


def on_order(signum, frame):
    global hold_new
    with open(control) as f:
        words = f.read().strip().split(" ", 1)
    with lock:
        if words[0] == "cut":
            for pair in pairs:
                if pair[2] == "run":
                    close(pair)
            say("cut")
        elif words[0] in ("hold-new", "normal"):
            hold_new = words[0] == "hold-new"
            say(words[0])
        else:
            order[:] = [words[0], words[1].encode()]
            say("armed " + words[0])


signal.signal(signal.SIGUSR1, on_order)
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
say("listening %d" % listener.getsockname()[1])
held = []
while True:
    client, _ = listener.accept()
    if hold_new:
        held.append(client)
        say("held")
        continue
    server = socket.create_connection(("127.0.0.1", server_port))
    pair = [client, server, "run"]
    with lock:
        pairs.append(pair)
    for src, dst, up in ((client, server, True), (server, client, False)):
        threading.Thread(target=pump, args=(pair, src, dst, up), daemon=True).start()
