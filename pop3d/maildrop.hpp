// Opening a user's Maildir for a session: the lock policy, the tmp/ clean-up,
// the scan, the sizes. What the session then serves is a fixed snapshot.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "deadline.hpp"
#include "fd.hpp"
#include "maildir_cache.hpp"
#include "message_list.hpp"
#include "system_failure.hpp"
#include "migrated_uidls.hpp"

namespace postern::pop3d {

struct Maildrop {
    Fd dir;             // the Maildir; also the lock, when locking is on
    MessageList messages;     // empty while the listing is deferred
    UidlColumn uidls;         // the previous server's UIDLs, by message (POSTERN_UIDL_SOURCES)
    std::optional<CachedListing> deferred;  // the cache to read `messages` from, when first needed
    size_t count = 0;
    uint64_t total_octets = 0;
    size_t files_read = 0;    // messages whose size had to be read from the file
    size_t tmp_removed = 0;
    bool listed_from_cache = false;  // no directory was read
    bool truncated = false;   // more messages than the limit: the oldest-listed are served
};

enum class OpenStatus { ok, missing, denied, in_use, failed, timed_out };

struct OpenResult {
    OpenStatus status = OpenStatus::ok;
    SystemFailure failure;  // the step that failed; for timed_out, where the time ran out (no errno)
};

// After ENOENT on these messages: finds them again, in one pass over cur/,
// when another session or program only changed their flags (renamed them),
// and updates their names. Returns how many were found.
size_t follow_renames(Maildrop& drop, std::span<const size_t> messages);

// Reads a deferred listing. False when the cache proved damaged: it is then
// removed, for the next session to scan afresh.
bool read_deferred_listing(Maildrop& drop);

// Opens the Maildir's directory, and takes the lock when `exclusive`: all that
// comes before the sandbox.
OpenResult open_maildir(const char* path, bool exclusive, Maildrop& drop);
// Cleans tmp/, then lists the messages and their sizes (from the cache, the
// names or the files), and their UIDLs from the lists `uidls` names (from the
// cache or the lists); `timed_out` when that is not done by `deadline`.
OpenResult load_maildrop(const char* path, size_t max_messages, Deadline deadline, Maildrop& drop,
                         const UidlSettings& uidls = {});
// Both, without a time limit.
OpenResult open_maildrop(const char* path, bool exclusive, size_t max_messages, Maildrop& drop,
                         const UidlSettings& uidls = {});

}  // namespace postern::pop3d
