// System users: getpwnam(3) and, for the hash and the account's state,
// getspnam(3).
#pragma once
#include <string_view>

#include "account.hpp"

namespace postern::checkpass {

enum class SystemLookup { found, not_found, failed };

// The identity part: name, uid, gid, home, shell, and passwd's hash field.
// failed: the lookup itself went wrong (NSS trouble); errno says why.
SystemLookup find_system_identity(std::string_view user, Account& account);

// The identity, then from shadow the hash, the account's expiry and the
// password's age (failed, with errno, when shadow cannot be read:
// checkpass is not root).
SystemLookup find_system_account(std::string_view user, Account& account);

// For a password-file entry of a system user found by find_system_identity:
// whether that account is locked or expired, from shadow (or from passwd's
// hash field when there is no shadow entry). The password's age is left
// out: it is the age of the system password, which this login does not use.
// failed, with errno, when shadow cannot be read.
SystemLookup find_system_lock(Account& account);

// A lock mark before a hash: usermod -L and passwd -l put a '!' there, older
// tools '*' ("*LK*..."). A bare "!" or "*" (useradd's "no password yet", a
// system account's "no password login") is not a locked password but no
// password at all, so it does not stop a mail-only one.
bool has_lock_mark(std::string_view hash);

// $SHELL for a virtual user: the shell of the system account that owns its
// uid, or /bin/sh.
void fill_shell_from_uid(Account& account);

}  // namespace postern::checkpass
