// The messages of one session, compactly: 100,000 messages cost a few MB.
// Names live in one arena; an entry holds offsets, the delivery time and the size.
// The host part of a name ("time.unique.HOST,S=..:2,flags"), the same for most
// of a Maildir's messages, is kept once in a table and left out of the arena.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace postern {

// 16 bytes a message: sizes below 1 TiB, names up to 255 bytes (NAME_MAX), times up to 2106.
constexpr uint64_t unknown_size = (uint64_t(1) << 40) - 1;

struct MessageEntry {
    uint32_t name_at = 0;              // the file's name in cur/, in the arena (see store_name)
    uint32_t time = 0;                 // delivery time from the name's prefix
    uint64_t size : 40 = unknown_size; // octets as transmitted (CRLF line ends, before dot-stuffing)
    uint64_t in_new : 1 = 0;           // still in new/: it could not be moved to cur/
    uint64_t host : 7 = 0;             // 1 + its index in the host table; 0: the arena holds the whole name
    uint64_t name_len : 8 = 0;         // bytes in the arena (at most the name's: the host had two or more)
    uint64_t base_len : 8 = 0;         // the unique part of the whole name, up to ':'
};
static_assert(sizeof(MessageEntry) == 16);

// A message's file name, rebuilt: a value that holds its own bytes.
class MessageName {
public:
    std::string_view view() const { return {text_, size_}; }
    operator std::string_view() const { return view(); }
    friend bool operator==(const MessageName& a, std::string_view b) { return a.view() == b; }

private:
    friend class MessageList;
    char text_[255];
    uint8_t size_ = 0;
};

class MessageList {
public:
    void add(std::string_view name, bool in_new = false);
    // A message whose size is known already (from the cache): the name needs no parsing for it.
    void add_sized(std::string_view name, uint64_t size);
    size_t count() const { return entries_.size(); }
    MessageEntry& operator[](size_t i) { return entries_[i]; }
    const MessageEntry& operator[](size_t i) const { return entries_[i]; }
    MessageName name(size_t i) const { return name(entries_[i]); }
    MessageName base(size_t i) const { return base(entries_[i]); }
    // The name in up to three parts, to write or compare without rebuilding it.
    std::array<std::string_view, 3> name_parts(size_t i) const { return name_parts(entries_[i]); }
    // How message i's unique part compares with `other`, as std::string_view::compare does.
    int compare_base(size_t i, std::string_view other) const { return compare_base(entries_[i], other); }
    std::string_view dir(size_t i) const { return entries_[i].in_new ? "new" : "cur"; }
    // The time prefix as stored and compared: clamped to 32 bits.
    static uint32_t delivery_time(uint64_t time) { return uint32_t(std::min<uint64_t>(time, UINT32_MAX)); }

    // The message's file is now `name` in cur/ (its flags changed); the unique part stays.
    void renamed(size_t i, std::string_view name);
    // Delivery order: the time prefix of the unique name, then the name.
    void sort_by_delivery();
    // Drops the entries whose size is still unknown (their files vanished).
    void drop_unsized();
    void reserve(size_t messages, size_t name_bytes);
    void clear() {
        entries_.clear();
        arena_.clear();
        hosts_.clear();
    }

private:
    void add_sized(std::string_view name, uint64_t size, size_t base_len, uint64_t time);
    // Puts `name` in the arena; when its host part goes in the table (while
    // there is room), the arena holds a byte for where it was, then the rest.
    void store_name(MessageEntry& entry, std::string_view name);
    MessageName name(const MessageEntry& entry) const;
    MessageName base(const MessageEntry& entry) const;
    std::array<std::string_view, 3> name_parts(const MessageEntry& entry) const;
    int compare_base(const MessageEntry& entry, std::string_view other) const;

    std::vector<MessageEntry> entries_;
    std::string arena_;
    std::vector<std::string> hosts_;
    size_t last_host_ = 0;  // where the last lookup found its host: the next one usually has the same
};

}  // namespace postern
