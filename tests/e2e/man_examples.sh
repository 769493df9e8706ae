#!/bin/bash
# Every EXAMPLES entry of every man page, taken from the page itself and run:
# each .nf block of the section, unescaped from roff, with the paths and
# ports a real server has put in a temporary folder (/etc/postern/passwd,
# /var/mail/virtual, /etc/ssl, /etc/tcp.pop3; 0 110 and the like become
# 127.0.0.1 and a free port) and the system user alice a user made here.
# A listener is started as the example starts it and a client logs in
# through it; a pipe test runs as written. A page whose number of examples
# changed, or an example not known here, fails: a new example needs a case.
#
# Programs that Debian 12 does not package (s6-networking, ucspi-ssl's
# sslserver, qmail-popup, qmail-pop3d, djb's checkpassword) are used when
# they are on PATH; without them the rest of the example's command line runs
# in their place (the TLS servers through helpers/ucspi_tls_session.py, the
# others through postern's program in the same position), and the ok line
# says so.
. "$(dirname "$0")/lib.sh"
need python3 openssl tcpserver tcprules envdir softlimit
need_root
need useradd userdel chpasswd setpriv pkill
MAN=$(cd "$E2E/../../man" && pwd)
H=$E2E/helpers
export PATH=$BIN:$PATH POSTERN_FAIL_DELAY=0
unset POSTERN_PASSWD_FILE POSTERN_SYSTEM_USERS POSTERN_MIN_UID POSTERN_ALLOW_ROOT POSTERN_APOP \
    POSTERN_REQUIRE_TLS UCSPITLS TCPREMOTEIP POSTERN_TLS_TERMINATED
if [ -z "${POSTERN_POPUP_ROOT:-}" ]; then
    export POSTERN_POPUP_ROOT=$T/empty
    mkdir -m 755 "$POSTERN_POPUP_ROOT"
fi

# The system user alice of the pages: a user with a password and a Maildir.
U=pmx-a$$ V=pmx-v$$ TLSU=pmx-t$$
HOMEU=$T/home
mkdir -p "$HOMEU"
make_maildir "$HOMEU/Maildir"
printf 'From: a@example.com\nSubject: one\n\nhello\n' >"$HOMEU/Maildir/new/1700000000.1.host"
printf 'From: b@example.com\nSubject: two\n\nworld\n' >"$HOMEU/Maildir/new/1700000001.2.host"
useradd -M -N -s /bin/sh -d "$HOMEU" "$U" || { fail "useradd $U"; exit 1; }
on_exit "userdel '$U' 2>/dev/null"
useradd -M -N -s /usr/sbin/nologin -d /nonexistent "$V" || { fail "useradd $V"; exit 1; }
on_exit "userdel '$V' 2>/dev/null"
useradd -M -N -s /usr/sbin/nologin -d /nonexistent "$TLSU" || { fail "useradd $TLSU"; exit 1; }
on_exit "userdel '$TLSU' 2>/dev/null"
echo "$U:secret" | chpasswd
chown -R "$U" "$HOMEU"
chmod 755 "$T"
MAILDROP='+OK maildrop has 2 messages (88 octets)'
mkdir -p "$T/etc/postern" "$T/virtual"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/mail.key" \
    -out "$T/mail.pem" -days 2 -subj /CN=mail.example.com >/dev/null 2>&1
chmod 644 "$T/mail.pem"

# examples PAGE: the page's EXAMPLES blocks, each as written, one file a block
# ($T/ex/PAGE.N); prints how many.
examples() {
    rm -rf "$T/ex/$1."*; mkdir -p "$T/ex"
    python3 - "$MAN/$1" "$T/ex/$1" <<'END'
import sys
lines = open(sys.argv[1]).read().split("\n")
section, block, blocks = None, None, []
for line in lines:
    if line.startswith(".SH "):
        section = line[4:].strip('"')
        continue
    if section != "EXAMPLES":
        continue
    if line == ".nf":
        block = []
    elif line == ".fi" and block is not None:
        blocks.append(block)
        block = None
    elif block is not None:
        text = line.replace("\\\\", "\0").replace("\\e", "\0").replace("\\-", "-").replace("\\&", "")
        block.append(text.replace("\0", "\\"))
for n, block in enumerate(blocks, 1):
    open(f"{sys.argv[2]}.{n}", "w").write("\n".join(block) + "\n")
print(len(blocks))
END
}

# localize FILE: the block with this machine's stand-ins for a real server's
# paths, ports and accounts, on stdout.
localize() {
    sed -e "s| 0 110 | 127.0.0.1 $PORT |; s| 0 110\$| 127.0.0.1 $PORT|; s| 0 pop3 | 127.0.0.1 $PORT |" \
        -e "s|0\.0\.0\.0 110|127.0.0.1 $PORT|; s| 0 995 | 127.0.0.1 $PORT |; s|127\.0\.0\.1 1995|127.0.0.1 $PORT|" \
        -e "s|/etc/postern/|$T/etc/postern/|g; s|/var/mail/virtual/|$T/virtual/|g; s|/etc/tcp\.pop3|$T/tcp.pop3|g" \
        -e "s|/etc/ssl/mail\.pem|$T/mail.pem|g; s|/etc/ssl/private/mail\.key|$T/mail.key|g" \
        -e "s|postern-tls|$TLSU|g; s|id -u vmail|id -u $V|g; s|id -g vmail|id -g $V|g" \
        -e "s|USER alice|USER $SESSION_USER|; s|'alice\\\\0|'$SESSION_USER\\\\0|" "$1"
}

# login PORT USER PASSWORD: a POP3 login, STAT and QUIT, one command at a
# time (qmail-popup reads ahead); the answers without CRs.
login() {
    timeout 20 python3 - "$@" <<'END'
import socket, sys
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
f = s.makefile("rb")
def line():
    print(f.readline().decode(errors="replace").rstrip("\r\n"), flush=True)
line()
for command in (f"USER {user}", f"PASS {password}", "STAT", "QUIT"):
    s.sendall((command + "\r\n").encode())
    line()
END
}
# tls_login PORT USER PASSWORD [STLS]: the same through openssl s_client,
# with STLS first when asked.
tls_login() {
    local starttls=()
    [ -n "${4:-}" ] && starttls=(-starttls pop3)
    { sleep 1; printf 'USER %s\r\nPASS %s\r\nSTAT\r\nQUIT\r\n' "$2" "$3"; sleep 2; } |
        timeout 15 openssl s_client -connect "127.0.0.1:$1" "${starttls[@]}" -quiet 2>/dev/null | tr -d '\r'
}

# serve NAME SCRIPT: SCRIPT (a block, localized) run by sh in the background,
# from $T/run, its output and log in $T/NAME.log; waits for $PORT.
serve() {
    mkdir -p "$T/run"
    (cd "$T/run" && exec sh -c "$2") >"$T/$1.log" 2>&1 &
    SERVER_PID=$!
    on_exit "kill $SERVER_PID 2>/dev/null"
    wait_port "$PORT" || echo "# $1: nothing listens on $PORT" >>"$T/$1.log"
}
# stop: the server and what it started (sh, the listener and their children).
stop() {
    pkill -TERM -P "$SERVER_PID" 2>/dev/null
    kill "$SERVER_PID" 2>/dev/null
    timeout 15 tail --pid="$SERVER_PID" -f /dev/null
}
# expect_session NAME OUTPUT: the login saw the maildrop and STAT's answer.
expect_session() {
    if printf '%s\n' "$2" | grep -qxF "$MAILDROP" && printf '%s\n' "$2" | grep -qx '+OK 2 88'; then
        ok "$1"
    else
        fail "$1" "session: $2" "log: $(tail -n 15 "$T/$3.log" 2>/dev/null)"
    fi
}
has() { command -v "$1" >/dev/null 2>&1; }
block_has() { grep -qF -- "$2" "$1" || { fail "$3: the example no longer reads as this test expects ($2)" "$(cat "$1")"; return 1; }; }
count_is() { expect_eq "$1 has $2 examples, each run below" "$2" "$3"; }

SESSION_USER=$U

# --- postern(7) -------------------------------------------------------------
n=$(examples postern.7); count_is "postern(7)" 2 "$n"
ex=$T/ex/postern.7
if block_has "$ex.1" "envdir ./env" "postern(7) example 1"; then
    PORT=$(free_port); mkdir -p "$T/run/env"
    localize "$ex.1" >"$T/run/run7"; chmod 755 "$T/run/run7"
    serve p7-run "./run7"
    expect_session "postern(7) example 1: the run script serves a login" "$(login "$PORT" "$U" secret)" p7-run
    stop
fi
if block_has "$ex.2" "postern-popup mail.example.com postern-checkpass postern-pop3d Maildir" "postern(7) example 2"; then
    out=$(cd "$T" && sh -c "$(localize "$ex.2")" 2>"$T/p7-pipe.log" | tr -d '\r')
    expect_session "postern(7) example 2: the pipe test of the whole chain, as root" "$out" p7-pipe
fi

# --- postern-passwd(8) ------------------------------------------------------
n=$(examples postern-passwd.8); count_is "postern-passwd(8)" 3 "$n"
ex=$T/ex/postern-passwd.8
F=$T/etc/postern/passwd
rm -f "$F"
if block_has "$ex.1" "-a /etc/postern/passwd alice" "postern-passwd(8) example 1"; then
    # From a terminal: the password typed twice.
    cmd=$(localize "$ex.1")
    timeout 20 python3 - "$cmd" >"$T/pw1.out" 2>&1 <<'END'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("sh", ["sh", "-c", sys.argv[1]])
def read():
    try:
        return os.read(fd, 1000).decode(errors="replace")
    except OSError:
        return ""
out = ""
for _ in range(2):
    time.sleep(0.5); out += read(); os.write(fd, b"secret\n")
time.sleep(1); out += read()
_, status = os.waitpid(pid, 0)
print(out); print("status", os.waitstatus_to_exitcode(status))
END
    if grep -q 'New password' "$T/pw1.out" && grep -q 'Retype new password' "$T/pw1.out" &&
        grep -q '^status 0' "$T/pw1.out" && grep -qE '^alice:\$[^:]+:secret$' "$F"; then
        ok "postern-passwd(8) example 1: asked twice on a terminal, alice has a hash and the APOP secret"
    else
        fail "postern-passwd(8) example 1" "$(cat "$T/pw1.out")" "$(cat "$F" 2>/dev/null)"
    fi
fi
if block_has "$ex.2" '"$password"' "postern-passwd(8) example 2"; then
    out=$(password=s3cret sh -c "$(localize "$ex.2")" 2>&1); status=$?
    if [ $status = 0 ] && grep -qE "^bob:\\\$[^:]+::5000:5000:$T/virtual/bob\$" "$F"; then
        ok "postern-passwd(8) example 2: bob is a virtual user from a script"
    else
        fail "postern-passwd(8) example 2" "status $status: $out" "$(cat "$F")"
    fi
    printf 'bob\0s3cret\0\0' | POSTERN_PASSWD_FILE=$F POSTERN_SYSTEM_USERS=0 postern-checkpass true 3<&0 2>"$T/pw2.log"
    status=$?
    # The home does not exist: the password was right, so chdir fails, not the check.
    check "postern-passwd(8) example 2: postern-checkpass takes bob's password" grep -q 'step=chdir' "$T/pw2.log"
fi
if block_has "$ex.3" "-r /etc/postern/passwd bob" "postern-passwd(8) example 3"; then
    out=$(sh -c "$(localize "$ex.3")" 2>&1); status=$?
    if [ $status = 0 ] && ! grep -q '^bob:' "$F" && grep -q '^alice:' "$F"; then
        ok "postern-passwd(8) example 3: bob removed, alice kept"
    else
        fail "postern-passwd(8) example 3" "status $status: $out" "$(cat "$F")"
    fi
fi

# --- postern-checkpass(8) ---------------------------------------------------
n=$(examples postern-checkpass.8); count_is "postern-checkpass(8)" 4 "$n"
ex=$T/ex/postern-checkpass.8
if block_has "$ex.1" "envdir ./env postern-popup" "postern-checkpass(8) example 1"; then
    # ./env/POSTERN_PASSWD_FILE names the file; a mail-only password for the user.
    mkdir -p "$T/run/env"
    printf '%s\n' "$F" >"$T/run/env/POSTERN_PASSWD_FILE"
    printf 'mailpw\n' | postern-passwd "$F" "$U" 2>/dev/null
    PORT=$(free_port)
    serve cp1 "$(localize "$ex.1")"
    expect_session "postern-checkpass(8) example 1: tcpserver, envdir, the password file's password" \
        "$(login "$PORT" "$U" mailpw)" cp1
    stop
    rm -f "$T/run/env/POSTERN_PASSWD_FILE"
fi
if block_has "$ex.2" "qmail-popup mail.example.com" "postern-checkpass(8) example 2"; then
    PORT=$(free_port)
    script=$(localize "$ex.2"); note=""
    if ! has qmail-popup || ! has qmail-pop3d; then
        script=$(printf '%s' "$script" | sed 's/qmail-popup/postern-popup/; s/qmail-pop3d/postern-pop3d/')
        note=" (qmail-popup, qmail-pop3d not installed: postern-popup and postern-pop3d in their places)"
    fi
    serve cp2 "$script"
    out=$(login "$PORT" "$U" secret)
    stop
    if printf '%s\n' "$out" | head -n 1 | grep -q '^+OK' && printf '%s\n' "$out" | grep -qE '^\+OK 2 [0-9]+$' &&
        grep -q "postern-checkpass: login-ok user=$U" "$T/cp2.log"; then
        ok "postern-checkpass(8) example 2: behind qmail-popup$note"
    else
        fail "postern-checkpass(8) example 2$note" "$out" "$(tail -n 15 "$T/cp2.log")"
    fi
fi
if block_has "$ex.3" "postern-checkpass id 3<&0; echo \$?" "postern-checkpass(8) example 3"; then
    out=$(cd "$T" && sh -c "$(localize "$ex.3")" 2>/dev/null)
    expect_eq "postern-checkpass(8) example 3: the test by hand runs id as the user, exit 0" \
        "uid=$(id -u "$U")($U) gid=$(id -g "$U")($(id -gn "$U")) groups=$(id -g "$U")($(id -gn "$U"))
0" "$out"
fi
if block_has "$ex.4" "-d /var/mail/virtual/alice /etc/postern/passwd alice" "postern-checkpass(8) example 4"; then
    out=$(printf 'secret\n' | sh -c "$(localize "$ex.4")" 2>&1); status=$?
    if [ $status = 0 ] && grep -qE "^alice:\\\$[^:]+:secret:$(id -u "$V"):$(id -g "$V"):$T/virtual/alice\$" "$F"; then
        ok "postern-checkpass(8) example 4: alice is a virtual user under the vmail account"
    else
        fail "postern-checkpass(8) example 4" "status $status: $out" "$(cat "$F")"
    fi
fi

# --- postern-pop3d(8) -------------------------------------------------------
n=$(examples postern-pop3d.8); count_is "postern-pop3d(8)" 3 "$n"
ex=$T/ex/postern-pop3d.8
as_user() { (cd "$HOMEU" && setpriv --reuid="$U" --regid="$(id -g "$U")" --init-groups \
    env HOME="$HOMEU" USER="$U" PATH="$PATH" sh -c "$1"); }
if block_has "$ex.1" "| postern-pop3d Maildir" "postern-pop3d(8) example 1"; then
    out=$(as_user "$(localize "$ex.1")" 2>"$T/pd1.log" | tr -d '\r')
    expect_eq "postern-pop3d(8) example 1: the pipe test, as the Maildir's owner" "$MAILDROP
+OK 2 88
+OK 2 messages (88 octets)
1 44
2 44
.
+OK bye" "$out"
fi
if block_has "$ex.2" "envdir ./env" "postern-pop3d(8) example 2"; then
    PORT=$(free_port)
    localize "$ex.2" >"$T/run/run8"; chmod 755 "$T/run/run8"
    serve pd2 "./run8"
    expect_session "postern-pop3d(8) example 2: the run script serves a login" "$(login "$PORT" "$U" secret)" pd2
    stop
fi
if block_has "$ex.3" "qmail-popup mail.example.com checkpassword postern-pop3d Maildir" "postern-pop3d(8) example 3"; then
    PORT=$(free_port)
    script=$(localize "$ex.3"); note=""
    if ! has qmail-popup || ! has checkpassword; then
        script=$(printf '%s' "$script" | sed 's/qmail-popup/postern-popup/; s/ checkpassword / postern-checkpass /')
        note=" (qmail-popup, checkpassword not installed: postern-popup and postern-checkpass in their places)"
    fi
    serve pd3 "$script"
    out=$(login "$PORT" "$U" secret)
    stop
    if printf '%s\n' "$out" | grep -qxF "$MAILDROP" && grep -q "postern-pop3d: loaded user=$U" "$T/pd3.log"; then
        ok "postern-pop3d(8) example 3: after qmail-popup and checkpassword$note"
    else
        fail "postern-pop3d(8) example 3$note" "$out" "$(tail -n 15 "$T/pd3.log")"
    fi
fi

# --- postern-popup(8) -------------------------------------------------------
n=$(examples postern-popup.8); count_is "postern-popup(8)" 7 "$n"
ex=$T/ex/postern-popup.8
if block_has "$ex.1" "tcpserver -v -R -c 100 0 110" "postern-popup(8) example 1"; then
    PORT=$(free_port)
    serve pp1 "$(localize "$ex.1")"
    expect_session "postern-popup(8) example 1: behind ucspi-tcp's tcpserver" "$(login "$PORT" "$U" secret)" pp1
    stop
fi
if block_has "$ex.2" "envdir ./env" "postern-popup(8) example 2"; then
    PORT=$(free_port)
    localize "$ex.2" >"$T/run/run8p"; chmod 755 "$T/run/run8p"
    serve pp2 "./run8p"
    expect_session "postern-popup(8) example 2: the run script serves a login" "$(login "$PORT" "$U" secret)" pp2
    stop
fi
# The TLS helper logs in as alice with "secret": a virtual alice that is the user.
printf 'secret\n' | postern-passwd -u "$(id -u "$U")" -g "$(id -g "$U")" -d "$HOMEU" "$T/standin-passwd" alice 2>/dev/null
# standin STYLE MODE SCRIPT: what follows the TLS server in SCRIPT, run under
# helpers/ucspi_tls_session.py playing STYLE, with SCRIPT's variables.
standin() {
    local style=$1 mode=$2 script=$3 vars rest
    vars=$(printf '%s\n' "$script" | tr '\n' ' ' | sed 's/\\ / /g' | sed -E 's/ (s6-tcpserver|postern-tcpserver|sslserver) .*//')
    rest=$(printf '%s\n' "$script" | tr '\n' ' ' | sed 's/\\ / /g' | sed -E 's/.* (postern-popup .*)/\1/')
    (eval "export $vars"; POSTERN_PASSWD_FILE=$T/standin-passwd timeout 30 python3 "$H/ucspi_tls_session.py" \
        "$T/mail.pem" "$T/mail.key" "$mode" "$style" -- $rest) 2>"$T/standin.log" | tr -d '\r'
}
if block_has "$ex.3" "s6-tcpserver 0.0.0.0 110 s6-ucspitlsd -S --" "postern-popup(8) example 3"; then
    PORT=$(free_port)
    if has s6-tcpserver && has s6-ucspitlsd; then
        serve pp3 "$(localize "$ex.3")"
        out=$(tls_login "$PORT" "$U" secret stls)
        stop
        if printf '%s\n' "$out" | grep -qxF "$MAILDROP" && grep -q "login-ok user=$U remote=127.0.0.1 mech=user tls=yes" "$T/pp3.log"; then
            ok "postern-popup(8) example 3: STLS under s6-tcpserver and s6-ucspitlsd, TLS required"
        else
            fail "postern-popup(8) example 3" "$out" "$(tail -n 15 "$T/pp3.log")"
        fi
    else
        out=$(standin s6-ucspitlsd require "$(localize "$ex.3")")
        if printf '%s\n' "$out" | grep -q '^-ERR STLS first' && printf '%s\n' "$out" | grep -qxF "$MAILDROP"; then
            ok "postern-popup(8) example 3: STLS, TLS required (s6-networking not installed: its postern part under helpers/ucspi_tls_session.py as s6-ucspitlsd)"
        else
            fail "postern-popup(8) example 3 (stand-in for s6-ucspitlsd)" "$out" "$(tail -n 15 "$T/standin.log")"
        fi
    fi
fi
if block_has "$ex.4" "postern-tcpserver -v -C 10 0 995 s6-tlsd -S --" "postern-popup(8) example 4"; then
    PORT=$(free_port)
    if has s6-tlsd; then
        serve pp4 "$(localize "$ex.4")"
        out=$(tls_login "$PORT" "$U" secret)
        stop
        if printf '%s\n' "$out" | grep -qxF "$MAILDROP" && grep -q "tls=yes tls-by=server" "$T/pp4.log"; then
            ok "postern-popup(8) example 4: port 995 through postern-tcpserver and s6-tlsd"
        else
            fail "postern-popup(8) example 4" "$out" "$(tail -n 15 "$T/pp4.log")"
        fi
    else
        out=$(standin s6-tlsd implicit "$(localize "$ex.4")")
        if printf '%s\n' "$out" | grep -qxF "$MAILDROP"; then
            ok "postern-popup(8) example 4: TLS from the start (s6-networking not installed: its postern part under helpers/ucspi_tls_session.py as s6-tlsd)"
        else
            fail "postern-popup(8) example 4 (stand-in for s6-tlsd)" "$out" "$(tail -n 15 "$T/standin.log")"
        fi
    fi
fi
if block_has "$ex.5" "sslserver -n 0.0.0.0 110" "postern-popup(8) example 5"; then
    PORT=$(free_port)
    if has sslserver; then
        serve pp5 "$(localize "$ex.5")"
        out=$(tls_login "$PORT" "$U" secret stls)
        stop
        if printf '%s\n' "$out" | grep -qxF "$MAILDROP"; then
            ok "postern-popup(8) example 5: STLS under sslserver -n"
        else
            fail "postern-popup(8) example 5" "$out" "$(tail -n 15 "$T/pp5.log")"
        fi
    else
        out=$(standin sslserver-n normal "$(localize "$ex.5")")
        if printf '%s\n' "$out" | grep -qxF "$MAILDROP"; then
            ok "postern-popup(8) example 5: STLS (ucspi-ssl not installed: its postern part under helpers/ucspi_tls_session.py as sslserver -n)"
        else
            fail "postern-popup(8) example 5 (stand-in for sslserver -n)" "$out" "$(tail -n 15 "$T/standin.log")"
        fi
    fi
fi
if block_has "$ex.6" 'POSTERN_PASSWD_FILE=$HOME/mailpasswd' "postern-popup(8) example 6"; then
    SESSION_USER=alice
    out=$(as_user "$(localize "$ex.6")" 2>"$T/pp6.log" | tr -d '\r')
    SESSION_USER=$U
    rm -f "$HOMEU/mailpasswd"
    expect_eq "postern-popup(8) example 6: the pipe test, not as root" "+OK POP3 ready
+OK send PASS
$MAILDROP
+OK 2 88
+OK bye" "$out"
fi
if block_has "$ex.7" "/bin/checkpassword postern-pop3d Maildir" "postern-popup(8) example 7"; then
    PORT=$(free_port)
    script=$(localize "$ex.7"); note=""
    if [ ! -x /bin/checkpassword ]; then
        script=$(printf '%s' "$script" | sed "s|/bin/checkpassword|$BIN/postern-checkpass|")
        note=" (djb's checkpassword not installed: postern-checkpass in its place)"
    fi
    serve pp7 "$script"
    expect_session "postern-popup(8) example 7: another checkpassword program$note" "$(login "$PORT" "$U" secret)" pp7
    stop
fi

# --- postern-tcpserver(1) ---------------------------------------------------
n=$(examples postern-tcpserver.1); count_is "postern-tcpserver(1)" 6 "$n"
ex=$T/ex/postern-tcpserver.1
if block_has "$ex.1" "exec softlimit -m 25000000 postern-tcpserver -RHD 0 pop3" "postern-tcpserver(1) example 1"; then
    PORT=$(free_port)
    script=$(localize "$ex.1") note=
    # AddressSanitizer reserves terabytes of address space at start, which no
    # memory limit allows: a sanitizer build runs the line without softlimit.
    if ldd "$BIN/postern-tcpserver" 2>/dev/null | grep -q libasan; then
        script=$(printf '%s\n' "$script" | sed 's/softlimit -m 25000000 //') note=" (AddressSanitizer: without softlimit)"
    fi
    serve pt1 "$script"
    expect_session "postern-tcpserver(1) example 1: the classic run script, softlimit and a yescrypt user$note" \
        "$(login "$PORT" "$U" secret)" pt1
    stop
fi
if block_has "$ex.2" "tcprules /etc/tcp.pop3.cdb /etc/tcp.pop3.tmp < /etc/tcp.pop3" "postern-tcpserver(1) example 2"; then
    printf '127.0.0.1:allow,POSTERN_FAIL_DELAY="0"\n:deny\n' >"$T/tcp.pop3"
    PORT=$(free_port)
    serve pt2 "$(localize "$ex.2")"
    out=$(login "$PORT" "$U" secret)
    stop
    if [ -s "$T/tcp.pop3.cdb" ] && ! grep -q 'fatal' "$T/pt2.log"; then
        expect_session "postern-tcpserver(1) example 2: tcprules' cdb, as tcpserver reads it" "$out" pt2
    else
        fail "postern-tcpserver(1) example 2: the cdb was made and loaded" "$(tail -n 15 "$T/pt2.log")"
    fi
    # The same command in "Rules in a cdb".
    check "postern-tcpserver(1): the tcprules line of Rules in a cdb is the example's" \
        grep -qxF 'tcprules /etc/tcp.pop3.cdb /etc/tcp.pop3.tmp < /etc/tcp.pop3' "$MAN/postern-tcpserver.1"
fi
if block_has "$ex.3" "-m '-ERR [SYS/TEMP] too many connections, try again later'" "postern-tcpserver(1) example 3"; then
    PORT=$(free_port)
    serve pt3 "$(localize "$ex.3")"
    expect_session "postern-tcpserver(1) example 3: postern's service line" "$(login "$PORT" "$U" secret)" pt3
    stop
fi
if block_has "$ex.4" "postern-tcpserver -y -C 10 127.0.0.1 1995" "postern-tcpserver(1) example 4"; then
    PORT=$(free_port)
    serve pt4 "$(localize "$ex.4")"
    out=$(talk --proxy1 192.0.2.7:40000 --send "USER $U\\r\\nPASS secret\\r\\nSTAT\\r\\nQUIT\\r\\n" "$PORT" | tr -d '\r')
    stop
    if printf '%s\n' "$out" | grep -qxF "$MAILDROP" && grep -q 'proxy pid=[0-9]* remote=192.0.2.7 port=40000 via=127.0.0.1' "$T/pt4.log"; then
        ok "postern-tcpserver(1) example 4: behind a proxy, the client from the PROXY header"
    else
        fail "postern-tcpserver(1) example 4" "$out" "$(tail -n 15 "$T/pt4.log")"
    fi
fi
if block_has "$ex.5" "postern-tcpserver -1 127.0.0.1 0 env &" "postern-tcpserver(1) example 5"; then
    eval "$(cat "$ex.5")" >"$T/pt5.port" 2>"$T/pt5.log"
    pid=$!
    on_exit "kill $pid 2>/dev/null"
    for _ in $(seq 50); do [ -s "$T/pt5.port" ] && break; sleep 0.1; done
    out=$(talk "$(head -n 1 "$T/pt5.port")")
    kill "$pid"
    if printf '%s\n' "$out" | grep -qx 'PROTO=TCP' && printf '%s\n' "$out" | grep -qx 'TCPREMOTEIP=127.0.0.1' &&
        printf '%s\n' "$out" | grep -qx "TCPLOCALPORT=$(head -n 1 "$T/pt5.port")"; then
        ok "postern-tcpserver(1) example 5: env shows what a UCSPI program sees"
    else
        fail "postern-tcpserver(1) example 5" "$out" "$(cat "$T/pt5.log")"
    fi
fi
if block_has "$ex.6" "tcpserver -v -R -H -c 40 0 110" "postern-tcpserver(1) example 6"; then
    PORT=$(free_port)
    serve pt6 "$(localize "$ex.6")"
    expect_session "postern-tcpserver(1) example 6: djb's tcpserver in its place" "$(login "$PORT" "$U" secret)" pt6
    stop
fi
# The text rules of "Access rules" load as they are.
python3 - "$MAN/postern-tcpserver.1" >"$T/rules.txt" <<'END'
import sys
text = open(sys.argv[1]).read()
start = text.index(".SS Access rules")
block = text[text.index(".nf\n", start) + 4:text.index(".fi\n", start)]
print(block.replace("\\\\", "\\"), end="")
END
PORT=$(free_port)
postern-tcpserver -x "$T/rules.txt" 127.0.0.1 "$PORT" true 2>"$T/rules.log" &
pid=$!
on_exit "kill $pid 2>/dev/null"
wait_log "$T/rules.log" '^postern-tcpserver: start ' && kill -HUP "$pid" && wait_log "$T/rules.log" 'rules-loaded'
kill "$pid"
expect_grep "postern-tcpserver(1): the text rules of Access rules load (at start and on SIGHUP), all five" \
    "rules-loaded file=.* rules=5$" "$T/rules.log"
