#!/bin/bash
# postern-pop3d on a real TCP socket: a whole pipelined session is answered in
# order and in one write, and Nagle's algorithm is off, so no answer waits on
# the client's delayed ACK. The system calls are read with strace, not timed.
. "$(dirname "$0")/lib.sh"
need python3 strace
make_maildir "$T/md"
for i in 1 2 3 4 5; do printf 'Subject: %s\n\nline\n.dot\n' "$i" >"$T/md/cur/170000000$i.m$i.h:2,"; done

# serve.py: accepts one connection on 127.0.0.1 and runs the command on it as fd 0/1.
cat >"$T/serve.py" <<'PY'
import socket, subprocess, sys
listener = socket.socket()
listener.bind(('127.0.0.1', 0)); listener.listen(1)
print(listener.getsockname()[1], flush=True)
listener.settimeout(20)
conn, _ = listener.accept()
sys.exit(subprocess.call(sys.argv[1:], stdin=conn, stdout=conn))
PY
# client.py PORT: sends a session in one write, reads until the answer to QUIT.
cat >"$T/client.py" <<'PY'
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20)
s.sendall(b'STAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nTOP 2 0\r\nRETR 3\r\nDELE 5\r\nQUIT\r\n')
data = b''
while not data.endswith(b'+OK bye\r\n'):
    chunk = s.recv(65536)
    if not chunk: break
    data += chunk
sys.stdout.buffer.write(data)
PY

cd "$T" || exit 1
# postern-pop3d does not run as root: as root, strace (root, so it can still read
# the memory of a process that made itself not dumpable) runs it as a user made here.
as_user=()
if [ "$(id -u)" = 0 ]; then
    user=pstrn-sock-$$
    useradd -M -d /nonexistent -s /usr/sbin/nologin -U "$user" || { fail "a user to run postern-pop3d as"; exit 1; }
    on_exit "userdel $user 2>/dev/null"
    chown -R "$user:" md
    as_user=(-u "$user")
fi
# LeakSanitizer cannot run under ptrace: sanitizer builds check leaks in the other tests.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" timeout 30 python3 "$T/serve.py" strace "${as_user[@]}" -f -o "$T/trace" -e trace=write,sendto,setsockopt \
    "$BIN/postern-pop3d" md >"$T/port" 2>"$T/log" &
server=$!
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
timeout 20 python3 "$T/client.py" "$(cat "$T/port")" >"$T/out"
wait "$server"

expect_grep "the pipelined session is answered through QUIT" '^\+OK bye' out
expect_eq "answers come in order" "+OK maildrop|+OK 5|+OK 5|+OK unique-id|+OK 26|+OK top|+OK 26|+OK message|+OK bye" \
    "$(grep -a '^+OK' out | cut -d' ' -f1-2 | tr -d '\r' | paste -sd'|')"
# A tracer without CAP_SYS_PTRACE cannot read a process that is not dumpable:
# as an ordinary user, strace shows the option's value as an address.
value='\[1\]'; [ "$(id -u)" = 0 ] || value='0x[0-9a-f]+'
expect_grep "Nagle's algorithm is turned off on the socket" "setsockopt\\(1, SOL_TCP, TCP_NODELAY, $value, 4\\) = 0" trace
writes=$(grep -cE '^[0-9]+ +(write|sendto)\((1|0),' trace)
# The opening +OK goes out before the commands are read; everything else in one write.
expect_eq "the answers to the pipelined commands leave in one write after the greeting" 2 "$writes"
check "the Maildir shows the deletion" test ! -e "md/cur/1700000005.m5.h:2,"
