#!/bin/sh
# memory_needed.sh LOW HIGH COMMAND...: the smallest N in [LOW, HIGH] (to
# 64 KiB) for which COMMAND... succeeds with LIMIT=N in its environment,
# found by bisection; prints N, or "none" when even HIGH fails. COMMAND
# runs the chain under `softlimit -m "$LIMIT"`, as a daemontools run script
# does (softlimit -m sets RLIMIT_DATA, _STACK, _MEMLOCK and _AS at once, and
# every process of the chain inherits them, so N is what its hungriest
# process needs), and succeeds only when the login it makes succeeds.
low=$1 high=$2
shift 2
LIMIT=$high "$@" >/dev/null 2>&1 || { echo none; exit 1; }
while [ $((high - low)) -gt 65536 ]; do
    mid=$(( (low + high) / 2 ))
    if LIMIT=$mid "$@" >/dev/null 2>&1; then high=$mid; else low=$mid; fi
done
echo "$high"
