// The last step before exec: the process becomes the user for good.
#pragma once
#include "account.hpp"
#include "system_failure.hpp"

namespace postern::checkpass {

// As root: the supplementary groups (initgroups, or the gid alone), the gid,
// the uid, and a check that root cannot be regained. As another user, the
// caller has made sure the account is that user: no identity change.
// Then chdir($HOME) and USER, HOME, SHELL in the environment. A failure's
// step is setgroups, setgid, setuid, root-regained, chdir or environment.
SystemFailure become_user(const Account& account);

}  // namespace postern::checkpass
