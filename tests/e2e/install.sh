#!/bin/bash
# make install: binaries and man pages under DESTDIR/PREFIX, and nothing else.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
make -s -C "$root" install DESTDIR="$T/dest" PREFIX=/opt/postern BUILD="${BUILD_DIR:-$(dirname "$BIN")}" >"$T/log" 2>&1
status=$?
check "make install succeeds" test "$status" = 0 -a -x "$T/dest/opt/postern/bin/postern-pop3d"
check "man pages go to share/man/manN" test -f "$T/dest/opt/postern/share/man/man8/postern-pop3d.8"
expect_eq "only bin/ and share/man/ are written" "bin share" "$(ls "$T/dest/opt/postern" | paste -sd' ')"
expect_eq "nothing outside PREFIX" "opt" "$(ls "$T/dest")"
for page in "$root"/man/*.[1-8]; do
    if out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) && [ -z "$out" ]; then
        ok "man page $(basename "$page") renders without warnings"
    else
        fail "man page $(basename "$page") renders without warnings" "$out"
    fi
done
