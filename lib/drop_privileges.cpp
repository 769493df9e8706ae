#include "drop_privileges.hpp"

#include <grp.h>
#include <unistd.h>
#include <cerrno>

namespace postern {

namespace {
bool all_gids_are(gid_t gid) {
    gid_t real, effective, saved;
    return ::getresgid(&real, &effective, &saved) == 0 && real == gid && effective == gid && saved == gid;
}

bool all_uids_are(uid_t uid) {
    uid_t real, effective, saved;
    return ::getresuid(&real, &effective, &saved) == 0 && real == uid && effective == uid && saved == uid;
}
}  // namespace

SystemFailure drop_privileges(const DropTo& to) {
    int grouped = to.groups_of ? ::initgroups(to.groups_of, to.gid) : ::setgroups(1, &to.gid);
    if (grouped != 0) return failure_at("setgroups");
    if (::setgid(to.gid) != 0) return failure_at("setgid");
    if (!all_gids_are(to.gid)) return {"setgid", EPERM};
    if (!to.uid) return {};
    if (::setuid(*to.uid) != 0) return failure_at("setuid");
    if (!all_uids_are(*to.uid)) return {"setuid", EPERM};
    if (*to.uid != 0 && (::setuid(0) == 0 || ::seteuid(0) == 0)) return {"root-regained", EPERM};
    return {};
}

}  // namespace postern
