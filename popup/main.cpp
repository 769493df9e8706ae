// postern-popup HOST PROG [ARGS...]: the POP3 greeter. Serves the
// AUTHORIZATION state on fds 0 and 1, then runs PROG under the
// checkpassword interface; the program PROG finally execs serves the rest.
//
// It reads in exact mode: never a byte past the line that completes a
// login, so the commands a client pipelined after PASS are still waiting
// on fd 0 for the program after it, through a socket or a shell pipe.
#include <signal.h>

#include "apop_timestamp.hpp"
#include "authorization.hpp"
#include "exit_code.hpp"
#include "log.hpp"
#include "remote_address.hpp"
#include "settings.hpp"

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

}  // namespace

int main(int argc, char** argv) {
    log_set_program("postern-popup");
    ::signal(SIGPIPE, SIG_IGN);
    if (argc < 3 || !valid_host(argv[1]) || !*argv[2]) return usage();
    Writer out(1, 4096);
    Settings settings;
    if (!read_settings(settings)) return misconfigured(out);
    out.set_timeout_ms(settings.idle_timeout_seconds * 1000);
    set_tcp_nodelay(1);

    std::string remote = remote_address();
    std::optional<UcspiTls> tls = ucspi_tls_from_env();
    if (!settings.offer_tls) tls.reset();
    log_event("connect").kv("remote", remote).kv("stls", tls ? "offered" : "no");

    LineReader in(0, max_command_line, /*exact=*/true);
    Authorization authorization(settings, argv + 2, remote, make_apop_timestamp(argv[1]), tls, in, out);
    authorization.greet();
    return exit_code_for(authorization.run());
}
