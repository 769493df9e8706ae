#!/bin/bash
# Two postern nodes behind HAProxy on one Maildir store (INSTALL: "More than
# one machine"). Each node is a machine of its own: a network namespace with
# its own address (a veth pair to the root namespace) and its own mount, host
# name (UTS) and PID namespaces, in which the store is bind-mounted where the
# users' homes are; each runs postern-tcpserver -y and the chain. HAProxy on
# 127.0.0.1 sends PROXY v2 (with its SSL TLV) and checks each node for the
# greeting's +OK.
#  1. POSTERN_LOCK=1 on both nodes: a session on one node keeps its user out
#     on the other ([IN-USE]) but not another user; the lock goes with the
#     session's end and with its node's death; through HAProxy, no two sessions
#     of one user ever hold the maildrop at once.
#  2. Without the lock (the default): 20 clients for two users through HAProxy
#     while mail is delivered, with a lull in which nothing changes (so that
#     logins take postern-pop3d's cached listing), and node1 is killed
#     halfway (the checks are in helpers/cluster_load.py).
# Root only. Everything it makes (two users, the namespaces, veths and mounts,
# its files) it removes; it sends traffic only to 127.0.0.1 and to the
# addresses in its namespaces.
. "$(dirname "$0")/lib.sh"
need_root
for c in ip unshare haproxy python3 useradd userdel mount hostname; do
    command -v "$c" >/dev/null 2>&1 || { fail "cluster: $c is missing (tests/deps.sh installs it)"; exit 1; }
done
LOAD="$E2E/helpers/cluster_load.py"
# CLUSTER_KEEP=DIR: a copy of the test's files (logs, HAProxy's configuration) is left in DIR.
[ -n "${CLUSTER_KEEP:-}" ] && on_exit "rm -rf '$CLUSTER_KEEP'; cp -r '$T' '$CLUSTER_KEEP'"
PW='cluster s3cret'
DOMAIN=e2e.example.org
ID=$$

# Two /30s of a 198.18.x.0/24 that no interface or route here uses
# (198.18.0.0/15 is for benchmarks, RFC 2544).
net=
for i in $(seq 0 49); do
    x=$(((ID + i) % 250 + 1))
    ip -4 addr show | grep -q "inet 198\.18\.$x\." && continue
    ip -4 route show | grep -q "^198\.18\.$x\." && continue
    net=198.18.$x
    break
done
[ -n "$net" ] || { fail "cluster: a free 198.18.x.0/24 for the nodes' addresses"; exit 1; }

declare -a NS ADDR HOST
# kill_node N: SIGKILL every process in node N's network namespace (its PID
# namespace's init, postern-tcpserver, among them: the kernel ends the rest).
kill_node() {
    sh -c "$(kill_node_command "$1")"
}
kill_node_command() {
    printf 'kill -9 $(ip netns pids %s) 2>/dev/null; i=0
        while [ -n "$(ip netns pids %s 2>/dev/null)" ]; do [ $i -lt 500 ] || exit 1; i=$((i + 1)); sleep 0.01; done' \
        "${NS[$1]}" "${NS[$1]}"
}
for n in 1 2; do
    NS[n]=pstrn-$ID-node$n
    HOST[n]=node$n.$DOMAIN
    ip netns add "${NS[n]}" || { fail "cluster: ip netns add ${NS[n]}"; exit 1; }
    on_exit "ip netns del ${NS[n]} 2>/dev/null"
    on_exit "kill_node $n"
    veth=pc$ID-$n
    ip link add "$veth" type veth peer name eth0 netns "${NS[n]}" || { fail "cluster: a veth pair for node $n"; exit 1; }
    on_exit "ip link del $veth 2>/dev/null"
    ADDR[n]=$net.$((4 * n - 2))
    ip addr add "$net.$((4 * n - 3))/30" dev "$veth" && ip link set "$veth" up &&
        ip -n "${NS[n]}" addr add "${ADDR[n]}/30" dev eth0 && ip -n "${NS[n]}" link set eth0 up &&
        ip -n "${NS[n]}" link set lo up || { fail "cluster: node $n's addresses"; exit 1; }
done
# Two users whose homes are under $T/mnt, where each node mounts the store.
declare -a USERS
mkdir -m 755 "$T/store" "$T/mnt"
for u in 1 2; do
    USERS[u]=pstrn-cl$u-$ID
    useradd -M -d "$T/mnt/u$u" -s /usr/sbin/nologin -U "${USERS[u]}" || { fail "cluster: useradd ${USERS[u]}"; exit 1; }
    on_exit "userdel ${USERS[u]} 2>/dev/null"
    printf '%s\n' "$PW" | "$BIN/postern-passwd" -a "$T/passwd" "${USERS[u]}" 2>/dev/null ||
        { fail "cluster: a password for ${USERS[u]}"; exit 1; }
    make_maildir "$T/store/u$u/Maildir"
    chown -R "${USERS[u]}:" "$T/store/u$u"
    chmod 700 "$T/store/u$u"
done
export POSTERN_PASSWD_FILE=$T/passwd POSTERN_FAIL_DELAY=100 POSTERN_APOP=1

# start_node N [VAR=VALUE...]: node N's postern-tcpserver (the init of its PID
# namespace) on ADDR[N]:1110 with the chain; log in $T/nodeN.log.
start_node() {
    local n=$1
    shift
    : >"$T/node$n.port"
    ip netns exec "${NS[n]}" env "$@" \
        unshare --mount --uts --pid --fork --mount-proc --propagation private \
        sh -c 'hostname "$1" && mount --bind "$2" "$3" && shift 3 && exec "$@"' node \
        "${HOST[n]}" "$T/store" "$T/mnt" \
        "$BIN/postern-tcpserver" -1 -y -c 60 "${ADDR[n]}" 1110 \
        "$BIN/postern-popup" "${HOST[n]}" "$BIN/postern-checkpass" "$BIN/postern-pop3d" Maildir \
        >"$T/node$n.port" 2>>"$T/node$n.log" &
    disown $!  # killed at will: bash need not report it
    for _ in $(seq 50); do [ -s "$T/node$n.port" ] && return 0; sleep 0.1; done
    return 1
}

# HAProxy as INSTALL shows it, with short check intervals.
FRONT=$(free_port)
cat >"$T/haproxy.cfg" <<EOF
global
    log stdout format raw local0
    maxconn 500
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 2s
    timeout client 1m
    timeout server 1m
    timeout check 2s
    retries 2
    option redispatch 1
frontend pop3
    bind 127.0.0.1:$FRONT
    default_backend postern
backend postern
    balance leastconn
    option tcp-check
    tcp-check expect rstring ^\+OK
    default-server send-proxy-v2-ssl check-send-proxy check inter 300ms fall 2 rise 1 on-marked-down shutdown-sessions
    server node1 ${ADDR[1]}:1110
    server node2 ${ADDR[2]}:1110
EOF
check "the HAProxy configuration is valid" haproxy -c -q -f "$T/haproxy.cfg"

# nodes_checked N1 N2: node1 and node2 have answered N1 and N2 of HAProxy's
# health checks (PROXY v2 LOCAL: the peer is HAProxy's side of the veth).
nodes_checked() {
    wait_log "$T/node1.log" "^postern-popup: connect remote=$net\.1 " "$1" &&
        wait_log "$T/node2.log" "^postern-popup: connect remote=$net\.5 " "$2"
}
checks_answered() { grep -c "^postern-popup: connect remote=$net\.$2 " "$T/node$1.log"; }
login() { timeout 30 python3 "$LOAD" login "$@"; }

# --- 1. POSTERN_LOCK=1 across the two nodes --------------------------------
start_node 1 POSTERN_LOCK=1 && start_node 2 POSTERN_LOCK=1 || { fail "cluster: the nodes start" "$(cat "$T"/node*.log)"; exit 1; }
ok "two nodes listen, each in its namespaces, on ${ADDR[1]} and ${ADDR[2]}"
haproxy -db -f "$T/haproxy.cfg" >"$T/haproxy.log" 2>&1 &
hp=$!
on_exit "kill $hp 2>/dev/null"
check "HAProxy listens" wait_port "$FRONT"
check "HAProxy's health checks reach both nodes" nodes_checked 2 2

for u in 1 2; do
    for i in 1 2 3; do
        printf 'Subject: waiting %s\n\nbody\n' "$i" >"$T/store/u$u/Maildir/new/100000000$i.M1P1.mda"
    done
    chown -R "${USERS[u]}:" "$T/store/u$u/Maildir"
done
A1=${ADDR[1]}:1110 A2=${ADDR[2]}:1110 U1=${USERS[1]} U2=${USERS[2]}
login "$A1" "$U1" "$PW" --proxy-local --hold "$T/release" >"$T/hold.out" &
holder=$!
wait_log "$T/hold.out" '^login ' || true
expect_grep "a session of ${U1} on node1 holds the lock" '^login node1 \+OK ' "$T/hold.out"
expect_eq "a login of the same user on node2 meanwhile: -ERR [IN-USE]" \
    "login node2 -ERR [IN-USE] maildrop is in use by another session" "$(login "$A2" "$U1" "$PW" --proxy-local)"
expect_eq "and on node1 too" \
    "login node1 -ERR [IN-USE] maildrop is in use by another session" "$(login "$A1" "$U1" "$PW" --proxy-local)"
expect_grep "node2 logs the refusal as in-use" "^postern-pop3d: in-use user=$U1 .*step=lock" "$T/node2.log"
check "another user logs in on node2 meanwhile (the lock is one Maildir's)" \
    bash -c "python3 '$LOAD' login '$A2' '$U2' '$PW' --proxy-local | grep -q '^login node2 +OK '"
touch "$T/release"
timeout 20 tail --pid=$holder -f /dev/null
expect_grep "the holder's QUIT is answered +OK" '^quit \+OK' "$T/hold.out"
check "once it has quit, the user logs in on node2" \
    bash -c "python3 '$LOAD' login '$A2' '$U1' '$PW' --proxy-local | grep -q '^login node2 +OK '"

# A cached listing never hides what another node or the MDA changed. Once the
# directories have settled (2 s without a change), node1 lists them and writes
# postern-cache; node2 takes its listing from that file. Then the MDA delivers
# and node1 deletes; once that has settled too, node2 lists both changes.
uidls() { login "$1" "$U1" "$PW" --proxy-local --uidl | sed -n 's/^uidl [0-9]* //p'; }
cached_on_node2() { grep -c "^postern-pop3d: loaded user=$U1 .* listing=cache " "$T/node2.log"; }
sleep 2.5
before=$(uidls "$A1")
sleep 2.5
cached=$(cached_on_node2)
# Two empty listings would be equal too: node1's holds the three messages waiting.
expect_eq "node1 lists the three messages" 3 "$(grep -cxE '100000000[123]\.M1P1\.mda' <<<"$before")"
expect_eq "node2 lists what node1 listed" "$before" "$(uidls "$A2")"
check "and takes that listing from the cache node1 wrote" test "$(cached_on_node2)" -gt "$cached"
printf 'Subject: late\n\nbody\n' >"$T/store/u1/Maildir/tmp/1000000009.M9P9.mda"
chown "$U1:" "$T/store/u1/Maildir/tmp/1000000009.M9P9.mda"
mv "$T/store/u1/Maildir/tmp/1000000009.M9P9.mda" "$T/store/u1/Maildir/new/"
check "node1 deletes message 1" bash -c "python3 '$LOAD' login '$A1' '$U1' '$PW' --proxy-local --dele 1 | grep -q '^quit +OK'"
sleep 2.5
expect_eq "after both changes have settled, node2 lists the delivery and not the deletion" \
    "$(printf '%s\n' "$before" | tail -n +2; echo 1000000009.M9P9.mda)" "$(uidls "$A2")"

# Through HAProxy, under load (each session holds the maildrop up to about half a second).
find "$T/store/u1/Maildir" "$T/store/u2/Maildir" -type f -delete
timeout 120 python3 "$LOAD" load --front "$FRONT" --exclusive --clients 8 --seconds 5 --initial 5 --hold-ms 150 \
    --user "$U1:$PW:$T/store/u1/Maildir" --user "$U2:$PW:$T/store/u2/Maildir" >"$T/exclusive.out" 2>&1
status=$?
cat "$T/exclusive.out"
[ $status -eq 0 ] || grep -q '^not ok - ' "$T/exclusive.out" ||
    fail "cluster: the POSTERN_LOCK=1 load run ended with status $status"

# The lock dies with its node.
rm -f "$T/release"
login "$A1" "$U1" "$PW" --proxy-local --hold "$T/release" >"$T/hold2.out" &
holder=$!
wait_log "$T/hold2.out" '^login ' || true
expect_grep "a session on node1 holds the lock again" '^login node1 \+OK ' "$T/hold2.out"
check "node1 is killed (every process in its namespaces)" kill_node 1
expect_eq "at once, the user logs in on node2: a dead node's flock goes with its processes" \
    "+OK" "$(login "$A2" "$U1" "$PW" --proxy-local | sed -n 's/^login node2 \(+OK\) .*/\1/p')"
timeout 20 tail --pid=$holder -f /dev/null
expect_grep "the holder's connection was closed with its node" '^quit none connection closed' "$T/hold2.out"
check "HAProxy marks node1 down" wait_log "$T/haproxy.log" 'Server postern/node1 is DOWN'
kill_node 2
check "and node2, once it is killed too" wait_log "$T/haproxy.log" 'Server postern/node2 is DOWN'

# --- 2. Without the lock: 20 clients, deliveries, a node killed -------------
find "$T/store/u1/Maildir" "$T/store/u2/Maildir" -type f -delete
checks1=$(checks_answered 1 1) checks2=$(checks_answered 2 5)
start_node 1 && start_node 2 || { fail "cluster: the nodes start again" "$(tail -n 20 "$T"/node*.log)"; exit 1; }
both_up() { wait_log "$T/haproxy.log" 'Server postern/node1 is UP' && wait_log "$T/haproxy.log" 'Server postern/node2 is UP'; }
check "HAProxy marks both nodes up again" both_up
check "and checks both nodes" nodes_checked $((checks1 + 2)) $((checks2 + 2))
down_before=$(grep -c 'Server postern/node1 is DOWN' "$T/haproxy.log")
lines1=$(wc -l <"$T/node1.log") lines2=$(wc -l <"$T/node2.log")
start=$SECONDS
timeout 150 python3 "$LOAD" load --front "$FRONT" --clients 20 --seconds 17 --initial 30 --lull 2.5:6.5 \
    --kill-at 8.5 --kill-cmd "$(kill_node_command 1)" --killed-node node1 \
    --haproxy-log "$T/haproxy.log" --down-pattern 'Server postern/node1 is DOWN' --down-skip "$down_before" \
    --user "$U1:$PW:$T/store/u1/Maildir" --user "$U2:$PW:$T/store/u2/Maildir" >"$T/load.out" 2>&1
status=$?
cat "$T/load.out"
[ $status -eq 0 ] || grep -q '^not ok - ' "$T/load.out" || fail "cluster: the load run ended with status $status"
echo "# the load run took $((SECONDS - start)) s"

# tcplog's retries field is "+N" for a connection redispatched to another server.
redispatched=$(grep -cE ' [0-9]+/[0-9]+/[0-9]+/[0-9]+/\+[0-9]+ ' "$T/haproxy.log")
check "HAProxy sent the connections it first tried on the dead node to the other ($redispatched)" \
    test "$redispatched" -ge 1
cached=$({ tail -n +$((lines1 + 1)) "$T/node1.log"; tail -n +$((lines2 + 1)) "$T/node2.log"; } |
    grep -c '^postern-pop3d: loaded .* listing=cache ')
check "while the Maildirs were left alone, logins took the cache's listing ($cached)" test "$cached" -ge 1
sessions=$(cat "$T/node1.log" "$T/node2.log" | grep -c '^postern-pop3d: end ')
check "the nodes logged the sessions' ends ($sessions)" test "$sessions" -ge 100
check "no pop3d found its cache damaged, failed a delete, a flag or a move" \
    bash -c "! grep -E '^postern-pop3d: (cache-damaged|delete-failed|flag-failed|new-not-moved|sandbox-failed|maildrop-failed)' '$T/node1.log' '$T/node2.log'"
check "no connection from HAProxy was refused for a bad header" \
    bash -c "! grep -q 'proxy-bad' '$T/node1.log' '$T/node2.log'"
check "the nodes shared the Maildirs (each served both users)" bash -c "
    for n in 1 2; do for u in $U1 $U2; do grep -q \"^postern-pop3d: end user=\$u \" $T/node\$n.log || exit 1; done; done"
