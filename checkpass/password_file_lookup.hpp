// postern-checkpass's look-up in the password file. The whole file is read,
// so that a second entry for the name is found: which of two lines holds
// the password is not guessed, the login is refused.
#pragma once
#include <string>
#include <string_view>

#include "password_file.hpp"

namespace postern::checkpass {

enum class FileLookup {
    found,
    not_found,
    duplicate,   // more than one entry for the name
    unreadable,  // `error` says why
    insecure,    // readable or writable by others, or owned by someone else
    too_large,   // over max_password_file bytes
};

struct FileLookupResult {
    FileLookup status = FileLookup::not_found;
    int error = 0;  // errno, for unreadable
};

// Looks `user` up in the file. Lines that are not entries are logged with
// their line number and skipped, as are duplicates. The file must not be
// readable or writable by group or others, and must belong to root or to
// the user checkpass runs as.
FileLookupResult find_in_password_file(const std::string& path, std::string_view user, PasswordEntry& entry);

}  // namespace postern::checkpass
