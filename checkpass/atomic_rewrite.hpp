// Replacing a file safely: under a lock, through a temporary file in the same
// directory that gets the old file's mode and owner, fsync'ed, then renamed
// over the old one. A reader sees the old file or the new one, never half.
#pragma once
#include <sys/stat.h>
#include <string>
#include <string_view>

#include "fd.hpp"
#include "system_failure.hpp"

namespace postern::checkpass {

struct LockedFile {
    std::string path;
    Fd fd;
    struct stat st{};
};

// Opens path (creating it empty, mode 0600, when missing) and takes an
// exclusive lock on it; retries when another writer replaced it meanwhile.
// A failure is step "lock".
SystemFailure lock_file(const std::string& path, LockedFile& file);

// The whole content of the locked file, if it is at most `max_bytes` (else
// EFBIG); a failure is step "read".
SystemFailure read_locked_file(const LockedFile& file, std::string& content, off_t max_bytes);

// Writes `content` to path.tmp with the old mode and owner, fsyncs it and
// renames it over path, then fsyncs the directory. A failure is step "rewrite".
SystemFailure replace_locked_file(const LockedFile& file, std::string_view content);

}  // namespace postern::checkpass
