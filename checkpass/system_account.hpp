// System users: getpwnam(3) and, for the hash, getspnam(3).
#pragma once
#include <string_view>

#include "account.hpp"

namespace postern::checkpass {

enum class SystemLookup { found, not_found, failed };

// The identity part: name, uid, gid, home, shell. failed: the lookup itself
// went wrong (NSS trouble); errno says why.
SystemLookup find_system_identity(std::string_view user, Account& account);

// The identity, then the hash and the expiry date from shadow (failed, with
// errno, when shadow cannot be read: checkpass is not root).
SystemLookup find_system_account(std::string_view user, Account& account);

// $SHELL for a virtual user: the shell of the system account that owns its
// uid, or /bin/sh.
void fill_shell_from_uid(Account& account);

}  // namespace postern::checkpass
