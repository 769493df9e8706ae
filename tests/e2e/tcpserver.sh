#!/bin/bash
# postern-tcpserver with trivial UCSPI programs (shell scripts): the UCSPI
# environment, IPv4 and IPv6, access rules and SIGHUP, the PROXY protocol,
# the limits, logging, SIGTERM, and children that misbehave.
. "$(dirname "$0")/lib.sh"
need python3 strace
TS=$BIN/postern-tcpserver

# start NAME ARGS...: runs postern-tcpserver -1 ARGS... in the background with
# its log in $T/NAME.log; sets PORT and PID.
start() {
    local name=$1; shift
    start_listener "$name" "$TS" -1 "$@"
    PID=$LISTENER_PID PORT=$LISTENER_PORT
}

cat >"$T/env.sh" <<'SH'
#!/bin/sh
# Prints the UCSPI variables (and RULE_*) and echoes one line of input.
env | grep -E '^(PROTO|TCP[A-Z]*|RULE_[A-Z]*)=' | sort
IFS= read -r line && echo "got: $line"
SH
cat >"$T/hold.sh" <<'SH'
#!/bin/sh
# Says hello, then waits for one line (or end of file) before ending.
echo "hello $TCPREMOTEIP"
IFS= read -r line
SH
chmod +x "$T/env.sh" "$T/hold.sh"

# --- the UCSPI environment over IPv4 and IPv6 --------------------------------
start basic 127.0.0.1 0 "$T/env.sh"
check "-1 prints the port bound for port 0" test "$PORT" -gt 0
talk --show-port --send 'first line\r\n' "$PORT" >"$T/out"
client_port=$(sed -n 's/^local-port //p' "$T/out")
expect_eq "PROTO=TCP for IPv4" "PROTO=TCP" "$(grep ^PROTO= "$T/out")"
expect_eq "TCPREMOTEIP" "TCPREMOTEIP=127.0.0.1" "$(grep ^TCPREMOTEIP= "$T/out")"
expect_eq "TCPREMOTEPORT is the client's port" "TCPREMOTEPORT=$client_port" "$(grep ^TCPREMOTEPORT= "$T/out")"
expect_eq "TCPLOCALIP" "TCPLOCALIP=127.0.0.1" "$(grep ^TCPLOCALIP= "$T/out")"
expect_eq "TCPLOCALPORT" "TCPLOCALPORT=$PORT" "$(grep ^TCPLOCALPORT= "$T/out")"
expect_eq "TCPCONNNUM counts this client's connections" "TCPCONNNUM=1" "$(grep ^TCPCONNNUM= "$T/out")"
expect_eq "no host names unless asked" "" "$(grep -E '^TCP(REMOTE|LOCAL)HOST=' "$T/out")"
expect_grep "the program reads the client on fd 0 and answers on fd 1" '^got: first line' "$T/out"
TCPREMOTEINFO=stale TCPREMOTEHOST=stale talk --send 'x\n' "$PORT" >"$T/out2"
pid_line=$(grep -E '^postern-tcpserver: connect pid=[0-9]+ remote=127\.0\.0\.1 port=[0-9]+$' "$T/basic.log" | head -n 1)
check "the log has a connect line with pid and remote address" test -n "$pid_line"
child=$(echo "$pid_line" | sed -E 's/.*pid=([0-9]+).*/\1/')
wait_log "$T/basic.log" "^postern-tcpserver: end pid=$child status=0\$"
expect_grep "the log has the child's end and exit status" "^postern-tcpserver: end pid=$child status=0\$" "$T/basic.log"
expect_grep "the log has status lines n/limit" '^postern-tcpserver: status 1/40$' "$T/basic.log"
expect_grep "status returns to 0/40" '^postern-tcpserver: status 0/40$' "$T/basic.log"
stop_server "$PID"

# The server's own stale variables never reach the child.
TCPREMOTEHOST=stale TCPREMOTEINFO=stale TCPLOCALHOST=stale start stale 127.0.0.1 0 "$T/env.sh"
talk --send 'x\n' "$PORT" >"$T/out"
expect_eq "stale TCPREMOTEHOST/TCPREMOTEINFO/TCPLOCALHOST are unset (the program ran)" "PROTO=TCP|" \
    "$(grep ^PROTO= "$T/out")|$(grep -E '^TCP(REMOTEHOST|REMOTEINFO|LOCALHOST)=' "$T/out")"
stop_server "$PID"

start v6 ::1 0 "$T/env.sh"
talk -6 --send 'x\n' "$PORT" >"$T/out"
expect_eq "PROTO=TCP6 for an IPv6 client" "PROTO=TCP6" "$(grep ^PROTO= "$T/out")"
expect_eq "TCPREMOTEIP=::1" "TCPREMOTEIP=::1" "$(grep ^TCPREMOTEIP= "$T/out")"
expect_eq "TCPLOCALIP=::1" "TCPLOCALIP=::1" "$(grep ^TCPLOCALIP= "$T/out")"
stop_server "$PID"

start dual :: 0 "$T/env.sh"
talk --send 'x\n' "$PORT" >"$T/out"
talk -6 --send 'x\n' "$PORT" >"$T/out6"
expect_eq ":: serves IPv4 clients as plain IPv4 (no ::ffff:)" "PROTO=TCP TCPREMOTEIP=127.0.0.1" \
    "$(grep -E '^(PROTO|TCPREMOTEIP)=' "$T/out" | paste -sd' ')"
expect_eq ":: serves IPv6 clients" "PROTO=TCP6 TCPREMOTEIP=::1" "$(grep -E '^(PROTO|TCPREMOTEIP)=' "$T/out6" | paste -sd' ')"
stop_server "$PID"

start zero 0 0 "$T/env.sh"
talk --send 'x\n' "$PORT" >"$T/out"
expect_grep "0 listens on every IPv4 address" '^TCPLOCALIP=127\.0\.0\.1$' "$T/out"
stop_server "$PID"

start names -h -l mail.example.org 127.0.0.1 0 "$T/env.sh"
talk --send 'x\n' "$PORT" >"$T/out"
expect_eq "-l sets TCPLOCALHOST" "TCPLOCALHOST=mail.example.org" "$(grep ^TCPLOCALHOST= "$T/out")"
if getent hosts 127.0.0.1 | grep -qw localhost && getent ahosts localhost | grep -q '^127\.0\.0\.1 '; then
    expect_eq "-h sets a confirmed TCPREMOTEHOST" "TCPREMOTEHOST=localhost" "$(grep ^TCPREMOTEHOST= "$T/out")"
else
    skip "-h sets a confirmed TCPREMOTEHOST" "127.0.0.1 is not localhost here"
fi
stop_server "$PID"

start banner -B 'banner: hi
' 127.0.0.1 0 "$T/env.sh"
talk --send 'x\n' "$PORT" >"$T/out"
expect_eq "-B writes the banner first" "banner: hi" "$(head -n 1 "$T/out")"
stop_server "$PID"

printf '#!/usr/bin/env python3\nimport socket\ns = socket.socket(fileno=0)\nprint(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))\n' >"$T/nodelay.py"
chmod +x "$T/nodelay.py"
start nodelay -D 127.0.0.1 0 "$T/nodelay.py"
talk "$PORT" >"$T/out"
expect_eq "-D turns Nagle's algorithm off on the connection" 1 "$(cat "$T/out")"
stop_server "$PID"
start delay 127.0.0.1 0 "$T/nodelay.py"
talk "$PORT" >"$T/out"
expect_eq "without -D it stays on" 0 "$(cat "$T/out")"
stop_server "$PID"

# --- access rules ------------------------------------------------------------
cat >"$T/rules" <<'R'
# the test's rules
127.0.0.2:deny
127.0.0.1:allow,RULE_GREETING="hello, world",RULE_BARE=yes
::1:deny
R
start rules -x "$T/rules" :: 0 "$T/env.sh"
talk --send 'x\n' "$PORT" >"$T/out"
expect_eq "an allow rule sets its variables" "RULE_BARE=yes|RULE_GREETING=hello, world" "$(grep ^RULE_ "$T/out" | paste -sd'|')"
talk -6 --send 'x\n' "$PORT" >"$T/out"
# Each refusal's log line first: an empty answer alone could be a dead server's.
expect_grep "a deny is logged with the rule's line" '^postern-tcpserver: deny pid=[0-9]+ remote=::1 rule=4$' "$T/rules.log"
expect_eq "a deny rule closes the connection without running the program" "" "$(cat "$T/out")"
wait_log "$T/rules.log" 'end pid=[0-9]+ status=100$'
expect_grep "a denied child ends with status 100" 'end pid=[0-9]+ status=100$' "$T/rules.log"

# denied_client: one client from 127.0.0.1, then its answer and the count of
# its deny lines, which must grow: an empty answer alone could be a dead server.
denials() { grep -cE '^postern-tcpserver: deny pid=[0-9]+ remote=127\.0\.0\.1 ' "$T/rules.log"; }
denied_client() {
    local before
    before=$(denials)
    talk --send 'x\n' "$PORT" >"$T/out"
    for _ in $(seq 50); do [ "$(denials)" -gt "$before" ] && break; sleep 0.1; done
    echo "$(cat "$T/out")|$(($(denials) - before))"
}
printf '127.0.0.1:deny\n:allow,RULE_DEFAULT=1\n' >"$T/rules"
kill -HUP "$PID"
wait_log "$T/rules.log" 'rules-loaded file=.* rules=2$'
expect_grep "SIGHUP re-reads the rules" 'rules-loaded file=.* rules=2$' "$T/rules.log"
expect_eq "the new rules are in force: 127.0.0.1 is denied" "|1" "$(denied_client)"
talk -6 --send 'x\n' "$PORT" >"$T/out"
expect_grep "an address no earlier rule matches takes the catch-all" '^RULE_DEFAULT=1$' "$T/out"

printf ':allow\n10.0.0.0/33:deny\n' >"$T/rules"
kill -HUP "$PID"
wait_log "$T/rules.log" 'rules-error'
expect_grep "a malformed file on SIGHUP is logged with its line" \
    '^postern-tcpserver: rules-error file=.* line=2 reason=prefix-length-must-be-0-32 kept=2$' "$T/rules.log"
expect_eq "and the old rules stay in force: 127.0.0.1 is still denied" "|1" "$(denied_client)"
check "the server is still running" kill -0 "$PID"
stop_server "$PID"

printf '127.0.0.1:allow\n\n127.0.0.1 deny\n' >"$T/bad-rules"
timeout 10 "$TS" -x "$T/bad-rules" 127.0.0.1 0 "$T/env.sh" 2>"$T/bad.log"
expect_eq "a malformed rules file is refused at start (exit 2)" 2 $?
expect_grep "with its line number" '^postern-tcpserver: fatal rules=.*bad-rules line=3 reason=expected-ADDRESS:allow-or-ADDRESS:deny$' "$T/bad.log"
timeout 10 "$TS" -x "$T/no-such-rules" 127.0.0.1 0 "$T/env.sh" 2>"$T/bad.log"
expect_eq "a missing rules file is a temporary failure (exit 111)" 111 $?

# --- PROXY protocol -----------------------------------------------------------
printf '192.0.2.66:deny\n' >"$T/proxy-rules"
start proxy -y -T 1 -x "$T/proxy-rules" 127.0.0.1 0 "$T/env.sh"
talk --proxy1 192.0.2.7:51234 --send 'after the header\r\n' "$PORT" >"$T/out"
expect_eq "PROXY v1: TCPREMOTEIP and TCPREMOTEPORT come from the header" "TCPREMOTEIP=192.0.2.7 TCPREMOTEPORT=51234" \
    "$(grep -E '^TCPREMOTE(IP|PORT)=' "$T/out" | paste -sd' ')"
expect_eq "PROXY v1: TCPLOCALPORT is the header's destination" "TCPLOCALPORT=$PORT" "$(grep ^TCPLOCALPORT= "$T/out")"
expect_grep "PROXY v1: the bytes after the header reach the program" '^got: after the header' "$T/out"
expect_grep "the real client is logged" '^postern-tcpserver: proxy pid=[0-9]+ remote=192\.0\.2\.7 port=51234 via=127\.0\.0\.1$' "$T/proxy.log"
talk --proxy2 2001:db8::7:4000 --send 'v2\r\n' "$PORT" >"$T/out"
expect_eq "PROXY v2 over IPv6: the client's address and PROTO=TCP6" "PROTO=TCP6 TCPREMOTEIP=2001:db8::7 TCPREMOTEPORT=4000" \
    "$(grep -E '^(PROTO|TCPREMOTEIP|TCPREMOTEPORT)=' "$T/out" | paste -sd' ')"
expect_grep "PROXY v2: TLVs are skipped and the client's bytes arrive intact" '^got: v2' "$T/out"
talk --proxy2 198.51.100.9:7 --send 'v2\r\n' "$PORT" >"$T/out"
expect_grep "PROXY v2 over IPv4" '^TCPREMOTEIP=198\.51\.100\.9$' "$T/out"
talk --proxy1 192.0.2.66:1 --send 'x\n' "$PORT" >"$T/out"
expect_grep "rules apply to the address in the header: the deny names the real client" 'deny pid=[0-9]+ remote=192\.0\.2\.66 rule=1$' "$T/proxy.log"
expect_eq "and the client gets nothing" "" "$(cat "$T/out")"
talk --send 'USER bob\r\n' "$PORT" >"$T/out"
expect_grep "a connection without a header is logged" '^postern-tcpserver: proxy-bad pid=[0-9]+ via=127\.0\.0\.1 reason=no-PROXY-header$' "$T/proxy.log"
expect_eq "and closed unanswered" "" "$(cat "$T/out")"
talk --send 'PROXY TCP4 192.0.2.7' --linger 1.5 "$PORT" >"$T/out"
wait_log "$T/proxy.log" 'proxy-timeout'
expect_grep "an incomplete header times out (-T 1), which is logged" '^postern-tcpserver: proxy-timeout pid=[0-9]+ via=127\.0\.0\.1 reason=no-complete-header-in-time$' "$T/proxy.log"
expect_eq "and the client gets nothing" "" "$(cat "$T/out")"
talk --send 'PROXY TCP4 192.0.2.7 127.0.0.1 99999 1\r\n' "$PORT" >"$T/out"
expect_grep "a malformed v1 header is refused and logged" 'proxy-bad pid=[0-9]+ via=127\.0\.0\.1 reason=v1-ports-malformed$' "$T/proxy.log"
stop_server "$PID"

# --- limits --------------------------------------------------------------------
start limit -c 1 127.0.0.1 0 "$T/hold.sh"
talk --hold 1.5 --send 'bye\n' "$PORT" >"$T/first" &
first=$!
sleep 0.3
started=$(date +%s%N)
talk --send 'bye\n' "$PORT" >"$T/second"
waited=$(( ($(date +%s%N) - started) / 1000000 ))
wait "$first"
expect_eq "-c 1: the first client is served" "hello 127.0.0.1" "$(cat "$T/first")"
expect_eq "-c 1: the second waits its turn and is served" "hello 127.0.0.1" "$(cat "$T/second")"
check "-c 1: the second waited for the first to end ($waited ms)" test "$waited" -ge 800
expect_grep "status shows the limit reached" '^postern-tcpserver: status 1/1$' "$T/limit.log"
stop_server "$PID"

start limitm -c 1 -m '-ERR [SYS/TEMP] too busy' 127.0.0.1 0 "$T/hold.sh"
talk --hold 1 --send 'bye\n' "$PORT" >"$T/first" &
first=$!
sleep 0.3
talk "$PORT" >"$T/second"
wait "$first"
expect_eq "-c 1 -m: the extra client gets the message" "-ERR [SYS/TEMP] too busy$CR" "$(cat "$T/second")"
expect_eq "-c 1 -m: the first is unaffected" "hello 127.0.0.1" "$(cat "$T/first")"
expect_grep "a total-limit refusal is logged" '^postern-tcpserver: refuse remote=127\.0\.0\.1 reason=total-limit count=1/1$' "$T/limitm.log"
stop_server "$PID"

start persource -C 2 127.0.0.1 0 "$T/hold.sh"
talk --hold 1 --send 'bye\n' "$PORT" >"$T/a" &
a=$!
talk --hold 1 --send 'bye\n' "$PORT" >"$T/b" &
b=$!
sleep 0.4
talk "$PORT" >"$T/c"
wait "$a" "$b"
expect_eq "-C 2: two from one address are served" "hello 127.0.0.1|hello 127.0.0.1" "$(cat "$T/a" "$T/b" | paste -sd'|')"
expect_grep "-C 2: the third is refused, which is logged" '^postern-tcpserver: refuse remote=127\.0\.0\.1 reason=source-limit count=2/2 source=127\.0\.0\.1/32$' "$T/persource.log"
expect_eq "and closed at once" "" "$(cat "$T/c")"
talk --send 'bye\n' "$PORT" >"$T/d"
expect_eq "-C 2: once they end, the address is served again" "hello 127.0.0.1" "$(cat "$T/d")"
stop_server "$PID"

start proxylimit -y -C 1 -m '-ERR [SYS/TEMP] too many connections from your address' 127.0.0.1 0 "$T/hold.sh"
talk --proxy1 192.0.2.7:1000 --hold 1 --send 'bye\n' "$PORT" >"$T/a" &
a=$!
sleep 0.3
talk --proxy1 192.0.2.7:1001 "$PORT" >"$T/b"
talk --proxy2 192.0.2.8:1002 --send 'bye\n' "$PORT" >"$T/c"
wait "$a"
expect_eq "-y -C 1: the first from 192.0.2.7 is served" "hello 192.0.2.7" "$(cat "$T/a")"
expect_eq "-y -C 1: the second from 192.0.2.7 (same proxy) is refused with the message" \
    "-ERR [SYS/TEMP] too many connections from your address$CR" "$(cat "$T/b")"
expect_eq "-y -C 1: 192.0.2.8 through the same proxy is served" "hello 192.0.2.8" "$(cat "$T/c")"
expect_grep "the refusal names the real client" 'refuse remote=192\.0\.2\.7 reason=source-limit count=1/1 source=192\.0\.2\.7/32$' "$T/proxylimit.log"
stop_server "$PID"

# --- what -C counts as one source -------------------------------------------------
# hold_then_try LOG NAME TALK ARGS_A -- ARGS_B [-- ARGS_C]: client A holds its
# connection while B, then C, try theirs; the answers are in $T/NAME.a, .b
# and .c (empty when refused). B starts once the server's log (LOG) has A's
# connection, and a moment more for a child behind a proxy to be admitted.
hold_then_try() {
    local log=$1 name=$2 via=$3; shift 3
    local a_args=()
    while [ "$1" != -- ]; do a_args+=("$1"); shift; done
    shift
    "$via" "${a_args[@]}" --hold 2 --send 'bye\n' "$PORT" >"$T/$name.a" &
    local a=$! letter
    wait_log "$T/$log.log" 'status 1/40$'
    sleep 0.3
    for letter in b c; do
        local args=()
        while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
        [ $# -gt 0 ] && shift
        "$via" "${args[@]}" --send 'bye\n' "$PORT" >"$T/$name.$letter"
        [ $# -eq 0 ] && break
    done
    wait "$a"
}

start srcv4 -C 1 127.0.0.1 0 "$T/hold.sh"
hold_then_try srcv4 v4exact talk --source 127.0.0.2 -- --source 127.0.0.3
expect_eq "-C 1: 127.0.0.3 is not counted with 127.0.0.2" "hello 127.0.0.3" "$(cat "$T/v4exact.b")"
stop_server "$PID"
start srcv4p -C 1/24 127.0.0.1 0 "$T/hold.sh"
hold_then_try srcv4p v4prefix talk --source 127.0.0.2 -- --source 127.0.0.3
expect_eq "-C 1/24: the first of 127.0.0.0/24 is served" "hello 127.0.0.2" "$(cat "$T/v4prefix.a")"
expect_grep "-C 1/24: 127.0.0.3 is counted with 127.0.0.2 and refused: the refusal names the group counted" \
    '^postern-tcpserver: refuse remote=127\.0\.0\.3 reason=source-limit count=1/1 source=127\.0\.0\.0/24$' "$T/srcv4p.log"
expect_eq "and 127.0.0.3 gets nothing" "" "$(cat "$T/v4prefix.b")"
stop_server "$PID"

# Behind a proxy the header's IPv6 addresses are grouped as a direct client's are.
start srcproxy -y -C 1 127.0.0.1 0 "$T/hold.sh"
hold_then_try srcproxy proxy64 talk --proxy1 2001:db8:1:2::7:1000 -- --proxy1 2001:db8:1:2:ffff::8:1001 \
    -- --proxy1 2001:db8:1:3::8:1002
expect_eq "-y -C 1: the first from 2001:db8:1:2::/64 is served" "hello 2001:db8:1:2::7" "$(cat "$T/proxy64.a")"
expect_grep "-y -C 1: another address in the same /64 is refused: the refusal names the /64" \
    '^postern-tcpserver: refuse remote=2001:db8:1:2:ffff::8 reason=source-limit count=1/1 source=2001:db8:1:2::/64$' \
    "$T/srcproxy.log"
expect_eq "and it gets nothing" "" "$(cat "$T/proxy64.b")"
expect_eq "-y -C 1: one in the next /64 is served" "hello 2001:db8:1:3::8" "$(cat "$T/proxy64.c")"
stop_server "$PID"

# Direct IPv6 clients from several addresses: only ::1 exists outside a
# network namespace, so the test makes one with three addresses on its lo,
# two in fd00::/64 and one in fd00:0:0:1::/64, and removes it at exit.
NS=postern-tcpserver-$$
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && ip netns add "$NS" 2>/dev/null; then
    on_exit "ip netns del $NS 2>/dev/null"
    ip -n "$NS" link set lo up
    for a in fd00::1 fd00::2 fd00:0:0:1::1; do ip -n "$NS" -6 addr add "$a/64" dev lo nodad; done
    ns_talk() { timeout "${TALK_TIMEOUT:-20}" ip netns exec "$NS" python3 "$E2E/talk.py" -6 "$@"; }
    TS_NS() { exec ip netns exec "$NS" "$BIN/postern-tcpserver" "$@"; }  # exec: the pid start sees is the server
    TS=TS_NS start ns64 -C 1 :: 0 "$T/hold.sh"
    hold_then_try ns64 ns64 ns_talk --source fd00::1 -- --source fd00::2 -- --source fd00:0:0:1::1
    expect_eq "-C 1 over IPv6: the first from fd00::/64 is served" "hello fd00::1" "$(cat "$T/ns64.a")"
    expect_grep "-C 1 over IPv6: fd00::2, in the same /64, is refused: the refusal names the /64" \
        '^postern-tcpserver: refuse remote=fd00::2 reason=source-limit count=1/1 source=fd00::/64$' "$T/ns64.log"
    expect_eq "and fd00::2 gets nothing" "" "$(cat "$T/ns64.b")"
    expect_eq "-C 1 over IPv6: fd00:0:0:1::1, in another /64, is served" "hello fd00:0:0:1::1" "$(cat "$T/ns64.c")"
    stop_server "$PID"
    TS=TS_NS start ns128 -C 1/32/128 :: 0 "$T/hold.sh"
    hold_then_try ns128 ns128 ns_talk --source fd00::1 -- --source fd00::2
    expect_eq "-C 1/32/128: each IPv6 address counts alone" "hello fd00::2" "$(cat "$T/ns128.b")"
    stop_server "$PID"
    TS=TS_NS start ns48 -C 1/32/48 :: 0 "$T/hold.sh"
    hold_then_try ns48 ns48 ns_talk --source fd00::1 -- --source fd00:0:0:1::1
    expect_grep "-C 1/32/48: fd00:0:0:1::1 is counted with fd00::1 and refused: the refusal names the /48" \
        '^postern-tcpserver: refuse remote=fd00:0:0:1::1 reason=source-limit count=1/1 source=fd00::/48$' "$T/ns48.log"
    expect_eq "and fd00:0:0:1::1 gets nothing" "" "$(cat "$T/ns48.b")"
    stop_server "$PID"
else
    skip "-C over IPv6 from several addresses" "needs root and ip netns"
fi

# --- children that misbehave; SIGTERM ----------------------------------------------
start broken 127.0.0.1 0 "$T/no-such-program"
talk "$PORT" >"$T/out"
wait_log "$T/broken.log" 'exec-failed'
expect_grep "an exec failure is logged" '^postern-tcpserver: exec-failed pid=[0-9]+ program=.*no-such-program error="No such file or directory"$' "$T/broken.log"
wait_log "$T/broken.log" 'status=111$'
expect_grep "and the child ends with 111" 'end pid=[0-9]+ status=111$' "$T/broken.log"
check "the server survives it" kill -0 "$PID"
stop_server "$PID"

printf '#!/bin/sh\necho dying\nkill -9 $$\n' >"$T/crash.sh"
chmod +x "$T/crash.sh"
start crash 127.0.0.1 0 "$T/crash.sh"
talk "$PORT" >"$T/out"
talk "$PORT" >"$T/out2"
wait_log "$T/crash.log" 'signal=9'
expect_grep "a child killed by a signal is logged as such" '^postern-tcpserver: end pid=[0-9]+ signal=9$' "$T/crash.log"
expect_eq "and the next client is still served" "dying" "$(cat "$T/out2")"
stop_server "$PID"

start term -W 5 127.0.0.1 0 "$T/hold.sh"
talk --hold 1.5 --send 'bye\n' "$PORT" >"$T/first" &
first=$!
wait_log "$T/term.log" "status 1/40\$"  # connected before the SIGTERM, however slow python starts
kill "$PID"
sleep 0.2
talk "$PORT" >"$T/after" 2>&1
expect_grep "SIGTERM closes the listening socket at once" 'Connection refused' "$T/after"
check "the server waits for its child" kill -0 "$PID"
wait "$first"
timeout 10 tail --pid="$PID" -f /dev/null
expect_eq "the child finished its session" "hello 127.0.0.1" "$(cat "$T/first")"
check "then the server exits" bash -c "! kill -0 $PID 2>/dev/null"
expect_grep "stopping is logged" '^postern-tcpserver: stopping active=1 grace=5$' "$T/term.log"
expect_grep "and the end" '^postern-tcpserver: stopped active=0$' "$T/term.log"

start grace -W 1 127.0.0.1 0 "$T/hold.sh"
talk --hold 4 "$PORT" >/dev/null &
holder=$!
wait_log "$T/grace.log" "status 1/40\$"
started=$(date +%s%N)
kill "$PID"
timeout 10 tail --pid="$PID" -f /dev/null
took=$(( ($(date +%s%N) - started) / 1000000 ))
check "after the grace period (-W 1) the server exits anyway ($took ms)" test "$took" -lt 3000
expect_grep "leaving the child running" '^postern-tcpserver: stopped active=1$' "$T/grace.log"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

# --- out of descriptors: back off, then recover ---------------------------------
# Behind a proxy the server holds one descriptor per child until its header is
# read; with 8 descriptors, two silent clients leave none for accept().
start_listener fd bash -c 'ulimit -n 8; exec "$@"' - "$TS" -1 -y -T 2 -c 100 127.0.0.1 0 printenv TCPREMOTEIP
PID=$LISTENER_PID PORT=$LISTENER_PORT
pids=""
for i in $(seq 6); do talk --timeout 4 "$PORT" >/dev/null 2>&1 & pids="$pids $!"; done
wait_log "$T/fd.log" 'accept-failed'
expect_grep "EMFILE is logged and accepting pauses" '^postern-tcpserver: accept-failed pause-ms=1000 error="Too many open files"$' "$T/fd.log"
wait $pids
talk --timeout 15 --proxy1 192.0.2.7:1 --send 'bye\n' "$PORT" >"$T/out"
expect_eq "once descriptors are free, clients are served again" "192.0.2.7" "$(cat "$T/out")"
fails=$(grep -c accept-failed "$T/fd.log")
check "it backs off instead of spinning ($fails accept-failed lines)" test "$fails" -lt 30
stop_server "$PID"

# --- -u/-g: the server gives up root after binding ---------------------------
if [ "$(id -u)" = 0 ]; then
    printf '#!/bin/sh\nid -u; id -g; id -G\n' >"$T/id.sh"
    chmod 755 "$T/id.sh"
    start ids -u 65534 -g 65534 127.0.0.1 0 "$T/id.sh"
    talk "$PORT" >"$T/out"
    expect_eq "-u/-g: children run as that uid, gid and no other groups" "65534 65534 65534" "$(paste -sd' ' "$T/out")"
    check "-u/-g: the server itself runs as that user" test "$(stat -c %u /proc/$PID)" = 65534
    stop_server "$PID"
    printf '#!/bin/sh\nUID=65534 GID=65534 exec "%s" "$@"\n' "$TS" >"$T/ts-env.sh"
    chmod 755 "$T/ts-env.sh"
    TS=$T/ts-env.sh start idsenv -U 127.0.0.1 0 "$T/id.sh"
    talk "$PORT" >"$T/out"
    expect_eq "-U takes \$UID and \$GID" "65534 65534 65534" "$(paste -sd' ' "$T/out")"
    stop_server "$PID"
    # RLIMIT_NPROC binds the server once it is nobody: the third child cannot be forked.
    start_listener nproc bash -c 'ulimit -u 3; exec "$@"' - "$TS" -1 -u 65534 -g 65534 127.0.0.1 0 "$T/hold.sh"
    PID=$LISTENER_PID PORT=$LISTENER_PORT
    pids=""
    for i in 1 2 3; do talk --hold 1.5 --send 'bye\n' "$PORT" >"$T/np.$i" & pids="$pids $!"; sleep 0.2; done
    wait_log "$T/nproc.log" 'fork-failed'
    expect_grep "a failed fork is logged and accepting pauses" '^postern-tcpserver: fork-failed pause-ms=1000 error="Resource temporarily unavailable"$' "$T/nproc.log"
    wait $pids
    talk --send 'bye\n' "$PORT" >"$T/out"
    expect_eq "and once children end, clients are served again" "hello 127.0.0.1" "$(cat "$T/out")"
    check "the server survived it" kill -0 "$PID"
    stop_server "$PID"
else
    skip "-u/-g" "needs root"
fi

# --- signals left ignored or blocked by whatever started the server ------------
# bash's `trap '' CHLD` does not reliably leave SIGCHLD ignored across exec, so
# a small python3 wrapper sets the state and execs the server.
cat >"$T/hostile.py" <<'PY'
import ctypes, os, signal, sys
for s in (signal.SIGCHLD, signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGPIPE, signal.SIGALRM):
    signal.signal(s, signal.SIG_IGN)
# Signals 32 and 33, which glibc keeps for itself and whose sigaction refuses
# them, ignored through the kernel's call, as some service managers leave them.
rt_sigaction = {"x86_64": 13, "aarch64": 134}[os.uname().machine]
ignore = (ctypes.c_ulong * 4)(1, 0, 0, 0)  # handler SIG_IGN, flags, restorer, mask
for s in (32, 33):
    assert ctypes.CDLL(None, use_errno=True).syscall(rt_sigaction, s, ignore, None, 8) == 0
signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
os.execv(sys.argv[1], sys.argv[1:])
PY
printf '127.0.0.1:allow\n' >"$T/sig-rules"
start_listener sigign python3 "$T/hostile.py" "$TS" -1 -c 1 -x "$T/sig-rules" 127.0.0.1 0 echo served
PID=$LISTENER_PID PORT=$LISTENER_PORT
served=0
for i in 1 2 3 4; do
    [ "$(talk --timeout 3 "$PORT")" = served ] && served=$((served + 1))
done
expect_eq "-c 1 under an ignored SIGCHLD: four clients in turn are all served" 4 "$served"
expect_grep "and each child's end is seen" '^postern-tcpserver: end pid=[0-9]+ status=0$' "$T/sigign.log"
expect_eq "the server blocks only SIGHUP, SIGINT, SIGTERM and SIGCHLD (mask 0x14003)" \
    "0000000000014003" "$(sed -n 's/^SigBlk:[[:space:]]*//p' /proc/"$PID"/status)"
printf '127.0.0.1:allow\n:allow\n' >"$T/sig-rules"
kill -HUP "$PID"
wait_log "$T/sigign.log" 'rules-loaded file=.* rules=2$'
expect_grep "SIGHUP still re-reads the rules when it was ignored" 'rules-loaded file=.* rules=2$' "$T/sigign.log"
stop_server "$PID"
check "SIGTERM still stops the server when it was ignored" bash -c "! kill -0 $PID 2>/dev/null"

start_listener sigchild python3 "$T/hostile.py" "$TS" -1 127.0.0.1 0 grep -E '^Sig(Blk|Ign)' /proc/self/status
PID=$LISTENER_PID PORT=$LISTENER_PORT
talk "$PORT" >"$T/out"
expect_eq "children start with no signal blocked and none ignored" \
    "SigBlk:	0000000000000000|SigIgn:	0000000000000000" "$(paste -sd'|' "$T/out")"
stop_server "$PID"

# --- many children ending at once ------------------------------------------------------
# Their SIGCHLDs merge (a pending signal is not queued twice): each is still
# reaped, those the signals named at once and the rest by the sweep after.
start burst -c 60 127.0.0.1 0 echo served
python3 - "$PORT" >"$T/burst.out" <<'PY'
import socket, sys
port = int(sys.argv[1])
clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(50)]
for c in clients:
    print(c.makefile().readline().strip())
PY
expect_eq "50 clients at once are all served" 50 "$(grep -cx served "$T/burst.out")"
wait_log "$T/burst.log" 'end pid=' 50
expect_eq "and every child's end is logged" 50 "$(grep -cE '^postern-tcpserver: end pid=[0-9]+ status=0$' "$T/burst.log")"
expect_eq "the last status line is 0/60" "postern-tcpserver: status 0/60" "$(grep 'status [0-9]*/60$' "$T/burst.log" | tail -n 1)"
expect_eq "and no zombie is left" "" "$(cat /proc/"$PID"/task/"$PID"/children)"
expect_eq "the listener is still there" 0 "$(kill -0 "$PID"; echo $?)"
stop_server "$PID"
# A client is never refused for the slot of a child that has ended, even one
# whose SIGCHLD merged into another's: rounds that fill -c, each begun once
# the last round's children have closed their connections (they have ended).
start refill -c 20 -m busy 127.0.0.1 0 echo served
python3 - "$PORT" >"$T/refill.out" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
for _ in range(10):
    clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(20)]
    for c in clients:
        f = c.makefile()
        print(f.readline().strip())
        f.read()  # to the end: the child is gone
        c.close()
    time.sleep(0.1)
PY
expect_eq "ten rounds of 20 clients under -c 20, each after the last has ended: all 200 served" "200 0" \
    "$(grep -cx served "$T/refill.out") $(grep -c busy "$T/refill.out")"
stop_server "$PID"
# Each child is reaped by the pid its SIGCHLD names, not by a waitpid(-1) that
# walks every child (the listener alone is traced: its children run as ever).
start_listener reaped env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -o "$T/reaped.strace" -e trace=wait4 "$TS" -1 -c 60 127.0.0.1 0 echo served
python3 - "$LISTENER_PORT" >"$T/reaped.out" <<'PY'
import socket, sys
for _ in range(10):
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as c:
        print(c.makefile().readline().strip())
PY
wait_log "$T/reaped.log" 'end pid=' 10
expect_eq "ten clients one after another are served and their ends logged" "10 10" \
    "$(grep -cx served "$T/reaped.out") $(grep -cE '^postern-tcpserver: end pid=[0-9]+ status=0$' "$T/reaped.log")"
check "and they are reaped by their pids (wait4(PID, ...))" grep -qE '^wait4\([1-9][0-9]*, .* = [1-9]' "$T/reaped.strace"
stop_server "$LISTENER_PID"

# --- usage ----------------------------------------------------------------------------
timeout 5 "$TS" -c 0 127.0.0.1 0 true 2>"$T/usage.log"
expect_eq "a bad option value exits 2" 2 $?
expect_grep "and says which" '^postern-tcpserver: usage error=bad-value-for--c:-0$' "$T/usage.log"
timeout 5 "$TS" 192.0.2.1 0 true 2>"$T/bind.log"
expect_eq "an address it cannot bind exits 111" 111 $?
expect_grep "and says why" '^postern-tcpserver: fatal host=192\.0\.2\.1 port=0 step=bind error="Cannot assign requested address"$' "$T/bind.log"
