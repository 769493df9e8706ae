#!/bin/bash
# Maildir++ quota kept on delete, with the real programs that enforce it: a
# Maildir given a quota by Courier's maildirmake -q and filled by deliverquota
# until it refuses takes mail again once postern-pop3d has deleted some (the
# line it appended to maildirsize says what it removed); and Dovecot's quota
# plugin, whose own maildirsize postern-pop3d appends to, reports the usage its
# own recalculation finds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/unprivileged.bash"
rerun_unprivileged  # postern-pop3d does not run as root; the MDA and doveadm run as the user too
PATH=$PATH:/usr/sbin
need python3 doveadm
MAILDIRMAKE=$(command -v maildirmake.maildrop || command -v maildirmake.courier)
DELIVERQUOTA=$(command -v deliverquota.maildrop || command -v deliverquota.courier)
[ -n "$MAILDIRMAKE" ] && [ -n "$DELIVERQUOTA" ] || { skip quota "missing maildrop's maildirmake and deliverquota"; exit 0; }
POP3D=$BIN/postern-pop3d
cd "$T" || exit 1

# session MAILDIR 'CMD\r\n...': one piped session; answers in $T/out, log in $T/log.
session() { printf "$2" | timeout 20 "$POP3D" "$1" >"$T/out" 2>"$T/log"; }
# message N BYTES: a message of about BYTES bytes on stdout.
message() { printf 'From: quota@example.org\nSubject: quota %s\n\n' "$1"; head -c "$2" /dev/zero | tr '\0' q | fold -w 70; echo; }
# s_sum FILE...: the sum of the names' S= sizes.
s_sum() { local f t=0; for f in "$@"; do f=${f##*,S=}; t=$((t + ${f%%[!0-9]*})); done; echo "$t"; }
# files_of MAILDIR: its messages' unique names (without the flags, which a session changes).
files_of() { (cd "$1" && ls new cur | grep -v -e '^new:' -e '^cur:' -e '^$' | sed 's/:.*//' | sort); }
sandbox_note() { grep -q 'sandbox=landlock' "$T/log" && echo " (under Landlock)"; }

# --- Courier's maildirmake -q and deliverquota ---------------------------------------------
"$MAILDIRMAKE" cq && "$MAILDIRMAKE" -q 200000S cq || { fail "maildirmake -q 200000S makes a Maildir with a quota"; exit 1; }
expect_eq "maildirmake -q writes the quota line" "200000S" "$(head -n 1 cq/maildirsize)"
delivered=0 status=0
for i in $(seq 20); do
    message "$i" 30000 | "$DELIVERQUOTA" cq >"$T/dq.out" 2>&1; status=$?
    [ "$status" = 0 ] || break
    delivered=$((delivered + 1))
done
expect_eq "deliverquota delivers six messages of 30 kB, then refuses as over quota (exit 77)" "6:77" "$delivered:$status"
message 99 30000 | "$DELIVERQUOTA" cq >/dev/null 2>&1
expect_eq "and goes on refusing" 77 $?
files_of cq >before
session cq 'STAT\r\nDELE 1\r\nDELE 2\r\nRETR 3\r\nDELE 4\r\nQUIT\r\n'
expect_eq "postern-pop3d serves the Maildir and deletes at QUIT" "+OK bye" "$(tail -n 1 out | tr -d '\r')"
files_of cq >after
removed=$(comm -23 before after)
expect_eq "three messages were unlinked" 3 "$(echo "$removed" | grep -c .)"
expect_eq "maildirsize's last line records them: minus their S= sizes, minus 3" \
    "-$(s_sum $removed) -3" "$(tail -n 1 cq/maildirsize)"
expect_grep "the log says so$(sandbox_note)" "^postern-pop3d: quota-recorded file=maildirsize bytes=-$(s_sum $removed) messages=-3\$" log
message 100 30000 | "$DELIVERQUOTA" cq >"$T/dq.out" 2>&1
expect_eq "deliverquota accepts mail again" "0" "$?"
for i in 101 102; do message "$i" 30000 | "$DELIVERQUOTA" cq >/dev/null 2>&1 || break; done
message 103 30000 | "$DELIVERQUOTA" cq >/dev/null 2>&1
expect_eq "until the quota is full again: three more, the next refused" 77 $?
expect_eq "six messages, as before" 6 "$(files_of cq | wc -l)"
session cq 'RETR 1\r\nTOP 2 0\r\nQUIT\r\n'
cp cq/maildirsize before.size
session cq 'DELE 1\r\n'
# That session ran and deleted nothing, and the file it left alone is a quota's.
expect_grep "a session that ends without QUIT (DELE, then end of file)" '^postern-pop3d: end .* reason=eof .*deleted=0/0 ' log
expect_eq "maildirsize begins with its quota line" 200000S "$(head -n 1 before.size)"
expect_file_eq "a session that ends without QUIT leaves maildirsize as it was" before.size cq/maildirsize

# --- Dovecot's quota plugin ------------------------------------------------------------------
mkdir -p dovecot && make_maildir dv
cat >dovecot/dovecot.conf <<CONF
# Dovecot for this test alone: its run and state folders here, nothing of the system's.
base_dir = $T/dovecot/run
state_dir = $T/dovecot/state
log_path = /dev/stderr
instance_name = postern-quota-test
mail_location = maildir:$T/dv
mail_plugins = quota
plugin {
  quota = maildir:User quota
  quota_rule = *:storage=2M
}
CONF
doveadm_() { HOME=$T/dovecot USER=$(id -un) doveadm -c "$T/dovecot/dovecot.conf" "$@"; }
# usage: "STORAGE-value MESSAGE-value" as doveadm quota get reports them (kB, messages).
usage() { doveadm_ -f tab quota get | awk -F'\t' '$2 == "STORAGE" { s = $3 } $2 == "MESSAGE" { m = $3 } END { print s, m }'; }
for i in 1 2 3 4 5 6 7 8; do message "$i" $((i * 9000)) | doveadm_ save || fail "doveadm save message $i"; done
expect_eq "Dovecot saved eight messages and counts them in its maildirsize" \
    "8" "$(usage | cut -d' ' -f2)"
files_of dv >before
session dv 'DELE 2\r\nDELE 5\r\nDELE 7\r\nRETR 1\r\nQUIT\r\n'
files_of dv >after
removed=$(comm -23 before after)
expect_eq "postern-pop3d unlinked three" 3 "$(echo "$removed" | grep -c .)"
expect_eq "and appended their S= sizes to Dovecot's maildirsize" "-$(s_sum $removed) -3" "$(tail -n 1 dv/maildirsize)"
from_file=$(usage)
expect_eq "Dovecot, reading maildirsize, counts five messages" 5 "${from_file#* }"
doveadm_ quota recalc || fail "doveadm quota recalc"
expect_eq "and the same usage as its own recalculation (doveadm quota get, then recalc)" "$(usage)" "$from_file"
expect_eq "which rewrote maildirsize with the same totals" \
    "$(awk 'NR > 1 { b += $1; c += $2 } END { print b, c }' dv/maildirsize)" \
    "$(s_sum $(files_of dv)) 5"

# --- what is never written ---------------------------------------------------------------------
make_maildir none
printf 'Subject: x\n\nx\n' >none/new/1700000001.x.h
session none 'DELE 1\r\nQUIT\r\n'
expect_eq "a Maildir without maildirsize gets none" "+OK bye|no" \
    "$(tail -n 1 out | tr -d '\r')|$([ -e none/maildirsize ] && echo yes || echo no)"
make_maildir big
printf 'Subject: x\n\nx\n' >big/new/1700000001.x.h
{ echo 200000S; for i in $(seq 900); do echo "514 1"; done; } >big/maildirsize
cp big/maildirsize big.size
session big 'DELE 1\r\nQUIT\r\n'
expect_file_eq "a maildirsize of 5120 bytes or more is left for its next reader to recalculate" big.size big/maildirsize
expect_grep "and the log says why" '^postern-pop3d: quota-not-recorded file=maildirsize reason=too-large bytes=-14 messages=-1$' log
make_maildir noq
printf 'Subject: x\n\nx\n' >noq/new/1700000001.x.h
printf '514 1\n' >noq/maildirsize
session noq 'DELE 1\r\nQUIT\r\n'
expect_eq "a maildirsize without a quota line is left as it is" "514 1" "$(cat noq/maildirsize)"
expect_grep "and the log says why" 'reason=no-quota-line' log
