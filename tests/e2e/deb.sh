#!/bin/bash
# The Debian package, as root: `make deb` builds it with dpkg-buildpackage;
# lintian finds no error; `apt-get install ./postern_*.deb` brings in nothing
# else, makes the postern-net account and /var/lib/postern/empty, starts and
# enables no service; the installed programs serve a pipe session and a
# listener session (a real login, postern-passwd's file, a Maildir), with
# postern-popup's network side as postern-net in /var/lib/postern/empty by
# default; each prints the package's version for -V; `apt-get purge` leaves
# none of its files, the account or the folder. An account postern-net made
# before the package is used and kept. The machine is left as it was: the
# script refuses to start where postern is installed or its names are taken.
. "$(dirname "$0")/lib.sh"
need_root
. "$(dirname "$0")/chain.bash"
root=$(cd "$E2E/../.." && pwd)
H=$E2E/helpers
# As root nothing may be missing: a missing tool fails (tests/deps.sh installs them).
for c in dpkg-buildpackage dh lintian apt-get adduser deluser python3 setpriv pgrep; do
    command -v "$c" >/dev/null 2>&1 || { fail "deb: $c is missing (tests/deps.txt lists its package)"; exit 1; }
done
export DEBIAN_FRONTEND=noninteractive
# The packaged postern-popup must find its own defaults, not tests/run's folder.
unset POSTERN_POPUP_ROOT POSTERN_POPUP_USER

installed() { dpkg-query -W -f='${Status}' postern 2>/dev/null | grep -q 'install ok installed'; }
if dpkg-query -W -f='${Status}' postern 2>/dev/null | grep -qv 'not-installed'; then
    fail "deb: a postern package is already on this machine; the test would remove it" \
        "$(dpkg-query -W -f='${Status} ${Version}' postern)"
    exit 1
fi
if getent passwd postern-net >/dev/null || getent group postern-net >/dev/null || [ -e /var/lib/postern ]; then
    fail "deb: postern-net or /var/lib/postern exists already; the test would take them for the package's" \
        "$(getent passwd postern-net)" "$(ls -ld /var/lib/postern 2>&1)"
    exit 1
fi
# Whatever happens, nothing of the package stays.
cleanup_package() {
    installed && apt-get purge -y -qq postern >/dev/null 2>&1
    dpkg-query -W postern >/dev/null 2>&1 && dpkg --purge postern >/dev/null 2>&1
    getent passwd postern-net >/dev/null && userdel postern-net 2>/dev/null
    getent group postern-net >/dev/null && groupdel postern-net 2>/dev/null
    rm -rf /var/lib/postern
}
on_exit cleanup_package

# --- Build ---------------------------------------------------------------
start=$(date +%s)
make -s -C "$root" deb BUILD="$T/b" >"$T/build.log" 2>&1
status=$?
deb=$(ls "$T"/b/deb/postern_*.deb 2>/dev/null | head -n 1)
if [ "$status" != 0 ] || [ -z "$deb" ]; then
    fail "make deb builds postern_VERSION_ARCH.deb" "$(tail -n 30 "$T/build.log")"
    exit 1
fi
ok "make deb builds $(basename "$deb") in $(( $(date +%s) - start )) s"
tree_version=$(sed -n 's/^inline constexpr std::string_view version = "\(.*\)";$/\1/p' "$root/lib/version.hpp")
changelog_version=$(cd "$root" && dpkg-parsechangelog -S Version)
deb_version=$(dpkg-deb -f "$deb" Version)
expect_eq "the package's version is debian/changelog's and lib/version.hpp's" \
    "$tree_version $tree_version" "$changelog_version $deb_version"
expect_eq "the file is named postern_VERSION_ARCH.deb" "postern_${deb_version}_$(dpkg --print-architecture).deb" \
    "$(basename "$deb")"
expect_grep "it was built by dpkg-buildpackage with debhelper" '^ *dh_builddeb' "$T/build.log"
echo "# $(basename "$deb"): $(stat -c %s "$deb") bytes, Installed-Size $(dpkg-deb -f "$deb" Installed-Size) KiB"

lintian --fail-on error "$T"/b/deb/postern_*.changes >"$T/lintian.log" 2>&1
status=$?
sed 's/^/# lintian: /' "$T/lintian.log"
if [ "$status" = 0 ] && ! grep -q '^E: ' "$T/lintian.log"; then
    ok "lintian reports no error"
else
    fail "lintian reports no error" "$(cat "$T/lintian.log")"
fi

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$T/contents"
for f in /usr/bin/postern-tcpserver /usr/bin/postern-popup /usr/bin/postern-checkpass /usr/bin/postern-passwd \
    /usr/bin/postern-pop3d /usr/share/man/man7/postern.7.gz /usr/share/man/man1/postern-tcpserver.1.gz \
    /usr/share/man/man8/postern-popup.8.gz /usr/share/man/man8/postern-checkpass.8.gz \
    /usr/share/man/man8/postern-passwd.8.gz /usr/share/man/man8/postern-pop3d.8.gz \
    /usr/share/doc/postern/INSTALL.gz /usr/share/doc/postern/copyright \
    /usr/share/doc/postern/examples/service/pop3d/run /usr/share/doc/postern/examples/service/systemd/postern-pop3@.service \
    /var/lib/postern/empty/; do
    expect_grep "the package holds $f" "^$f\$" "$T/contents"
done
expect_eq "it holds nothing under /etc and no unit or init script to start" "" \
    "$(grep -E '^/(etc|lib/systemd|usr/lib/systemd)/' "$T/contents")"

# --- Install -------------------------------------------------------------
apt-get install -s "$deb" >"$T/simulate.log" 2>&1
expect_eq "apt-get install ./postern_*.deb brings in no other package" "postern" \
    "$(sed -n 's/^Inst \([^ ]*\) .*/\1/p' "$T/simulate.log" | paste -sd' ')"
if [ "$(sed -n 's/^Inst \([^ ]*\) .*/\1/p' "$T/simulate.log")" != postern ]; then
    fail "deb: not installing what would bring in other packages" "$(cat "$T/simulate.log")"
    exit 1
fi
(cd "$(dirname "$deb")" && apt-get install -y -qq "./$(basename "$deb")") >"$T/install.log" 2>&1
status=$?
if [ "$status" != 0 ] || ! installed; then
    fail "apt-get install ./$(basename "$deb")" "$(cat "$T/install.log")"
    exit 1
fi
ok "apt-get install ./$(basename "$deb")"
dpkg -L postern >"$T/files"
# The purge's checks below find these gone: they must have been there.
expect_grep "dpkg -L lists the package's files" '^/usr/bin/postern-pop3d$' "$T/files"
check "dpkg keeps the package's file list in /var/lib/dpkg/info" test -s /var/lib/dpkg/info/postern.list

entry=$(grep '^postern-net:' /etc/passwd)
IFS=: read -r _ _ net_uid net_gid net_comment net_home net_shell <<<"$entry"
check "postern-net is in /etc/passwd itself (postern-popup reads no NSS)" test -n "$entry"
check "with a uid and a gid other than 0" test "${net_uid:-0}" != 0 -a "${net_gid:-0}" != 0
expect_eq "a group of its own, no login, /var/lib/postern/empty for home" \
    "postern-net /usr/sbin/nologin /var/lib/postern/empty" \
    "$(getent group "${net_gid:-x}" | cut -d: -f1) $net_shell $net_home"
expect_eq "/var/lib/postern/empty: root's, mode 755, empty" "root root 755 0" \
    "$(stat -c '%U %G %a' /var/lib/postern/empty) $(ls -A /var/lib/postern/empty | wc -l)"
# A service started by the package would run the installed programs.
exes=$(for exe in /proc/[0-9]*/exe; do readlink "$exe" 2>/dev/null; done)
running=$(grep -c '^/usr/bin/postern-' <<<"$exes")
# This shell must be among the programs read: reading none would count none too.
expect_eq "no installed program is running: no service was started" "0 seen" \
    "$running $(grep -qxF "$(readlink /proc/$$/exe)" <<<"$exes" && echo seen)"
expect_eq "no unit, init script or service directory was enabled" "" \
    "$(ls /etc/systemd/system/*/postern* /etc/init.d/postern* /etc/service/*postern* /etc/rc?.d/*postern* 2>/dev/null)"

for p in postern-tcpserver postern-popup postern-checkpass postern-passwd postern-pop3d; do
    expect_eq "/usr/bin/$p -V prints the package's version" "$p $deb_version" \
        "$(/usr/bin/$p -V 2>&1 </dev/null 3</dev/null)"
done

# --- A pipe session ------------------------------------------------------
export FAKE_RECORD=$T/record TCPREMOTEIP=192.0.2.7 POSTERN_FAIL_DELAY=100
printf 'USER someone\r\nPASS secret\r\nSTAT\r\nQUIT\r\n' |
    /usr/bin/postern-popup e2e.example.org "$H/fake-checkpassword" "$H/stand-in-pop3d" >"$T/out" 2>"$T/pipe.log"
expect_eq "a pipe session: the greeting and USER's answer" "+OK +OK" "$(answers | sed -n '1,2p' | cut -c1-3 | paste -sd' ')"
expect_eq "then the login's +OK from the program after it, and its answers" \
    "+OK stand-in|+OK got STAT|+OK got QUIT" "$(answers | sed -n '3,$p' | paste -sd'|')"
expect_grep "as root it separated privileges with the package's defaults" \
    '^postern-popup: connect remote=192\.0\.2\.7 stls=no privsep=yes tls=no$' "$T/pipe.log"
expect_grep "and logged the login" '^postern-popup: login-ok user=someone remote=192\.0\.2\.7 ' "$T/pipe.log"
unset FAKE_RECORD TCPREMOTEIP

# --- A listener session --------------------------------------------------
# chain.bash's helpers, with the installed programs.
BIN=/usr/bin
make_mail_user || { fail "a mail user with a password from /usr/bin/postern-passwd"; exit 1; }
make_messages 3
fill_maildir
start_chain listener -c 4
check "postern-tcpserver listens on 127.0.0.1" test -n "$CHAIN_PORT"
talk --send '' --linger 3 --then 'QUIT\r\n' "$CHAIN_PORT" >"$T/held" &
talker=$!
for _ in $(seq 50); do child=$(pgrep -u postern-net -f "postern-popup $CHAIN_HOST" | head -n 1); [ -n "$child" ] && break; sleep 0.1; done
check "a held session's network child runs as postern-net" test -n "$child"
expect_eq "chrooted into /var/lib/postern/empty" /var/lib/postern/empty "$(readlink /proc/"${child:-0}"/root 2>/dev/null)"
wait "$talker"
talk --send "USER $MAIL_USER\r\nPASS wrong\r\n" "$CHAIN_PORT" >"$T/out"
expect_grep "a wrong password is refused" '^-ERR \[AUTH\]' <(answers)
talk --send "USER $MAIL_USER\r\nPASS $CHAIN_PASS\r\nSTAT\r\nRETR 1\r\nDELE 1\r\nQUIT\r\n" "$CHAIN_PORT" >"$T/out"
expect_grep "a real login (postern-checkpass, postern-passwd's file) reaches postern-pop3d" \
    '^\+OK maildrop has 3 messages' <(answers)
expect_grep "RETR sends the message" '^Subject: e2e message 1$' <(answers)
expect_grep "QUIT ends it" '^\+OK bye' <(answers)
expect_eq "DELE and QUIT removed one message from the Maildir" 2 "$(maildir_count)"
wait_log "$T/listener.log" '^postern-pop3d: end '
expect_grep "postern-checkpass logged the login as the mail user" \
    "^postern-checkpass: login-ok user=$MAIL_USER remote=127\\.0\\.0\\.1 uid=$(id -u "$MAIL_USER") source=passwd-file" "$T/listener.log"
stop_server "$CHAIN_PID"

# --- Purge ---------------------------------------------------------------
apt-get purge -y -qq postern >"$T/purge.log" 2>&1
status=$?
check "apt-get purge postern" test "$status" = 0
check "the package is gone from dpkg's database" sh -c '! dpkg-query -W postern >/dev/null 2>&1'
left=
while IFS= read -r path; do
    [ "$path" = /. ] && continue
    [ -e "$path" ] || [ -L "$path" ] || continue
    # A folder other packages hold too (/usr/bin, /usr/share/man/man8, ...) stays.
    [ -d "$path" ] && dpkg -S "$path" >/dev/null 2>&1 && continue
    left="$left $path"
done <"$T/files"
expect_eq "none of the files dpkg -L listed remains" "" "$left"
expect_eq "the account and its group are gone" "" "$(getent passwd postern-net; getent group postern-net)"
check "/var/lib/postern is gone" test ! -e /var/lib/postern
expect_eq "dpkg keeps no script of it" "" "$(ls /var/lib/dpkg/info/postern.* 2>/dev/null)"

# --- An account made before the package is the administrator's -----------
useradd --system --no-create-home --shell /usr/sbin/nologin postern-net
before=$(grep '^postern-net:' /etc/passwd)
check "an account postern-net made before the package" test -n "$before"
(cd "$(dirname "$deb")" && apt-get install -y -qq "./$(basename "$deb")") >"$T/install2.log" 2>&1
# The checks of the account and the folder mean something only if the package went in.
installed_with_folder() { installed && [ -d /var/lib/postern/empty ]; }
check "the package installs over it, with /var/lib/postern/empty" installed_with_folder
expect_eq "installed over an existing postern-net, the package leaves the account as it was" \
    "$before" "$(grep '^postern-net:' /etc/passwd)"
apt-get purge -y -qq postern >"$T/purge2.log" 2>&1
expect_eq "and purging keeps it" "$before" "$(grep '^postern-net:' /etc/passwd)"
check "while /var/lib/postern goes" test ! -e /var/lib/postern
userdel postern-net
