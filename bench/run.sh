#!/bin/bash
# make bench: postern against Dovecot and against the machine's limits.
# Needs root (it creates a system user and runs Dovecot); installs what it
# needs from Debian packages (bench/deps.txt); talks only to 127.0.0.1; writes
# bench/RESULTS.md. See bench/README.md.
#
# Knobs, for trying things out on a smaller scale (RESULTS.md says which were set):
#   BENCH_ROUNDS (5), BENCH_SECONDS (10, per sessions run), BENCH_SCAN_MESSAGES
#   (100000), BENCH_FETCH_BYTES (1073741824), BENCH_HELD (1000, idle sessions
#   held on every server), BENCH_HELD_MORE (10000, on postern), BENCH_HELD_ROUNDS
#   (2), BENCH_SERVERS ("dovecot tcpserver postern"), BENCH_SCENARIOS ("s1 s2 s5
#   s3 s7"; s3 runs s6 too), BENCH_OUT (bench/RESULTS.md), BENCH_USER
#   (pstrn-bench), BENCH_IDLE_USER (BENCH_USER-idle).
set -u
cd "$(dirname "$0")/.." || exit 111
ROOT=$PWD
BUILD=${BUILD:-build}
CC_CMD=${CC_CMD:-$(head -n 1 conf-cc)}
B=$ROOT/$BUILD/bench
BIN=$ROOT/$BUILD/bin
TOOLS=$B/bin
ROUNDS=${BENCH_ROUNDS:-5}
RUN_SECONDS=${BENCH_SECONDS:-10}
SCAN_MESSAGES=${BENCH_SCAN_MESSAGES:-100000}
FETCH_BYTES=${BENCH_FETCH_BYTES:-1073741824}
HELD=${BENCH_HELD:-1000}
HELD_MORE=${BENCH_HELD_MORE:-10000}
HELD_ROUNDS=${BENCH_HELD_ROUNDS:-2}
[ "$HELD_ROUNDS" -le "$ROUNDS" ] || HELD_ROUNDS=$ROUNDS
HELD_RUN_SECONDS=$(((RUN_SECONDS + 1) / 2))
SERVERS=${BENCH_SERVERS:-dovecot tcpserver postern}
SCENARIOS=${BENCH_SCENARIOS:-s1 s2 s5 s3 s7}
OUT=${BENCH_OUT:-bench/RESULTS.md}
BENCH_USER=${BENCH_USER:-pstrn-bench}
IDLE_USER=${BENCH_IDLE_USER:-$BENCH_USER-idle}
CLIENTS=8
PIPELINE_WINDOW=64
# Connections a server must take at once: the held sessions, with room for
# scenario 1's clients beside them.
MAX_CONNECTIONS=$((HELD_MORE > HELD ? HELD_MORE + 200 : HELD + 200))
CORES=$(nproc)
BUDGET_SECONDS=840  # the whole run stays under 15 minutes: later rounds are dropped past this

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 111; }
exit_hooks=""
on_exit() { exit_hooks="$1; $exit_hooks"; }
trap 'eval "$exit_hooks"' EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "make bench runs as root: it creates a user and starts Dovecot"
sh tests/deps.sh bench/deps.txt || die "cannot install the packages in bench/deps.txt"
# A descriptor a held session in the client, and room for the rest.
[ "$(ulimit -n)" -ge "$((MAX_CONNECTIONS + 1024))" ] || ulimit -n "$((MAX_CONNECTIONS + 1024))" 2>/dev/null ||
    die "cannot raise the descriptor limit (ulimit -n) to $((MAX_CONNECTIONS + 1024)) for the held sessions"
rm -rf "$B/logs" && mkdir -p "$B/logs"  # this run's logs only
RESULTS=$B/results.tsv
: > "$RESULTS"
STARTED=$(date +%s)

. bench/setup.sh
. bench/servers.sh
. bench/serving_processes.sh
. bench/scenarios.sh

build_tools
# postern's servers run only when postern's programs are built.
for p in postern-popup postern-checkpass postern-pop3d; do
    [ -x "$BIN/$p" ] || { say "no $BIN/$p: postern's chains are left out"; SERVERS=$(echo "$SERVERS" | sed 's/tcpserver//; s/postern//'); }
done
[ -x "$BIN/postern-tcpserver" ] || SERVERS=$(echo "$SERVERS" | sed 's/postern//')
[ -n "$(echo $SERVERS)" ] || die "no server to measure"
snapshot_programs
say "servers: $SERVERS; $ROUNDS rounds; $CORES cores"

setup_user
box box30 mixed 30 0 1
box box100k small "$SCAN_MESSAGES" 0 2
box box1g mixed 1000000 "$FETCH_BYTES" 3
use_box box30
box_of "$IDLE_USER" "$IDLE_HOME/Maildir" mixed 30 0 1
for s in $SERVERS; do "start_$s"; say "$s listens on 127.0.0.1:$(eval echo \$PORT_$s)"; done
# Scenario 2 with a dovecot-uidlist, when postern-pop3d can read one.
if [[ " $SERVERS " = *" postern "* ]] && grep -q POSTERN_UIDL_SOURCES "$BIN/postern-pop3d"; then
    start_postern_uidl
    say "postern with POSTERN_UIDL_SOURCES=dovecot listens on 127.0.0.1:$PORT_postern_uidl"
else
    say "no scenario 2 with a dovecot-uidlist: $BIN/postern-pop3d knows no POSTERN_UIDL_SOURCES"
fi

for scenario in $SCENARIOS; do
    case $scenario in
        s1) scenario_sessions s1 box30 ;;  # with scenario 4 on 30 messages
        s2) scenario_scan ;;               # with scenario 4 on 100,000 messages
        s5) scenario_sessions s5 box100k ;;
        s3) scenario_fetch ;;              # with scenario 4 on 1 GB, and scenario 6
        s7) scenario_held ;;
        *) die "no scenario $scenario" ;;
    esac
done

FINISHED=$(date +%s)
ROUNDS=$ROUNDS SCAN_MESSAGES=$SCAN_MESSAGES HELD=$HELD HELD_MORE=$HELD_MORE HELD_ROUNDS=$HELD_ROUNDS \
    HELD_RUN_SECONDS=$HELD_RUN_SECONDS PIPELINE_WINDOW=$PIPELINE_WINDOW \
    UIDLIST=$([ -n "${PORT_postern_uidl:-}" ] && echo yes) MINUTES=$(((FINISHED - STARTED + 30) / 60)) \
    bash bench/report.sh "$RESULTS" > "$OUT.tmp" || die "cannot write the report"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
say "wrote $OUT in $((FINISHED - STARTED)) s"
