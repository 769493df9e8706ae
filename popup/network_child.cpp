#include "network_child.hpp"

#include <grp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <vector>

#include "log.hpp"
#include "seccomp_filter.hpp"
#include "system_failure.hpp"

namespace postern::popup {

namespace {
[[noreturn]] void not_confined(const SystemFailure& failure) {
    log_event("confine-failed").failure(failure);
    ::_exit(exit_not_confined);
}

// chroot first (it needs root), then the groups, the gid and the uid; a
// process that could become root again is not confined.
void confine(const NetworkAccount& account) {
    if (::chroot(account.root.c_str()) != 0 || ::chdir("/") != 0) not_confined(failure_at("chroot"));
    if (::setgroups(0, nullptr) != 0) not_confined(failure_at("groups"));
    if (::setgid(account.gid) != 0) not_confined(failure_at("gid"));
    if (::setuid(account.uid) != 0) not_confined(failure_at("uid"));
    if (::setuid(0) == 0 || ::seteuid(0) == 0) not_confined({"root-regained", EPERM});
    // Another process of the same account (nobody serves others too) must
    // not ptrace the child and read a password.
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) not_confined(failure_at("dumpable"));
    switch (install_network_filter()) {
        case FilterResult::installed: break;
        case FilterResult::unsupported: log_event("seccomp-unavailable").kv("sandbox", "none"); break;
        case FilterResult::skipped: log_event("seccomp-skipped").kv("reason", "sanitizer-build"); break;
        case FilterResult::failed: not_confined(failure_at("seccomp"));
    }
}
}  // namespace

std::optional<NetworkChild> start_network_child(const NetworkAccount& account, std::span<const int> keep,
                                                const std::function<int(int)>& serve) {
    int pair[2], pipe_ends[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return std::nullopt;
    Fd parent_end(pair[0]), child_end(pair[1]);
    if (::pipe2(pipe_ends, O_CLOEXEC) != 0) return std::nullopt;
    Fd log_read(pipe_ends[0]), log_write(pipe_ends[1]);
    pid_t pid = ::fork();
    if (pid < 0) return std::nullopt;
    if (pid == 0) {
        log_set_program("postern-popup-net");
        if (!move_fd(log_write.release(), 2)) ::_exit(exit_not_confined);
        std::vector<int> kept(keep.begin(), keep.end());
        kept.push_back(child_end.get());
        close_fds_from(3, kept);
        confine(account);
        ::_exit(serve(child_end.get()));
    }
    return NetworkChild{pid, std::move(parent_end), std::move(log_read)};
}

}  // namespace postern::popup
