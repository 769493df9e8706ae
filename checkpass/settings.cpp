#include "settings.hpp"

#include "env.hpp"

namespace postern::checkpass {

bool read_settings(Settings& settings) {
    if (auto file = env_get("POSTERN_PASSWD_FILE")) {
        if (!file->empty() && !file->starts_with("/")) return bad_setting("POSTERN_PASSWD_FILE");
        settings.password_file = *file;
    }
    auto system_users = env_number("POSTERN_SYSTEM_USERS", 1, 0, 1);
    if (!system_users) return bad_setting("POSTERN_SYSTEM_USERS");
    settings.system_users = *system_users == 1;
    auto min_uid = env_number("POSTERN_MIN_UID", 1, 0, 4294967294u);
    if (!min_uid) return bad_setting("POSTERN_MIN_UID");
    settings.min_uid = uid_t(*min_uid);
    auto allow_root = env_flag("POSTERN_ALLOW_ROOT");
    if (!allow_root) return bad_setting("POSTERN_ALLOW_ROOT");
    settings.allow_root = *allow_root;
    auto system_lock = env_number("POSTERN_SYSTEM_LOCK", 1, 0, 1);
    if (!system_lock) return bad_setting("POSTERN_SYSTEM_LOCK");
    settings.system_lock = *system_lock == 1;
    return true;
}

}  // namespace postern::checkpass
