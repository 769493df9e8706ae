// The last step before exec: the process becomes the user for good.
#pragma once
#include "account.hpp"

namespace postern::checkpass {

enum class BecomeStep { done, groups, gid, uid, root_regained, chdir, environment };

struct BecomeResult {
    BecomeStep step = BecomeStep::done;
    int error = 0;
};

// As root: the supplementary groups (initgroups, or the gid alone), the gid,
// the uid, and a check that root cannot be regained. As another user, the
// caller has made sure the account is that user: no identity change.
// Then chdir($HOME) and USER, HOME, SHELL in the environment.
BecomeResult become_user(const Account& account);

}  // namespace postern::checkpass
