#!/bin/bash
# PROG -V, with -V as the only argument, prints "PROG VERSION" (lib/version.hpp's)
# and exits 0, for each of the five programs; any other command line keeps its
# meaning: a Maildir named ./-V is served, -V among other words is no version.
. "$(dirname "$0")/lib.sh"
root=$(cd "$E2E/../.." && pwd)
version=$(sed -n 's/^inline constexpr std::string_view version = "\(.*\)";$/\1/p' "$root/lib/version.hpp")
check "lib/version.hpp names a version" test -n "$version"
for p in postern-tcpserver postern-popup postern-checkpass postern-passwd postern-pop3d; do
    out=$("$BIN/$p" -V 2>"$T/err" </dev/null 3</dev/null); status=$?
    expect_eq "$p -V prints its name and the version, exit 0" "$p $version 0" "$out $status"
    expect_eq "$p -V writes nothing on stderr" "" "$(cat "$T/err")"
done
out=$(printf 'QUIT\r\n' | "$BIN/postern-popup" -V /bin/true 2>"$T/err" | tr -d '\r'); status=$?
expect_eq "postern-popup -V PROG greets and serves, -V being its host name" "+OK 0" "$(printf '%s' "$out" | head -n 1 | cut -c1-3) $status"
out=$("$BIN/postern-tcpserver" -V 127.0.0.1 0 /bin/true 2>"$T/err"); status=$?
expect_eq "postern-tcpserver -V with other words: an unknown option, exit 2" 2 "$status"
expect_grep "and said so" 'unknown-option--V|unknown option -V' "$T/err"
out=$("$BIN/postern-passwd" -V "$T/passwd" someone 2>"$T/err" </dev/null); status=$?
expect_eq "postern-passwd -V FILE USER: an unknown option, exit 2" 2 "$status"
check "and no file was written" test ! -e "$T/passwd"
if [ "$(id -u)" != 0 ]; then
    mkdir -p "$T/home" && make_maildir "$T/home/-V"
    printf 'x\n' >"$T/home/-V/new/1.M1P1.host"
    out=$(cd "$T/home" && printf 'STAT\r\nQUIT\r\n' | "$BIN/postern-pop3d" ./-V 2>"$T/err" | tr -d '\r' | head -n 1)
    expect_eq "postern-pop3d ./-V serves the Maildir named -V" "+OK maildrop has 1 messages (3 octets)" "$out"
else
    mkdir -p "$T/home" && make_maildir "$T/home/-V" && printf 'x\n' >"$T/home/-V/new/1.M1P1.host"
    chown -R nobody "$T/home"
    out=$(cd "$T/home" && printf 'STAT\r\nQUIT\r\n' | setpriv --reuid=nobody --regid=nogroup --clear-groups \
        env USER=nobody "$BIN/postern-pop3d" ./-V 2>"$T/err" | tr -d '\r' | head -n 1)
    expect_eq "postern-pop3d ./-V serves the Maildir named -V" "+OK maildrop has 1 messages (3 octets)" "$out"
fi
