#include "maildir_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "decimal.hpp"
#include "fd.hpp"
#include "maildir_name.hpp"
#include "message_file.hpp"
#include "unique_id.hpp"
#include "writer.hpp"

namespace postern::pop3d {

namespace {
constexpr std::string_view first_line = "postern-cache 3";
constexpr size_t max_cache_line = 768;  // a size, a UIDL and a file name (at most 255 each) fit easily
constexpr time_t settle_seconds = 2;     // far above the file system's clock granularity

struct CacheEntry {
    uint64_t size = 0;
    std::string_view uidl;  // empty: the lists gave none
    std::string_view name;
};

// Splits "<octets> <uidl> <name>"; false for anything else, a UIDL no
// previous server could have given (unique_id.hpp), or a name that is no plain file name.
bool parse_entry(std::string_view line, CacheEntry& entry) {
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return false;
    auto parsed = parse_decimal(line.substr(0, space));
    size_t uidl_end = line.find(' ', space + 1);
    if (uidl_end == std::string_view::npos) return false;
    entry.uidl = line.substr(space + 1, uidl_end - space - 1);
    entry.name = line.substr(uidl_end + 1);
    std::string_view name = entry.name;
    if (!parsed || *parsed >= unknown_size || name.empty() || name.size() > 255 || name[0] == '.' ||
        name.find('/') != std::string_view::npos || (!entry.uidl.empty() && !usable_as_migrated_unique_id(entry.uidl)))
        return false;
    entry.size = *parsed;
    return true;
}

struct CacheHeader {
    std::string dirs;  // the recorded stamps
    size_t count = 0;
    uint64_t octets = 0;
};

// "messages <count> <octets>"
bool parse_summary(std::string_view line, CacheHeader& header) {
    if (!line.starts_with("messages ")) return false;
    line.remove_prefix(9);
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return false;
    auto count = parse_decimal(line.substr(0, space));
    auto octets = parse_decimal(line.substr(space + 1));
    if (!count || !octets) return false;
    header.count = size_t(*count);
    header.octets = *octets;
    return true;
}

using EntryFn = std::function<bool(const CacheEntry& entry)>;
enum class CacheRead { complete, stopped, invalid };

// Reads the cache from its start, line by line: its header into `header`, each
// entry to `entry`, which may stop the reading. `complete` when the whole file
// was read, valid, and its entries agree with its summary and trailer.
CacheRead read_cache(int fd, CacheHeader& header, const EntryFn& entry) {
    if (::lseek(fd, 0, SEEK_SET) != 0) return CacheRead::invalid;
    size_t line_number = 0;
    uint64_t entries = 0, octets = 0;
    bool ended = false, stopped = false;
    auto line = [&](std::string_view text) {
        ++line_number;
        if (line_number == 1) return text == first_line;
        if (line_number == 2) {
            if (!text.starts_with("dirs ")) return false;
            header.dirs = text.substr(5);
            return true;
        }
        if (line_number == 3) return parse_summary(text, header);
        if (ended) return false;  // nothing may follow the trailer
        if (text.starts_with("end "))
            return ended = parse_decimal(text.substr(4)) == entries && entries == header.count &&
                           octets == header.octets;
        if (entries == header.count) return false;  // more entries than the summary says: damaged
        CacheEntry parsed;
        if (!parse_entry(text, parsed)) return false;
        ++entries;
        octets += parsed.size;
        stopped = !entry(parsed);
        return !stopped;
    };
    std::string partial;  // a line cut by the end of a chunk
    bool ok = true;
    std::unique_ptr<char[]> buffer(new char[64 * 1024]);
    int error = read_chunks(fd, std::span<char>(buffer.get(), 64 * 1024), [&](std::string_view chunk) {
        for (size_t nl; ok && (nl = chunk.find('\n')) != std::string_view::npos; chunk.remove_prefix(nl + 1)) {
            if (partial.empty()) {
                ok = line(chunk.substr(0, nl));
            } else {
                partial.append(chunk.substr(0, nl));
                ok = line(partial);
                partial.clear();
            }
        }
        if (ok) partial.append(chunk);
        ok = ok && partial.size() <= max_cache_line;
        return ok;
    });
    if (stopped) return CacheRead::stopped;
    return ok && !error && ended && partial.empty() ? CacheRead::complete : CacheRead::invalid;
}

// The cache, when it is a regular file no larger than a cache of `max_messages`
// entries can be: a FIFO, a device or a file of a terabyte put in its place is
// not read (and is replaced by the next cache written).
Fd open_cache(int maildir_fd, size_t max_messages) {
    RegularFile file = open_regular_file(maildir_fd, maildir_cache_file, O_NOFOLLOW);
    uint64_t max_bytes = (uint64_t(max_messages) + 4) * max_cache_line;  // the entries and four other lines
    if (!file || file.size() > max_bytes) return Fd();
    return std::move(file.fd);
}

// Message i against a name from the cache, in delivery order.
int compare_delivery(const MessageList& list, size_t i, uint32_t time, std::string_view base) {
    if (list[i].time != time) return list[i].time < time ? -1 : 1;
    return list.compare_base(i, base);
}

void put_stamp(std::string& out, int maildir_fd, const char* dir, time_t& newest_change) {
    struct stat st{};
    if (::fstatat(maildir_fd, dir, &st, 0) != 0) {
        newest_change = std::numeric_limits<time_t>::max();
        return;
    }
    out += std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_mtim.tv_sec) +
           "." + std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_ctim.tv_sec) + "." +
           std::to_string(st.st_ctim.tv_nsec);
    newest_change = std::max({newest_change, st.st_mtim.tv_sec, st.st_ctim.tv_sec});
}
}  // namespace

DirStamps stamp_directories(int maildir_fd, time_t now) {
    std::string text;
    time_t newest_change = 0;
    put_stamp(text, maildir_fd, "new", newest_change);
    text += ' ';
    put_stamp(text, maildir_fd, "cur", newest_change);
    // A change in the same clock tick as our look would leave the stamps as they are.
    if (newest_change > now - settle_seconds) return {"-"};
    return {text};
}

std::optional<CachedListing> open_cached_listing(int maildir_fd, const DirStamps& now, size_t max_messages) {
    if (!now.settled()) return std::nullopt;
    CachedListing cached{open_cache(maildir_fd, max_messages)};
    if (!cached.file) return std::nullopt;
    CacheHeader header;
    CacheRead read = read_cache(cached.file.get(), header, [](const CacheEntry&) { return false; });
    if (read == CacheRead::invalid || header.dirs != now.text || header.count > max_messages) return std::nullopt;
    cached.count = header.count;
    cached.octets = header.octets;
    return cached;
}

bool read_cached_listing(const CachedListing& cached, MessageList& list, UidlColumn& uidls) {
    // Room for all of it at once, so the list is never copied as it grows.
    struct stat st{};
    size_t bytes = ::fstat(cached.file.get(), &st) == 0 ? size_t(st.st_size) : 0;
    list.reserve(cached.count, std::min(bytes, cached.count * 256));
    CacheHeader header;
    CacheRead read = read_cache(cached.file.get(), header, [&](const CacheEntry& entry) {
        if (!entry.uidl.empty()) uidls.add(list.count(), entry.uidl);
        list.add_sized(entry.name, entry.size);
        return true;
    });
    bool listed = read == CacheRead::complete && header.count == cached.count && header.octets == cached.octets;
    if (!listed) {
        list.clear();
        uidls.clear();
    }
    return listed;
}

CacheUse apply_cached_sizes(int maildir_fd, MessageList& list, size_t max_messages) {
    CacheUse use;
    std::vector<uint32_t> filled;  // undone if the cache proves damaged at its end
    size_t next = 0;
    Fd fd = open_cache(maildir_fd, max_messages);
    CacheHeader header;
    bool valid = fd && read_cache(fd.get(), header, [&](const CacheEntry& entry) {
        std::string_view base = entry.name.substr(0, entry.name.find(':'));
        uint32_t time = MessageList::delivery_time(maildir_time(base));
        int order = -1;
        while (next < list.count() && (order = compare_delivery(list, next, time, base)) < 0)
            ++next;
        if (next < list.count() && order == 0) {
            if (list[next].size == unknown_size) {
                list[next].size = entry.size;
                filled.push_back(uint32_t(next));
            }
            ++use.hits;
            ++next;
        } else {
            ++use.stale;
        }
        return true;
    }) == CacheRead::complete;
    if (valid) {
        use.present = true;
        use.dirs = header.dirs;
        return use;
    }
    for (uint32_t i : filled) list[i].size = unknown_size;
    return CacheUse{};
}

std::string temp_cache_name(pid_t pid, std::string_view host) {
    std::string name = "tmp/" + std::string(maildir_cache_file) + "." + std::to_string(pid);
    if (!host.empty()) name += '.';
    for (char c : host.substr(0, 64)) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
        name += plain ? c : '_';
    }
    return name;
}

bool write_maildir_cache(int maildir_fd, const MessageList& list, const DirStamps& stamps, const UidlColumn& uidls) {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    std::string temp = temp_cache_name(getpid(), host);
    // A new file, not a truncated one: what a dead session of the same pid on this
    // host left is removed first, so no truncation right is needed under Landlock (ABI 3).
    ::unlinkat(maildir_fd, temp.c_str(), 0);
    Fd fd(::openat(maildir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) return false;
    Writer out(fd.get(), 64 * 1024);
    // Messages served from new/ are not in the cache's listing, which is then incomplete.
    size_t count = 0;
    uint64_t octets = 0;
    for (size_t i = 0; i < list.count(); ++i) {
        if (list[i].in_new) continue;
        ++count;
        octets += list[i].size;
    }
    out.put(first_line);
    out.put("\ndirs ");
    out.put(count == list.count() ? std::string_view(stamps.text) : "-");
    out.put("\nmessages ");
    out.put_number(count);
    out.put(" ");
    out.put_number(octets);
    out.put("\n");
    for (size_t i = 0; i < list.count(); ++i) {
        if (list[i].in_new) continue;
        out.put_number(list[i].size);
        out.put(" ");
        out.put(uidls.at(i));
        out.put(" ");
        for (std::string_view part : list.name_parts(i)) out.put(part);
        out.put("\n");
    }
    out.put("end ");
    out.put_number(count);
    out.put("\n");
    bool ok = out.flush();
    fd.reset();
    if (ok && ::renameat(maildir_fd, temp.c_str(), maildir_fd, maildir_cache_file) == 0) return true;
    ::unlinkat(maildir_fd, temp.c_str(), 0);
    return false;
}

}  // namespace postern::pop3d
