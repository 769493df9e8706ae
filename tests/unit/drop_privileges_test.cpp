#include <catch2/catch.hpp>

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string_view>

#include "drop_privileges.hpp"

using namespace postern;

namespace {
// The exit status of `check` run in a child that dropped to `to` first; 99 when the drop failed.
template <typename F>
int after_drop(const DropTo& to, F check) {
    pid_t pid = ::fork();
    if (pid == 0) _exit(drop_privileges(to) ? 99 : check());
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

TEST_CASE("drop privileges: every id changes and root stays gone", "[privileges]") {
    if (::geteuid() != 0) {
        WARN("not run: needs root");
        return;
    }
    DropTo to{65534, 65534};
    CHECK(after_drop(to, [] {
              uid_t r, e, s;
              gid_t gr, ge, gs;
              ::getresuid(&r, &e, &s);
              ::getresgid(&gr, &ge, &gs);
              bool ids = r == 65534 && e == 65534 && s == 65534 && gr == 65534 && ge == 65534 && gs == 65534;
              gid_t groups[4];
              bool one_group = ::getgroups(4, groups) == 1 && groups[0] == 65534;
              bool regained = ::setuid(0) == 0 || ::seteuid(0) == 0;
              return ids && one_group && !regained ? 0 : 1;
          }) == 0);
}

TEST_CASE("drop privileges: with no uid, only the groups and the gid change", "[privileges]") {
    if (::geteuid() != 0) {
        WARN("not run: needs root");
        return;
    }
    DropTo to{65534, std::nullopt};
    CHECK(after_drop(to, [] { return ::getuid() == 0 && ::getgid() == 65534 ? 0 : 1; }) == 0);
}

TEST_CASE("drop privileges: without root, the first step fails and says so", "[privileges]") {
    pid_t pid = ::fork();
    if (pid == 0) {
        if (::geteuid() == 0 && ::setuid(65534) != 0) _exit(2);
        SystemFailure failed = drop_privileges({0, 0});
        _exit(failed && std::string_view(failed.step) == "setgroups" && failed.error == EPERM ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}
