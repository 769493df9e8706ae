#include "landlock.hpp"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstddef>

#include "fd.hpp"
#include "maildir_quota.hpp"

// Rights newer than some kernel headers (linux-libc-dev 6.1 stops at REFER, ABI 2):
// their values are the kernel's ABI and never change.
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

namespace postern::pop3d {

namespace {
// struct landlock_ruleset_attr as of ABI 6; the kernel is given only the part its ABI knows.
struct RulesetAttr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;  // ABI 4
    uint64_t scoped;              // ABI 6
};

size_t ruleset_size(int abi) {
    if (abi >= 6) return sizeof(RulesetAttr);
    if (abi >= 4) return offsetof(RulesetAttr, scoped);
    return offsetof(RulesetAttr, handled_access_net);
}

long create_ruleset(const RulesetAttr* attr, size_t size, uint32_t flags) {
    return ::syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

// Every file-system right ABI 1 knows: execute, write, read, read a directory,
// remove a directory or a file, make each kind of file.
constexpr uint64_t abi1_fs = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

bool allow_beneath(int ruleset_fd, int dir_fd, uint64_t rights) {
    landlock_path_beneath_attr rule{};
    rule.allowed_access = rights;
    rule.parent_fd = dir_fd;
    return ::syscall(SYS_landlock_add_rule, ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) == 0;
}

// LeakSanitizer reads this process's /proc folder (its threads, its memory map)
// at exit: a sanitizer build (make SANITIZE=1) allows that much more; a release
// build has no such rule.
#if defined(__SANITIZE_ADDRESS__)
bool allow_sanitizer(int ruleset_fd) {
    Fd self(::open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC));
    return !self || allow_beneath(ruleset_fd, self.get(), LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR);
}
#else
bool allow_sanitizer(int) { return true; }
#endif
}  // namespace

int landlock_abi() {
    long abi = create_ruleset(nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 0) return 0;  // ENOSYS: no Landlock in this kernel; EOPNOTSUPP: not enabled
    return int(std::min<long>(abi, landlock_known_abi));
}

LandlockRights landlock_rights(int abi) {
    LandlockRights rights;
    if (abi < 1) return rights;
    rights.handled_fs = abi1_fs;
    // Reading the messages and the cache, listing new/, cur/ and tmp/, removing
    // deleted messages and old tmp/ files, creating the cache and renaming it.
    rights.maildir_fs = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
                        LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG;
    if (abi >= 2) {
        // Without it handled, a rename between directories is refused outright.
        rights.handled_fs |= LANDLOCK_ACCESS_FS_REFER;
        rights.maildir_fs |= LANDLOCK_ACCESS_FS_REFER;
    }
    // Handled and never allowed: the cache is written as a new file, nothing is truncated.
    if (abi >= 3) rights.handled_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
    if (abi >= 4) rights.handled_net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
    if (abi >= 5) rights.handled_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
    if (abi >= 6) rights.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
    // Writing only in tmp/, where the cache is made, and to the quota file: no
    // message is ever opened for writing.
    rights.tmp_fs = rights.maildir_fs | LANDLOCK_ACCESS_FS_WRITE_FILE;
    rights.quota_file_fs = LANDLOCK_ACCESS_FS_WRITE_FILE;
    return rights;
}

SystemFailure confine_to_maildir(int maildir_fd, int abi) {
    LandlockRights rights = landlock_rights(abi);
    RulesetAttr attr{rights.handled_fs, rights.handled_net, rights.scoped};
    Fd ruleset(int(create_ruleset(&attr, ruleset_size(abi), 0)));
    if (!ruleset) return failure_at("create-ruleset");
    if (!allow_beneath(ruleset.get(), maildir_fd, rights.maildir_fs)) return failure_at("add-rule");
    // A Maildir without tmp/ goes without a cache, as it would unconfined.
    Fd tmp(::openat(maildir_fd, "tmp", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (tmp && !allow_beneath(ruleset.get(), tmp.get(), rights.tmp_fs)) return failure_at("add-rule");
    // Only a regular file with no other name: a hard link to another of the
    // user's files would make that one writable too.
    Fd quota(::openat(maildir_fd, maildirsize_file, O_PATH | O_NOFOLLOW | O_CLOEXEC));
    struct stat st{};
    if (quota && ::fstat(quota.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
        !allow_beneath(ruleset.get(), quota.get(), rights.quota_file_fs))
        return failure_at("add-rule");
    if (!allow_sanitizer(ruleset.get())) return failure_at("add-rule");
    // Needed to confine a process without privileges; pop3d runs no program anyway.
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return failure_at("no-new-privs");
    if (::syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0) return failure_at("restrict-self");
    return {};
}

}  // namespace postern::pop3d
