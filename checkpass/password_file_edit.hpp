// postern-passwd's change to the password file, as a function of the old
// text: every other line (comments, malformed lines, other users) is kept
// byte for byte.
#pragma once
#include <sys/types.h>
#include <string>
#include <string_view>

namespace postern::checkpass {

struct PasswordEdit {
    bool remove = false;        // drop the user's entry
    std::string name;
    std::string hash;           // the new crypt(3) hash
    std::string apop_secret;    // the new APOP secret; "" removes it
    bool set_mapping = false;   // uid, gid, home below replace the entry's
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;
    ~PasswordEdit();
};

struct EditResult {
    std::string text;   // the new file
    bool found = false; // the user had an entry
};

// The first entry for the name is replaced (or removed); a new entry is
// appended. Without set_mapping, an existing entry keeps its uid, gid, home.
EditResult apply_password_edit(std::string_view old_text, const PasswordEdit& edit);

}  // namespace postern::checkpass
