#!/bin/bash
# bench/pipe_session.sh [BIN_DIR]: the median time of one whole pipe session
# (USER, PASS, STAT, QUIT through postern-popup | postern-checkpass |
# postern-pop3d), 50 runs for each password hash. As root: it creates a user
# and removes it at exit.
B=$(cd "${1:-build/bin}" && pwd) || exit 2
U=pstrn-tm$$
D=$(mktemp -d /tmp/pstrn-measure.XXXXXX); chmod 755 $D
useradd -M -U -s /bin/sh -d $D/home $U || exit 111
trap "userdel $U; rm -rf $D" EXIT
mkdir -p $D/home/Maildir/{new,cur,tmp}
for i in 1 2 3; do printf 'Subject: %s\n\nhello\n' $i > $D/home/Maildir/cur/170000000$i.m$i.h:2,S; done
chown -R $U: $D/home
measure() {  # label, password-file line hash
  printf 'alice:%s::%s:%s:%s\n' "$2" "$(id -u $U)" "$(id -g $U)" "$D/home" > $D/passwd; chmod 600 $D/passwd
  export POSTERN_PASSWD_FILE=$D/passwd
  : > $D/bad
  for i in $(seq 50); do
    s=$(date +%s%N)
    printf 'USER alice\r\nPASS secret\r\nSTAT\r\nQUIT\r\n' |
      timeout 10 $B/postern-popup mail.example.com $B/postern-checkpass $B/postern-pop3d Maildir >$D/out 2>/dev/null
    e=$(date +%s%N)
    grep -q '^+OK 3 ' $D/out || echo "run $i: $(tr -d '\r' < $D/out | tr '\n' ' ')" >> $D/bad
    echo $(( (e - s) / 1000 ))
  done | sort -n > $D/times
  [ -s $D/bad ] && { echo "$1: $(wc -l < $D/bad) runs went wrong:"; cat $D/bad; }
  echo "$1: median $(sed -n 25p $D/times) us (min $(head -1 $D/times), max $(tail -1 $D/times)) over 50 runs"
}
measure "SHA-512 (5000 rounds)" "$(openssl passwd -6 secret)"
measure "yescrypt (libxcrypt default)" "$(printf 'secret\n' | $B/postern-passwd $D/h x 2>/dev/null; sed -n 's/^x:\([^:]*\).*/\1/p' $D/h)"
