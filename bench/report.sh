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
function verdict(ok) { return ok == "" ? "–" : (ok ? "**met**" : "**missed**") }
function row(label, dov, tcp, pst, lim, r_dov, r_lim, target, met) {
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label, dov, tcp, pst, lim, r_dov, r_lim, target, met
}
# A figure of the three servers: scenario, key, scale, decimals.
function servers(s, k, scale, d) { c_d = cell(s, "dovecot", k, scale, d); c_t = cell(s, "tcpserver", k, scale, d); c_p = cell(s, "postern", k, scale, d) }
{
    vals[$1 SUBSEP $2 SUBSEP $4] = vals[$1 SUBSEP $2 SUBSEP $4] " " $5
    at[$1 SUBSEP $2 SUBSEP $4 SUBSEP $3] = $5
    if ($3 > rounds) rounds = $3
    if ($4 == "errors") errs[$1 SUBSEP $2] += $5
}
END {
    print "| scenario and figure | Dovecot | postern/tcpserver | postern | limit | ÷ Dovecot | ÷ limit | target | |"
    print "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"

    RD = pr("s1", "postern", "rate", "s1", "dovecot", "rate"); RL = pr("s1", "postern", "rate", "s1", "limit", "rate")
    servers("s1", "rate", 1, 1)
    met = (RD == "" || RL == "") ? "" : (RL >= 0.9 && RD >= 1.5)
    row("1 sessions: sessions/s (8 clients, 30 messages)", c_d, c_t, c_p, cell("s1", "limit", "rate", 1, 1) " crypt checks/s",
        times(RD), times(RL), "≥ 0.9× limit, ≥ 1.5× Dovecot", verdict(met))
    servers("s1", "p50_ms", 1, 1)
    row("1 sessions: latency p50, ms", c_d, c_t, c_p, cell("s1", "limit", "check_ms", 1, 1) " ms a check", "", "", "", "")
    servers("s1", "p99_ms", 1, 1)
    row("1 sessions: latency p99, ms", c_d, c_t, c_p, "", "", "", "", "")

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

    # The client must not be the limit: its CPU use, as a share of one core.
    maxcpu = 0
    for (key in vals) { split(key, p, SUBSEP); if (p[3] == "client_cpu_pct" || p[3] == "fetch_cpu_pct") { stats(p[1], p[2], p[3]); if (hi > maxcpu) { maxcpu = hi; where = p[1] " against " p[2] } } }
    printf "\nThe load client used at most %s%% of one core (%s); the machine has %d.\n", num(maxcpu, 1), where, cores
}' cores="$(nproc)" "$results"

cat <<'TAIL'

How each figure is taken (bench/README.md has more):
1. 8 clients loop connect, greeting, USER, PASS, STAT, QUIT for 10 s on a Maildir of 30
   messages (2 KB–1 MB). Limit: the user's yescrypt hash checked by crypt(3) on every core.
2. One session on 100,000 messages of about 2 KB (a tenth in new/). Cold: the Maildir as
   written (no index, no size cache, new/ not yet moved); warm: the second session after the cold one.
   Limits: one readdir pass over new/ and cur/ (warm); opening and reading every message
   file once (cold). Files are in the page cache in both cases, as for the servers.
3. LIST, then RETR of each message in turn, each answer read whole before the next command
   (no pipelining), its octets counted (CRLF, less dot-stuffing) and checked against LIST.
   The servers have sized the Maildir once before. Limit: every message file read and
   written to a loopback TCP socket by a plain copy. MB = 10^6 bytes.
4. VmHWM (peak RSS, shared library pages included) of the processes serving one open
   session: Dovecot's pop3 process (its login and auth processes are shared by all
   sessions); postern's greeter, which waits for its child, and postern-pop3d.
5. Scenario 1 on the 100,000-message Maildir, warm.
TAIL
