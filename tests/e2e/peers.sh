#!/bin/bash
# postern beside the classic UCSPI programs Debian packages (ucspi-tcp):
# djb's tcpserver in place of postern-tcpserver in front of the whole chain;
# and postern-tcpserver running rblsmtpd (which acts on TCPREMOTEIP and on
# RBLSMTPD set by an access rule) and recordio (wrapped around postern-popup).
. "$(dirname "$0")/lib.sh"
need python3 curl tcpserver rblsmtpd recordio setpriv
. "$(dirname "$0")/chain.bash"
make_mail_user || { fail "a mail user for the tests"; exit 1; }
make_messages 4

# --- tcpserver (ucspi-tcp) in front of postern-popup, -checkpass, -pop3d -------------
fill_maildir
start_listener tcpserver tcpserver -1 -v -R -H -l0 -c 10 127.0.0.1 0 \
    "$BIN/postern-popup" "$CHAIN_HOST" "$BIN/postern-checkpass" "$BIN/postern-pop3d" Maildir
pid=$LISTENER_PID PORT=$LISTENER_PORT
timeout 20 curl -sS --user "$MAIL_USER:$CHAIN_PASS" "pop3://127.0.0.1:$PORT/" >"$T/list" 2>&1
expect_eq "under tcpserver: curl lists the 4 messages" 4 "$(grep -c . "$T/list")"
mkdir -p "$T/got"
for i in 1 2 3 4; do timeout 20 curl -sS --user "$MAIL_USER:$CHAIN_PASS" "pop3://127.0.0.1:$PORT/$i" >"$T/got/$i"; done
compare_fetched "under tcpserver: curl retrieves each message whole" "$T/got"
talk --send "USER $MAIL_USER\r\nPASS $CHAIN_PASS\r\nDELE 2\r\nQUIT\r\n" "$PORT" >"$T/dele"
expect_grep "under tcpserver: a pipelined session with DELE is answered" '^\+OK bye' "$T/dele"
expect_eq "under tcpserver: DELE takes effect at QUIT" "3" "$(maildir_count)"
wait_log "$T/tcpserver.log" '^postern-popup: login-ok user=.* remote=127\.0\.0\.1 ' 6
wait_log "$T/tcpserver.log" '^tcpserver: end [0-9]+ status 0$' 6
expect_grep "postern-popup logs tcpserver's TCPREMOTEIP" '^postern-popup: login-ok user=.* remote=127\.0\.0\.1 ' "$T/tcpserver.log"
expect_grep "and tcpserver logs the child's end" '^tcpserver: end [0-9]+ status 0$' "$T/tcpserver.log"
stop_server "$pid"

# --- postern-tcpserver running rblsmtpd ------------------------------------------------
cat >"$T/rules" <<'R'
127.0.0.2:allow,RBLSMTPD="-listed by the test's rules"
:allow,RBLSMTPD=""
R
printf '#!/bin/sh\necho "220 smtpd for $TCPREMOTEIP"\nread line; echo "221 bye"\n' >"$T/smtpd.sh"
chmod 755 "$T/smtpd.sh"
start_listener rbl "$BIN/postern-tcpserver" -1 -x "$T/rules" 127.0.0.1 0 rblsmtpd "$T/smtpd.sh"
pid=$LISTENER_PID PORT=$LISTENER_PORT
talk --source 127.0.0.2 --send 'HELO client\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nQUIT\r\n' "$PORT" >"$T/blocked"
expect_grep "rblsmtpd blocks 127.0.0.2 with the rule's RBLSMTPD (553)" '^553 listed by the test.s rules' "$T/blocked"
expect_grep "rblsmtpd logs the TCPREMOTEIP it got" '^rblsmtpd: 127\.0\.0\.2 pid [0-9]+: 553 listed by the test.s rules' "$T/rbl.log"
talk --send 'QUIT\r\n' "$PORT" >"$T/passed"
expect_eq "rblsmtpd passes 127.0.0.1 (RBLSMTPD empty) to the real smtpd" "220 smtpd for 127.0.0.1" "$(head -n 1 "$T/passed")"
stop_server "$pid"

# --- postern-tcpserver running recordio around the chain -------------------------------------
fill_maildir
start_listener rec "$BIN/postern-tcpserver" -1 127.0.0.1 0 recordio \
    "$BIN/postern-popup" "$CHAIN_HOST" "$BIN/postern-checkpass" "$BIN/postern-pop3d" Maildir
pid=$LISTENER_PID PORT=$LISTENER_PORT
talk --send "USER $MAIL_USER\r\nPASS $CHAIN_PASS\r\nSTAT\r\nQUIT\r\n" "$PORT" >"$T/rec.out"
expect_grep "the chain works inside recordio" '^\+OK 4 ' "$T/rec.out"
expect_grep "recordio records the client's commands" '^[0-9]+ < STAT' "$T/rec.log"
expect_grep "and the server's answers" '^[0-9]+ > \+OK bye' "$T/rec.log"
stop_server "$pid"
