#include "system_account.hpp"

#include <fcntl.h>
#include <paths.h>
#include <pwd.h>
#include <shadow.h>
#include <time.h>
#include <unistd.h>
#include <cerrno>
#include <string>

namespace postern::checkpass {

namespace {
// getpwnam's "no such user" may come as any of these, depending on the NSS module.
bool means_not_found(int error) { return error == 0 || error == ENOENT || error == ESRCH || error == EBADF || error == EPERM; }

long today() { return long(::time(nullptr) / 86400); }  // shadow counts days since 1970

// shadow(5): the account is unusable from day sp_expire on.
bool account_expired(const spwd& shadow) { return shadow.sp_expire >= 0 && today() >= shadow.sp_expire; }

// As pam_unix reads shadow(5): a last change on day 0 (passwd -e) asks for
// a new password at the next login, and so does a password older than its
// maximum age; past that and the inactivity period, it no longer logs in at
// all. POP3 cannot change a password, so each of these is a refusal.
bool password_expired(const spwd& shadow) {
    if (shadow.sp_lstchg == 0) return true;
    if (shadow.sp_lstchg < 0 || shadow.sp_max < 0) return false;
    return today() - shadow.sp_lstchg > shadow.sp_max;
}

// getspnam's answer: the entry, nullptr when the user has none, or why it
// could not be had. glibc's getspnam clears errno for "no such entry", but
// it also answers that when nss_files cannot open the shadow file and a
// later source (nss-systemd on Debian 12) finds nothing, and a later source
// may make up an entry (nss-systemd's for root and nobody). So the file is
// checked first: an answer given without it is no answer.
SystemLookup read_shadow(const std::string& name, spwd*& shadow) {
    shadow = nullptr;
    switch (shadow_file_access(_PATH_SHADOW)) {
        case ShadowFile::usable: break;
        case ShadowFile::unreadable: return SystemLookup::shadow_unreadable;
        case ShadowFile::failed: return SystemLookup::failed;
    }
    errno = 0;
    shadow = ::getspnam(name.c_str());
    if (!shadow && errno != 0) return SystemLookup::failed;
    return SystemLookup::found;
}
}  // namespace

ShadowFile shadow_file_access(const char* path) {
    // The effective ids decide what open(2) may do; access(2) asks for the real ones.
    if (::faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) == 0 || errno == ENOENT) return ShadowFile::usable;
    return errno == EACCES ? ShadowFile::unreadable : ShadowFile::failed;
}

bool has_lock_mark(std::string_view hash) {
    size_t marks = hash.find_first_not_of("!*");
    return marks != 0 && marks != std::string_view::npos;
}

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
    spwd* shadow = nullptr;
    if (SystemLookup looked = read_shadow(account.name, shadow); looked != SystemLookup::found) return looked;
    if (!shadow) {  // in passwd, not in shadow: no password to match
        account.hash = "*";
        return SystemLookup::found;
    }
    account.hash = shadow->sp_pwdp ? shadow->sp_pwdp : "";
    account.expired = account_expired(*shadow);
    account.password_expired = password_expired(*shadow);
    return SystemLookup::found;
}

SystemLookup find_system_lock(Account& account) {
    if (account.hash != "x") {
        account.locked = has_lock_mark(account.hash);
        return SystemLookup::found;
    }
    spwd* shadow = nullptr;
    if (SystemLookup looked = read_shadow(account.name, shadow); looked != SystemLookup::found) return looked;
    if (!shadow) return SystemLookup::found;
    account.locked = shadow->sp_pwdp && has_lock_mark(shadow->sp_pwdp);
    account.expired = account_expired(*shadow);
    return SystemLookup::found;
}

void fill_shell_from_uid(Account& account) {
    passwd* pw = ::getpwuid(account.uid);
    account.shell = pw && pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh";
}

}  // namespace postern::checkpass
