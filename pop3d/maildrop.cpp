#include "maildrop.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <cerrno>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "log.hpp"
#include "maildir_cache.hpp"
#include "maildir_scan.hpp"
#include "message_file.hpp"

namespace postern::pop3d {

namespace {
OpenResult failed(SystemFailure failure) {
    OpenStatus status = OpenStatus::failed;
    if (failure.error == ENOENT || failure.error == ENOTDIR) status = OpenStatus::missing;
    if (failure.error == EACCES || failure.error == EPERM) status = OpenStatus::denied;
    return {status, failure};
}

OpenResult timed_out(const char* where) { return {OpenStatus::timed_out, {where, 0}}; }

// Reads the files whose size neither the name nor the cache knew; drops those
// that vanished or cannot be served. False when the deadline passed first.
bool size_unknown_messages(Maildrop& drop, Deadline deadline) {
    std::unique_ptr<char[]> buffer(new char[64 * 1024]);
    std::span<char> chunk(buffer.get(), 64 * 1024);
    MessageList& list = drop.messages;
    for (size_t i = 0; i < list.count(); ++i) {
        if (list[i].size != unknown_size) continue;
        if (deadline.expired()) return false;
        MessageSize size = transmitted_size_of(drop.dir.get(), list.dir(i), list.name(i), chunk, unknown_size, deadline);
        switch (size.status) {
            case MessageSize::sized: list[i].size = size.octets; break;
            case MessageSize::unreadable: log_event("message-unreadable").kv("file", list.name(i)).err(size.error); break;
            case MessageSize::not_regular: log_event("message-not-regular").kv("file", list.name(i)); break;
            case MessageSize::too_large: log_event("message-too-large").kv("file", list.name(i)).kv("octets", size.octets); break;
            case MessageSize::timed_out: return false;
        }
        ++drop.files_read;
    }
    list.drop_unsized();
    return true;
}

// The directories changed since the cache's listing: read them, take what sizes
// the cache knows, read the files for the rest, and write the cache anew. When
// time runs out, the sizes found so far are kept in the cache (as a listing not
// to be trusted), so the next session goes on from there.
OpenResult scan_and_size(Maildrop& drop, const char* path, size_t max_messages, const DirStamps& stamps,
                         const UidlSettings& uidls, Deadline deadline) {
    ScanResult scan = scan_maildir(drop.dir.get(), drop.messages, max_messages, deadline);
    if (scan.timed_out) return timed_out("scan");
    if (scan.failure) return failed(scan.failure);
    drop.truncated = scan.truncated;
    if (scan.move_error) log_event("new-not-moved").kv("maildir", path).err(scan.move_error);
    drop.messages.sort_by_delivery();

    CacheUse cache = apply_cached_sizes(drop.dir.get(), drop.messages, max_messages);
    if (!size_unknown_messages(drop, deadline)) {
        if (drop.files_read > 0) {
            drop.messages.drop_unsized();
            write_maildir_cache(drop.dir.get(), drop.messages, DirStamps{"-"});
        }
        return timed_out("sizes");
    }
    // Lists that could not be read this time: no session is served (its UIDLs
    // would change, and its client would take every message again), and no
    // cache says they gave nothing; the sizes are kept for the next session.
    ListsRead lists = resolve_migrated_uidls(drop.dir.get(), uidls, drop.messages, max_messages, deadline, drop.uidls);
    if (!lists.complete()) {
        write_maildir_cache(drop.dir.get(), drop.messages, DirStamps{"-"});
        return lists.timed_out ? timed_out("uidl-lists") : OpenResult{OpenStatus::failed, lists.failure};
    }
    if (drop.files_read > 0 || cache.stale > 0 || !cache.present || cache.dirs != stamps.text)
        write_maildir_cache(drop.dir.get(), drop.messages, stamps, drop.uidls);
    return {};
}
}  // namespace

namespace {
// Lets a map keyed by std::string be searched with a string_view, without a copy.
struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
};
}  // namespace

size_t follow_renames(Maildrop& drop, std::span<const size_t> messages) {
    std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> missing;
    for (size_t i : messages) missing.emplace(drop.messages.base(i), i);
    std::vector<std::pair<size_t, std::string>> found;
    for_each_file(drop.dir.get(), "cur", [&](std::string_view name) {
        auto it = missing.find(name.substr(0, name.find(':')));
        if (it != missing.end()) found.emplace_back(it->second, name);
        return found.size() < missing.size();
    });
    for (const auto& [i, name] : found) drop.messages.renamed(i, name);  // after the loop: the arena may move
    return found.size();
}

OpenResult open_maildir(const char* path, bool exclusive, Maildrop& drop) {
    drop.dir.reset(::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!drop.dir) return failed(failure_at("maildir"));
    // flock on the directory itself: no lock file to go stale, released when the process ends.
    if (exclusive && ::flock(drop.dir.get(), LOCK_EX | LOCK_NB) != 0)
        return errno == EWOULDBLOCK ? OpenResult{OpenStatus::in_use, failure_at("lock")} : failed(failure_at("lock"));
    return {};
}

OpenResult load_maildrop(const char* path, size_t max_messages, Deadline deadline, Maildrop& drop,
                         const UidlSettings& uidls) {
    time_t now = ::time(nullptr);
    drop.tmp_removed = clean_maildir_tmp(drop.dir.get(), now, deadline);
    // Stamped before the scan: a change during it shows in the next session's stamps.
    DirStamps stamps = stamp_directories(drop.dir.get(), now);
    if (stamps.settled()) stamps.text += uidl_lists_stamp(drop.dir.get(), uidls);
    drop.deferred = open_cached_listing(drop.dir.get(), stamps, max_messages);
    drop.listed_from_cache = drop.deferred.has_value();
    if (drop.deferred) {
        drop.count = drop.deferred->count;
        drop.total_octets = drop.deferred->octets;
        return {};
    }
    OpenResult scanned = scan_and_size(drop, path, max_messages, stamps, uidls, deadline);
    if (scanned.status != OpenStatus::ok) return scanned;
    drop.count = drop.messages.count();
    for (size_t i = 0; i < drop.count; ++i) drop.total_octets += drop.messages[i].size;
    return {};
}

OpenResult open_maildrop(const char* path, bool exclusive, size_t max_messages, Maildrop& drop,
                         const UidlSettings& uidls) {
    OpenResult opened = open_maildir(path, exclusive, drop);
    if (opened.status != OpenStatus::ok) return opened;
    return load_maildrop(path, max_messages, Deadline::never(), drop, uidls);
}

bool read_deferred_listing(Maildrop& drop) {
    if (!drop.deferred) return true;
    if (!read_cached_listing(*drop.deferred, drop.messages, drop.uidls)) {
        ::unlinkat(drop.dir.get(), maildir_cache_file, 0);
        return false;
    }
    drop.deferred.reset();
    return true;
}

}  // namespace postern::pop3d
