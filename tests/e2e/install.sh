#!/bin/bash
# make install: binaries and man pages under DESTDIR/PREFIX, postern-popup's chroot
# folder when missing, and nothing else.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
make -s -C "$root" install DESTDIR="$T/dest" PREFIX=/opt/postern BUILD="${BUILD_DIR:-$(dirname "$BIN")}" >"$T/log" 2>&1
status=$?
check "make install succeeds" test "$status" = 0 -a -x "$T/dest/opt/postern/bin/postern-pop3d"
check "man pages go to share/man/manN" test -f "$T/dest/opt/postern/share/man/man8/postern-pop3d.8"
expect_eq "only bin/ and share/man/ are written" "bin share" "$(ls "$T/dest/opt/postern" | paste -sd' ')"
expect_eq "nothing outside PREFIX but postern-popup's chroot folder" "opt var" "$(ls "$T/dest" | paste -sd' ')"
expect_eq "the chroot folder is empty, mode 755" "755 0" \
    "$(stat -c %a "$T/dest/var/empty") $(ls -A "$T/dest/var/empty" | wc -l)"
if [ "$(id -u)" = 0 ]; then
    expect_eq "and root's" root "$(stat -c %U "$T/dest/var/empty")"
fi
mkdir -p "$T/dest2/var/empty" && chmod 711 "$T/dest2/var/empty" && touch "$T/dest2/var/empty/kept"
make -s -C "$root" install DESTDIR="$T/dest2" PREFIX=/opt/postern BUILD="${BUILD_DIR:-$(dirname "$BIN")}" >"$T/log2" 2>&1
expect_eq "an existing chroot folder is left as it is" "711 kept" \
    "$(stat -c %a "$T/dest2/var/empty") $(ls -A "$T/dest2/var/empty")"
# No warnings from a man that rendered nothing prove nothing: the page's NAME line must come out.
for page in "$root"/man/*.[1-8]; do
    name=$(basename "$page"); name=${name%.[1-8]}
    if out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >"$T/rendered") && [ -z "$out" ] &&
        grep -qE "^ +$name +- " "$T/rendered"; then
        ok "man page $(basename "$page") renders without warnings"
    else
        fail "man page $(basename "$page") renders without warnings" "$out" "$(head -n 5 "$T/rendered")"
    fi
done
