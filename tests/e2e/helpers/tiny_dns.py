#!/usr/bin/env python3
"""A DNS server for tests, over UDP, answering from a fixed table.

tiny_dns.py ADDRESS PORT TABLE

TABLE has one record a line, "A NAME ADDRESS" or "PTR NAME TARGET". A name in
the table gets its records of the asked type (none for another type); any
other name gets NXDOMAIN. Enough for djb's resolver (tcpserver) and glibc's to
look up PTR and A records; every answer goes out in one datagram.
"""
import socket
import struct
import sys


def read_table(path):
    table = {}
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            kind, name, value = line.split()
            table.setdefault(name.lower().rstrip("."), []).append((kind, value))
    return table


def read_name(packet, at):
    labels = []
    while packet[at]:
        length = packet[at]
        labels.append(packet[at + 1 : at + 1 + length].decode("ascii", "replace"))
        at += 1 + length
    return ".".join(labels), at + 1


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


TYPES = {"A": 1, "PTR": 12}


def rdata(kind, value):
    if kind == "A":
        return socket.inet_aton(value)
    return encode_name(value)


def answer(packet, table):
    ident, flags = struct.unpack("!HH", packet[:4])
    name, end = read_name(packet, 12)
    qtype, qclass = struct.unpack("!HH", packet[end : end + 4])
    question = packet[12 : end + 4]
    records = table.get(name.lower())
    answers = b""
    count = 0
    for kind, value in records or []:
        if TYPES[kind] == qtype:
            data = rdata(kind, value)
            answers += b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 60, len(data)) + data
            count += 1
    rcode = 0 if records is not None else 3
    out_flags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode  # response, authoritative, RD copied, RA
    return struct.pack("!HHHHHH", ident, out_flags, 1, count, 0, 0) + question + answers


def main():
    address, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    table = read_table(path)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((address, port))
    print("ready", flush=True)
    while True:
        packet, client = s.recvfrom(4096)
        try:
            s.sendto(answer(packet, table), client)
        except (IndexError, struct.error, KeyError):
            pass  # not a query we understand: no answer


if __name__ == "__main__":
    main()
