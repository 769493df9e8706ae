// Opening and reading message files under a Maildir.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "deadline.hpp"
#include "regular_file.hpp"

namespace postern {

// "dir/name", the path of a message's file from the Maildir.
std::string message_path(std::string_view dir, std::string_view name);

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
