#include "signals.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

namespace postern::ucspi {

namespace {

constexpr int taken_signals[] = {SIGCHLD, SIGHUP, SIGTERM, SIGINT};

sigset_t server_set() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : taken_signals) sigaddset(&set, s);
    return set;
}

// Flags 0 also clears an inherited SA_NOCLDWAIT, which reaps children unseen as SIG_IGN does.
bool set_disposition(int signo, void (*handler)(int)) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    return ::sigaction(signo, &action, nullptr) == 0;
}

// glibc keeps a few real-time signals for itself: sigaction refuses them, and they are skipped.
sigset_t ignored_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int signo = 1; signo < NSIG; ++signo) {
        struct sigaction action {};
        if (::sigaction(signo, nullptr, &action) == 0 && action.sa_handler == SIG_IGN) sigaddset(&set, signo);
    }
    return set;
}

}  // namespace

bool take_server_signals(ServerSignals& out) {
    for (int s : taken_signals)
        if (!set_disposition(s, SIG_DFL)) return false;
    if (!set_disposition(SIGPIPE, SIG_IGN)) return false;
    out.ignored = ignored_signals();
    sigset_t set = server_set();
    if (sigprocmask(SIG_SETMASK, &set, nullptr) != 0) return false;
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

void reset_child_signals(const sigset_t& ignored) {
    for (int signo = 1; signo < NSIG; ++signo)
        if (sigismember(&ignored, signo) == 1) set_disposition(signo, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace postern::ucspi
