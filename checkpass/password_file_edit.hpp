// postern-passwd's change to the password file, as a function of the old
// text: every other line (comments, malformed lines, other users) is kept
// byte for byte. Lines are read as postern-checkpass reads them.
#pragma once
#include <sys/types.h>
#include <string>
#include <string_view>
#include <vector>

#include "password_file.hpp"

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

struct BadLine {
    unsigned long number;
    LineKind kind;  // malformed or too_long
};

struct EditResult {
    std::string text;              // the new file
    bool found = false;            // the user had an entry
    unsigned duplicates = 0;       // further entries for the name, dropped
    bool unreadable_line = false;  // the new entry's line would not read back: nothing changed
    std::vector<BadLine> bad_lines;  // kept as they were; no reader takes them for entries

    EditResult() = default;
    EditResult(EditResult&&) = default;
    ~EditResult() { wipe_string(text); }  // it holds every user's hash
};

// The first entry for the name is replaced (or removed) and any later one
// dropped, so that exactly one entry, or none, is left; a new entry is
// appended. Without set_mapping, an existing entry keeps its uid, gid, home.
// A new line that read_password_line would not give back as the same entry
// (too long, a name starting with '#') is refused: unreadable_line, no text.
EditResult apply_password_edit(std::string_view old_text, const PasswordEdit& edit);

}  // namespace postern::checkpass
