// Confining postern-pop3d to its Maildir with Landlock (raw system calls, the
// kernel's own header): once confined, the process can read, create, rename
// and remove files beneath the Maildir and do nothing else with the file
// system, however it was made to try (a symlink in cur/ to /etc/passwd, or a
// client that found a way to run code).
#pragma once
#include "system_failure.hpp"
#include <cstdint>

namespace postern::pop3d {

// The highest Landlock ABI whose rights this code knows; a newer kernel is used at this level.
inline constexpr int landlock_known_abi = 7;

// The kernel's Landlock ABI version, capped at landlock_known_abi; 0 when it
// has none (before Linux 5.13, or Landlock not enabled at boot).
int landlock_abi();

// What a ruleset for `abi` denies (handled) and what it allows beneath the
// Maildir, beneath its tmp/ (where the cache is written), and on its Maildir++
// quota file, `maildirsize`, when it has one (appended to after deletions).
struct LandlockRights {
    uint64_t handled_fs = 0;
    uint64_t maildir_fs = 0;
    uint64_t tmp_fs = 0;
    uint64_t quota_file_fs = 0;
    uint64_t handled_net = 0;  // ABI 4: TCP bind and connect, none allowed
    uint64_t scoped = 0;       // ABI 6: abstract UNIX sockets and signals outside the process's domain
};
LandlockRights landlock_rights(int abi);

// ABI 1 refuses any rename from one directory to another (new/ to cur/, the
// cache from tmp/): under it, confinement waits until the Maildir is listed.
inline bool landlock_allows_renames(int abi) { return abi >= 2; }

// Confines this process (for good) to the Maildir open on `maildir_fd`, at `abi` (at least 1).
// The write right on `maildirsize` is the file's (its inode's): a file put in
// its place later (a recalculation renames a new one over it) is not writable.
SystemFailure confine_to_maildir(int maildir_fd, int abi);

}  // namespace postern::pop3d
