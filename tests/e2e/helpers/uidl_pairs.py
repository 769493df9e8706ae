#!/usr/bin/env python3
"""What a POP3 server calls each message: one line per message, in message
number order, "UIDL MESSAGE-ID" (the UIDL command's answer, and the
Message-ID header from TOP n 0; "-" when there is none).

uidl_pairs.py --user USER --password PASSWORD PORT
    logs in with USER/PASS on 127.0.0.1:PORT
uidl_pairs.py -- COMMAND [ARG...]
    talks to COMMAND on a pipe: a transaction daemon already past the login
    (postern-pop3d MAILDIR), whose first line is its +OK

Exits 1, saying why on stderr, on an -ERR, a malformed answer or a silence of
20 s; the session then ends without QUIT (a POP3 server deletes nothing then).
"""
import argparse
import signal
import socket
import subprocess
import sys


class Peer:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    def line(self):
        raw = self.reader.readline(65536)
        if not raw.endswith(b"\n"):
            raise SystemExit(f"uidl_pairs: connection closed or line too long: {raw[:80]!r}")
        return raw.rstrip(b"\r\n")

    def status(self, what):
        answer = self.line()
        if not answer.startswith(b"+OK"):
            raise SystemExit(f"uidl_pairs: {what}: {answer.decode(errors='replace')}")
        return answer

    def command(self, text):
        self.writer.write(text.encode() + b"\r\n")
        self.writer.flush()
        return self.status(text.split(" ")[0] if not text.startswith("PASS") else "PASS")

    def multiline(self):
        lines = []
        while True:
            line = self.line()
            if line == b".":
                return lines
            lines.append(line[1:] if line.startswith(b".") else line)


def message_id(header_lines):
    value = None
    for line in header_lines:
        if line == b"":
            break
        if value is not None and line[:1] in (b" ", b"\t"):
            value = (value + b" " + line.strip()).strip()
            continue
        if value is not None:
            break
        name, _, rest = line.partition(b":")
        if name.strip().lower() == b"message-id":
            value = rest.strip()
    return value.decode(errors="replace") if value else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("target", nargs="+")
    a = ap.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("uidl_pairs: no answer within 20 s"))
    signal.alarm(20)
    child = None
    if a.user is None:
        child = subprocess.Popen(a.target, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        peer = Peer(child.stdout, child.stdin)
        peer.status("greeting")
    else:
        s = socket.create_connection(("127.0.0.1", int(a.target[0])), timeout=20)
        peer = Peer(s.makefile("rb"), s.makefile("wb"))
        peer.status("greeting")
        peer.command(f"USER {a.user}")
        peer.command(f"PASS {a.password}")
    peer.command("UIDL")
    uidls = []
    for line in peer.multiline():
        number, _, uidl = line.decode(errors="replace").partition(" ")
        if not number.isdigit() or not uidl or " " in uidl:
            raise SystemExit(f"uidl_pairs: malformed UIDL line: {line!r}")
        uidls.append((int(number), uidl))
    for number, uidl in uidls:
        peer.command(f"TOP {number} 0")
        print(f"{uidl} {message_id(peer.multiline())}")
    peer.command("QUIT")
    if child is not None:
        child.stdin.close()
        child.wait()


if __name__ == "__main__":
    main()
