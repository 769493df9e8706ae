#include "cdb.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace postern {

namespace {

uint32_t unpack32(const unsigned char* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// pread until `length` bytes or the end of the file; false on an error or a short read.
bool pread_exact(int fd, uint64_t position, void* into, size_t length) {
    auto* out = static_cast<char*>(into);
    while (length > 0) {
        ssize_t n = ::pread(fd, out, length, off_t(position));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        out += n;
        position += uint64_t(n);
        length -= size_t(n);
    }
    return true;
}

// The checks walk the file front to back: a window of it, refilled as they go,
// saves a system call for each 8-byte record header or slot.
class Window {
public:
    Window(int fd, uint64_t end) : fd_(fd), end_(end), buffer_(most) {}

    static constexpr size_t most = 1 << 16;

    // The `length` (at most `most`) bytes at `position`, or nullptr when they
    // pass the end or cannot be read.
    const unsigned char* at(uint64_t position, size_t length) {
        if (position + length > end_ || length > buffer_.size()) return nullptr;
        if (position < start_ || position + length > start_ + filled_) {
            filled_ = size_t(std::min<uint64_t>(buffer_.size(), end_ - position));
            start_ = position;
            if (!pread_exact(fd_, position, buffer_.data(), filled_)) {
                filled_ = 0;
                return nullptr;
            }
        }
        return buffer_.data() + (position - start_);
    }

private:
    int fd_;
    uint64_t end_, start_ = 0;
    size_t filled_ = 0;
    std::vector<unsigned char> buffer_;
};

// Says why in `why` and answers the caller's "no": false, or an empty optional.
template <typename Result = bool>
Result fail(std::string& why, std::string reason) {
    why = std::move(reason);
    return Result{};
}

std::string at_byte(uint64_t position) { return " at byte " + std::to_string(position); }

}  // namespace

uint32_t cdb_hash(std::string_view key) {
    uint32_t h = 5381;
    for (unsigned char c : key) h = ((h << 5) + h) ^ c;
    return h;
}

std::optional<Cdb> Cdb::open(Fd fd, std::string& why, CdbLimits limits) {
    using Refused = std::optional<Cdb>;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return fail<Refused>(why, std::string("cannot stat: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return fail<Refused>(why, "not a regular file");
    uint64_t size = uint64_t(st.st_size);
    if (size < cdb_header_size)
        return fail<Refused>(why, "truncated: " + std::to_string(size) + " bytes, less than the 2048-byte header");
    if (size > limits.max_file || size > UINT32_MAX)
        return fail<Refused>(why, "larger than " + std::to_string(limits.max_file) + " bytes");
    Cdb db;
    db.fd_ = std::move(fd);
    db.size_ = size;
    if (!db.check_tables(why) || !db.check_records(limits, why) || !db.check_slots(why)) return std::nullopt;
    return db;
}

bool Cdb::read_at(uint64_t position, void* into, size_t length, std::string& why) const {
    if (position + length > size_ || !pread_exact(fd_.get(), position, into, length))
        return fail(why, "the file changed since it was checked: cannot read" + at_byte(position));
    return true;
}

// The 256 tables lie after the records: the lowest table position is where the records end.
bool Cdb::check_tables(std::string& why) {
    unsigned char header[cdb_header_size];
    if (!pread_exact(fd_.get(), 0, header, sizeof header)) return fail(why, "cannot read the header");
    records_end_ = UINT32_MAX;
    for (size_t i = 0; i < tables_.size(); ++i) {
        Table t{unpack32(header + 8 * i), unpack32(header + 8 * i + 4)};
        if (t.position < cdb_header_size || uint64_t(t.position) + uint64_t(t.slots) * 8 > size_)
            return fail(why, "hash table " + std::to_string(i) + " lies outside the file (truncated?)");
        tables_[i] = t;
        records_end_ = std::min(records_end_, t.position);
    }
    return true;
}

// Records follow one another from the header to the first table, exactly.
bool Cdb::check_records(const CdbLimits& limits, std::string& why) {
    Window window(fd_.get(), records_end_);
    uint64_t position = cdb_header_size;
    while (position < records_end_) {
        const unsigned char* p = window.at(position, 8);
        if (!p) return fail(why, "record" + at_byte(position) + " runs into the hash tables");
        uint64_t key_length = unpack32(p), data_length = unpack32(p + 4);
        if (data_length > limits.max_data)
            return fail(why, "record" + at_byte(position) + " has " + std::to_string(data_length) +
                                 " bytes of data, more than " + std::to_string(limits.max_data));
        uint64_t next = position + 8 + key_length + data_length;
        if (next > records_end_) return fail(why, "record" + at_byte(position) + " runs into the hash tables");
        position = next;
        ++records_;
    }
    max_data_ = limits.max_data;
    return true;
}

// Every slot in use points into the records and sits in the table its hash picks.
bool Cdb::check_slots(std::string& why) const {
    Window window(fd_.get(), size_);
    for (size_t i = 0; i < tables_.size(); ++i) {
        for (uint64_t slot = 0; slot < tables_[i].slots; ++slot) {
            uint64_t at = tables_[i].position + slot * 8;
            const unsigned char* p = window.at(at, 8);
            if (!p) return fail(why, "cannot read hash table " + std::to_string(i));
            uint32_t hash = unpack32(p), record = unpack32(p + 4);
            if (record == 0) continue;
            if (record < cdb_header_size || uint64_t(record) + 8 > records_end_)
                return fail(why, "slot" + at_byte(at) + " points outside the records");
            if ((hash & 255) != i) return fail(why, "slot" + at_byte(at) + " is in the wrong hash table");
        }
    }
    return true;
}

bool Cdb::for_each_key(size_t max_key, const std::function<void(std::string_view)>& visit, std::string& why) const {
    Window window(fd_.get(), records_end_);
    max_key = std::min(max_key, Window::most);
    for (uint64_t position = cdb_header_size; position < records_end_;) {
        const unsigned char* p = window.at(position, 8);
        uint64_t key_length = p ? unpack32(p) : 0, data_length = p ? unpack32(p + 4) : 0;
        size_t shown = size_t(std::min<uint64_t>(key_length, max_key));
        const unsigned char* key = p ? window.at(position + 8, shown) : nullptr;
        if (!key) return fail(why, "the file changed since it was checked: cannot read" + at_byte(position));
        visit(std::string_view(reinterpret_cast<const char*>(key), shown));
        position += 8 + key_length + data_length;
    }
    return true;
}

Cdb::Lookup Cdb::find(std::string_view key, std::string& data, std::string& why) const {
    uint32_t hash = cdb_hash(key);
    const Table& table = tables_[hash & 255];
    if (table.slots == 0) return Lookup::absent;
    uint32_t slot = (hash >> 8) % table.slots;
    for (uint32_t probes = 0; probes < table.slots; ++probes, slot = (slot + 1) % table.slots) {
        unsigned char entry[8];
        if (!read_at(uint64_t(table.position) + uint64_t(slot) * 8, entry, 8, why)) return Lookup::failed;
        uint32_t record = unpack32(entry + 4);
        if (record == 0) return Lookup::absent;
        if (unpack32(entry) != hash) continue;
        unsigned char lengths[8];
        if (!read_at(record, lengths, 8, why)) return Lookup::failed;
        uint64_t key_length = unpack32(lengths), data_length = unpack32(lengths + 4);
        if (record + 8 + key_length + data_length > records_end_ || data_length > max_data_) {
            why = "the file changed since it was checked: record" + at_byte(record);
            return Lookup::failed;
        }
        if (key_length != key.size()) continue;
        std::string stored(key.size(), '\0');
        if (!read_at(record + 8, stored.data(), stored.size(), why)) return Lookup::failed;
        if (stored != key) continue;
        data.assign(size_t(data_length), '\0');
        return read_at(record + 8 + key_length, data.data(), data.size(), why) ? Lookup::found : Lookup::failed;
    }
    return Lookup::absent;
}

}  // namespace postern
