#!/bin/bash
# A LAST that lasts: mutt's fetch-mail with pop_last=yes takes only the
# messages after LAST's answer. postern's LAST starts at the highest message
# already seen, and what mutt retrieves is flagged seen at QUIT, so a second
# fetch takes nothing, and a third takes only what was delivered since.
. "$(dirname "$0")/lib.sh"
need python3 mutt setpriv
. "$(dirname "$0")/chain.bash"
make_mail_user || { fail "a mail user for the tests"; exit 1; }
make_messages 6
start_chain last
PORT=$CHAIN_PORT
fill_maildir
mkdir -p "$T/c"
make_maildir "$T/c/inbox"

cat >"$T/c/muttrc" <<RC
set spoolfile="$T/c/inbox"
set folder="$T/c"
set mbox_type=Maildir
set pop_host="pop://$MAIL_USER@127.0.0.1:$PORT"
set pop_pass="$CHAIN_PASS"
set pop_authenticators="user"
set pop_last=yes
set pop_delete=no
set ssl_starttls=no
set ssl_force_tls=no
set move=no
set quit=yes
set wait_key=no
set mail_check_stats=no
RC
chmod 600 "$T/c/muttrc"
# mutt is a full-screen program: it runs on a pseudo-terminal of its own, does
# fetch-mail (G), and quits.
cat >"$T/c/on_a_terminal.py" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "vt100"
    os.execvp(sys.argv[1], sys.argv[1:])
end = time.time() + 30
while time.time() < end:
    if select.select([fd], [], [], 0.2)[0]:
        try:
            if not os.read(fd, 65536): break
        except OSError:
            break
    elif os.waitpid(pid, os.WNOHANG)[0]:
        sys.exit(0)
else:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
PY
fetch() { as_client python3 "$T/c/on_a_terminal.py" mutt -n -F "$T/c/muttrc" -e 'push <fetch-mail><quit>' >/dev/null 2>&1; }
fetched() { find "$T/c/inbox/new" "$T/c/inbox/cur" -type f | wc -l; }

fetch
expect_eq "mutt's first fetch-mail (pop_last) takes all six" 6 "$(fetched)"
mkdir -p "$T/fetched" && find "$T/c/inbox/new" "$T/c/inbox/cur" -type f -exec cp {} "$T/fetched/" \;
compare_fetched "each of them whole" "$T/fetched"
expect_eq "and leaves them on the server, seen" 6 "$(find "$MAILDIR/cur" -name '*:2,S' | wc -l)"
wait_log "$T/last.log" 'postern-pop3d: end .* retrieved=6/' || true
expect_grep "the first session retrieved six" 'postern-pop3d: end .* reason=quit retrieved=6/' "$T/last.log"
fetch
expect_eq "the second fetch-mail takes nothing: LAST says all six were seen" 6 "$(fetched)"
wait_log "$T/last.log" 'postern-pop3d: end ' 2 || true
expect_eq "the second session retrieved none" 1 "$(grep -c 'postern-pop3d: end .* reason=quit retrieved=0/0 ' "$T/last.log")"
# A seventh message, delivered after the others.
time=$(( $(date +%s) - 60 ))
cp "$T/orig/1" "$MAILDIR/new/$time.M7P$$.e2e" && touch -d "@$time" "$MAILDIR/new/$time.M7P$$.e2e"
[ "$(id -u)" = 0 ] && chown "$MAIL_USER:" "$MAILDIR/new/$time.M7P$$.e2e"
fetch
expect_eq "a third fetch-mail takes only the one delivered since" 7 "$(fetched)"
wait_log "$T/last.log" 'postern-pop3d: end ' 3 || true
expect_grep "the third session retrieved one" 'postern-pop3d: end .* reason=quit retrieved=1/' "$T/last.log"
