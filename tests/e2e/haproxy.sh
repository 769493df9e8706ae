#!/bin/bash
# HAProxy in front of two postern nodes, from service/haproxy/haproxy.cfg with
# the addresses and the certificate replaced: POP3 and POP3S sessions from
# 127.0.0.2 succeed through both backends, each backend sees 127.0.0.2 (from
# the PROXY v2 header, not HAProxy's own address), and HAProxy's health checks
# (PROXY v2 LOCAL, then the greeting) keep both nodes up. HAProxy's SSL TLV
# (send-proxy-v2-ssl) makes the POP3S sessions count as TLS at postern.
. "$(dirname "$0")/lib.sh"
need python3 curl haproxy openssl setpriv
. "$(dirname "$0")/chain.bash"
root=$(cd "$E2E/../.." && pwd)
make_mail_user || { fail "a mail user for the tests"; exit 1; }
make_messages 3
fill_maildir

start_chain node1 -y -C 10
NODE1=$CHAIN_PORT
start_chain node2 -y -C 10
NODE2=$CHAIN_PORT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext 'subjectAltName=IP:127.0.0.1' -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
cat "$T/cert.pem" "$T/key.pem" >"$T/haproxy.pem"
FRONT=$(free_port)
FRONT_TLS=$(free_port)
sed -e "s|bind :110$|bind 127.0.0.1:$FRONT|" \
    -e "s|bind :995 ssl crt /etc/haproxy/certs/mail.example.com.pem|bind 127.0.0.1:$FRONT_TLS ssl crt $T/haproxy.pem|" \
    -e "s|192.0.2.11:1110|127.0.0.1:$NODE1|" -e "s|192.0.2.12:1110|127.0.0.1:$NODE2|" \
    -e "s|inter 10s|inter 1s|" \
    "$root/service/haproxy/haproxy.cfg" >"$T/haproxy.cfg"
check "the example configuration is valid" haproxy -c -q -f "$T/haproxy.cfg"
haproxy -db -f "$T/haproxy.cfg" >"$T/haproxy.log" 2>&1 &
hp=$!
on_exit "kill $hp 2>/dev/null"
check "HAProxy listens" wait_port "$FRONT"

ok_sessions=0
for i in 1 2 3 4 5 6; do
    timeout 20 curl -sS --interface 127.0.0.2 --user "$MAIL_USER:$CHAIN_PASS" "pop3://127.0.0.1:$FRONT/1" >"$T/got.$i" 2>&1 &&
        grep -q '^Subject: e2e message 1' "$T/got.$i" && ok_sessions=$((ok_sessions + 1))
done
expect_eq "6 POP3 sessions through HAProxy succeed" 6 "$ok_sessions"
ok_tls=0
for i in 1 2; do
    timeout 20 curl -sS --cacert "$T/cert.pem" --interface 127.0.0.2 --user "$MAIL_USER:$CHAIN_PASS" \
        "pop3s://127.0.0.1:$FRONT_TLS/2" >"$T/tls.$i" 2>&1 && grep -q '^Subject: e2e message 2' "$T/tls.$i" && ok_tls=$((ok_tls + 1))
done
expect_eq "POP3S sessions (TLS at HAProxy) succeed" 2 "$ok_tls"

for _ in $(seq 100); do
    [ "$(cat "$T/node1.log" "$T/node2.log" | grep -c "^postern-popup: login-ok user=$MAIL_USER remote=127\.0\.0\.2 ")" -ge 8 ] && break
    sleep 0.1
done
for node in node1 node2; do
    n=$(grep -cE '^postern-tcpserver: proxy pid=[0-9]+ remote=127\.0\.0\.2 port=[0-9]+ via=127\.0\.0\.1( tls=TLSv1\.[23])?$' "$T/$node.log")
    check "$node served sessions, and saw the client as 127.0.0.2 ($n)" test "$n" -ge 1
    expect_grep "$node logs the logins from 127.0.0.2" "^postern-popup: login-ok user=$MAIL_USER remote=127\.0\.0\.2 " "$T/$node.log"
done
total=$(cat "$T/node1.log" "$T/node2.log" | grep -c "^postern-popup: login-ok user=$MAIL_USER remote=127\.0\.0\.2 ")
expect_eq "every session reached a node as the client's" 8 "$total"
# send-proxy-v2-ssl: HAProxy's SSL TLV says which clients came over TLS.
logs=$(cat "$T/node1.log" "$T/node2.log")
expect_eq "the two POP3S sessions' PROXY headers carry the TLS version" 2 \
    "$(grep -cE '^postern-tcpserver: proxy pid=[0-9]+ remote=127\.0\.0\.2 port=[0-9]+ via=127\.0\.0\.1 tls=TLSv1\.[23]$' <<<"$logs")"
expect_eq "and postern-popup counts them as TLS ended by a terminator" 2 \
    "$(grep -cE '^postern-popup: connect remote=127\.0\.0\.2 stls=no privsep=(yes|no) tls=yes tls-by=terminator protocol=TLSv1\.[23]$' <<<"$logs")"
expect_eq "their logins say tls=yes, the six POP3 logins tls=no" "2 6" \
    "$(grep -cE "^postern-popup: login-ok user=$MAIL_USER remote=127\.0\.0\.2 mech=[a-z]+ tls=yes$" <<<"$logs") $(grep -cE "^postern-popup: login-ok user=$MAIL_USER remote=127\.0\.0\.2 mech=[a-z]+ tls=no$" <<<"$logs")"
sleep 2.5
expect_grep "the health checks (PROXY v2 LOCAL) get the greeting" '^postern-popup: connect remote=127\.0\.0\.1 ' "$T/node1.log"
# An empty log has no DOWN line either: it must hold the sessions HAProxy passed on (tcplog).
expect_grep "HAProxy logs the sessions it passed to the nodes" ' pop3s?~? postern/node[12] ' "$T/haproxy.log"
check "and no node is marked down" bash -c "! grep -q 'is DOWN' '$T/haproxy.log'"
check "no connection from HAProxy is refused for a bad header" bash -c "! grep -q 'proxy-bad' '$T/node1.log' '$T/node2.log'"
