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

# The user postern-checkpass and Dovecot both authenticate: a system user with
# a yescrypt password in /etc/shadow, new every run, and its home under $B.
setup_user() {
    HOME_DIR=$B/home
    mkdir -p "$HOME_DIR"
    if getent passwd "$BENCH_USER" >/dev/null; then
        [ -e "$B/user-created" ] || [ "$(getent passwd "$BENCH_USER" | cut -d: -f6)" = "$HOME_DIR" ] ||
            die "a user $BENCH_USER exists that this benchmark did not create; remove it or set BENCH_USER"
    else
        useradd --system --user-group --no-create-home --home-dir "$HOME_DIR" --shell /usr/sbin/nologin "$BENCH_USER" ||
            die "cannot create the user $BENCH_USER"
        : > "$B/user-created"
    fi
    on_exit remove_user
    BENCH_UID=$(id -u "$BENCH_USER")
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$B/password")
    local hash
    hash=$("$TOOLS/postern-bench-limit" hash "$B/password") || die "cannot hash the password"
    usermod -p "$hash" "$BENCH_USER" || die "cannot set the password of $BENCH_USER"
    chown "$BENCH_USER:" "$HOME_DIR" && chmod 755 "$HOME_DIR"
}

remove_user() {
    [ -e "$B/user-created" ] || return 0
    pkill_user_sessions
    userdel "$BENCH_USER" 2>/dev/null && rm -f "$B/user-created"
}

# Waits (up to 5 s) until no process runs as the benchmark user: the last
# sessions have ended.
pkill_user_sessions() {
    local i
    for i in $(seq 50); do
        pgrep -u "$BENCH_USER" >/dev/null 2>&1 || return 0
        sleep 0.1
    done
}

# box NAME KIND COUNT MAXBYTES SEED: the Maildir $HOME_DIR/NAME, made once and
# put back to its first state afterwards (the generator is deterministic).
box() {
    local name=$1
    shift
    local dir=$HOME_DIR/$name
    local spec
    spec="$* $(cat bench/maildir/*.[ch]pp | cksum)"
    if [ -d "$dir" ] && [ "$(cat "$dir.spec" 2>/dev/null)" = "$spec" ] &&
        "$TOOLS/postern-bench-maildir" reset "$dir" "$@" >/dev/null; then
        chown -R "$BENCH_USER:" "$dir"
        return 0
    fi
    say "writing the Maildir $name ($*)"
    rm -rf "$dir" "$dir.spec"
    "$TOOLS/postern-bench-maildir" make "$dir" "$@" > "$dir.summary" || die "cannot write the Maildir $name"
    chown -R "$BENCH_USER:" "$dir"
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
