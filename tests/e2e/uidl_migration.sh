#!/bin/bash
# Leaving Dovecot or Courier for postern without clients fetching their kept
# mail again: with POSTERN_UIDL_SOURCES, postern-pop3d gives each message the
# UIDL the old server gave it, read in place from that server's own file
# (Dovecot's dovecot-uidlist, Courier's courierpop3dsizelist), which it never
# writes. The old servers are the real ones from Debian's packages, run here
# for this test alone, on 127.0.0.1:
#   Dovecot  standalone (dovecot -c, its config, state and log in $T), a
#            passwd-file of logins that all map to the mail user, each with
#            its own home (one Maildir per case) and, as userdb extra fields,
#            its own pop3_uidl_format and pop3_save_uidl;
#   Courier  couriertcpd, courierpop3login and courierpop3d unpacked from
#            courier-base and courier-pop (courier-pop conflicts with
#            dovecot-pop3d, so it is not installed), with the installed
#            authdaemond serving a userdb of the test's, in a mount namespace
#            of their own (helpers/courier_pop3.sh says why);
#   fetchmail (keep, UIDL mode) first against the old server, then, with the
#            same .fetchids, against postern's chain.
# Each case records, for every message, the pair (UIDL, Message-ID) from the
# old server and from postern-pop3d on the same Maildir (helpers/uidl_pairs.py):
# the pairs must be the same, message by message.
. "$(dirname "$0")/lib.sh"
need_root   # the old servers change to the mail user; Courier needs a mount namespace
PATH=$PATH:/usr/sbin
need python3 dovecot setpriv unshare fetchmail openssl makeuserdb apt-get dpkg-deb
[ -x /usr/lib/dovecot/pop3 ] || { skip uidl_migration "missing dovecot-pop3d"; exit 0; }
[ -x /usr/lib/courier/courier-authlib/authdaemond ] || { skip uidl_migration "missing courier-authdaemon"; exit 0; }
[ -e /usr/lib/courier-authlib/libauthuserdb.so ] || { skip uidl_migration "missing courier-authlib-userdb"; exit 0; }
. "$(dirname "$0")/chain.bash"
make_mail_user || { fail "a mail user for the tests"; exit 1; }
MAIL_UID=$(id -u "$MAIL_USER") MAIL_GID=$(id -g "$MAIL_USER")
PAIRS=$E2E/helpers/uidl_pairs.py
HOST=mx.example.org
N=12
mkdir -p "$T/pairs" "$T/m" "$T/snap"

# --- the mail ---------------------------------------------------------------------------------
# message_text I: message I, with a Message-ID of its own (folded onto a
# second line in message 7, as some mailers write it).
message_text() {
    printf 'Return-Path: <sender%s@example.net>\nFrom: Sender %s <sender%s@example.net>\n' "$1" "$1" "$1"
    printf 'To: %s@example.org\nSubject: migration %s\nDate: Tue, 14 Nov 2023 10:%02d:00 +0000\n' "$MAIL_USER" "$1" "$1"
    if [ "$1" = 7 ]; then printf 'Message-ID:\n <uidl-mig-%s.%s@example.org>\n' "$1" "$$"
    else printf 'Message-ID: <uidl-mig-%s.%s@example.org>\n' "$1" "$$"; fi
    printf '\nMessage %s.\n..a line that starts with a dot\nlast line\n' "$1"
}
# deliver MAILDIR I TIME: message I in MAILDIR, named as a real delivery at
# TIME names it (which one by I), in new/ or, read since, in cur/ with :2,S.
deliver() {
    local md=$1 i=$2 t=$3 tmp s w name dir=new usec=$((100000 + $2 * 7919 % 900000)) pid=$((20000 + $2 * 37))
    tmp=$md/tmp/$t.$i.$HOST
    message_text "$i" >"$tmp"
    s=$(stat -c %s "$tmp"); w=$((s + $(wc -l <"$tmp")))
    case $(( (i - 1) % 6 )) in
        0) name=$t.M${usec}P$pid.$HOST,S=$s ;;                                        # Dovecot's LDA, maildrop
        1) name=$t.$pid.$HOST ;;                                                      # qmail-local
        2) name=$t.M${usec}P${pid}V0000000000000803I00000000000$((4000 + i))_0.$HOST,S=$s:2,S; dir=cur ;;  # Courier's deliverquota
        3) name=$t.M${usec}P$pid.$HOST,S=$s,W=$w:2,S; dir=cur ;;                      # Dovecot's LDA, read since
        4) name=$t.$pid.$HOST:2,S; dir=cur ;;                                         # qmail-local, read since
        5) name=$t.V803I$((4000 + i))M$usec.$HOST ;;                                  # Postfix's local(8)
    esac
    mv "$tmp" "$md/$dir/$name" && touch -d "@$t" "$md/$dir/$name" && chown "$MAIL_USER:" "$md/$dir/$name"
}
# fill HOME: HOME/Maildir holds exactly messages 1 to N, delivered an hour
# apart a month ago (six in new/, six in cur/, six with S= in the name): a
# copy, names and times kept, of the one Maildir delivered to.
make_maildir "$T/delivered/Maildir"
base=$(( $(date +%s) - 30 * 86400 ))
for i in $(seq "$N"); do deliver "$T/delivered/Maildir" "$i" $((base + i * 3600)); done
fill() {
    rm -rf "$1/Maildir"
    mkdir -p "$1"
    cp -a "$T/delivered/Maildir" "$1/"
    chown -R "$MAIL_USER:" "$1"
}
# deliver_late MAILDIR I: message I, delivered now (after the old server ran).
deliver_late() { deliver "$1" "$2" $(( $(date +%s) - 100 + $2 )); }

# --- pairs ------------------------------------------------------------------------------------
# server_pairs NAME PORT LOGIN: an old server's pairs for LOGIN, in $T/pairs/NAME.
server_pairs() {
    python3 "$PAIRS" --user "$3" --password "$CHAIN_PASS" "$2" >"$T/pairs/$1" 2>"$T/pairs/$1.err" ||
        fail "$1: the session on port $2 as $3 ended early" "$(cat "$T/pairs/$1.err")"
}
# postern_pairs NAME MAILDIR [VAR=VALUE...]: postern-pop3d's pairs for MAILDIR,
# run as the mail user on a pipe, with only the VARs in its environment.
postern_pairs() {
    local name=$1 md=$2; shift 2
    python3 "$PAIRS" -- setpriv --reuid="$MAIL_USER" --regid="$MAIL_USER" --clear-groups -- \
        env -i PATH=/usr/bin:/bin HOME="${md%/Maildir}" USER="$MAIL_USER" "$@" "$BIN/postern-pop3d" "$md" \
        >"$T/pairs/$name" 2>"$T/pairs/$name.err" ||
        fail "$name: postern-pop3d's session ended early" "$(cat "$T/pairs/$name.err")"
}
# base_pairs NAME MAILDIR: each message's base file name (up to ':'), from the
# Maildir itself. name_pairs NAME MAILDIR: the UIDLs postern gives today, the
# base name, but a name RFC 1939 does not allow as a UIDL (over 70 characters,
# as Courier's are) has its MD5 instead.
message_id_of() {
    awk 'tolower($0) ~ /^message-id:/ { v = substr($0, 12); gsub(/^[ \t]+|[ \t\r]+$/, "", v)
             if (v == "") { getline; v = $0; gsub(/^[ \t]+|[ \t\r]+$/, "", v) }
             print v; exit }
         /^\r?$/ { exit }' "$1"
}
base_pairs() {
    local f b
    for f in "$2"/new/* "$2"/cur/*; do
        [ -f "$f" ] || continue
        b=$(basename "$f"); echo "${b%%:*} $(message_id_of "$f")"
    done >"$T/pairs/$1"
}
name_pairs() {
    local b id
    base_pairs "$1" "$2"
    while read -r b id; do
        [ ${#b} -le 70 ] && LC_ALL=C grep -qx '[!-~]*' <<<"$b" || b=$(printf '%s' "$b" | md5sum | cut -d' ' -f1)
        echo "$b $id"
    done <"$T/pairs/$1" >"$T/pairs/$1.tmp" && mv "$T/pairs/$1.tmp" "$T/pairs/$1"
}
# first_listed NAME PAIRS...: for each message, the pair from the first of the
# PAIRS files that lists it (the last one listing them all).
first_listed() {
    local out=$1; shift
    (cd "$T/pairs" && awk '!seen[$2]++' "$@") >"$T/pairs/$out"
}
# same_pairs CHECK EXPECTED ACTUAL COUNT: both hold COUNT (> 0) pairs, each
# Message-ID once, and each message has the same UIDL in both. A failure lists
# the messages whose UIDLs differ, with each side's UIDL.
same_pairs() {
    local report
    report=$(cd "$T/pairs" && LC_ALL=C awk -v n="$4" -v en="$2" -v an="$3" '
        FILENAME == en { if ($2 in e) dup = dup " " $2; e[$2] = $1; ne++; next }
        { if ($2 in a) dup = dup " " $2; a[$2] = $1; na++ }
        END {
            if (n == 0 || ne != n || na != n || dup != "")
                printf "%s: %d pairs, %s: %d pairs (both should be %d)%s\n", en, ne, an, na, n, dup == "" ? "" : "; Message-IDs listed twice:" dup
            for (id in e) if (!(id in a) || a[id] != e[id]) printf "%s %s=%s %s=%s\n", id, en, e[id], an, (id in a) ? a[id] : "(none)"
            for (id in a) if (!(id in e)) printf "%s %s=(none) %s=%s\n", id, en, an, a[id]
        }' "$2" "$3" | sort)
    if [ -z "$report" ]; then ok "$1"; else
        fail "$1" "messages whose UIDLs differ (Message-ID, then each side's UIDL):" "$report" \
            "$(cat "$T/pairs/$2.err" "$T/pairs/$3.err" 2>/dev/null | head -n 4)"
    fi
}
# snapshot NAME MAILDIR: a copy of the old servers' files in MAILDIR, and the
# list of its top. unchanged NAME WHAT MAILDIR: those files are byte for byte
# as snapshot NAME took them, and no file was added at its top.
snapshot() { rm -rf "$T/snap/$1"; mkdir -p "$T/snap/$1"; (cd "$2" && cp -p dovecot-uidlist courierpop3dsizelist "$T/snap/$1/" 2>/dev/null; ls -A >"$T/snap/$1/.top"); }
unchanged() {
    local f
    for f in dovecot-uidlist courierpop3dsizelist; do
        [ -e "$T/snap/$1/$f" ] || continue
        expect_file_eq "$2: $f is byte for byte as before postern's sessions" "$T/snap/$1/$f" "$3/$f"
    done
    expect_eq "$2: postern-pop3d added no file at the Maildir's top but its own cache" \
        "$(grep -vx postern-cache "$T/snap/$1/.top")" "$(cd "$3" && ls -A | grep -vx postern-cache)"
}

# --- Dovecot ----------------------------------------------------------------------------------
DV=$T/dovecot
mkdir -p "$DV"
DV_PORT=$(free_port)
HASH=$(openssl passwd -6 "$CHAIN_PASS")
# dovecot_user LOGIN HOME [SETTING=VALUE...]: a login for the mail user with
# HOME, and Dovecot settings of its own (a passwd-file expands % in extra
# fields, hence the doubling).
dovecot_user() {
    local login=$1 home=$2 extra="" s; shift 2
    for s in "$@"; do extra="$extra userdb_${s//%/%%}"; done
    echo "$login:{SHA512-CRYPT}$HASH:$MAIL_UID:$MAIL_GID::$home::${extra# }" >>"$DV/users"
}
cat >"$DV/dovecot.conf" <<CONF
# Dovecot for this test alone: POP3 on one port of 127.0.0.1, its run and state
# folders and its log here, its logins in a passwd-file here.
protocols = pop3
listen = 127.0.0.1
instance_name = postern-uidl-migration
base_dir = $DV/run
state_dir = $DV/state
log_path = $DV/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = $MAIL_UID
last_valid_uid = $MAIL_UID
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT $DV/users
}
userdb {
  driver = passwd-file
  args = $DV/users
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $DV_PORT
  }
  inet_listener pop3s {
    port = 0
  }
}
CONF
# Formats for pop3_uidl_format and POSTERN_DOVECOT_UIDL_FORMAT alike: Dovecot
# 2.3's default, the variables, zero-padding, a width alone (which cuts),
# the L, U and X modifiers and their order, literal text and %%. (%g is the
# base name here: Dovecot 2.3 writes no GUID field, G, in dovecot-uidlist for
# mail delivered by its LDA, or saved or imported with doveadm, either.)
FORMATS=('%08Xu%08Xv' '%u.%v' '%Xu-%Xv' '%08Xv%04Xu' '%010u.%v' '%f' '%g' '%Lf' '%Uf'
    '%XUv.%u' '%UXv.%u' '%5f' 'pop-%u' '%v%%%u')
fill "$T/m/dv"
for k in "${!FORMATS[@]}"; do fill "$T/m/fmt$k"; done
fill "$T/m/save"
fill "$T/m/savef"
fill "$T/m/both"
fill "$T/m/fmf"
dovecot_user dv "$T/m/dv"
for k in "${!FORMATS[@]}"; do dovecot_user "fmt$k" "$T/m/fmt$k" "pop3_uidl_format=${FORMATS[$k]}"; done
dovecot_user fmt0-uv "$T/m/fmt0" 'pop3_uidl_format=%u.%v'
dovecot_user save "$T/m/save" pop3_save_uidl=yes 'pop3_uidl_format=old-%v-%u'
dovecot_user save-later "$T/m/save"
dovecot_user savef "$T/m/savef" pop3_save_uidl=yes 'pop3_uidl_format=%f'
dovecot_user savef-later "$T/m/savef"
dovecot_user both "$T/m/both"
dovecot_user "$MAIL_USER" "$MAIL_HOME"
dovecot_user fmf "$T/m/fmf" 'pop3_uidl_format=%f'
chmod 644 "$DV/users"
stop_dovecot() {
    local pid
    pid=$(cat "$DV/run/master.pid" 2>/dev/null) || return 0
    dovecot -c "$DV/dovecot.conf" stop 2>/dev/null || kill "$pid" 2>/dev/null
    timeout 15 tail --pid="$pid" -f /dev/null
}
dovecot -c "$DV/dovecot.conf" >"$T/dovecot.start" 2>&1 || { fail "Dovecot starts" "$(cat "$T/dovecot.start" "$DV/dovecot.log" 2>/dev/null)"; exit 1; }
on_exit stop_dovecot
wait_port "$DV_PORT" || { fail "Dovecot listens on 127.0.0.1:$DV_PORT" "$(cat "$DV/dovecot.log")"; exit 1; }

# 1. Dovecot's default UIDLs.
md=$T/m/dv/Maildir
server_pairs dovecot.dv "$DV_PORT" dv
expect_eq "Dovecot lists all $N messages, with UIDLs in its default format (%08Xu%08Xv)" "$N" \
    "$(grep -cE '^[0-9a-f]{16} <uidl-mig-' "$T/pairs/dovecot.dv")"
expect_grep "Dovecot wrote its dovecot-uidlist, a version 3 header first" '^3 V[0-9]+ N[0-9]+' "$md/dovecot-uidlist"
snapshot dv "$md"
postern_pairs postern.dv "$md" POSTERN_UIDL_SOURCES=dovecot
same_pairs "POSTERN_UIDL_SOURCES=dovecot: postern-pop3d gives every message Dovecot's UIDL" dovecot.dv postern.dv "$N"
postern_pairs postern.dv-explicit "$md" POSTERN_UIDL_SOURCES=dovecot POSTERN_DOVECOT_UIDL_FORMAT=%08Xu%08Xv
same_pairs "and so it does with POSTERN_DOVECOT_UIDL_FORMAT=%08Xu%08Xv, the default, given" dovecot.dv postern.dv-explicit "$N"
name_pairs names.dv "$md"
postern_pairs postern.dv-unset "$md"
same_pairs "without POSTERN_UIDL_SOURCES, postern-pop3d's UIDLs are the file names, as before" names.dv postern.dv-unset "$N"
postern_pairs postern.dv-empty "$md" POSTERN_UIDL_SOURCES=
same_pairs "and so they are with POSTERN_UIDL_SOURCES empty" names.dv postern.dv-empty "$N"
postern_pairs postern.dv-courier "$md" POSTERN_UIDL_SOURCES=courier
same_pairs "and with only courier named, where there is no courierpop3dsizelist" names.dv postern.dv-courier "$N"
deliver_late "$md" 13
name_pairs names.dv-late "$md"
first_listed expected.dv-late dovecot.dv names.dv-late
postern_pairs postern.dv-late "$md" POSTERN_UIDL_SOURCES=dovecot
same_pairs "a message delivered since Dovecot ran keeps its file name as its UIDL, the others Dovecot's" \
    expected.dv-late postern.dv-late $((N + 1))
unchanged dv "Dovecot's default" "$md"

# 2. The formats, each given to Dovecot and to postern-pop3d, each on a
# Maildir of its own.
for k in "${!FORMATS[@]}"; do
    f=${FORMATS[$k]} md=$T/m/fmt$k/Maildir
    server_pairs "dovecot.fmt$k" "$DV_PORT" "fmt$k"
    snapshot "fmt$k" "$md"
    postern_pairs "postern.fmt$k" "$md" POSTERN_UIDL_SOURCES=dovecot "POSTERN_DOVECOT_UIDL_FORMAT=$f"
    same_pairs "format $f: postern-pop3d's UIDLs are Dovecot's" "dovecot.fmt$k" "postern.fmt$k" "$N"
    unchanged "fmt$k" "format $f" "$md"
done
# The settings change, the Maildir does not: postern-pop3d's listing cache
# (used once new/ and cur/ have not changed for 2 s) must not answer the
# UIDLs of the settings before.
md=$T/m/fmt0/Maildir
while [ $(( $(date +%s) - $(stat -c %Z "$md/cur") )) -lt 3 ]; do sleep 0.2; done
postern_pairs postern.cache-default "$md" POSTERN_UIDL_SOURCES=dovecot
postern_pairs postern.cache-default-again "$md" POSTERN_UIDL_SOURCES=dovecot
same_pairs "a Maildir that has settled: Dovecot's UIDLs, twice" dovecot.fmt0 postern.cache-default-again "$N"
expect_grep "the second time from postern's listing cache" 'postern-pop3d: loaded .* listing=cache ' "$T/pairs/postern.cache-default-again.err"
server_pairs dovecot.cache-uv "$DV_PORT" fmt0-uv
postern_pairs postern.cache-uv "$md" POSTERN_UIDL_SOURCES=dovecot POSTERN_DOVECOT_UIDL_FORMAT=%u.%v
same_pairs "then POSTERN_DOVECOT_UIDL_FORMAT=%u.%v: Dovecot's UIDLs with that format, not those before" \
    dovecot.cache-uv postern.cache-uv "$N"
name_pairs names.cache "$md"
postern_pairs postern.cache-unset "$md"
same_pairs "then POSTERN_UIDL_SOURCES unset: the file names" names.cache postern.cache-unset "$N"
postern_pairs postern.cache-back "$md" POSTERN_UIDL_SOURCES=dovecot
same_pairs "then POSTERN_UIDL_SOURCES=dovecot again: Dovecot's default UIDLs" dovecot.fmt0 postern.cache-back "$N"

# 3. UIDLs Dovecot saved (pop3_save_uidl=yes): they win over any format.
md=$T/m/save/Maildir
server_pairs dovecot.save "$DV_PORT" save
expect_eq "Dovecot, saving UIDLs, answers its format of then (old-%v-%u)" "$N" \
    "$(grep -cE '^old-[0-9]+-[0-9]+ <uidl-mig-' "$T/pairs/dovecot.save")"
expect_eq "and saved each in dovecot-uidlist (P field)" "$N" "$(grep -cE '^[0-9]+ .*\bPold-[0-9]+-[0-9]+ .*:' "$md/dovecot-uidlist")"
server_pairs dovecot.save-later "$DV_PORT" save-later
same_pairs "Dovecot itself, with its default format since, still answers the saved UIDLs" dovecot.save dovecot.save-later "$N"
snapshot save "$md"
postern_pairs postern.save "$md" POSTERN_UIDL_SOURCES=dovecot
same_pairs "postern-pop3d (default format) answers the saved UIDLs" dovecot.save postern.save "$N"
postern_pairs postern.save-f "$md" POSTERN_UIDL_SOURCES=dovecot POSTERN_DOVECOT_UIDL_FORMAT=%f
same_pairs "and so it does with POSTERN_DOVECOT_UIDL_FORMAT=%f" dovecot.save postern.save-f "$N"
unchanged save "saved UIDLs" "$md"
# A message delivered since, that Dovecot then listed (uidlist line without P),
# and one delivered after that (in no uidlist line).
deliver_late "$md" 13
server_pairs dovecot.save-13 "$DV_PORT" save-later
first_listed expected.save-13 dovecot.save dovecot.save-13
same_pairs "Dovecot lists a message delivered since with its default format, the others saved" \
    expected.save-13 dovecot.save-13 $((N + 1))
snapshot save-13 "$md"
postern_pairs postern.save-13 "$md" POSTERN_UIDL_SOURCES=dovecot
same_pairs "so does postern-pop3d: saved UIDLs and the format, line by line" dovecot.save-13 postern.save-13 $((N + 1))
deliver_late "$md" 14
name_pairs names.save-14 "$md"
first_listed expected.save-14 dovecot.save-13 names.save-14
postern_pairs postern.save-14 "$md" POSTERN_UIDL_SOURCES=dovecot
same_pairs "and a message in no uidlist line keeps its file name" expected.save-14 postern.save-14 $((N + 2))
unchanged save-13 "saved and unsaved UIDLs" "$md"
# Saved with %f, Dovecot writes an empty P: the UIDL is the file name.
md=$T/m/savef/Maildir
server_pairs dovecot.savef "$DV_PORT" savef
base_pairs bases.savef "$md"
same_pairs "Dovecot saving %f answers the base file names, whole" bases.savef dovecot.savef "$N"
server_pairs dovecot.savef-later "$DV_PORT" savef-later
same_pairs "and still does with its default format since" dovecot.savef dovecot.savef-later "$N"
snapshot savef "$md"
postern_pairs postern.savef "$md" POSTERN_UIDL_SOURCES=dovecot
same_pairs "postern-pop3d (default format) answers the file names Dovecot saved" dovecot.savef-later postern.savef "$N"
unchanged savef "UIDLs saved as %f" "$md"

# --- fetchmail ----------------------------------------------------------------------------------
# fetch NAME PORT IDS [LOGIN]: fetchmail, keeping mail and knowing it by UIDL,
# from 127.0.0.1:PORT as LOGIN (the mail user) with the .fetchids file IDS;
# its MDA files each message in $T/c/NAME. Sets FETCH_STATUS (0: mail, 1: none).
fetch() {
    MAIL_USER=${4:-$MAIL_USER} fetchmail_rc "$2" keep "$T/c/$1"
    as_client timeout 60 fetchmail -f "$T/c/fetchmailrc" -i "$3" --pidfile "$T/c/fm.pid" --nodetach >"$T/fetch.$1.out" 2>&1
    FETCH_STATUS=$?
}
fetched() { find "$T/c/$1" -type f | wc -l; }
POSTERN_UIDL_SOURCES=dovecot start_chain chain-dovecot; PD_PORT=$CHAIN_PORT
POSTERN_UIDL_SOURCES=courier start_chain chain-courier; PC_PORT=$CHAIN_PORT
start_chain chain-names; PN_PORT=$CHAIN_PORT
POSTERN_UIDL_SOURCES=dovecot POSTERN_DOVECOT_UIDL_FORMAT=%f start_chain chain-dovecot-f; PF_PORT=$CHAIN_PORT
# fmf: a login of postern's too, for the same uid, with the home Dovecot's fmf has.
printf '%s\n' "$CHAIN_PASS" | "$BIN/postern-passwd" -a -u "$MAIL_UID" -g "$MAIL_GID" -d "$T/m/fmf" "$T/passwd" fmf 2>/dev/null ||
    fail "a second postern login, fmf"

# 4. fetchmail, from Dovecot to postern.
md=$MAIL_HOME/Maildir
fill "$MAIL_HOME"
fetch dovecot "$DV_PORT" "$T/c/dovecot.ids"
expect_eq "fetchmail (keep, uidl) takes all $N from Dovecot" "0 $N" "$FETCH_STATUS $(fetched dovecot)"
cp "$T/c/dovecot.ids" "$T/c/control.ids"
snapshot fm-dovecot "$md"
fetch postern-dovecot "$PD_PORT" "$T/c/dovecot.ids"
expect_eq "then from postern's chain (POSTERN_UIDL_SOURCES=dovecot), with the same .fetchids, nothing (exit 1)" \
    "1 0" "$FETCH_STATUS $(fetched postern-dovecot)"
fetch control "$PN_PORT" "$T/c/control.ids"
expect_eq "while from postern's chain without it, fetchmail would take all $N again" "0 $N" "$FETCH_STATUS $(fetched control)"
deliver_late "$md" 13
fetch postern-dovecot-late "$PD_PORT" "$T/c/dovecot.ids"
expect_eq "a message delivered since Dovecot ran, fetchmail takes from postern, and only it" "0 1" "$FETCH_STATUS $(fetched postern-dovecot-late)"
expect_eq "that message" "<uidl-mig-13.$$@example.org>" "$(message_id_of "$(find "$T/c/postern-dovecot-late" -type f | head -n 1)")"
unchanged fm-dovecot "fetchmail from Dovecot" "$md"
# Dovecot with pop3_uidl_format = %f: the UIDLs are the base names, whole,
# even Courier's of more than 70 characters.
md=$T/m/fmf/Maildir
fetch dovecot-f "$DV_PORT" "$T/c/dovecot-f.ids" fmf
expect_eq "fetchmail takes all $N from Dovecot with pop3_uidl_format = %f" "0 $N" "$FETCH_STATUS $(fetched dovecot-f)"
snapshot fm-dovecot-f "$md"
fetch postern-dovecot-f "$PF_PORT" "$T/c/dovecot-f.ids" fmf
expect_eq "then from postern's chain (POSTERN_DOVECOT_UIDL_FORMAT=%f), nothing (exit 1)" \
    "1 0" "$FETCH_STATUS $(fetched postern-dovecot-f)"
[ "$(fetched postern-dovecot-f)" = 0 ] ||
    echo "#   fetched again: $(for f in "$T"/c/postern-dovecot-f/*; do message_id_of "$f"; done | sort | tr '\n' ' ')"
unchanged fm-dovecot-f "fetchmail from Dovecot (%f)" "$md"

# --- Courier ----------------------------------------------------------------------------------
COURIER=$T/courier
mkdir -p "$COURIER/debs" "$COURIER/root" "$COURIER/etc"
id _apt >/dev/null 2>&1 && chown _apt "$COURIER/debs"   # apt-get download fetches as _apt
if ! (cd "$COURIER/debs" && apt-get download -qq courier-pop courier-base >"$COURIER/download.log" 2>&1); then
    skip "Courier's POP3 server" "apt-get download courier-pop courier-base failed: $(tail -n 1 "$COURIER/download.log")"
    exit 0
fi
for d in "$COURIER"/debs/*.deb; do dpkg-deb -x "$d" "$COURIER/root" || { fail "dpkg-deb -x $(basename "$d")"; exit 1; }; done
missing=$(ldd "$COURIER/root/usr/sbin/couriertcpd" "$COURIER/root/usr/lib/courier/courier/courierpop3login" \
    "$COURIER/root/usr/lib/courier/courier/courierpop3d" 2>&1 | grep 'not found')
[ -z "$missing" ] || { skip "Courier's POP3 server" "libraries missing (tests/deps.txt): $(echo $missing)"; exit 0; }
# authdaemond with the userdb module only; no passwords in its log.
cat >"$COURIER/etc/authdaemonrc" <<RC
authmodulelist="authuserdb"
daemons=2
authdaemonvar=/run/courier/authdaemon
DEBUG_LOGIN=0
DEFAULTOPTIONS=""
LOGGEROPTS=""
RC
for entry in "cr $T/m/both" "$MAIL_USER $MAIL_HOME"; do
    printf '%s\tuid=%s|gid=%s|home=%s|shell=/usr/sbin/nologin|systempw=%s\n' \
        "${entry%% *}" "$MAIL_UID" "$MAIL_GID" "${entry#* }" "$HASH"
done >"$COURIER/etc/userdb"
chmod 600 "$COURIER/etc/userdb"
makeuserdb -f "$COURIER/etc/userdb" || { fail "makeuserdb builds the userdb"; exit 1; }
CR_PORT=$(free_port)
unshare -m --propagation private -- bash "$E2E/helpers/courier_pop3.sh" "$COURIER/root" "$COURIER/etc" "$CR_PORT" "$COURIER/courier.log" &
CR_PID=$!
on_exit "kill $CR_PID 2>/dev/null; timeout 10 tail --pid=$CR_PID -f /dev/null"
wait_port "$CR_PORT" || { fail "Courier listens on 127.0.0.1:$CR_PORT" "$(cat "$COURIER/courier.log")"; exit 1; }

# 5. Courier's UIDLs; then, on the same Maildir, Dovecot's too.
md=$T/m/both/Maildir
server_pairs courier.both "$CR_PORT" cr
expect_eq "Courier lists all $N messages, with UIDLs UID<n>-<uidvalidity>" "$N" \
    "$(grep -cE '^UID[0-9]+-[0-9]+ <uidl-mig-' "$T/pairs/courier.both")"
expect_grep "Courier wrote its courierpop3dsizelist, a version 3 header first" '^/3 [0-9]+ [0-9]+$' "$md/courierpop3dsizelist"
# A reader marks a message seen after Courier wrote its list: the list keeps
# the file's name of then.
f=$(ls "$md/cur" | grep ':2,$' | head -n 1)
mv "$md/cur/$f" "$md/cur/${f}S"
server_pairs courier.both-again "$CR_PORT" cr
same_pairs "Courier gives the same UIDLs again, one file renamed since (flags)" courier.both courier.both-again "$N"
snapshot both-c "$md"
postern_pairs postern.both-c "$md" POSTERN_UIDL_SOURCES=courier
same_pairs "POSTERN_UIDL_SOURCES=courier: postern-pop3d gives every message Courier's UIDL" courier.both postern.both-c "$N"
unchanged both-c "Courier's" "$md"
deliver_late "$md" 13
server_pairs dovecot.both "$DV_PORT" both
snapshot both "$md"
deliver_late "$md" 14
name_pairs names.both "$md"
first_listed expected.c "courier.both" names.both
postern_pairs postern.c "$md" POSTERN_UIDL_SOURCES=courier
same_pairs "courier: messages delivered since Courier ran keep their file names" expected.c postern.c $((N + 2))
first_listed expected.dc dovecot.both courier.both names.both
postern_pairs postern.dc "$md" POSTERN_UIDL_SOURCES=dovecot,courier
same_pairs "dovecot,courier: Dovecot's UIDL for the $((N + 1)) it lists, the file name for the last" expected.dc postern.dc $((N + 2))
first_listed expected.cd courier.both dovecot.both names.both
postern_pairs postern.cd "$md" POSTERN_UIDL_SOURCES=courier,dovecot
same_pairs "courier,dovecot: Courier's for its $N, Dovecot's for the one delivered after Courier ran, the file name for the last" \
    expected.cd postern.cd $((N + 2))
expect_eq "each of the $((N + 1)) messages Dovecot lists has another UIDL there than in Courier's list" $((N + 1)) \
    "$(export LC_ALL=C; join -1 2 -2 2 -a 1 -e none -o 1.1,2.1 <(sort -k 2,2 "$T/pairs/dovecot.both") <(sort -k 2,2 "$T/pairs/courier.both") | awk '$1 != $2' | wc -l)"
unchanged both "both servers'" "$md"

# 6. fetchmail, from Courier to postern.
md=$MAIL_HOME/Maildir
fill "$MAIL_HOME"
fetch courier "$CR_PORT" "$T/c/courier.ids"
expect_eq "fetchmail (keep, uidl) takes all $N from Courier" "0 $N" "$FETCH_STATUS $(fetched courier)"
snapshot fm-courier "$md"
fetch postern-courier "$PC_PORT" "$T/c/courier.ids"
expect_eq "then from postern's chain (POSTERN_UIDL_SOURCES=courier), with the same .fetchids, nothing (exit 1)" \
    "1 0" "$FETCH_STATUS $(fetched postern-courier)"
deliver_late "$md" 13
fetch postern-courier-late "$PC_PORT" "$T/c/courier.ids"
expect_eq "a message delivered since Courier ran, fetchmail takes from postern, and only it" "0 1" "$FETCH_STATUS $(fetched postern-courier-late)"
unchanged fm-courier "fetchmail from Courier" "$md"
