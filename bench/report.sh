#!/bin/bash
# bench/report.sh RESULTS.TSV: the Markdown table of bench/RESULTS.md, from the
# lines "SCENARIO SERVER ROUND KEY VALUE" that bench/run.sh recorded.
# Medians over the rounds, with min–max; each postern figure's ratio to
# Dovecot's and to the limit measured in the same run; the target; whether met.
set -u
results=$1
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
dovecot_version=$(dovecot --version 2>/dev/null | cut -d' ' -f1)
knobs=$(env | grep '^BENCH_' | grep -v '^BENCH_OUT=' | sort | tr '\n' ' ')

cat <<HEAD
# postern benchmark results

Written by \`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc) cores ($cpu),
$(awk '{ printf "%.0f GB", $2 / 1048576; exit }' /proc/meminfo) of memory, Linux $(uname -r), Dovecot $dovecot_version.
${ROUNDS:-5} rounds, each running the servers in turn (interleaved); each figure is the
median over the rounds, with the minimum and maximum in brackets.${knobs:+ Settings: ${knobs% }.}

Servers, each on its own port on 127.0.0.1, serving the same user and Maildir:
**Dovecot** (standalone, high-performance login mode, \`bench/dovecot.conf.in\`);
**postern/tcpserver**: postern-popup, postern-checkpass, postern-pop3d under
ucspi-tcp's \`tcpserver -HR -l0\`; **postern**: the same chain under postern-tcpserver.
The ratios (÷) are postern's figure (under postern-tcpserver) over Dovecot's and over
the limit, each taken within a round and then the median over the rounds (the machine
may be shared: load that comes and goes then weighs on both figures of a ratio). Both
servers check the password with crypt(3) on every login (no auth cache).

HEAD

awk -F'\t' '
function sortnum(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
}
# stats(s, v, k): sets n, med, lo, hi for one figure; returns n.
function stats(s, v, k,   parts, i) {
    n = split(vals[s SUBSEP v SUBSEP k], parts, " ")
    if (n == 0) return 0
    for (i = 1; i <= n; i++) parts[i] += 0
    sortnum(parts, n)
    med = (n % 2) ? parts[(n + 1) / 2] : (parts[n / 2] + parts[n / 2 + 1]) / 2
    lo = parts[1]; hi = parts[n]
    return n
}
function num(x, d) { return sprintf("%." d "f", x) }
# cell(s, v, k, scale, d): "median (min–max)", scaled, d decimals; "–" when not measured.
function cell(s, v, k, scale, d,   out) {
    if (!stats(s, v, k)) return (errs[s SUBSEP v] ? "failed" : "–")
    out = num(med * scale, d)
    if (n > 1) out = out " (" num(lo * scale, d) "–" num(hi * scale, d) ")"
    if (errs[s SUBSEP v]) out = out " ⚠ " errs[s SUBSEP v] " failed"
    return out
}
function median(s, v, k) { return stats(s, v, k) ? med : "" }
function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "–" : num(a / b, 2) "×" }
# pr(s, v, k, s2, v2, k2): the median over the rounds of one figure over another
# taken in the same round, so that load that came and went during the run
# weighs on both; "" when no round has both.
function pr(s, v, k, s2, v2, k2,   r, n, a, parts, i, t) {
    n = 0
    for (r = 1; r <= rounds; r++) {
        a = at[s SUBSEP v SUBSEP k SUBSEP r]; t = at[s2 SUBSEP v2 SUBSEP k2 SUBSEP r]
        if (a != "" && t != "" && t + 0 != 0) parts[++n] = (a + 0) / (t + 0)
    }
    if (n == 0) return ""
    sortnum(parts, n)
    return (n % 2) ? parts[(n + 1) / 2] : (parts[n / 2] + parts[n / 2 + 1]) / 2
}
function times(x) { return x == "" ? "–" : num(x, 2) "×" }
# put(s, v, k, r, x): a figure derived from others of round r, kept as if recorded.
function put(s, v, k, r, x) {
    at[s SUBSEP v SUBSEP k SUBSEP r] = x
    vals[s SUBSEP v SUBSEP k] = vals[s SUBSEP v SUBSEP k] " " x
}
function thousands(n) { n = n ""; while (n ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", n); return n }
function verdict(ok) { return ok == "" ? "–" : (ok ? "**met**" : "**missed**") }
function row(label, dov, tcp, pst, lim, r_dov, r_lim, target, met) {
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label, dov, tcp, pst, lim, r_dov, r_lim, target, met
}
# A figure of the three servers: scenario, key, scale, decimals.
function servers(s, k, scale, d) { c_d = cell(s, "dovecot", k, scale, d); c_t = cell(s, "tcpserver", k, scale, d); c_p = cell(s, "postern", k, scale, d) }
# kinds_cell(v, what, c): "KIND FIGURE + ..." for the kinds of process there is
# one of in each session of server v in scenario 7 (keys kind_WHAT_C_KIND), in MB.
function kinds_cell(v, what, c,   key, p, prefix, list, nk, i, j, t, out, kind) {
    prefix = "kind_" what "_" c "_"; nk = 0
    for (key in vals) {
        split(key, p, SUBSEP)
        if (p[1] == "s7" && p[2] == v && index(p[3], prefix) == 1) list[++nk] = substr(p[3], length(prefix) + 1)
    }
    for (i = 2; i <= nk; i++) { t = list[i]; for (j = i - 1; j >= 1 && list[j] > t; j--) list[j + 1] = list[j]; list[j + 1] = t }
    out = ""
    for (i = 1; i <= nk; i++) {
        stats("s7", v, prefix list[i]); kind = list[i]
        sub(/-popup\.user$/, "-popup (network child)", kind); sub(/-popup\.root$/, "-popup (root)", kind); sub(/\.user$/, "", kind)
        out = out (i > 1 ? " + " : "") kind " " num(med / 1024, 3)
    }
    return out == "" ? "–" : out
}
# Scenario 7s: Dovecot and postern (postern alone when `only`); not under ucspi-tcp.
function s7cells(k, scale, d) { servers("s7", k, scale, d); c_t = ""; if (only) c_d = "" }
{
    vals[$1 SUBSEP $2 SUBSEP $4] = vals[$1 SUBSEP $2 SUBSEP $4] " " $5
    at[$1 SUBSEP $2 SUBSEP $4 SUBSEP $3] = $5
    if ($3 > rounds) rounds = $3
    if ($4 == "errors") errs[$1 SUBSEP $2] += $5
}
END {
    print "| scenario and figure | Dovecot | postern/tcpserver | postern | limit | ÷ Dovecot | ÷ limit | target | |"
    print "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    split("dovecot tcpserver postern", sv, " ")

    RD = pr("s1", "postern", "rate", "s1", "dovecot", "rate"); RL = pr("s1", "postern", "rate", "s1", "limit", "rate")
    servers("s1", "rate", 1, 1)
    met = (RD == "" || RL == "") ? "" : (RL >= 0.9 && RD >= 1.5)
    row("1 sessions: sessions/s (8 clients, 30 messages)", c_d, c_t, c_p, cell("s1", "limit", "rate", 1, 1) " crypt checks/s",
        times(RD), times(RL), "≥ 0.9× limit, ≥ 1.5× Dovecot", verdict(met))
    servers("s1", "p50_ms", 1, 1)
    row("1 sessions: latency p50, ms", c_d, c_t, c_p, cell("s1", "limit", "check_ms", 1, 1) " ms a check", "", "", "", "")
    servers("s1", "p99_ms", 1, 1)
    row("1 sessions: latency p99, ms", c_d, c_t, c_p, "", "", "", "", "")
    # The server CPU time a session less one crypt(3) check of the same round.
    for (r = 1; r <= rounds; r++) {
        c = at["s1" SUBSEP "limit" SUBSEP "check_cpu_ms" SUBSEP r]
        for (i = 1; i <= 3; i++) {
            a = at["s1" SUBSEP sv[i] SUBSEP "server_cpu_ms_session" SUBSEP r]
            if (a != "" && c != "") put("s1", sv[i], "beyond_check_ms", r, a - c)
        }
    }
    RD = pr("s1", "postern", "beyond_check_ms", "s1", "dovecot", "beyond_check_ms")
    servers("s1", "beyond_check_ms", 1, 2)
    row("1 sessions: server CPU a session beyond its password check, ms", c_d, c_t, c_p,
        cell("s1", "limit", "check_cpu_ms", 1, 2) " ms CPU a check", times(RD), "", "", "")

    P = median("s2warm", "postern", "login_stat_s")
    RD = pr("s2warm", "postern", "login_stat_s", "s2warm", "dovecot", "login_stat_s")
    RL = pr("s2warm", "postern", "login_stat_s", "s2", "limit", "readdir_s")
    servers("s2warm", "login_stat_s", 1000, 1)
    met = (P == "" || RL == "") ? "" : (RL <= 3 && P < 0.1)
    row("2 scan warm: login+STAT, ms", c_d, c_t, c_p, cell("s2", "limit", "readdir_s", 1000, 1) " readdir",
        times(RD), times(RL), "≤ 3× limit, < 100 ms", verdict(met))
    S = P
    split("list_s uidl_s", ks, " "); split("LIST UIDL", names, " ")
    for (i = 1; i <= 2; i++) {
        RD = pr("s2warm", "postern", ks[i], "s2warm", "dovecot", ks[i])
        RL = pr("s2warm", "postern", ks[i], "s2warm", "postern", "login_stat_s")
        servers("s2warm", ks[i], 1000, 1)
        row("2 scan warm: " names[i] ", ms", c_d, c_t, c_p, "its login+STAT: " (S == "" ? "–" : num(S * 1000, 1)),
            times(RD), times(RL), "≤ 2× STAT", verdict(RL == "" ? "" : RL <= 2))
    }
    # The same warm scan, with a dovecot-uidlist and POSTERN_UIDL_SOURCES=dovecot,
    # over postern without them in the same round.
    split("login_stat_s uidl_s", ks2, " "); split("login+STAT UIDL", names2, " "); split("1.1 2", most, " ")
    for (i = 1; i <= 2; i++) {
        RD = pr("s2uidl", "postern", ks2[i], "s2warm", "dovecot", ks2[i])
        RL = pr("s2uidl", "postern", ks2[i], "s2uidl", "limit", ks2[i])
        if (uidlist == "yes")
            row("2 scan warm, " thousands(scan) "-line dovecot-uidlist, POSTERN_UIDL_SOURCES=dovecot: " names2[i] ", ms",
                cell("s2warm", "dovecot", ks2[i], 1000, 1), "", cell("s2uidl", "postern", ks2[i], 1000, 1),
                cell("s2uidl", "limit", ks2[i], 1000, 1) " without", times(RD), times(RL),
                (i == 1 ? "the same as without (≤ 1.1×)" : "≤ 2× without"), verdict(RL == "" ? "" : RL <= most[i]))
        if (uidlist == "yes" && i == 2)
            for (j = 1; j <= 2; j++) {
                RL = pr("s2uidl1", "postern", ks2[j], "s2warm", "postern", ks2[j])
                row("2 scan, first session after the dovecot-uidlist appeared (it lists the folders again): " names2[j] ", ms", "", "",
                    cell("s2uidl1", "postern", ks2[j], 1000, 1), "warm, listing again, without: " cell("s2warm", "postern", ks2[j], 1000, 1),
                    "", times(RL), "", "")
            }
        if (uidlist != "yes" && i == 1)
            row("2 scan warm with a dovecot-uidlist (POSTERN_UIDL_SOURCES=dovecot)", "", "", "not measured: this postern-pop3d has no POSTERN_UIDL_SOURCES",
                "", "", "", "login+STAT the same as without, UIDL ≤ 2× without", "–")
    }
    RD = pr("s2cold", "postern", "login_stat_s", "s2cold", "dovecot", "login_stat_s")
    RL = pr("s2cold", "postern", "login_stat_s", "s2", "limit", "readall_s")
    servers("s2cold", "login_stat_s", 1000, 1)
    row("2 scan cold: login+STAT, ms", c_d, c_t, c_p, cell("s2", "limit", "readall_s", 1000, 1) " read all files",
        times(RD), times(RL), "≤ 2× limit", verdict(RL == "" ? "" : RL <= 2))
    for (i = 1; i <= 2; i++) {
        RD = pr("s2cold", "postern", ks[i], "s2cold", "dovecot", ks[i])
        servers("s2cold", ks[i], 1000, 1)
        row("2 scan cold: " names[i] ", ms", c_d, c_t, c_p, "", times(RD), "", "", "")
    }

    RD = pr("s3", "postern", "mb_per_s", "s3", "dovecot", "mb_per_s"); RL = pr("s3", "postern", "mb_per_s", "s3", "limit", "mb_per_s")
    servers("s3", "mb_per_s", 1, 1)
    met = (RD == "" || RL == "") ? "" : (RL >= 0.5 && RD >= 3)
    row("3 fetch: MB/s (RETR of every message, 1 GB)", c_d, c_t, c_p, cell("s3", "limit", "mb_per_s", 1, 1) " loopback copy",
        times(RD), times(RL), "≥ 0.5× limit, ≥ 3× Dovecot", verdict(met))
    servers("s3", "stalls", 1, 0)
    P = median("s3", "postern", "stalls")
    row("3 fetch: answers < 64 KB that took ≥ 30 ms", c_d, c_t, c_p, "", "", "", "0 (no delayed-ACK wait)", verdict(P == "" ? "" : P == 0))
    servers("s3", "slowest_small_ms", 1, 1)
    row("3 fetch: slowest answer < 64 KB, ms", c_d, c_t, c_p, "", "", "", "", "")
    servers("s3", "wrong_sizes", 1, 0)
    P = median("s3", "postern", "wrong_sizes")
    row("3 fetch: RETR octets differing from LIST", c_d, c_t, c_p, "", "", "", "0", verdict(P == "" ? "" : P == 0))

    mb = 1 / 1024
    P = median("s4", "postern", "rss_kb_1"); D = median("s4", "dovecot", "rss_kb_1")
    servers("s4", "rss_kb_1", mb, 1)
    row("4 memory: peak RSS, MB, session on 30 messages", c_d, c_t, c_p, "", ratio(P, D), "", "≤ 2 MB", verdict(P == "" ? "" : P <= 2048))
    servers("s4", "pop3d_kb_1", mb, 1)
    row("4 memory: of which postern-pop3d, 30 messages", "", c_t, c_p, "", "", "", "", "")
    P = median("s4big", "postern", "rss_kb_1"); D = median("s4big", "dovecot", "rss_kb_1")
    servers("s4big", "rss_kb_1", mb, 1)
    row("4 memory: peak RSS, MB, session on 100,000 messages", c_d, c_t, c_p, "", ratio(P, D), "", "≤ 8 MB", verdict(P == "" ? "" : P <= 8192))
    servers("s4big", "pop3d_kb_1", mb, 1)
    row("4 memory: of which postern-pop3d, 100,000 messages", "", c_t, c_p, "", "", "", "", "")
    B1 = median("s4fetch", "postern", "rss_kb_1")
    servers("s4fetch", "rss_kb_1", mb, 1)
    row("4 memory: peak RSS, MB, 1 GB Maildir after LIST", c_d, c_t, c_p, "", ratio(B1, median("s4fetch", "dovecot", "rss_kb_1")), "", "", "")
    P = median("s4fetch", "postern", "rss_kb_2"); D = median("s4fetch", "dovecot", "rss_kb_2")
    servers("s4fetch", "rss_kb_2", mb, 1)
    row("4 memory: peak RSS, MB, 1 GB Maildir after fetching it all", c_d, c_t, c_p, "", ratio(P, D), "",
        "grows < 1 MB (the largest message) over after LIST", verdict((P == "" || B1 == "") ? "" : P - B1 < 1024))

    P = median("s5", "postern", "rate"); L = median("s1", "postern", "rate")
    RD = pr("s5", "postern", "rate", "s5", "dovecot", "rate"); RL = pr("s5", "postern", "rate", "s1", "postern", "rate")
    servers("s5", "rate", 1, 1)
    row("5 sessions on 100,000 messages: sessions/s", c_d, c_t, c_p, "scenario 1: " (L == "" ? "–" : num(L, 1)),
        times(RD), times(RL), "≥ 0.8× scenario 1", verdict(RL == "" ? "" : RL >= 0.8))
    servers("s5", "p50_ms", 1, 1)
    row("5 sessions on 100,000 messages: latency p50, ms", c_d, c_t, c_p, "", "", "", "", "")

    RL = pr("s6", "postern", "mb_per_s", "s3", "limit", "mb_per_s"); RD = pr("s6", "postern", "mb_per_s", "s6", "dovecot", "mb_per_s")
    servers("s6", "mb_per_s", 1, 1)
    row("6 pipelined fetch: MB/s (RETRs in a window of " window ", 1 GB)", c_d, c_t, c_p,
        cell("s3", "limit", "mb_per_s", 1, 1) " loopback copy", times(RD), times(RL), "≥ 0.6× limit", verdict(RL == "" ? "" : RL >= 0.6))
    RD = pr("s6", "postern", "cpu_s_per_gb", "s6", "dovecot", "cpu_s_per_gb")
    servers("s6", "cpu_s_per_gb", 1, 2)
    row("6 pipelined fetch: server CPU seconds a GB", c_d, c_t, c_p, "", times(RD), "", "≤ 0.33× Dovecot", verdict(RD == "" ? "" : RD <= 1 / 3))
    servers("s6", "wrong_sizes", 1, 0)
    P = median("s6", "postern", "wrong_sizes")
    row("6 pipelined fetch: RETR octets differing from LIST", c_d, c_t, c_p, "", "", "", "0", verdict(P == "" ? "" : P == 0))

    # Scenario 7: HELD sessions on every server, then HELD_MORE on postern.
    split(held " " held_more, hc, " ")
    for (h = 1; h <= 2; h++) {
        c = hc[h]; N = thousands(c); k = "_" c
        only = (h == 2)  # postern alone
        if (!stats("s7", "postern", "held" k) && !stats("s7", "dovecot", "held" k) && !errs["s7" SUBSEP "postern"]) continue
        for (r = 1; r <= rounds; r++)
            for (i = 1; i <= 3; i++) {
                a = at["s7" SUBSEP sv[i] SUBSEP "pss_kb" k SUBSEP r]; b = at["s7" SUBSEP sv[i] SUBSEP "kernel_kb" k SUBSEP r]
                if (a != "" && b != "") put("s7", sv[i], "total_kb" k, r, a + b)
            }
        P = median("s7", "postern", "pss_kb" k); RD = pr("s7", "postern", "pss_kb" k, "s7", "dovecot", "pss_kb" k)
        s7cells("pss_kb" k, mb, 3)
        row("7 " N " idle sessions held: PSS a session, MB", c_d, c_t, c_p, "", times(RD), "",
            h == 1 ? "≤ 0.2 MB, ≤ 0.1× Dovecot" : "≤ 0.2 MB",
            verdict(P == "" ? "" : (h == 1 ? (P <= 0.2 * 1024 && (RD == "" || RD <= 0.1)) : P <= 0.2 * 1024)))
        row("7 " N " held: PSS of the processes of a session, MB", only ? "" : kinds_cell("dovecot", "pss_kb", c), "",
            kinds_cell("postern", "pss_kb", c), "", "", "", "", "")
        s7cells("kernel_kb" k, mb, 3)
        row("7 " N " held: kernel memory a session, MB (page tables, kernel stacks, slab)", c_d, c_t, c_p, "",
            ratio(median("s7", "postern", "kernel_kb" k), median("s7", "dovecot", "kernel_kb" k)), "", "", "")
        s7cells("pagetables_kb" k, mb, 3)
        row("7 " N " held: of which page tables", c_d, c_t, c_p, "", "", "", "", "")
        row("7 " N " held: page tables of the processes of a session (VmPTE), MB", only ? "" : kinds_cell("dovecot", "pte_kb", c), "",
            kinds_cell("postern", "pte_kb", c), "", "", "", "", "")
        s7cells("kernelstack_kb" k, mb, 3)
        row("7 " N " held: of which kernel stacks", c_d, c_t, c_p, "", "", "", "", "")
        P = median("s7", "postern", "total_kb" k)
        s7cells("total_kb" k, mb, 3)
        row("7 " N " held: PSS and kernel memory a session, MB", c_d, c_t, c_p, "",
            ratio(P, median("s7", "dovecot", "total_kb" k)), "", "≤ 0.3 MB", verdict(P == "" ? "" : P <= 0.3 * 1024))
        s7cells("fds" k, 1, 1)
        row("7 " N " held: descriptors a session (serving processes)", c_d, c_t, c_p, "", "", "", "", "")
        s7cells("login_s" k, 1, 1)
        row("7 " N " held: time to log them in (16 at a time), s", c_d, c_t, c_p, "", "", "", "", "")
        RL = pr("s7", "postern", "rate" k, "s7", "postern", "rate"); RD = pr("s7", "postern", "rate" k, "s7", "dovecot", "rate" k)
        s7cells("rate" k, 1, 1)
        row("7 " N " held: scenario 1 beside them, sessions/s", c_d, c_t, c_p,
            "without them: " cell("s7", "postern", "rate", 1, 1), times(RD), times(RL), "≥ 0.9× without", verdict(RL == "" ? "" : RL >= 0.9))
        RL = pr("s7", "postern", "server_cpu_ms_session" k, "s7", "postern", "server_cpu_ms_session")
        RD = pr("s7", "postern", "server_cpu_ms_session" k, "s7", "dovecot", "server_cpu_ms_session" k)
        s7cells("server_cpu_ms_session" k, 1, 2)
        row("7 " N " held: server CPU a scenario 1 session beside them, ms", c_d, c_t, c_p,
            "without them: " cell("s7", "postern", "server_cpu_ms_session", 1, 2), times(RD), times(RL), "", "")
    }

    # The client must not be the limit: its CPU use, as a share of one core.
    maxcpu = 0
    for (key in vals) { split(key, p, SUBSEP); if (p[3] == "client_cpu_pct" || p[3] == "fetch_cpu_pct") { stats(p[1], p[2], p[3]); if (hi > maxcpu) { maxcpu = hi; where = p[1] " against " p[2] } } }
    printf "\nThe load client used at most %s%% of one core (%s); the machine has %d.\n", num(maxcpu, 1), where, cores
}' cores="$(nproc)" scan="${SCAN_MESSAGES:-100000}" uidlist="${UIDLIST:-}" window="${PIPELINE_WINDOW:-64}" \
    held="${HELD:-1000}" held_more="${HELD_MORE:-10000}" "$results"

cat <<TAIL

How each figure is taken (bench/README.md has more):
1. 8 clients loop connect, greeting, USER, PASS, STAT, QUIT for 10 s on a Maildir of 30
   messages (2 KB–1 MB). Limit: the user's yescrypt hash checked by crypt(3) on every core.
   Server CPU a session: the user and system time of every serving process (Dovecot's
   master and all below it; postern's listener and all below it), sessions that ended
   included (their parents' reaped-children times), over the run, a session, less the
   CPU time of one crypt(3) check of the same hash measured in the same round.
2. One session on 100,000 messages of about 2 KB (a tenth in new/). Cold: the Maildir as
   written (no index, no size cache, new/ not yet moved); warm: the second session after the cold one.
   Limits: one readdir pass over new/ and cur/ (warm); opening and reading every message
   file once (cold). Files are in the page cache in both cases, as for the servers.
   postern's warm session comes less than 2 s after the reset, so it lists the folders
   again (postern trusts no cache of a folder changed in the last 2 s).
   With a dovecot-uidlist: the file Dovecot wrote for the Maildir (one line a message)
   put back after the warm sessions, postern-pop3d run with POSTERN_UIDL_SOURCES=dovecot
   (UIDLs in its default format, Dovecot's %08Xu%08Xv): the median of its second to
   fourth sessions, held against the same of postern without them just before; both
   after the folders settled, so both come from postern's cache.
3. LIST, then RETR of each message in turn, each answer read whole before the next command
   (no pipelining), its octets counted (CRLF, less dot-stuffing) and checked against LIST.
   The servers have sized the Maildir once before. Limit: every message file read and
   written to a loopback TCP socket by a plain copy. MB = 10^6 bytes.
4. VmHWM (peak RSS, shared library pages included) of the processes serving one open
   session: Dovecot's pop3 process (its login and auth processes are shared by all
   sessions); postern's greeter, which waits for its child, and postern-pop3d.
5. Scenario 1 on the 100,000-message Maildir, warm.
6. Scenario 3 pipelined, in its rounds: after CAPA (both announce PIPELINING) and LIST,
   the first ${PIPELINE_WINDOW:-64} RETRs in one write, then one more as each answer is read, so that
   ${PIPELINE_WINDOW:-64} are always unanswered. Server CPU: as in 1, from just after LIST to just after
   the last answer (the session is held open at both points), over the octets; GB = 10^9 bytes.
7. A second user with a SHA-512 password (quick to check) logs in ${HELD:-1000} sessions on Dovecot
   and postern, 16 at a time, then ${HELD_MORE:-10000} on postern, and holds them idle (${HELD_ROUNDS:-2} rounds).
   While they are held: PSS (/proc/PID/smaps_rollup) summed over every serving process,
   its descriptors (/proc/PID/fd), and PageTables + KernelStack + Slab of /proc/meminfo
   (machine-wide, so the client's end of each connection and other load count too),
   each over the same figure with no session held, a session; MB = 2^20 bytes here. Then
   scenario 1 beside them for ${HELD_RUN_SECONDS:-5} s, held against the same run just before they
   were opened.
   The run took ${MINUTES:-?} minutes.
TAIL
