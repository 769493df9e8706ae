#!/bin/sh
# Installs the Debian packages in bench/deps.txt that are missing. Root only.
# Package scripts must not start a system-wide Dovecot listening on port 110:
# while installing, a policy-rc.d that forbids starting services is put in place
# (only when there is none; the one put in place is removed afterwards).
cd "$(dirname "$0")" || exit 1
missing=
for pkg in $(sed 's/#.*//' deps.txt); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "bench: must run as root to install:$missing" >&2
    exit 1
fi
policy=/usr/sbin/policy-rc.d
ours=
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && ours=1
fi
echo "bench: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $missing >&2
status=$?
[ -n "$ours" ] && rm -f "$policy"
if [ "$status" != 0 ]; then
    echo "bench: apt-get could not install:$missing" >&2
    exit 1
fi
