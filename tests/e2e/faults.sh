#!/bin/bash
# Faults against postern-pop3d, kept as regression tests: a kill -9 in the
# middle of QUIT's deletions, a read-only Maildir, a full file system, files
# that vanish mid-session, two sessions deleting the same messages, a damaged
# size cache. Each Maildir is checked against sha256 sums of every message
# taken before: a message is intact or deleted as asked, never truncated,
# duplicated or lost; and a later session's STAT, LIST, UIDL and RETR agree
# with the files.
. "$(dirname "$0")/lib.sh"
need python3 sha256sum setpriv
FAULTS=$E2E/helpers/pop3_faults.py
cd "$T" || exit 1

# pop3d runs as a user made here when the test runs as root (postern-pop3d is
# a mail user's program), as whoever runs the test otherwise.
if [ "$(id -u)" = 0 ]; then
    FAULT_USER=pstrn-flt-$$
    useradd -M -d "$T" -s /usr/sbin/nologin -U "$FAULT_USER" || exit 1
    on_exit "userdel $FAULT_USER 2>/dev/null"
    AS_USER="setpriv --reuid=$FAULT_USER --regid=$FAULT_USER --clear-groups --"
    give() { chown -R "$FAULT_USER:" "$@"; }
else
    AS_USER=
    give() { :; }
fi
as_user() { $AS_USER "$@"; }
# pop3d MAILDIR: the command line of a session (the folders here have no spaces).
pop3d() { echo $AS_USER env USER=faults "$BIN/postern-pop3d" "$1"; }

# messages MAILDIR DIR COUNT [FIRST]: COUNT messages in MAILDIR/DIR ("new", or
# "cur" with ":2,"), delivered a second apart long ago, with the content that
# trips encoders up: dot-stuffing, CRLF storage, no final newline, empty.
messages() {
    python3 - "$@" <<'PY'
import os, sys
maildir, sub, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
first = int(sys.argv[4]) if len(sys.argv) > 4 else 1
for sub_dir in ('new', 'cur', 'tmp'):
    os.makedirs(os.path.join(maildir, sub_dir), exist_ok=True)
for i in range(first, first + count):
    t = 1600000000 + i
    name = '%d.M%dP%d.faults' % (t, i, 4242) + (':2,' if sub == 'cur' else '')
    kind = i % 5
    head = 'From: f%d@example.org\nSubject: fault %d\n\n' % (i, i)
    body = [head + 'body %d\n.leading dot\n..two\n.\nend\n' % i,
            (head + 'stored with CRLF %d\nsecond\n' % i).replace('\n', '\r\n'),
            head + 'no final newline %d' % i,
            '',
            head + ('x' * (i % 700)) + '\n'][kind]
    path = os.path.join(maildir, sub, name)
    with open(path, 'w', newline='') as f:
        f.write(body)
    os.utime(path, (t, t))
PY
    give "$1"
}
snapshot() { python3 "$FAULTS" snapshot "$1" >"$2"; }
# intact NAME SNAPSHOT MAILDIR [--may-go F|all] [--must-go F]: the check of every message.
intact() {
    local name=$1 out; shift
    if out=$(python3 "$FAULTS" compare "$@" 2>&1); then ok "$name ($out)"; else fail "$name" "$out"; fi
}
# consistent NAME MAILDIR: a later session lists exactly the files, and RETR sends each.
consistent() {
    local out
    if out=$(python3 "$FAULTS" consistent "$T/consistent.log" "$2" -- $(pop3d "$2") 2>&1); then ok "$1 ($out)"
    else fail "$1" "$out" "$(tail -n 5 "$T/consistent.log")"; fi
}
# script LOG MAILDIR < STEPS: a scripted session (see pop3_faults.py); transcript on stdout.
script() { python3 "$FAULTS" script "$1" -- $(pop3d "$2"); }
after() { grep -A1 -xF "# $2" "$1" | sed -n 2p; }   # the first line of the answer to a step
bases() { sed -n "$1"p "$2" | cut -d' ' -f1; }   # bases of some lines of a snapshot
count_files() { find "$1/new" "$1/cur" -type f | wc -l; }

# The cache's Maildir is made first: its directories settle during the other checks.
messages cache cur 300

# --- kill -9 in the middle of QUIT's deletions ---------------------------------------------
# 5,000 messages; 4,000 deleted and 100 retrieved (renamed seen at QUIT). The
# kill comes when the 1,000th deletion is done, so QUIT has begun and not ended.
for try in 1 2 3; do
    rm -rf big; messages big cur 5000
    snapshot big big.sum
    bases 1,4000 big.sum >big.asked
    watch=big/cur/$(sed -n 1000p big.sum | cut -d' ' -f3 | cut -d/ -f2)
    script big.log big >big.out <<EOF
open A
A STAT
A DELE {1..4000}
A RETR {4001..4100}
A send QUIT
A kill-when-gone $watch
EOF
    left=$(count_files big)
    grep -q '^A killed$' big.out && [ "$left" -gt 1000 ] && [ "$left" -lt 5000 ] && break
done
expect_eq "the session took every DELE" "A< 4000 answers: +OK=4000 -ERR=0" "$(grep -F '4000 answers' big.out)"
check "pop3d was killed while QUIT deleted: some files gone, not all ($left left)" \
    test "$left" -gt 1000 -a "$left" -lt 5000 -a "$(grep -c '^A killed$' big.out)" = 1
intact "after the kill every message is intact or deleted as asked" big.sum big --may-go big.asked
consistent "a later session lists the files left and sends each" big
script big.log big >big.out <<'EOF'
open B
B DELE {1..100}
B QUIT
EOF
expect_eq "and can delete what is left" "B< +OK bye" "$(tail -n 1 big.out)"
rm -rf big

# The same in the middle of the seen flags QUIT sets: 2,000 retrieved messages,
# killed once the 500th is renamed; none may be in cur/ twice or lost.
for try in 1 2 3; do
    rm -rf seen; messages seen cur 2000
    snapshot seen seen.sum
    script seen.log seen >seen.out <<EOF
open A
A RETR {1..2000}
A send QUIT
A kill-when-gone seen/$(sed -n 500p seen.sum | cut -d' ' -f3)
EOF
    flagged=$(ls seen/cur | grep -c ':2,S$')
    grep -q '^A killed$' seen.out && [ "$flagged" -ge 500 ] && [ "$flagged" -lt 2000 ] && break
done
check "pop3d was killed while QUIT flagged messages seen ($flagged of 2000 flagged)" \
    test "$flagged" -ge 500 -a "$flagged" -lt 2000 -a "$(grep -c '^A killed$' seen.out)" = 1
intact "after that kill every message is there once, intact" seen.sum seen
consistent "and a later session is consistent" seen
rm -rf seen

# And in the middle of the moves from new/ to cur/ that come before the
# login's answer: killed once the 2,000th has moved.
for try in 1 2 3; do
    rm -rf moving; messages moving new 5000
    snapshot moving moving.sum
    killed=$(python3 "$FAULTS" kill-when-gone moving/new 2000 moving.log -- $(pop3d moving))
    moved=$(ls moving/cur | wc -l)
    [ "$killed" = killed ] && [ "$moved" -ge 2000 ] && [ "$moved" -lt 5000 ] && break
done
check "pop3d was killed while it moved new/ to cur/ ($moved of 5000 moved)" \
    test "$killed" = killed -a "$moved" -ge 2000 -a "$moved" -lt 5000
intact "after that kill every message is there once, intact" moving.sum moving
consistent "and a later session is consistent" moving
rm -rf moving

# --- a read-only Maildir ----------------------------------------------------------------
# readonly_checks HOW MAILDIR: messages in new/ and cur/; the Maildir made read-only by HOW.
readonly_checks() {
    local how=$1 md=$2
    script "ro-$how.log" "$md" >"ro-$how.out" <<'EOF'
open A
A STAT
A RETR 1
A RETR 4
A DELE 1
A DELE 4
A QUIT
A close
EOF
    expect_grep "$how: the login is answered +OK" '^A< \+OK maildrop has 6 messages' "ro-$how.out"
    expect_eq "$how: RETR works (a message in new/ is served from there)" 2 "$(grep -c '^A< Subject: fault [14]$' "ro-$how.out")"
    expect_eq "$how: DELE+QUIT says the deletions failed" "A< -ERR [SYS/TEMP] some deleted messages were not removed" \
        "$(after "ro-$how.out" 'A QUIT')"
    expect_grep "$how: the failed deletions are logged" '^postern-pop3d: delete-failed file=' "ro-$how.log.A"
    expect_eq "$how: pop3d exits 0, having answered" "A exit=0" "$(grep '^A exit=' "ro-$how.out")"
    intact "$how: nothing lost or changed" "ro-$how.sum" "$md"
    consistent "$how: a later session lists and sends every message" "$md"
}
messages ro-chmod new 3; messages ro-chmod cur 3 4
snapshot ro-chmod ro-chmod.sum
as_user chmod a-w ro-chmod ro-chmod/new ro-chmod/cur ro-chmod/tmp
readonly_checks chmod ro-chmod
as_user chmod u+w ro-chmod ro-chmod/new ro-chmod/cur ro-chmod/tmp

if [ "$(id -u)" = 0 ]; then
    messages ro-src new 3; messages ro-src cur 3 4
    mkdir ro-mount
    mount --bind ro-src ro-mount && on_exit "umount $T/ro-mount 2>/dev/null" &&
        mount -o remount,bind,ro ro-mount
    snapshot ro-mount ro-mount.sum
    check "the bind mount is read-only" sh -c "test -d ro-mount/new && ! touch ro-mount/new/x 2>/dev/null"
    readonly_checks mount ro-mount
    umount ro-mount
    intact "mount: the Maildir under the mount is as it was" ro-mount.sum ro-src
else
    skip "a read-only bind mount" "needs root"
fi

# --- a full file system -----------------------------------------------------------------
# full_checks WHAT: the tmpfs at full/ is full (of WHAT); its Maildir cannot get a cache.
full_checks() {
    local what=$1 md=full/Maildir
    snapshot "$md" "full-$what.sum"
    consistent "$what full: a session lists and sends every message" "$md"
    check "$what full: the cache could not be written, and no half-written one is left" \
        sh -c "ls $md/tmp >/dev/null && ! ls -a $md $md/tmp | grep postern-cache"
    script "full-$what.log" "$md" >"full-$what.out" <<'EOF'
open A
A DELE 2
A RETR 3
A QUIT
A close
EOF
    expect_eq "$what full: DELE+QUIT works" "A< +OK bye|A exit=0" "$(after "full-$what.out" 'A QUIT')|$(after "full-$what.out" 'A close')"
    bases 2 "full-$what.sum" >"full-$what.asked"
    intact "$what full: only the deleted message is gone" "full-$what.sum" "$md" \
        --may-go "full-$what.asked" --must-go "full-$what.asked"
    consistent "$what full: the next session is consistent too" "$md"
}
if [ "$(id -u)" = 0 ]; then
    mkdir full
    mount -t tmpfs -o size=1m,nr_inodes=400,mode=755 postern-faults full && on_exit "umount $T/full 2>/dev/null"
    messages full/Maildir new 20; messages full/Maildir cur 20 21
    dd if=/dev/zero of=full/filler bs=4k 2>/dev/null
    check "blocks: the tmpfs is full" sh -c "mountpoint -q full && test -d full/Maildir/tmp && ! dd if=/dev/zero of=full/Maildir/tmp/probe bs=1 count=1 2>/dev/null"
    rm -f full/Maildir/tmp/probe
    full_checks blocks
    rm full/filler full/Maildir/postern-cache
    mkdir full/inodes
    for i in $(seq 500); do touch "full/inodes/$i" 2>/dev/null || break; done
    check "inodes: the tmpfs has no inode left" sh -c "test -d full/Maildir/tmp && ! touch full/Maildir/tmp/probe 2>/dev/null"
    full_checks inodes
    rm -rf full/inodes
    umount full
else
    skip "a full file system" "needs root for a tmpfs"
fi

# --- files vanishing mid-session ----------------------------------------------------------
messages gone cur 6
snapshot gone gone.sum
bases 2,3 gone.sum >gone.asked
mkdir moved
script gone.log gone >gone.out <<EOF
open A
A LIST
! rm gone/cur/$(bases 2 gone.sum):2,
! mv gone/cur/$(bases 3 gone.sum):2, moved/
A RETR 2
A TOP 3 0
A RETR 4
A STAT
A DELE 2
A QUIT
A close
EOF
expect_eq "a deleted message gets -ERR on RETR" "A< -ERR [SYS/PERM] message is gone: it was deleted by another session" \
    "$(after gone.out 'A RETR 2')"
expect_eq "a moved message gets -ERR on TOP" "A< -ERR [SYS/PERM] message is gone: it was deleted by another session" \
    "$(after gone.out 'A TOP 3 0')"
expect_grep "and the session goes on: the next RETR" '^A< Subject: fault 4$' gone.out
expect_eq "and QUIT" "A< +OK bye|A exit=0" "$(after gone.out 'A QUIT')|$(after gone.out 'A close')"
intact "only the vanished messages are gone from the Maildir" gone.sum gone --may-go gone.asked --must-go gone.asked
expect_eq "the moved one is intact where it went" "$(sed -n 3p gone.sum | cut -d' ' -f2)" \
    "$(sha256sum moved/* | cut -d' ' -f1)"
consistent "a later session is consistent" gone

# --- two sessions deleting the same messages ------------------------------------------
# Interleaved: A and B both open; A deletes 1-60 and retrieves 61-80, B deletes
# 41-100; A quits first, so B finds 61-80 renamed seen.
messages two cur 120
snapshot two two.sum
bases 1,100 two.sum >two.asked
script two.log two >two.out <<'EOF'
open A
open B
A DELE {1..60}
A RETR {61..80}
B DELE {41..100}
A QUIT
B QUIT
A close
B close
EOF
expect_eq "interleaved: both sessions end +OK" "A< +OK bye|B< +OK bye" "$(grep -E '^[AB]< \+OK bye' two.out | sort | paste -sd'|')"
intact "interleaved: each message deleted once, nothing else lost" two.sum two --may-go two.asked --must-go two.asked
expect_eq "and a message one session flagged seen is still deleted by the other" "20 files, 0 seen" \
    "$(ls two/cur | wc -l) files, $(ls two/cur | grep -c ':2,S') seen"
consistent "interleaved: a later list is consistent" two

# Concurrent: 3,000 messages; A deletes 1-2000, B 1001-3000 less 2901-3000,
# which it retrieves; both QUITs are sent at once.
messages two2 cur 3000
snapshot two2 two2.sum
bases 1,2900 two2.sum >two2.asked
script two2.log two2 >two2.out <<'EOF'
open A
open B
A DELE {1..2000}
B DELE {1001..2900}
B RETR {2901..3000}
A send QUIT
B send QUIT
A wait QUIT
B wait QUIT
A close
B close
EOF
expect_eq "concurrent: both sessions end +OK" "A< +OK bye|B< +OK bye" "$(grep -E '^[AB]< \+OK bye' two2.out | sort | paste -sd'|')"
intact "concurrent: each message deleted once, nothing else lost" two2.sum two2 --may-go two2.asked --must-go two2.asked
consistent "concurrent: a later list is consistent" two2
expect_eq "the retrieved ones are flagged seen" 100 "$(ls two2/cur | grep -c ':2,S$')"

# --- a damaged size cache ------------------------------------------------------------------
snapshot cache cache.sum
consistent "cache: a first session sizes the files" cache
for _ in $(seq 30); do
    as_user env USER=faults "$BIN/postern-pop3d" cache </dev/null >/dev/null 2>cache.log
    grep -q 'listing=cache' cache.log && break
    sleep 0.2
done
expect_grep "cache: once settled, the listing comes from the cache" 'listing=cache sized-from-files=0' cache.log
cp -p cache/postern-cache good-cache
# damage NAME COMMAND: the good cache, damaged by COMMAND (run on file "c"), put in place.
damage() {
    cp -p good-cache c && sh -c "$2" && cp c cache/postern-cache && give cache/postern-cache
    local out rc
    out=$(python3 "$FAULTS" consistent "$T/cache-$1.log" cache -- $(pop3d cache) 2>&1); rc=$?
    if [ $rc = 0 ] || { [ $rc = 3 ] && grep -q 'cache-damaged' "cache-$1.log"; }; then
        ok "cache $1: the sizes served are right, or the session ends -ERR first ($out)"
    else
        fail "cache $1: the sizes served are right, or the session ends -ERR first" "$out" "$(tail -n 3 "cache-$1.log")"
    fi
    consistent "cache $1: the next session is right" cache
}
damage truncated 'head -c $(($(wc -c <c) / 2)) good-cache >c'
damage "cut at a line" 'head -n 100 good-cache >c'
damage empty ': >c'
damage garbage 'head -c 20000 /dev/urandom >c'
damage "garbage after a good header" 'head -n 3 good-cache >c; head -c 5000 /dev/urandom >>c'
damage "a long line" 'head -n 3 good-cache >c; head -c 100000 /dev/zero | tr "\0" 9 >>c; echo " x" >>c'
damage "one size wrong" 'sed -i "10s/^[0-9]*/7/" c'
damage "an entry missing" 'sed -i 20d c'
damage "an entry twice" 'sed -i "20p" c'
damage "a size past 64 bits" 'sed -i "10s/^[0-9]*/99999999999999999999999/" c'
intact "cache: every message intact after the damaged caches" cache.sum cache
# A message removed while the listing comes from the cache: -ERR for it alone.
snapshot cache cache.sum
bases 5 cache.sum >cache.asked
script cache-gone.log cache >cache-gone.out <<EOF
open A
A STAT
! rm cache/cur/$(bases 5 cache.sum):2,
A LIST 5
A RETR 5
A RETR 6
A DELE 5
A QUIT
EOF
expect_grep "cache: the session listed from the cache" 'listing=cache' cache-gone.log.A
expect_eq "cache: a message removed mid-session gets -ERR, the next is sent, QUIT is +OK" \
    "A< -ERR [SYS/PERM] message is gone: it was deleted by another session|A< +OK|A< +OK bye" "$(after cache-gone.out 'A RETR 5')|$(after cache-gone.out 'A RETR 6' | cut -c1-6)|$(after cache-gone.out 'A QUIT')"
intact "cache: only that message is gone" cache.sum cache --may-go cache.asked --must-go cache.asked
consistent "cache: and the next session is consistent" cache
# The same when the directories changed since the cache was written (a
# delivery): the scan takes what sizes a valid cache knows, and only then.
messages cache new 1 301
damage "one size wrong, after a delivery" 'sed -i "10s/^[0-9]*/7/" c'
messages cache new 1 302
damage "truncated, after a delivery" 'head -c $(($(wc -c <c) / 2)) good-cache >c'
expect_grep "cache: those two sessions listed by a scan" 'listing=scan' "cache-truncated, after a delivery.log"
