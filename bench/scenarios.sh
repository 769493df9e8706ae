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
# room_for SECONDS: a round that long still ends within the time budget.
room_for() { [ $(($(date +%s) - STARTED + $1)) -le "$BUDGET_SECONDS" ]; }
port_of() { eval echo "\$PORT_$1"; }

# hold_run FILE HOLDS SERVER ON_HOLD CLIENT-ARGS...: runs the client, which
# holds its session(s) open HOLDS times; each time, ON_HOLD FILE SERVER K runs
# (and appends its figures to FILE), and the client is let go on.
hold_run() {
    local file=$1 holds=$2 server=$3 on_hold=$4 k i
    shift 4
    : > "$file"  # both the client and ON_HOLD append to it
    "$TOOLS/postern-bench-client" "$@" >> "$file" &
    local cpid=$!
    for k in $(seq "$holds"); do
        for i in $(seq 6000); do  # 5 minutes: ten thousand logins take a while
            [ "$(grep -c '^holding' "$file")" -ge "$k" ] && break
            kill -0 "$cpid" 2>/dev/null || break
            sleep 0.05
        done
        kill -0 "$cpid" 2>/dev/null || break
        "$on_hold" "$file" "$server" "$k"
        kill -USR1 "$cpid" 2>/dev/null
    done
    wait "$cpid"
}

# For hold_run: the session's peak RSS as "rss_kb_K VALUE" (and postern-pop3d's
# alone as "pop3d_kb_K VALUE").
session_rss() {
    local file=$1 server=$2 k=$3
    echo "rss_kb_$k $(session_rss_kb "$server")" >> "$file"
    [ "$server" = dovecot ] || echo "pop3d_kb_$k $(session_rss_kb "$server" postern-pop3d)" >> "$file"
}

# For hold_run: the CPU seconds the server's processes have used, as "cpu_s_K VALUE".
serving_cpu() { echo "cpu_s_$3 $(serving_cpu_s "$2")" >> "$1"; }

# sessions_run SERVER OUT [SECONDS]: CLIENTS concurrent clients loop short sessions of
# the bench user for SECONDS (RUN_SECONDS); OUT gets the client's figures and the
# server's CPU time a session ("server_cpu_ms_session": every serving
# process's, the warm-up session and failed ones counted). Fails as the client does.
sessions_run() {
    local server=$1 out=$2 seconds=${3:-$RUN_SECONDS} before after status
    before=$(serving_cpu_s "$server")
    client sessions "$(port_of "$server")" "$BENCH_USER" "$B/password" "$CLIENTS" "$seconds" > "$out"
    status=$?
    after=$(serving_cpu_s "$server")
    awk -v cpu="$(awk -v a="$after" -v b="$before" 'BEGIN { print a - b }')" '
        $1 == "sessions" || $1 == "errors" { n += $2 }
        END { printf "server_cpu_ms_session %.3f\n", 1000 * cpu / (n + 1) }' "$out" >> "$out"
    return $status
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
            if sessions_run "$s" "$out"; then
                record "$scenario" "$s" "$r" "$out" rate p50_ms p99_ms client_cpu_pct server_cpu_ms_session
                say "  round $r $s: $(awk '$1 == "rate" { print $2 }' "$out") sessions/s"
            else
                record_failure "$scenario" "$s" "$r" "$out"
            fi
        done
        [ "$scenario" = s1 ] || continue
        # The limit: the user's password checked on every core for as long.
        limit crypt "$BENCH_USER" "$B/password" 3 "$CORES" > "$out" && record s1 limit "$r" "$out" rate check_ms check_cpu_ms
        say "  round $r crypt limit: $(awk '$1 == "rate" { print $2 }' "$out") checks/s"
        # Scenario 4, small Maildir: one session holding box30 open.
        for s in $SERVERS; do
            pkill_user_sessions
            hold_run "$out" 1 "$s" session_rss scan "$(port_of "$s")" "$BENCH_USER" "$B/password" 60 &&
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
    rm -f "$B/dovecot-uidlist.box100k"  # this run's Dovecot writes it again
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
            if hold_run "$out" 1 "$s" session_rss scan "$(port_of "$s")" "$BENCH_USER" "$B/password" 60; then
                record s2warm "$s" "$r" "$out" login_stat_s list_s uidl_s
                record s4big "$s" "$r" "$out" rss_kb_1 pop3d_kb_1
                [ "$s" = dovecot ] && keep_dovecot_uidlist
                say "  round $r $s: login+STAT cold $(awk '$1 == "login_stat_s" { print $2 }' "$out.cold") s, warm $(awk '$1 == "login_stat_s" { print $2 }' "$out") s"
            else
                record_failure s2warm "$s" "$r" "$out"
            fi
        done
        [ -n "${PORT_postern_uidl:-}" ] && scan_with_uidlist "$r"
        limit readdir "$HOME_DIR/box100k" 5 > "$out" && record s2 limit "$r" "$out" readdir_s
        limit readall "$HOME_DIR/box100k" > "$out" && record s2 limit "$r" "$out" readall_s
    done
    # The warm box, for scenario 5.
    for s in $SERVERS; do client scan "$(port_of "$s")" "$BENCH_USER" "$B/password" > /dev/null; done
}

# Dovecot's own dovecot-uidlist of box100k, as its warm session left it, for
# scan_with_uidlist (reset_box removes it from the Maildir).
keep_dovecot_uidlist() {
    local list=$HOME_DIR/box100k/dovecot-uidlist
    [ "$(wc -l < "$list" 2>/dev/null)" -gt "$SCAN_MESSAGES" ] && cp "$list" "$B/dovecot-uidlist.box100k"
    return 0
}

# Scenario 2 warm on postern again, without and then with a dovecot-uidlist in
# box100k and postern-pop3d taking UIDLs from it (POSTERN_UIDL_SOURCES=dovecot),
# its first session with the list recorded apart (s2uidl1), its second timed:
# the file Dovecot wrote, or one written as Dovecot writes it when Dovecot was
# not run. "Without" is recorded as the limit: what "with" is held against.
scan_with_uidlist() {
    local r=$1 out=$B/out.uidlist list=$HOME_DIR/box100k/dovecot-uidlist
    pkill_user_sessions
    # Both timed sessions follow one that left postern's cache, on a Maildir
    # whose folders have settled (postern trusts no cache of a folder changed
    # in the last 2 s).
    wait_settled "$HOME_DIR/box100k"
    client scan "$PORT_postern" "$BENCH_USER" "$B/password" > /dev/null
    scans_median "$PORT_postern" "$out" && record s2uidl limit "$r" "$out" login_stat_s list_s uidl_s
    if [ -s "$B/dovecot-uidlist.box100k" ]; then
        cp "$B/dovecot-uidlist.box100k" "$list"
    else
        write_dovecot_uidlist "$HOME_DIR/box100k" > "$list"
    fi
    chown "$BENCH_USER:" "$list"
    # The first session after the list appeared reads it (and keeps what it found for the next).
    client scan "$PORT_postern_uidl" "$BENCH_USER" "$B/password" > "$out" &&
        record s2uidl1 postern "$r" "$out" login_stat_s list_s uidl_s
    if scans_median "$PORT_postern_uidl" "$out"; then
        record s2uidl postern "$r" "$out" login_stat_s list_s uidl_s
        say "  round $r postern with $(($(wc -l < "$list") - 1)) lines of dovecot-uidlist: login+STAT $(awk '$1 == "login_stat_s" { print $2 }' "$out") s, UIDL $(awk '$1 == "uidl_s" { print $2 }' "$out") s"
    else
        record_failure s2uidl postern "$r" "$out"
    fi
    pkill_user_sessions
    rm -f "$list"
}

# scans_median PORT OUT: three scan sessions one after the other; OUT gets
# the median of each of their figures (a session of tens of milliseconds on a
# shared machine is easily delayed). Fails if one did.
scans_median() {
    local port=$1 out=$2 i
    for i in 1 2 3; do
        pkill_user_sessions
        client scan "$port" "$BENCH_USER" "$B/password" > "$out.$i" || { cp "$out.$i" "$out"; return 1; }
    done
    cat "$out.1" "$out.2" "$out.3" | awk '$1 != "error" { v[$1] = v[$1] " " $2 }
        END { for (k in v) { n = split(v[k], x, " "); for (i = 2; i <= n; i++) for (j = i; j > 1 && x[j - 1] + 0 > x[j] + 0; j--) { t = x[j]; x[j] = x[j - 1]; x[j - 1] = t }
                            print k, x[2] } }' > "$out"
}

# wait_settled MAILDIR: until new/ and cur/ last changed 3 s ago or more.
wait_settled() {
    local newest
    newest=$(stat -c %Y "$1/new" "$1/cur" | sort -n | tail -n 1)
    while [ "$(date +%s)" -lt $((newest + 3)) ]; do sleep 0.2; done
}

# write_dovecot_uidlist MAILDIR: a dovecot-uidlist of every message, in
# Dovecot's version 3 format: "3 V<uidvalidity> N<nextuid> G<guid>", then
# "<uid> :<base file name>" a line.
write_dovecot_uidlist() {
    find "$1/new" "$1/cur" -maxdepth 1 -type f -printf '%f\n' | sed 's/:.*//' | sort |
        awk -v validity="$(date +%s)" -v guid="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" '
            { name[NR] = $0 }
            END {
                printf "3 V%d N%d G%s\n", validity, NR + 1, guid
                for (i = 1; i <= NR; i++) printf "%d :%s\n", i, name[i]
            }'
}

# Scenario 6, in scenario 3's rounds: the same fetch pipelined, RETRs sent in
# a window of PIPELINE_WINDOW; the server's CPU time from just after LIST to
# just after the last answer, a GB (10^9 octets) sent.
pipelined_fetch() {
    local s=$1 r=$2 out=$B/out.pipelined
    pkill_user_sessions
    if hold_run "$out" 2 "$s" serving_cpu pipefetch "$(port_of "$s")" "$BENCH_USER" "$B/password" "$PIPELINE_WINDOW" 60; then
        awk '$1 == "cpu_s_1" { a = $2 } $1 == "cpu_s_2" { b = $2 } $1 == "octets" { o = $2 }
             END { if (o > 0) printf "cpu_s_per_gb %.3f\n", (b - a) / (o / 1e9) }' "$out" >> "$out"
        record s6 "$s" "$r" "$out" mb_per_s wrong_sizes cpu_s_per_gb fetch_cpu_pct
        say "  round $r $s pipelined: $(awk '$1 == "mb_per_s" { print $2 }' "$out") MB/s, server CPU $(awk '$1 == "cpu_s_per_gb" { print $2 }' "$out") s a GB"
    else
        record_failure s6 "$s" "$r" "$out"
    fi
}

# Scenario 3: RETR of every message of the 1 GB Maildir; scenario 4's peak RSS
# before (after LIST) and after. Scenario 6 (pipelined) in the same rounds.
scenario_fetch() {
    local r s out=$B/out
    use_box box1g
    say "scenarios s3 and s6: fetch of $HOME_DIR/box1g, one RETR at a time and pipelined"
    # Each server sizes the Maildir once before the timed rounds (Dovecot builds its index).
    for s in $SERVERS; do
        pkill_user_sessions
        client scan "$(port_of "$s")" "$BENCH_USER" "$B/password" > /dev/null || say "  $s: warm-up failed"
    done
    for r in $(seq "$ROUNDS"); do
        over_budget && { say "  over the time budget: no more rounds"; break; }
        for s in $SERVERS; do
            pkill_user_sessions
            if hold_run "$out" 2 "$s" session_rss fetch "$(port_of "$s")" "$BENCH_USER" "$B/password" 60; then
                record s3 "$s" "$r" "$out" mb_per_s stalls slowest_small_ms wrong_sizes fetch_cpu_pct
                record s4fetch "$s" "$r" "$out" rss_kb_1 rss_kb_2 pop3d_kb_1 pop3d_kb_2
                say "  round $r $s: $(awk '$1 == "mb_per_s" { print $2 }' "$out") MB/s (client CPU $(awk '$1 == "fetch_cpu_pct" { print $2 }' "$out")%)"
            else
                record_failure s3 "$s" "$r" "$out"
            fi
            pipelined_fetch "$s" "$r"
        done
        limit tcpcopy "$HOME_DIR/box1g" > "$out" && record s3 limit "$r" "$out" mb_per_s
        say "  round $r loopback copy: $(awk '$1 == "mb_per_s" { print $2 }' "$out") MB/s"
    done
}

# Scenario 7: HELD idle sessions of the idle user held at once on Dovecot and
# postern, then HELD_MORE on postern alone; while they are held, the memory and
# descriptors of every serving process and the kernel's memory, over those of
# the server with none, a session; then scenario 1 beside them, for
# HELD_RUN_SECONDS (half scenario 1's: ten thousand logins take long enough).
scenario_held() {
    local r s out=$B/out.held counts c status keys round_s=150 started
    use_box box30
    say "scenario s7: $HELD idle sessions held (then $HELD_MORE on postern), scenario 1 beside them"
    for r in $(seq "$HELD_ROUNDS"); do
        # A round is long (ten thousand logins): it starts only if it can end within the budget.
        room_for "$round_s" || { say "  no time left in the budget for a round of $round_s s"; break; }
        started=$(date +%s)
        for s in $SERVERS; do
            case $s in
                dovecot) counts=$HELD ;;
                postern) counts="$HELD $HELD_MORE" ;;
                *) continue ;;  # ucspi-tcp's tcpserver: the same chain as postern's
            esac
            pkill_user_sessions 300
            # Scenario 1 without held sessions, in the same round: what "beside them" is held against.
            if sessions_run "$s" "$out.s1" "$HELD_RUN_SECONDS"; then
                record s7 "$s" "$r" "$out.s1" rate server_cpu_ms_session
            else
                record_failure s7 "$s" "$r" "$out.s1"
            fi
            pkill_user_sessions
            HELD_BASE="$(kernel_kb) $(serving_pss_kb "$s") $(serving_fds "$s")"
            hold_run "$out" "$(echo $counts | wc -w)" "$s" held_figures \
                hold "$(port_of "$s")" "$IDLE_USER" "$B/idle-password" 300 $counts
            status=$?
            keys=
            for c in $counts; do
                keys="$keys held_$c login_s_$c pss_kb_$c kernel_kb_$c pagetables_kb_$c kernelstack_kb_$c slab_kb_$c fds_$c"
                keys="$keys rate_$c server_cpu_ms_session_$c"
            done
            record s7 "$s" "$r" "$out" $keys $(awk '$1 ~ /^kind_/ { print $1 }' "$out")
            [ "$status" = 0 ] || record_failure s7 "$s" "$r" "$out"
        done
        round_s=$(($(date +%s) - started))
    done
    pkill_user_sessions 300
}

# For hold_run in scenario 7: the figures of the sessions held now (the
# client's last "held_COUNT OPEN" line), a session, over HELD_BASE; the
# kernel's first, as reading every process's /proc files adds to the slab.
held_figures() {
    local file=$1 server=$2 count open kernel pss fds
    read -r count open <<< "$(awk '$1 ~ /^held_/ { c = substr($1, 6); n = $2 } END { print c, n + 0 }' "$file")"
    [ "$open" -gt 0 ] || return 0
    kernel=$(kernel_kb)
    serving_memory "$server" > "$file.memory"
    pss=$(awk '$1 == "total" { print $2 }' "$file.memory")
    fds=$(serving_fds "$server")
    # The kinds of process there is one of a session: each one's PSS and page tables.
    awk -v c="$count" -v n="$open" '$1 != "total" && $2 >= 0.9 * n {
        printf "kind_pss_kb_%s_%s %.1f\nkind_pte_kb_%s_%s %.1f\n", c, $1, $3 / $2, c, $1, $4 / $2 }' "$file.memory" >> "$file"
    echo "$HELD_BASE" "$kernel $pss $fds" | awk -v c="$count" -v n="$open" '{
        printf "kernel_kb_%s %.1f\npagetables_kb_%s %.1f\nkernelstack_kb_%s %.1f\nslab_kb_%s %.1f\n",
            c, ($7 - $1) / n, c, ($8 - $2) / n, c, ($9 - $3) / n, c, ($10 - $4) / n
        printf "pss_kb_%s %.1f\nfds_%s %.2f\n", c, ($11 - $5) / n, c, ($12 - $6) / n }' >> "$file"
    say "  $server, $open sessions held: $(awk -v c="$count" '$1 == "pss_kb_" c { p = $2 } $1 == "kernel_kb_" c { k = $2 } END { print p " KB PSS, " k " KB kernel a session" }' "$file")"
    if sessions_run "$server" "$file.s1" "$HELD_RUN_SECONDS"; then
        awk -v c="$count" '$1 == "rate" || $1 == "server_cpu_ms_session" { print $1 "_" c, $2 }' "$file.s1" >> "$file"
        say "  $server, $open sessions held: $(awk '$1 == "rate" { print $2 }' "$file.s1") sessions/s beside them"
    else
        say "  $server: scenario 1 beside $open held sessions FAILED: $(grep -m 1 '^error' "$file.s1")"
    fi
}
