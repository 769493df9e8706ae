// A reader for djb's constant database (cdb), the format tcprules, qmail and
// djbdns write. The file is a 2048-byte header of 256 (position, length)
// pairs, one per hash table; the records, each a key length, a data length,
// the key and the data; then the hash tables, whose slots are (hash, record
// position) pairs. Every number is 32 bits, little-endian. A key's hash picks
// table hash & 255 and its first slot (hash >> 8) % length; slots are probed
// in turn until an empty one (position 0) or a full turn.
//
// open() checks the whole layout before any lookup, so a truncated or corrupt
// file is refused with a reason instead of answering wrongly; every read is a
// pread of a known, bounded size.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "fd.hpp"

namespace postern {

constexpr size_t cdb_header_size = 2048;

// djb's hash: h = 5381, then h = ((h << 5) + h) ^ byte for each byte.
uint32_t cdb_hash(std::string_view key);

struct CdbLimits {
    uint64_t max_file = 64 << 20;  // bytes; the format itself stops at 4 GiB
    uint32_t max_data = 1 << 16;   // bytes of data in one record
};

class Cdb {
public:
    enum class Lookup { found, absent, failed };

    // The database in `fd` (a regular file), or nullopt with `why` saying
    // what is wrong: too short for its header, a table or a record past the
    // end, a record whose data passes limits.max_data, a slot that points
    // outside the records or sits in the wrong table.
    static std::optional<Cdb> open(Fd fd, std::string& why, CdbLimits limits = {});

    size_t records() const { return records_; }

    // Calls `visit` with each record's key in file order, cut to max_key
    // bytes (at most 64 KiB); false (with `why`) when the file changed since open().
    bool for_each_key(size_t max_key, const std::function<void(std::string_view)>& visit, std::string& why) const;

    // The data of the first record whose key is `key`. `failed` (with `why`)
    // only when the file changed under the reader since open().
    Lookup find(std::string_view key, std::string& data, std::string& why) const;

private:
    struct Table {
        uint32_t position = 0, slots = 0;
    };
    Cdb() = default;
    bool read_at(uint64_t position, void* into, size_t length, std::string& why) const;
    bool check_tables(std::string& why);
    bool check_records(const CdbLimits& limits, std::string& why);
    bool check_slots(std::string& why) const;

    Fd fd_;
    uint64_t size_ = 0;
    uint32_t records_end_ = cdb_header_size;  // where the first hash table starts
    size_t records_ = 0;
    uint32_t max_data_ = 0;
    std::array<Table, 256> tables_{};
};

}  // namespace postern
