// Opening and reading message files under a Maildir.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "deadline.hpp"
#include "fd.hpp"

namespace postern {

// "dir/name", the path of a message's file from the Maildir.
std::string message_path(std::string_view dir, std::string_view name);

// A file opened for reading only if it is a regular file: a FIFO, a device or
// a directory (a symlink in the Maildir may point anywhere) is refused before
// a byte is read, and opening it never blocks.
struct RegularFile {
    Fd fd;
    uint64_t size = 0;         // st_size when it was opened
    int error = 0;             // errno when it could not be opened
    bool not_regular = false;  // it opened, but is no regular file (fd is then closed)
    explicit operator bool() const { return fd.valid(); }
};
RegularFile open_regular_file(int dir_fd, const char* path, int flags = 0);

// dir/name, read-only, without updating its access time when the system allows.
RegularFile open_message(int maildir_fd, std::string_view dir, std::string_view name);

// Reads fd to its end through `buffer`, handing each chunk to `each`, which may
// stop early by returning false. Returns 0 or an errno.
int read_chunks(int fd, std::span<char> buffer, const std::function<bool(std::string_view)>& each);

// A message's size as POP3 transmits it, or why it has none.
struct MessageSize {
    enum Status { sized, unreadable, not_regular, too_large, timed_out } status = unreadable;
    uint64_t octets = 0;  // when sized; for too_large, the file's size on disk
    int error = 0;        // errno when unreadable
};
// Reads the file unless its size on disk alone already reaches `limit`; holes
// (a sparse file) are counted without reading them. Stops at `deadline`.
MessageSize transmitted_size_of(int maildir_fd, std::string_view dir, std::string_view name,
                                std::span<char> buffer, uint64_t limit, Deadline deadline);

}  // namespace postern
