#!/bin/sh
# usage: make.sh UCSPI_TCP_IPV6_DIR: makes the cdb files here again (see README),
# with ucspi-tcp's tcprules from PATH and ucspi-tcp-ipv6's from the unpacked .deb.
set -e
cd "$(dirname "$0")"
v6=${1:?usage: make.sh DIR-where-ucspi-tcp-ipv6.deb-is-unpacked}/usr/bin/tcprules
tcprules rules-v4.cdb rules.tmp <rules-v4.txt
"$v6" rules-v6.cdb rules.tmp <rules-v6.txt
tcprules empty.cdb rules.tmp </dev/null
i=0
while [ $i -lt 400 ]; do
    echo "10.$((i / 100)).$((i % 100)).$((i % 7)):allow,N=\"$i\""
    i=$((i + 1))
done | tcprules many.cdb rules.tmp
