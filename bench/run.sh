#!/bin/bash
# make bench: postern against Dovecot and against the machine's limits.
# Needs root (it creates a system user and runs Dovecot); installs what it
# needs from Debian packages (bench/deps.txt); talks only to 127.0.0.1; writes
# bench/RESULTS.md. See bench/README.md.
#
# Knobs, for trying things out on a smaller scale (RESULTS.md says which were set):
#   BENCH_ROUNDS (5), BENCH_SECONDS (10, per sessions run), BENCH_SCAN_MESSAGES
#   (100000), BENCH_FETCH_BYTES (1073741824), BENCH_SERVERS ("dovecot tcpserver
#   postern"), BENCH_SCENARIOS ("s1 s2 s5 s3"), BENCH_OUT (bench/RESULTS.md),
#   BENCH_USER (pstrn-bench).
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
SERVERS=${BENCH_SERVERS:-dovecot tcpserver postern}
SCENARIOS=${BENCH_SCENARIOS:-s1 s2 s5 s3}
OUT=${BENCH_OUT:-bench/RESULTS.md}
BENCH_USER=${BENCH_USER:-pstrn-bench}
CLIENTS=8
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
rm -rf "$B/logs" && mkdir -p "$B/logs"  # this run's logs only
RESULTS=$B/results.tsv
: > "$RESULTS"
STARTED=$(date +%s)

. bench/setup.sh
. bench/servers.sh
. bench/scenarios.sh

build_tools
# postern's servers run only when postern's programs are built.
for p in postern-popup postern-checkpass postern-pop3d; do
    [ -x "$BIN/$p" ] || { say "no $BIN/$p: postern's chains are left out"; SERVERS=$(echo "$SERVERS" | sed 's/tcpserver//; s/postern//'); }
done
[ -x "$BIN/postern-tcpserver" ] || SERVERS=$(echo "$SERVERS" | sed 's/postern//')
[ -n "$(echo $SERVERS)" ] || die "no server to measure"
say "servers: $SERVERS; $ROUNDS rounds; $CORES cores"

setup_user
box box30 mixed 30 0 1
box box100k small "$SCAN_MESSAGES" 0 2
box box1g mixed 1000000 "$FETCH_BYTES" 3
use_box box30
for s in $SERVERS; do "start_$s"; say "$s listens on 127.0.0.1:$(eval echo \$PORT_$s)"; done

for scenario in $SCENARIOS; do
    case $scenario in
        s1) scenario_sessions s1 box30 ;;  # with scenario 4 on 30 messages
        s2) scenario_scan ;;               # with scenario 4 on 100,000 messages
        s5) scenario_sessions s5 box100k ;;
        s3) scenario_fetch ;;              # with scenario 4 on 1 GB
        *) die "no scenario $scenario" ;;
    esac
done

FINISHED=$(date +%s)
ROUNDS=$ROUNDS bash bench/report.sh "$RESULTS" > "$OUT.tmp" || die "cannot write the report"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
say "wrote $OUT in $((FINISHED - STARTED)) s"
