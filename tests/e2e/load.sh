#!/bin/bash
# The whole chain under load and at its limits: with -c 2 a third client
# waits its turn (or, with -m, is told and closed); a per-source limit turns
# away the extra connections of one address only; then 200 sessions from 20
# concurrent clients all succeed, and the Maildir is intact afterwards.
. "$(dirname "$0")/lib.sh"
need python3 setpriv
. "$(dirname "$0")/chain.bash"
make_mail_user || { fail "a mail user for the tests"; exit 1; }
make_messages 5
fill_maildir
TALK_TIMEOUT=30
load() { timeout 300 python3 "$E2E/pop_load.py" "$1" "$MAIL_USER" "$CHAIN_PASS" "${@:2}"; }
login="USER $MAIL_USER\r\nPASS $CHAIN_PASS\r\n"

# --- -c 2: the third waits --------------------------------------------------------
start_chain wait -c 2
load "$CHAIN_PORT" 3 3 1.5 >"$T/wait.out" 2>&1
expect_grep "-c 2: three sessions that each hold 1.5 s all succeed" '^sessions 3/3 ' "$T/wait.out"
secs=$(sed -nE 's/^sessions [0-9]+\/[0-9]+ seconds ([0-9.]+).*/\1/p' "$T/wait.out")
check "-c 2: the third waited for a free slot (all took $secs s, one alone 1.5 s)" \
    python3 -c "import sys; sys.exit(0 if float('$secs') >= 2.9 else 1)"
expect_grep "-c 2: the server never ran more than 2" '^postern-tcpserver: status 2/2$' "$T/wait.log"
check "-c 2: and never 3" bash -c "! grep -q 'status 3/2' '$T/wait.log'"
stop_server "$CHAIN_PID"

# --- -c 2 -m: the third is told ---------------------------------------------------------
start_chain told -c 2 -m '-ERR [SYS/TEMP] too many connections, try again later'
talk --send "$login" --linger 1.5 --then 'QUIT\r\n' "$CHAIN_PORT" >"$T/t1" &
a=$!
talk --send "$login" --linger 1.5 --then 'QUIT\r\n' "$CHAIN_PORT" >"$T/t2" &
b=$!
sleep 0.7
talk "$CHAIN_PORT" >"$T/t3"
wait "$a" "$b"
expect_eq "-c 2 -m: the third gets the message at once" "-ERR [SYS/TEMP] too many connections, try again later$CR" "$(cat "$T/t3")"
expect_grep "-c 2 -m: the first two are served" '^\+OK bye' "$T/t1"
expect_grep "-c 2 -m: (the second too)" '^\+OK bye' "$T/t2"
load "$CHAIN_PORT" 4 1 >"$T/after.out" 2>&1
expect_grep "-c 2 -m: afterwards sessions run as before" '^sessions 4/4 ' "$T/after.out"
stop_server "$CHAIN_PID"

# --- per-source limit ---------------------------------------------------------------------
start_chain source -C 2 -m '-ERR [SYS/TEMP] too many connections from your address'
talk --send "$login" --linger 1.5 --then 'QUIT\r\n' "$CHAIN_PORT" >"$T/s1" &
a=$!
talk --send "$login" --linger 1.5 --then 'QUIT\r\n' "$CHAIN_PORT" >"$T/s2" &
b=$!
sleep 0.7
talk "$CHAIN_PORT" >"$T/s3"
talk --source 127.0.0.2 --send "$login" --send 'STAT\r\nQUIT\r\n' "$CHAIN_PORT" >"$T/s4"
wait "$a" "$b"
expect_eq "-C 2: a third connection from 127.0.0.1 is refused with the message" \
    "-ERR [SYS/TEMP] too many connections from your address$CR" "$(cat "$T/s3")"
expect_grep "-C 2: meanwhile 127.0.0.2 is served" '^\+OK 5 ' "$T/s4"
expect_grep "-C 2: the two from 127.0.0.1 are served" '^\+OK bye' "$T/s1"
expect_grep "-C 2: (the second too)" '^\+OK bye' "$T/s2"
expect_grep "-C 2: the refusal is logged" '^postern-tcpserver: refuse remote=127\.0\.0\.1 reason=source-limit count=2/2 source=127\.0\.0\.1/32$' "$T/source.log"
stop_server "$CHAIN_PID"

# --- 200 sessions from 20 concurrent clients ------------------------------------------------------
start_chain many -c 40
# One session first: the first QUIT after a RETR renames the message to
# :2,S, and a session that listed it under its old name would find it gone.
load "$CHAIN_PORT" 1 1 >/dev/null 2>&1
load "$CHAIN_PORT" 200 20 >"$T/many.out" 2>&1
expect_grep "200 sessions from 20 concurrent clients all succeed" '^sessions 200/200 ' "$T/many.out"
echo "# $(head -n 1 "$T/many.out")"
wait_log "$T/many.log" '^postern-popup: login-ok ' 201
wait_log "$T/many.log" '^postern-tcpserver: end pid=[0-9]+ status=0$' 201
expect_eq "200 logins logged (and the first)" 201 "$(grep -c '^postern-popup: login-ok ' "$T/many.log")"
expect_eq "every child ended with status 0" 201 "$(grep -cE '^postern-tcpserver: end pid=[0-9]+ status=0$' "$T/many.log")"
expect_eq "the Maildir still holds its 5 messages" 5 "$(maildir_count)"
check "and the server is still up" kill -0 "$CHAIN_PID"
stop_server "$CHAIN_PID"
