// What a login becomes: the identity and home the next program runs with,
// and what the credentials are checked against. From the password file or
// from the system's passwd and shadow.
#pragma once
#include <sys/types.h>
#include <string>

#include "secret.hpp"

namespace postern::checkpass {

struct Account {
    std::string name;            // becomes $USER
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;            // becomes $HOME and the working directory
    std::string shell;           // becomes $SHELL
    std::string hash;            // crypt(3) hash; see is_locked_hash
    std::string apop_secret;     // "" when the account cannot use APOP
    bool expired = false;        // shadow's account expiry date has passed
    bool locked = false;         // the system account's hash carries a lock mark
    bool password_expired = false;  // the system password is past its age
    bool system_groups = true;   // initgroups(3); false: the gid alone
    const char* source = "system";

    Account() = default;
    Account(const Account&) = delete;
    Account& operator=(const Account&) = delete;
    ~Account() {
        wipe_string(hash);
        wipe_string(apop_secret);
    }
};

}  // namespace postern::checkpass
