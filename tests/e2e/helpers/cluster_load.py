#!/usr/bin/env python3
"""Clients and a mail deliverer for tests/e2e/cluster.sh: two postern nodes
behind HAProxy, on one Maildir store.

cluster_load.py login ADDR:PORT USER SECRET [--proxy-local] [--uidl] [--dele N]... [--hold FILE]
    One APOP login, straight to a node (--proxy-local: with the PROXY v2 LOCAL
    header HAProxy's health checks send) or through HAProxy. Prints
    "login NODE ANSWER" (NODE from the greeting's <pid.time@NODE>); --uidl
    prints "uidl N UID" for each message; --dele N deletes message N and
    QUITs, printing "dele N ANSWER" and "quit ANSWER"; otherwise, with
    --hold FILE, once logged in, waits until FILE exists or the server ends the
    session, then sends QUIT and prints "quit ANSWER" (or "quit none REASON");
    anything the server sends meanwhile is printed as "unasked BYTES".

cluster_load.py load --front PORT --user NAME:SECRET:MAILDIR [--user ...] [options]
    Delivers mail into each MAILDIR Maildir-style (written in tmp/, owned by
    the user, renamed into new/) and runs --clients sessions at once through
    HAProxy on 127.0.0.1:PORT for --seconds: each logs in (APOP or USER/PASS),
    STAT, UIDL, LIST, RETRs and DELEs a few messages and QUITs (a few drop the
    connection instead). With --lull A:B, from A to B seconds in nothing is
    delivered and the sessions change nothing (they drop the connection after
    a RETR), so that new/ and cur/ settle and logins take postern-pop3d's
    cached listing, which the later ones must then see through. With
    --kill-at S it runs --kill-cmd S seconds in (it
    is to return once the node's processes are gone) and
    waits for --down-pattern in --haproxy-log (beyond the --down-skip times it
    was there before). It records every answer with the
    time it was sent and received, and checks afterwards, printing "ok - ..."
    or "not ok - ..." lines:
      - every listing is whole and consistent (STAT = LIST = UIDL, numbers
        1..n, unique UIDs of delivered messages, in delivery order, with the
        sizes of what was delivered);
      - no listing lacks a message delivered before the login that nobody had
        begun to delete, and none holds one whose deletion was reported done
        (QUIT +OK) before the login;
      - every RETR sends what was delivered, byte for byte, with the size LIST
        said; none serves a message whose deletion was reported done before
        the RETR was sent; an -ERR only for a message some QUIT had deleted;
      - every session succeeds but those in progress on the killed node when
        it was killed; every session after the kill reaches the other node;
      - at the end each Maildir holds exactly the delivered messages that no
        QUIT deleted (plus, possibly, ones whose deleting session was cut
        before its +OK), each once and intact, and a last session lists them.
    --exclusive (POSTERN_LOCK=1 on the nodes): a login may be refused with
    -ERR [IN-USE]; no two sessions of one user may hold the maildrop at once
    (from the +OK of the login to the sending of QUIT), whatever node.
"""
import argparse
import hashlib
import os
import random
import re
import select
import socket
import struct
import subprocess
import sys
import threading
import time

NODE_RE = re.compile(rb"<[^>@]*@([^>]*)>")
now = time.monotonic


class SessionError(Exception):
    pass


class Pop3:
    """A POP3 client connection with the timing of every exchange."""

    def __init__(self, host, port, timeout, proxy_local=False, source=None):
        self.sock = socket.create_connection((host, port), timeout=timeout, source_address=source)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.port = self.sock.getsockname()[1]  # how HAProxy's log names the connection
        if proxy_local:  # v2, LOCAL command, no address: what HAProxy's checks send
            self.sock.sendall(b"\r\n\r\n\x00\r\nQUIT\n" + bytes([0x20, 0x00]) + struct.pack("!H", 0))
        self.file = self.sock.makefile("rb")

    def line(self):
        raw = self.file.readline(70000)
        if not raw:
            raise SessionError("connection closed")
        if not raw.endswith(b"\r\n"):
            raise SessionError(f"line without CRLF: {raw[:80]!r}")
        return raw[:-2]

    def command(self, text):
        self.sock.sendall(text.encode() + b"\r\n")
        return self.line()

    def multiline(self):
        """The lines of a multi-line answer, dot-unstuffed, without the final '.'."""
        lines = []
        while True:
            raw = self.line()
            if raw == b".":
                return lines
            lines.append(raw[1:] if raw.startswith(b".") else raw)

    def close(self):
        try:
            self.file.close()
            self.sock.close()
        except OSError:
            pass


def node_of(greeting):
    m = NODE_RE.search(greeting)
    return m.group(1).decode().split(".")[0] if m else None


def apop_login(conn, greeting, user, secret):
    m = re.search(rb"<[^>]*>", greeting)
    if not m:
        raise SessionError(f"no APOP timestamp in the greeting: {greeting!r}")
    digest = hashlib.md5(m.group(0) + secret.encode()).hexdigest()
    return conn.command(f"APOP {user} {digest}")


# --- login: one session for the lock checks --------------------------------

def cmd_login(a):
    host, port = a.addr.rsplit(":", 1)
    try:
        conn = Pop3(host, int(port), 15, proxy_local=a.proxy_local)
        greeting = conn.line()
        answer = apop_login(conn, greeting, a.user, a.secret)
    except (OSError, SessionError) as e:
        print(f"login none {e}", flush=True)
        return 1
    print(f"login {node_of(greeting)} {answer.decode(errors='replace')}", flush=True)
    if not answer.startswith(b"+OK"):
        conn.close()
        return 0
    if a.uidl or a.dele:
        try:
            if a.uidl and conn.command("UIDL").startswith(b"+OK"):
                for line in conn.multiline():
                    print(f"uidl {line.decode(errors='replace')}", flush=True)
            for n in a.dele:
                print(f"dele {n} {conn.command(f'DELE {n}').decode(errors='replace')}", flush=True)
            if a.dele:
                print(f"quit {conn.command('QUIT').decode(errors='replace')}", flush=True)
        except (OSError, SessionError) as e:
            print(f"failed {e}", flush=True)
    if not a.hold:
        conn.close()  # without QUIT (when nothing was deleted): nothing changes
        return 0
    deadline = now() + 60
    try:
        while not os.path.exists(a.hold):
            if now() > deadline:
                raise SessionError("held for 60 s")
            # The server ending the session (its node killed) shows as EOF;
            # anything it says unasked is printed.
            if select.select([conn.sock], [], [], 0.05)[0]:
                unasked = conn.sock.recv(4096)
                if not unasked:
                    raise SessionError("connection closed")
                print(f"unasked {unasked!r}", flush=True)
        print(f"quit {conn.command('QUIT').decode(errors='replace')}", flush=True)
    except (OSError, SessionError) as e:
        print(f"quit none {e}", flush=True)
    conn.close()
    return 0


# --- load: deliveries, clients, the kill, the checks -------------------------

class User:
    def __init__(self, spec):
        self.name, self.secret, self.maildir = spec.split(":", 2)
        st = os.stat(self.maildir)
        self.uid, self.gid = st.st_uid, st.st_gid


class Message:
    __slots__ = ("uid", "user", "sha", "octets", "delivered")

    def __init__(self, uid, user, sha, octets):
        self.uid, self.user, self.sha, self.octets = uid, user, sha, octets
        self.delivered = None  # when its rename into new/ had returned


def message_text(uid, user, rnd):
    """A message with what trips servers up: dot lines, 'From ' lines, long lines."""
    lines = ["From: MDA <mda@example.org>", f"To: {user}@example.org", f"Subject: cluster {uid}",
             f"Message-ID: <{uid}@example.org>", ""]
    for i in range(rnd.choice((1, 3, 20, 200, 1500))):
        kind = rnd.random()
        if kind < 0.05:
            lines.append(".")
        elif kind < 0.12:
            lines.append("." * rnd.randint(1, 3) + f"dot line {i}")
        elif kind < 0.15:
            lines.append(f"From the line {i}")
        elif kind < 0.17:
            lines.append("")
        else:
            lines.append("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz ,;-=") for _ in range(rnd.randint(1, 140))))
    return ("\n".join(lines) + "\n").encode()


class Run:
    def __init__(self, a):
        self.a = a
        self.users = [User(s) for s in a.user]
        self.lock = threading.Lock()
        self.messages = {}     # uid -> Message
        self.sessions = []     # one dict per session
        self.seq = 0
        self.t_kill = None     # when the kill command was started
        self.t_killed = None   # and when it had returned
        self.t_down = None
        self.log_at_kill = 0   # the size of HAProxy's log then
        self.stop = threading.Event()
        self.errors = []       # driver trouble (a delivery failed, ...)

    # Maildir delivery: tmp/, then rename into new/.
    def deliver(self, user, rnd):
        with self.lock:
            self.seq += 1
            seq = self.seq
        t = time.time()
        uid = f"{int(t)}.M{int(t * 1e6) % 1000000}P{os.getpid()}Q{seq}.cluster-mda"
        text = message_text(uid, user.name, rnd)
        msg = Message(uid, user.name, hashlib.sha256(text).hexdigest(), len(text) + text.count(b"\n"))
        with self.lock:
            self.messages[uid] = msg
        tmp = os.path.join(user.maildir, "tmp", uid)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, text)
            os.fchown(fd, user.uid, user.gid)
        finally:
            os.close(fd)
        os.rename(tmp, os.path.join(user.maildir, "new", uid))
        msg.delivered = now()

    def in_lull(self):
        """While the Maildirs are left alone: no delivery, and no session changes anything."""
        lull = self.a.lull
        return lull is not None and lull[0] <= now() - self.t_start < lull[1]

    def deliverer(self, user, seed):
        rnd = random.Random(seed)
        while not self.stop.is_set():
            if not self.in_lull():
                try:
                    self.deliver(user, rnd)
                except OSError as e:
                    self.errors.append(f"delivery to {user.name} failed: {e}")
                    return
            self.stop.wait(rnd.uniform(0.02, 0.08))

    def session(self, user, rnd, client):
        a = self.a
        s = {"client": client, "user": user.name, "node": None, "t_connect": now(), "error": None,
             "login": None, "in_use": False, "retr": [], "dele": [], "quit": None, "dropped": False}
        conn = None
        stage = "connect"
        think = a.hold_ms / 1000.0
        try:
            conn = Pop3("127.0.0.1", a.front, 15)
            s["port"] = conn.port
            stage = "greeting"
            greeting = conn.line()
            s["node"] = node_of(greeting)
            stage = "login"
            if rnd.random() < 0.75:
                s["t_pass_sent"] = now()
                answer = apop_login(conn, greeting, user.name, user.secret)
            else:
                ok = conn.command(f"USER {user.name}")
                if not ok.startswith(b"+OK"):
                    raise SessionError(f"USER: {ok!r}")
                s["t_pass_sent"] = now()
                answer = conn.command(f"PASS {user.secret}")
            s["t_pass_ok"] = now()
            s["login"] = answer.decode(errors="replace")
            if answer.startswith(b"-ERR [IN-USE]") and a.exclusive:
                s["in_use"] = True
                conn.close()
                s["t_end"] = now()
                return s
            if not answer.startswith(b"+OK"):
                raise SessionError(f"login refused: {answer!r}")
            stage = "stat"
            stat = conn.command("STAT").split()
            s["stat"] = (int(stat[1]), int(stat[2]))
            stage = "uidl"
            if not conn.command("UIDL").startswith(b"+OK"):
                raise SessionError("UIDL refused")
            s["uidl"] = [tuple(x.decode().split(" ", 1)) for x in conn.multiline()]
            stage = "list"
            if not conn.command("LIST").startswith(b"+OK"):
                raise SessionError("LIST refused")
            s["list"] = [tuple(x.decode().split(" ", 1)) for x in conn.multiline()]
            listing = [uid for _, uid in s["uidl"]]
            picks = rnd.sample(range(1, len(listing) + 1), min(len(listing), rnd.randint(0, 3)))
            for n in picks:
                time.sleep(rnd.uniform(0, think))
                stage = f"retr {n}"
                r = {"n": n, "uid": listing[n - 1], "t_sent": now()}
                answer = conn.command(f"RETR {n}")
                r["answer"] = answer.decode(errors="replace")
                if answer.startswith(b"+OK"):
                    body = b"\n".join(conn.multiline()) + b"\n"  # every message delivered ends in LF
                    r["got_octets"] = len(body) + body.count(b"\n")
                    r["sha"] = hashlib.sha256(body).hexdigest()
                r["t_done"] = now()
                s["retr"].append(r)
            s["lull"] = self.in_lull()
            for r in s["retr"]:
                if r["answer"].startswith("+OK") and rnd.random() < 0.6 and not s["lull"]:
                    s["dele"].append((r["n"], r["uid"]))
            if listing and rnd.random() < 0.15 and not s["lull"]:
                n = rnd.randint(1, len(listing))
                if all(n != d[0] for d in s["dele"]):
                    s["dele"].append((n, listing[n - 1]))
            s["dele_answers"] = []
            for n, _ in s["dele"]:
                stage = f"dele {n}"
                s["dele_answers"].append(conn.command(f"DELE {n}").decode(errors="replace"))
            time.sleep(rnd.uniform(0, think))
            if rnd.random() < 0.08 or (s["lull"] and s["retr"]):
                s["dropped"] = True  # a dropped connection changes nothing: no deletion, no S flag
            else:
                stage = "quit"
                s["t_quit_sent"] = now()
                s["quit"] = conn.command("QUIT").decode(errors="replace")
                s["t_quit_ok"] = now()
        except (OSError, SessionError, ValueError, IndexError) as e:
            s["error"] = f"{stage}: {e}"
        finally:
            if conn:
                conn.close()
        s["t_end"] = now()
        return s

    def client(self, index, seed):
        rnd = random.Random(seed)
        user = self.users[index % len(self.users)]
        while not self.stop.is_set():
            s = self.session(user, rnd, index)
            with self.lock:
                self.sessions.append(s)
            # A client refused [IN-USE] tries again a little later.
            self.stop.wait(rnd.uniform(0.1, 0.3) if s["in_use"] else rnd.uniform(0, 0.02))

    def killer(self):
        a = self.a
        if self.stop.wait(a.kill_at):
            return
        try:
            self.log_at_kill = os.path.getsize(a.haproxy_log)
        except OSError:
            pass
        self.t_kill = now()
        subprocess.run(["sh", "-c", a.kill_cmd], check=False)
        self.t_killed = now()  # the command returns once the node's processes are gone
        deadline = now() + 15
        while now() < deadline and not self.stop.is_set():
            try:
                with open(a.haproxy_log, errors="replace") as f:
                    if f.read().count(a.down_pattern) > a.down_skip:
                        self.t_down = now()
                        return
            except OSError:
                pass
            time.sleep(0.02)

    def run(self):
        a = self.a
        rnd = random.Random(a.seed)
        for user in self.users:  # mail waiting before the first login
            for _ in range(a.initial):
                self.deliver(user, rnd)
        threads = [threading.Thread(target=self.deliverer, args=(u, a.seed + 100 + i)) for i, u in enumerate(self.users)]
        threads += [threading.Thread(target=self.client, args=(i, a.seed + 1000 + i)) for i in range(a.clients)]
        if a.kill_at is not None:
            threads.append(threading.Thread(target=self.killer))
        self.t_start = now()
        for t in threads:
            t.start()
        time.sleep(a.seconds)
        self.stop.set()
        for t in threads:
            t.join()
        self.t_stop = now()


# --- the checks ---------------------------------------------------------------

class Report:
    def __init__(self):
        self.failed = 0

    def check(self, name, problems, limit=12):
        if not problems:
            print(f"ok - {name}")
            return
        self.failed += 1
        print(f"not ok - {name}")
        for p in problems[:limit]:
            print(f"#   {p}")
        if len(problems) > limit:
            print(f"#   ... and {len(problems) - limit} more")


def delivery_key(uid):
    head = uid.split(".", 1)[0]
    return (int(head) if head.isdigit() else 0, uid)


def maildir_now(maildir):
    """base -> [(path, sha)] for every file in new/ and cur/."""
    found = {}
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        for name in os.listdir(d):
            if name.startswith("."):
                continue
            with open(os.path.join(d, name), "rb") as f:
                sha = hashlib.sha256(f.read()).hexdigest()
            found.setdefault(name.split(":", 1)[0], []).append((f"{sub}/{name}", sha))
    return found


def cut_by_kill(run, s):
    """In progress on the killed node (or not yet greeted) when it was killed."""
    return run.t_kill is not None and s["t_connect"] < run.t_killed and s["t_end"] >= run.t_kill and \
        s["node"] in (None, run.a.killed_node)


def closed_at_down(run):
    """The local ports of the connections HAProxy closed as it marked the node
    down (termination state D..., on-marked-down shutdown-sessions): one it was
    opening to that node at that moment is closed too, before any greeting."""
    ports = set()
    try:
        with open(run.a.haproxy_log, errors="replace") as f:
            f.seek(run.log_at_kill)
            for line in f:
                m = re.match(r"127\.0\.0\.1:(\d+) \[[^]]*\] \S+ (\S+) \S+ \S+ (\S\S) ", line)
                if m and m.group(3).startswith("D") and m.group(2).endswith("/" + run.a.killed_node):
                    ports.add(int(m.group(1)))
    except OSError:
        pass
    return ports


def analyse(run, rep):
    msgs = run.messages
    sessions = run.sessions
    inf = float("inf")
    # When each message's deletion began (a QUIT sent by a session that DELE'd
    # it) and when it was first reported done (that QUIT's +OK received).
    begun, done = {}, {}
    for s in sessions:
        if "t_quit_sent" not in s:
            continue
        for _, uid in s["dele"]:
            begun[uid] = min(begun.get(uid, inf), s["t_quit_sent"])
            if s["quit"] is not None and s["quit"].startswith("+OK"):
                done[uid] = min(done.get(uid, inf), s["t_quit_ok"])

    logged_in = [s for s in sessions if s.get("login", "") and s["login"].startswith("+OK")]
    listings = [s for s in logged_in if "list" in s]

    # Whole, consistent listings.
    broken = []
    for s in listings:
        numbers_u = [int(n) for n, _ in s["uidl"]]
        numbers_l = [int(n) for n, _ in s["list"]]
        uids = [u for _, u in s["uidl"]]
        sizes = [int(z) for _, z in s["list"]]
        where = f"client {s['client']} on {s['node']}"
        if numbers_u != list(range(1, len(uids) + 1)) or numbers_l != numbers_u:
            broken.append(f"{where}: LIST/UIDL numbers {numbers_l[:5]}/{numbers_u[:5]}...")
        if s["stat"] != (len(uids), sum(sizes)):
            broken.append(f"{where}: STAT {s['stat']} but LIST has {len(uids)} messages, {sum(sizes)} octets")
        if len(set(uids)) != len(uids):
            dup = sorted({u for u in uids if uids.count(u) > 1})
            broken.append(f"{where}: UIDL lists {dup[:3]} more than once")
        for uid, size in zip(uids, sizes):
            m = msgs.get(uid)
            if m is None or m.user != s["user"]:
                broken.append(f"{where}: UIDL {uid} was never delivered to {s['user']}")
            elif m.octets != size:
                broken.append(f"{where}: LIST says {size} octets for {uid}, delivered {m.octets}")
        keys = [delivery_key(u) for u in uids]
        if keys != sorted(keys):
            broken.append(f"{where}: the listing is not in delivery order")
    rep.check(f"every listing is whole and consistent: STAT, LIST and UIDL agree, unique UIDs of delivered "
              f"messages with their sizes, in delivery order ({len(listings)} listings)", broken)

    missing, stale = [], []
    for s in listings:
        listed = {u for _, u in s["uidl"]}
        for uid, m in msgs.items():
            if m.user != s["user"] or m.delivered is None:
                continue
            if m.delivered < s["t_pass_sent"] and begun.get(uid, inf) > s["t_pass_ok"] and uid not in listed:
                missing.append(f"client {s['client']} on {s['node']}: {uid} (delivered "
                               f"{s['t_pass_sent'] - m.delivered:.3f} s before the login) not listed")
        for uid in listed:
            if done.get(uid, inf) < s["t_pass_sent"]:
                stale.append(f"client {s['client']} on {s['node']}: lists {uid}, whose deletion was reported "
                             f"done {s['t_pass_sent'] - done[uid]:.3f} s before the login")
    rep.check("no listing lacks a message delivered before the login that nobody had begun to delete", missing)
    rep.check("no listing holds a message whose deletion was reported done before the login", stale)

    bad_retr, after_delete, gone = [], [], []
    retrieved = 0
    for s in listings:
        sizes = dict(s["list"])
        for r in s["retr"]:
            where = f"client {s['client']} on {s['node']}: RETR {r['n']} ({r['uid']})"
            m = msgs.get(r["uid"])
            if r["answer"].startswith("+OK") and "sha" in r:
                retrieved += 1
                claimed = r["answer"].split()[1] if len(r["answer"].split()) > 1 else "?"
                if m is None or r["sha"] != m.sha:
                    bad_retr.append(f"{where}: not the message delivered under that name")
                elif claimed != sizes.get(str(r["n"])) or r["got_octets"] != m.octets:
                    bad_retr.append(f"{where}: +OK {claimed}, LIST {sizes.get(str(r['n']))}, "
                                    f"sent {r['got_octets']}, delivered {m.octets}")
                if done.get(r["uid"], inf) < r["t_sent"]:
                    after_delete.append(f"{where}: served {r['t_sent'] - done[r['uid']]:.3f} s after "
                                        f"its deletion was reported done")
            elif r["answer"].startswith("-ERR") and begun.get(r["uid"], inf) < r["t_done"]:
                pass  # another session's QUIT removed it meanwhile: -ERR is right
            elif not cut_by_kill(run, s):  # a dying node's greeter may say -ERR [SYS/TEMP]
                gone.append(f"{where}: {r['answer']}")
    rep.check(f"every RETR sends the message delivered, byte for byte, with LIST's size ({retrieved} RETRs)",
              bad_retr)
    rep.check("no message is served after its deletion was reported done (QUIT +OK)", after_delete)
    rep.check("RETR answers -ERR only for a message another session's QUIT had deleted", gone)

    answers = []
    for s in listings:
        if cut_by_kill(run, s):
            continue
        for (n, _), ans in zip(s["dele"], s.get("dele_answers", [])):
            if not ans.startswith("+OK"):
                answers.append(f"client {s['client']}: DELE {n}: {ans}")
        if s["quit"] is not None and not s["quit"].startswith("+OK"):
            answers.append(f"client {s['client']} on {s['node']}: QUIT: {s['quit']}")
    rep.check("every DELE and every QUIT is answered +OK (but in the sessions the kill cut)", answers)
    return begun, done


def analyse_failures(run, rep):
    a = run.a
    sessions = run.sessions
    failed = [s for s in sessions if s["error"]]
    t_kill = run.t_kill
    at_down = closed_at_down(run)
    allowed, closed, wrong = [], [], []
    for s in failed:
        if cut_by_kill(run, s):
            allowed.append(s)
        elif t_kill is not None and s["node"] is None and s.get("port") in at_down:
            closed.append(s)
        else:
            wrong.append(s)
    rep.check(f"every session succeeds but those in progress on {a.killed_node} when it was killed "
              f"({len(sessions)} sessions, {len(allowed)} cut by the kill, {len(closed)} closed by HAProxy "
              f"before the greeting as it marked the node down)",
              [f"client {s['client']} ({s['user']}) on {s['node']}, {s['t_connect'] - run.t_start:.2f} s in, "
               f"port {s.get('port')}: {s['error']}" for s in wrong])
    if t_kill is None:
        return
    before = [s for s in sessions if s["t_connect"] < t_kill]
    nodes = {}
    for s in before:
        if s["node"]:
            nodes[s["node"]] = nodes.get(s["node"], 0) + 1
    rep.check(f"before the kill HAProxy spread the sessions over both nodes ({nodes})",
              [] if len(nodes) >= 2 else [f"nodes seen: {nodes}"])
    rep.check(f"the kill cut sessions in progress on {a.killed_node} ({len(allowed)})",
              [] if allowed else ["no session was in progress there: the kill came at a quiet moment"])
    if run.t_down is None:
        rep.check(f"HAProxy's health check marks {a.killed_node} down", [f"no '{a.down_pattern}' in {a.haproxy_log}"])
        return
    rep.check(f"HAProxy's health check marks {a.killed_node} down {run.t_down - t_kill:.2f} s after the kill",
              [] if run.t_down - t_kill < 5 else ["more than 5 s"])
    after = [s for s in sessions if s["t_connect"] > run.t_killed]
    off = [f"client {s['client']}, {s['t_connect'] - run.t_killed:.2f} s after the kill: node {s['node']}, "
           f"error {s['error']}" for s in after
           if (s["error"] and s not in closed) or s["node"] == a.killed_node]
    late = [s for s in after if s["t_connect"] > run.t_down]
    rep.check(f"every session after the kill succeeds through the other node ({len(after)} sessions, "
              f"{len(late)} after the node was marked down)", off if after else ["no session after the kill"])


def analyse_exclusive(run, rep):
    sessions = run.sessions
    held = [s for s in sessions if s.get("login", "") and s["login"].startswith("+OK") and "t_quit_sent" in s]
    in_use = [s for s in sessions if s["in_use"]]
    overlaps = []
    by_user = {}
    for s in held:
        by_user.setdefault(s["user"], []).append((s["t_pass_ok"], s["t_quit_sent"], s["node"], s["client"]))
    for user, spans in by_user.items():
        spans.sort()
        for (a0, a1, an, ac), (b0, b1, bn, bc) in zip(spans, spans[1:]):
            if b0 < a1:
                overlaps.append(f"{user}: client {ac} on {an} held it until {a1:.3f}, client {bc} on {bn} "
                                f"logged in at {b0:.3f}")
    nodes = sorted({s["node"] for s in held})
    rep.check(f"POSTERN_LOCK=1: no two sessions of one user hold the maildrop at once, on one node or two "
              f"({len(held)} sessions held it, on {', '.join(map(str, nodes))})", overlaps)
    rep.check(f"POSTERN_LOCK=1: logins while another session holds the maildrop get -ERR [IN-USE] ({len(in_use)})",
              [] if in_use else ["no login was refused: the sessions never met"])
    across = 0
    for s in in_use:
        for h in held:
            if h["user"] == s["user"] and h["node"] != s["node"] and h["t_pass_ok"] < s["t_pass_sent"] < h["t_quit_sent"]:
                across += 1
                break
    rep.check(f"POSTERN_LOCK=1: a session on one node keeps out logins on the other ({across} such refusals)",
              [] if across else ["no refusal was for a session held on the other node"])


def final_state(run, rep, begun, done):
    a = run.a
    problems, lost, kept = [], [], []
    for user in run.users:
        found = maildir_now(user.maildir)
        for base, files in found.items():
            m = run.messages.get(base)
            if m is None or m.user != user.name:
                problems.append(f"{user.name}: {files[0][0]} was never delivered there")
                continue
            if len(files) > 1:
                problems.append(f"{user.name}: {base} is there {len(files)} times: {[f for f, _ in files]}")
            for f, sha in files:
                if sha != m.sha:
                    problems.append(f"{user.name}: {f} is not what was delivered")
        for uid, m in run.messages.items():
            if m.user != user.name:
                continue
            if uid not in found and uid not in begun:
                lost.append(f"{user.name}: {uid} is gone, and no session that DELE'd it sent QUIT")
            if uid in found and uid in done:
                kept.append(f"{user.name}: {uid} is still there, though a QUIT +OK reported it deleted")
        # The last session through HAProxy lists exactly what is there, and sends it intact.
        try:
            conn = Pop3("127.0.0.1", a.front, 15)
            greeting = conn.line()
            if not apop_login(conn, greeting, user.name, user.secret).startswith(b"+OK"):
                raise SessionError("login refused")
            conn.command("UIDL")
            listed = [x.decode().split(" ", 1)[1] for x in conn.multiline()]
            if sorted(listed) != sorted(found):
                problems.append(f"{user.name}: the last session lists {len(listed)} messages, the Maildir holds "
                                f"{len(found)}")
            for n, uid in enumerate(listed, 1):
                if not conn.command(f"RETR {n}").startswith(b"+OK"):
                    problems.append(f"{user.name}: the last session cannot RETR {n}")
                    continue
                body = b"\n".join(conn.multiline()) + b"\n"
                if uid in run.messages and hashlib.sha256(body).hexdigest() != run.messages[uid].sha:
                    problems.append(f"{user.name}: the last session's RETR {n} is not {uid} as delivered")
            conn.command("QUIT")
            conn.close()
        except (OSError, SessionError) as e:
            problems.append(f"{user.name}: the last session failed: {e}")
    delivered = len(run.messages)
    deleted = len(done)
    rep.check(f"no message is lost: each is in its Maildir or some session that DELE'd it sent QUIT "
              f"({delivered} delivered, {deleted} reported deleted)", lost)
    rep.check("every message a QUIT +OK reported deleted is gone", kept)
    rep.check("at the end the Maildirs hold only delivered messages, each once and intact, and a last session "
              "lists and sends exactly them", problems)


def cmd_load(a):
    run = Run(a)
    run.run()
    rep = Report()
    rep.check("the deliveries all went through", run.errors)
    ok_sessions = [s for s in run.sessions if not s["error"]]
    print(f"# {len(run.sessions)} sessions ({len(ok_sessions)} without error), {len(run.messages)} messages "
          f"delivered, in {run.t_stop - run.t_start:.1f} s", flush=True)
    if a.exclusive:
        analyse_exclusive(run, rep)
        failed = [s for s in run.sessions if s["error"]]
        rep.check(f"POSTERN_LOCK=1: every session that got the maildrop succeeds",
                  [f"client {s['client']} on {s['node']}: {s['error']}" for s in failed])
        return 1 if rep.failed else 0
    begun, done = analyse(run, rep)
    analyse_failures(run, rep)
    final_state(run, rep, begun, done)
    return 1 if rep.failed else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    lo = sub.add_parser("login")
    lo.add_argument("addr")
    lo.add_argument("user")
    lo.add_argument("secret")
    lo.add_argument("--proxy-local", action="store_true")
    lo.add_argument("--hold")
    lo.add_argument("--uidl", action="store_true")
    lo.add_argument("--dele", action="append", type=int, default=[])
    ld = sub.add_parser("load")
    ld.add_argument("--front", type=int, required=True)
    ld.add_argument("--user", action="append", required=True)
    ld.add_argument("--clients", type=int, default=20)
    ld.add_argument("--seconds", type=float, default=15)
    ld.add_argument("--initial", type=int, default=30, help="messages waiting in each Maildir at the start")
    ld.add_argument("--hold-ms", type=float, default=30, help="the most a client waits between commands")
    ld.add_argument("--lull", type=lambda v: tuple(map(float, v.split(":"))),
                    help="START:END seconds in: no deliveries, and sessions change nothing, so that the "
                         "directories settle and logins take the cache's listing")
    ld.add_argument("--kill-at", type=float)
    ld.add_argument("--kill-cmd")
    ld.add_argument("--killed-node", default="node1")
    ld.add_argument("--haproxy-log")
    ld.add_argument("--down-pattern")
    ld.add_argument("--down-skip", type=int, default=0, help="how many times the pattern was logged before")
    ld.add_argument("--exclusive", action="store_true")
    ld.add_argument("--seed", type=int, default=int(time.time()))
    a = ap.parse_args()
    if a.cmd == "login":
        return cmd_login(a)
    print(f"# seed {a.seed}", flush=True)
    return cmd_load(a)


if __name__ == "__main__":
    sys.exit(main())
