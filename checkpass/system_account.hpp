// System users: getpwnam(3) and, for the hash and the account's state,
// getspnam(3).
#pragma once
#include <string_view>

#include "account.hpp"

namespace postern::checkpass {

// shadow_unreadable: the shadow file is there but this process may not
// read it (it is not root), so the account cannot be checked; no system
// call failed, so there is no errno.
enum class SystemLookup { found, not_found, failed, shadow_unreadable };

// The identity part: name, uid, gid, home, shell, and passwd's hash field.
// failed: the lookup itself went wrong (NSS trouble); errno says why.
SystemLookup find_system_identity(std::string_view user, Account& account);

// The identity, then from shadow the hash, the account's expiry and the
// password's age; shadow_unreadable when checkpass may not read shadow,
// failed (with errno) when the lookup went wrong.
SystemLookup find_system_account(std::string_view user, Account& account);

// For a password-file entry of a system user found by find_system_identity:
// whether that account is locked or expired, from shadow (or from passwd's
// hash field when the hash is kept there). The password's age is left
// out: it is the age of the system password, which this login does not use.
// shadow_unreadable or failed as for find_system_account: never "not
// locked" for an account whose shadow entry could not be looked at.
SystemLookup find_system_lock(Account& account);

// Whether getspnam(3) can be asked, seen from the shadow file at `path`
// (nss_files reads it before any other source): usable when this process's
// effective ids may read it or when it is not there at all (the other
// sources answer); unreadable when it is there but closed to them; failed
// (errno says why) when that cannot be told.
enum class ShadowFile { usable, unreadable, failed };
ShadowFile shadow_file_access(const char* path);

// A lock mark before a hash: usermod -L and passwd -l put a '!' there, older
// tools '*' ("*LK*..."). A bare "!" or "*" (useradd's "no password yet", a
// system account's "no password login") is not a locked password but no
// password at all, so it does not stop a mail-only one.
bool has_lock_mark(std::string_view hash);

// $SHELL for a virtual user: the shell of the system account that owns its
// uid, or /bin/sh.
void fill_shell_from_uid(Account& account);

}  // namespace postern::checkpass
