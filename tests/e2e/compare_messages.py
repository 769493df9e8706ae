#!/usr/bin/env python3
"""compare_messages.py ORIG_DIR FETCHED_DIR [COUNT]

Each file under FETCHED_DIR (searched recursively, Maildir or flat) must be
one original from ORIG_DIR (matched by Message-ID), equal to it byte for byte
once CRLF is read as LF, except for header lines a client added at the top
(Received:, X-...:, Delivered-To:, Return-Path:, Status:). Every original must
arrive exactly once; with COUNT, exactly COUNT files must have arrived.
"""
import os
import re
import sys


def lf(data):
    return data.replace(b"\r\n", b"\n")


def message_id(data):
    m = re.search(rb"^Message-ID: (<[^>]+>)", data, re.M | re.I)
    return m.group(1) if m else None


def main():
    orig_dir, fetched_dir = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None
    originals = {}
    for name in os.listdir(orig_dir):
        data = lf(open(os.path.join(orig_dir, name), "rb").read())
        originals[message_id(data)] = (name, data)
    seen = {}
    problems = []
    files = [os.path.join(d, f) for d, _, fs in os.walk(fetched_dir) for f in fs]
    for path in sorted(files):
        data = lf(open(path, "rb").read())
        mid = message_id(data)
        if mid not in originals:
            problems.append(f"{path}: no original with Message-ID {mid!r}")
            continue
        name, want = originals[mid]
        seen[mid] = seen.get(mid, 0) + 1
        if not data.endswith(want):
            problems.append(f"{path}: differs from original {name}: {data[-200:]!r} vs {want[-200:]!r}")
            continue
        added = data[: len(data) - len(want)]
        for line in added.split(b"\n"):
            if line and not re.match(rb"^([A-Za-z][A-Za-z0-9-]*:|[ \t])", line):
                problems.append(f"{path}: added text is not header lines: {line!r}")
    expected = count if count is not None else len(originals)
    if len(files) != expected:
        problems.append(f"{len(files)} messages arrived, expected {expected}")
    for mid, n in seen.items():
        if n > 1:
            problems.append(f"{mid!r} arrived {n} times")
    if count is None:
        for mid, (name, _) in originals.items():
            if mid not in seen:
                problems.append(f"original {name} never arrived")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"{len(files)} messages identical to their originals")


if __name__ == "__main__":
    main()
