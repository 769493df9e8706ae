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

#include "env.hpp"
#include "fd.hpp"
#include "maildir_name.hpp"
#include "message_file.hpp"
#include "writer.hpp"

namespace postern::pop3d {

namespace {
constexpr std::string_view header = "postern-cache 1";
constexpr size_t max_cache_line = 512;  // a size and a file name (at most 255) fit easily
constexpr time_t settle_seconds = 2;     // far above the file system's clock granularity

// Splits "<octets> <name>"; false for anything else, or a name that is no plain file name.
bool parse_entry(std::string_view line, uint64_t& size, std::string_view& name) {
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return false;
    auto parsed = parse_decimal(line.substr(0, space));
    name = line.substr(space + 1);
    if (!parsed || *parsed >= unknown_size || name.empty() || name.size() > 255 || name[0] == '.' ||
        name.find('/') != std::string_view::npos)
        return false;
    size = *parsed;
    return true;
}

using EntryFn = std::function<bool(uint64_t size, std::string_view name)>;

// Reads the cache line by line: the recorded stamps into `dirs`, each entry to
// `entry` (which may stop the reading). True when the whole file was read and valid.
bool read_cache(int maildir_fd, std::string& dirs, const EntryFn& entry) {
    Fd fd(::openat(maildir_fd, maildir_cache_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) return false;
    size_t line_number = 0;
    uint64_t entries = 0;
    bool ended = false;
    auto line = [&](std::string_view text) {
        ++line_number;
        if (line_number == 1) return text == header;
        if (line_number == 2) {
            if (!text.starts_with("dirs ")) return false;
            dirs = text.substr(5);
            return true;
        }
        if (ended) return false;  // nothing may follow the trailer
        if (text.starts_with("end ")) return ended = parse_decimal(text.substr(4)) == entries;
        uint64_t size;
        std::string_view name;
        ++entries;
        return parse_entry(text, size, name) && entry(size, name);
    };
    std::string partial;  // a line cut by the end of a chunk
    bool ok = true;
    std::unique_ptr<char[]> buffer(new char[64 * 1024]);
    int error = read_chunks(fd.get(), std::span<char>(buffer.get(), 64 * 1024), [&](std::string_view chunk) {
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
    return ok && !error && ended && partial.empty();
}

int compare_delivery(uint32_t time_a, std::string_view base_a, uint32_t time_b, std::string_view base_b) {
    if (time_a != time_b) return time_a < time_b ? -1 : 1;
    return base_a.compare(base_b);
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

CacheUse load_cached_listing(int maildir_fd, const DirStamps& now, MessageList& list, size_t max_messages) {
    CacheUse use;
    if (!now.settled()) return use;
    // Room for what the file can hold, so the list is never copied as it grows (untouched pages cost nothing).
    struct stat st{};
    if (::fstatat(maildir_fd, maildir_cache_file, &st, AT_SYMLINK_NOFOLLOW) != 0) return use;
    size_t bytes = size_t(st.st_size);
    list.reserve(std::min(bytes / 32, max_messages), bytes);
    std::string dirs;
    bool valid = read_cache(maildir_fd, dirs, [&](uint64_t size, std::string_view name) {
        if (dirs != now.text || list.count() >= max_messages) return false;
        list.add_sized(name, size);
        return true;
    });
    if (!valid || dirs != now.text) {
        list.clear();
        return use;
    }
    use.present = use.listing = true;
    use.hits = list.count();
    use.dirs = dirs;
    return use;
}

CacheUse apply_cached_sizes(int maildir_fd, MessageList& list) {
    CacheUse use;
    std::vector<uint32_t> filled;  // undone if the cache proves damaged at its end
    size_t next = 0;
    bool valid = read_cache(maildir_fd, use.dirs, [&](uint64_t size, std::string_view name) {
        std::string_view base = name.substr(0, name.find(':'));
        uint32_t time = MessageList::delivery_time(maildir_time(base));
        int order = -1;
        while (next < list.count() && (order = compare_delivery(list[next].time, list.base(next), time, base)) < 0)
            ++next;
        if (next < list.count() && order == 0) {
            if (list[next].size == unknown_size) {
                list[next].size = size;
                filled.push_back(uint32_t(next));
            }
            ++use.hits;
            ++next;
        } else {
            ++use.stale;
        }
        return true;
    });
    if (valid) {
        use.present = true;
        return use;
    }
    for (uint32_t i : filled) list[i].size = unknown_size;
    return CacheUse{};
}

bool write_maildir_cache(int maildir_fd, const MessageList& list, const DirStamps& stamps) {
    std::string temp = "tmp/" + std::string(maildir_cache_file) + "." + std::to_string(getpid());
    Fd fd(::openat(maildir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) return false;
    Writer out(fd.get(), 64 * 1024);
    out.put(header);
    out.put("\ndirs ");
    bool listing_complete = true;  // messages served from new/ are not in the cache's listing
    for (size_t i = 0; i < list.count(); ++i) listing_complete = listing_complete && !list[i].in_new;
    out.put(listing_complete ? std::string_view(stamps.text) : "-");
    out.put("\n");
    size_t count = 0;
    for (size_t i = 0; i < list.count(); ++i) {
        if (list[i].in_new) continue;
        out.put_number(list[i].size);
        out.put(" ");
        out.put(list.name(i));
        out.put("\n");
        ++count;
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
