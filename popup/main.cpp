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
#include <signal.h>
#include <unistd.h>

#include "apop_timestamp.hpp"
#include "authorization.hpp"
#include "env.hpp"
#include "exit_code.hpp"
#include "log.hpp"
#include "login_judge.hpp"
#include "network_child.hpp"
#include "privsep_parent.hpp"
#include "remote_address.hpp"
#include "remote_checker.hpp"
#include "settings.hpp"
#include "tls_in_front.hpp"
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

// Whatever started popup may have left signals ignored or blocked: an
// ignored SIGCHLD would make every wait for the checkpassword program fail.
void reset_signals() {
    ::signal(SIGCHLD, SIG_DFL);
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

struct Connection {
    const Settings& settings;
    std::string remote;
    std::string timestamp;
    std::optional<UcspiTls> tls;
    Writer& out;
};

// The AUTHORIZATION state, greeting first; the login checks go to `checker`.
int converse(Connection& c, LoginChecker& checker) {
    LineReader in(0, max_command_line, /*exact=*/true);
    Authorization authorization(c.settings, checker, c.remote, c.timestamp, c.tls, in, c.out);
    authorization.greet();
    return exit_code_for(authorization.run());
}

// The programs after popup find the client in TCPREMOTEIP, even where popup
// found it elsewhere (SSLREMOTEIP, REMOTE_ADDR, the socket before STLS).
void pass_on_remote_address(const std::string& remote) {
    auto set = env_get("TCPREMOTEIP");
    if (!remote.empty() && (!set || set->empty())) ::setenv("TCPREMOTEIP", remote.c_str(), 1);
}

void log_connect(const Connection& c, const std::optional<TlsInFront>& front, bool privsep) {
    auto line = log_event("connect");
    line.kv("remote", c.remote).kv("stls", c.tls && !c.tls->active ? "offered" : "no");
    line.kv("privsep", privsep ? "yes" : "no").kv("tls", front ? "yes" : "no");
    if (front) line.kv("tls-by", front->by).kv("protocol", front->protocol);
}

int separated(Connection& c, const NetworkAccount& account, char* const* program) {
    std::vector<int> keep;
    if (c.tls) keep = {c.tls->control, c.tls->read, c.tls->write};
    auto child = start_network_child(account, keep, [&](int records) {
        RemoteChecker checker(records, c.tls && c.tls->active);
        return converse(c, checker);
    });
    if (!child) {
        log_event("fork-failed").err(errno);
        return misconfigured(c.out);
    }
    LogRelay session_log("", session_log_budget);
    LoginJudge judge(c.settings, program, c.remote, &session_log);
    return serve_network_child(*child, judge, c.tls, c.timestamp, c.settings.auth_timeout_seconds);
}

}  // namespace

int main(int argc, char** argv) {
    log_set_program("postern-popup");
    if (version_asked(argc, argv)) return print_version("postern-popup");
    reset_signals();
    if (argc < 3 || !valid_host(argv[1]) || !*argv[2]) return usage();
    Writer out(1, 4096);
    Settings settings;
    if (!read_settings(settings)) return misconfigured(out);
    out.set_timeout_ms(settings.idle_timeout_seconds * 1000);
    set_tcp_nodelay(1);

    Connection c{settings, remote_address(), make_apop_timestamp(argv[1]), ucspi_tls_from_env(), out};
    auto front = tls_in_front(settings.tls_terminated, c.tls.has_value());
    if (!settings.offer_tls) c.tls.reset();
    if (front) c.tls = tls_from_start();
    unset_tls_server_settings();
    pass_on_remote_address(c.remote);
    bool privsep = ::geteuid() == 0;
    std::optional<NetworkAccount> account;
    if (privsep) {
        account = find_network_account(settings);
        if (!account) return misconfigured(out);
    }
    log_connect(c, front, privsep);
    if (privsep) return separated(c, *account, argv + 2);
    LoginJudge judge(settings, argv + 2, c.remote, nullptr);
    return converse(c, judge);
}
