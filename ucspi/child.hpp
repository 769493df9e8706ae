// What a forked child does before it becomes PROG: learn the client's address
// (from the socket, or from a PROXY header), set the socket up and write the
// banner, look up host names, apply the access rules, pass the per-source
// limit, set the UCSPI environment, put the socket on fd 0 and 1, and exec:
// tcpserver's order. It exits instead at the first of those that fails.
#pragma once
#include <vector>

#include "access_rules.hpp"
#include "ip_address.hpp"
#include "options.hpp"
#include "signals.hpp"

namespace postern::ucspi {

// Exit status of a child that refused its connection itself, as tcpserver's.
constexpr int exit_child_refused = 100;

struct ChildSetup {
    const Options& options;
    const AccessRules& rules;
    IgnoredSignals ignored_signals;  // what the server ignores, for the child to undo
    int connection;
    int admission_fd;  // behind a proxy: where to ask about the per-source limit; else -1
    Endpoint peer;
    Endpoint listening;  // the listener's address, should getsockname fail
    size_t from_source;  // without a proxy the server counted already
};

[[noreturn]] void run_child(const ChildSetup& setup);

// The -m message with CRLF, sent without blocking before a refused connection closes.
void send_limit_message(int fd, const std::string& message);

}  // namespace postern::ucspi
