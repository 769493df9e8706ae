#!/bin/bash
# postern-checkpass under a memory limit, as a classic run script sets one
# (softlimit -m from daemontools): a crypt(3) that cannot get its memory is
# a temporary failure (exit 111, -ERR [SYS/TEMP], a log line with the errno),
# never a wrong password; and the figures INSTALL gives for each hash
# scheme are enough for the whole chain to log in. Run as root, the script
# creates a user and runs everything as that user.
. "$(dirname "$0")/lib.sh"
need softlimit openssl setpriv
# AddressSanitizer reserves terabytes of address space at start, which no
# memory limit allows: a sanitizer build cannot run these checks at all
# (the unit tests check the crypt failure there, under a relative limit).
if ldd "$BIN/postern-checkpass" 2>/dev/null | grep -q libasan; then
    echo "# not under AddressSanitizer: it cannot start under an address-space limit"
    exit 0
fi
W=$T/w
mkdir -p "$W"
if [ "$(id -u)" = 0 ]; then
    need useradd userdel
    U=pstrn-tm$$
    useradd -M -N -s /bin/sh -d "$W/home" "$U" || { fail "useradd $U"; exit 1; }
    on_exit "userdel '$U' 2>/dev/null"
    as_user() { setpriv --reuid="$U" --regid="$(id -g "$U")" --clear-groups -- "$@"; }
else
    as_user() { "$@"; }
fi
unset POSTERN_SYSTEM_USERS POSTERN_MIN_UID POSTERN_ALLOW_ROOT POSTERN_APOP POSTERN_REQUIRE_TLS UCSPITLS SSLCTLFD
export TCPREMOTEIP=192.0.2.7 POSTERN_PASSWD_FILE=$W/passwd POSTERN_FAIL_DELAY=0
make_maildir "$W/home/Maildir"
printf 'Subject: a\n\nhello\n' >"$W/home/Maildir/new/1700000001.a.host"
[ "$(id -u)" = 0 ] && chown -R "$U" "$W"
uid=$(as_user id -u)
gid=$(as_user id -g)

# INSTALL's figures (softlimit -m): enough for yescrypt at Debian's default
# cost, and what the classic recipes copy, enough for SHA-512, bcrypt, MD5.
yescrypt_limit=25000000
classic_limit=5000000

# One virtual user per scheme, all mapped to the test user; password "secret".
printf 'secret\n' | as_user "$BIN/postern-passwd" -u "$uid" -g "$gid" -d "$W/home" "$W/passwd" yescrypt 2>>"$T/log"
default_scheme=$(sed -n 's/^yescrypt:\$\([^$]*\)\$.*/\1/p' "$W/passwd")
{
    echo "sha512:$(openssl passwd -6 secret)::$uid:$gid:$W/home"
    echo "sha256:$(openssl passwd -5 secret)::$uid:$gid:$W/home"
    echo "bcrypt:\$2b\$05\$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a::$uid:$gid:$W/home"
    echo "md5:$(openssl passwd -1 secret)::$uid:$gid:$W/home"
} | as_user tee -a "$W/passwd" >/dev/null

# checkpass LIMIT USER PASSWORD: one checkpass run under softlimit -m LIMIT.
checkpass() {
    printf '%s\0%s\0\0' "$2" "$3" >"$W/input"
    as_user softlimit -m "$1" "$BIN/postern-checkpass" true 3<"$W/input" 2>"$T/last.log" </dev/null
    status=$?
    cat "$T/last.log" >>"$T/log"
}
# chain LIMIT USER: USER/PASS/STAT/QUIT through popup, checkpass and pop3d, all under the limit.
chain() {
    printf 'USER %s\r\nPASS secret\r\nSTAT\r\nQUIT\r\n' "$2" | as_user timeout 20 softlimit -m "$1" \
        "$BIN/postern-popup" mail.example.com "$BIN/postern-checkpass" "$BIN/postern-pop3d" Maildir \
        >"$T/out" 2>>"$T/log"
}

if [ "$default_scheme" != y ]; then
    skip "yescrypt under a memory limit" "the system's default scheme is not yescrypt"
else
    checkpass "$classic_limit" yescrypt secret
    expect_eq "yescrypt under softlimit -m $classic_limit, right password: exit 111, not 1" 111 "$status"
    expect_grep "log: temporary-failure step=crypt with the scheme and crypt's errno" \
        '^postern-checkpass: temporary-failure user=yescrypt remote=192\.0\.2\.7 step=crypt scheme=y error="[^"]+"$' "$T/last.log"
    check "and no bad-password refusal" bash -c "! grep -q 'reason=bad-password' '$T/last.log'"
    chain "$classic_limit" yescrypt
    expect_grep "the greeter answers -ERR [SYS/TEMP]" '^-ERR \[SYS/TEMP\]' <(answers)
    check "not -ERR [AUTH]" bash -c "! tr -d '\\r' <'$T/out' | grep -q '^-ERR \\[AUTH\\]'"
    chain "$yescrypt_limit" yescrypt
    expect_grep "yescrypt through the chain under INSTALL's softlimit -m $yescrypt_limit" '^\+OK 1 21$' <(answers)
fi

for scheme in sha512 sha256 bcrypt md5; do
    chain "$classic_limit" "$scheme"
    expect_grep "$scheme through the chain under softlimit -m $classic_limit" '^\+OK 1 21$' <(answers)
    checkpass "$classic_limit" "$scheme" wrong
    expect_eq "$scheme under softlimit -m $classic_limit, wrong password: still a refusal (exit 1)" 1 "$status"
done

# Unknown users are checked with the default scheme, for the time it takes:
# under a limit too small for it, they fail temporarily too (no oracle).
if [ "$default_scheme" = y ]; then
    checkpass "$classic_limit" nosuchuser secret
    expect_eq "an unknown user under a limit too small for the default scheme (yescrypt): exit 111" 111 "$status"
    expect_grep "log: step=crypt scheme=y" '^postern-checkpass: temporary-failure user=nosuchuser .*step=crypt scheme=y ' "$T/last.log"
fi
# An empty log would pass the absence alone: it must hold the wrong passwords' refusals.
check "no password ever reaches the log" \
    bash -c "grep -q '^postern-checkpass: login-refused user=md5 .*reason=bad-password' '$T/log' && ! grep -E 'secret|wrong' '$T/log'"
