#!/usr/bin/env python3
"""pop_load.py PORT USER PASSWORD SESSIONS CONCURRENCY [HOLD]

Runs SESSIONS POP3 sessions (poplib: USER, PASS, STAT, RETR 1, QUIT) against
127.0.0.1:PORT from CONCURRENCY threads, each session on a new connection, and
prints "sessions OK/ALL seconds S rate R/s", then one line per failure. With
HOLD, each session waits HOLD seconds after logging in, before QUIT.
"""
import poplib
import sys
import threading
import time

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
sessions, concurrency = int(sys.argv[4]), int(sys.argv[5])
hold = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
lock = threading.Lock()
next_session = 0
succeeded = 0
failures = []
expected = None


def one_session():
    m = poplib.POP3("127.0.0.1", port, timeout=30)
    try:
        m.user(user)
        m.pass_(password)
        count, octets = m.stat()
        lines = m.retr(1)[1]
        if hold:
            time.sleep(hold)
        m.quit()
        return count, octets, len(lines)
    finally:
        m.close()


def worker():
    global next_session, succeeded, expected
    while True:
        with lock:
            if next_session >= sessions:
                return
            next_session += 1
        try:
            result = one_session()
            with lock:
                if expected is None:
                    expected = result
                if result == expected:
                    succeeded += 1
                else:
                    failures.append(f"answer {result} differs from {expected}")
        except Exception as e:  # any failure is reported, not raised
            with lock:
                failures.append(repr(e))


start = time.monotonic()
threads = [threading.Thread(target=worker) for _ in range(concurrency)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - start
print(f"sessions {succeeded}/{sessions} seconds {elapsed:.2f} rate {sessions / elapsed:.1f}/s")
for f in failures[:20]:
    print("failure:", f)
sys.exit(0 if succeeded == sessions else 1)
