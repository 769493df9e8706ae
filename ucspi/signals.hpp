// The server takes SIGCHLD, SIGHUP, SIGTERM and SIGINT through a signalfd in
// its poll loop, so no handler ever runs in the middle of its bookkeeping.
// Whatever started it may have left signals ignored or blocked (an ignored
// SIGCHLD makes the kernel reap children unseen, and no slot is ever freed),
// so it sets the ones it relies on itself, and its children start from the
// defaults with nothing blocked.
#pragma once
#include <signal.h>
#include <sys/types.h>

#include <vector>

#include "fd.hpp"
#include "system_failure.hpp"

namespace postern::ucspi {

// One bit a signal (signo - 1): glibc's sigset_t functions refuse the
// signals it reserves, which may be ignored all the same.
using IgnoredSignals = unsigned long long;
static_assert(NSIG - 1 <= 64);
constexpr IgnoredSignals signal_bit(int signo) { return 1ULL << (signo - 1); }

struct ServerSignals {
    Fd fd;
    IgnoredSignals ignored = 0;  // every signal ignored in the server, SIGPIPE included: its children undo them
};

// SIGCHLD, SIGHUP, SIGTERM and SIGINT at their defaults and blocked, read on
// a signalfd; SIGPIPE ignored; no other signal blocked. A failure is step "signals".
SystemFailure take_server_signals(ServerSignals& out);

// What the signalfd held. SIGCHLD names the child that ended; one that ends
// while a SIGCHLD is still pending brings none of its own, so `child` is the
// cue to look for those too.
struct PendingSignals {
    bool child = false, hangup = false, terminate = false;
    std::vector<pid_t> ended;  // children a SIGCHLD named
};
PendingSignals read_signals(int fd);

// In a new child, before anything else: every signal at its default, none blocked.
void reset_child_signals(IgnoredSignals ignored);

}  // namespace postern::ucspi
