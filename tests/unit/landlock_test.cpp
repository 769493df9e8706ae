#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>

#include "capture.hpp"
#include "fd.hpp"
#include "pop3d/landlock.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {
constexpr uint64_t refer = LANDLOCK_ACCESS_FS_REFER;
constexpr uint64_t truncate_right = 1ULL << 14;
constexpr uint64_t ioctl_dev = 1ULL << 15;

// Runs `body` in a child process (confinement cannot be undone); its exit status.
template <typename Body>
int in_child(Body body) {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(body());
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
}  // namespace

TEST_CASE("each Landlock ABI handles what it knows, and allows beneath the Maildir only what pop3d does") {
    CHECK(landlock_rights(0).handled_fs == 0);
    for (int abi = 1; abi <= landlock_known_abi; ++abi) {
        LandlockRights r = landlock_rights(abi);
        INFO("ABI " << abi);
        CHECK((r.maildir_fs & ~r.handled_fs) == 0);  // a rule may allow only handled rights
        CHECK((r.tmp_fs & ~r.handled_fs) == 0);
        CHECK((r.handled_fs & LANDLOCK_ACCESS_FS_EXECUTE) != 0);
        CHECK((r.maildir_fs & LANDLOCK_ACCESS_FS_READ_FILE) != 0);
        CHECK((r.maildir_fs & LANDLOCK_ACCESS_FS_REMOVE_FILE) != 0);
        CHECK((r.maildir_fs & (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_EXECUTE |
                               LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_SYM)) == 0);
        CHECK((r.tmp_fs & LANDLOCK_ACCESS_FS_WRITE_FILE) != 0);
        CHECK(r.quota_file_fs == LANDLOCK_ACCESS_FS_WRITE_FILE);  // a file's rule: file rights only
        CHECK(((r.handled_fs & refer) != 0) == (abi >= 2));  // unknown to ABI 1: the kernel would say EINVAL
        CHECK(((r.maildir_fs & refer) != 0) == (abi >= 2));
        CHECK(((r.handled_fs & truncate_right) != 0) == (abi >= 3));
        CHECK((r.tmp_fs & truncate_right) == 0);  // handled, never allowed
        CHECK((r.handled_net != 0) == (abi >= 4));
        CHECK(((r.handled_fs & ioctl_dev) != 0) == (abi >= 5));
        CHECK((r.scoped != 0) == (abi >= 6));
        CHECK(landlock_allows_renames(abi) == (abi >= 2));
    }
}

TEST_CASE("confined to a Maildir, a process serves it and reaches nothing outside") {
    int abi = landlock_abi();
    if (abi == 0) {
        WARN("this kernel has no Landlock");
        return;
    }
    test::TempMaildir md;
    md.put("cur/1.a.h:2,", "Subject: a\n\n");
    md.put("new/2.b.h", "Subject: b\n\n");
    md.put("tmp/leftover", "x");
    test::TempMaildir outside;
    outside.put("cur/secret", "secret\n");
    std::string secret = (outside.path() / "cur/secret").string();
    int status = in_child([&] {
        Fd dir(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
        if (confine_to_maildir(dir.get(), abi)) return 10;
        if (::open(secret.c_str(), O_RDONLY) >= 0 || errno != EACCES) return 11;
        if (::open("/etc/passwd", O_RDONLY) >= 0) return 12;
        if (::openat(dir.get(), "cur/1.a.h:2,", O_RDONLY) < 0) return 13;
        if (::openat(dir.get(), "cur/1.a.h:2,", O_WRONLY) >= 0) return 14;  // no message is written to
        if (abi >= 2 && ::renameat(dir.get(), "new/2.b.h", dir.get(), "cur/2.b.h:2,") != 0) return 15;
        int cache = ::openat(dir.get(), "tmp/cache", O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (cache < 0 || ::write(cache, "c\n", 2) != 2) return 16;
        ::close(cache);
        if (abi >= 2 && ::renameat(dir.get(), "tmp/cache", dir.get(), "postern-cache") != 0) return 17;
        if (abi >= 3 && ::openat(dir.get(), "tmp/leftover", O_WRONLY | O_TRUNC) >= 0) return 18;
        if (::unlinkat(dir.get(), "tmp/leftover", 0) != 0) return 19;
        if (::mkdirat(dir.get(), "cur/d", 0700) == 0) return 20;
        if (::symlinkat("/etc/passwd", dir.get(), "cur/link") == 0) return 21;
        return 0;
    });
    CHECK(status == 0);
}

TEST_CASE("confined, a process may append to maildirsize, and to no file put in its place") {
    int abi = landlock_abi();
    if (abi == 0) {
        WARN("this kernel has no Landlock");
        return;
    }
    test::TempMaildir md;
    md.put("maildirsize", "200000S\n0 0\n");
    md.put("cur/1.a.h:2,", "Subject: a\n\n");
    md.put("tmp/new-maildirsize", "200000S\n0 0\n");
    int status = in_child([&] {
        Fd dir(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
        if (confine_to_maildir(dir.get(), abi)) return 10;
        Fd quota(::openat(dir.get(), "maildirsize", O_RDWR | O_APPEND));
        if (!quota || ::write(quota.get(), "-1 -1\n", 6) != 6) return 11;
        if (::openat(dir.get(), "cur/1.a.h:2,", O_WRONLY) >= 0) return 12;  // still no message
        if (::openat(dir.get(), "other", O_WRONLY | O_CREAT, 0600) >= 0) return 13;
        // A recalculation renames a new file over it: the right was the old file's.
        if (abi >= 2 && ::renameat(dir.get(), "tmp/new-maildirsize", dir.get(), "maildirsize") != 0) return 14;
        if (abi >= 2 && ::openat(dir.get(), "maildirsize", O_RDWR | O_APPEND) >= 0) return 15;
        return 0;
    });
    CHECK(status == 0);
}

TEST_CASE("a maildirsize with a second name elsewhere is not made writable") {
    int abi = landlock_abi();
    if (abi == 0) {
        WARN("this kernel has no Landlock");
        return;
    }
    test::TempMaildir md;
    test::TempMaildir elsewhere;
    elsewhere.put("target", "200000S\n0 0\n");
    REQUIRE(::link((elsewhere.path() / "target").c_str(), (md.path() / "maildirsize").c_str()) == 0);
    int status = in_child([&] {
        Fd dir(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
        if (confine_to_maildir(dir.get(), abi)) return 10;
        if (::openat(dir.get(), "maildirsize", O_WRONLY | O_APPEND) >= 0 || errno != EACCES) return 11;
        return 0;
    });
    CHECK(status == 0);
}
