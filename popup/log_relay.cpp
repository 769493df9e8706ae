#include "log_relay.hpp"

#include <unistd.h>
#include <cerrno>

#include "log.hpp"

namespace postern::popup {

namespace {
constexpr std::string_view root_only_tags[] = {"postern-popup:", "postern-tcpserver:"};

// "postern-popup:" becomes "postern-popup?" wherever it stands.
void defuse_root_tags(std::string& line) {
    for (std::string_view tag : root_only_tags)
        for (size_t at = line.find(tag); at != std::string::npos; at = line.find(tag, at + 1))
            line[at + tag.size() - 1] = '?';
}
}  // namespace

std::string relayed_form(std::string_view name, std::string_view line) {
    if (!name.empty() && line.starts_with(name) && line.substr(name.size()).starts_with(": "))
        line.remove_prefix(name.size() + 2);  // the child's own tag, shown once
    std::string out;
    if (!name.empty()) {
        out += name;
        out += ": ";
    }
    for (unsigned char c : line.substr(0, max_relayed_line)) out += (c >= 0x20 && c < 0x7f) ? char(c) : '?';
    if (line.size() > max_relayed_line) out += "...";
    defuse_root_tags(out);
    return out;
}

void LogRelay::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        size_t newline = bytes.find('\n');
        std::string_view piece = bytes.substr(0, newline);
        if (!overlong_) {
            partial_.append(piece.substr(0, max_relayed_line + 1 - partial_.size()));
            if (partial_.size() > max_relayed_line) {
                emit(partial_);
                partial_.clear();
                overlong_ = true;
            }
        }
        if (newline == std::string_view::npos) return;
        if (!overlong_) emit(partial_);
        partial_.clear();
        overlong_ = false;
        bytes.remove_prefix(newline + 1);
    }
}

void LogRelay::finish() {
    if (!partial_.empty() && !overlong_) emit(partial_);
    partial_.clear();
}

bool LogRelay::relay_from(int fd) {
    char chunk[4096];
    ssize_t n;
    do n = ::read(fd, chunk, sizeof chunk);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    feed(std::string_view(chunk, size_t(n)));
    return true;
}

void LogRelay::emit(std::string_view line) {
    if (truncated_) return;
    std::string out = relayed_form(name_, line);
    out += '\n';
    if (out.size() > budget_) {
        truncated_ = true;
        log_event("log-truncated").kv("from", name_.empty() ? "session" : name_);
        return;
    }
    budget_ -= out.size();
    (void)!::write(2, out.data(), out.size());
}

}  // namespace postern::popup
