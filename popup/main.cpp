// postern-popup HOST PROG [ARGS...]: the POP3 greeter. Serves the
// AUTHORIZATION state on fds 0 and 1, then runs PROG under the
// checkpassword interface; the program PROG finally execs serves the rest.
//
// Started as root, it separates privileges (network_child.hpp): the
// dialogue runs in a confined child, and root only judges its login
// records. Otherwise it is one process, as qmail-popup is.
//
// It reads in exact mode: never a byte past the line that completes a
// login, so the commands a client pipelined after PASS are still waiting
// on fd 0 for the program after it, through a socket or a shell pipe.
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "apop_timestamp.hpp"
#include "authorization.hpp"
#include "connection.hpp"
#include "exit_code.hpp"
#include "log.hpp"
#include "login_judge.hpp"
#include "network_child.hpp"
#include "privsep_parent.hpp"
#include "remote_checker.hpp"
#include "settings.hpp"
#include "version.hpp"

using namespace postern;
using namespace postern::popup;

namespace {

int usage() {
    log_event("usage").kv("expected", "postern-popup HOST PROG [ARGS...]");
    return exit_usage;
}

// A broken setting is the administrator's: the client hears only "try later".
int misconfigured(Writer& out) {
    out.put_line("-ERR [SYS/TEMP] service temporarily unavailable");
    out.flush();
    return exit_temporary;
}

int exit_code_for(Outcome outcome) {
    switch (outcome) {
        case Outcome::quit:
        case Outcome::session_ran: return exit_ok;
        case Outcome::client_left:
        case Outcome::timeout:
        case Outcome::too_many_failures: return exit_refused;
        case Outcome::temporary_failure: return exit_temporary;
    }
    return exit_temporary;
}

// RFC 1939 as popup serves it: the greeting, then the AUTHORIZATION state's
// commands until a login hands the connection over: `checker` runs the
// checkpassword chain, whose last program serves TRANSACTION and UPDATE.
int serve_pop3(Connection& c, LoginChecker& checker) {
    LineReader in(0, max_command_line, /*exact=*/true);
    Authorization authorization(c.settings, checker, c.remote, c.timestamp, c.tls, in, c.out);
    authorization.greet();
    return exit_code_for(authorization.run());
}

// The dialogue in the confined network child; the chain runs from the root parent.
int serve_separated(Connection& c, const NetworkAccount& account, char* const* chain) {
    std::vector<int> keep;
    if (c.tls) keep = {c.tls->control, c.tls->read, c.tls->write};
    auto child = start_network_child(account, keep, [&](int records) {
        RemoteChecker checker(records, c.tls && c.tls->active);
        return serve_pop3(c, checker);
    });
    if (!child) {
        log_event("fork-failed").err(errno);
        return misconfigured(c.out);
    }
    LogRelay session_log("", session_log_budget);
    LoginJudge judge(c.settings, chain, c.remote, &session_log);
    return serve_network_child(*child, judge, c.tls, c.timestamp, c.settings.auth_timeout_seconds);
}

}  // namespace

int main(int argc, char** argv) {
    log_set_program("postern-popup");
    if (version_asked(argc, argv)) return print_version("postern-popup");
    reset_signals();
    if (argc < 3 || !valid_host(argv[1]) || !*argv[2]) return usage();
    char* const* chain = argv + 2;  // PROG ARGS...: what a login hands the connection to
    Writer out(1, 4096);
    Settings settings;
    if (!read_settings(settings)) return misconfigured(out);
    out.set_timeout_ms(settings.idle_timeout_seconds * 1000);
    Connection c = take_connection(settings, argv[1], out);

    if (::geteuid() != 0) {
        log_connect(c, false);
        LoginJudge judge(settings, chain, c.remote, nullptr);
        return serve_pop3(c, judge);
    }
    auto account = find_network_account(settings);
    if (!account) return misconfigured(out);
    log_connect(c, true);
    return serve_separated(c, *account, chain);
}
