#include "become_user.hpp"

#include <grp.h>
#include <stdlib.h>
#include <unistd.h>
#include <cerrno>

namespace postern::checkpass {

namespace {
SystemFailure drop_privileges(const Account& account) {
    int grouped = account.system_groups ? ::initgroups(account.name.c_str(), account.gid)
                                        : ::setgroups(1, &account.gid);
    if (grouped != 0) return failure_at("setgroups");
    if (::setgid(account.gid) != 0) return failure_at("setgid");
    if (::setuid(account.uid) != 0) return failure_at("setuid");
    if (account.uid != 0 && (::setuid(0) == 0 || ::seteuid(0) == 0)) return {"root-regained", EPERM};
    return {};
}
}  // namespace

SystemFailure become_user(const Account& account) {
    if (::geteuid() == 0) {
        if (SystemFailure failed = drop_privileges(account)) return failed;
    }
    if (::chdir(account.home.c_str()) != 0) return failure_at("chdir");
    if (::setenv("USER", account.name.c_str(), 1) != 0 || ::setenv("HOME", account.home.c_str(), 1) != 0 ||
        ::setenv("SHELL", account.shell.c_str(), 1) != 0)
        return failure_at("environment");
    return {};
}

}  // namespace postern::checkpass
