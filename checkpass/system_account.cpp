#include "system_account.hpp"

#include <pwd.h>
#include <shadow.h>
#include <time.h>
#include <cerrno>
#include <string>

namespace postern::checkpass {

namespace {
// getpwnam's "no such user" may come as any of these, depending on the NSS module.
bool means_not_found(int error) { return error == 0 || error == ENOENT || error == ESRCH || error == EBADF || error == EPERM; }

// shadow(5): the account is unusable from day sp_expire on (days since 1970).
bool account_expired(const spwd& shadow) {
    if (shadow.sp_expire < 0) return false;
    long today = long(::time(nullptr) / 86400);
    return today >= shadow.sp_expire;
}
}  // namespace

SystemLookup find_system_identity(std::string_view user, Account& account) {
    std::string name(user);
    errno = 0;
    passwd* pw = ::getpwnam(name.c_str());
    if (!pw) return means_not_found(errno) ? SystemLookup::not_found : SystemLookup::failed;
    account.name = pw->pw_name;
    account.uid = pw->pw_uid;
    account.gid = pw->pw_gid;
    account.home = pw->pw_dir;
    account.shell = pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh";
    account.hash = pw->pw_passwd ? pw->pw_passwd : "";
    account.system_groups = true;
    account.source = "system";
    return SystemLookup::found;
}

SystemLookup find_system_account(std::string_view user, Account& account) {
    SystemLookup identity = find_system_identity(user, account);
    // "x" says the hash is in shadow; some systems keep it in passwd itself.
    if (identity != SystemLookup::found || account.hash != "x") return identity;
    errno = 0;
    spwd* shadow = ::getspnam(account.name.c_str());
    if (!shadow && (errno == EACCES || errno == EPERM)) return SystemLookup::failed;  // not root
    if (!shadow) {  // in passwd, not in shadow: no password to match
        account.hash = "*";
        return SystemLookup::found;
    }
    account.hash = shadow->sp_pwdp ? shadow->sp_pwdp : "";
    account.expired = account_expired(*shadow);
    return SystemLookup::found;
}

void fill_shell_from_uid(Account& account) {
    passwd* pw = ::getpwuid(account.uid);
    account.shell = pw && pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh";
}

}  // namespace postern::checkpass
