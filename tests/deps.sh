#!/bin/sh
# usage: tests/deps.sh [LIST]: installs the Debian packages named in LIST
# (default tests/deps.txt, one a line) that are missing. As root only; anyone
# else is told what is missing (the tests that need it are then skipped).
# Packages must not start system-wide services (haproxy, stunnel, fail2ban,
# Dovecot): while installing, a policy-rc.d that forbids starting them is put
# in place (only when there is none; the one put in place is removed afterwards).
list=${1:-$(dirname "$0")/deps.txt}
missing=
for pkg in $(sed 's/#.*//' "$list"); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "not root, so not installing:$missing" >&2
    exit 0
fi
policy=/usr/sbin/policy-rc.d
ours=
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && ours=1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $missing >&2
status=$?
[ -n "$ours" ] && rm -f "$policy"
if [ "$status" != 0 ]; then
    echo "apt-get could not install:$missing" >&2
    exit 1
fi
