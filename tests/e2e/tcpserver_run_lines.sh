#!/bin/bash
# Classic run scripts with postern-tcpserver in tcpserver's place, their
# options unchanged (postern's programs in place of qmail's and ipop3d; a
# free port in place of pop3/110):
#
#   exec softlimit -m 5000000 tcpserver -RHD 0 pop3 qmail-popup host checkpassword qmail-pop3d Maildir
#   tcpserver -vR -c40 -p 0 pop3 ipop3d
#   tcpserver -v -R -P -X -x /etc/tcp.pop3.cdb -c 40 -l0 0 110 ...
#
# Each starts and serves a POP3 session. The user's hash is SHA-512, for
# which INSTALL's memory section gives softlimit -m 5000000. (The first line
# ran before tcpserver's whole command line was taken; the others stopped at
# -p, -P or -X, and -x took no cdb.)
. "$(dirname "$0")/lib.sh"
need python3 softlimit tcprules openssl
W=$T/w
mkdir -p "$W/home"
make_maildir "$W/home/Maildir"
printf 'Subject: a\n\nhello\n' >"$W/home/Maildir/new/1700000001.a.host"
if [ "$(id -u)" = 0 ]; then
    need useradd userdel
    U=pstrn-rl$$
    useradd -M -N -s /usr/sbin/nologin -d "$W/home" "$U" || { fail "useradd $U"; exit 1; }
    on_exit "userdel '$U' 2>/dev/null"
    chown -R "$U" "$W/home"
fi
echo "pop:$(openssl passwd -6 secret)::$(id -u "${U:-$(id -un)}"):$(id -g "${U:-$(id -un)}"):$W/home" >"$W/passwd"
chmod 600 "$W/passwd"
unset POSTERN_SYSTEM_USERS POSTERN_MIN_UID POSTERN_ALLOW_ROOT POSTERN_APOP POSTERN_REQUIRE_TLS UCSPITLS
export POSTERN_PASSWD_FILE=$W/passwd POSTERN_FAIL_DELAY=0
CHAIN=("$BIN/postern-popup" mail.example.com "$BIN/postern-checkpass" "$BIN/postern-pop3d" Maildir)

# run_line NAME COMMAND...: the run script's command in the background, on
# port $PORT (chosen before), its log in $T/NAME.log; waits for the port.
run_line() {
    local name=$1; shift
    "$@" 2>"$T/$name.log" &
    LINE_PID=$!
    on_exit "kill $LINE_PID 2>/dev/null"
    wait_port "$PORT"
}
# session [--source ADDRESS]: a login, STAT and QUIT; the answers without CRs.
session() { talk "$@" --send 'USER pop\r\nPASS secret\r\nSTAT\r\nQUIT\r\n' "$PORT" | tr -d '\r'; }
served() { session "$@" | tee -a "$T/sessions" | grep -qx "+OK 1 21"; }

# AddressSanitizer reserves terabytes of address space at start, which no
# memory limit allows: a sanitizer build runs the first line without softlimit.
softlimit=(softlimit -m 5000000)
if ldd "$BIN/postern-tcpserver" 2>/dev/null | grep -q libasan; then
    echo "# under AddressSanitizer: the first line without softlimit -m"
    softlimit=()
fi

PORT=$(free_port)
run_line qmail "${softlimit[@]}" "$BIN/postern-tcpserver" -RHD 0 "$PORT" "${CHAIN[@]}"
check "exec softlimit -m 5000000 postern-tcpserver -RHD 0 ...: serves a session" served
stop_server "$LINE_PID"

PORT=$(free_port)
run_line ipop3d "$BIN/postern-tcpserver" -vR -c40 -p 0 "$PORT" "${CHAIN[@]}"
check "postern-tcpserver -vR -c40 -p 0 ...: serves a session" served
expect_grep "-v: the connection is logged" '^postern-tcpserver: connect pid=[0-9]+ remote=127\.0\.0\.1 ' "$T/ipop3d.log"
stop_server "$LINE_PID"

printf '127.0.0.2:deny\n:allow,POSTERN_FAIL_DELAY="0"\n' >"$T/tcp.pop3.txt"
tcprules "$T/tcp.pop3.cdb" "$T/tcp.pop3.tmp" <"$T/tcp.pop3.txt"
PORT=$(free_port)
run_line cdb "$BIN/postern-tcpserver" -v -R -P -X -x "$T/tcp.pop3.cdb" -c 40 -l0 0 "$PORT" "${CHAIN[@]}"
check "postern-tcpserver -v -R -P -X -x tcp.pop3.cdb -c 40 -l0 0 ...: serves a session" served
answer=$(session --source 127.0.0.2)
# The deny's log line first: no greeting alone could be a dead server's.
expect_grep "the cdb's deny holds: 127.0.0.2 is denied, logged with its key" \
    '^postern-tcpserver: deny pid=[0-9]+ remote=127\.0\.0\.2 key=127\.0\.0\.2$' "$T/cdb.log"
expect_eq "and gets no greeting" "" "$answer"
stop_server "$LINE_PID"

PORT=$(free_port)
run_line nocdb "$BIN/postern-tcpserver" -v -R -P -X -x "$T/no-such.cdb" -c 40 -l0 0 "$PORT" "${CHAIN[@]}"
check "the same line with no cdb at all (-X): serves a session" served
check "127.0.0.2 too: there are no rules" served --source 127.0.0.2
stop_server "$LINE_PID"
check "no password reached a log" bash -c "! grep -l secret '$T'/*.log"
