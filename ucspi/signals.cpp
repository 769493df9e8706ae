#include "signals.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

namespace postern::ucspi {

namespace {

sigset_t server_set() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGCHLD, SIGHUP, SIGTERM, SIGINT}) sigaddset(&set, s);
    return set;
}

}  // namespace

bool take_server_signals(ServerSignals& out) {
    sigset_t set = server_set();
    if (sigprocmask(SIG_BLOCK, &set, &out.original_mask) != 0) return false;
    ::signal(SIGPIPE, SIG_IGN);
    out.fd.reset(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
    return out.fd.valid();
}

PendingSignals read_signals(int fd) {
    PendingSignals pending;
    signalfd_siginfo info;
    while (::read(fd, &info, sizeof info) == ssize_t(sizeof info)) {
        if (info.ssi_signo == SIGCHLD) pending.child = true;
        if (info.ssi_signo == SIGHUP) pending.hangup = true;
        if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) pending.terminate = true;
    }
    return pending;
}

void restore_child_signals(const sigset_t& original_mask) {
    ::signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, &original_mask, nullptr);
}

}  // namespace postern::ucspi
