# Sourced by bench/run.sh: the servers under test, each on its own port on
# 127.0.0.1 with its configuration and log under $B.
#   dovecot    Dovecot's POP3 server, standalone
#   tcpserver  postern's chain under ucspi-tcp's tcpserver
#   postern    postern's chain under postern-tcpserver
#   postern_uidl  the same, postern-pop3d with POSTERN_UIDL_SOURCES=dovecot (scenario 2 only)
# start_SERVER sets PORT_SERVER and PID_SERVER (the listener, or Dovecot's master).

# wait_port PORT: until something accepts on 127.0.0.1:PORT (at most 10 s).
wait_port() {
    local i
    for i in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# wait_file_line FILE: until FILE has a first line (at most 10 s); prints it.
wait_file_line() {
    local i
    for i in $(seq 100); do
        if [ -s "$1" ]; then head -n 1 "$1"; return 0; fi
        sleep 0.1
    done
    return 1
}

start_dovecot() {
    local run=$B/dovecot
    stop_dovecot
    rm -rf "$run"
    mkdir -p "$run"
    PORT_dovecot=$("$TOOLS/postern-bench-limit" freeport)
    local uids="$BENCH_UID $IDLE_UID"
    sed -e "s|@RUN@|$run|g; s|@USERS@|$BENCH_USER $IDLE_USER|g; s|@PORT@|$PORT_dovecot|g" \
        -e "s|@UID_MIN@|$(printf '%s\n' $uids | sort -n | head -n 1)|g; s|@UID_MAX@|$(printf '%s\n' $uids | sort -n | tail -n 1)|g" \
        -e "s|@CORES@|$CORES|g; s|@WORKERS@|$((CORES * 4))|g; s|@SESSIONS@|$((HELD + 200))|g" \
        bench/dovecot.conf.in > "$run/dovecot.conf"
    dovecot -c "$run/dovecot.conf" || die "Dovecot did not start (see $run/dovecot.log)"
    on_exit stop_dovecot
    wait_port "$PORT_dovecot" || die "Dovecot does not answer on port $PORT_dovecot"
    PID_dovecot=$(cat "$run/run/master.pid")
}

stop_dovecot() {
    local conf=$B/dovecot/dovecot.conf pid
    [ -f "$B/dovecot/run/master.pid" ] || return 0
    pid=$(cat "$B/dovecot/run/master.pid")
    kill -0 "$pid" 2>/dev/null || return 0
    dovecot -c "$conf" stop 2>/dev/null || kill "$pid"
    local i
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

# The chain after the listener: greeter, password check, transaction daemon.
postern_chain() {
    echo "$BIN/postern-popup" bench.example "$BIN/postern-checkpass" "$BIN/postern-pop3d" Maildir
}

# Both listeners as qmail's documentation runs tcpserver: no DNS (-H) or IDENT
# (-R) look-ups, no local name look-up (-l 0), room for more than the load's
# connections, scenario 7's held sessions included (-c, -b); -1 prints the
# port it bound.
listener_options() { echo "-1 -H -R -l 0 -c $MAX_CONNECTIONS -b 100"; }

# start_listener SERVER PROGRAM [VAR=VALUE...]: PROGRAM (a tcpserver) with the
# chain, and the variables in its environment; sets PID_SERVER and PORT_SERVER
# once it has printed the port it listens on.
start_listener() {
    local name=$1 program=$2 out=$B/$1.port port
    shift 2
    rm -f "$out"
    # As root, postern-popup chroots its network side into an empty folder of
    # root's: one of the bench's own, not the system's /var/empty.
    mkdir -p "$B/popup-root" && chmod 755 "$B/popup-root" || die "cannot make $B/popup-root"
    env POSTERN_POPUP_ROOT="$B/popup-root" "$@" "$program" $(listener_options) 127.0.0.1 0 $(postern_chain) \
        > "$out" 2>> "$B/logs/$name.log" &
    eval "PID_$name=\$!"
    on_exit "kill $! 2>/dev/null"
    port=$(wait_file_line "$out") || die "$program did not print its port"
    eval "PORT_$name=\$port"
}

start_tcpserver() { start_listener tcpserver tcpserver; }
start_postern() { start_listener postern "$BIN/postern-tcpserver"; }
# Scenario 2 with a dovecot-uidlist: postern-pop3d taking UIDLs from it.
start_postern_uidl() { start_listener postern_uidl "$BIN/postern-tcpserver" POSTERN_UIDL_SOURCES=dovecot; }

# session_rss_kb SERVER: the summed peak RSS (VmHWM) of the processes serving
# the one session open now. For Dovecot that is the pop3 process (the login
# and auth processes are shared by all sessions); for postern, every process
# below the listener (greeter and pop3d).
# With a second argument, only the processes of that name (as in /proc/PID/comm).
session_rss_kb() {
    local root uid_filter= only=${2:-}
    eval "root=\$PID_$1"
    [ "$1" = dovecot ] && uid_filter=$BENCH_UID
    local pid total=0 kb uid
    for pid in $(ps -e -o pid=,ppid= | awk -v root="$root" '
        { parent[$1] = $2 }
        END { for (p in parent) { q = p; n = 0
                while ((q in parent) && q != root && n++ < 64) q = parent[q]
                if (q == root && p != root) print p } }'); do
        [ -r "/proc/$pid/status" ] || continue
        uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
        [ -n "$uid_filter" ] && [ "$uid" != "$uid_filter" ] && continue
        [ -n "$only" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$only" ] && continue
        kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
        total=$((total + ${kb:-0}))
    done
    echo "$total"
}
