# Sourced by bench/run.sh: the benchmark's tools, its user and its Maildirs.
# Everything it makes is under $B (build/bench), except the system user, which
# it removes at exit when it created it.

build_tools() {
    mkdir -p "$TOOLS"
    local name dir libs
    for spec in "postern-bench-maildir maildir" "postern-bench-client client" "postern-bench-limit limits -lcrypt"; do
        set -- $spec
        name=$1 dir=bench/$2 libs=${3:-}
        if [ -x "$TOOLS/$name" ] && [ -z "$(find "$dir" lib -newer "$TOOLS/$name" -name '*.[ch]pp' | head -n 1)" ]; then
            continue
        fi
        say "building $name"
        $CC_CMD -Ilib -pthread -o "$TOOLS/$name" "$dir"/*.cpp $libs || die "cannot build $name"
    done
}

# The programs under test, copied to $B/programs as they are when the run
# starts, and run from there: a rebuild of $BIN during the run (the tree may
# be shared) changes nothing it measures. A program being written (newer than
# 2 s, or changed while copied) is waited for.
snapshot_programs() {
    local p stamp i
    mkdir -p "$B/programs"
    for p in postern-popup postern-checkpass postern-pop3d postern-tcpserver; do
        [ -x "$BIN/$p" ] || continue
        for i in $(seq 30); do
            stamp=$(stat -c '%Y %s' "$BIN/$p")
            if [ $(($(date +%s) - ${stamp% *})) -ge 2 ] && cp -p "$BIN/$p" "$B/programs/$p.new" &&
                [ "$(stat -c '%Y %s' "$BIN/$p")" = "$stamp" ] && [ -x "$B/programs/$p.new" ]; then
                mv "$B/programs/$p.new" "$B/programs/$p"
                continue 2
            fi
            sleep 1
        done
        die "cannot copy $BIN/$p: it keeps changing"
    done
    BIN=$B/programs
}

# The user postern-checkpass and Dovecot both authenticate: a system user with
# a yescrypt password in /etc/shadow, new every run, and its home under $B.
# A second one, IDLE_USER, holds scenario 7's idle sessions: its password is
# SHA-512, which crypt(3) checks in a few milliseconds, so that ten thousand
# logins take seconds; its home holds its own Maildir of 30 messages.
setup_user() {
    HOME_DIR=$B/home
    IDLE_HOME=$B/home-idle
    on_exit remove_users
    make_user "$BENCH_USER" "$HOME_DIR" "$B/user-created" '$y$' "$B/password"
    make_user "$IDLE_USER" "$IDLE_HOME" "$B/idle-user-created" '$6$' "$B/idle-password"
    BENCH_UID=$(id -u "$BENCH_USER")
    IDLE_UID=$(id -u "$IDLE_USER")
}

# make_user NAME HOME MARKER PREFIX PASSFILE: the system user NAME (made by this
# benchmark: MARKER says so), home HOME, a new random password in PASSFILE,
# hashed by the crypt(3) method of PREFIX.
make_user() {
    local name=$1 home=$2 marker=$3 prefix=$4 passfile=$5 hash
    mkdir -p "$home"
    if getent passwd "$name" >/dev/null; then
        [ -e "$marker" ] || [ "$(getent passwd "$name" | cut -d: -f6)" = "$home" ] ||
            die "a user $name exists that this benchmark did not create; remove it or set BENCH_USER"
    else
        useradd --system --user-group --no-create-home --home-dir "$home" --shell /usr/sbin/nologin "$name" ||
            die "cannot create the user $name"
        : > "$marker"
    fi
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$passfile")
    hash=$("$TOOLS/postern-bench-limit" hash "$passfile" "$prefix") || die "cannot hash the password"
    usermod -p "$hash" "$name" || die "cannot set the password of $name"
    chown "$name:" "$home" && chmod 755 "$home"
}

remove_users() {
    pkill_user_sessions
    [ -e "$B/user-created" ] && userdel "$BENCH_USER" 2>/dev/null && rm -f "$B/user-created"
    [ -e "$B/idle-user-created" ] && userdel "$IDLE_USER" 2>/dev/null && rm -f "$B/idle-user-created"
    return 0
}

# Waits (up to 5 s, or 30 s after held sessions) until no process runs as
# either benchmark user: the last sessions have ended.
pkill_user_sessions() {
    local i
    for i in $(seq "${1:-50}"); do
        pgrep -u "$BENCH_USER,$IDLE_USER" >/dev/null 2>&1 || return 0
        sleep 0.1
    done
}

# box NAME KIND COUNT MAXBYTES SEED: the Maildir $HOME_DIR/NAME, made once and
# put back to its first state afterwards (the generator is deterministic).
box() { box_of "$BENCH_USER" "$HOME_DIR/$1" "${@:2}"; }

# box_of OWNER DIR KIND COUNT MAXBYTES SEED: the same for any owner and folder.
box_of() {
    local owner=$1 dir=$2
    shift 2
    local spec
    spec="$* $(cat bench/maildir/*.[ch]pp | cksum)"
    if [ -d "$dir" ] && [ "$(cat "$dir.spec" 2>/dev/null)" = "$spec" ] &&
        "$TOOLS/postern-bench-maildir" reset "$dir" "$@" >/dev/null; then
        chown -R "$owner:" "$dir"
        return 0
    fi
    say "writing the Maildir $dir ($*)"
    rm -rf "$dir" "$dir.spec"
    "$TOOLS/postern-bench-maildir" make "$dir" "$@" > "$dir.summary" || die "cannot write the Maildir $dir"
    chown -R "$owner:" "$dir"
    echo "$spec" > "$dir.spec"
    say "  $(cat "$dir.summary")"
}

# reset_box NAME: as freshly written: every message where the generator put
# it, no server's index or size cache.
reset_box() {
    local name=$1
    "$TOOLS/postern-bench-maildir" reset "$HOME_DIR/$name" $(cut -d' ' -f1-4 "$HOME_DIR/$name.spec") >/dev/null ||
        die "cannot reset the Maildir $name"
}

# use_box NAME: ~/Maildir, which every server serves, is NAME.
use_box() { ln -sfn "$1" "$HOME_DIR/Maildir"; }
