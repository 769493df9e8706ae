// Opening a file that must be a regular file: a message, a cache, a rules
// file. A FIFO, a device or a directory (a symlink may point anywhere) is
// refused before a byte is read, and opening it never blocks.
#pragma once
#include <sys/stat.h>

#include <cstdint>

#include "fd.hpp"

namespace postern {

struct RegularFile {
    Fd fd;
    struct stat st{};          // as fstat found it when it was opened
    int error = 0;             // errno when it could not be opened
    bool not_regular = false;  // it opened, but is no regular file (fd is then closed)
    explicit operator bool() const { return fd.valid(); }
    uint64_t size() const { return uint64_t(st.st_size); }
};

// Read-only, close-on-exec, plus `flags`; `path` relative to `dir_fd` (or AT_FDCWD).
RegularFile open_regular_file(int dir_fd, const char* path, int flags = 0);

}  // namespace postern
