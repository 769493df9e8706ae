// postern-checkpass's settings, from POSTERN_* variables (envdir style).
#pragma once
#include <sys/types.h>
#include <string>

namespace postern::checkpass {

struct Settings {
    std::string password_file;   // POSTERN_PASSWD_FILE: looked up before system users; "" for none
    bool system_users = true;    // POSTERN_SYSTEM_USERS: also accept /etc/passwd + shadow users
    uid_t min_uid = 1;           // POSTERN_MIN_UID: lowest uid a login may end up as
    bool allow_root = false;     // POSTERN_ALLOW_ROOT: let a login end up as uid 0
    bool system_lock = true;     // POSTERN_SYSTEM_LOCK: a file entry for a system user obeys its lock and expiry
};

// Fills `settings` from the environment; false (after a log line) when a value is malformed.
bool read_settings(Settings& settings);

}  // namespace postern::checkpass
