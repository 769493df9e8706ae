#include "size_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "env.hpp"
#include "fd.hpp"
#include "maildir_name.hpp"
#include "message_file.hpp"
#include "writer.hpp"

namespace postern::pop3d {

namespace {
constexpr std::string_view header = "postern-sizes 1";
constexpr size_t max_cache_line = 512;  // a size and a file name (at most 255) fit easily

bool needs_cache_entry(std::string_view base) { return !parse_maildir_name(base).transmit_size; }

// Splits "<octets> <base>"; false for anything else.
bool parse_cache_line(std::string_view line, uint64_t& size, std::string_view& base) {
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return false;
    auto parsed = parse_decimal(line.substr(0, space));
    base = line.substr(space + 1);
    if (!parsed || base.empty()) return false;
    size = *parsed;
    return true;
}

// Merges the cache, read line by line, into the sorted list. Sizes it fills are
// remembered, so a cache found damaged at its end (no matching trailer) is undone.
class CacheMerge {
public:
    explicit CacheMerge(MessageList& list) : list_(list) {}

    bool line(std::string_view text) {
        if (!seen_header_) return seen_header_ = text == header;
        if (ended_) return false;  // nothing may follow the trailer
        if (text.starts_with("end ")) {
            ended_ = parse_decimal(text.substr(4)) == entries_;
            return ended_;
        }
        uint64_t size;
        std::string_view base;
        if (!parse_cache_line(text, size, base)) return false;
        ++entries_;
        uint32_t time = MessageList::delivery_time(maildir_time(base));
        while (next_ < list_.count() && MessageList::delivered_before(list_[next_].time, list_.base(next_), time, base))
            ++next_;
        if (next_ < list_.count() && list_.base(next_) == base) {
            if (list_[next_].size == unknown_size) {
                list_[next_].size = size;
                filled_.push_back(uint32_t(next_));
            }
            ++use_.hits;
            ++next_;
        } else {
            ++use_.stale;
        }
        return true;
    }

    SizeCacheUse finish(bool read_ok) {
        if (read_ok && ended_) {
            use_.present = true;
            return use_;
        }
        for (uint32_t i : filled_) list_[i].size = unknown_size;
        return SizeCacheUse{};
    }

private:
    MessageList& list_;
    size_t next_ = 0;
    uint64_t entries_ = 0;
    bool seen_header_ = false;
    bool ended_ = false;
    std::vector<uint32_t> filled_;
    SizeCacheUse use_;
};
}  // namespace

SizeCacheUse apply_size_cache(int maildir_fd, MessageList& list) {
    Fd fd(::openat(maildir_fd, size_cache_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    struct stat st{};
    if (!fd || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return {};

    CacheMerge merge(list);
    std::string partial;  // a line cut by the end of a chunk
    bool ok = true;
    std::unique_ptr<char[]> buffer(new char[64 * 1024]);
    int error = read_chunks(fd.get(), std::span<char>(buffer.get(), 64 * 1024), [&](std::string_view chunk) {
        for (size_t nl; ok && (nl = chunk.find('\n')) != std::string_view::npos; chunk.remove_prefix(nl + 1)) {
            if (partial.empty()) {
                ok = merge.line(chunk.substr(0, nl));
            } else {
                partial.append(chunk.substr(0, nl));
                ok = merge.line(partial);
                partial.clear();
            }
        }
        partial.append(chunk);
        ok = ok && partial.size() <= max_cache_line;
        return ok;
    });
    return merge.finish(ok && !error && partial.empty());
}

bool write_size_cache(int maildir_fd, const MessageList& list) {
    std::string temp = "tmp/" + std::string(size_cache_file) + "." + std::to_string(getpid());
    Fd fd(::openat(maildir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) return false;
    Writer out(fd.get(), 64 * 1024);
    out.put(header);
    out.put("\n");
    size_t count = 0;
    for (size_t i = 0; i < list.count(); ++i) {
        if (list[i].size == unknown_size || !needs_cache_entry(list.base(i))) continue;
        out.put_number(list[i].size);
        out.put(" ");
        out.put(list.base(i));
        out.put("\n");
        ++count;
    }
    out.put("end ");
    out.put_number(count);
    out.put("\n");
    bool ok = out.flush();
    fd.reset();
    if (ok && ::renameat(maildir_fd, temp.c_str(), maildir_fd, size_cache_file) == 0) return true;
    ::unlinkat(maildir_fd, temp.c_str(), 0);
    return false;
}

}  // namespace postern::pop3d
