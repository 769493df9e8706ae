#!/bin/bash
# A local user cannot jam a server slot with their own Maildir: a FIFO named
# postern-cache, a symlink in cur/ to a FIFO or to /dev/zero, a sparse message of
# a terabyte, or a scan slower than POSTERN_SCAN_TIMEOUT each get an answer within
# the bound, and the session ends: under postern-tcpserver -c 1, the next
# connection is served.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unprivileged.bash"
need python3 setpriv strace truncate
cd "$T" || exit 1

# A file system that takes a sparse file of a terabyte: this one, or as root a small tmpfs.
SPARSE_DIR=$T/sparse
if [ "$(id -u)" = 0 ] && ! truncate -s 1T "$T/probe" 2>/dev/null; then
    mkdir -p "$SPARSE_DIR" && mount -t tmpfs -o size=16m,mode=1777 postern-jam "$SPARSE_DIR" &&
        on_exit "umount '$SPARSE_DIR'"
fi
rm -f "$T/probe"
RERUN_KEEP=SPARSE_DIR rerun_unprivileged
mkdir -p "$SPARSE_DIR"

bound=2
export POSTERN_SCAN_TIMEOUT=$bound
# The listener runs $T/serve for each connection: each case writes its own.
serve() { printf '#!/bin/sh\ncd "%s" || exit 111\nexec %s\n' "$T" "$*" >"$T/serve"; chmod 755 "$T/serve"; }
start_listener jam "$BIN/postern-tcpserver" -1 -c 1 127.0.0.1 0 "$T/serve"
PORT=$LISTENER_PORT
check "postern-tcpserver -c 1 listens" test -n "$PORT"

# connect NAME: a session (LIST, QUIT); its answers in $T/NAME.out, its seconds in $T/NAME.time.
connect() {
    local start end
    start=$(date +%s.%N)
    talk --send 'LIST\r\nQUIT\r\n' --timeout 30 "$PORT" | tr -d '\r' >"$T/$1.out"
    end=$(date +%s.%N)
    echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }' >"$T/$1.time"
}
# within NAME SECONDS: the session NAME had its first answer within SECONDS.
within() { awk -v t="$(cat "$T/$1.time")" -v max="$2" 'BEGIN { exit !(t + 0 <= max + 0) }'; }

make_maildir good
printf 'Subject: fine\n\nfine\n' >good/cur/1700000001.good.h:2,
# jam ID NAME EXPECTED: connects with the Maildir `md` and the serve script as
# the case left them; expects the first answer EXPECTED within the bound (and a
# second), then that the slot is free: a second connection, to the good
# Maildir and a plain postern-pop3d, is served.
jam() {
    connect "$1"
    expect_eq "$2: answered" "$3" "$(head -n 1 "$T/$1.out")"
    check "$2: within ${bound} s and a second (took $(cat "$T/$1.time") s)" within "$1" $((bound + 1))
    ln -sfn good md
    serve "$pop3d" md
    connect "$1-next"
    expect_eq "$2: the slot is free, the next connection is served" "+OK maildrop has 1 messages (23 octets)" \
        "$(head -n 1 "$T/$1-next.out")"
}
pop3d=$BIN/postern-pop3d

make_maildir fifo-cache
printf 'Subject: a\n\na\n' >fifo-cache/cur/1700000001.a.h:2,
mkfifo fifo-cache/postern-cache
ln -sfn fifo-cache md
serve "$pop3d" md
jam fifo-cache "a FIFO named postern-cache" "+OK maildrop has 1 messages (17 octets)"
check "the FIFO was replaced by a real cache" test -f fifo-cache/postern-cache

make_maildir fifo-link
mkfifo fifo-link/fifo
ln -s ../fifo "fifo-link/cur/1700000001.fifo.h:2,"
ln -s ../fifo "fifo-link/cur/1700000002.fifo.h,W=10:2,"   # sized by its name: opened only by RETR
ln -sfn fifo-link md
jam fifo-link "a symlink in cur/ to a FIFO" "+OK maildrop has 1 messages (10 octets)"
expect_grep "it is logged, and left out" '^postern-pop3d: message-not-regular file=1700000001\.fifo\.h:2,$' "$T/jam.log"
printf 'RETR 1\r\nQUIT\r\n' | timeout 10 "$pop3d" fifo-link >out 2>log
expect_eq "RETR of one listed by its name is -ERR" "-ERR [SYS/PERM] message is not a regular file" "$(sed -n 2p out | tr -d '\r')"

make_maildir zero
ln -s /dev/zero "zero/cur/1700000001.zero.h:2,"
ln -sfn zero md
jam zero "a symlink in cur/ to /dev/zero" "+OK maildrop has 0 messages (0 octets)"
# Without Landlock to refuse it, the regular-file check does.
serve python3 "$E2E/helpers/without_landlock.py" "$pop3d" md
ln -sfn zero md
jam zero-unconfined "a symlink to /dev/zero, without Landlock" "+OK maildrop has 0 messages (0 octets)"
expect_grep "it is logged as no regular file" '^postern-pop3d: message-not-regular file=1700000001\.zero\.h:2,$' "$T/jam.log"

if truncate -s 1T "$SPARSE_DIR/probe" 2>/dev/null; then
    rm -f "$SPARSE_DIR/probe"
    make_maildir "$SPARSE_DIR/md"
    truncate -s 1T "$SPARSE_DIR/md/cur/1700000001.tera.h:2,"
    printf 'Subject: almost\n\n' >"$SPARSE_DIR/md/cur/1700000002.almost.h:2,"
    truncate -s 1000G "$SPARSE_DIR/md/cur/1700000002.almost.h:2,"
    ln -sfn "$SPARSE_DIR/md" md
    jam sparse "a sparse message of 1 TiB (and one of 1000 GiB)" "+OK maildrop has 1 messages (1073741824004 octets)"
    expect_grep "the terabyte is too large for a size, known from the file's size, unread" \
        '^postern-pop3d: message-too-large file=1700000001\.tera\.h:2, octets=1099511627776$' "$T/jam.log"
    ln -sfn "$SPARSE_DIR/md" md
    connect sparse-again
    expect_eq "the next login answers at once too" "+OK maildrop has 1 messages (1073741824004 octets)" \
        "$(head -n 1 "$T/sparse-again.out")"
    check "within a second (took $(cat "$T/sparse-again.time") s)" within sparse-again 1
    expect_grep "the 1000 GiB size came from the cache" 'sized-from-files=1 ' <(grep loaded "$T/jam.log" | tail -n 1)
    rm -rf "$SPARSE_DIR/md"
else
    skip "a sparse message of 1 TiB" "no file system here takes one"
fi

# A scan slower than the bound: the first file's first look for data made to take
# 2.2 s (strace's fault injection; lseek is the call only the sizing makes).
make_maildir slow
for i in 1 2 3; do printf 'Subject: %s\n\nslow\n' "$i" >"slow/cur/170000000$i.slow$i.h:2,"; done
ln -sfn slow md
# (LeakSanitizer cannot run under ptrace.)
serve env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -o /dev/null \
    -e trace=lseek -e inject=lseek:delay_enter=2200000:when=1 "$pop3d" md
jam slow "a scan past POSTERN_SCAN_TIMEOUT" "-ERR [SYS/TEMP] the maildrop took too long to open, try again later"
expect_grep "it is logged" '^postern-pop3d: scan-timeout user=.* maildir=md at=sizes seconds=2 sized-from-files=1$' "$T/jam.log"
ln -sfn slow md
connect slow-again
expect_eq "the next session is served" "+OK maildrop has 3 messages (60 octets)" "$(head -n 1 "$T/slow-again.out")"
expect_grep "going on from the sizes the slow one had found" 'sized-from-files=2 ' <(grep loaded "$T/jam.log" | tail -n 1)
