// The mail password file: one line per user,
//
//     name:hash[:apop-secret[:uid:gid:home]]
//
// hash is any crypt(3) hash ("" or "!..." or "*..." for no password login);
// apop-secret is the shared secret APOP needs, in clear (so the file is
// readable by its owner only); uid, gid and home, all three or none, let a
// virtual user live under another account. Without them the user is the
// system user of the same name, with a mail-only password. Empty lines and
// lines starting with '#' are ignored.
//
// postern-checkpass and postern-passwd read a line with the one function
// below, so the tool never edits an entry the reader skips, nor writes one.
#pragma once
#include <sys/types.h>
#include <string>
#include <string_view>

#include "account.hpp"

namespace postern::checkpass {

constexpr size_t max_password_line = 4096;     // bytes, without the newline
constexpr off_t max_password_file = 64 << 20;  // bytes: far above any real one, read on every login

struct PasswordEntry {
    std::string name, hash, apop_secret;
    bool mapped = false;     // uid, gid and home given
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;

    PasswordEntry() = default;
    PasswordEntry(const PasswordEntry&) = delete;
    PasswordEntry& operator=(const PasswordEntry&) = delete;
    PasswordEntry(PasswordEntry&&) = default;
    PasswordEntry& operator=(PasswordEntry&&) = default;
    ~PasswordEntry() {
        wipe_string(hash);
        wipe_string(apop_secret);
    }
};

// A valid user name for the file: not empty, at most 255 bytes, printable,
// no ':' and no space, and not starting with '#' (that line is a comment).
bool valid_entry_name(std::string_view name);
// No control characters: a field's bytes, as every field of a line must be.
bool valid_field(std::string_view field);

enum class LineKind {
    blank,      // empty, or a comment
    entry,      // `entry` holds it
    malformed,  // wrong field count, bad name, uid, gid or home
    too_long,   // over max_password_line bytes
};

// The one reading of a line (without its newline) for every program.
LineKind read_password_line(std::string_view line, PasswordEntry& entry);

// "too-long" or "malformed", for log lines.
const char* line_problem(LineKind kind);

// The line for an entry, without its newline.
std::string format_password_line(const PasswordEntry& entry);

}  // namespace postern::checkpass
