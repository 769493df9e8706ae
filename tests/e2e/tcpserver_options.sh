#!/bin/bash
# Every option on Debian's tcpserver usage line (ucspi-tcp's, read from the
# installed tcpserver, and ucspi-tcp-ipv6's -4, -6 and -I) is taken by
# postern-tcpserver, alone and grouped, and does what tcpserver(1) says:
# -B before the rules, -o/-O and IP options, -4, -6, -r and -t (no IDENT,
# said in the log), -X; a rules cdb replaced, cut short or removed while the
# server runs. As root, in a network namespace: -I for a link-local address,
# and IPv6 keys as ucspi-tcp-ipv6 writes them.
. "$(dirname "$0")/lib.sh"
need python3 tcpserver tcprules
TS=$BIN/postern-tcpserver
DATA=$E2E/../unit/data/tcprules

cat >"$T/env.sh" <<'SH'
#!/bin/sh
env | grep -E '^(PROTO|TCP[A-Z]*|RULE|X)=' | sort
echo served
SH
chmod 755 "$T/env.sh"
# start NAME ARGS...: postern-tcpserver -1 ARGS... in the background (log in
# $T/NAME.log); sets PID and PORT. served: a client got to the program.
start() {
    local name=$1; shift
    start_listener "$name" "$TS" -1 "$@"
    PID=$LISTENER_PID PORT=$LISTENER_PORT
}
served() { talk "$@" "$PORT" | grep -qx served; }
seen() { talk "$@" "$PORT" | grep -v '^TCP[A-Z]*PORT='; }
# denied LOG ADDRESS: postern-tcpserver has logged a deny for a client from ADDRESS
# (within 5 s): what an empty answer must come with to be a deny, not a dead server.
denied() { wait_log "$1" "^postern-tcpserver: deny pid=[0-9]+ remote=${2//./\\.} "; }

if [ "${1:-}" != --netns ]; then
# --- every option of the usage line, alone and grouped ---------------------------------
printf '127.0.0.2:deny\n:allow,RULE="default"\n' | tcprules "$T/rules.cdb" "$T/rules.tmp"
usage=$(tcpserver 2>&1 | sed -n 's/.*usage: tcpserver //p')
flags=$(echo "$usage" | sed -n 's/^\[ -\([0-9A-Za-z]*\) \].*/\1/p')
check "Debian's tcpserver names its options: $usage" test -n "$flags"
if [ "$(id -u)" = 0 ]; then uid=65534 gid=65534; else uid=$(id -u) gid=$(id -g); fi
value_for() {
    case $1 in
        limit) echo 40 ;; rules.cdb) echo "$T/rules.cdb" ;; banner) echo banner ;; gid) echo "$gid" ;;
        uid) echo "$uid" ;; backlog) echo 20 ;; localname) echo 0 ;; timeout) echo 26 ;; interface) echo lo ;;
    esac
}
# Each flag, each option with a value (from the usage line), then ucspi-tcp-ipv6's.
words=()
for ((i = 0; i < ${#flags}; i++)); do words+=("-${flags:i:1}"); done
while read -r letter name; do words+=("-$letter $(value_for "$name")"); done \
    < <(echo "$usage" | grep -o '\[ -[A-Za-z] [^] ]* \]' | sed 's/\[ -\(.\) \(.*\) \]/\1 \2/')
words+=(-4 -6 "-I lo" "-$flags" "-46$flags")
n=0
for word in "${words[@]}"; do
    n=$((n + 1))  # a log and port file of its own: start_listener must not read the last one's port
    case $word in
        -g*|-u*|-U|-*U*) [ "$(id -u)" = 0 ] || { skip "postern-tcpserver $word" "needs root to change identity"; continue; } ;;
    esac
    # shellcheck disable=SC2086 # a word is an option and its value
    start_listener "opt$n" env UID="$uid" GID="$gid" "$TS" -1 $word 127.0.0.1 0 "$T/env.sh"
    PID=$LISTENER_PID PORT=$LISTENER_PORT
    name="postern-tcpserver ${word//$T\//} 127.0.0.1 0 ...: serves"
    if served; then ok "$name"; else fail "$name" "$(cat "$T/opt$n.log")"; fi
    stop_server "$PID"
done

# --- -B: before the rules, so a denied client sees it, as under tcpserver ------------
start banner -B 'hello
' -x "$T/rules.cdb" 127.0.0.1 0 "$T/env.sh"
expect_eq "-B: a denied client gets the banner, then the close" "hello" "$(talk --source 127.0.0.2 "$PORT")"
expect_eq "-B: an allowed one, the banner first" "hello" "$(talk "$PORT" | head -n 1)"
stop_server "$PID"
start_listener djb tcpserver -1 -RHl0 -B 'hello
' -x "$T/rules.cdb" 127.0.0.1 0 "$T/env.sh"
expect_eq "(as Debian's tcpserver does)" "hello" "$(talk --source 127.0.0.2 "$LISTENER_PORT")"
stop_server "$LISTENER_PID"

# --- -o and -O: a client's IP options (record route) on the connection ----------------
cat >"$T/ipopt.py" <<'PY'
#!/usr/bin/env python3
import socket
options = socket.socket(fileno=0).getsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, 40)
print(options.hex() or "none")
PY
cat >"$T/rr_client.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, bytes([7, 11, 4]) + bytes(9))  # record route, 2 slots
s.connect(("127.0.0.1", int(sys.argv[1])))
s.settimeout(5)
print(s.recv(100).decode().strip())
PY
chmod 755 "$T/ipopt.py"
for host in 127.0.0.1 ::; do
    start "keep$host" -o "$host" 0 "$T/ipopt.py"
    # (record route is option 7: "none", or nothing at all, is no option kept)
    check "-o on $host: the client's options stay on the connection" grep -qx '07[0-9a-f]*' <(python3 "$T/rr_client.py" "$PORT")
    stop_server "$PID"
    start "kill$host" "$host" 0 "$T/ipopt.py"
    expect_eq "-O (the default) on $host: they are removed" none "$(python3 "$T/rr_client.py" "$PORT")"
    stop_server "$PID"
done

# --- -4 and -6 ---------------------------------------------------------------------------
start v4 -4 :: 0 "$T/env.sh"
expect_grep "-4 ::: every IPv4 address" '^TCPLOCALIP=127\.0\.0\.1$' <(talk "$PORT")
expect_grep "-4 ::: no IPv6" 'refused' <(talk -6 "$PORT" 2>&1)
stop_server "$PID"
start v4name -4 localhost 0 "$T/env.sh"
expect_grep "-4 localhost: its IPv4 address" '^TCPLOCALIP=127\.0\.0\.1$' <(talk "$PORT")
stop_server "$PID"
timeout 5 "$TS" -4 ::1 0 true 2>"$T/usage.log"
expect_eq "-4 with an IPv6 address is a usage error (exit 2)" 2 $?
expect_grep "that says so" '^postern-tcpserver: usage error=-4-with-an-IPv6-HOST:-::1$' "$T/usage.log"

start v6 -6 -x "$DATA/rules-v6.cdb" 127.0.0.1 0 "$T/env.sh"
expect_eq "-6: an IPv4 client as ucspi-tcp-ipv6 shows it" \
    "PROTO=TCP6|RULE=mapped|TCPCONNNUM=1|TCPLOCALIP=::ffff:127.0.0.1|TCPREMOTEIP=::ffff:127.0.0.5|served" \
    "$(seen --source 127.0.0.5 | paste -sd'|')"
stop_server "$PID"
start nov6 -x "$DATA/rules-v6.cdb" 127.0.0.1 0 "$T/env.sh"
answer=$(seen --source 127.0.0.5)
check "without -6 its cdb key is a.b.c.d (and the default denies)" denied "$T/nov6.log" 127.0.0.5
expect_eq "so the client gets nothing" "" "$answer"
stop_server "$PID"

# --- -r, -t: no IDENT, and the log says so ---------------------------------------------------
TCPREMOTEINFO=stale start ident -r -t 5 127.0.0.1 0 "$T/env.sh"
answer=$(seen)
expect_eq "-r: TCPREMOTEINFO stays unset (the program ran)" "served|" \
    "$(grep -x served <<<"$answer")|$(grep ^TCPREMOTEINFO= <<<"$answer")"
expect_grep "-r is logged as ignored" '^postern-tcpserver: ignored option=-r reason=no-IDENT-lookups$' "$T/ident.log"
expect_grep "and -t" '^postern-tcpserver: ignored option=-t reason=no-IDENT-lookups$' "$T/ident.log"
stop_server "$PID"
start quiet -q -r 127.0.0.1 0 "$T/env.sh"
# (a server that did not start would have logged nothing either)
served_quietly() { served && ! grep -q ignored "$T/quiet.log"; }
check "-q: it serves, and logs not even that" served_quietly
stop_server "$PID"

# --- a rules cdb replaced, cut short, removed ---------------------------------------------------
printf '127.0.0.2:allow,RULE="one"\n' | tcprules "$T/live.cdb" "$T/live.tmp"
start live -x "$T/live.cdb" 127.0.0.1 0 "$T/env.sh"
expect_grep "a cdb's rule" '^RULE=one$' <(seen --source 127.0.0.2)
head -c 100 "$T/live.cdb" >"$T/cut.cdb" && mv "$T/cut.cdb" "$T/live.cdb"
expect_grep "replaced by one cut short: the old rules stay" '^RULE=one$' <(seen --source 127.0.0.2)
expect_grep "and the bad file is logged once" \
    '^postern-tcpserver: rules-error file=.*live\.cdb line=0 reason=cdb:-truncated:-100-bytes,-less-than-the-2048-byte-header kept=1$' \
    "$T/live.log"
seen --source 127.0.0.2 >/dev/null
expect_eq "(not again for each client)" 1 "$(grep -c rules-error "$T/live.log")"
kill -HUP "$PID"
for _ in $(seq 50); do [ "$(grep -c rules-error "$T/live.log")" -ge 2 ] && break; sleep 0.1; done
expect_eq "SIGHUP tries it again, and keeps the old rules" 2 "$(grep -c rules-error "$T/live.log")"
printf '127.0.0.2:allow,RULE="two"\n' | tcprules "$T/live.cdb" "$T/live.tmp"
expect_grep "a good one in its place counts from the next client" '^RULE=two$' <(seen --source 127.0.0.2)
rm "$T/live.cdb"
expect_grep "removed (no -X): the rules stay" '^RULE=two$' <(seen --source 127.0.0.2)
expect_grep "and that is logged" 'rules-error file=.*live\.cdb line=0 reason=cannot-open:-No-such-file-or-directory kept=1$' \
    "$T/live.log"
stop_server "$PID"

start appear -X -x "$T/later.cdb" 127.0.0.1 0 "$T/env.sh"
check "-X, no file: served" served --source 127.0.0.2
printf '127.0.0.2:deny\n' | tcprules "$T/later.cdb" "$T/later.tmp"
answer=$(seen --source 127.0.0.2)
check "-X: a cdb that appears counts from the next client: its deny is logged" denied "$T/appear.log" 127.0.0.2
expect_eq "and the client gets nothing" "" "$answer"
rm "$T/later.cdb"
check "-X: and once it is gone, no rules again" served --source 127.0.0.2
expect_grep "which is logged" '^postern-tcpserver: rules-missing file=.*later\.cdb$' "$T/appear.log"
stop_server "$PID"

printf '127.0.0.2:deny\n' >"$T/text-rules"
start text -x "$T/text-rules" 127.0.0.1 0 "$T/env.sh"
printf '127.0.0.2:allow,RULE=edited\n' >"$T/text-rules"
answer=$(seen --source 127.0.0.2)
check "text rules wait for SIGHUP (an editor may be half way): the old deny is logged" denied "$T/text.log" 127.0.0.2
expect_eq "and the client gets nothing" "" "$answer"
stop_server "$PID"

head -c 3000 "$DATA/many.cdb" >"$T/cut.cdb"
timeout 5 "$TS" -x "$T/cut.cdb" 127.0.0.1 0 true 2>"$T/cut.log"
expect_eq "a cdb cut short is refused at start (exit 2)" 2 $?
expect_grep "with the reason" '^postern-tcpserver: fatal rules=.*cut\.cdb line=0 reason=cdb:-hash-table-[0-9]+-lies-outside-the-file-\(truncated\?\)$' \
    "$T/cut.log"
printf '127.0.0.2:deny\n' >"$T/text.cdb"
timeout 5 "$TS" -x "$T/text.cdb" 127.0.0.1 0 true 2>"$T/text.log"
expect_eq "text in a file named .cdb is not taken for rules (exit 2)" 2 $?
timeout 5 "$TS" -x "$T/none.cdb" 127.0.0.1 0 true 2>"$T/none.log"
expect_eq "no cdb and no -X: a temporary failure at start (exit 111)" 111 $?

# --- in a network namespace: -I, and IPv6 keys ------------------------------------------------
if [ "$(id -u)" != 0 ]; then
    skip "-I and IPv6 cdb keys" "needs root for a network namespace"
    exit 0
fi
need unshare ip
unshare -n bash "$0" --netns
status=$?
[ $status = 0 ] || fail "the network namespace could be made and used (status $status)"
exit 0
fi

ip link set lo up || { fail "lo up in the namespace"; exit 0; }
for a in fe80::1 2001:db8:0:1:1:1:1:1 2001:db8:0:1:1:1:1:2 2001:db8::7 2001:db8:5::9; do
    ip -6 addr add "$a/64" dev lo nodad || fail "address $a in the namespace"
done
timeout 5 "$TS" fe80::1 0 true 2>"$T/ll.log"
expect_eq "a link-local address without -I cannot be bound (exit 111)" 111 $?
timeout 5 "$TS" -I no-such-if fe80::1 0 true 2>"$T/ll.log"
expect_grep "-I with no such interface says so" '^postern-tcpserver: fatal host=fe80::1 port=0 step=interface error="No such device"$' \
    "$T/ll.log"
start ll -I lo fe80::1 0 "$T/env.sh"
cat >"$T/ll_client.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6)
s.settimeout(5)
s.connect(("fe80::1", int(sys.argv[1]), 0, socket.if_nametoindex("lo")))
out = b""
while chunk := s.recv(4096):
    out += chunk
print(out.decode().strip())
PY
expect_grep "-I lo fe80::1: serves" '^served$' <(python3 "$T/ll_client.py" "$PORT")
stop_server "$PID"

# The keys of rules-v6.cdb (ucspi-tcp-ipv6's tcprules), answered as its tcpserver answered them.
start v6keys -x "$DATA/rules-v6.cdb" :: 0 "$T/env.sh"
v6_rule() {
    python3 - "$1" "$PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6)
s.settimeout(5)
s.bind((sys.argv[1], 0))
s.connect(("::1", int(sys.argv[2])))
out = b""
while chunk := s.recv(4096):
    out += chunk
lines = out.decode().split("\n")
# "denied" is an empty answer only: a program that ran without a rule's variables says "served".
print(" ".join(l for l in lines if l.startswith(("RULE=", "X="))) or ("served" if "served" in lines else "denied"))
PY
}
expect_eq "2001:db8:0:1:1:1:1:1 has the key 2001:db8::1:1:1:1:1" "RULE=single-zero-group" "$(v6_rule 2001:db8:0:1:1:1:1:1)"
expect_eq "2001:db8:0:1:1:1:1:2: a key in RFC 5952's form never matches" denied "$(v6_rule 2001:db8:0:1:1:1:1:2)"
check "(its deny is logged)" denied "$T/v6keys.log" 2001:db8:0:1:1:1:1:2
expect_eq "2001:db8::7: an exact deny" denied "$(v6_rule 2001:db8::7)"
check "(logged too)" denied "$T/v6keys.log" 2001:db8::7
expect_eq "2001:db8:5::9: the prefix 2001:db8:5:" "RULE=prefix" "$(v6_rule 2001:db8:5::9)"
expect_eq "::1, with a variable holding a colon" "RULE=loopback X=a:b" "$(v6_rule ::1)"
stop_server "$PID"
