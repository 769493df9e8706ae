#!/bin/bash
# postern-popup end to end, with a stand-in checkpassword program that
# records the fd-3 bytes and a stand-in for the program after it: greeting,
# CAPA, USER/PASS, APOP, AUTH PLAIN, retries and the attempt limit, the
# exit-status contract, bounds and time-outs, log lines, and pipelined
# commands left on fd 0 for the next program (pipe, socketpair and TCP).
. "$(dirname "$0")/lib.sh"
need python3 md5sum od
H=$(cd "$(dirname "$0")/helpers" && pwd)
export FAKE_RECORD=$T/fd3 POSTERN_FAIL_DELAY=0
unset POSTERN_APOP POSTERN_REQUIRE_TLS POSTERN_AUTH_TIMEOUT POSTERN_IDLE_TIMEOUT POSTERN_MAX_ATTEMPTS UCSPITLS \
    SSLCTLFD SSLREADFD SSLWRITEFD REMOTE_ADDR
export TCPREMOTEIP=192.0.2.7

# popup INPUT: runs the chain on INPUT (printf escapes), output in $T/out, log appended to $T/log.
popup() {
    : >"$T/fd3.all"
    printf "$1" | timeout 10 "$BIN/postern-popup" mail.example.com "$H/fake-checkpassword" "$H/stand-in-pop3d" \
        >"$T/out" 2>>"$T/log"
    status=$?
}
# Empties the log for the next checks, keeping what it held for the password check at the end.
reset_log() { cat "$T/log" >>"$T/log.all" 2>/dev/null; : >"$T/log"; }

# Greeting and CAPA
popup 'QUIT\r\n'
expect_eq "greeting without APOP timestamp, then +OK to QUIT" "$(crlf '+OK POP3 ready
+OK bye
')" "$(cat "$T/out")"
expect_eq "exit 0 after QUIT" 0 "$status"
POSTERN_APOP=1 popup 'QUIT\r\n'; first=$(head -n 1 "$T/out")
POSTERN_APOP=1 popup 'QUIT\r\n'; second=$(head -n 1 "$T/out")
# Both greetings, so that the uniqueness below is not that of a greeting and nothing.
check "APOP on: the greeting carries <pid.time.nonce@HOST>" test "$(printf '%s\n' "$first" "$second" |
    grep -cE '^\+OK POP3 ready <[0-9]+\.[0-9]+\.[0-9a-f]{16}@mail\.example\.com>'$'\r''$')" = 2
check "the timestamp is unique per connection" test "$first" != "$second"
popup 'CAPA\r\nQUIT\r\n'
expect_eq "CAPA before login" "+OK POP3 ready
+OK capability list follows
USER
SASL PLAIN
TOP
UIDL
PIPELINING
RESP-CODES
AUTH-RESP-CODE
IMPLEMENTATION postern
.
+OK bye" "$(answers)"

# USER/PASS: the fd-3 bytes and the hand-off
popup 'USER alice\r\nPASS secret\r\nQUIT\r\n'
printf 'alice\0secret\0\0' >"$T/want"
expect_file_eq "USER/PASS: fd 3 carries user NUL password NUL (empty timestamp) NUL" "$T/want" "$T/fd3"
# The checks that no child ran find $T/fd3.all empty: a child that ran does fill it.
expect_file_eq "and the record of every child's fd 3 holds the same" "$T/want" "$T/fd3.all"
expect_eq "USER/PASS: the next program answers the login and the rest" "+OK POP3 ready
+OK send PASS
+OK stand-in
+OK got QUIT" "$(answers)"
popup 'USER alice\r\nPASS pass with spaces\r\n'
printf 'alice\0pass with spaces\0\0' >"$T/want"
expect_file_eq "a password keeps its spaces" "$T/want" "$T/fd3"

# Pipelining: nothing after the authorizing line is consumed
popup 'USER u\r\nPASS secret\r\nSTAT\r\nLIST\r\nQUIT\r\n'
expect_eq "pipelined through a pipe: STAT, LIST, QUIT reach the next program" "+OK POP3 ready
+OK send PASS
+OK stand-in
+OK got STAT
+OK got LIST
+OK got QUIT" "$(answers)"
timeout 20 python3 "$H/socket_session.py" 'USER u\r\nPASS secret\r\nSTAT\r\nLIST\r\nQUIT\r\n' -- \
    "$BIN/postern-popup" mail.example.com "$H/fake-checkpassword" "$H/stand-in-pop3d" >"$T/out" 2>>"$T/log"
expect_eq "pipelined through a socketpair in one write: all answered" "+OK POP3 ready
+OK send PASS
+OK stand-in
+OK got STAT
+OK got LIST
+OK got QUIT" "$(answers)"
(unset TCPREMOTEIP; timeout 20 python3 "$H/socket_session.py" --tcp 'CAPA\r\nUSER u\r\nPASS secret\r\nSTAT\r\nQUIT\r\n' -- \
    "$BIN/postern-popup" mail.example.com "$H/fake-checkpassword" "$H/stand-in-pop3d" >"$T/out" 2>"$T/tcp.log")
expect_grep "pipelined over TCP in one write: STAT and QUIT answered" '^\+OK got QUIT' <(answers)
expect_grep "inetd style (no TCPREMOTEIP): the address comes from getpeername" \
    '^postern-popup: login-ok user=u remote=127\.0\.0\.1 mech=user' "$T/tcp.log"
(unset TCPREMOTEIP; export REMOTE_ADDR=198.51.100.9; popup 'QUIT\r\n')
expect_grep "systemd style: the address comes from REMOTE_ADDR" '^postern-popup: connect remote=198\.51\.100\.9 ' "$T/log"

# APOP: the client computes the digest from the greeting's timestamp
coproc POP { POSTERN_APOP=1 timeout 10 "$BIN/postern-popup" mail.example.com "$H/fake-checkpassword" \
    "$H/stand-in-pop3d" 2>>"$T/log"; }
pop_pid=$POP_PID
IFS= read -r greeting <&"${POP[0]}"
stamp=$(grep -o '<[^>]*>' <<<"$greeting")
digest=$(printf '%s%s' "$stamp" secret | md5sum | cut -c1-32)
printf 'APOP alice %s\r\nQUIT\r\n' "$digest" >&"${POP[1]}"
timeout 10 cat <&"${POP[0]}" >"$T/out"
wait "$pop_pid" 2>/dev/null
printf 'alice\0%s\0%s\0' "$digest" "$stamp" >"$T/want"
expect_file_eq "APOP: fd 3 carries user NUL digest NUL greeting timestamp NUL" "$T/want" "$T/fd3"
expect_eq "APOP: the next program answers" "+OK stand-in
+OK got QUIT" "$(answers)"
popup 'APOP alice 0123456789abcdef0123456789abcdef\r\nQUIT\r\n'
expect_grep "APOP off: refused" '^-ERR APOP is not available' <(answers)
check "APOP off: no child ran" test ! -s "$T/fd3.all"

# AUTH PLAIN, all three forms
plain=$(printf '\0alice\0secret' | base64)
popup "AUTH PLAIN $plain\\r\\nQUIT\\r\\n"
printf 'alice\0secret\0\0' >"$T/want"
expect_file_eq "AUTH PLAIN with an initial response: fd 3 bytes" "$T/want" "$T/fd3"
expect_eq "AUTH PLAIN with an initial response: answered by the next program" "+OK POP3 ready
+OK stand-in
+OK got QUIT" "$(answers)"
popup "AUTH PLAIN\\r\\n$plain\\r\\nQUIT\\r\\n"
expect_eq "AUTH PLAIN with a continuation: the prompt is '+ ' alone" "$(crlf '+OK POP3 ready
+ 
+OK stand-in
+OK got QUIT
')" "$(cat "$T/out")"
expect_file_eq "AUTH PLAIN with a continuation: fd 3 bytes" "$T/want" "$T/fd3"
popup 'AUTH PLAIN\r\n*\r\nQUIT\r\n'
expect_eq "AUTH PLAIN cancelled with '*': no child run" "+OK POP3 ready
+ 
-ERR authentication cancelled
+OK bye" "$(answers)"
check "AUTH PLAIN cancelled: nothing on fd 3" test ! -s "$T/fd3.all"
popup "AUTH PLAIN $(printf 'alice\0alice\0secret' | base64)\\r\\nQUIT\\r\\n"
expect_grep "AUTH PLAIN with authzid equal to the user is accepted" '^\+OK stand-in' <(answers)
popup 'AUTH\r\nQUIT\r\n'
expect_eq "AUTH alone lists the mechanisms" "+OK POP3 ready
+OK methods follow
PLAIN
.
+OK bye" "$(answers)"

# Refusals, retries, the attempt limit
popup 'USER bob\r\nPASS wrong\r\nUSER bob\r\nPASS secret\r\nQUIT\r\n'
expect_eq "wrong password, then a retry that succeeds" "+OK POP3 ready
+OK send PASS
-ERR [AUTH] authentication failed
+OK send PASS
+OK stand-in
+OK got QUIT" "$(answers)"
expect_grep "log: login-refused with user, remote, mechanism" \
    '^postern-popup: login-refused user=bob remote=192\.0\.2\.7 mech=user attempt=1$' "$T/log"
expect_grep "log: login-ok when the session has run" '^postern-popup: login-ok user=bob remote=192\.0\.2\.7 mech=user tls=no$' "$T/log"
reset_log
popup 'USER a\r\nPASS 1\r\nUSER a\r\nPASS 2\r\nUSER a\r\nPASS 3\r\nUSER a\r\nPASS secret\r\nQUIT\r\n'
expect_eq "three refusals close the connection; later commands go unanswered" "+OK POP3 ready
+OK send PASS
-ERR [AUTH] authentication failed
+OK send PASS
-ERR [AUTH] authentication failed
+OK send PASS
-ERR [AUTH] authentication failed; too many failures, closing" "$(answers)"
expect_eq "exit 1 after too many failures" 1 "$status"
expect_grep "log: too-many-failures" '^postern-popup: too-many-failures remote=192\.0\.2\.7 user=a attempts=3$' "$T/log"
POSTERN_MAX_ATTEMPTS=1 popup 'USER a\r\nPASS 1\r\nNOOP\r\n'
expect_eq "POSTERN_MAX_ATTEMPTS=1: one refusal closes" "+OK POP3 ready
+OK send PASS
-ERR [AUTH] authentication failed; too many failures, closing" "$(answers)"
begin=$(date +%s%N)
POSTERN_FAIL_DELAY=400 popup 'USER a\r\nPASS wrong\r\nQUIT\r\n'
elapsed=$(( ($(date +%s%N) - begin) / 1000000 ))
check "POSTERN_FAIL_DELAY=400: the refusal comes after at least 400 ms (took ${elapsed} ms)" \
    test "$elapsed" -ge 400 -a "$(answers | sed -n 3p)" = "-ERR [AUTH] authentication failed"

# The exit-status contract
popup 'USER a\r\nPASS temp\r\nNOOP\r\n'
expect_eq "child exit 111: -ERR [SYS/TEMP], connection closed" "+OK POP3 ready
+OK send PASS
-ERR [SYS/TEMP] authentication temporarily unavailable, try again later" "$(answers)"
expect_eq "exit 111 after a temporary failure" 111 "$status"
reset_log
popup 'USER a\r\nPASS crash\r\nNOOP\r\n'
expect_eq "child killed by a signal: -ERR [SYS/TEMP]" "+OK POP3 ready
+OK send PASS
-ERR [SYS/TEMP] authentication temporarily unavailable, try again later" "$(answers)"
expect_grep "log: child-crashed with the signal" '^postern-popup: child-crashed user=a remote=192\.0\.2\.7 mech=user signal=11$' "$T/log"
popup 'USER a\r\nPASS silent\r\nNOOP\r\n'
expect_eq "child exit 0: popup adds nothing, exits" "+OK POP3 ready
+OK send PASS" "$(answers)"
printf 'USER a\r\nPASS secret\r\n' | timeout 10 "$BIN/postern-popup" h /nonexistent/program >"$T/out" 2>"$T/log.exec"
expect_grep "a program that cannot run: -ERR [SYS/TEMP]" '^-ERR \[SYS/TEMP\]' <(answers)
expect_grep "log: exec-failed" '^postern-popup: exec-failed program=/nonexistent/program' "$T/log.exec"

# Command order and syntax
popup 'STAT\r\nLIST\r\nRETR 1\r\nPASS x\r\nUSER\r\nAUTH CRAM-MD5\r\nSTLS\r\nNOOP\r\nQUIT\r\n'
expect_eq "before login: transaction commands, order and syntax errors" "+OK POP3 ready
-ERR authorization first
-ERR authorization first
-ERR authorization first
-ERR USER first
-ERR syntax error
-ERR unsupported authentication mechanism
-ERR STLS is not available
+OK
+OK bye" "$(answers)"
check "no child ran for any of them" test ! -s "$T/fd3.all"

# Bounds and time-outs
long=$(head -c 300 /dev/zero | tr '\0' x)
reset_log
popup "USER $long\\r\\nNOOP\\r\\nQUIT\\r\\n"
expect_eq "a 300-octet line: -ERR, and the session goes on" "+OK POP3 ready
-ERR line too long
+OK
+OK bye" "$(answers)"
expect_grep "log: line-too-long" '^postern-popup(-net)?: line-too-long remote=192\.0\.2\.7 limit=255$' "$T/log"
exact=$(head -c 248 /dev/zero | tr '\0' y)   # "NOOP " + 248 + CRLF = 255 octets
popup "NOOP $exact\\r\\nNOOP ${exact}y\\r\\n"
expect_eq "255 octets pass, 256 do not" "+OK POP3 ready
+OK
-ERR line too long" "$(answers)"
reset_log
(printf 'USER a\r\n'; sleep 2) | POSTERN_IDLE_TIMEOUT=1 timeout 10 "$BIN/postern-popup" h "$H/fake-checkpassword" true \
    >"$T/out" 2>>"$T/log"
status=$?
expect_grep "idle time-out: logged" '^postern-popup(-net)?: timeout remote=192\.0\.2\.7 limit=idle$' "$T/log"
expect_eq "idle time-out: closed without a response (RFC 1939 autologout)" "+OK POP3 ready
+OK send PASS" "$(answers)"
expect_eq "idle time-out: exit 1" 1 "$status"
reset_log
(for _ in 1 2 3 4 5 6 7 8 9 10; do printf 'NOOP\r\n'; sleep 0.3; done) |
    POSTERN_AUTH_TIMEOUT=1 timeout 10 "$BIN/postern-popup" h "$H/fake-checkpassword" true >"$T/out" 2>>"$T/log"
expect_grep "authorization time limit: a busy client is still cut off" \
    '^postern-popup(-net)?: timeout remote=192\.0\.2\.7 limit=authorization$' "$T/log"
noops=$(grep -c '^+OK$' <(answers))
check "authorization time limit: about 1 s of NOOPs answered, then no more ($noops of 10)" \
    test "$noops" -ge 1 -a "$noops" -lt 6

# Settings and usage
POSTERN_MAX_ATTEMPTS=many popup 'QUIT\r\n'
expect_eq "a malformed setting: -ERR [SYS/TEMP] greeting, exit 111" "-ERR [SYS/TEMP] service temporarily unavailable|111" \
    "$(answers)|$status"
expect_grep "log: bad-setting names the variable" '^postern-popup: bad-setting name=POSTERN_MAX_ATTEMPTS value=many$' "$T/log"
"$BIN/postern-popup" >/dev/null 2>&1 </dev/null
expect_eq "no arguments: exit 2" 2 "$?"
"$BIN/postern-popup" 'bad host' true >/dev/null 2>&1 </dev/null
expect_eq "a HOST with a space: exit 2" 2 "$?"

# Clients that connect and close at once: each left, none is an I/O error
# (the greeting may meet a reset connection: every other one closes with a
# reset, SO_LINGER 0, as a client killed at once does).
start_listener quick "$BIN/postern-tcpserver" -1 -c 64 127.0.0.1 0 \
    "$BIN/postern-popup" mail.example.com "$H/fake-checkpassword" "$H/stand-in-pop3d"
python3 -c '
import socket, struct, sys
for i in range(64):
    client = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    if i % 2:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()
' "$LISTENER_PORT"
for _ in $(seq 100); do [ "$(grep -c 'disconnect' "$T/quick.log")" -ge 64 ] && break; sleep 0.1; done
expect_eq "64 clients that close at once: 64 disconnects, each reason=eof" "64 64" \
    "$(grep -c 'disconnect remote=127\.0\.0\.1 ' "$T/quick.log") $(grep -c 'disconnect remote=127\.0\.0\.1 reason=eof$' "$T/quick.log")"
stop_server "$LISTENER_PID"

check "no password ever reaches the log" \
    bash -c "! grep -qE 'secret|wrong|pass with' '$T/log.all' '$T/log' '$T/tcp.log' '$T/log.exec'"
