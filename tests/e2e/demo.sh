#!/bin/bash
# make demo's script (service/demo), as README's first command promises: it
# prints the address and a ready curl line that works, serves a demo Maildir
# of 3 messages, writes only under its own folder, needs no root, and stops
# cleanly on Ctrl-C (SIGINT). Run as root, its sessions run as nobody, from a
# folder of theirs in /tmp that it removes when it stops.
. "$(dirname "$0")/lib.sh"
need python3 curl strace nc
root=$(cd "$(dirname "$0")/../.." && pwd)

# run_demo NAME [PREFIX...]: starts the demo (under PREFIX, e.g. strace) with
# its folder $T/NAME, in a process group of its own as a terminal would (job
# control on, so SIGINT is not ignored); sets DEMO_PID and DEMO_PORT.
run_demo() {
    local name=$1; shift
    set -m
    "$@" sh "${DEMO_SCRIPT:-$root/service/demo}" "$BIN" "$T/$name" >"$T/$name.out" 2>&1 &
    DEMO_PID=$!
    set +m
    on_exit "kill -TERM -- -$DEMO_PID 2>/dev/null"
    for _ in $(seq 100); do grep -q '^Ctrl-C' "$T/$name.out" 2>/dev/null && break; sleep 0.1; done
    DEMO_PORT=$(sed -nE 's/^postern demo: POP3 on 127\.0\.0\.1:([0-9]+)$/\1/p' "$T/$name.out")
}
# stop_demo: Ctrl-C (SIGINT to the whole process group, as the terminal sends
# it), then waits for the script to end (at most 15 s; then it is killed).
stop_demo() {
    kill -INT -- "-$DEMO_PID"
    if timeout 15 tail --pid="$DEMO_PID" -f /dev/null; then
        wait "$DEMO_PID"
        DEMO_STATUS=$?
    else
        DEMO_STATUS="still running 15 s after Ctrl-C"
        kill -KILL -- "-$DEMO_PID" 2>/dev/null
    fi
}

# (LeakSanitizer cannot run under strace: a sanitizer build skips its leak check here.)
run_demo demo env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -ff -o "$T/trace" -e trace=openat,creat,mkdir,rename,renameat,renameat2,unlink,unlinkat,link,linkat,symlink
check "the demo prints its address" test -n "$DEMO_PORT"
list_line=$(grep -E '^  curl pop3://demo:demo@127\.0\.0\.1:[0-9]+/ ' "$T/demo.out" | sed 's/ *#.*//')
get_line=$(grep -E '^  curl pop3://demo:demo@127\.0\.0\.1:[0-9]+/1 ' "$T/demo.out" | sed 's/ *#.*//')
nc_line=$(grep -E '^  printf .* \| nc 127\.0\.0\.1 [0-9]+$' "$T/demo.out")
timeout 20 bash -c "$list_line" >"$T/list" 2>&1
expect_eq "its curl line lists 3 messages" 3 "$(grep -cE '^[0-9]+ [0-9]+'"$CR"'$' "$T/list")"
timeout 20 bash -c "$get_line" >"$T/one" 2>&1
expect_grep "its curl line for message 1 retrieves it" '^Subject: Welcome to postern' "$T/one"
dele_line=$(grep -oE 'curl -X DELE -I pop3://demo:demo@127\.0\.0\.1:[0-9]+/1' "$T/one")
expect_eq "the message names the real address in its curl line" "curl -X DELE -I pop3://demo:demo@127.0.0.1:$DEMO_PORT/1" "$dele_line"
timeout 20 bash -c "$dele_line" >/dev/null 2>&1
timeout 20 bash -c "$list_line" >"$T/list2" 2>&1
expect_eq "and that line deletes message 1" 2 "$(grep -cE '^[0-9]+ [0-9]+'"$CR"'$' "$T/list2")"
timeout 20 bash -c "$nc_line" >"$T/nc" 2>&1
expect_grep "its nc line runs a session" '^\+OK bye' "$T/nc"
expect_grep "the log follows on the terminal" '^postern-popup: login-ok user=demo remote=127\.0\.0\.1 ' "$T/demo.out"
stop_demo
expect_eq "Ctrl-C stops it, exit 0" 0 "$DEMO_STATUS"
expect_grep "and says so" '^postern demo: stopped' "$T/demo.out"
expect_grep "postern-tcpserver stopped cleanly" '^postern-tcpserver: stopped active=0$' "$T/demo.out"
check "nothing listens any more" bash -c "! python3 -c \"import socket; socket.create_connection(('127.0.0.1', $DEMO_PORT), 1)\" 2>/dev/null"
check "no process of the demo is left" bash -c "! pgrep -g $DEMO_PID >/dev/null"
# Every file the demo and the chain created, changed or removed by absolute
# path is under its folder (relative paths are the Maildir's, from the home,
# and mkdir -p's steps down the folder's own path). One trace file per
# process, so no call is split across lines by another's.
# As root, the sessions' folder in /tmp is the other place it may write.
sessions_dir=$T/demo
if [ "$(id -u)" = 0 ]; then
    sessions_dir=$(sed -nE 's|^  serving (/tmp/postern-demo\.[^/]+)/home/Maildir \(3 messages\), sessions run as nobody$|\1|p' "$T/demo.out")
    check "as root, the sessions run as nobody, from a folder in /tmp" test -n "$sessions_dir"
    expect_grep "postern-checkpass logs their uid, nobody's" \
        "^postern-checkpass: login-ok user=demo remote=127\\.0\\.0\\.1 uid=$(id -u nobody) " "$T/demo.out"
    check "and the demo's log has no session as uid 0" bash -c "! grep -E 'login-ok .*uid=0( |\$)' '$T/demo.out'"
    expect_eq "postern-popup's chroot is an empty folder of root's, mode 755" "0 755 " \
        "$(stat -c '%u %a' "$T/demo/empty") $(ls -A "$T/demo/empty")"
    check "the sessions' folder is gone once it stopped" test ! -e "${sessions_dir:-/nonexistent}"
fi
written=$(grep -hE '(openat\(.*O_(WRONLY|RDWR|CREAT)|creat\(|mkdir\(|rename|unlink|link)' "$T"/trace.* |
    grep -v '= -1 ' | grep -oE '"/[^"]*"' | tr -d '"' | sort -u)
# No trace would show nothing outside too: the traces hold the demo's own writes.
expect_grep "strace saw the demo write its port file in its folder" "^$T/demo/port\$" <(echo "$written")
outside=$(echo "$written" | grep -vE "^($T/demo|$sessions_dir)(/|\$)|^/dev/")
expect_eq "the demo writes nothing outside its folder (and, as root, the sessions' folder)" "" "$outside"

# No root needed: the same as an ordinary user.
if [ "$(id -u)" = 0 ]; then
    user=pstrn-demo-$$
    useradd -M -d /nonexistent -s /usr/sbin/nologin -U "$user" && on_exit "userdel $user 2>/dev/null"
    mkdir -p "$T/user" && chown "$user:" "$T/user"
    # A copy the user can read wherever the clone is (it may be under /root).
    DEMO_SCRIPT=$T/demo-script && cp "$root/service/demo" "$DEMO_SCRIPT" && chmod 755 "$DEMO_SCRIPT"
    run_demo user/demo setpriv --reuid="$user" --regid="$user" --clear-groups env HOME=/nonexistent
    timeout 20 curl -sS "pop3://demo:demo@127.0.0.1:$DEMO_PORT/3" >"$T/user-one" 2>&1
    expect_grep "as an ordinary user the demo serves too" '^Subject: Where to go next' "$T/user-one"
    expect_grep "and its sessions run as that user" "sessions run as $user" "$T/user/demo.out"
    stop_demo
    expect_eq "and stops on Ctrl-C" 0 "$DEMO_STATUS"
fi
