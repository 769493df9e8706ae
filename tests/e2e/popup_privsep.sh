#!/bin/bash
# postern-popup's privilege separation, as root: the network side runs as
# the unprivileged account, chrooted, holding no descriptor on the service
# log; the root parent never reads the client; log lines the session writes
# cannot pass for the greeter's (the fail2ban filter counts those), not even
# when the mail user steals a descriptor of their pop3d with pidfd_getfd;
# the programs after popup get fds 0-3 only; an ignored SIGCHLD changes
# nothing; a bad setting is refused. Without root popup is one process.
. "$(dirname "$0")/lib.sh"
need_root
need python3 strace fail2ban-regex setpriv pgrep
PY=/usr/bin/python3   # Debian's, which the mail user can run
. "$(dirname "$0")/chain.bash"
H=$(cd "$(dirname "$0")/helpers" && pwd)
root=$(cd "$E2E/../.." && pwd)
filter=$root/service/fail2ban/filter.d/postern.conf
export POSTERN_POPUP_ROOT=$T/empty POSTERN_FAIL_DELAY=0
mkdir -m 755 "$POSTERN_POPUP_ROOT"
unset POSTERN_POPUP_USER UCSPITLS SSLCTLFD SSLREADFD SSLWRITEFD
export TCPREMOTEIP=192.0.2.7
nobody_uid=$(id -u nobody)

# A checkpassword stand-in: reads fd 3, answers, and writes on stderr what a
# user's program could: a line in postern-popup's name and one of its own.
cat >"$T/forger" <<'SH'
#!/bin/sh
cat <&3 >/dev/null
echo "postern-popup: login-refused user=x remote=192.0.2.99 mech=user attempt=1" >&2
echo "postern-pop3d: x postern-popup: login-refused user=y remote=192.0.2.99 mech=user attempt=1" >&2
echo "postern-pop3d: relayed as written" >&2
printf '+OK served\r\n'
SH
# Lists the descriptors it was given.
cat >"$T/fds" <<'SH'
#!/bin/sh
cat <&3 >/dev/null
printf '+OK fds'
# (dash keeps the script itself on fd 10)
for fd in 0 1 2 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$fd ] && printf ' %s' $fd; done
printf '\r\n'
SH
chmod 755 "$T/forger" "$T/fds"

printf 'USER a\r\nPASS b\r\nQUIT\r\n' | "$BIN/postern-popup" h "$T/forger" >"$T/out" 2>"$T/log"
expect_grep "as root: connect says privsep=yes" '^postern-popup: connect remote=192\.0\.2\.7 stls=no privsep=yes tls=no$' "$T/log"
expect_grep "the session's answer reaches the client" '^\+OK served' "$T/out"
expect_grep "the login-ok line is the parent's" '^postern-popup: login-ok user=a remote=192\.0\.2\.7 mech=user tls=no$' "$T/log"
expect_grep "a line in the session's own name is passed on as written" '^postern-pop3d: relayed as written$' "$T/log"
expect_eq "no line of the session's reads as postern-popup's" 0 "$(grep -c 'postern-popup: login-refused' "$T/log")"
fail2ban-regex "$T/log" "$filter" >"$T/regex.out" 2>&1
expect_grep "fail2ban's filter matches none of the forged refusals" '^Lines: [0-9]+ lines, 0 ignored, 0 matched' "$T/regex.out"

setpriv --reuid=nobody --regid=nogroup --clear-groups "$BIN/postern-popup" h "$T/forger" \
    < <(printf 'USER a\r\nPASS b\r\n') >"$T/out" 2>"$T/log.nobody"
expect_grep "not root: one process, privsep=no" '^postern-popup: connect remote=192\.0\.2\.7 stls=no privsep=no tls=no$' "$T/log.nobody"
expect_grep "and the session still runs" '^\+OK served' "$T/out"

# The root parent reads only its child's record socket and log pipe; the
# same trace of the one-process popup shows the reads on fd 0 it looks for.
# (LeakSanitizer cannot run under ptrace: a sanitizer build skips its leak check here.)
no_leak_check=(env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
"${no_leak_check[@]}" strace -o "$T/trace" -e trace=read,readv,recvfrom,recvmsg,pread64 "$BIN/postern-popup" h /bin/false \
    < <(printf 'USER a\r\nPASS b\r\nUSER c\r\nPASS d\r\nQUIT\r\n') >/dev/null 2>&1
# Its reads first: an empty trace would show no read on fd 0 either.
expect_grep "strace: the root parent reads its child's login records" '^recvfrom\([0-9]+, "Lu0c\\0' "$T/trace"
expect_eq "and makes no read on fd 0" 0 "$(grep -cE '^(read|readv|recvfrom|recvmsg|pread64)\(0,' "$T/trace")"
"${no_leak_check[@]}" strace -o "$T/trace.one" -e trace=read,recvfrom setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$BIN/postern-popup" h /bin/false < <(printf 'USER a\r\nQUIT\r\n') >/dev/null 2>&1
expect_grep "(the one-process popup's reads on fd 0 do show)" '^(read|recvfrom)\(0, "U' "$T/trace.one"

# Descriptors: none that a listener or a TLS server left open reaches the
# next program, with or without separation.
for who in root nobody; do
    run=()
    [ $who = nobody ] && run=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    SSLCTLFD=7 SSLREADFD=8 SSLWRITEFD=9 UCSPITLS=- "${run[@]}" "$BIN/postern-popup" h "$T/fds" \
        < <(printf 'USER a\r\nPASS b\r\n') >"$T/out" 2>>"$T/log.fds" 4</dev/null 7</dev/null 8</dev/null 9</dev/null
    expect_grep "as $who: the checkpassword program gets fds 0-3 only (STLS off, fds 4, 7-9 were open)" \
        '^\+OK fds 0 1 2 3'"$CR"'?$' "$T/out"
done

# An inherited ignored SIGCHLD: the session's end is still seen, and popup adds no -ERR to it.
for who in root nobody; do
    run=()
    [ $who = nobody ] && run=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    "${run[@]}" $PY -c 'import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])' \
        "$BIN/postern-popup" h "$T/forger" < <(printf 'USER a\r\nPASS b\r\n') >"$T/out" 2>/dev/null
    expect_eq "as $who, SIGCHLD ignored by the parent process: one answer to PASS" "+OK POP3 ready
+OK send PASS
+OK served" "$(tr -d '\r' <"$T/out")"
done

# Settings the separation refuses: the client hears "try later".
mkdir -m 777 "$T/open"
for setting in "POSTERN_POPUP_ROOT=$T/open unsafe-root" "POSTERN_POPUP_ROOT=$T/none no-root-folder" \
    "POSTERN_POPUP_USER=no-such-user-here no-such-user" "POSTERN_POPUP_USER=root root-account"; do
    set -- $setting
    env "$1" "$BIN/postern-popup" h "$T/forger" < <(printf 'USER a\r\n') >"$T/out" 2>"$T/log.bad"
    status=$?
    expect_eq "$1: -ERR [SYS/TEMP] and exit 111" "-ERR [SYS/TEMP] service temporarily unavailable 111" \
        "$(tr -d '\r' <"$T/out") $status"
    expect_grep "$1: logged as $2" "^postern-popup: privsep-failed reason=$2 " "$T/log.bad"
done

# The whole chain under postern-tcpserver, with a session held open.
make_mail_user || { fail "a mail user for the tests"; exit 1; }
make_messages 2
fill_maildir
start_chain privsep -c 4
talk --send '' --linger 4 --then 'QUIT\r\n' "$CHAIN_PORT" >"$T/held" &
talker=$!
# This listener's greeter and its child, not another test's.
for _ in $(seq 50); do
    parent=$(pgrep -f -u 0 -P "$CHAIN_PID" "postern-popup $CHAIN_HOST" | head -n 1)
    child=${parent:+$(pgrep -f -P "$parent" "postern-popup $CHAIN_HOST" | head -n 1)}
    [ -n "$child" ] && break
    sleep 0.1
done
expect_eq "ps: the greeter's parent runs as root" 0 "$(ps -o uid= -p "$parent" 2>/dev/null | tr -d ' ')"
expect_eq "ps: its network child, reading the client, runs as nobody" "$nobody_uid" "$(ps -o uid= -p "$child" 2>/dev/null | tr -d ' ')"
expect_eq "the child's groups: none but its own" "Groups:" \
    "$(sed -n 's/^\(Groups:\)[[:space:]]*/\1/p' /proc/"$child"/status 2>/dev/null | tr -d ' ')"   # (a gone child has no line)
expect_eq "the child is chrooted into POSTERN_POPUP_ROOT" "$POSTERN_POPUP_ROOT" "$(readlink /proc/"$child"/root)"
# AddressSanitizer's run-time needs calls the filter refuses: its builds skip it, and say so.
if ldd "$BIN/postern-popup" 2>/dev/null | grep -q libasan; then
    expect_grep "the child says a sanitizer build has no seccomp filter" \
        '^postern-popup-net: seccomp-skipped reason=sanitizer-build$' "$T/privsep.log"
else
    expect_grep "the child is under a seccomp filter" '^Seccomp:[[:space:]]+2$' /proc/"$child"/status
fi
expect_eq "the child's fd 2 is a pipe to its parent, not the service log" pipe "$(readlink /proc/"$child"/fd/2 | cut -d: -f1)"
expect_eq "the child holds four descriptors: the client on 0 and 1, its log pipe, its record socket" \
    "0 1 2 socket" "$(for fd in $(ls /proc/"$child"/fd | sort -n); do [ "$fd" -gt 2 ] && readlink /proc/"$child"/fd/"$fd" | cut -d: -f1 || echo "$fd"; done | paste -sd' ')"
wait "$talker"
expect_grep "the held session got its greeting and its QUIT answered" '^\+OK bye' <(tr -d '\r' <"$T/held")

# The forging attack: the mail user takes fd 2 of their own pop3d and writes
# refusals in the greeter's name. pop3d is not dumpable, and its fd 2 is the
# session's log pipe, whose lines the parent defuses.
forged='postern-popup: login-refused user=x remote=192.0.2.99 mech=user attempt=1\n'
talk --send "USER $MAIL_USER\r\nPASS $CHAIN_PASS\r\nSTAT\r\n" --linger 4 --then 'QUIT\r\n' "$CHAIN_PORT" >"$T/session" &
talker=$!
for _ in $(seq 50); do pop3d=$(pgrep -u "$MAIL_USER" -f postern-pop3d | head -n 1); [ -n "$pop3d" ] && break; sleep 0.1; done
# The mail user runs a copy: the clone the tests run from may be root's alone.
install -m 644 "$H/fd_thief.py" "$T/fd_thief.py"
setpriv --reuid="$MAIL_USER" --regid="$MAIL_USER" --clear-groups $PY "$T/fd_thief.py" "$pop3d" 2 \
    "$forged$forged$forged$forged$forged" >"$T/thief" 2>&1
expect_grep "the thief found the session's pop3d (${pop3d:-none})" '^(stolen|refused)' "$T/thief"
expect_grep "and pidfd_getfd was refused (not dumpable)" '^refused EPERM' "$T/thief"
# Even a descriptor taken in the moment before pop3d makes itself undumpable is the relay's pipe.
printf 'USER a\r\nPASS b\r\n' | "$BIN/postern-popup" h sh -c \
    "cat <&3 >/dev/null; $PY $H/fd_thief.py \$\$ 2 '$forged$forged' >/dev/null; printf '+OK\r\n'" >/dev/null 2>"$T/stolen.log"
wait "$talker"
expect_grep "the attacked session went on" '^\+OK bye' <(tr -d '\r' <"$T/session")

# The root parent dies while the session runs: its network child, which was
# waiting for the verdict, must not write into the session.
talk --send "USER $MAIL_USER\r\nPASS $CHAIN_PASS\r\nSTAT\r\n" --linger 3 --then 'NOOP\r\nQUIT\r\n' "$CHAIN_PORT" >"$T/orphan" &
talker=$!
for _ in $(seq 50); do pgrep -u "$MAIL_USER" -f postern-pop3d >/dev/null && break; sleep 0.1; done
kill -9 "$(pgrep -f -u 0 -P "$CHAIN_PID" "postern-popup $CHAIN_HOST" | head -n 1)"
wait "$talker"
expect_grep "the root parent killed mid-session: the session goes on" '^\+OK bye' <(tr -d '\r' <"$T/orphan")
check "and the network child wrote nothing into it" bash -c "! grep -q 'temporarily unavailable' '$T/orphan'"
stop_server "$CHAIN_PID"
cat "$T/privsep.log" "$T/stolen.log" >"$T/attack.log"
fail2ban-regex "$T/attack.log" "$filter" >"$T/regex.attack" 2>&1
expect_grep "no forged line gets past fail2ban's filter" '^Lines: [1-9][0-9]* lines, 0 ignored, 0 matched' "$T/regex.attack"
expect_grep "(the stolen descriptor's lines did reach the log, defused)" 'postern-popup\? login-refused user=x remote=192\.0\.2\.99' "$T/stolen.log"
