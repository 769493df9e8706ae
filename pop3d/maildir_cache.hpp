// The per-Maildir cache, "postern-cache": every message's file name and
// transmitted size, in delivery order, and the state of new/ and cur/ when
// they were listed.
//  - While both directories are unchanged since a listing taken when they had
//    settled (no change in the 2 seconds before), a session takes its list from
//    the cache and reads no directory. It reads only the summary line at first:
//    the count and octets answer the login and STAT, and the listing itself is
//    read from the same open file (a snapshot: the cache is only ever replaced
//    by a rename) when a command first needs it.
//  - Otherwise the directories are scanned, and the cache still supplies the
//    sizes, so no message file is read twice.
// It is a cache: damaged or foreign means ignored and rebuilt, and a Maildir
// that cannot be written to simply goes without.
//
// Format (text):
//   postern-cache 3
//   dirs <new/ stamp> <cur/ stamp>[ uidls<lists' stamp>]   ("dirs -" when the listing had not settled)
//   messages <count> <octets>
//   <octets> <UIDL from the lists, or nothing> <file name in cur/>
//   ...
//   end <count>
#pragma once
#include <sys/types.h>
#include <cstddef>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "fd.hpp"
#include "message_list.hpp"
#include "migrated_uidls.hpp"

namespace postern::pop3d {

inline constexpr const char* maildir_cache_file = "postern-cache";
inline constexpr size_t max_cached_messages = 10000000;  // the highest POSTERN_MAX_MESSAGES

// What new/ and cur/ look like now: device, inode, change and modification times.
struct DirStamps {
    std::string text;      // "-" when they changed too recently to be trusted, or could not be read
    bool settled() const { return text != "-"; }
};
DirStamps stamp_directories(int maildir_fd, time_t now);

struct CacheUse {
    bool present = false;   // a valid cache was there
    size_t hits = 0;        // sizes it supplied
    size_t stale = 0;       // its entries for messages no longer there
    std::string dirs;       // the stamps it recorded
};

// The cache, open, when its recorded stamps equal `now` and it lists at most
// `max_messages`: its summary read, its listing not yet.
struct CachedListing {
    Fd file;
    size_t count = 0;
    uint64_t octets = 0;
};
std::optional<CachedListing> open_cached_listing(int maildir_fd, const DirStamps& now, size_t max_messages);

// Reads the listing into an empty `list`, and the UIDLs from the lists into
// `uidls`. False, with both empty, when the file proves damaged or disagrees
// with its summary.
bool read_cached_listing(const CachedListing& cached, MessageList& list, UidlColumn& uidls);

// Fills the unknown sizes of a scanned `list`, sorted by delivery, from a cache
// of at most `max_messages` entries (a larger file is not read).
CacheUse apply_cached_sizes(int maildir_fd, MessageList& list, size_t max_messages = max_cached_messages);

// Rewrites the cache atomically (in tmp/, then renamed). False when it could not.
bool write_maildir_cache(int maildir_fd, const MessageList& list, const DirStamps& stamps,
                         const UidlColumn& uidls = UidlColumn());

// The temporary file the cache is written in: tmp/postern-cache.PID.HOST. The
// host name keeps apart sessions of the same pid on machines that share the
// Maildir (over NFS), as Maildir's own unique names do; any byte of it but
// letters, digits, '-' and '.' becomes '_'.
std::string temp_cache_name(pid_t pid, std::string_view host);

}  // namespace postern::pop3d
