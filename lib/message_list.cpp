#include "message_list.hpp"

#include <algorithm>

#include "maildir_name.hpp"

namespace postern {

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
    entry.name_at = uint32_t(arena_.size());
    entry.name_len = std::min<size_t>(name.size(), 255) & 0xff;
    entry.base_len = std::min<size_t>(base_len, 255) & 0xff;
    arena_.append(name);
    entries_.push_back(entry);
}

void MessageList::renamed(size_t i, std::string_view name) {
    entries_[i].name_at = uint32_t(arena_.size());
    entries_[i].name_len = std::min<size_t>(name.size(), 255) & 0xff;
    entries_[i].in_new = false;
    arena_.append(name);
}

void MessageList::reserve(size_t messages, size_t name_bytes) {
    entries_.reserve(messages);
    arena_.reserve(name_bytes);
}

void MessageList::sort_by_delivery() {
    std::sort(entries_.begin(), entries_.end(), [this](const MessageEntry& a, const MessageEntry& b) {
        return delivered_before(a.time, {arena_.data() + a.name_at, a.base_len}, b.time,
                                {arena_.data() + b.name_at, b.base_len});
    });
}

void MessageList::drop_unsized() {
    std::erase_if(entries_, [](const MessageEntry& e) { return e.size == unknown_size; });
}

}  // namespace postern
