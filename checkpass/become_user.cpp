#include "become_user.hpp"

#include <grp.h>
#include <stdlib.h>
#include <unistd.h>
#include <cerrno>

namespace postern::checkpass {

namespace {
BecomeResult failed_at(BecomeStep step) { return {step, errno}; }

BecomeResult drop_privileges(const Account& account) {
    int grouped = account.system_groups ? ::initgroups(account.name.c_str(), account.gid)
                                        : ::setgroups(1, &account.gid);
    if (grouped != 0) return failed_at(BecomeStep::groups);
    if (::setgid(account.gid) != 0) return failed_at(BecomeStep::gid);
    if (::setuid(account.uid) != 0) return failed_at(BecomeStep::uid);
    if (account.uid != 0 && (::setuid(0) == 0 || ::seteuid(0) == 0)) {
        errno = EPERM;
        return failed_at(BecomeStep::root_regained);
    }
    return {};
}
}  // namespace

BecomeResult become_user(const Account& account) {
    if (::geteuid() == 0) {
        BecomeResult dropped = drop_privileges(account);
        if (dropped.step != BecomeStep::done) return dropped;
    }
    if (::chdir(account.home.c_str()) != 0) return failed_at(BecomeStep::chdir);
    if (::setenv("USER", account.name.c_str(), 1) != 0 || ::setenv("HOME", account.home.c_str(), 1) != 0 ||
        ::setenv("SHELL", account.shell.c_str(), 1) != 0)
        return failed_at(BecomeStep::environment);
    return {};
}

}  // namespace postern::checkpass
