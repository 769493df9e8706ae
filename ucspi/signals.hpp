// The server takes SIGCHLD, SIGHUP, SIGTERM and SIGINT through a signalfd in
// its poll loop, so no handler ever runs in the middle of its bookkeeping;
// children get the signal state the server started with.
#pragma once
#include <signal.h>

#include "fd.hpp"

namespace postern::ucspi {

struct ServerSignals {
    Fd fd;
    sigset_t original_mask;
};

// Blocks the four signals and opens a signalfd for them; SIGPIPE is ignored.
bool take_server_signals(ServerSignals& out);

struct PendingSignals {
    bool child = false, hangup = false, terminate = false;
};
PendingSignals read_signals(int fd);

// In a new child, before anything else: the mask and dispositions it would have had.
void restore_child_signals(const sigset_t& original_mask);

}  // namespace postern::ucspi
