#include "message_list.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "maildir_name.hpp"

namespace postern {

namespace {
constexpr size_t max_hosts = 127;  // what MessageEntry::host can number

// Where the host part of a Maildir name lies: after the second '.', up to a
// ',' or ':' (Dovecot's ",S=" and ",W=", the ":2," info). Empty when there is none.
std::pair<size_t, size_t> host_span(std::string_view name) {
    size_t first = name.find('.');
    size_t second = first == std::string_view::npos ? first : name.find('.', first + 1);
    if (second == std::string_view::npos) return {0, 0};
    size_t end = std::min(name.find_first_of(",:", second + 1), name.size());
    return {second + 1, end};
}
}  // namespace

void MessageList::store_name(MessageEntry& entry, std::string_view name) {
    name = name.substr(0, 255);
    auto [from, to] = host_span(name);
    std::string_view host = name.substr(from, to - from);
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
        arena_.append(name.substr(0, from));
        arena_.append(name.substr(to));
    } else {
        arena_.append(name);
    }
    entry.name_len = (arena_.size() - entry.name_at) & 0xff;
}

size_t MessageList::rebuild(const MessageEntry& entry, char* out) const {
    std::string_view stored(arena_.data() + entry.name_at, entry.name_len);
    if (!entry.host) {
        std::memcpy(out, stored.data(), stored.size());
        return stored.size();
    }
    // The host went after the stored name's second '.', which is the whole name's.
    size_t at = host_span(stored).first;
    const std::string& host = hosts_[entry.host - 1];
    std::memcpy(out, stored.data(), at);
    std::memcpy(out + at, host.data(), host.size());
    std::memcpy(out + at + host.size(), stored.data() + at, stored.size() - at);
    return stored.size() + host.size();
}

MessageName MessageList::name(size_t i) const {
    MessageName name;
    name.size_ = rebuild(entries_[i], name.text_) & 0xff;
    return name;
}

MessageName MessageList::base(size_t i) const {
    MessageName base = name(i);
    base.size_ = entries_[i].base_len;
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
        char name_a[255], name_b[255];
        rebuild(a, name_a);
        rebuild(b, name_b);
        return delivered_before(a.time, {name_a, a.base_len}, b.time, {name_b, b.base_len});
    });
}

void MessageList::drop_unsized() {
    std::erase_if(entries_, [](const MessageEntry& e) { return e.size == unknown_size; });
}

}  // namespace postern
