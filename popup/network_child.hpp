// Privilege separation, popa3d's way. A popup that starts as root forks,
// before it reads a byte from the client, a network child that runs the
// whole AUTHORIZATION dialogue as an unprivileged account, chrooted into an
// empty directory, with no groups, not dumpable, under a seccomp filter.
// The root parent reads only the child's fixed-format login records (over a
// SOCK_SEQPACKET socketpair) and its log pipe, never the network.
#pragma once
#include <sys/types.h>
#include <functional>
#include <span>
#include <optional>

#include "fd.hpp"
#include "network_account.hpp"

namespace postern::popup {

// The status of a network child that could not confine itself: it said
// nothing to the client, so the parent answers.
constexpr int exit_not_confined = 100;

struct NetworkChild {
    pid_t pid = -1;
    Fd records;  // the parent's end of the socketpair
    Fd log;      // what the child writes on its fd 2
};

// Forks the network child. Confined, holding only fds 0 and 1, its log pipe
// on 2, its end of the socketpair and the descriptors in `keep`, it runs
// `serve(records_fd)` and exits with what that returns. nullopt (errno set)
// when the child could not be started.
std::optional<NetworkChild> start_network_child(const NetworkAccount& account, std::span<const int> keep,
                                                const std::function<int(int)>& serve);

}  // namespace postern::popup
