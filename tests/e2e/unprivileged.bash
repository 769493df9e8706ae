# For the scripts that run postern-pop3d themselves; sourced after lib.sh.
# (Not a test itself: tests/run runs only *.sh.)
#
# rerun_unprivileged: postern-pop3d refuses to run as root, so as root the
# script runs again, from where it was called, as a user made for it (removed
# at exit), from a copy of tests/e2e that user can read (the clone may sit
# under /root or in a mktemp -d folder), and exits with that run's status.
# Variables named in RERUN_KEEP go along. As anyone else it does nothing.
rerun_unprivileged() {
    [ "$(id -u)" = 0 ] || return 0
    local user=pstrn-p3-$$ script keep=() v
    useradd -M -d /nonexistent -s /usr/sbin/nologin -U "$user" || { fail "a user to run $(basename "$0") as"; exit 1; }
    on_exit "userdel $user 2>/dev/null"
    mkdir "$T/e2e" "$T/tmp" && cp -R "$E2E/." "$T/e2e/" && chmod -R a+rX "$T/e2e" && chown "$user:" "$T/tmp" || exit 1
    for v in ${RERUN_KEEP:-}; do keep+=("$v=${!v}"); done
    script=$T/e2e/$(basename "$0")
    setpriv --reuid="$user" --regid="$user" --clear-groups -- \
        env HOME=/nonexistent TMPDIR="$T/tmp" "${keep[@]}" bash "$script"
    exit $?
}
