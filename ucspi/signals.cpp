#include "signals.hpp"

#include <sys/signalfd.h>
#include <sys/syscall.h>
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

// glibc keeps the real-time signals below SIGRTMIN for itself and its
// sigaction refuses them, yet whatever started the server may have left them
// ignored, and exec keeps that: the kernel's own call reads and resets them.
struct KernelSigaction {  // the kernel's layout, not glibc's
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    unsigned long mask;
};

bool reserved_by_libc(int signo) { return signo >= 32 && signo < SIGRTMIN; }

bool kernel_ignores(int signo) {
    KernelSigaction old{};
    return ::syscall(SYS_rt_sigaction, signo, nullptr, &old, sizeof old.mask) == 0 && old.handler == SIG_IGN;
}

void kernel_default(int signo) {
    KernelSigaction action{};
    action.handler = SIG_DFL;
    (void)::syscall(SYS_rt_sigaction, signo, &action, nullptr, sizeof action.mask);
}

bool ignores(int signo) {
    if (reserved_by_libc(signo)) return kernel_ignores(signo);
    struct sigaction action {};
    return ::sigaction(signo, nullptr, &action) == 0 && action.sa_handler == SIG_IGN;
}

IgnoredSignals ignored_signals() {
    IgnoredSignals set = 0;
    for (int signo = 1; signo < NSIG; ++signo)
        if (ignores(signo)) set |= signal_bit(signo);
    return set;
}

}  // namespace

SystemFailure take_server_signals(ServerSignals& out) {
    for (int s : taken_signals)
        if (!set_disposition(s, SIG_DFL)) return failure_at("signals");
    if (!set_disposition(SIGPIPE, SIG_IGN)) return failure_at("signals");
    out.ignored = ignored_signals();
    sigset_t set = server_set();
    if (sigprocmask(SIG_SETMASK, &set, nullptr) != 0) return failure_at("signals");
    out.fd.reset(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!out.fd.valid()) return failure_at("signals");
    return {};
}

PendingSignals read_signals(int fd) {
    PendingSignals pending;
    signalfd_siginfo info;
    while (::read(fd, &info, sizeof info) == ssize_t(sizeof info)) {
        if (info.ssi_signo == SIGCHLD) {
            pending.child = true;
            if (info.ssi_code == CLD_EXITED || info.ssi_code == CLD_KILLED || info.ssi_code == CLD_DUMPED)
                pending.ended.push_back(pid_t(info.ssi_pid));
        }
        if (info.ssi_signo == SIGHUP) pending.hangup = true;
        if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) pending.terminate = true;
    }
    return pending;
}

void reset_child_signals(IgnoredSignals ignored) {
    for (int signo = 1; signo < NSIG; ++signo)
        if (ignored & signal_bit(signo)) {
            if (reserved_by_libc(signo)) kernel_default(signo);
            else set_disposition(signo, SIG_DFL);
        }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace postern::ucspi
