#!/bin/bash
# STLS through UCSPI-TLS: a Python helper plays the TLS-capable UCSPI server
# (as sslserver -n or s6-ucspitlsd would) and a real TLS client. CAPA lists
# STLS only before TLS; after the handshake popup talks through the TLS
# descriptors and hands them on as fds 0 and 1; a server that requires TLS
# refuses logins before it; cleartext pipelined after STLS is never read.
# Then the TLS servers as they really behave: implicit TLS (s6-tlsd,
# sslserver), sslserver -n's extra descriptor, failed handshakes.
. "$(dirname "$0")/lib.sh"
need python3 openssl
H=$(cd "$(dirname "$0")/helpers" && pwd)
export FAKE_RECORD=$T/fd3 STANDIN_RECORD=$T/standin POSTERN_FAIL_DELAY=0
unset POSTERN_REQUIRE_TLS UCSPITLS TCPREMOTEIP REMOTE_ADDR
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/key.pem" \
    -out "$T/cert.pem" -days 2 -subj /CN=localhost >/dev/null 2>&1
check "a test certificate was made" test -s "$T/cert.pem"

# session MODE: one STLS session through the helper; transcript in $T/out, log in $T/log.
session() {
    timeout 30 python3 "$H/ucspi_tls_session.py" "$T/cert.pem" "$T/key.pem" "$1" -- \
        "$BIN/postern-popup" mail.example.com "$H/fake-checkpassword" "$H/stand-in-pop3d" >"$T/out" 2>"$T/log"
}
capa_before="+OK capability list follows
USER
SASL PLAIN
STLS
TOP
UIDL
PIPELINING
RESP-CODES
AUTH-RESP-CODE
IMPLEMENTATION postern
."
capa_after="+OK capability list follows
USER
SASL PLAIN
TOP
UIDL
PIPELINING
RESP-CODES
AUTH-RESP-CODE
IMPLEMENTATION postern
."

session normal
expect_eq "STLS: CAPA lists STLS before TLS and not after; the login and pipelined commands go through TLS" \
    "+OK POP3 ready
$capa_before
+OK begin TLS negotiation
[tls]
$capa_after
+OK send PASS
+OK stand-in
+OK got STAT
+OK got QUIT" "$(answers)"
printf 'alice\0secret\0\0' >"$T/want"
expect_file_eq "STLS: the fd-3 bytes are the same as without TLS" "$T/want" "$T/fd3"
expect_grep "the next program sees the TLS facts popup asked for with Y" '^SSL_PROTOCOL=TLSv1' "$T/standin"
expect_grep "the next program does not see SSLCTLFD" '^SSLCTLFD=$' "$T/standin"
expect_grep "log: tls with the protocol" '^postern-popup: tls remote=127\.0\.0\.1 protocol=TLSv1' "$T/log"
expect_grep "log: login-ok says tls=yes" '^postern-popup: login-ok user=alice remote=127\.0\.0\.1 mech=user tls=yes$' "$T/log"
expect_grep "the helper's server side saw a clean session" '^server: ok status: 0$' "$T/log"

POSTERN_REQUIRE_TLS=1 session require
expect_eq "POSTERN_REQUIRE_TLS=1: no USER/SASL before TLS, USER refused, all fine after STLS" "+OK POP3 ready
+OK capability list follows
STLS
TOP
UIDL
PIPELINING
RESP-CODES
AUTH-RESP-CODE
IMPLEMENTATION postern
.
-ERR STLS first: this server accepts logins only over TLS
+OK begin TLS negotiation
[tls]
$capa_after
+OK send PASS
+OK stand-in
+OK got STAT
+OK got QUIT" "$(answers)"
expect_grep "log: tls-required" '^postern-popup(-net)?: tls-required remote=127\.0\.0\.1$' "$T/log"
UCSPITLS='!' session require
expect_grep "UCSPITLS=! requires TLS as well" '^-ERR STLS first' <(answers)

: >"$T/fd3"
session inject
expect_eq "cleartext sent with STLS (CVE-2011-0411) is never answered" "+OK POP3 ready
+OK begin TLS negotiation
[handshake failed]" "$(answers)"
check "nothing reached the checkpassword program" test ! -s "$T/fd3"

UCSPITLS=- session normal
expect_grep "UCSPITLS=-: STLS not offered" '^-ERR STLS is not available' <(answers)
check "UCSPITLS=-: CAPA does not list STLS" bash -c "! grep -q '^STLS' <(tr -d '\r' <'$T/out')"

# --- TLS servers as they really behave -------------------------------------------
# styled MODE STYLE [VAR=value...]: one session through the helper playing
# STYLE (see ucspi_tls_session.py for what each reproduces).
styled() {
    local mode=$1 style=$2; shift 2
    rm -f "$T/standin"  # what the session's program records, this session's or nothing
    env "$@" timeout 30 python3 "$H/ucspi_tls_session.py" "$T/cert.pem" "$T/key.pem" "$mode" "$style" -- \
        "$BIN/postern-popup" mail.example.com "$H/fake-checkpassword" "$H/stand-in-pop3d" >"$T/out" 2>"$T/log"
}
implicit_transcript="[tls]
+OK POP3 ready
$capa_after
+OK send PASS
+OK stand-in
+OK got STAT
+OK got QUIT"
tls_settings="CERTFILE=$T/cert.pem KEYFILE=$T/key.pem KEYFILE:mail.example.com=$T/key.pem
    CERTFILE:mail.example.com=$T/cert.pem CAFILE=$T/cert.pem CADIR=$T TLS_UID=65534 TLS_GID=65534"

# s6-tlsd (and s6-tlsserver): TLS from the first byte, SSL_PROTOCOL set; the
# TLS server's settings passed on, as s6-tlsd -Z and sslserver do.
styled implicit s6-tlsd POSTERN_REQUIRE_TLS=1 TCPREMOTEIP=127.0.0.1 $tls_settings
expect_eq "s6-tlsd, POSTERN_REQUIRE_TLS=1: the connection is TLS, logins are offered and work, no STLS" \
    "$implicit_transcript" "$(answers)"
expect_grep "s6-tlsd: connect says tls=yes, by the server, with its protocol" \
    '^postern-popup: connect remote=127\.0\.0\.1 stls=no privsep=(yes|no) tls=yes tls-by=server protocol=TLSv1\.[23]$' "$T/log"
expect_grep "s6-tlsd: login-ok says tls=yes" '^postern-popup: login-ok user=alice remote=127\.0\.0\.1 mech=user tls=yes$' "$T/log"
expect_eq "s6-tlsd: the TLS server's settings (CERTFILE, KEYFILE, KEYFILE:x, CAFILE, TLS_UID...) do not reach the session" \
    "session ran|" "$([ -s "$T/standin" ] && echo session ran)|$(grep '^tls-setting=' "$T/standin" 2>/dev/null)"

# sslserver without -n: TLS from the first byte, PROTO=SSL and SSLREMOTEIP, no
# SSL_PROTOCOL (no -s), no TCPREMOTEIP (no -e); fd 0 is a pipe.
styled implicit sslserver POSTERN_REQUIRE_TLS=1
expect_eq "sslserver: the connection is TLS and logins work" "$implicit_transcript" "$(answers)"
expect_grep "sslserver: connect finds the client in SSLREMOTEIP, tls=yes, protocol unknown" \
    '^postern-popup: connect remote=127\.0\.0\.1 stls=no privsep=(yes|no) tls=yes tls-by=server protocol=unknown$' "$T/log"
expect_grep "sslserver: the address reaches the session as TCPREMOTEIP" '^TCPREMOTEIP=127\.0\.0\.1$' "$T/standin"

# sslserver -n leaves the accepted socket on fd 4 as well as on 0 and 1.
styled plain sslserver-n
expect_grep "sslserver -n, no STLS: the session runs" '^\+OK got STAT' <(answers)
expect_grep "sslserver -n, no STLS: the session holds the socket on fds 0 and 1 only, not fd 4" '^sockets=0 1$' "$T/standin"
styled normal sslserver-n
expect_grep "sslserver -n, after STLS: the session runs through TLS" '^\+OK got STAT' <(answers)
expect_grep "sslserver -n, after STLS: the session holds no descriptor on the cleartext socket" '^sockets=$' "$T/standin"

# A handshake that fails after STLS: s6-ucspitlsd closes the TLS pipes.
styled garbage s6-ucspitlsd
expect_grep "s6-ucspitlsd, failed handshake: tls-failed is logged" \
    '^postern-popup(-net)?: tls-failed remote=127\.0\.0\.1 reason=eof$' "$T/log"
check "s6-ucspitlsd, failed handshake: not as a mere disconnect" bash -c "! grep -q 'disconnect' '$T/log'"
# sslserver -n kills the program instead (SIGTERM): popup logs nothing more.
: >"$T/fd3"
styled garbage sslserver-n
expect_grep "sslserver -n, failed handshake: popup was killed, as sslserver does" 'status: -15$' "$T/log"
check "sslserver -n, failed handshake: no login reached the checkpassword program" test ! -s "$T/fd3"
