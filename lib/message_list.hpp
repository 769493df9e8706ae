// The messages of one session, compactly: 100,000 messages cost a few MB.
// Names live in one arena; an entry holds offsets, the delivery time and the size.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace postern {

// 16 bytes a message: sizes up to 2^47-1, names up to 255 bytes (NAME_MAX), times up to 2106.
constexpr uint64_t unknown_size = (uint64_t(1) << 47) - 1;

struct MessageEntry {
    uint32_t name_at = 0;              // the file's name in cur/, in the arena
    uint32_t time = 0;                 // delivery time from the name's prefix
    uint64_t size : 47 = unknown_size; // octets as transmitted (CRLF line ends, before dot-stuffing)
    uint64_t in_new : 1 = 0;           // still in new/: it could not be moved to cur/
    uint64_t name_len : 8 = 0;
    uint64_t base_len : 8 = 0;         // the unique part, up to ':'
};
static_assert(sizeof(MessageEntry) == 16);

class MessageList {
public:
    void add(std::string_view name, bool in_new = false);
    // A message whose size is known already (from the cache): the name needs no parsing for it.
    void add_sized(std::string_view name, uint64_t size);
    size_t count() const { return entries_.size(); }
    MessageEntry& operator[](size_t i) { return entries_[i]; }
    const MessageEntry& operator[](size_t i) const { return entries_[i]; }
    std::string_view name(size_t i) const { return {arena_.data() + entries_[i].name_at, entries_[i].name_len}; }
    std::string_view base(size_t i) const { return name(i).substr(0, entries_[i].base_len); }
    std::string_view dir(size_t i) const { return entries_[i].in_new ? "new" : "cur"; }
    // The time prefix as stored and compared: clamped to 32 bits.
    static uint32_t delivery_time(uint64_t time) { return uint32_t(std::min<uint64_t>(time, UINT32_MAX)); }

    // The message's file is now `name` in cur/ (its flags changed); the unique part stays.
    void renamed(size_t i, std::string_view name);
    // Delivery order: the time prefix of the unique name, then the name.
    void sort_by_delivery();
    static bool delivered_before(uint64_t time_a, std::string_view base_a, uint64_t time_b, std::string_view base_b) {
        return time_a != time_b ? time_a < time_b : base_a < base_b;
    }
    // Drops the entries whose size is still unknown (their files vanished).
    void drop_unsized();
    void reserve(size_t messages, size_t name_bytes);
    void clear() {
        entries_.clear();
        arena_.clear();
    }

private:
    void add_sized(std::string_view name, uint64_t size, size_t base_len, uint64_t time);

    std::vector<MessageEntry> entries_;
    std::string arena_;
};

}  // namespace postern
