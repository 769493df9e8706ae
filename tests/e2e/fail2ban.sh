#!/bin/bash
# service/fail2ban against log lines the real chain wrote: fail2ban-regex
# finds exactly the refused logins, with the clients' addresses, in plain
# lines and in multilog's stamped ones; the jail passes fail2ban's own
# configuration test.
. "$(dirname "$0")/lib.sh"
need python3 fail2ban-regex fail2ban-client multilog setpriv
. "$(dirname "$0")/chain.bash"
root=$(cd "$E2E/../.." && pwd)
make_mail_user || { fail "a mail user for the tests"; exit 1; }
make_messages 1
fill_maildir
start_chain f2b
PORT=$CHAIN_PORT

# Three wrong passwords in one connection from 127.0.0.2 (the third closes it),
# an unknown user and a wrong password from 127.0.0.3, an APOP-less mistake
# that is no login, and a good login from 127.0.0.1.
talk --source 127.0.0.2 --send "USER $MAIL_USER\r\nPASS wrong1\r\nUSER $MAIL_USER\r\nPASS wrong2\r\nUSER $MAIL_USER\r\nPASS wrong3\r\n" "$PORT" >"$T/a"
talk --source 127.0.0.3 --send "USER nosuchuser\r\nPASS whatever\r\nQUIT\r\n" "$PORT" >"$T/b"
talk --source 127.0.0.3 --send "USER $MAIL_USER\r\nPASS wrong4\r\nQUIT\r\n" "$PORT" >"$T/c"
talk --source 127.0.0.4 --send "APOP $MAIL_USER 0123\r\nQUIT\r\n" "$PORT" >"$T/d"
talk --send "USER $MAIL_USER\r\nPASS $CHAIN_PASS\r\nQUIT\r\n" "$PORT" >"$T/e"
stop_server "$CHAIN_PID"
log=$T/f2b.log
expect_eq "the chain refused 5 logins" 5 "$(grep -c 'postern-popup: login-refused' "$log")"
expect_grep "and let the good one in" "postern-popup: login-ok user=$MAIL_USER remote=127\.0\.0\.1 " "$log"

filter=$root/service/fail2ban/filter.d/postern.conf
fail2ban-regex --print-all-matched "$log" "$filter" >"$T/regex.out" 2>&1
expect_grep "fail2ban-regex matches the 5 refusals" '^Lines: [0-9]+ lines, 0 ignored, 5 matched' "$T/regex.out"
expect_eq "with the clients' addresses" "127.0.0.2 127.0.0.2 127.0.0.2 127.0.0.3 127.0.0.3" \
    "$(grep -oE '^\|  postern-popup: login-refused user=\S+ remote=[0-9.]+' "$T/regex.out" | sed 's/.*remote=//' | sort | paste -sd' ')"

mkdir -p "$T/ml"
multilog t "$T/ml" <"$log"
fail2ban-regex "$T/ml/current" "$filter" >"$T/regex-ml.out" 2>&1
expect_grep "and the same 5 in multilog's TAI64N-stamped lines" '^Lines: [0-9]+ lines, 0 ignored, 5 matched' "$T/regex-ml.out"
sed 's/^/2026-01-02_03:04:05.12345 /' "$log" >"$T/svlogd.log"
fail2ban-regex "$T/svlogd.log" "$filter" >"$T/regex-sv.out" 2>&1
expect_grep "and in svlogd-stamped lines" '^Lines: [0-9]+ lines, 0 ignored, 5 matched' "$T/regex-sv.out"
printf 'postern-popup: login-refused user=x remote=- mech=user attempt=1\npostern-popup: login-refused user=remote=192.0.2.1 remote=- mech=user attempt=1\n' >"$T/forged.log"
fail2ban-regex "$T/forged.log" "$filter" >"$T/regex-forged.out" 2>&1
expect_grep "an unknown address or a user name posing as one matches nothing" '^Lines: 2 lines, 0 ignored, 0 matched' "$T/regex-forged.out"

# The jail, in a copy of the system's fail2ban configuration.
cp -R /etc/fail2ban "$T/etc-fail2ban"
rm -f "$T"/etc-fail2ban/jail.d/*   # Debian's sshd jail: no sshd log here
cp "$filter" "$T/etc-fail2ban/filter.d/"
sed "s|^logpath .*|logpath  = $T/ml/current|" "$root/service/fail2ban/jail.d/postern.local" >"$T/etc-fail2ban/jail.d/postern.local"
timeout 60 fail2ban-client -c "$T/etc-fail2ban" -t >"$T/jail.out" 2>&1
expect_eq "fail2ban's configuration test passes with the jail" 0 $?
timeout 60 fail2ban-client -c "$T/etc-fail2ban" -d >"$T/jail.dump" 2>&1
expect_grep "the jail uses the filter's regex" "^\['set', 'postern', 'addfailregex', '.*postern-popup: login-refused" "$T/jail.dump"
expect_grep "and its limits" "^\['set', 'postern', 'maxretry', 5\]" "$T/jail.dump"
