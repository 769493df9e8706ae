#include "privileges.hpp"

#include <grp.h>
#include <pwd.h>

#include "decimal.hpp"
#include "drop_privileges.hpp"
#include "env.hpp"

namespace postern::ucspi {

namespace {

Identity failed(std::string why) {
    Identity id;
    id.error = std::move(why);
    return id;
}

bool resolve_user(const std::string& user, Identity& id) {
    uid_t number;
    bool numeric = parse_id(user, number);
    const passwd* pw = numeric ? getpwuid(number) : getpwnam(user.c_str());
    if (pw) {
        id.uid = pw->pw_uid;
        if (!id.set_gid) id.gid = pw->pw_gid;
        id.set_gid = true;
        return true;
    }
    if (!numeric) return false;  // a uid with no passwd entry is fine with -g
    id.uid = number;
    return true;
}

bool resolve_group(const std::string& group, Identity& id) {
    if (parse_id(group, id.gid)) return true;
    const struct group* gr = getgrnam(group.c_str());
    if (!gr) return false;
    id.gid = gr->gr_gid;
    return true;
}

}  // namespace

Identity resolve_identity(const Options& options) {
    Identity id;
    std::string user = options.user, group = options.group;
    if (options.ids_from_env) {
        user = env_get("UID").value_or("");
        group = env_get("GID").value_or("");
        uid_t uid;
        gid_t gid;
        if (!parse_id(user, uid) || !parse_id(group, gid)) return failed("-U needs numeric $UID and $GID");
    }
    if (!group.empty()) {
        if (!resolve_group(group, id)) return failed("no such group: " + group);
        id.set_gid = true;
    }
    if (!user.empty()) {
        if (!resolve_user(user, id)) return failed("no such user: " + user);
        if (!id.set_gid) return failed("user " + user + " has no passwd entry: give -g too");
        id.set_uid = true;
    }
    return id;
}

SystemFailure become(const Identity& id) {
    if (!id.set_gid) return {};  // -u always comes with a gid
    DropTo to{id.gid, id.set_uid ? std::optional<uid_t>(id.uid) : std::nullopt};
    if (SystemFailure failed = drop_privileges(to)) return {"drop-privileges", failed.error};
    return {};
}

}  // namespace postern::ucspi
