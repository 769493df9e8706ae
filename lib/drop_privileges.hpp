// Giving up root: the supplementary groups, the gid, then (when a uid is
// given) the uid, in that order, each checked after; for good when the uid
// is not 0.
#pragma once
#include <sys/types.h>

#include <optional>

#include "system_failure.hpp"

namespace postern {

struct DropTo {
    gid_t gid = 0;
    std::optional<uid_t> uid;          // none: the groups and the gid only (tcpserver's -g alone)
    const char* groups_of = nullptr;   // a user's name: its groups (initgroups); none: the gid alone
};

// Root's real, effective and saved ids all become the new ones; then, unless
// uid 0 was asked for, a process that could become root again is a failure.
// A failure's step is setgroups, setgid, setuid or root-regained.
SystemFailure drop_privileges(const DropTo& to);

}  // namespace postern
