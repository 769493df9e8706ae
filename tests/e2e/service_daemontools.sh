#!/bin/bash
# service/pop3d as it is shipped, under daemontools (svscan, supervise,
# multilog) in a service folder made here: it serves a session, its settings
# come from env/, its log lands in log/main, supervise restarts the listener
# after it is killed, svc -h re-reads the rules, svc -d stops it.
. "$(dirname "$0")/lib.sh"
need_root
need python3 curl svscan supervise svc svstat multilog setuidgid setpriv
. "$(dirname "$0")/chain.bash"
root=$(cd "$E2E/../.." && pwd)
make_mail_user || { fail "a mail user for the tests"; exit 1; }
make_messages 3
fill_maildir

svc_dir=$T/service
mkdir -p "$svc_dir"
cp -R "$root/service/pop3d" "$svc_dir/pop3d"
s=$svc_dir/pop3d
PORT=$(free_port)
echo "$CHAIN_HOST" >"$s/env/POSTERN_HOSTNAME"
echo 127.0.0.1 >"$s/env/POSTERN_IP"
echo "$PORT" >"$s/env/POSTERN_PORT"
echo "$T/passwd" >"$s/env/POSTERN_PASSWD_FILE"
echo 100 >"$s/env/POSTERN_FAIL_DELAY"
echo "$T/rules" >"$s/env/POSTERN_RULES"
echo "$BIN:/usr/bin:/bin" >"$s/env/PATH"
# svc -d sends SIGCONT right after SIGTERM; in a sanitizer build, a SIGCONT
# landing while LeakSanitizer's exit-time check attaches with ptrace cancels
# its SIGSTOP and the check hangs. The other tests check these binaries for leaks.
echo "${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" >"$s/env/ASAN_OPTIONS"
printf ':allow\n' >"$T/rules"

svscan "$svc_dir" >"$T/svscan.log" 2>&1 &
svscan=$!
on_exit "svc -dx '$s' '$s/log' 2>/dev/null; kill $svscan 2>/dev/null; sleep 0.5"
check "svscan starts the service and it listens on env/POSTERN_PORT" wait_port "$PORT"

timeout 20 curl -sS --user "$MAIL_USER:$CHAIN_PASS" "pop3://127.0.0.1:$PORT/2" >"$T/got" 2>&1
expect_grep "a session is served" '^Subject: e2e message 2' "$T/got"

log=$s/log/main/current
for _ in $(seq 50); do grep -q 'postern-popup: login-ok' "$log" 2>/dev/null && break; sleep 0.1; done
expect_grep "the log lands in log/main/current, stamped by multilog" '^@4000[0-9a-f]{20} postern-tcpserver: connect pid=[0-9]+ remote=127\.0\.0\.1 ' "$log"
expect_grep "with every program's lines" '^@[0-9a-f]+ postern-popup: login-ok user=pstrn-e2e-' "$log"
check "multilog runs as nobody" test "$(stat -c %U "$s/log/main")" = nobody
expect_grep "the run script's settings reach postern-tcpserver" '^@[0-9a-f]+ postern-tcpserver: status [0-9]+/40$' "$log"

first=$(svstat "$s" | sed -nE 's/.*up \(pid ([0-9]+)\).*/\1/p')
check "svstat shows the listener up" test -n "$first"
kill -9 "$first"
for _ in $(seq 50); do
    second=$(svstat "$s" | sed -nE 's/.*up \(pid ([0-9]+)\).*/\1/p')
    [ -n "$second" ] && [ "$second" != "$first" ] && break
    sleep 0.1
done
check "supervise restarts the listener after kill -9 (pid $first, then $second)" test -n "$second" -a "$second" != "$first"
wait_port "$PORT"
timeout 20 curl -sS --user "$MAIL_USER:$CHAIN_PASS" "pop3://127.0.0.1:$PORT/3" >"$T/got" 2>&1
expect_grep "the restarted listener serves" '^Subject: e2e message 3' "$T/got"

printf '127.0.0.1:deny\n' >"$T/rules"
svc -h "$s"
for _ in $(seq 50); do grep -q 'rules-loaded' "$log" && break; sleep 0.1; done
expect_grep "svc -h re-reads the rules" 'postern-tcpserver: rules-loaded file=.*/rules rules=1$' "$log"
timeout 20 curl -sS --user "$MAIL_USER:$CHAIN_PASS" "pop3://127.0.0.1:$PORT/" >"$T/denied" 2>&1
rc=$?
# The deny first: a curl that failed for another reason would be turned away too.
for _ in $(seq 50); do grep -q ' deny pid=' "$log" && break; sleep 0.1; done
expect_grep "and the new rules are in force: the deny is logged" 'postern-tcpserver: deny pid=[0-9]+ remote=127\.0\.0\.1 rule=1$' "$log"
check "and curl is turned away (exit $rc)" test "$rc" -ne 0

svc -d "$s"
for _ in $(seq 150); do svstat "$s" >"$T/svstat" 2>&1; grep -q ': down ' "$T/svstat" && break; sleep 0.1; done
expect_grep "svc -d stops it" ': down ' "$T/svstat"
check "nothing listens any more" bash -c "! python3 -c \"import socket; socket.create_connection(('127.0.0.1', $PORT), 1)\" 2>/dev/null"
for _ in $(seq 150); do grep -q 'stopped active=0' "$log" && break; sleep 0.1; done
expect_grep "its stop is logged" 'postern-tcpserver: stopped active=0$' "$log"
