// Opening and reading message files under a Maildir.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fd.hpp"

namespace postern {

// Opens dir/name read-only, without updating its access time when the system allows.
// "dir/name", the path of a message's file from the Maildir.
std::string message_path(std::string_view dir, std::string_view name);

Fd open_message(int maildir_fd, std::string_view dir, std::string_view name);

// Reads fd to its end through `buffer`, handing each chunk to `each`, which may
// stop early by returning false. Returns 0 or an errno.
int read_chunks(int fd, std::span<char> buffer, const std::function<bool(std::string_view)>& each);

// The message's size as POP3 transmits it; nullopt with errno set when it cannot be read.
std::optional<uint64_t> transmitted_size_of(int maildir_fd, std::string_view dir, std::string_view name,
                                            std::span<char> buffer);

}  // namespace postern
