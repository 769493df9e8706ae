#!/bin/bash
# postern-pop3d confines itself: it will not run as root, it is not dumpable (the
# user's own processes can neither ptrace it nor take its descriptors, such as
# the service log), and once it has opened the Maildir, Landlock keeps it there:
# a symlink in cur/ to a file outside gives -ERR on RETR and a log line, never
# the file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unprivileged.bash"
need python3 setpriv
POP3D=$BIN/postern-pop3d
cd "$T" || exit 1

# --- as root: refused, without a word to the client ---------------------------------
if [ "$(id -u)" = 0 ]; then
    make_maildir rootmd
    printf 'Subject: r\n\nroot\n' >rootmd/new/1700000001.r.h
    printf 'STAT\r\nRETR 1\r\nQUIT\r\n' | timeout 10 "$POP3D" rootmd >out 2>log; status=$?
    expect_eq "as root it exits 1, the status a greeter answers for" 1 "$status"
    expect_eq "having said nothing to the client" "" "$(cat out)"
    expect_eq "and logs why, in one line" "postern-pop3d: root-refused uid=0 euid=0" "$(cat log)"
    expect_eq "before touching the Maildir" "1700000001.r.h" "$(ls rootmd/new)"
    # (as a set-uid root program would run: the real uid nobody's, the effective root's)
    printf 'QUIT\r\n' | timeout 10 python3 -c 'import os, sys; os.setreuid(65534, 0); os.execv(sys.argv[1], sys.argv[1:])' \
        "$POP3D" rootmd >out 2>log; status=$?
    expect_eq "an effective uid of 0 alone is refused too" "1::postern-pop3d: root-refused uid=65534 euid=0" \
        "$status:$(cat out):$(cat log)"
fi
rerun_unprivileged

# session MAILDIR 'CMD\r\n...' [PREFIX...]: one piped session; answers in $T/out, log in $T/log.
session() {
    local md=$1 commands=$2; shift 2
    printf "$commands" | timeout 20 "$@" "$POP3D" "$md" >"$T/out" 2>"$T/log"
}

# --- Landlock --------------------------------------------------------------------
abi=$(python3 -c 'import ctypes; print(max(ctypes.CDLL(None).syscall(444, None, 0, 1), 0))')
make_maildir md
printf 'Subject: one\n\nbody one\n' >md/new/1700000001.one.h
mkdir outside && printf 'the secret\n' >outside/secret
# Sizes in the names (,W=): listed without a read, so RETR is what opens them.
ln -s "$T/outside/secret" "md/cur/1700000002.out.h,W=12:2,"
ln -s /etc/passwd "md/cur/1700000003.pw.h,W=100:2,"
ln -s ../../outside/secret "md/cur/1700000004.rel.h:2,"   # no size: read at the scan
session md 'LIST\r\nRETR 2\r\nRETR 3\r\nRETR 1\r\nQUIT\r\n'
if [ "$abi" -gt 0 ]; then
    [ "$abi" -gt 7 ] && abi=7
    expect_grep "the kernel offers Landlock ABI $abi: the loaded line says sandbox=landlock-v$abi" \
        "^postern-pop3d: loaded .* sandbox=landlock-v$abi\$" log
    expect_eq "RETR of a symlink to a file outside the Maildir is -ERR" \
        "-ERR [SYS/PERM] permission denied on message" "$(sed -n 7p out | tr -d '\r')"
    expect_eq "and of a symlink to /etc/passwd" "-ERR [SYS/PERM] permission denied on message" "$(sed -n 8p out | tr -d '\r')"
    check "neither file's content is sent" bash -c "! grep -qE 'the secret|^root:' out"
    expect_grep "each is logged by name" '^postern-pop3d: message-unreadable file=1700000002\.out\.h,W=12:2, error="Permission denied"$' log
    expect_grep "the one sized at the scan is left out, and logged" '^postern-pop3d: message-unreadable file=1700000004\.rel\.h:2, ' log
    expect_eq "what is inside is served: the listing, then the message" "+OK 3 messages (138 octets)|+OK 26 octets|Subject: one" \
        "$(sed -n '2p;9p;10p' out | tr -d '\r' | paste -sd'|')"
    expect_eq "within the sandbox new/ moved to cur/ and QUIT flagged the message seen" \
        "1700000001.one.h:2,S" "$(ls md/cur | grep one)"
    check "and the cache was written in tmp/ and renamed into place" test -f md/postern-cache -a -z "$(ls md/tmp 2>&1)"
    session md 'STAT\r\nQUIT\r\n'
    expect_grep "the next session takes the sizes from that cache" 'sized-from-files=1 ' log
else
    expect_grep "this kernel has no Landlock: the loaded line says sandbox=none" '^postern-pop3d: loaded .* sandbox=none$' log
fi

# The same Maildir where the kernel has no Landlock: the files outside are served,
# so the refusals above were the sandbox's.
rm -f md/postern-cache
session md 'RETR 2\r\nQUIT\r\n' python3 "$E2E/helpers/without_landlock.py"
expect_grep "with landlock_create_ruleset failing (ENOSYS), it goes on with sandbox=none" '^postern-pop3d: loaded .* sandbox=none$' log
expect_grep "and RETR sends a file outside the Maildir" '^the secret' out

# --- not dumpable ------------------------------------------------------------------
mkfifo in
"$POP3D" md <in >out.live 2>log.live &
pop3d=$!
on_exit "kill $pop3d 2>/dev/null"
exec {feed}>in
for _ in $(seq 100); do grep -q '^+OK' out.live && break; sleep 0.1; done
sleep 30 &
other=$!
# steal PID: takes fd 2 of PID with pidfd_getfd(2), as the user's own process would.
steal() {
    python3 -c '
import ctypes, os, sys
fd = os.pidfd_open(int(sys.argv[1]))
got = ctypes.CDLL(None, use_errno=True).syscall(438, fd, 2, 0)
print("taken" if got >= 0 else os.strerror(ctypes.get_errno()))' "$1"
}
expect_eq "the user's own process takes fd 2 of another process of the user" taken "$(steal "$other")"
expect_eq "but not postern-pop3d's (PR_SET_DUMPABLE 0)" "Operation not permitted" "$(steal "$pop3d")"
expect_eq "whose /proc files (fd/, environ) belong to root" "0 0" "$(stat -c %u "/proc/$pop3d/fd" "/proc/$pop3d/environ" | paste -sd' ')"
kill "$other"
printf 'QUIT\r\n' >&"$feed"
exec {feed}>&-
wait "$pop3d"
expect_eq "the session goes on as usual" "+OK bye" "$(tail -n 1 out.live | tr -d '\r')"
