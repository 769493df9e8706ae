# Shared set-up for the end-to-end tests that run postern's whole chain with
# real clients and peers; sourced after lib.sh. (Not a test itself: tests/run
# runs only *.sh.)
#
#   make_mail_user     a mail user with a Maildir and a password-file entry
#   make_messages N    N messages with known content in $T/orig
#   fill_maildir       the user's Maildir holds exactly those N, unread, in new/
#   start_chain NAME [OPTIONS]   postern-tcpserver OPTIONS on 127.0.0.1 with the chain
#   compare_fetched DIR          every file in DIR is one original message, whole
CHAIN_PASS='s3cret Pw!'
CHAIN_HOST=e2e.example.org

# As root: a system user made here (removed at exit) with a mail-only password
# in the password file, so postern-checkpass really changes identity. As
# anyone else: a virtual user mapped to whoever runs the test.
make_mail_user() {
    MAIL_HOME=$T/home
    mkdir -p "$MAIL_HOME"
    make_maildir "$MAIL_HOME/Maildir"
    if [ "$(id -u)" = 0 ]; then
        MAIL_USER=pstrn-e2e-$$
        useradd -M -d "$MAIL_HOME" -s /usr/sbin/nologin -U "$MAIL_USER" || return 1
        on_exit "userdel $MAIL_USER 2>/dev/null"
        printf '%s\n' "$CHAIN_PASS" | "$BIN/postern-passwd" -a "$T/passwd" "$MAIL_USER" 2>/dev/null || return 1
        chown -R "$MAIL_USER:" "$MAIL_HOME"
    else
        MAIL_USER=e2e
        printf '%s\n' "$CHAIN_PASS" | "$BIN/postern-passwd" -a -u "$(id -u)" -g "$(id -g)" -d "$MAIL_HOME" \
            "$T/passwd" "$MAIL_USER" 2>/dev/null || return 1
    fi
    MAILDIR=$MAIL_HOME/Maildir
    export POSTERN_PASSWD_FILE=$T/passwd POSTERN_FAIL_DELAY=100
}

# Messages with what trips clients and servers up: dot-stuffing, a lone dot,
# a line of 2000 bytes, UTF-8, a "From " line, CRLF storage, an empty body.
make_messages() {
    mkdir -p "$T/orig"
    local i
    for i in $(seq "$1"); do
        {
            printf 'From: Sender %s <sender%s@example.org>\nTo: e2e@example.org\n' "$i" "$i"
            printf 'Subject: e2e message %s\nMessage-ID: <e2e-%s@example.org>\n\n' "$i" "$i"
            case $((i % 4)) in
                1) printf 'Hello %s.\n.leading dot\n..two dots\n.\nFrom the start of a line\nend\n' "$i" ;;
                2) printf 'Gr\303\274\303\237e, %s \342\200\224 UTF-8.\n%s\nlast line\n' "$i" "$(head -c 2000 /dev/zero | tr '\0' x)" ;;
                3) printf 'Stored with CRLF line ends, %s.\nsecond line\n' "$i" ;;
                0) ;;
            esac
        } >"$T/orig/$i"
        [ $((i % 4)) = 3 ] && sed -i 's/$/\r/' "$T/orig/$i"
    done
}

# The Maildir again holds exactly the originals, unread, delivered a minute apart.
fill_maildir() {
    rm -rf "$MAILDIR"
    make_maildir "$MAILDIR"
    local f n time now
    now=$(date +%s)
    for f in "$T"/orig/*; do
        n=$(basename "$f")
        time=$((now - 100000 + n * 60))
        cp "$f" "$MAILDIR/new/$time.M${n}P$$.e2e"
        touch -d "@$time" "$MAILDIR/new/$time.M${n}P$$.e2e"
    done
    [ "$(id -u)" = 0 ] && chown -R "$MAIL_USER:" "$MAILDIR"
    return 0
}

# maildir_count: the messages in new/ and cur/; "no Maildir" when either is
# gone, so that a count of 0 means an empty Maildir, not a missing one.
maildir_count() {
    [ -d "$MAILDIR/new" ] && [ -d "$MAILDIR/cur" ] || { echo "no Maildir"; return; }
    find "$MAILDIR/new" "$MAILDIR/cur" -type f | wc -l
}

# start_chain NAME [OPTIONS...]: the chain under postern-tcpserver OPTIONS on
# ${CHAIN_IP:-127.0.0.1}, port ${CHAIN_LISTEN_PORT:-0}; log in $T/NAME.log;
# sets CHAIN_PORT and CHAIN_PID.
start_chain() {
    local name=$1; shift
    start_listener "$name" "$BIN/postern-tcpserver" -1 "$@" "${CHAIN_IP:-127.0.0.1}" "${CHAIN_LISTEN_PORT:-0}" \
        "$BIN/postern-popup" "$CHAIN_HOST" "$BIN/postern-checkpass" "$BIN/postern-pop3d" Maildir
    CHAIN_PID=$LISTENER_PID CHAIN_PORT=$LISTENER_PORT
}

# compare_fetched NAME DIR [COUNT]: every file in DIR is one of the originals,
# whole and byte for byte but for line ends, after any header lines the
# client added on top; and each of the COUNT originals (default: all) came once.
compare_fetched() {
    local out
    if out=$(python3 "$E2E/compare_messages.py" "$T/orig" "$2" "${3:-}" 2>&1); then ok "$1"; else fail "$1" "$out"; fi
}

# as_client COMMAND...: runs a client as an unprivileged user (the mail user;
# getmail and mpop will not deliver as root), in $T/c, its own folder.
as_client() {
    mkdir -p "$T/c"
    if [ "$(id -u)" = 0 ]; then
        chown -R "$MAIL_USER:" "$T/c"
        (cd "$T/c" && setpriv --reuid="$MAIL_USER" --regid="$MAIL_USER" --clear-groups env HOME="$T/c" "$@")
    else
        (cd "$T/c" && env HOME="$T/c" "$@")
    fi
}

# fetchmail_rc PORT KEEP|NOKEEP FOLDER: $T/c/fetchmailrc for the mail user on
# 127.0.0.1:PORT, each message delivered by $T/c/store.sh into its own file in
# FOLDER (as_client runs fetchmail with HOME=$T/c).
fetchmail_rc() {
    mkdir -p "$T/c" "$3"
    cat >"$T/c/store.sh" <<'SH'
#!/bin/sh
# An MDA: each message into its own file in the folder $1.
exec cat >"$(mktemp "$1/msg.XXXXXX")"
SH
    chmod 755 "$T/c/store.sh"
    cat >"$T/c/fetchmailrc" <<RC
set no syslog
poll 127.0.0.1 service $1 protocol pop3 uidl auth password timeout 20
    user "$MAIL_USER" there with password "$CHAIN_PASS" is "$MAIL_USER" here
    mda "$T/c/store.sh $3" $2 sslproto ''
RC
    chmod 600 "$T/c/fetchmailrc"
}
