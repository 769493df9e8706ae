#include "become_user.hpp"

#include <stdlib.h>
#include <unistd.h>

#include "drop_privileges.hpp"

namespace postern::checkpass {

SystemFailure become_user(const Account& account) {
    if (::geteuid() == 0) {
        DropTo to{account.gid, account.uid, account.system_groups ? account.name.c_str() : nullptr};
        if (SystemFailure failed = drop_privileges(to)) return failed;
    }
    if (::chdir(account.home.c_str()) != 0) return failure_at("chdir");
    if (::setenv("USER", account.name.c_str(), 1) != 0 || ::setenv("HOME", account.home.c_str(), 1) != 0 ||
        ::setenv("SHELL", account.shell.c_str(), 1) != 0)
        return failure_at("environment");
    return {};
}

}  // namespace postern::checkpass
