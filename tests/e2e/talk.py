#!/usr/bin/env python3
"""A tiny TCP client for the end-to-end tests.

talk.py [-6] [--proxy1 SRC:PORT | --proxy2 SRC:PORT] [--hold S] [--send TEXT]...
        [--linger S] [--then TEXT] [--timeout S] [--show-port] [--source IP] PORT

Connects to 127.0.0.1 (or ::1 with -6), optionally sends a PROXY header naming
SRC:PORT as the client, waits --hold seconds, sends each TEXT (backslash
escapes like \\r\\n work), waits --linger seconds, sends --then TEXT, then
prints everything the server sent until it closes or --timeout passes. The first line it prints is
"local-port N" when --show-port is given. --source binds the client to IP
(another loopback address such as 127.0.0.2) before connecting.
"""
import argparse
import ipaddress
import socket
import struct
import sys
import time


def proxy_v1(src, dst_port):
    ip, port = src.rsplit(":", 1)
    fam = "TCP6" if ":" in ip else "TCP4"
    dst = "::1" if fam == "TCP6" else "127.0.0.1"
    return f"PROXY {fam} {ip} {dst} {port} {dst_port}\r\n".encode()


def proxy_v2(src, dst_port):
    ip, port = src.rsplit(":", 1)
    addr = ipaddress.ip_address(ip)
    sig = b"\r\n\r\n\x00\r\nQUIT\n"
    if addr.version == 4:
        body = addr.packed + ipaddress.ip_address("127.0.0.1").packed + struct.pack("!HH", int(port), dst_port)
        fam = 0x11
    else:
        body = addr.packed + ipaddress.ip_address("::1").packed + struct.pack("!HH", int(port), dst_port)
        fam = 0x21
    body += b"\x04\x00\x02ok"  # a NOOP TLV, to be skipped
    return sig + bytes([0x21, fam]) + struct.pack("!H", len(body)) + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-6", dest="v6", action="store_true")
    ap.add_argument("--proxy1")
    ap.add_argument("--proxy2")
    ap.add_argument("--send", action="append", default=[])
    ap.add_argument("--hold", type=float, default=0.0)
    ap.add_argument("--linger", type=float, default=0.0)
    ap.add_argument("--then")
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--show-port", action="store_true")
    ap.add_argument("--source")
    ap.add_argument("port", type=int)
    a = ap.parse_args()

    family = socket.AF_INET6 if a.v6 else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(a.timeout + a.hold + a.linger)
    if a.source:
        s.bind((a.source, 0))
    s.connect(("::1" if a.v6 else "127.0.0.1", a.port))
    if a.show_port:
        print("local-port", s.getsockname()[1], flush=True)
    if a.proxy1:
        s.sendall(proxy_v1(a.proxy1, a.port))
    if a.proxy2:
        s.sendall(proxy_v2(a.proxy2, a.port))
    time.sleep(a.hold)
    for text in a.send:
        s.sendall(text.encode().decode("unicode_escape").encode("latin-1"))
    time.sleep(a.linger)
    if a.then:
        s.sendall(a.then.encode().decode("unicode_escape").encode("latin-1"))
    out = b""
    deadline = time.monotonic() + a.timeout
    try:
        while time.monotonic() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    sys.stdout.write(out.decode("latin-1"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
