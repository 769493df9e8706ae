#!/bin/bash
# postern-checkpass as root, with system users this script creates and
# removes (names start with pstrn-t): crypt schemes, locked, expired and
# password-less accounts, passwords past their age, mail-only passwords of
# locked and expired accounts (and a checkpass that is not root, so cannot
# read shadow, checking them), root and the minimum uid, supplementary groups, a
# virtual user from the password file, and the uid, gid, groups, $HOME and
# working directory the next program really gets; then the whole chain.
. "$(dirname "$0")/lib.sh"
need_root
need useradd userdel groupadd groupdel usermod chpasswd chage passwd setpriv md5sum
W=$T/w
mkdir -p "$W"
cp -r "$(dirname "$0")/helpers" "$W/helpers"
chmod -R a+rX "$W"
H=$W/helpers
unset POSTERN_PASSWD_FILE POSTERN_SYSTEM_USERS POSTERN_MIN_UID POSTERN_ALLOW_ROOT POSTERN_APOP POSTERN_REQUIRE_TLS \
    UCSPITLS REMOTE_ADDR SSLCTLFD SSLREADFD SSLWRITEFD
mkdir -m 1777 "$W/rec"   # the stand-in writes its record as whichever user it runs as
export TCPREMOTEIP=192.0.2.7 STANDIN_RECORD=$W/rec/standin POSTERN_FAIL_DELAY=0

n=$$
G=pstrn-tg$n
groupadd "$G" || { fail "groupadd $G"; exit 1; }
on_exit "groupdel '$G' 2>/dev/null"
add_user() {  # add_user NAME: a user with its own group and a home with a Maildir under $W
    useradd -M -U -s /bin/sh -d "$W/home-$1" "$1" || { fail "useradd $1"; exit 1; }
    on_exit "userdel '$1' 2>/dev/null"
    mkdir -p "$W/home-$1/Maildir/new" "$W/home-$1/Maildir/cur" "$W/home-$1/Maildir/tmp"
    chown -R "$1:" "$W/home-$1"
}
A=pstrn-ta$n B=pstrn-tb$n C=pstrn-tc$n L=pstrn-tl$n E=pstrn-te$n N=pstrn-tn$n V=pstrn-tv$n
K=pstrn-tk$n X=pstrn-tx$n P=pstrn-tp$n F=pstrn-tf$n Q=pstrn-tq$n Y=pstrn-ty$n
for u in $A $B $C $L $E $N $V $K $X $P $F $Q $Y; do add_user "$u"; done
usermod -aG "$G" "$A"
printf '%s:secret\n' "$A" | chpasswd -c SHA512
printf 'secret\n' | "$BIN/postern-passwd" "$W/hashes" x 2>/dev/null   # the system's default scheme
usermod -p "$(sed -n 's/^x:\([^:]*\).*/\1/p' "$W/hashes")" "$B"
usermod -p '$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a' "$C"   # bcrypt of "secret"
printf '%s:secret\n' "$L" | chpasswd -c SHA512 && usermod -L "$L"
printf '%s:secret\n' "$E" | chpasswd -c SHA512 && usermod -e 1970-01-02 "$E"
usermod -p '' "$N"
printf 'Subject: a\n\nhello\n' >"$W/home-$A/Maildir/new/1700000001.a.host"
chown "$A:" "$W/home-$A/Maildir/new/1700000001.a.host"

# checkpass USER PASSWORD: one run as root, the stand-in records what it got.
checkpass() {
    rm -f "$STANDIN_RECORD"
    printf '%s\0%s\0\0' "$1" "$2" >"$W/input"
    timeout 10 "$BIN/postern-checkpass" "$H/stand-in-pop3d" 3<"$W/input" >"$T/out" 2>>"$T/log" </dev/null
    status=$?
}
record() { sed -n "s/^$1=//p" "$STANDIN_RECORD" 2>/dev/null; }

checkpass "$A" secret
expect_eq "SHA-512 system password: exit 0" 0 "$status"
expect_eq "the program runs with the user's uid" "$(id -u "$A")" "$(record uid)"
expect_eq "and the user's gid" "$(id -g "$A")" "$(record gid)"
expect_eq "and the supplementary groups from /etc/group (initgroups)" \
    "$(printf '%s\n' $(id -G "$A") | sort -n | paste -sd' ')" "$(printf '%s\n' $(record groups) | sort -n | paste -sd' ')"
check "the groups include $G" grep -qw "$(getent group "$G" | cut -d: -f3)" <<<"$(record groups)"
expect_eq "USER, HOME, SHELL and the working directory" "$A|$W/home-$A|/bin/sh|$W/home-$A" \
    "$(record USER)|$(record HOME)|$(record SHELL)|$(record cwd)"
expect_eq "root cannot be regained" no "$(record root-regained)"
checkpass "$B" secret
expect_eq "a hash in the system's default scheme ($(cut -c1-3 <<<"$(sed -n 's/^x:\([^:]*\).*/\1/p' "$W/hashes")")): exit 0" 0 "$status"
checkpass "$C" secret
expect_eq "bcrypt: exit 0" 0 "$status"
checkpass "$A" Secret
expect_eq "a wrong system password: exit 1" 1 "$status"
check "the program did not run" test ! -e "$STANDIN_RECORD"
checkpass "$L" secret
expect_eq "a locked account (usermod -L): exit 1" 1 "$status"
expect_grep "log: reason=locked" "^postern-checkpass: login-refused user=$L .*reason=locked\$" "$T/log"
checkpass "$E" secret
expect_eq "an expired account: exit 1" 1 "$status"
expect_grep "log: reason=expired" "^postern-checkpass: login-refused user=$E .*reason=expired\$" "$T/log"
checkpass "$N" ''
expect_eq "an account without a password, empty password given: exit 1" 1 "$status"
checkpass "$N" anything
expect_eq "an account without a password, any password: exit 1" 1 "$status"
S=pstrn-ts$n
add_user "$S"
printf '%s:secret\n' "$S" | chpasswd -c SHA512
checkpass "$S" secret
expect_eq "a fresh system password: exit 0" 0 "$status"
chage -d 0 "$S"
checkpass "$S" secret
expect_eq "a system password that must be changed (chage -d 0): refused, POP3 cannot change it" 1 "$status"
expect_grep "log: reason=password-expired" "^postern-checkpass: login-refused user=$S .*reason=password-expired\$" "$T/log"
chage -d "$(date -d '30 days ago' +%F)" -M 10 -I 5 "$S"
checkpass "$S" secret
expect_eq "older than its maximum age and past the inactivity period: refused" 1 "$status"
chage -d "$(date +%F)" -M 10 -I 5 "$S"
checkpass "$S" secret
expect_eq "changed today, within its maximum age: exit 0" 0 "$status"
checkpass pstrn-tnobody$n secret
expect_eq "a user that does not exist: exit 1" 1 "$status"
expect_grep "log: reason=unknown-user" "^postern-checkpass: login-refused user=pstrn-tnobody$n .*reason=unknown-user\$" "$T/log"
POSTERN_MIN_UID=$(( $(id -u "$A") + 1 )) checkpass "$A" secret
expect_eq "POSTERN_MIN_UID above the user's uid: exit 1" 1 "$status"
expect_grep "log: reason=uid-below-minimum" "^postern-checkpass: login-refused user=$A .*reason=uid-below-minimum\$" "$T/log"
POSTERN_SYSTEM_USERS=0 checkpass "$A" secret
expect_eq "POSTERN_SYSTEM_USERS=0: system users are not looked up" 1 "$status"

# The password file: virtual users, mail-only passwords, root
export POSTERN_PASSWD_FILE=$W/passwd
mkdir -p "$W/vhome"
chown "$V:" "$W/vhome"
printf 'secret\n' | "$BIN/postern-passwd" -a -u "$(id -u "$V")" -g "$(id -g "$V")" -d "$W/vhome" "$W/passwd" virtual 2>>"$T/log"
printf 'mailpw\n' | "$BIN/postern-passwd" "$W/passwd" "$A" 2>>"$T/log"
printf 'rootpw\n' | "$BIN/postern-passwd" -u 0 -g 0 -d "$W" "$W/passwd" rootish 2>>"$T/log"
expect_eq "the password file belongs to root, mode 0600" "root 600" "$(stat -c '%U %a' "$W/passwd")"
checkpass virtual secret
expect_eq "a virtual user: exit 0" 0 "$status"
expect_eq "a virtual user runs as the entry's uid and gid, with that gid as its only group" \
    "$(id -u "$V") $(id -g "$V") $(id -g "$V")" "$(record uid) $(record gid) $(record groups)"
expect_eq "a virtual user: USER is the virtual name, HOME and cwd the entry's home" "virtual|$W/vhome|$W/vhome" \
    "$(record USER)|$(record HOME)|$(record cwd)"
expect_eq "root cannot be regained by a virtual user" no "$(record root-regained)"
expect_grep "log: source=passwd-file" "^postern-checkpass: login-ok user=virtual remote=192\\.0\\.2\\.7 uid=$(id -u "$V") source=passwd-file method=password\$" "$T/log"
checkpass "$A" mailpw
expect_eq "a mail-only password for a system user: exit 0, as that user" "0 $(id -u "$A")" "$status $(record uid)"
check "with the system user's groups" grep -qw "$(getent group "$G" | cut -d: -f3)" <<<"$(record groups)"
checkpass "$A" secret
expect_eq "the file's entry wins: the system password no longer logs in" 1 "$status"

# A file entry for a system user obeys that account's lock and expiry
for u in $K $X $P; do printf '%s:syspw\n' "$u" | chpasswd -c SHA512; done
for u in $K $X $P $F; do printf 'mailpw\n' | "$BIN/postern-passwd" "$W/passwd" "$u" 2>>"$T/log"; done
checkpass "$K" mailpw
expect_eq "a mail-only password for an unlocked account: exit 0" 0 "$status"
usermod -L "$K"
checkpass "$K" mailpw
expect_eq "the account locked with usermod -L: the mail-only password is refused" 1 "$status"
expect_grep "log: reason=locked" "^postern-checkpass: login-refused user=$K .*reason=locked\$" "$T/log"
POSTERN_SYSTEM_LOCK=0 checkpass "$K" mailpw
expect_eq "POSTERN_SYSTEM_LOCK=0: the file's entry alone decides" 0 "$status"
usermod -U "$K"
checkpass "$K" mailpw
expect_eq "unlocked with usermod -U: exit 0 again" 0 "$status"
passwd -q -l "$K" >/dev/null 2>&1 || passwd -l "$K" >/dev/null
checkpass "$K" mailpw
expect_eq "locked with passwd -l: refused" 1 "$status"
checkpass "$K" syspw
expect_eq "and its system password is no way in either" 1 "$status"
chage -E 0 "$X"
checkpass "$X" mailpw
expect_eq "the account expired with chage -E 0: the mail-only password is refused" 1 "$status"
expect_grep "log: reason=expired" "^postern-checkpass: login-refused user=$X .*reason=expired\$" "$T/log"
chage -E "$(date -d tomorrow +%F)" "$X"
checkpass "$X" mailpw
expect_eq "an expiry date still to come: exit 0" 0 "$status"
checkpass "$F" mailpw
expect_eq "an account that never had a system password (useradd's bare '!'): the mail-only password works" 0 "$status"
chage -E 0 "$F"
checkpass "$F" mailpw
expect_eq "and such an account is shut with chage -E 0" 1 "$status"
chage -d 0 "$P"
checkpass "$P" mailpw
expect_eq "a system password that must be changed (chage -d 0) does not stop the mail-only one" 0 "$status"

# Not root, checkpass cannot read /etc/shadow, and Debian 12's getspnam then
# answers as for an account without an entry: a lock or an expiry it cannot
# see must not let the mail-only password in, nor be taken for a refusal.
# checkpass_as USER PASSWORD [SETPRIV OPTION]: one run as USER (its groups
# cleared, or as the option says), with a password file of its own.
checkpass_as() {
    rm -f "$STANDIN_RECORD"
    printf '%s\0%s\0\0' "$1" "$2" >"$W/input"
    POSTERN_PASSWD_FILE=$W/passwd-$1 timeout 10 setpriv --reuid="$1" --regid="$(id -g "$1")" "${3:---clear-groups}" -- \
        "$BIN/postern-checkpass" "$H/stand-in-pop3d" 3<"$W/input" >"$T/out" 2>>"$T/log" </dev/null
    status=$?
}
for u in $Q $Y; do
    printf '%s:syspw\n' "$u" | chpasswd -c SHA512
    printf 'mailpw\n' | "$BIN/postern-passwd" "$W/passwd" "$u" 2>>"$T/log"
    grep "^$u:" "$W/passwd" >"$W/passwd-$u" && chmod 600 "$W/passwd-$u" && chown "$u:" "$W/passwd-$u"
done
usermod -L "$Q"
chage -E 0 "$Y"
expect_eq "the user checkpass runs as here may not read /etc/shadow" unreadable \
    "$(setpriv --reuid="$Q" --regid="$Q" --clear-groups -- sh -c 'test -r /etc/shadow && echo readable || echo unreadable')"
checkpass_as "$Q" mailpw
expect_eq "not root, a mail-only password for a locked account: exit 111, the program does not run" "111 no" \
    "$status $(test -e "$STANDIN_RECORD" && echo yes || echo no)"
expect_grep "log: temporary-failure step=getspnam reason=shadow-unreadable" \
    "^postern-checkpass: temporary-failure user=$Q remote=192\\.0\\.2\\.7 step=getspnam reason=shadow-unreadable\$" "$T/log"
checkpass "$Q" mailpw
expect_eq "the same entry as root: the lock is seen and the login refused" 1 "$status"
expect_grep "log: reason=locked" "^postern-checkpass: login-refused user=$Q .*reason=locked\$" "$T/log"
checkpass_as "$Y" mailpw
expect_eq "not root, a mail-only password for an expired account (chage -E 0): exit 111" 111 "$status"
expect_grep "log: the same temporary failure" "^postern-checkpass: temporary-failure user=$Y .*step=getspnam reason=shadow-unreadable\$" "$T/log"
checkpass "$Y" mailpw
expect_eq "the same entry as root: refused, expired" 1 "$status"
expect_grep "log: reason=expired" "^postern-checkpass: login-refused user=$Y .*reason=expired\$" "$T/log"
POSTERN_SYSTEM_LOCK=0 checkpass_as "$Q" mailpw
expect_eq "not root with POSTERN_SYSTEM_LOCK=0: shadow is not needed, the file's entry alone decides" 0 "$status"
usermod -aG shadow "$Q"
checkpass_as "$Q" mailpw --init-groups
expect_eq "not root but in group shadow, which may read /etc/shadow: the lock is seen, refused" 1 "$status"
chage -E -1 "$Y"
printf '%s\0%s\0\0' "$Y" syspw >"$W/input"
POSTERN_PASSWD_FILE= timeout 10 setpriv --reuid="$Y" --regid="$(id -g "$Y")" --clear-groups -- \
    "$BIN/postern-checkpass" "$H/stand-in-pop3d" 3<"$W/input" >"$T/out" 2>"$T/one.log" </dev/null
expect_eq "not root, a system user's own system password: exit 111, not a refusal as locked" 111 "$?"
expect_grep "log: step=getspnam reason=shadow-unreadable" \
    "^postern-checkpass: temporary-failure user=$Y .*step=getspnam reason=shadow-unreadable\$" "$T/one.log"
cat "$T/one.log" >>"$T/log"

checkpass rootish rootpw
expect_eq "an entry mapped to uid 0 is refused" 1 "$status"
expect_grep "log: reason=root" '^postern-checkpass: login-refused user=rootish .*reason=root$' "$T/log"
POSTERN_ALLOW_ROOT=1 checkpass rootish rootpw
expect_eq "POSTERN_ALLOW_ROOT=1 lets it in as uid 0" "0 0" "$status $(record uid)"
chown "$A" "$W/passwd"
checkpass virtual secret
expect_eq "a password file owned by another user: exit 111" 111 "$status"
chown root "$W/passwd"
mkdir -p "$W/gone" && printf 'secret\n' | "$BIN/postern-passwd" -u "$(id -u "$V")" -g "$(id -g "$V")" -d "$W/gone/home" "$W/passwd" homeless 2>>"$T/log"
checkpass homeless secret
expect_eq "a home that does not exist: exit 111, the program does not run" "111 no" \
    "$status $(test -e "$STANDIN_RECORD" && echo yes || echo no)"
expect_grep "log: temporary-failure step=chdir" '^postern-checkpass: temporary-failure user=homeless .*step=chdir ' "$T/log"
unset POSTERN_PASSWD_FILE

# The whole chain as root: postern-popup, postern-checkpass, postern-pop3d as the user
chain() {
    printf "$1" | timeout 10 "$BIN/postern-popup" mail.example.com "$BIN/postern-checkpass" "$BIN/postern-pop3d" \
        Maildir >"$T/out" 2>>"$T/log"
}
chain "USER $A\\r\\nPASS secret\\r\\nSTAT\\r\\nQUIT\\r\\n"
expect_eq "the chain as root: pop3d serves $A's Maildir" "+OK POP3 ready
+OK send PASS
+OK maildrop has 1 messages (21 octets)
+OK 1 21
+OK bye" "$(answers)"
check "pop3d ran as $A: the message moved to cur/ belongs to $A" \
    test "$(stat -c %U "$W/home-$A"/Maildir/cur/1700000001.a.host*)" = "$A"
chain "USER $L\\r\\nPASS secret\\r\\nUSER pstrn-tnobody$n\\r\\nPASS secret\\r\\nUSER $A\\r\\nPASS nope\\r\\n"
expect_eq "locked, unknown and wrong: three -ERR [AUTH], then closed" "+OK POP3 ready
+OK send PASS
-ERR [AUTH] authentication failed
+OK send PASS
-ERR [AUTH] authentication failed
+OK send PASS
-ERR [AUTH] authentication failed; too many failures, closing" "$(answers)"
expect_grep "log for fail2ban: login-refused user=... remote=..." \
    "^postern-popup: login-refused user=pstrn-tnobody$n remote=192\\.0\\.2\\.7 mech=user attempt=2\$" "$T/log"
check "no password ever reaches the log" bash -c "! grep -E 'secret|mailpw|rootpw|nope|syspw' '$T/log'"
