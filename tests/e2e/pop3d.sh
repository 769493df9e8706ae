#!/bin/bash
# postern-pop3d end to end: real sessions piped into the binary, then the
# bytes it sent and the Maildir it left are checked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unprivileged.bash"
rerun_unprivileged  # postern-pop3d does not run as root
need python3
POP3D=$BIN/postern-pop3d
cd "$T" || exit 1

# session MAILDIR 'CMD\r\n...': runs one piped session; answers in $T/out, log in $T/log.
session() {
    local md=$1; shift
    printf "$@" | timeout 20 "$POP3D" "$md" >"$T/out" 2>"$T/log"
    echo $? >"$T/status"
}

# deliver MAILDIR NAME CONTENT: a delivery the Maildir way (tmp/ then new/).
deliver() { printf '%b' "$3" >"$1/tmp/$2" && mv "$1/tmp/$2" "$1/new/$2"; }

# A session kept open on a fifo: open_session ID MAILDIR [env...]; say ID 'CMD\r\n'; close_session ID.
open_session() {
    local id=$1 md=$2; shift 2
    mkfifo "$T/in.$id"
    env "$@" timeout 30 "$POP3D" "$md" <"$T/in.$id" >"$T/out.$id" 2>"$T/log.$id" &
    eval "pid_$id=\$!"
    eval "exec {fd_$id}>\"\$T/in.\$id\""
    wait_for "$id" '^[+-]'
}
say() { eval "printf '$2' >&\$fd_$1"; }
close_session() { eval "exec {fd_$1}>&-; wait \$pid_$1"; }
# wait_for ID REGEX: waits up to 10 s for a matching line of output.
wait_for() {
    for _ in $(seq 100); do grep -qE -- "$2" "$T/out.$1" 2>/dev/null && return 0; sleep 0.1; done
    return 1
}

# --- a scripted session, byte for byte -------------------------------------------
make_maildir md
deliver md 1700000002.M2P2.host 'From: b\r\nSubject: two\r\n\r\nbody two\r\n'
deliver md 1700000001.M1P1.host 'From: a\nSubject: one\n\nhello\n.dot line\n'
session md 'CAPA\r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nTOP 2 0\r\nDELE 2\r\nLIST 2\r\nUIDL 1\r\nLAST\r\nQUIT\r\n'
expected=$(crlf '+OK maildrop has 2 messages (78 octets)
+OK capability list follows
TOP
UIDL
PIPELINING
RESP-CODES
AUTH-RESP-CODE
USER
IMPLEMENTATION postern
.
+OK 2 78
+OK 2 messages (78 octets)
1 43
2 35
.
+OK unique-id listing follows
1 1700000001.M1P1.host
2 1700000002.M2P2.host
.
+OK 43 octets
From: a
Subject: one

hello
..dot line
.
+OK top of message follows
From: b
Subject: two

.
+OK message 2 deleted
-ERR message 2 already deleted
+OK 1 1700000001.M1P1.host
+OK 2
+OK bye
')
expect_eq "a whole session answers byte for byte" "$expected" "$(cat out)"
expect_eq "exit status 0 after a session" 0 "$(cat status)"
expect_eq "QUIT unlinks the deleted message and flags the retrieved one seen" \
    "1700000001.M1P1.host:2,S" "$(ls md/cur)"
expect_eq "new/ is empty after the session" "" "$(ls md/new 2>&1)"   # (a missing new/ says so)
expect_grep "the session is logged with counts and octets" \
    '^postern-pop3d: end user=.* reason=quit retrieved=1/43 topped=0/0 deleted=1/35 vanished=0/0 left=1/43$' log

# --- exact octets: LIST's count is what RETR sends before dot-stuffing ------------
make_maildir oct
deliver oct 1700000001.a.h 'Subject: lf\n\n.line\nlast\n'
deliver oct 1700000002.b.h 'Subject: crlf\r\n\r\n.line\r\nlast\r\n'
deliver oct 1700000003.c.h 'Subject: no final newline\n\nend'
deliver oct 1700000004.d.h 'Subject: 8bit\n\n\xff\xfe\x00nul\rbare cr\n..\n'
deliver oct 1700000005.e.h ''
session oct 'LIST\r\nRETR 1\r\nRETR 2\r\nRETR 3\r\nRETR 4\r\nRETR 5\r\nQUIT\r\n'
python3 - "$T/out" <<'PY' >"$T/octets" 2>&1
import sys
data = open(sys.argv[1], 'rb').read()
lines = data.split(b'\r\n')
sizes, i = {}, 2
while lines[i] != b'.':
    n, s = lines[i].split(); sizes[int(n)] = int(s); i += 1
rest = b'\r\n'.join(lines[i + 1:])
for n in range(1, 6):
    head, rest = rest.split(b'\r\n', 1)
    assert head == b'+OK %d octets' % sizes[n], (n, head)
    body, rest = rest.split(b'\r\n.\r\n', 1) if not rest.startswith(b'.\r\n') else (b'', rest[3:])
    if body: body += b'\r\n'
    unstuffed = b''.join(l[1:] + b'\r\n' if l.startswith(b'.') else l + b'\r\n' for l in body.split(b'\r\n')[:-1])
    assert len(unstuffed) == sizes[n], (n, len(unstuffed), sizes[n])
    assert b'\n' not in unstuffed.replace(b'\r\n', b''), n
print('ok', sizes)
PY
check "LIST octets equal the bytes RETR sends (LF, CRLF, no final newline, 8-bit, empty)" grep -q '^ok' "$T/octets"
expect_eq "LIST sizes are the CRLF sizes" "1 28|2 30|3 34|4 37|5 0" \
    "$(sed -n '3,7p' out | tr -d '\r' | paste -sd'|')"
expect_grep "an 8-bit message passes through unchanged" "$(printf '\xff\xfe')" out

# --- delivery order, and deliveries during a session ------------------------------
make_maildir order
deliver order 1700000300.z.h 'Subject: 3\n\n'
deliver order 1700000100.y.h 'Subject: 1\n\n'
printf 'Subject: 2\n\n' >order/cur/1700000200.x.h:2,S
session order 'UIDL\r\nQUIT\r\n'
expect_eq "messages are numbered in delivery order across new/ and cur/" \
    "1 1700000100.y.h|2 1700000200.x.h|3 1700000300.z.h" "$(sed -n '3,5p' out | tr -d '\r' | paste -sd'|')"
open_session live order
deliver order 1600000000.early.h 'Subject: 0\n\n'
say live 'STAT\r\nUIDL 1\r\nQUIT\r\n'
close_session live
expect_eq "a delivery during a session does not change its numbering" \
    "+OK 3 |+OK 1 1700000100.y.h|+OK bye" "$(sed -n '2,4p' out.live | tr -d '\r' | sed 's/^+OK 3 .*/+OK 3 /' | paste -sd'|')"
expect_eq "that delivery is still in new/ for the next session" "1600000000.early.h" "$(ls order/new)"

# --- deletion safety ---------------------------------------------------------------
make_maildir keep
deliver keep 1700000001.k.h 'Subject: keep\n\n'
session keep 'DELE 1\r\n'
expect_eq "a dropped connection deletes nothing" "1700000001.k.h:2," "$(ls keep/cur)"
expect_grep "the drop is logged" 'reason=eof .*deleted=0/0' log
(printf 'DELE 1\r\n'; sleep 3) | POSTERN_IDLE_TIMEOUT=1 timeout 20 "$POP3D" keep >out 2>log
expect_eq "an idle client is dropped after the time-out, with -ERR" "-ERR autologout: idle for too long" "$(tail -n 1 out | tr -d '\r')"
expect_eq "a time-out deletes nothing" "1700000001.k.h:2," "$(ls keep/cur)"
session keep 'RSET\r\nDELE 1\r\nRSET\r\nSTAT\r\nQUIT\r\n'
expect_eq "RSET undoes DELE" "+OK maildrop has 1 messages (17 octets)|+OK 1 17|+OK bye" "$(sed -n '4,6p' out | tr -d '\r' | paste -sd'|')"
expect_eq "after RSET QUIT deletes nothing" "1700000001.k.h:2," "$(ls keep/cur)"

make_maildir fails
deliver fails 1700000001.f.h 'Subject: f\n\n'
open_session del fails
rm fails/cur/1700000001.f.h:2, && mkdir -p fails/cur/1700000001.f.h:2,/blocker
say del 'DELE 1\r\nQUIT\r\n'
close_session del
expect_eq "QUIT says -ERR when a deletion fails" "-ERR [SYS/TEMP] some deleted messages were not removed" "$(tail -n 1 out.del | tr -d '\r')"
expect_grep "the failed deletion is logged by name" '^postern-pop3d: delete-failed file=1700000001.f.h:2, ' log.del

# --- two sessions at once, without the lock -----------------------------------------
make_maildir two
deliver two 1700000001.a.h 'Subject: a\n\n'
deliver two 1700000002.b.h 'Subject: b\n\n'
open_session a two
session two 'DELE 1\r\nQUIT\r\n'
say a 'RETR 1\r\nRETR 2\r\nQUIT\r\n'
close_session a
expect_grep "a message another session deleted gives -ERR on RETR" '^-ERR \[SYS/PERM\] message is gone' out.a
expect_grep "and the session goes on" '^Subject: b' out.a
expect_eq "nothing else is lost" "1700000002.b.h:2,S" "$(ls two/cur)"

# --- another session changes flags while this one is open ------------------------------------
make_maildir flags
for n in 1 2 3; do deliver flags 170000000$n.f$n.h "Subject: f$n\n\n"; done
session flags 'QUIT\r\n'
open_session b flags
mv flags/cur/1700000001.f1.h:2, flags/cur/1700000001.f1.h:2,S
mv flags/cur/1700000002.f2.h:2, flags/cur/1700000002.f2.h:2,F
mv flags/cur/1700000003.f3.h:2, flags/cur/1700000003.f3.h:2,T
say b 'RETR 1\r\nDELE 2\r\nRETR 3\r\nQUIT\r\n'
close_session b
expect_eq "a message renamed by another session is still retrieved" 2 "$(grep -c '^Subject: f[13]' out.b)"
expect_eq "and still deleted at QUIT, and flagged seen" "1700000001.f1.h:2,S|1700000003.f3.h:2,ST" "$(ls flags/cur | paste -sd'|')"
expect_grep "the session's log counts the deletion" 'deleted=1/' log.b

# --- exclusive access as a policy ------------------------------------------------------
make_maildir lock
deliver lock 1700000001.l.h 'Subject: l\n\n'
open_session first lock POSTERN_LOCK=1
printf 'STAT\r\nQUIT\r\n' | POSTERN_LOCK=1 timeout 10 "$POP3D" lock >out 2>log; status=$?
expect_eq "with POSTERN_LOCK=1 a second session gets [IN-USE]" "-ERR [IN-USE] maildrop is in use by another session" "$(tr -d '\r' <out)"
expect_eq "and exits 0, having answered" 0 "$status"
session lock 'STAT\r\nQUIT\r\n'
expect_eq "without the lock setting the second session is served" "+OK 1 14" "$(sed -n 2p out | tr -d '\r')"
pkill -KILL -P "$pid_first"; wait "$pid_first" 2>/dev/null
printf 'STAT\r\nQUIT\r\n' | POSTERN_LOCK=1 timeout 10 "$POP3D" lock >out 2>log
expect_eq "the lock dies with a killed session" "+OK 1 14" "$(sed -n 2p out | tr -d '\r')"

# --- bounds and malformed input ---------------------------------------------------------
make_maildir bad
deliver bad 1700000001.a.h 'Subject: a\n\nbody\n'
long=$(head -c 300 /dev/zero | tr '\0' 'x')
session bad "NOOP\r\n${long}\r\nstat\r\nLIST 0\r\nLIST -1\r\nLIST 1x\r\nLIST 18446744073709551617\r\nRETR\r\nTOP 1\r\nTOP 1 x\r\nDELE 2\r\nStAt extra\r\nlist 1\r\nQUIT\r\n"
expected=$(crlf '+OK maildrop has 1 messages (20 octets)
+OK
-ERR line too long
+OK 1 20
-ERR no such message
-ERR invalid message number
-ERR invalid message number
-ERR invalid message number
-ERR invalid message number
-ERR usage: TOP message lines
-ERR invalid number of lines
-ERR no such message
-ERR this command takes no argument
+OK 1 20
+OK bye
')
expect_eq "malformed, out-of-range and over-long commands get -ERR and the session goes on" "$expected" "$(cat out)"
expect_eq "nothing was deleted by bad input" "1700000001.a.h:2," "$(ls bad/cur)"

printf 'STAT\r\nQUIT\r\n' | "$POP3D" no-such-maildir >out 2>log; status=$?
expect_eq "a missing Maildir is -ERR [SYS/PERM]" "-ERR [SYS/PERM] this user has no Maildir" "$(tr -d '\r' <out)"
expect_eq "which exits 0: the client has its answer" 0 "$status"
expect_grep "and is logged" '^postern-pop3d: maildrop-failed .*maildir=no-such-maildir' log
"$POP3D" </dev/null >out 2>log; status=$?
expect_eq "without a Maildir argument it exits 2" 2 "$status"
expect_eq "having said nothing to the client" "" "$(cat out)"
printf 'QUIT\r\n' | POSTERN_IDLE_TIMEOUT=soon "$POP3D" bad >out 2>log; status=$?
expect_eq "a malformed setting exits 111 without a word to the client" "111:" "$status:$(cat out)"
expect_grep "naming the setting in the log" 'bad-setting name=POSTERN_IDLE_TIMEOUT' log

# --- permission denied, as an unprivileged user -----------------------------------------
make_maildir denied
chmod 700 denied
cp "$POP3D" "$T/pop3d-copy" && chmod 755 "$T/pop3d-copy"
if [ "$(id -u)" = 0 ]; then run_unprivileged() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
else chmod 000 denied; run_unprivileged() { "$@"; }; fi
printf 'QUIT\r\n' | run_unprivileged "$T/pop3d-copy" "$T/denied" >out 2>log
expect_eq "an unreadable Maildir is -ERR [SYS/PERM]" "-ERR [SYS/PERM] permission denied on the Maildir" "$(tr -d '\r' <out)"
chmod 700 denied

# --- the Maildir cache (sizes, and the listing while the directories are unchanged) -------
make_maildir big
python3 - big <<'PY'
import os, sys
for i in range(2000):
    name = '%d.M%dP%d.host' % (1700000000 + i // 7, i * 37 % 1000000, 1000 + i)
    with open(os.path.join(sys.argv[1], 'cur', name + ':2,'), 'w') as f:
        f.write('Subject: %d\n\n' % i + 'line\n' * (i % 13))
PY
session big 'STAT\r\nQUIT\r\n'; first=$(sed -n 2p out)
expect_grep "a first session reads the files for their sizes" 'listing=scan sized-from-files=2000 ' log
session big 'STAT\r\nQUIT\r\n'
expect_grep "a second session reads no message file" 'sized-from-files=0 ' log
expect_eq "and reports the same sizes" "$first" "$(sed -n 2p out)"
expect_eq "a listing of directories that just changed is not trusted" "dirs -" "$(sed -n 2p big/postern-cache)"
sleep 2.2  # the directories settle: a later change cannot hide in the same clock tick
session big 'STAT\r\nQUIT\r\n'
session big 'STAT\r\nQUIT\r\n'
expect_grep "once settled and unchanged, the listing comes from the cache" 'listing=cache sized-from-files=0 ' log
expect_eq "with the same answer" "$first" "$(sed -n 2p out)"
printf 'Subject: late\n\n' >big/tmp/1800000000.late.h && mv big/tmp/1800000000.late.h big/new/
session big 'STAT\r\nUIDL 2001\r\nQUIT\r\n'
expect_grep "a delivery to new/ is seen at once" '^\+OK 2001 1800000000.late.h' out
expect_grep "through a scan" 'listing=scan' log
sleep 2.2; session big 'QUIT\r\n'
mv big/cur/1800000000.late.h:2, big/cur/1800000000.late.h:2,F
session big 'UIDL 2001\r\nRETR 2001\r\nQUIT\r\n'
expect_grep "a flag changed by another program is seen at once" '^Subject: late' out
sleep 2.2; session big 'QUIT\r\n'
rm big/cur/1700000000.M0P1000.host:2,
session big 'STAT\r\nQUIT\r\n'
expect_eq "a message removed by another program is gone at once" "+OK 2000 " "$(sed -n 2p out | cut -c1-9)"
printf 'garbage\n' >big/postern-cache
session big 'STAT\r\nQUIT\r\n'; first=$(sed -n 2p out)
expect_eq "a damaged cache is ignored" "+OK 2000 " "$(sed -n 2p out | cut -c1-9)"
expect_eq "and rebuilt" "postern-cache 3" "$(head -n 1 big/postern-cache)"
sleep 2.2; session big 'QUIT\r\n'  # a settled listing
cp big/postern-cache "$T/cache.before"
session big 'STAT\r\nQUIT\r\n'
expect_eq "a session on a settled listing answers STAT from the cache's summary" "$first" "$(sed -n 2p out)"
# Two empty files would compare equal: the copy taken before is a cache.
check "and leaves the cache as it was" \
    bash -c "head -n 1 '$T/cache.before' | grep -qx 'postern-cache 3' && cmp -s big/postern-cache '$T/cache.before'"
session big 'STAT\r\nLIST 2000\r\nUIDL 1\r\nQUIT\r\n'
expect_eq "and reads the listing when a command needs it" \
    "+OK 2000|+OK 1 1700000000.M111P1003.host" "$(sed -n 3p out | cut -d' ' -f1-2)|$(sed -n 4p out | tr -d '\r')"
sed -i '5s/^[0-9]*/9/' big/postern-cache  # a size changed under the summary
session big 'STAT\r\nLIST\r\nQUIT\r\n'
expect_eq "a listing that disagrees with its summary ends the session with -ERR, nothing changed" \
    "$first|-ERR [SYS/TEMP] the maildrop's listing could not be read; try again|" \
    "$(sed -n 2p out)|$(sed -n 3p out | tr -d '\r')|$(sed -n 4p out)"
expect_grep "and is logged" '^postern-pop3d: cache-damaged file=postern-cache' log
session big 'LIST 1\r\nQUIT\r\n'
expect_grep "the next session lists by a scan, and answers" '^\+OK 1 [0-9]' out
expect_grep "and its log says listing=scan" 'listing=scan' log
rm big/postern-cache && mkdir big/postern-cache
session big 'STAT\r\nQUIT\r\n'
# (the log holds the session's loaded and end lines, and nothing else)
expect_eq "a cache that cannot be written is skipped silently" "$first|0|loaded end|" \
    "$(sed -n 2p out)|$(cat status)|$(sed -n 's/^postern-pop3d: \(loaded\|end\) .*/\1/p' log | paste -sd' ')|$(grep -v -e loaded -e end log)"
rmdir big/postern-cache
make_maildir named
printf 'Subject: x\n\nbody\n' >named/cur/1700000001.n.h,S=17,W=999:2,
session named 'LIST\r\nQUIT\r\n'
expect_eq "a ,W= size in the name is trusted without reading the file" "1 999" "$(sed -n 3p out | tr -d '\r')"

# --- tmp/ clean-up, UIDL of odd names, CAPA settings -----------------------------------------
make_maildir clean
printf 'old' >clean/tmp/1600000000.old.h && touch -a -d '37 hours ago' clean/tmp/1600000000.old.h
printf 'new' >clean/tmp/1700000000.new.h
session clean 'QUIT\r\n'
expect_eq "tmp/ files unread for 36 hours are removed, recent ones kept" "1700000000.new.h" "$(ls clean/tmp)"

make_maildir odd
long_name="1700000001.$(head -c 80 /dev/zero | tr '\0' 'n').h"
printf 'Subject: long\n\n' >"odd/cur/$long_name:2,"
session odd 'UIDL 1\r\nQUIT\r\n'
uid=$(sed -n 2p out | tr -d '\r' | cut -d' ' -f3)
expect_eq "a name over 70 characters gets a 32-digit derived UID" 32 "${#uid}"
session odd 'UIDL 1\r\nQUIT\r\n'
expect_eq "which is stable across sessions" "$uid" "$(sed -n 2p out | tr -d '\r' | cut -d' ' -f3)"

printf 'CAPA\r\nQUIT\r\n' | POSTERN_EXPIRE=30 POSTERN_LOGIN_DELAY='900 USER' "$POP3D" odd >out 2>log
expect_grep "CAPA shows EXPIRE when configured" "^EXPIRE 30$CR\$" out
expect_grep "CAPA shows LOGIN-DELAY when configured" "^LOGIN-DELAY 900 USER$CR\$" out

# --- a message that cannot be moved to cur/ is served from new/ -----------------------------
make_maildir stuck
stuck_name="1700000001.$(head -c 240 /dev/zero | tr '\0' 's').h"
printf 'Subject: stuck\n\nbody\n' >"stuck/new/$stuck_name"
session stuck 'LIST\r\nRETR 1\r\nQUIT\r\n'
expect_grep "a name too long for :2, is still listed" '^1 24' out
expect_grep "and retrieved" '^Subject: stuck' out
expect_grep "the failed move is logged" 'new-not-moved' log
expect_eq "and it stays on disk after QUIT" "$stuck_name" "$(ls stuck/new)"

# --- a previous server's UIDL list that cannot be read this time ------------------------------
make_maildir moved
deliver moved 1700000001.M1P1.h 'Subject: moved\n\nbody\n'
printf '3 V16 N2\n1 :1700000001.M1P1.h\n' >moved/dovecot-uidlist
session moved 'UIDL\r\nQUIT\r\n'
expect_eq "POSTERN_UIDL_SOURCES unset: the file name is the UIDL" "1 1700000001.M1P1.h" "$(sed -n 3p out | tr -d '\r')"
printf 'UIDL\r\nQUIT\r\n' | POSTERN_UIDL_SOURCES=dovecot "$POP3D" moved >out 2>log
expect_eq "dovecot: Dovecot's UIDL, %08Xu%08Xv" "1 0000000100000010" "$(sed -n 3p out | tr -d '\r')"
chmod 000 moved/dovecot-uidlist
rm moved/postern-cache
printf 'UIDL\r\nQUIT\r\n' | POSTERN_UIDL_SOURCES=dovecot "$POP3D" moved >out 2>log
expect_eq "a list it cannot read: no session, a temporary error (not the file-name UIDLs)" \
    "-ERR [SYS/TEMP] cannot open the maildrop, try again later" "$(tr -d '\r' <out)"
expect_grep "and the list and the failed step are logged" \
    '^postern-pop3d: uidl-list-ignored file=dovecot-uidlist reason=cannot-open error="Permission denied"' log
expect_grep "as the maildrop's failure" '^postern-pop3d: maildrop-failed .* step=uidl-list-open error="Permission denied"' log
chmod 644 moved/dovecot-uidlist
printf 'UIDL\r\nQUIT\r\n' | POSTERN_UIDL_SOURCES=dovecot "$POP3D" moved >out 2>log
expect_eq "readable again: Dovecot's UIDL again" "1 0000000100000010" "$(sed -n 3p out | tr -d '\r')"
