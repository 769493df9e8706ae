#!/bin/bash
# postern-checkpass and postern-passwd without privileges: a checkpass that
# is not root logs in only the user it runs as, so every login here comes
# from a password file whose entries map to that user. Run as root, the
# script creates a user and runs everything as that user. A mail-only entry
# for that user, whose lock is in a shadow file it cannot read. Also the
# whole chain from a shell pipe: postern-popup, postern-checkpass,
# postern-pop3d.
. "$(dirname "$0")/lib.sh"
need python3 md5sum setpriv
W=$T/w
mkdir -p "$W"
cp -r "$(dirname "$0")/helpers" "$W/helpers"
H=$W/helpers
if [ "$(id -u)" = 0 ]; then
    need useradd userdel
    U=pstrn-tu$$
    useradd -M -N -s /bin/sh -d "$W/home-alice" "$U" || { fail "useradd $U"; exit 1; }
    on_exit "userdel '$U' 2>/dev/null"
    chown -R "$U" "$W"
    as_user() { setpriv --reuid="$U" --regid="$(id -g "$U")" --clear-groups -- "$@"; }
else
    as_user() { "$@"; }
fi
uid=$(as_user id -u)
gid=$(as_user id -g)
unset POSTERN_PASSWD_FILE POSTERN_SYSTEM_USERS POSTERN_MIN_UID POSTERN_ALLOW_ROOT POSTERN_APOP POSTERN_REQUIRE_TLS \
    UCSPITLS REMOTE_ADDR SSLCTLFD SSLREADFD SSLWRITEFD
export TCPREMOTEIP=192.0.2.7 POSTERN_PASSWD_FILE=$W/passwd STANDIN_RECORD=$W/standin POSTERN_FAIL_DELAY=0
as_user mkdir -p "$W/home-alice/Maildir/new" "$W/home-alice/Maildir/cur" "$W/home-alice/Maildir/tmp"
as_user sh -c "printf 'Subject: a\n\nhello\n' >'$W/home-alice/Maildir/new/1700000001.a.host'
               printf 'Subject: b\n\nworld\n' >'$W/home-alice/Maildir/cur/1700000002.b.host:2,S'"

# postern-passwd builds the file
printf 'secret\n' | as_user "$BIN/postern-passwd" -a -u "$uid" -g "$gid" -d "$W/home-alice" "$W/passwd" alice 2>>"$T/log"
expect_eq "postern-passwd: a new file is created with mode 0600" "600" "$(stat -c %a "$W/passwd")"
expect_grep "postern-passwd: alice's line is name:hash:apop:uid:gid:home" \
    "^alice:\\\$[^:]+:secret:$uid:$gid:$W/home-alice\$" "$W/passwd"
printf 'c4rolpw\n' | as_user "$BIN/postern-passwd" -u 4242 -g 4242 -d /nonexistent "$W/passwd" carol 2>>"$T/log"
printf 'd4vepw\n' | as_user "$BIN/postern-passwd" -u "$uid" -g "$gid" -d "$W/home-alice" "$W/passwd" dave 2>>"$T/log"
as_user sed -i 's/^dave:/dave:!/' "$W/passwd"
printf 'this line is broken\n' | as_user tee -a "$W/passwd" >/dev/null
printf 'x\n' | as_user "$BIN/postern-passwd" "$W/passwd" 'bad:name' 2>/dev/null
expect_eq "postern-passwd: a name with ':' is refused (exit 2)" 2 "$?"
printf 'a:b\n' | as_user "$BIN/postern-passwd" -a "$W/passwd" eve 2>/dev/null
expect_eq "postern-passwd: an APOP secret with ':' is refused (exit 2)" 2 "$?"

# checkpass USER PASSWORD TIMESTAMP [PROGRAM...]: one checkpass run, fd 3 from printf.
checkpass() {
    local user=$1 password=$2 stamp=$3
    shift 3
    [ $# -eq 0 ] && set -- "$H/stand-in-pop3d"
    rm -f "$W/standin"
    printf '%s\0%s\0%s\0' "$user" "$password" "$stamp" >"$W/input"
    as_user timeout 10 "$BIN/postern-checkpass" "$@" 3<"$W/input" >"$T/out" 2>>"$T/log" </dev/null
    status=$?
}

checkpass alice secret ''
expect_eq "the right password: exit 0 and the program runs" "0|+OK stand-in" "$status|$(head -n 1 "$T/out" | tr -d '\r')"
expect_grep "the program runs as the user checkpass runs as" "^uid=$uid\$" "$W/standin"
expect_grep "USER is the login name" '^USER=alice$' "$W/standin"
expect_grep "HOME is the entry's home" "^HOME=$W/home-alice\$" "$W/standin"
expect_grep "the working directory is HOME" "^cwd=$W/home-alice\$" "$W/standin"
expect_grep "SHELL is set" '^SHELL=/' "$W/standin"
expect_grep "log: login-ok with uid and source, no password" \
    "^postern-checkpass: login-ok user=alice remote=192\\.0\\.2\\.7 uid=$uid source=passwd-file method=password\$" "$T/log"
checkpass alice wrong ''
expect_eq "a wrong password: exit 1" 1 "$status"
expect_grep "log: login-refused reason=bad-password" \
    '^postern-checkpass: login-refused user=alice remote=192\.0\.2\.7 reason=bad-password$' "$T/log"
# The client's address where popup is not the one in front (qmail-popup):
# sslserver's SSLREMOTEIP, else the socket on fd 0 (inetd, systemd).
TCPREMOTEIP= SSLREMOTEIP=203.0.113.9 checkpass alice wrong ''
expect_grep "log: with TCPREMOTEIP unset, the address comes from SSLREMOTEIP" \
    '^postern-checkpass: login-refused user=alice remote=203\.0\.113\.9 reason=bad-password$' "$T/log"
printf '%s\0%s\0%s\0' alice wrong '' >"$W/input"
as_user env -u TCPREMOTEIP python3 "$H/socket_session.py" --tcp '' -- \
    sh -c 'exec timeout 10 "$0" "$1" 3<"$2"' "$BIN/postern-checkpass" "$H/stand-in-pop3d" "$W/input" >/dev/null 2>>"$T/log"
expect_grep "log: with no variable at all, the address comes from the socket on fd 0" \
    '^postern-checkpass: login-refused user=alice remote=127\.0\.0\.1 reason=bad-password$' "$T/log"
checkpass nosuchuser secret ''
expect_eq "an unknown user: exit 1" 1 "$status"
expect_grep "log: reason=unknown-user" '^postern-checkpass: login-refused user=nosuchuser .*reason=unknown-user$' "$T/log"
checkpass carol c4rolpw ''
expect_eq "an entry mapped to another uid, without root: exit 1" 1 "$status"
expect_grep "log: reason=other-user" '^postern-checkpass: login-refused user=carol .*reason=other-user$' "$T/log"
checkpass dave d4vepw ''
expect_eq "a locked entry ('!' hash): exit 1" 1 "$status"
expect_grep "log: reason=locked" '^postern-checkpass: login-refused user=dave .*reason=locked$' "$T/log"
checkpass alice '' ''
expect_eq "an empty password: exit 1" 1 "$status"
expect_grep "a malformed line is reported with its number and why" \
    '^postern-checkpass: password-file-bad-line file=.*/passwd line=4 reason=malformed$' "$T/log"
POSTERN_MIN_UID=$((uid + 1)) checkpass alice secret ''
expect_eq "POSTERN_MIN_UID above the user's uid: exit 1" 1 "$status"

stamp='<1234.1700000000.00ff@mail.example.com>'
checkpass alice "$(printf '%s%s' "$stamp" secret | md5sum | cut -c1-32)" "$stamp"
expect_eq "APOP against the file's secret: exit 0" 0 "$status"
expect_grep "log: method=apop" '^postern-checkpass: login-ok user=alice .*method=apop$' "$T/log"
checkpass alice "$(printf '%s%s' "$stamp" wrong | md5sum | cut -c1-32)" "$stamp"
expect_eq "APOP with a wrong digest: exit 1" 1 "$status"
checkpass alice secret "$stamp"
expect_eq "a password with a timestamp (qmail-popup sends one always) still works" 0 "$status"

printf 'alice' >"$W/input"
as_user "$BIN/postern-checkpass" true 3<"$W/input" 2>>"$T/log"
expect_eq "fd 3 without NULs: exit 2" 2 "$?"
as_user "$BIN/postern-checkpass" true 3</dev/null 2>>"$T/log"
expect_eq "empty fd 3: exit 2" 2 "$?"
{ head -c 600 /dev/zero | tr '\0' u; printf '\0secret\0\0'; } >"$W/input"
as_user "$BIN/postern-checkpass" true 3<"$W/input" 2>>"$T/log"
expect_eq "more than 512 bytes before the NULs: exit 2 (only 512 are read)" 2 "$?"
as_user "$BIN/postern-checkpass" 2>/dev/null 3</dev/null
expect_eq "no program: exit 2" 2 "$?"
checkpass alice secret '' /nonexistent/program
expect_eq "a program that cannot be executed: exit 111" 111 "$status"
expect_grep "log: temporary-failure step=exec" '^postern-checkpass: temporary-failure user=alice .*step=exec ' "$T/log"
as_user chmod 644 "$W/passwd"
checkpass alice secret ''
expect_eq "a password file readable by others: exit 111" 111 "$status"
expect_grep "log: password-file-insecure with the mode" '^postern-checkpass: password-file-insecure file=.* mode=0644 ' "$T/log"
expect_grep "log: the temporary failure gives a reason, not a stale errno" \
    '^postern-checkpass: temporary-failure user=alice remote=192\.0\.2\.7 step=password-file reason=insecure$' "$T/log"
check "no error=\"Success\" in the log" bash -c "! grep -q 'error=\"Success\"' '$T/log'"
as_user chmod 600 "$W/passwd"
POSTERN_MIN_UID=x checkpass alice secret ''
expect_eq "a malformed setting: exit 111" 111 "$status"
expect_grep "log: reason=bad-setting" '^postern-checkpass: temporary-failure user=- remote=192\.0\.2\.7 step=settings reason=bad-setting$' "$T/log"

# One reader for both programs: duplicates, long lines, '#' names
printf 'oldpw\n' | as_user "$BIN/postern-passwd" -u "$uid" -g "$gid" -d "$W/home-alice" "$W/passwd.old" frank 2>>"$T/log"
printf 'newpw\n' | as_user "$BIN/postern-passwd" -u "$uid" -g "$gid" -d "$W/home-alice" "$W/passwd" frank 2>>"$T/log"
grep '^frank:' "$W/passwd.old" | as_user tee -a "$W/passwd" >/dev/null   # a second frank, with the old password
checkpass frank newpw ''
expect_eq "two entries for a name: the first one's password is refused" 1 "$status"
checkpass frank oldpw ''
expect_eq "and so is the second one's" 1 "$status"
expect_grep "log: login-refused reason=duplicate-entry" '^postern-checkpass: login-refused user=frank .*reason=duplicate-entry$' "$T/log"
expect_grep "log: password-file-duplicate with both line numbers" \
    '^postern-checkpass: password-file-duplicate file=.*/passwd user=frank line=[0-9]+ first=[0-9]+$' "$T/log"
printf 'thirdpw\n' | as_user "$BIN/postern-passwd" "$W/passwd" frank 2>"$T/passwd.log"
cat "$T/passwd.log" >>"$T/log"
expect_eq "postern-passwd on a duplicated name leaves one entry" 1 "$(grep -c '^frank:' "$W/passwd")"
expect_grep "postern-passwd logs the dropped duplicate" '^postern-passwd: duplicates-removed file=.* user=frank count=1$' "$T/passwd.log"
checkpass frank thirdpw ''
expect_eq "and checkpass takes that entry's password" 0 "$status"
grep '^frank:' "$W/passwd.old" | as_user tee -a "$W/passwd" >/dev/null
as_user "$BIN/postern-passwd" -r "$W/passwd" frank 2>>"$T/log"
expect_eq "postern-passwd -r on a duplicated name: exit 0" 0 "$?"
check "and no entry for the name is left live, the others kept" \
    bash -c "grep -q '^alice:' '$W/passwd' && ! grep -q '^frank:' '$W/passwd'"
checkpass frank oldpw ''
expect_eq "the second entry's old password no longer logs in" "1" "$status"
expect_grep "log: frank is now unknown" '^postern-checkpass: login-refused user=frank .*reason=unknown-user$' "$T/log"

cp -p "$W/passwd" "$T/passwd.before"
long_home=$W/$(head -c 4100 /dev/zero | tr '\0' d)
printf 'longpw\n' | as_user "$BIN/postern-passwd" -u "$uid" -g "$gid" -d "$long_home" "$W/passwd" gina 2>"$T/passwd.log"
expect_eq "postern-passwd: a line over 4096 bytes (a long -d home) is refused (exit 2)" 2 "$?"
expect_grep "with a reason" '^postern-passwd: usage problem=the.entry.would.not.read.back' "$T/passwd.log"
expect_file_eq "and the file is unchanged" "$T/passwd.before" "$W/passwd"
printf 'x\n' | as_user "$BIN/postern-passwd" "$W/passwd" '#root' 2>/dev/null
expect_eq "postern-passwd: a name starting with '#' is refused (exit 2)" 2 "$?"
expect_file_eq "and the file is unchanged" "$T/passwd.before" "$W/passwd"
printf 'gina:%s::%s:%s:%s\n' "$(sed -n 's/^frank:\([^:]*\).*/\1/p' "$W/passwd.old")" "$uid" "$gid" "$long_home" | \
    as_user tee -a "$W/passwd" >/dev/null   # as an older postern-passwd wrote it
checkpass gina oldpw ''
expect_eq "a line over 4096 bytes is no entry for checkpass" 1 "$status"
expect_grep "log: reason=too-long" '^postern-checkpass: password-file-bad-line file=.*/passwd line=[0-9]+ reason=too-long$' "$T/log"
as_user "$BIN/postern-passwd" -r "$W/passwd" gina 2>"$T/passwd.log"
expect_eq "nor for postern-passwd: -r says there is no such user (exit 1)" 1 "$?"
expect_grep "and names the line it cannot read" '^postern-passwd: password-file-bad-line file=.*/passwd line=[0-9]+ reason=too-long$' "$T/passwd.log"
printf 'ginapw\n' | as_user "$BIN/postern-passwd" -u "$uid" -g "$gid" -d "$W/home-alice" "$W/passwd" gina 2>>"$T/log"
checkpass gina ginapw ''
expect_eq "a new entry for that name is the one that logs in" 0 "$status"
checkpass gina oldpw ''
expect_eq "the long line's password does not" 1 "$status"

# postern-passwd changes and removes
as_user chmod 400 "$W/passwd"
printf 'newsecret\n' | as_user "$BIN/postern-passwd" "$W/passwd" alice 2>>"$T/log"
expect_eq "postern-passwd: a change keeps the file's mode" "400" "$(stat -c %a "$W/passwd")"
expect_grep "postern-passwd: a change keeps uid, gid and home, and drops the APOP secret without -a" \
    "^alice:\\\$[^:]+::$uid:$gid:$W/home-alice\$" "$W/passwd"
expect_grep "postern-passwd: the broken line is kept as it was" '^this line is broken$' "$W/passwd"
checkpass alice newsecret ''
expect_eq "the new password works" 0 "$status"
checkpass alice secret ''
expect_eq "the old password does not" 1 "$status"
as_user "$BIN/postern-passwd" -r "$W/passwd" carol 2>>"$T/log"
check "postern-passwd -r removes the entry, and only it" \
    bash -c "grep -q '^alice:' '$W/passwd' && ! grep -q '^carol:' '$W/passwd'"
as_user "$BIN/postern-passwd" -r "$W/passwd" carol 2>/dev/null
expect_eq "postern-passwd -r of a missing user: exit 1" 1 "$?"
check "no temporary file is left" test ! -e "$W/passwd.tmp"
printf 'secret\n' | as_user "$BIN/postern-passwd" -a "$W/passwd" alice 2>>"$T/log"
as_user chmod 600 "$W/passwd"

# The whole chain from a shell pipe: postern-popup, postern-checkpass, postern-pop3d
chain() {
    printf "$1" | as_user timeout 10 "$BIN/postern-popup" mail.example.com "$BIN/postern-checkpass" \
        "$BIN/postern-pop3d" Maildir >"$T/out" 2>>"$T/log"
}
chain 'USER alice\r\nPASS secret\r\nSTAT\r\nQUIT\r\n'
expect_eq "the whole chain from a shell pipe: USER alice / PASS secret / STAT / QUIT" "+OK POP3 ready
+OK send PASS
+OK maildrop has 2 messages (42 octets)
+OK 2 42
+OK bye" "$(answers)"
chain 'CAPA\r\nUSER alice\r\nPASS secret\r\nCAPA\r\nQUIT\r\n'
expect_eq "CAPA in both states: popup's before login, pop3d's after" "+OK POP3 ready
+OK capability list follows
USER
SASL PLAIN
TOP
UIDL
PIPELINING
RESP-CODES
AUTH-RESP-CODE
IMPLEMENTATION postern
.
+OK send PASS
+OK maildrop has 2 messages (42 octets)
+OK capability list follows
TOP
UIDL
PIPELINING
RESP-CODES
AUTH-RESP-CODE
USER
IMPLEMENTATION postern
.
+OK bye" "$(answers)"
chain "AUTH PLAIN $(printf '\0alice\0secret' | base64)\\r\\nLIST\\r\\nQUIT\\r\\n"
expect_eq "AUTH PLAIN through the chain, LIST pipelined behind it" "+OK POP3 ready
+OK maildrop has 2 messages (42 octets)
+OK 2 messages (42 octets)
1 21
2 21
.
+OK bye" "$(answers)"
chain 'USER alice\r\nPASS wrong\r\nUSER alice\r\nPASS secret\r\nSTAT\r\nQUIT\r\n'
expect_grep "a wrong password, then the right one, through the chain" '^\+OK 2 42$' <(answers)
check "the wrong attempt was answered -ERR [AUTH]" grep -q '^-ERR \[AUTH\] authentication failed$' <(answers)
as_user timeout 20 python3 "$H/socket_session.py" 'USER alice\r\nPASS secret\r\nSTAT\r\nLIST\r\nQUIT\r\n' -- \
    "$BIN/postern-popup" mail.example.com "$BIN/postern-checkpass" "$BIN/postern-pop3d" Maildir >"$T/out" 2>>"$T/log"
expect_eq "the chain through a socketpair, all in one write" "+OK POP3 ready
+OK send PASS
+OK maildrop has 2 messages (42 octets)
+OK 2 42
+OK 2 messages (42 octets)
1 21
2 21
.
+OK bye" "$(answers)"

coproc POP { POSTERN_APOP=1 as_user timeout 10 "$BIN/postern-popup" mail.example.com "$BIN/postern-checkpass" \
    "$BIN/postern-pop3d" Maildir 2>>"$T/log"; }
pop_pid=$POP_PID
IFS= read -r greeting <&"${POP[0]}"
stamp=$(grep -o '<[^>]*>' <<<"$greeting")
printf 'APOP alice %s\r\nSTAT\r\nQUIT\r\n' "$(printf '%s%s' "$stamp" secret | md5sum | cut -c1-32)" >&"${POP[1]}"
timeout 10 cat <&"${POP[0]}" >"$T/out"
wait "$pop_pid" 2>/dev/null
expect_eq "APOP through the chain" "+OK maildrop has 2 messages (42 octets)
+OK 2 42
+OK bye" "$(answers)"

# No timing oracle: an unknown user and a wrong password take the same time
# elapsed_ms USER PASSWORD: the milliseconds a refused login takes; the answers in $T/out.USER.
elapsed_ms() {
    local begin=$(date +%s%N)
    POSTERN_FAIL_DELAY=500 chain "USER $1\\r\\nPASS $2\\r\\nQUIT\\r\\n"
    echo $(( ($(date +%s%N) - begin) / 1000000 ))
    cp "$T/out" "$T/out.$1"
}
unknown=$(elapsed_ms nosuchuser secret)
wrong=$(elapsed_ms alice wrong)
# A session that hung as long would pass the timing alone: both were refused.
check "both of those logins were refused -ERR [AUTH]" bash -c "
    grep -q '^-ERR \[AUTH\] authentication failed' '$T/out.nosuchuser' &&
        grep -q '^-ERR \[AUTH\] authentication failed' '$T/out.alice'"
difference=$(( unknown > wrong ? unknown - wrong : wrong - unknown ))
check "unknown user (${unknown} ms) and wrong password (${wrong} ms) both wait POSTERN_FAIL_DELAY" \
    test "$unknown" -ge 500 -a "$wrong" -ge 500
check "and differ by less than 150 ms (${difference} ms)" test "$difference" -lt 150

# A mail-only entry (no uid, gid, home) for the user checkpass runs as: the
# system account's lock and expiry are in /etc/shadow, which a checkpass that
# is not root cannot read (getspnam then answers as for no entry at all), so
# by default the login fails temporarily instead of passing unchecked.
me=$(as_user id -un)
printf 'm4ilpw\n' | as_user "$BIN/postern-passwd" "$W/passwd" "$me" 2>>"$T/log"
checkpass "$me" m4ilpw ''
if as_user test -r /etc/shadow; then
    check "a mail-only entry, with /etc/shadow readable by this user: the lock and expiry are checked (0 or 1, not 111)" \
        test "$status" = 0 -o "$status" = 1
else
    expect_eq "a mail-only entry for a system account, shadow unreadable: exit 111, the program does not run" "111 no" \
        "$status $(test -e "$W/standin" && echo yes || echo no)"
    expect_grep "log: temporary-failure step=getspnam reason=shadow-unreadable" \
        "^postern-checkpass: temporary-failure user=$me remote=192\\.0\\.2\\.7 step=getspnam reason=shadow-unreadable\$" "$T/log"
fi
POSTERN_SYSTEM_LOCK=0 checkpass "$me" m4ilpw ''
expect_eq "POSTERN_SYSTEM_LOCK=0: the entry's password alone decides" "0|+OK stand-in" "$status|$(head -n 1 "$T/out" | tr -d '\r')"

check "no password ever reaches the log" bash -c "! grep -E 'secret|wrong|c4rolpw|d4vepw|oldpw|newpw|thirdpw|longpw|ginapw|m4ilpw' '$T/log'"
