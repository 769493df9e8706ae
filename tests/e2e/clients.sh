#!/bin/bash
# The whole chain under postern-tcpserver on 127.0.0.1, with real clients:
# curl, fetchmail, getmail6, mpop (USER/PASS and APOP) and Python's poplib.
# Each message must arrive whole (byte for byte but for line ends), and the
# server's Maildir must be as the client's choices leave it.
. "$(dirname "$0")/lib.sh"
need python3 curl fetchmail getmail mpop setpriv
. "$(dirname "$0")/chain.bash"
make_mail_user || { fail "a mail user for the tests"; exit 1; }
make_messages 8
mkdir -p "$T/c"
start_chain plain
PORT=$CHAIN_PORT
POSTERN_APOP=1 start_chain apop
APOP_PORT=$CHAIN_PORT
in_cur_seen() { find "$MAILDIR/cur" -name '*:2,S' | wc -l; }

# --- curl ------------------------------------------------------------------------
fill_maildir
sizes=$(for f in "$T"/orig/*; do echo "$(basename "$f") $(sed 's/\r$//' "$f" | sed 's/$/\r/' | wc -c)"; done | sort -n)
timeout 20 curl -sS --user "$MAIL_USER:$CHAIN_PASS" "pop3://127.0.0.1:$PORT/" >"$T/curl.list" 2>&1
expect_eq "curl lists every message with its octet count (CRLF)" "$sizes" "$(tr -d '\r' <"$T/curl.list")"
mkdir -p "$T/curl"
for i in $(seq 8); do
    timeout 20 curl -sS --user "$MAIL_USER:$CHAIN_PASS" "pop3://127.0.0.1:$PORT/$i" >"$T/curl/$i" 2>&1
done
compare_fetched "curl retrieves each message whole" "$T/curl"
expect_eq "after curl's RETRs the messages are in cur/, seen" 8 "$(in_cur_seen)"
expect_eq "and none is left in new/" 0 "$(find "$MAILDIR/new" -type f | wc -l)"
timeout 20 curl -sS -X DELE -I --user "$MAIL_USER:$CHAIN_PASS" "pop3://127.0.0.1:$PORT/1" >"$T/curl.dele" 2>&1
expect_eq "curl's DELE removes message 1 at QUIT" 7 "$(maildir_count)"
expect_eq "the one removed is message 1" "" "$(find "$MAILDIR" -name '*.M1P*')"

# --- fetchmail: keep, then delete ----------------------------------------------------
fill_maildir
fetchmail_rc "$PORT" keep "$T/c/fm-keep"
as_client timeout 60 fetchmail -f "$T/c/fetchmailrc" -i "$T/c/fm.ids" --pidfile "$T/c/fm.pid" --nodetach >"$T/fm.out" 2>&1
expect_eq "fetchmail (keep) succeeds" 0 $?
compare_fetched "fetchmail (keep) delivers every message whole" "$T/c/fm-keep"
# fetchmail reads with TOP when it keeps mail, so the messages are not marked seen.
expect_eq "fetchmail (keep) leaves all 8 on the server" 8 "$(maildir_count)"
as_client timeout 60 fetchmail -f "$T/c/fetchmailrc" -i "$T/c/fm.ids" --pidfile "$T/c/fm.pid" --nodetach >"$T/fm2.out" 2>&1
expect_eq "fetchmail's second run finds no new mail by UIDL (exit 1)" 1 $?
expect_eq "and delivers nothing more" 8 "$(ls "$T/c/fm-keep" | wc -l)"
fetchmail_rc "$PORT" nokeep "$T/c/fm-delete"
as_client timeout 60 fetchmail -a -f "$T/c/fetchmailrc" -i "$T/c/fm-d.ids" --pidfile "$T/c/fm.pid" --nodetach >"$T/fm3.out" 2>&1
expect_eq "fetchmail (delete) succeeds" 0 $?
compare_fetched "fetchmail (delete) delivers every message whole" "$T/c/fm-delete"
expect_eq "fetchmail (delete) leaves the server's Maildir empty" 0 "$(maildir_count)"

# --- getmail6 into a Maildir --------------------------------------------------------------
fill_maildir
make_maildir "$T/c/gm"
mkdir -p "$T/c/gm-state"
cat >"$T/c/getmailrc" <<RC
[retriever]
type = SimplePOP3Retriever
server = 127.0.0.1
port = $PORT
username = $MAIL_USER
password = $CHAIN_PASS
timeout = 20

[destination]
type = Maildir
path = $T/c/gm/

[options]
read_all = false
delete = false
delivered_to = false
received = false
RC
as_client timeout 60 getmail --rcfile="$T/c/getmailrc" --getmaildir="$T/c/gm-state" >"$T/gm.out" 2>&1
expect_eq "getmail succeeds" 0 $?
compare_fetched "getmail delivers every message whole into its Maildir" "$T/c/gm"
expect_eq "getmail (delete = false) leaves all 8 on the server, seen" 8 "$(in_cur_seen)"
as_client timeout 60 getmail --rcfile="$T/c/getmailrc" --getmaildir="$T/c/gm-state" >"$T/gm2.out" 2>&1
expect_grep "getmail's second run skips all 8 by UIDL" '0 messages \(0 bytes\) retrieved, 8 skipped' "$T/gm2.out"

# --- mpop: USER/PASS (keep), then APOP (delete) ----------------------------------------------
fill_maildir
make_maildir "$T/c/mp-user"
make_maildir "$T/c/mp-apop"
mpop_rc() {  # mpop_rc FILE PORT AUTH KEEP FOLDER
    cat >"$1" <<RC
account e2e
host 127.0.0.1
port $2
user $MAIL_USER
password $CHAIN_PASS
auth $3
tls off
timeout 20
received_header off
keep $4
uidls_file $1.uidls
delivery maildir $5
RC
    chmod 600 "$1"
}
mpop_rc "$T/c/mpoprc" "$PORT" user on "$T/c/mp-user"
as_client timeout 60 mpop -q --file="$T/c/mpoprc" e2e >"$T/mp.out" 2>&1
expect_eq "mpop (USER/PASS) succeeds" 0 $?
compare_fetched "mpop (USER/PASS) delivers every message whole" "$T/c/mp-user"
expect_eq "mpop (keep on) leaves all 8 on the server, seen" 8 "$(in_cur_seen)"
as_client timeout 60 mpop --file="$T/c/mpoprc" e2e >"$T/mp2.out" 2>&1
expect_grep "mpop's second run finds nothing new by UIDL" 'new: no messages' "$T/mp2.out"
fill_maildir
mpop_rc "$T/c/mpoprc-apop" "$APOP_PORT" apop off "$T/c/mp-apop"
as_client timeout 60 mpop -d --file="$T/c/mpoprc-apop" e2e >"$T/mp-apop.out" 2>&1
expect_eq "mpop (APOP) succeeds" 0 $?
expect_grep "mpop logs in with APOP" '^--> APOP ' "$T/mp-apop.out"
compare_fetched "mpop (APOP) delivers every message whole" "$T/c/mp-apop"
expect_eq "mpop (keep off) leaves the server's Maildir empty" 0 "$(maildir_count)"
wait_log "$T/apop.log" "postern-popup: login-ok user=$MAIL_USER remote=127\.0\.0\.1 mech=apop"
expect_grep "the server logs the APOP login" "postern-popup: login-ok user=$MAIL_USER remote=127\.0\.0\.1 mech=apop" "$T/apop.log"

# --- Python's poplib ---------------------------------------------------------------------------
fill_maildir
mkdir -p "$T/c/poplib"
cat >"$T/pop_session.py" <<'PY'
import os, poplib, sys
port, user, password, out, apop_port = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
m = poplib.POP3("127.0.0.1", port, timeout=20)
m.user(user)
m.pass_(password)
count, octets = m.stat()
sizes = [int(line.split()[1]) for line in m.list()[1]]
uids = [line.split()[1] for line in m.uidl()[1]]
assert len(sizes) == count == len(uids) == len(set(uids)), (count, sizes, uids)
for n in range(1, count + 1):
    lines = m.retr(n)[1]
    with open(os.path.join(out, str(n)), "wb") as f:
        f.write(b"".join(line + b"\r\n" for line in lines))
    # RFC 1939: LIST's octets are the message as sent, CRLF line ends, before dot-stuffing.
    assert sizes[n - 1] == sum(len(line) + 2 for line in lines), (n, sizes[n - 1])
top = m.top(1, 0)[1]
assert top[-1] == b"" and top[0].startswith(b"From:"), top
m.dele(1)
m.dele(2)
m.rset()
m.dele(3)
m.quit()
a = poplib.POP3("127.0.0.1", apop_port, timeout=20)
a.apop(user, password)
assert a.stat()[0] == count - 1
a.quit()
print("poplib ok", count, octets)
PY
timeout 60 python3 "$T/pop_session.py" "$PORT" "$MAIL_USER" "$CHAIN_PASS" "$T/c/poplib" "$APOP_PORT" >"$T/poplib.out" 2>&1
expect_grep "poplib: USER/PASS, STAT, LIST, UIDL, RETR (octets as LIST said), TOP, DELE, RSET, APOP" '^poplib ok 8 ' "$T/poplib.out"
compare_fetched "poplib retrieves every message whole" "$T/c/poplib"
expect_eq "after RSET only message 3's DELE stands" 7 "$(maildir_count)"
expect_eq "the one removed is message 3" "" "$(find "$MAILDIR" -name '*.M3P*')"
