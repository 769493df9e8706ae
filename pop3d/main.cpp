// postern-pop3d MAILDIR: serves one user's Maildir over fd 0/1 (RFC 1939
// TRANSACTION and UPDATE states), as the last link of a checkpassword chain.
//
// Its first line answers the client's PASS/APOP/AUTH. Once it has said
// anything it exits 0, whatever happened, so the greeter before it never adds
// a second answer; it exits non-zero only when it has said nothing.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "command_line.hpp"
#include "env.hpp"
#include "exit_code.hpp"
#include "landlock.hpp"
#include "log.hpp"
#include "session.hpp"
#include "settings.hpp"
#include "version.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {

constexpr unsigned scan_alarm_grace_seconds = 10;

std::string_view user_name() { return env_get("USER").value_or(""); }

// qmail-pop3d's rule: a Maildir is served as its user, never as root. Nothing
// was said to the client, so the greeter answers for the exit status.
int refuse_root() {
    log_event("root-refused").kv("uid", unsigned(::getuid())).kv("euid", unsigned(::geteuid()));
    return exit_refused;
}

int usage() {
    log_event("usage").kv("expected", "postern-pop3d MAILDIR");
    return exit_usage;
}

// The client asked to log in; this is the answer when its maildrop cannot be served.
int refuse_maildrop(Writer& out, const OpenResult& opened, const char* path) {
    const char* answer = "-ERR [SYS/TEMP] cannot open the maildrop, try again later";
    if (opened.status == OpenStatus::missing) answer = "-ERR [SYS/PERM] this user has no Maildir";
    if (opened.status == OpenStatus::denied) answer = "-ERR [SYS/PERM] permission denied on the Maildir";
    if (opened.status == OpenStatus::in_use) answer = "-ERR [IN-USE] maildrop is in use by another session";
    log_event(opened.status == OpenStatus::in_use ? "in-use" : "maildrop-failed")
        .kv("user", user_name())
        .kv("maildir", path)
        .failure(opened.failure);
    out.put_line(answer);
    out.flush();
    return exit_ok;
}

// POSTERN_SCAN_TIMEOUT passed before the maildrop was listed and sized. The
// sizes found so far are in the cache: the next session goes on from there.
int refuse_slow_maildrop(Writer& out, const Maildrop& drop, const OpenResult& opened, const char* path,
                         int seconds) {
    log_event("scan-timeout")
        .kv("user", user_name())
        .kv("maildir", path)
        .kv("at", opened.failure.step)
        .kv("seconds", seconds)
        .kv("sized-from-files", drop.files_read);
    out.put_line("-ERR [SYS/TEMP] the maildrop took too long to open, try again later");
    out.flush();
    return exit_ok;
}

// The kernel offers Landlock but would not confine us: serve nothing unconfined.
int refuse_unconfined(Writer& out, const SystemFailure& sandbox, const char* path) {
    log_event("sandbox-failed").kv("user", user_name()).kv("maildir", path).failure(sandbox);
    out.put_line("-ERR [SYS/TEMP] cannot open the maildrop, try again later");
    out.flush();
    return exit_ok;
}

std::string sandbox_name(int abi) { return abi > 0 ? "landlock-v" + std::to_string(abi) : "none"; }

const char* reason_name(EndReason reason) {
    switch (reason) {
        case EndReason::quit: return "quit";
        case EndReason::eof: return "eof";
        case EndReason::timeout: return "timeout";
        case EndReason::read_error: return "read-error";
        case EndReason::write_error: return "write-error";
    }
    return "unknown";
}

std::string count_and_octets(size_t count, uint64_t octets) {
    return std::to_string(count) + "/" + std::to_string(octets);
}

void log_loaded(const Maildrop& drop, const char* path, int abi) {
    log_event("loaded")
        .kv("user", user_name())
        .kv("maildir", path)
        .kv("messages", drop.count)
        .kv("octets", drop.total_octets)
        .kv("listing", drop.listed_from_cache ? "cache" : "scan")
        .kv("sized-from-files", drop.files_read)
        .kv("tmp-removed", drop.tmp_removed)
        .kv("sandbox", sandbox_name(abi));
    if (drop.truncated) log_event("too-many-messages").kv("user", user_name()).kv("served", drop.count);
}

// Each message counts once: retrieved (RETR sent it whole), topped (a TOP
// sent it whole), deleted (UPDATE unlinked it), vanished (marked deleted, but
// another session had removed it), left (what the Maildir still holds of the
// session's messages).
void log_end(const Maildrop& drop, const SessionTotals& totals, EndReason reason) {
    size_t gone = totals.deleted + totals.vanished;
    uint64_t gone_octets = totals.deleted_octets + totals.vanished_octets;
    log_event("end")
        .kv("user", user_name())
        .kv("reason", reason_name(reason))
        .kv("retrieved", count_and_octets(totals.retrieved, totals.retrieved_octets))
        .kv("topped", count_and_octets(totals.topped, totals.topped_octets))
        .kv("deleted", count_and_octets(totals.deleted, totals.deleted_octets))
        .kv("vanished", count_and_octets(totals.vanished, totals.vanished_octets))
        .kv("left", count_and_octets(drop.count - gone, drop.total_octets - gone_octets));
}

}  // namespace

int main(int argc, char** argv) {
    // First of all: the user's own processes may not ptrace this one, nor take
    // its descriptors (the service log) with pidfd_getfd.
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    log_set_program("postern-pop3d");
    if (version_asked(argc, argv)) return print_version("postern-pop3d");
    if (::getuid() == 0 || ::geteuid() == 0) return refuse_root();
    ::signal(SIGPIPE, SIG_IGN);
    ::signal(SIGALRM, SIG_DFL);
    if (argc < 2 || !*argv[1]) return usage();
    Settings settings;
    if (!read_settings(settings)) return exit_temporary;

    Writer out(1);
    out.set_timeout_ms(settings.idle_timeout_seconds * 1000);
    set_tcp_nodelay(1);
    Maildrop drop;
    OpenResult opened = open_maildir(argv[1], settings.exclusive, drop);
    if (opened.status != OpenStatus::ok) return refuse_maildrop(out, opened, argv[1]);
    int abi = landlock_abi();
    SystemFailure sandbox;
    if (landlock_allows_renames(abi)) sandbox = confine_to_maildir(drop.dir.get(), abi);
    if (sandbox) return refuse_unconfined(out, sandbox, argv[1]);

    // The scan stops itself at its deadline; the alarm, whose default action
    // ends the process (the greeter then answers), is for a read the kernel
    // never returns from, such as a FUSE file's.
    ::alarm(unsigned(settings.scan_timeout_seconds) + scan_alarm_grace_seconds);
    opened = load_maildrop(argv[1], settings.max_messages, Deadline::after_seconds(settings.scan_timeout_seconds), drop,
                           settings.uidl);
    ::alarm(0);
    if (opened.status == OpenStatus::timed_out)
        return refuse_slow_maildrop(out, drop, opened, argv[1], settings.scan_timeout_seconds);
    if (opened.status != OpenStatus::ok) return refuse_maildrop(out, opened, argv[1]);
    // ABI 1 would refuse the scan's renames (new/ to cur/, the cache from tmp/):
    // confined now they are done, before the client's first command.
    if (abi == 1) sandbox = confine_to_maildir(drop.dir.get(), abi);
    if (sandbox) return refuse_unconfined(out, sandbox, argv[1]);
    log_loaded(drop, argv[1], abi);

    LineReader in(0, max_command_line);
    Session session(drop, settings, in, out);
    session.greet();
    EndReason reason = session.run();  // TRANSACTION
    if (reason == EndReason::quit) reason = session.update();  // UPDATE
    log_end(drop, session.totals(), reason);
    return exit_ok;
}
