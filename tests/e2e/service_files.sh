#!/bin/bash
# The rest of service/: the run scripts parse; the systemd units pass
# systemd-analyze verify; the socket-activated unit's command and the inetd
# line serve a session with the socket on stdin/stdout and no UCSPI
# variables (run by systemd-socket-activate --inetd -a, which hands out
# connections as systemd's Accept=yes and inetd do).
. "$(dirname "$0")/lib.sh"
need python3 curl systemd-analyze systemd-socket-activate setpriv
. "$(dirname "$0")/chain.bash"
root=$(cd "$E2E/../.." && pwd)

for script in pop3d/run pop3d/log/run pop3s/run pop3s/log/run demo; do
    check "service/$script is a valid sh script" sh -n "$root/service/$script"
done
for script in pop3d/run pop3d/log/run pop3s/run pop3s/log/run demo; do
    check "service/$script is executable" test -x "$root/service/$script"
done
out=$(cd "$root/service/pop3d" && env -i PATH=/usr/bin:/bin sh -c '
    sed "s/^exec postern-tcpserver/exec echo postern-tcpserver/" run >"$0" && sh "$0"' "$T/run-echo" 2>&1)
expect_eq "service/pop3d/run as shipped builds the expected command line" \
    "postern-tcpserver -v -c 40 -C 10 -m -ERR [SYS/TEMP] too many connections, try again later 0 110 postern-popup mail.example.com postern-checkpass postern-pop3d Maildir" "$out"
mkdir -p "$T/pop3d" && cp -R "$root/service/pop3d/." "$T/pop3d/" && : >"$T/pop3d/env/POSTERN_HOSTNAME"
out=$(cd "$T/pop3d" && env -i PATH=/usr/bin:/bin sh ./run 2>&1)
expect_grep "without env/POSTERN_HOSTNAME it says what is missing" 'env/POSTERN_HOSTNAME must name this server' <(echo "$out")

# systemd: the units as shipped, with the programs where this build has them.
mkdir -p "$T/units"
for unit in "$root"/service/systemd/*; do
    sed "s|/usr/local/bin/|$BIN/|g" "$unit" >"$T/units/$(basename "$unit")"
done
check "the systemd units pass systemd-analyze verify" \
    systemd-analyze verify --man=no "$T/units/postern-pop3.socket" "$T/units/postern-pop3@.service" "$T/units/postern-tcpserver.service"

make_mail_user || { fail "a mail user for the tests"; exit 1; }
make_messages 2

# serve_inetd NAME COMMAND...: COMMAND for each connection on 127.0.0.1, the
# connection on stdin/stdout; sets PORT.
serve_inetd() {
    local name=$1; shift
    PORT=$(free_port)
    # systemd-socket-activate passes on only the variables it is told to: the
    # greeter's chroot folder (tests/run's, as root) must reach the chain.
    systemd-socket-activate -l "127.0.0.1:$PORT" -a --inetd ${POSTERN_POPUP_ROOT:+-E POSTERN_POPUP_ROOT} "$@" \
        >"$T/$name.out" 2>"$T/$name.log" &
    on_exit "kill $! 2>/dev/null"
    wait_port "$PORT"
}

exec_start=$(sed -n 's/^ExecStart=//p' "$T/units/postern-pop3@.service")
fill_maildir
serve_inetd systemd env POSTERN_PASSWD_FILE="$T/passwd" POSTERN_FAIL_DELAY=100 $exec_start
timeout 20 curl -sS --user "$MAIL_USER:$CHAIN_PASS" "pop3://127.0.0.1:$PORT/1" >"$T/got" 2>&1
expect_grep "postern-pop3@.service's command serves a session, socket on stdin/stdout" '^Subject: e2e message 1' "$T/got"
wait_log "$T/systemd.log" '^postern-popup: login-ok user=.* remote=127\.0\.0\.1 '
expect_grep "and postern-popup finds the client's address without UCSPI" '^postern-popup: login-ok user=.* remote=127\.0\.0\.1 ' "$T/systemd.log"

line=$(grep -v '^#' "$root/service/inetd/inetd.conf" | grep . | head -n 1)
read -r service socktype proto wait user program argv0 args <<<"$line"
expect_eq "the inetd line is a stream/tcp/nowait pop3 service" "pop3 stream tcp nowait" "$service $socktype $proto $wait"
args=$(echo "$args" | sed -e "s|/usr/local/bin/|$BIN/|g" -e "s|/etc/postern/passwd|$T/passwd|g")
fill_maildir
serve_inetd inetd "$program" $args
timeout 20 curl -sS --user "$MAIL_USER:$CHAIN_PASS" "pop3://127.0.0.1:$PORT/2" >"$T/got" 2>&1
expect_grep "the inetd line's command serves a session" '^Subject: e2e message 2' "$T/got"
expect_grep "its settings reach the chain through env(1)" '^postern-checkpass: login-ok user=.* source=passwd-file ' "$T/inetd.log"
