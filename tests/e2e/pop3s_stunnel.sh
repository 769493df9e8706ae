#!/bin/bash
# POP3S: service/pop3s (stunnel, certificate made here) in front of a copy of
# service/pop3d with POSTERN_PROXY=1, as INSTALL sets them up. curl pop3s://
# with --cacert retrieves a message, from 127.0.0.2, and postern logs that
# address (from stunnel's PROXY header), not stunnel's 127.0.0.1. The backend
# says POSTERN_TLS_TERMINATED=1 and POSTERN_REQUIRE_TLS=1, as INSTALL sets a
# POP3S backend: its logins count as TLS, and are allowed for that.
. "$(dirname "$0")/lib.sh"
need python3 curl stunnel openssl setpriv
. "$(dirname "$0")/chain.bash"
root=$(cd "$E2E/../.." && pwd)
make_mail_user || { fail "a mail user for the tests"; exit 1; }
make_messages 3
fill_maildir

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
    -keyout "$T/key.pem" -out "$T/cert.pem" >"$T/openssl.log" 2>&1
check "a self-signed certificate for 127.0.0.1" test -s "$T/cert.pem"
chmod 600 "$T/key.pem"

# The backend: service/pop3d behind the proxy, on 127.0.0.1 only.
back=$T/pop3d-tls
cp -R "$root/service/pop3d" "$back"
BACK_PORT=$(free_port)
echo "$CHAIN_HOST" >"$back/env/POSTERN_HOSTNAME"
echo 127.0.0.1 >"$back/env/POSTERN_IP"
echo "$BACK_PORT" >"$back/env/POSTERN_PORT"
echo 1 >"$back/env/POSTERN_PROXY"
echo 1 >"$back/env/POSTERN_TLS_TERMINATED"
echo 1 >"$back/env/POSTERN_REQUIRE_TLS"
echo "$T/passwd" >"$back/env/POSTERN_PASSWD_FILE"
echo "$BIN:/usr/bin:/bin" >"$back/env/PATH"
(cd "$back" && exec ./run) >"$T/backend.log" 2>&1 &
backend=$!
on_exit "kill $backend 2>/dev/null"

# The front: service/pop3s, settings in its env/.
front=$T/pop3s
cp -R "$root/service/pop3s" "$front"
TLS_PORT=$(free_port)
echo "$T/cert.pem" >"$front/env/TLS_CERT"
echo "$T/key.pem" >"$front/env/TLS_KEY"
echo "127.0.0.1:$TLS_PORT" >"$front/env/TLS_ACCEPT"
echo "127.0.0.1:$BACK_PORT" >"$front/env/TLS_CONNECT"
[ "$(id -u)" = 0 ] || : >"$front/env/TLS_USER"   # stunnel cannot change user unless root
(cd "$front" && exec ./run) >"$T/stunnel.log" 2>&1 &
stunnel_pid=$!
on_exit "kill $stunnel_pid 2>/dev/null"
check "postern listens behind stunnel" wait_port "$BACK_PORT"
check "stunnel listens" wait_port "$TLS_PORT"

timeout 30 curl -sS --cacert "$T/cert.pem" --interface 127.0.0.2 \
    --user "$MAIL_USER:$CHAIN_PASS" "pop3s://127.0.0.1:$TLS_PORT/2" >"$T/got" 2>"$T/curl.err"
expect_eq "curl pop3s:// with --cacert succeeds" 0 $?
mkdir -p "$T/fetched" && cp "$T/got" "$T/fetched/2"
compare_fetched "and retrieves the message whole" "$T/fetched" 1
timeout 30 curl -sS --user "$MAIL_USER:$CHAIN_PASS" "pop3s://127.0.0.1:$TLS_PORT/2" >/dev/null 2>"$T/untrusted.err"
expect_eq "without the CA certificate curl refuses the server (exit 60)" 60 $?
wait_log "$T/backend.log" "^postern-popup: login-ok user=$MAIL_USER remote=127\.0\.0\.2 "
expect_grep "postern reads the client's address from stunnel's PROXY header" \
    "^postern-tcpserver: proxy pid=[0-9]+ remote=127\.0\.0\.2 port=[0-9]+ via=127\.0\.0\.1\$" "$T/backend.log"
expect_grep "and logs the login from the client's address" \
    "^postern-popup: login-ok user=$MAIL_USER remote=127\.0\.0\.2 mech=" "$T/backend.log"
expect_grep "stunnel's sessions count as TLS, ended by a terminator" \
    "^postern-popup: connect remote=127\.0\.0\.2 stls=no privsep=(yes|no) tls=yes tls-by=terminator protocol=unknown\$" "$T/backend.log"
expect_grep "and their logins say tls=yes (POSTERN_REQUIRE_TLS=1 let them in)" \
    "^postern-popup: login-ok user=$MAIL_USER remote=127\.0\.0\.2 mech=[a-z]+ tls=yes\$" "$T/backend.log"
expect_grep "checkpass sees it too" "^postern-checkpass: login-ok user=$MAIL_USER remote=127\.0\.0\.2 " "$T/backend.log"
if [ "$(id -u)" = 0 ]; then
    expect_eq "stunnel runs as TLS_USER (stunnel4)" stunnel4 "$(ps -o user= -p "$stunnel_pid" | tr -d ' ')"
fi
