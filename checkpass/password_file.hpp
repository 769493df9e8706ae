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
#pragma once
#include <sys/types.h>
#include <string>
#include <string_view>

#include "account.hpp"

namespace postern::checkpass {

constexpr size_t max_password_line = 4096;
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

// A valid user name for the file: not empty, printable, no ':' and no space.
bool valid_entry_name(std::string_view name);
// No control characters: a field's bytes, as every field of a line must be.
bool valid_field(std::string_view field);

// False when the line is malformed (wrong field count, bad name, bad uid,
// gid or home).
bool parse_password_line(std::string_view line, PasswordEntry& entry);

// The line for an entry, without its newline.
std::string format_password_line(const PasswordEntry& entry);

// True for lines that hold no entry (empty, or a comment).
bool is_blank_or_comment(std::string_view line);

enum class FileLookup { found, not_found, unreadable, insecure };

// Looks `user` up in the file; the first matching line wins. Malformed lines
// are logged with their line number and skipped. The file must not be
// readable or writable by group or others, and must belong to root or to
// the user checkpass runs as.
FileLookup find_in_password_file(const std::string& path, std::string_view user, PasswordEntry& entry);

}  // namespace postern::checkpass
