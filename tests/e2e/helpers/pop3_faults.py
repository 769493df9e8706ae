#!/usr/bin/env python3
"""Maildir checksums and scripted postern-pop3d sessions for tests/e2e/faults.sh.

pop3_faults.py snapshot MAILDIR
    One line per file in new/ and cur/: "BASE SHA256 PATH" (BASE is the name
    cut at ':', the message's identity across flag changes), sorted.

pop3_faults.py compare SNAPSHOT MAILDIR [--may-go FILE|all] [--must-go FILE]
    Every message in MAILDIR now was in SNAPSHOT, with the same content, and
    is there once; every message of SNAPSHOT that is gone is in --may-go (a
    file of BASEs, or "all"); every one in --must-go is gone. Prints
    "intact=N gone=M", or what is wrong and exits 1.

pop3_faults.py consistent LOG MAILDIR -- COMMAND...
    Runs COMMAND (a pop3d on MAILDIR), sends STAT, LIST, UIDL and RETR of every
    message, then drops the connection (which changes nothing). Checks that
    STAT's count and octets are those of the files present, that LIST and
    UIDL name each file once, and that each RETR says LIST's size and sends
    exactly the file (with CRLF line ends, un-stuffed). Prints "consistent
    messages=N octets=O"; exits 3 (printing "ended: LINE") when the session
    ended with -ERR [SYS/TEMP] after a right STAT and before any wrong size
    was served; exits 1 on anything else.

pop3_faults.py kill-when-gone DIR N LOG -- COMMAND...
    Runs COMMAND (with no input) and kills it with SIGKILL once the Nth file of
    DIR, in the directory's own order (the order a scan reads it in), is gone.
    Prints "killed", or "finished" when it had already exited.

pop3_faults.py script LOG -- COMMAND... < SCRIPT
    Runs sessions of COMMAND as a script says, one step a line, and prints a
    transcript ("NAME< LINE" for every line of every answer):
      open NAME            start a session, read its greeting
      NAME CMD             send CMD, read its answer (multi-line where POP3 says)
      NAME CMD {A..B}      send CMD with each number A..B at once, read every
                           answer; prints "NAME< K answers: +OK=X -ERR=Y"
      NAME send CMD        send CMD without waiting; NAME wait CMD reads its answer
      NAME kill-when-gone PATH   poll until PATH is gone, then kill -9 the
                           session; prints "NAME killed", or "NAME finished"
                           when it had already exited
      NAME close           drop the connection; prints "NAME exit=N"
      ! SHELL              run SHELL (sh -c) and wait for it
    Each session's log is LOG.NAME.
"""
import hashlib
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time

MULTILINE_ALWAYS = {"RETR", "TOP", "CAPA"}
MULTILINE_WITHOUT_ARGUMENT = {"LIST", "UIDL"}
ANSWER_TIMEOUT = 30.0


def message_files(maildir):
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        for name in sorted(os.listdir(d)):
            if not name.startswith("."):
                yield sub, name


def base_of(name):
    return name.split(":", 1)[0]


def snapshot(maildir):
    rows = []
    for sub, name in message_files(maildir):
        with open(os.path.join(maildir, sub, name), "rb") as f:
            rows.append((base_of(name), hashlib.sha256(f.read()).hexdigest(), sub + "/" + name))
    return sorted(rows)


def read_bases(arg):
    if arg is None:
        return set()
    if arg == "all":
        return None
    with open(arg) as f:
        return {line.strip() for line in f if line.strip()}


def compare(snapshot_file, maildir, may_go, must_go):
    before = {}
    with open(snapshot_file) as f:
        for line in f:
            base, digest, _ = line.split(" ", 2)
            before[base] = digest
    problems = [] if before else ["the snapshot is empty: nothing to compare"]
    seen = {}
    for base, digest, path in snapshot(maildir):
        if base in seen:
            problems.append(f"duplicated: {base} as {seen[base]} and {path}")
            continue
        seen[base] = path
        if base not in before:
            problems.append(f"not there before: {path}")
        elif before[base] != digest:
            problems.append(f"changed content: {path}")
    gone = [b for b in before if b not in seen]
    for b in gone:
        if may_go is not None and b not in may_go:
            problems.append(f"lost: {b}")
    for b in sorted(must_go):
        if b in seen:
            problems.append(f"not deleted: {seen[b]}")
    if problems:
        print(f"{len(problems)} problems; first ones:")
        print("\n".join(problems[:20]))
        return 1
    print(f"intact={len(seen)} gone={len(gone)}")
    return 0


def transmitted(data):
    """A file's bytes as POP3 sends them before dot-stuffing: CRLF line ends."""
    if not data:
        return b""
    out = re.sub(rb"(?<!\r)\n", b"\r\n", data)
    if not out.endswith(b"\r\n"):
        out += b"\r\n"
    return out


class Session:
    def __init__(self, argv, log):
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)
        self.buf = b""
        self.fd = self.proc.stdout.fileno()
        self.writer = None

    def send(self, data):
        """Writes in a thread, so a long pipeline cannot deadlock against the answers."""
        if self.writer:
            self.writer.join()

        def write():
            try:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                pass

        self.writer = threading.Thread(target=write)
        self.writer.start()

    def line(self):
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while b"\r\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise TimeoutError("no answer in time")
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                raise EOFError("the session closed its output")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def answer(self, command):
        """The answer to COMMAND: its first line, and the un-stuffed body lines if multi-line."""
        first = self.line()
        words = command.split()
        keyword = words[0].upper() if words else ""
        multi = keyword in MULTILINE_ALWAYS or (keyword in MULTILINE_WITHOUT_ARGUMENT and len(words) == 1)
        body = []
        if multi and first.startswith(b"+OK"):
            while True:
                line = self.line()
                if line == b".":
                    break
                body.append(line[1:] if line.startswith(b".") else line)
        return first, body

    def close(self):
        if self.writer:
            self.writer.join()
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.proc.wait(timeout=ANSWER_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def consistent(log, maildir, argv):
    files = {}
    for sub, name in message_files(maildir):
        with open(os.path.join(maildir, sub, name), "rb") as f:
            files.setdefault(base_of(name), []).append(transmitted(f.read()))
    dupes = [b for b, v in files.items() if len(v) > 1]
    if dupes:
        print("a message is in the Maildir twice:", dupes[:5])
        return 1
    truth = {b: v[0] for b, v in files.items()}
    if not truth:
        print("the Maildir is empty: nothing to check")
        return 1
    total = sum(len(v) for v in truth.values())
    s = Session(argv, log)
    try:
        return check_session(s, truth, total)
    except (TimeoutError, EOFError) as e:
        print("session failed:", e)
        return 1
    finally:
        s.proc.kill()
        s.close()


def temp_end(first):
    return first.startswith(b"-ERR [SYS/TEMP]")


def check_session(s, truth, total):
    greeting, _ = s.answer("greeting")
    if not greeting.startswith(b"+OK"):
        print("greeting:", greeting)
        return 1
    s.send(b"STAT\r\nLIST\r\nUIDL\r\n")
    stat, _ = s.answer("STAT")
    expected = f"+OK {len(truth)} {total}".encode()
    if stat != expected:
        print(f"STAT says {stat!r}; the files are {expected!r}")
        return 1
    listed, sizes = s.answer("LIST")
    if temp_end(listed):
        print("ended:", listed.decode("latin-1"))
        return 3
    uidl_first, uids = s.answer("UIDL")
    if not listed.startswith(b"+OK") or not uidl_first.startswith(b"+OK"):
        print("LIST or UIDL refused:", listed, uidl_first)
        return 1
    size_of = {}
    for n, line in enumerate(sizes, 1):
        number, size = line.split()
        if int(number) != n:
            print("LIST numbers out of order at", line)
            return 1
        size_of[n] = int(size)
    uid_of = {}
    for n, line in enumerate(uids, 1):
        number, uid = line.split()
        if int(number) != n:
            print("UIDL numbers out of order at", line)
            return 1
        uid_of[n] = uid.decode()
    if len(size_of) != len(truth) or sorted(uid_of.values()) != sorted(truth):
        print(f"LIST has {len(size_of)} messages, UIDL {len(uid_of)}; the files are {len(truth)}")
        print("missing from UIDL:", sorted(set(truth) - set(uid_of.values()))[:5])
        print("listed but not there:", sorted(set(uid_of.values()) - set(truth))[:5])
        return 1
    s.send(b"".join(b"RETR %d\r\n" % n for n in size_of))
    for n in size_of:
        first, body = s.answer(f"RETR {n}")
        if first != b"+OK %d octets" % size_of[n]:
            print(f"RETR {n} ({uid_of[n]}) says {first!r}; LIST said {size_of[n]}")
            return 1
        sent = b"".join(line + b"\r\n" for line in body)
        if sent != truth[uid_of[n]]:
            print(f"RETR {n} ({uid_of[n]}) sent {len(sent)} octets, not the file's {len(truth[uid_of[n]])}")
            return 1
        if len(sent) != size_of[n]:
            print(f"message {n} ({uid_of[n]}): LIST says {size_of[n]}, RETR sent {len(sent)}")
            return 1
    print(f"consistent messages={len(truth)} octets={total}")
    return 0


def expand(command):
    m = re.search(r"\{(\d+)\.\.(\d+)\}", command)
    if not m:
        return [command]
    return [command[: m.start()] + str(n) + command[m.end():] for n in range(int(m.group(1)), int(m.group(2)) + 1)]


def run_script(log, argv, lines):
    sessions = {}
    out = sys.stdout

    def show(name, first, body):
        out.write(f"{name}< {first.decode('latin-1')}\n")
        for line in body:
            out.write(f"{name}< {line.decode('latin-1')}\n")

    for raw in lines:
        step = raw.strip()
        if not step or step.startswith("#"):
            continue
        out.write(f"# {step}\n")
        out.flush()
        if step.startswith("!"):
            rc = subprocess.call(step[1:], shell=True)
            if rc:
                out.write(f"! exit={rc}\n")
            continue
        name, _, rest = step.partition(" ")
        if name == "open":
            sessions[rest] = Session(argv, f"{log}.{rest}")
            show(rest, *sessions[rest].answer("greeting"))
            continue
        s = sessions[name]
        verb, _, arg = rest.partition(" ")
        try:
            if verb == "close":
                out.write(f"{name} exit={s.close()}\n")
            elif verb == "send":
                s.send(arg.encode() + b"\r\n")
            elif verb == "wait":
                show(name, *s.answer(arg))
            elif verb == "kill-when-gone":
                deadline = time.monotonic() + ANSWER_TIMEOUT
                while os.path.lexists(arg) and s.proc.poll() is None and time.monotonic() < deadline:
                    pass
                finished = s.proc.poll() is not None
                s.proc.send_signal(signal.SIGKILL)
                s.proc.wait()
                out.write(f"{name} {'finished' if finished else 'killed'}\n")
            else:
                commands = expand(rest)
                s.send(b"".join(c.encode() + b"\r\n" for c in commands))
                if len(commands) == 1:
                    show(name, *s.answer(commands[0]))
                else:
                    answers = [s.answer(c)[0] for c in commands]
                    good = sum(a.startswith(b"+OK") for a in answers)
                    out.write(f"{name}< {len(answers)} answers: +OK={good} -ERR={len(answers) - good}\n")
        except (TimeoutError, EOFError) as e:
            out.write(f"{name} failed: {e}\n")
        out.flush()
    for s in sessions.values():
        if s.proc.poll() is None:
            s.proc.kill()
            s.close()
    return 0


def kill_when_gone(directory, n, log, argv):
    watch = os.path.join(directory, os.listdir(directory)[n - 1])
    with open(log, "ab") as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while os.path.lexists(watch) and proc.poll() is None and time.monotonic() < deadline:
        pass
    finished = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    print("finished" if finished else "killed")
    return 0


def main(args):
    if "--" in args:
        i = args.index("--")
        args, argv = args[:i], args[i + 1:]
    else:
        argv = []
    if args[0] == "snapshot":
        for row in snapshot(args[1]):
            print(" ".join(row))
        return 0
    if args[0] == "compare":
        opts = dict(zip(args[3::2], args[4::2]))
        return compare(args[1], args[2], read_bases(opts.get("--may-go")), read_bases(opts.get("--must-go")) or set())
    if args[0] == "consistent":
        return consistent(args[1], args[2], argv)
    if args[0] == "kill-when-gone":
        return kill_when_gone(args[1], int(args[2]), args[3], argv)
    if args[0] == "script":
        return run_script(args[1], argv, sys.stdin.read().splitlines())
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
