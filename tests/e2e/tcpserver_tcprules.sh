#!/bin/bash
# A rules cdb made by Debian's tcprules, under Debian's tcpserver and under
# postern-tcpserver side by side, started alike: for each client address
# (127.0.0.0/8: each client binds its own source address) both allow or deny
# alike, and the program sees the same environment, ports and TCPCONNNUM
# aside. As root, again with host names (-h with -p and -P) from a DNS server
# of the test's own, in a network and mount namespace of their own: =host,
# =.suffix and = rules, and the paranoid check.
. "$(dirname "$0")/lib.sh"
need python3 tcpserver tcprules
TS=$BIN/postern-tcpserver

cat >"$T/env.sh" <<'SH'
#!/bin/sh
env | grep -vE '^(PWD|SHLVL|_)=' | sort
SH
chmod 755 "$T/env.sh"

# serve_both NAME OPTIONS...: tcpserver and postern-tcpserver, each with
# -1 OPTIONS 127.0.0.1 0 env.sh and only PATH in its environment; sets
# DJB_PORT and POSTERN_PORT, logs in $T/NAME.tcpserver.log and .postern.log.
serve_both() {
    local name=$1; shift
    start_listener "$name.tcpserver" env -i PATH=/usr/bin:/bin tcpserver -1 "$@" 127.0.0.1 0 "$T/env.sh"
    DJB_PID=$LISTENER_PID DJB_PORT=$LISTENER_PORT
    start_listener "$name.postern" env -i PATH=/usr/bin:/bin "$TS" -1 "$@" 127.0.0.1 0 "$T/env.sh"
    POSTERN_PID=$LISTENER_PID POSTERN_PORT=$LISTENER_PORT POSTERN_LOG=$T/$name.postern.log
}
stop_both() { stop_server "$DJB_PID"; stop_server "$POSTERN_PID"; }

# seen_by PORT ADDRESS: what the program printed for a client from ADDRESS,
# without the lines that differ by nature (ports, postern's TCPCONNNUM).
seen_by() { talk --source "$2" "$1" | grep -vE '^(TCPLOCALPORT|TCPREMOTEPORT|TCPCONNNUM)='; }

# denials ADDRESS: how many denies postern-tcpserver has logged for clients from ADDRESS.
denials() { grep -cE "^postern-tcpserver: deny pid=[0-9]+ remote=${1//./\\.} " "$POSTERN_LOG"; }
# denied_since ADDRESS COUNT: postern-tcpserver logs one more deny than COUNT
# (within 5 s): an empty answer is a deny only with it, not a dead server or program.
denied_since() {
    for _ in $(seq 50); do [ "$(denials "$1")" -gt "$2" ] && return 0; sleep 0.1; done
    return 1
}
# compare NAME ADDRESS...: each ADDRESS sees the same from both servers (both
# nothing only where postern-tcpserver logged the deny).
compare() {
    local name=$1 address before; shift
    for address in "$@"; do
        before=$(denials "$address")
        seen_by "$DJB_PORT" "$address" >"$T/seen.djb"
        seen_by "$POSTERN_PORT" "$address" >"$T/seen.postern"
        if cmp -s "$T/seen.djb" "$T/seen.postern" && { [ -s "$T/seen.postern" ] || denied_since "$address" "$before"; }; then
            ok "$name: $address as under tcpserver"
        else fail "$name: $address as under tcpserver" "$(diff "$T/seen.djb" "$T/seen.postern")" \
            "(postern-tcpserver's log:)" "$(tail -n 5 "$POSTERN_LOG")"; fi
    done
}
# rule_for PORT ADDRESS: RULE=... as the program saw it, "denied" when it did not
# run and postern-tcpserver logged the deny, or "no answer".
rule_for() {
    local seen before
    before=$(denials "$2")
    seen=$(seen_by "$1" "$2")
    if [ -n "$seen" ]; then echo "$seen" | grep '^RULE=' || echo "no rule"
    elif denied_since "$2" "$before"; then echo denied
    else echo "no answer"; fi
}

if [ "${1:-}" != --names ]; then
# --- addresses alone (-H): exact, ranges, prefixes, duplicates, the default --------
cat >"$T/rules.txt" <<'R'
127.0.0.2:deny
127.0.0.3:allow,RULE="exact",TCPREMOTEIP="spoofed"
127.0.0.10-12:allow,RULE="range"
127.0.0.20:allow,RULE="first"
127.0.0.20:deny
127.0.1.:allow,RULE="prefix3"
127.1.:deny
127.2.0.:allow,RULE="prefix3-in-2"
127.2.:allow,RULE="prefix2"
=localhost:allow,RULE="host"
alice@127.0.0.4:deny
127.0.0.4:allow,RULE="ip",QUOTE='single "quoted", comma',EMPTY=""
:allow,RULE="default"
R
tcprules "$T/rules.cdb" "$T/rules.tmp" <"$T/rules.txt" || fail "tcprules made the cdb"
addresses="127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.10 127.0.0.12 127.0.0.13 127.0.0.20 127.0.1.77
    127.1.5.5 127.2.0.9 127.2.9.9 127.3.0.1"
serve_both ips -v -R -H -l0 -x "$T/rules.cdb"
compare "-RH -l0 -x rules.cdb" $addresses
expect_eq "an exact key" "RULE=exact" "$(rule_for "$POSTERN_PORT" 127.0.0.3)"
expect_eq "a rule's variable overrides TCPREMOTEIP, as tcpserver's does" "TCPREMOTEIP=spoofed" \
    "$(seen_by "$POSTERN_PORT" 127.0.0.3 | grep ^TCPREMOTEIP=)"
expect_eq "a key tcprules made from a range" "RULE=range" "$(rule_for "$POSTERN_PORT" 127.0.0.12)"
expect_eq "a key written twice: the first line's" "RULE=first" "$(rule_for "$POSTERN_PORT" 127.0.0.20)"
expect_eq "the longest prefix first" "RULE=prefix3-in-2" "$(rule_for "$POSTERN_PORT" 127.2.0.9)"
expect_eq "a prefix that denies" denied "$(rule_for "$POSTERN_PORT" 127.1.5.5)"
expect_eq "without -h, =host rules never apply" "RULE=default" "$(rule_for "$POSTERN_PORT" 127.0.0.1)"
expect_eq "without IDENT, info@ rules never apply" "RULE=ip" "$(rule_for "$POSTERN_PORT" 127.0.0.4)"
expect_grep "the log says the info@ key cannot apply here" \
    '^postern-tcpserver: rules-unused file=.*rules\.cdb keys=1 reason=no-IDENT-lookups$' "$T/ips.postern.log"
expect_grep "nor the =host key without -h" \
    '^postern-tcpserver: rules-unused file=.*rules\.cdb keys=1 reason=host-names-need--h$' "$T/ips.postern.log"
expect_grep "a deny is logged with its key" '^postern-tcpserver: deny pid=[0-9]+ remote=127\.1\.5\.5 key=127\.1\.$' \
    "$T/ips.postern.log"

# tcprules replaces the file while both run: each reads it again for the next client.
printf '127.0.0.2:allow,RULE="changed"\n:deny\n' | tcprules "$T/rules.cdb" "$T/rules.tmp"
compare "after tcprules ran again" 127.0.0.2 127.0.0.3
expect_eq "the new cdb applies to the next client, no signal needed" "RULE=changed" \
    "$(rule_for "$POSTERN_PORT" 127.0.0.2)"
expect_grep "and its loading is logged" '^postern-tcpserver: rules-loaded file=.*rules\.cdb rules=2 format=cdb$' \
    "$T/ips.postern.log"
stop_both

# IDENT asked for (tcpserver finds nobody on 127.0.0.1:113), and a cdb that denies by default.
serve_both ident -r -H -l0 -x "$T/rules.cdb"
compare "-r -H -l0 (IDENT asked for)" 127.0.0.2 127.0.0.5
expect_grep "the default key's deny is logged as key=-" '^postern-tcpserver: deny pid=[0-9]+ remote=127\.0\.0\.5 key=-$' \
    "$T/ident.postern.log"
expect_grep "postern-tcpserver says it does no IDENT" '^postern-tcpserver: ignored option=-r reason=no-IDENT-lookups$' \
    "$T/ident.postern.log"
stop_both

serve_both missing -R -H -l0 -X -x "$T/no-such.cdb"
compare "-X with no rules file" 127.0.0.2 127.0.0.9
expect_grep "the missing file is logged" '^postern-tcpserver: rules-missing file=.*no-such\.cdb$' "$T/missing.postern.log"
stop_both

# --- host names from a DNS server of the test's own ------------------------------------
if [ "$(id -u)" != 0 ]; then
    skip "host names under both servers" "needs root for a network and mount namespace"
    exit 0
fi
need unshare ip
unshare -n -m bash "$0" --names
status=$?
[ $status = 0 ] || fail "the namespace for host names could be made and run (status $status)"
exit 0
fi

# --- (in a network and mount namespace) ------------------------------------------------
# The namespace's own resolver files: names from tiny_dns.py on 127.0.0.1:53,
# for glibc (postern-tcpserver) and djb's resolver (tcpserver) alike; /etc/hosts
# holds localhost alone.
ip link set lo up || { fail "lo up in the namespace"; exit 0; }
printf 'nameserver 127.0.0.1\n' >"$T/resolv.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$T/hosts"
{ grep -v '^hosts:' /etc/nsswitch.conf; echo 'hosts: files dns'; } >"$T/nsswitch.conf"
for f in resolv.conf hosts nsswitch.conf; do
    mount --bind "$T/$f" "/etc/$f" || { fail "bind-mount /etc/$f in the namespace"; exit 0; }
done
cat >"$T/dns.table" <<'D'
PTR 1.0.0.127.in-addr.arpa localhost
A localhost 127.0.0.1
PTR 2.0.0.127.in-addr.arpa mail.example.org
A mail.example.org 127.0.0.2
PTR 3.0.0.127.in-addr.arpa liar.example.org
A liar.example.org 127.0.0.99
PTR 4.0.0.127.in-addr.arpa in-prefix.example.com
A in-prefix.example.com 127.0.0.4
PTR 6.0.0.127.in-addr.arpa trusted.example.net
A trusted.example.net 127.0.0.6
PTR 4.2.0.127.in-addr.arpa a.b.example.com
A a.b.example.com 127.0.2.4
PTR 5.2.0.127.in-addr.arpa other.example.net
A other.example.net 127.0.2.5
D
python3 "$E2E/helpers/tiny_dns.py" 127.0.0.1 53 "$T/dns.table" >"$T/dns.out" 2>&1 &
on_exit "kill $! 2>/dev/null"
for _ in $(seq 50); do grep -q ready "$T/dns.out" && break; sleep 0.1; done
check "the test's DNS server answers" bash -c "getent hosts 127.0.2.4 | grep -q a.b.example.com"

cat >"$T/names.txt" <<'R'
=mail.example.org:allow,RULE="host"
=liar.example.org:deny
127.0.0.6:allow,RULE="ip-before-host"
=trusted.example.net:deny
127.0.0.:allow,RULE="prefix"
=.example.com:allow,RULE="suffix"
=:allow,RULE="has-a-name"
:allow,RULE="default"
R
tcprules "$T/names.cdb" "$T/names.tmp" <"$T/names.txt" || fail "tcprules made the cdb"
clients="127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.6 127.0.2.4 127.0.2.5 127.0.2.7"

serve_both paranoid -R -h -p -x "$T/names.cdb"
compare "-R -h -p -x names.cdb" $clients
expect_eq "=host before the address's prefixes" "RULE=host" "$(rule_for "$POSTERN_PORT" 127.0.0.2)"
expect_eq "the address before =host" "RULE=ip-before-host" "$(rule_for "$POSTERN_PORT" 127.0.0.6)"
expect_eq "prefixes before =.suffix" "RULE=prefix" "$(rule_for "$POSTERN_PORT" 127.0.0.4)"
expect_eq "=.suffix" "RULE=suffix" "$(rule_for "$POSTERN_PORT" 127.0.2.4)"
expect_eq "= for any name" "RULE=has-a-name" "$(rule_for "$POSTERN_PORT" 127.0.2.5)"
expect_eq "no name: the default" "RULE=default" "$(rule_for "$POSTERN_PORT" 127.0.2.7)"
expect_eq "-p: a name that does not resolve back is dropped" "RULE=prefix" "$(rule_for "$POSTERN_PORT" 127.0.0.3)"
seen=$(seen_by "$POSTERN_PORT" 127.0.0.3)
expect_eq "-p: and TCPREMOTEHOST is unset (the program ran)" "RULE=prefix|" \
    "$(grep ^RULE= <<<"$seen")|$(grep ^TCPREMOTEHOST= <<<"$seen")"
expect_eq "-h: TCPREMOTEHOST and TCPLOCALHOST" "TCPLOCALHOST=localhost|TCPREMOTEHOST=a.b.example.com" \
    "$(seen_by "$POSTERN_PORT" 127.0.2.4 | grep -E '^TCP(LOCAL|REMOTE)HOST=' | paste -sd'|')"
stop_both

serve_both trusting -R -h -P -x "$T/names.cdb"
compare "-R -h -P -x names.cdb" $clients
expect_eq "-P: the name is taken as it is, and its rule applies" denied "$(rule_for "$POSTERN_PORT" 127.0.0.3)"
stop_both
