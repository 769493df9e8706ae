#include "size_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "env.hpp"
#include "fd.hpp"
#include "maildir_name.hpp"

namespace postern::pop3d {

namespace {
constexpr std::string_view header = "postern-sizes 1\n";
constexpr off_t max_cache_bytes = 256 << 20;

bool needs_cache_entry(std::string_view base) { return !parse_maildir_name(base).transmit_size; }

// The whole file, or "" when it is missing, unreadable, oversized or foreign.
std::string read_cache(int maildir_fd) {
    Fd fd(::openat(maildir_fd, size_cache_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    struct stat st{};
    if (!fd || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > max_cache_bytes) return {};
    std::string text(size_t(st.st_size), '\0');
    size_t got = 0;
    while (got < text.size()) {
        ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return {};
        got += size_t(n);
    }
    if (!text.starts_with(header)) return {};
    return text;
}

struct CacheLine {
    uint64_t size = 0;
    std::string_view base;
};

// Splits "<octets> <base>"; false for anything else.
bool parse_cache_line(std::string_view line, CacheLine& out) {
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return false;
    auto size = parse_decimal(line.substr(0, space));
    out.base = line.substr(space + 1);
    if (!size || out.base.empty()) return false;
    out.size = *size;
    return true;
}

// The entries between the header and a trailer "end <count>" that matches them; nullopt if damaged.
std::optional<std::string_view> cache_body(std::string_view text) {
    text.remove_prefix(header.size());
    if (!text.ends_with('\n')) return std::nullopt;
    size_t last = text.rfind('\n', text.size() - 2);
    size_t trailer_at = last == std::string_view::npos ? 0 : last + 1;
    std::string_view trailer = text.substr(trailer_at, text.size() - trailer_at - 1);
    if (!trailer.starts_with("end ")) return std::nullopt;
    auto count = parse_decimal(trailer.substr(4));
    std::string_view body = text.substr(0, trailer_at);
    size_t lines = size_t(std::count(body.begin(), body.end(), '\n'));
    if (!count || *count != lines) return std::nullopt;
    return body;
}
}  // namespace

SizeCacheUse apply_size_cache(int maildir_fd, MessageList& list) {
    SizeCacheUse use;
    std::string text = read_cache(maildir_fd);
    if (text.empty()) return use;
    std::optional<std::string_view> entries = cache_body(text);
    if (!entries) return use;
    std::string_view body = *entries;
    use.present = true;
    size_t i = 0;
    while (!body.empty()) {
        size_t nl = body.find('\n');
        CacheLine line;
        if (!parse_cache_line(body.substr(0, nl), line)) return SizeCacheUse{};
        body.remove_prefix(nl + 1);
        uint64_t time = parse_maildir_name(line.base).time;
        while (i < list.count() && MessageList::delivered_before(list[i].time, list.base(i), time, line.base)) ++i;
        if (i < list.count() && list.base(i) == line.base) {
            if (list[i].size == unknown_size) list[i].size = line.size;
            ++use.hits;
            ++i;
        } else {
            ++use.stale;
        }
    }
    return use;
}

bool write_size_cache(int maildir_fd, const MessageList& list) {
    std::string text(header);
    size_t count = 0;
    char digits[24];
    for (size_t i = 0; i < list.count(); ++i) {
        if (list[i].size == unknown_size || !needs_cache_entry(list.base(i))) continue;
        auto end = std::to_chars(digits, digits + sizeof digits, list[i].size).ptr;
        text.append(digits, end).append(" ").append(list.base(i)).append("\n");
        ++count;
    }
    text.append("end ").append(std::to_string(count)).append("\n");

    std::string temp = "tmp/" + std::string(size_cache_file) + "." + std::to_string(getpid());
    Fd fd(::openat(maildir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) return false;
    bool ok = ::write(fd.get(), text.data(), text.size()) == ssize_t(text.size());
    fd.reset();
    if (ok && ::renameat(maildir_fd, temp.c_str(), maildir_fd, size_cache_file) == 0) return true;
    ::unlinkat(maildir_fd, temp.c_str(), 0);
    return false;
}

}  // namespace postern::pop3d
