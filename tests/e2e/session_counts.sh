#!/bin/bash
# Honest session counts: postern-pop3d's end line says what the session did.
# retrieved= counts the messages RETR sent, topped= those a TOP sent whole
# (fetchmail reads the mail it keeps that way), deleted= what UPDATE unlinked,
# and vanished= what the client deleted but another session had removed first
# (a RETR of it fails, and is not counted). With fetchmail and with a session
# driven by hand while another one deletes a message under it.
. "$(dirname "$0")/lib.sh"
need python3 fetchmail setpriv
. "$(dirname "$0")/chain.bash"
make_mail_user || { fail "a mail user for the tests"; exit 1; }
make_messages 8
start_chain fm
FM_PORT=$CHAIN_PORT
start_chain hand
HAND_PORT=$CHAIN_PORT
mkdir -p "$T/c"
# octets N: message N's size as POP3 sends it (CRLF line ends).
octets() { sed 's/\r$//' "$T/orig/$1" | sed 's/$/\r/' | wc -c; }
total=0; for i in $(seq 8); do total=$((total + $(octets "$i"))); done
# end_line LOG N: the Nth end line of postern-pop3d in LOG, once it is written.
end_line() { wait_log "$1" 'postern-pop3d: end ' "$2"; grep 'postern-pop3d: end ' "$1" | sed -n "$2p"; }

# --- fetchmail: keep (TOP), then delete (RETR) -----------------------------------------------
fill_maildir
fetchmail_rc "$FM_PORT" keep "$T/c/keep"
as_client timeout 60 fetchmail -f "$T/c/fetchmailrc" -i "$T/c/keep.ids" --pidfile "$T/c/fm.pid" --nodetach >"$T/fm1.out" 2>&1
expect_eq "fetchmail (keep) fetches all eight" 8 "$(ls "$T/c/keep" | wc -l)"
line=$(end_line "$T/fm.log" 1)
expect_eq "its session's end line counts them as topped (whole messages sent by TOP), none retrieved" \
    "retrieved=0/0 topped=8/$total deleted=0/0 vanished=0/0 left=8/$total" "${line#* reason=quit }"
fetchmail_rc "$FM_PORT" nokeep "$T/c/delete"
as_client timeout 60 fetchmail -a -f "$T/c/fetchmailrc" -i "$T/c/delete.ids" --pidfile "$T/c/fm.pid" --nodetach >"$T/fm2.out" 2>&1
expect_eq "fetchmail (delete) fetches all eight" 8 "$(ls "$T/c/delete" | wc -l)"
line=$(end_line "$T/fm.log" 2)
expect_eq "its end line counts eight retrieved and eight deleted, none left" \
    "retrieved=8/$total topped=0/0 deleted=8/$total vanished=0/0 left=0/0" "${line#* reason=quit }"

# --- by hand, while another session deletes a message ------------------------------------------
fill_maildir
cat >"$T/hand.py" <<'PY'
import poplib, sys
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def login():
    m = poplib.POP3("127.0.0.1", port, timeout=20)
    m.user(user)
    m.pass_(password)
    return m
a = login()
print("a", a.stat()[0])
b = login()          # another session, which deletes message 1 while a is open
b.dele(1)
b.quit()
try:
    a.retr(1)
    print("retr 1 ok")
except poplib.error_proto as e:
    print("retr 1:", e.args[0].decode())
a.dele(1)
a.retr(2)
a.top(3, 0)          # the headers only: not the whole message
a.top(4, 100000)     # all of it
a.quit()
print("done")
PY
timeout 60 python3 "$T/hand.py" "$HAND_PORT" "$MAIL_USER" "$CHAIN_PASS" >"$T/hand.out" 2>&1
expect_grep "the first session's RETR of the message the other deleted fails" \
    '^retr 1: -ERR \[SYS/PERM\] message is gone' "$T/hand.out"
expect_grep "and the session goes on to QUIT" '^done$' "$T/hand.out"
# The two sessions end close together: their end lines may come in either order.
ends=$( (end_line "$T/hand.log" 1; end_line "$T/hand.log" 2) | sed 's/.* reason=quit //')
other="retrieved=0/0 topped=0/0 deleted=1/$(octets 1) vanished=0/0 left=7/$((total - $(octets 1)))"
first="retrieved=1/$(octets 2) topped=1/$(octets 4) deleted=0/0 vanished=1/$(octets 1) left=7/$((total - $(octets 1)))"
expect_eq "the other session's end line counts its deletion" 1 "$(grep -cxF "$other" <<<"$ends")"
expect_eq "the first counts one retrieved (not the failed RETR), one topped, none deleted, one vanished" \
    1 "$(grep -cxF "$first" <<<"$ends")"
expect_eq "seven messages remain, message 2 flagged seen" "7 1" \
    "$(maildir_count) $(find "$MAILDIR/cur" -name "*.M2P*:2,S" | wc -l)"

# --- a client that leaves without QUIT ----------------------------------------------------------
fill_maildir
timeout 30 python3 - "$HAND_PORT" "$MAIL_USER" "$CHAIN_PASS" <<'PY' >"$T/drop.out" 2>&1
import poplib, sys
m = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=20)
m.user(sys.argv[2]); m.pass_(sys.argv[3])
m.retr(1); m.dele(2)
m.sock.close()       # gone, without QUIT
PY
line=$(end_line "$T/hand.log" 3)
expect_eq "leaving without QUIT deletes nothing" \
    "retrieved=1/$(octets 1) topped=0/0 deleted=0/0 vanished=0/0 left=8/$total" "${line#* reason=eof }"
expect_eq "and flags nothing seen, but the login moved every message from new/ to cur/" "0 8 0" \
    "$(find "$MAILDIR/new" -type f | wc -l) $(find "$MAILDIR/cur" -name '*:2,' | wc -l) $(find "$MAILDIR/cur" -name '*:2,*S*' | wc -l)"
