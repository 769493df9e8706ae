#!/bin/sh
# usage: fuzz/run.sh BINARY CORPUS SECONDS: runs one libFuzzer target for
# SECONDS on a copy of its committed CORPUS (which is left as it is), prints
# one line of figures, and on a crash, a time-out or a leak prints the log's
# end and every saved input in hex, and fails.
set -u
bin=$1 corpus=$2 seconds=$3
name=$(basename "$bin")
work=$(dirname "$bin")/run/$name
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
[ -d "$corpus" ] && cp -R "$corpus"/. "$work/corpus/"
# Stacks with file and line: Debian puts the symbolizer beside clang, not on PATH.
symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
[ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
"$bin" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
status=$?
# The last status line: "#N DONE cov: C ft: F corp: U/B exec/s: E ...".
last=$(grep -E '^#[0-9]+' "$work/log" | tail -n 1)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(echo "$last" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
if [ "$status" = 0 ] && [ -z "$(ls -A "$work/artifacts")" ]; then
    echo "fuzz $name: ok seconds=$seconds execs=${execs:-?} exec/s=${rate:-?} cov=${cov:-?} ft=${ft:-?} corpus=${corp:-?}"
    exit 0
fi
echo "fuzz $name: FAILED (status $status); the end of $work/log:"
tail -n 60 "$work/log"
for input in "$work/artifacts"/*; do
    [ -f "$input" ] || continue
    echo "input $(basename "$input") ($(wc -c <"$input") bytes), hex:"
    od -An -tx1 -v "$input" | head -n 256
    echo "replay: $bin $input"
done
exit 1
