// postern-pop3d MAILDIR: serves one user's Maildir over fd 0/1 (RFC 1939
// TRANSACTION and UPDATE states), as the last link of a checkpassword chain.
//
// Its first line answers the client's PASS/APOP/AUTH. Once it has said
// anything it exits 0, whatever happened, so the greeter before it never adds
// a second answer; it exits non-zero only when it has said nothing.
#include <signal.h>

#include "env.hpp"
#include "exit_code.hpp"
#include "log.hpp"
#include "session.hpp"
#include "settings.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {

constexpr size_t max_command_line = 255;  // RFC 2449, CRLF included

std::string_view user_name() { return env_get("USER").value_or(""); }

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
        .kv("at", opened.where)
        .err(opened.error);
    out.put_line(answer);
    out.flush();
    return exit_ok;
}

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

void log_loaded(const Maildrop& drop, const char* path) {
    log_event("loaded")
        .kv("user", user_name())
        .kv("maildir", path)
        .kv("messages", drop.count)
        .kv("octets", drop.total_octets)
        .kv("listing", drop.listed_from_cache ? "cache" : "scan")
        .kv("sized-from-files", drop.files_read)
        .kv("tmp-removed", drop.tmp_removed);
    if (drop.truncated) log_event("too-many-messages").kv("user", user_name()).kv("served", drop.count);
}

void log_end(const Maildrop& drop, const SessionTotals& totals, EndReason reason) {
    size_t left = drop.count - totals.deleted;
    log_event("end")
        .kv("user", user_name())
        .kv("reason", reason_name(reason))
        .kv("retrieved", count_and_octets(totals.retrieved, totals.retrieved_octets))
        .kv("deleted", count_and_octets(totals.deleted, totals.deleted_octets))
        .kv("left", count_and_octets(left, drop.total_octets - totals.deleted_octets));
}

}  // namespace

int main(int argc, char** argv) {
    log_set_program("postern-pop3d");
    ::signal(SIGPIPE, SIG_IGN);
    if (argc < 2 || !*argv[1]) return usage();
    Settings settings;
    if (!read_settings(settings)) return exit_temporary;

    Writer out(1);
    out.set_timeout_ms(settings.idle_timeout_seconds * 1000);
    set_tcp_nodelay(1);
    Maildrop drop;
    OpenResult opened = open_maildrop(argv[1], settings.exclusive, settings.max_messages, drop);
    if (opened.status != OpenStatus::ok) return refuse_maildrop(out, opened, argv[1]);
    log_loaded(drop, argv[1]);

    LineReader in(0, max_command_line);
    Session session(drop, settings, in, out);
    session.greet();
    EndReason reason = session.run();
    log_end(drop, session.totals(), reason);
    return exit_ok;
}
