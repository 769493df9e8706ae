#!/bin/bash
# courier_pop3.sh COURIER ETC PORT LOG: Courier's POP3 server on 127.0.0.1:PORT,
# chained as Courier's own start script chains it (couriertcpd, then
# courierpop3login, which asks authdaemond over its socket, then courierpop3d
# as the user), with authdaemond (the installed courier-authdaemon) started
# first. Both log to LOG; both stop on SIGTERM.
#
# Run it as root under `unshare -m --propagation private`: authdaemond reads
# /etc/courier/authdaemonrc and listens on /run/courier/authdaemon/socket,
# where courierpop3login (libcourierauth) connects, and neither path can be
# changed but at build time. So, in this mount namespace only, ETC (an
# authdaemonrc and a userdb of the test's) is mounted on /etc/courier and an
# empty tmpfs on /run: the system's Courier files and sockets stay untouched.
# COURIER is where courier-base and courier-pop were unpacked with dpkg -x.
set -u
courier=$1 etc=$2 port=$3 log=$4
mount --bind "$etc" /etc/courier || exit 111
mount -t tmpfs -o mode=755 postern-courier /run || exit 111
mkdir -p /run/courier/authdaemon || exit 111

# authdaemond takes its settings from the environment as its start script
# sets them (authdaemonrc is a shell fragment); it stays in the foreground.
(set -a; . /etc/courier/authdaemonrc; exec /usr/lib/courier/courier-authlib/authdaemond) 2>>"$log" &
authd=$!
for _ in $(seq 50); do [ -S /run/courier/authdaemon/socket ] && break; sleep 0.1; done
[ -S /run/courier/authdaemon/socket ] || { echo "courier_pop3: authdaemond made no socket" >>"$log"; kill $authd; exit 111; }

# What /etc/courier/pop3d gives courierpop3login: no SASL mechanisms beyond
# USER/PASS, no proxying, no TLS.
env -i PATH=/usr/bin:/bin POP3AUTH= POP3_PROXY=0 \
    "$courier/usr/sbin/couriertcpd" -address=127.0.0.1 -nodnslookup -noidentlookup \
    -maxprocs=20 -maxperip=20 -stderr="$log" "$port" \
    "$courier/usr/lib/courier/courier/courierpop3login" \
    "$courier/usr/lib/courier/courier/courierpop3d" Maildir &
tcpd=$!
trap 'kill $tcpd $authd 2>/dev/null; wait; exit 0' TERM INT
wait -n
kill $tcpd $authd 2>/dev/null
wait
