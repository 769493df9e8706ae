#!/bin/sh
# Installs the Debian packages in tests/deps.txt that are missing (as root only).
cd "$(dirname "$0")" || exit 1
missing=
for pkg in $(sed 's/#.*//' deps.txt); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "tests: not root, so not installing:$missing (tests that need them are skipped)" >&2
    exit 0
fi
echo "tests: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $missing >&2 || {
    echo "tests: apt-get could not install:$missing" >&2
    exit 1
}
