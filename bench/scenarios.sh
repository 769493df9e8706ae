# Sourced by bench/run.sh: the scenarios of the benchmark. Each runs every
# server once per round, in turn (A B C A B C ...), with the limit it is held
# against measured in the same round, and appends to $RESULTS lines of
#   SCENARIO <tab> SERVER <tab> ROUND <tab> KEY <tab> VALUE

client() { "$TOOLS/postern-bench-client" "$@"; }
limit() { timeout 120 "$TOOLS/postern-bench-limit" "$@"; }

# record SCENARIO SERVER ROUND FILE KEYS...: the KEYS' values from a client's
# or limit tool's "key value" output.
record() {
    local scenario=$1 server=$2 round=$3 file=$4 key value
    shift 4
    for key in "$@"; do
        value=$(awk -v k="$key" '$1 == k { print $2; exit }' "$file")
        [ -z "$value" ] || printf '%s\t%s\t%s\t%s\t%s\n' "$scenario" "$server" "$round" "$key" "$value" >> "$RESULTS"
    done
    return 0
}

# A run that failed is in the results as an error, and its message on the console.
record_failure() {
    local scenario=$1 server=$2 round=$3 file=$4
    printf '%s\t%s\t%s\terrors\t1\n' "$scenario" "$server" "$round" >> "$RESULTS"
    say "  $scenario $server round $round FAILED: $(grep -m 3 '^error' "$file" | tr '\n' ' ')"
}

over_budget() { [ $(($(date +%s) - STARTED)) -gt "$BUDGET_SECONDS" ]; }
port_of() { eval echo "\$PORT_$1"; }

# hold_run FILE HOLDS SERVER CLIENT-ARGS...: runs the client, which holds its
# session open HOLDS times; each time, the session's peak RSS is appended to
# FILE as "rss_kb_N VALUE" (and postern-pop3d's alone as "pop3d_kb_N VALUE"),
# and the client is let go on.
hold_run() {
    local file=$1 holds=$2 server=$3 k i
    shift 3
    : > "$file"  # both the client and this function append to it
    "$TOOLS/postern-bench-client" "$@" >> "$file" &
    local cpid=$!
    for k in $(seq "$holds"); do
        for i in $(seq 1200); do
            [ "$(grep -c '^holding' "$file")" -ge "$k" ] && break
            kill -0 "$cpid" 2>/dev/null || break
            sleep 0.05
        done
        echo "rss_kb_$k $(session_rss_kb "$server")" >> "$file"
        [ "$server" = dovecot ] || echo "pop3d_kb_$k $(session_rss_kb "$server" postern-pop3d)" >> "$file"
        kill -USR1 "$cpid" 2>/dev/null
    done
    wait "$cpid"
}

# Scenarios 1 and 5: CLIENTS concurrent clients loop short sessions.
scenario_sessions() {
    local scenario=$1 box=$2 r s out=$B/out
    use_box "$box"
    say "scenario $scenario: $CLIENTS clients, $RUN_SECONDS s each, on $box"
    for r in $(seq "$ROUNDS"); do
        over_budget && { say "  over the time budget: no more rounds"; break; }
        for s in $SERVERS; do
            pkill_user_sessions
            if client sessions "$(port_of "$s")" "$BENCH_USER" "$B/password" "$CLIENTS" "$RUN_SECONDS" > "$out"; then
                record "$scenario" "$s" "$r" "$out" rate p50_ms p99_ms client_cpu_pct
                say "  round $r $s: $(awk '$1 == "rate" { print $2 }' "$out") sessions/s"
            else
                record_failure "$scenario" "$s" "$r" "$out"
            fi
        done
        [ "$scenario" = s1 ] || continue
        # The limit: the user's password checked on every core for as long.
        limit crypt "$BENCH_USER" "$B/password" 3 "$CORES" > "$out" && record s1 limit "$r" "$out" rate check_ms
        say "  round $r crypt limit: $(awk '$1 == "rate" { print $2 }' "$out") checks/s"
        # Scenario 4, small Maildir: one session holding box30 open.
        for s in $SERVERS; do
            pkill_user_sessions
            hold_run "$out" 1 "$s" scan "$(port_of "$s")" "$BENCH_USER" "$B/password" 60 &&
                record s4 "$s" "$r" "$out" rss_kb_1 pop3d_kb_1 || record_failure s4 "$s" "$r" "$out"
        done
    done
}

# Scenario 2: one session on 100,000 messages, cold (as written) then warm;
# scenario 4's large Maildir is measured on the warm session.
scenario_scan() {
    local r s out=$B/out
    use_box box100k
    say "scenario s2: scan of $SCAN_MESSAGES messages"
    # Every server then finds the files in the page cache, the first as the last.
    limit readall "$HOME_DIR/box100k" > /dev/null
    for r in $(seq "$ROUNDS"); do
        over_budget && { say "  over the time budget: no more rounds"; break; }
        for s in $SERVERS; do
            pkill_user_sessions
            reset_box box100k
            if client scan "$(port_of "$s")" "$BENCH_USER" "$B/password" > "$out.cold"; then
                record s2cold "$s" "$r" "$out.cold" login_stat_s list_s uidl_s
            else
                record_failure s2cold "$s" "$r" "$out.cold"
            fi
            client scan "$(port_of "$s")" "$BENCH_USER" "$B/password" > /dev/null
            pkill_user_sessions
            if hold_run "$out" 1 "$s" scan "$(port_of "$s")" "$BENCH_USER" "$B/password" 60; then
                record s2warm "$s" "$r" "$out" login_stat_s list_s uidl_s
                record s4big "$s" "$r" "$out" rss_kb_1 pop3d_kb_1
                say "  round $r $s: login+STAT cold $(awk '$1 == "login_stat_s" { print $2 }' "$out.cold") s, warm $(awk '$1 == "login_stat_s" { print $2 }' "$out") s"
            else
                record_failure s2warm "$s" "$r" "$out"
            fi
        done
        limit readdir "$HOME_DIR/box100k" 5 > "$out" && record s2 limit "$r" "$out" readdir_s
        limit readall "$HOME_DIR/box100k" > "$out" && record s2 limit "$r" "$out" readall_s
    done
    # The warm box, for scenario 5.
    for s in $SERVERS; do client scan "$(port_of "$s")" "$BENCH_USER" "$B/password" > /dev/null; done
}

# Scenario 3: RETR of every message of the 1 GB Maildir; scenario 4's peak RSS
# before (after LIST) and after.
scenario_fetch() {
    local r s out=$B/out
    use_box box1g
    say "scenario s3: fetch of $HOME_DIR/box1g"
    # Each server sizes the Maildir once before the timed rounds (Dovecot builds its index).
    for s in $SERVERS; do
        pkill_user_sessions
        client scan "$(port_of "$s")" "$BENCH_USER" "$B/password" > /dev/null || say "  $s: warm-up failed"
    done
    for r in $(seq "$ROUNDS"); do
        over_budget && { say "  over the time budget: no more rounds"; break; }
        for s in $SERVERS; do
            pkill_user_sessions
            if hold_run "$out" 2 "$s" fetch "$(port_of "$s")" "$BENCH_USER" "$B/password" 60; then
                record s3 "$s" "$r" "$out" mb_per_s stalls slowest_small_ms wrong_sizes fetch_cpu_pct
                record s4fetch "$s" "$r" "$out" rss_kb_1 rss_kb_2 pop3d_kb_1 pop3d_kb_2
                say "  round $r $s: $(awk '$1 == "mb_per_s" { print $2 }' "$out") MB/s (client CPU $(awk '$1 == "fetch_cpu_pct" { print $2 }' "$out")%)"
            else
                record_failure s3 "$s" "$r" "$out"
            fi
        done
        limit tcpcopy "$HOME_DIR/box1g" > "$out" && record s3 limit "$r" "$out" mb_per_s
        say "  round $r loopback copy: $(awk '$1 == "mb_per_s" { print $2 }' "$out") MB/s"
    done
}
