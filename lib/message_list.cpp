#include "message_list.hpp"

#include <algorithm>

#include "maildir_name.hpp"

namespace postern {

namespace {
constexpr size_t max_hosts = 127;  // what MessageEntry::host can number

// Where the host part of a Maildir name begins: after the second '.', when
// that comes before any ':' (the host is in the unique part); npos otherwise.
size_t host_start(std::string_view name) {
    int dots = 0;
    for (size_t i = 0; i < name.size() && name[i] != ':'; ++i)
        if (name[i] == '.' && ++dots == 2) return i + 1;
    return std::string_view::npos;
}

// Where it ends: at Dovecot's ",S=" / ",W=" fields, the ":2," info, or the name's end.
size_t host_end(std::string_view name, size_t from) {
    while (from < name.size() && name[from] != ',' && name[from] != ':') ++from;
    return from;
}
}  // namespace

void MessageList::store_name(MessageEntry& entry, std::string_view name) {
    name = name.substr(0, 255);
    std::string_view host;
    size_t from = host_start(name);
    if (from != std::string_view::npos) host = name.substr(from, host_end(name, from) - from);
    entry.host = 0;
    if (host.size() > 1) {
        if (last_host_ >= hosts_.size() || hosts_[last_host_] != host) {
            auto found = std::find(hosts_.begin(), hosts_.end(), host);
            if (found == hosts_.end() && hosts_.size() < max_hosts) found = hosts_.emplace(hosts_.end(), host);
            last_host_ = size_t(found - hosts_.begin());
        }
        if (last_host_ < hosts_.size()) entry.host = (last_host_ + 1) & 0x7f;
    }
    entry.name_at = uint32_t(arena_.size());
    if (entry.host) {
        arena_.push_back(char(from));  // where the host goes back in
        arena_.append(name.substr(0, from));
        arena_.append(name.substr(from + host.size()));
    } else {
        arena_.append(name);
    }
    entry.name_len = (arena_.size() - entry.name_at) & 0xff;
}

std::array<std::string_view, 3> MessageList::name_parts(const MessageEntry& entry) const {
    std::string_view stored(arena_.data() + entry.name_at, entry.name_len);
    if (!entry.host) return {stored, {}, {}};
    size_t at = uint8_t(stored[0]);
    stored.remove_prefix(1);
    return {stored.substr(0, at), hosts_[entry.host - 1], stored.substr(at)};
}

int MessageList::compare_base(const MessageEntry& entry, std::string_view other) const {
    size_t left = entry.base_len;
    for (std::string_view part : name_parts(entry)) {
        part = part.substr(0, left);
        left -= part.size();
        size_t n = std::min(part.size(), other.size());
        if (int order = part.substr(0, n).compare(other.substr(0, n))) return order;
        if (n < part.size()) return 1;  // `other` ended first
        other.remove_prefix(n);
    }
    return other.empty() ? 0 : -1;
}

MessageName MessageList::name(const MessageEntry& entry) const {
    MessageName name;
    for (std::string_view part : name_parts(entry)) {
        part.copy(name.text_ + name.size_, part.size());
        name.size_ = (name.size_ + part.size()) & 0xff;
    }
    return name;
}

MessageName MessageList::base(const MessageEntry& entry) const {
    MessageName base = name(entry);
    base.size_ = entry.base_len;
    return base;
}

void MessageList::add(std::string_view name, bool in_new) {
    MaildirName parsed = parse_maildir_name(name);
    uint64_t size = parsed.transmit_size && *parsed.transmit_size < unknown_size ? *parsed.transmit_size : unknown_size;
    add_sized(name, size, parsed.base.size(), parsed.time);
    entries_.back().in_new = in_new;
}

void MessageList::add_sized(std::string_view name, uint64_t size) {
    add_sized(name, size, std::min(name.find(':'), name.size()), maildir_time(name));
}

void MessageList::add_sized(std::string_view name, uint64_t size, size_t base_len, uint64_t time) {
    MessageEntry entry;
    entry.time = delivery_time(time);
    entry.size = size;
    entry.base_len = std::min<size_t>(base_len, 255) & 0xff;
    store_name(entry, name);
    entries_.push_back(entry);
}

void MessageList::renamed(size_t i, std::string_view name) {
    store_name(entries_[i], name);
    entries_[i].in_new = false;
}

void MessageList::reserve(size_t messages, size_t name_bytes) {
    entries_.reserve(messages);
    arena_.reserve(name_bytes);
}

void MessageList::sort_by_delivery() {
    std::sort(entries_.begin(), entries_.end(), [this](const MessageEntry& a, const MessageEntry& b) {
        if (a.time != b.time) return a.time < b.time;
        // With the same host part, or none, the stored names compare as the whole ones do:
        // it follows the same two dots in both.
        if (a.host == b.host) {
            size_t skip = a.host ? 1 : 0, host = a.host ? hosts_[a.host - 1].size() : 0;
            return std::string_view(arena_.data() + a.name_at + skip, a.base_len - host) <
                   std::string_view(arena_.data() + b.name_at + skip, b.base_len - host);
        }
        return compare_base(a, base(b)) < 0;
    });
}

void MessageList::drop_unsized() {
    std::erase_if(entries_, [](const MessageEntry& e) { return e.size == unknown_size; });
}

}  // namespace postern
