# Shared helpers for the end-to-end scripts. Each script sources this file and
# prints one line per check: "ok - NAME", "not ok - NAME" (with details after,
# indented by "#"), or "skip - NAME (why)". tests/run counts those lines.
set -u
: "${BIN:?BIN must name the folder of built binaries (tests/run sets it)}"
T=$(mktemp -d "${TMPDIR:-/tmp}/postern-test.XXXXXX")
chmod 755 "$T"
cleanup_hooks=""
on_exit() { cleanup_hooks="$1; $cleanup_hooks"; }   # run at exit, last registered first
trap 'eval "$cleanup_hooks"; rm -rf "$T"' EXIT
CR=$(printf '\r')
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# talk ARGS...: tests/e2e/talk.py, a scripted client, within TALK_TIMEOUT seconds (20).
talk() { timeout "${TALK_TIMEOUT:-20}" python3 "$E2E/talk.py" "$@"; }
# answers: what the last session wrote to $T/out, without the CRs.
answers() { tr -d '\r' <"$T/out"; }

# start_listener NAME COMMAND...: COMMAND (a listener run with -1, which prints
# its port once it listens) in the background, its log in $T/NAME.log, stopped
# at exit; waits up to 5 s for the port. Sets LISTENER_PID and LISTENER_PORT.
start_listener() {
    local name=$1; shift
    "$@" >"$T/$name.port" 2>"$T/$name.log" &
    LISTENER_PID=$!
    on_exit "kill $LISTENER_PID 2>/dev/null"
    for _ in $(seq 50); do [ -s "$T/$name.port" ] && break; sleep 0.1; done
    LISTENER_PORT=$(head -n 1 "$T/$name.port")
}
# stop_server PID: SIGTERM, then wait for it to go (at most 15 s).
stop_server() { kill "$1" 2>/dev/null; timeout 15 tail --pid="$1" -f /dev/null; }

ok() { echo "ok - $1"; }
fail() {
    echo "not ok - $1"
    shift
    [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /' | head -n 40
    return 0
}
skip() { echo "skip - $1 ($2)"; }

# check NAME COMMAND...: passes when COMMAND exits 0.
check() {
    name=$1; shift
    if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "command: $*" "$out"; fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected: $(printf '%s' "$2" | od -c | head -n 8)" "actual:   $(printf '%s' "$3" | od -c | head -n 8)"; fi
}

# expect_file_eq NAME EXPECTED_FILE ACTUAL_FILE: byte-exact comparison.
expect_file_eq() {
    if cmp -s "$2" "$3"; then ok "$1"; else fail "$1" "$(cmp "$2" "$3" 2>&1)" "$(diff <(od -c "$2") <(od -c "$3") | head -n 20)"; fi
}

# expect_grep NAME PATTERN FILE: passes when FILE has a line matching the extended regex.
expect_grep() {
    if grep -qE -- "$2" "$3"; then ok "$1"; else fail "$1" "no line matches: $2" "$(head -n 30 "$3")"; fi
}

# need COMMAND...: when one is missing, the whole script is skipped (and CI fails on skips).
need() {
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || { skip "$(basename "$0" .sh)" "missing $c"; exit 0; }
    done
}

need_root() {
    [ "$(id -u)" = 0 ] || { skip "$(basename "$0" .sh)" "needs root"; exit 0; }
}

# make_maildir DIR: an empty Maildir.
make_maildir() { mkdir -p "$1/new" "$1/cur" "$1/tmp"; }

# crlf TEXT: TEXT with each LF turned into CRLF (for building expected answers).
crlf() { printf '%s' "$1" | sed "s/\$/$CR/"; }

# A free TCP port on 127.0.0.1 (there is a small race; tests retry on bind failure).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_port PORT: waits up to 5 s for a listener on 127.0.0.1:PORT.
# wait_log FILE PATTERN [COUNT]: waits up to 10 s for COUNT (default 1) lines
# matching PATTERN (an extended regex). Log lines may come just after the
# answers a test waited for: postern-popup writes login-ok once the session
# after the login has ended.
wait_log() {
    for _ in $(seq 100); do
        [ "$(grep -cE -- "$2" "$1" 2>/dev/null)" -ge "${3:-1}" ] && return 0
        sleep 0.1
    done
    return 1
}

wait_port() {
    for _ in $(seq 50); do
        python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1',$1)))" && return 0
        sleep 0.1
    done
    return 1
}
