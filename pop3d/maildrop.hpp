// Opening a user's Maildir for a session: the lock policy, the tmp/ clean-up,
// the scan, the sizes. What the session then serves is a fixed snapshot.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "fd.hpp"
#include "message_list.hpp"

namespace postern::pop3d {

struct Maildrop {
    Fd dir;             // the Maildir; also the lock, when locking is on
    MessageList messages;
    uint64_t total_octets = 0;
    size_t files_read = 0;    // messages whose size had to be read from the file
    size_t tmp_removed = 0;
    bool listed_from_cache = false;  // no directory was read
    bool truncated = false;   // more messages than the limit: the oldest-listed are served
};

enum class OpenStatus { ok, missing, denied, in_use, failed };

struct OpenResult {
    OpenStatus status = OpenStatus::ok;
    int error = 0;
    const char* where = "";
};

// After ENOENT on these messages: finds them again, in one pass over cur/,
// when another session or program only changed their flags (renamed them),
// and updates their names. Returns how many were found.
size_t follow_renames(Maildrop& drop, std::span<const size_t> messages);

OpenResult open_maildrop(const char* path, bool exclusive, size_t max_messages, Maildrop& drop);

}  // namespace postern::pop3d
