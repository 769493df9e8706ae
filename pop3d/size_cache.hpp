// The per-Maildir size cache: the transmitted size of each message whose name
// does not carry it (",W="), so a second session answers STAT without reading
// a single message. Maildir files never change content, so the unique name is
// a sufficient key. The file is a cache: damaged or foreign means ignored and
// rebuilt, and a Maildir we cannot write to simply goes without.
//
// Format (text, in delivery order, so it is merged with the scan without a hash table):
//   postern-sizes 1
//   <octets> <unique name>
//   ...
//   end <count>
#pragma once
#include <cstddef>

#include "message_list.hpp"

namespace postern::pop3d {

inline constexpr const char* size_cache_file = "postern-sizes";

struct SizeCacheUse {
    size_t hits = 0;     // sizes taken from the cache
    size_t stale = 0;    // cache entries for messages no longer there
    bool present = false;
};

// Fills unknown sizes of `list` (sorted by delivery) from the cache.
SizeCacheUse apply_size_cache(int maildir_fd, MessageList& list);

// Rewrites the cache atomically (tmp/ then rename). Returns false when it could not.
bool write_size_cache(int maildir_fd, const MessageList& list);

}  // namespace postern::pop3d
