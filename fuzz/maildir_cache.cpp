// The size cache, postern-cache (pop3d/maildir_cache). The input is the
// cache file's content, in a scratch Maildir.
// Invariants:
//  - a reference reading of the format decides: the summary is used (the
//    login answered from it) only for a valid header whose stamps match, and
//    then either the whole file is valid or its first entry is; the listing
//    is read only from a wholly valid file, and then it is that file's entries
//    in order, with the summary's count and octets; otherwise the list stays
//    empty;
//  - sizes applied to a scanned list come only from a valid cache, each from
//    an entry with the same unique name, and every entry counts as a hit or
//    as stale; from a damaged cache, none is applied;
//  - a cache written for a list reads back as that list, names, sizes and
//    the UIDLs from the lists.
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "check.hpp"
#include "decimal.hpp"
#include "message_list.hpp"
#include "pop3d/maildir_cache.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {

constexpr size_t max_messages = 1000;

struct Entry {
    uint64_t size;
    std::string uidl;
    std::string name;
};

struct Reference {
    bool header = false;      // the first three lines are valid
    bool first_entry = false; // and the fourth line is a valid, terminated entry
    bool valid = false;       // the whole file
    std::string dirs;
    uint64_t count = 0, octets = 0;
    std::vector<Entry> entries;   // the valid entries before the first invalid line
};

// A previous server's UIDL: 1 to 255 characters from 0x21 to 0x7E.
bool migrated_uidl(std::string_view uidl) {
    if (uidl.empty() || uidl.size() > 255) return false;
    for (unsigned char c : uidl)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

bool entry_line(std::string_view line, Entry& entry) {
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return false;
    auto size = parse_decimal(line.substr(0, space));
    size_t second = line.find(' ', space + 1);
    if (second == std::string_view::npos) return false;
    std::string_view uidl = line.substr(space + 1, second - space - 1);
    std::string_view name = line.substr(second + 1);
    if (!size || *size >= unknown_size || name.empty() || name.size() > 255 || name[0] == '.' ||
        name.find('/') != std::string_view::npos || (!uidl.empty() && !migrated_uidl(uidl)))
        return false;
    entry = {*size, std::string(uidl), std::string(name)};
    return true;
}

Reference read_reference(std::string_view text) {
    Reference r;
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        if (nl == std::string_view::npos) break;  // an unterminated last line: damaged
        lines.push_back(text.substr(0, nl));
        text.remove_prefix(nl + 1);
    }
    bool terminated = text.empty();
    if (lines.size() < 3 || lines[0] != "postern-cache 3" || !lines[1].starts_with("dirs ") ||
        !lines[2].starts_with("messages "))
        return r;
    std::string_view summary = lines[2].substr(9);
    size_t space = summary.find(' ');
    if (space == std::string_view::npos) return r;
    auto count = parse_decimal(summary.substr(0, space));
    auto octets = parse_decimal(summary.substr(space + 1));
    if (!count || !octets) return r;
    r.header = true;
    r.dirs = lines[1].substr(5);
    r.count = *count;
    r.octets = *octets;
    uint64_t sum = 0;
    for (size_t i = 3; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (line.starts_with("end ")) {
            r.valid = terminated && i + 1 == lines.size() && parse_decimal(line.substr(4)) == r.entries.size() &&
                      r.entries.size() == r.count && sum == r.octets;
            break;
        }
        Entry entry;
        if (r.entries.size() == r.count || !entry_line(line, entry)) break;
        if (i == 3) r.first_entry = true;
        sum += entry.size;
        r.entries.push_back(std::move(entry));
    }
    return r;
}

int scratch_maildir() {
    static int fd = [] {
        int d = ::open(fuzz::scratch_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        FUZZ_CHECK(d >= 0);
        for (const char* sub : {"new", "cur", "tmp"}) ::mkdirat(d, sub, 0700);
        return d;
    }();
    return fd;
}

void put_cache(int maildir, std::string_view text) {
    int fd = ::openat(maildir, maildir_cache_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(::write(fd, text.data(), text.size()) == ssize_t(text.size()));
    ::close(fd);
}

void check_listing(int maildir, const Reference& ref) {
    DirStamps stamps{ref.header ? ref.dirs : std::string("0:0:0 0:0:0")};
    if (!stamps.settled()) return;  // "dirs -" is never used, by design
    auto cached = open_cached_listing(maildir, stamps, max_messages);
    bool usable = ref.header && ref.count <= max_messages && (ref.valid || (ref.count > 0 && ref.first_entry));
    FUZZ_CHECK(bool(cached) == usable);
    if (!cached) return;
    FUZZ_CHECK(cached->count == ref.count && cached->octets == ref.octets);
    MessageList list;
    UidlColumn uidls;
    bool listed = read_cached_listing(*cached, list, uidls);
    FUZZ_CHECK(listed == ref.valid);
    if (!listed) {
        FUZZ_CHECK(list.count() == 0 && uidls.empty());
        return;
    }
    FUZZ_CHECK(list.count() == ref.entries.size());
    for (size_t i = 0; i < list.count(); ++i)
        FUZZ_CHECK(list.name(i) == ref.entries[i].name && list[i].size == ref.entries[i].size &&
                   uidls.at(i) == ref.entries[i].uidl);
}

// A scanned list: the cache's names, but every third, in delivery order, sizes unknown.
MessageList scanned(const Reference& ref) {
    MessageList list;
    for (size_t i = 0; i < ref.entries.size(); ++i)
        if (i % 3 != 2) list.add(ref.entries[i].name);
    list.add("1700000000.M1P1.scanned-only");
    for (size_t i = 0; i < list.count(); ++i) list[i].size = unknown_size;
    list.sort_by_delivery();
    return list;
}

void check_applied(int maildir, const Reference& ref) {
    MessageList list = scanned(ref);
    CacheUse use = apply_cached_sizes(maildir, list);
    FUZZ_CHECK(use.present == ref.valid);
    if (!ref.valid) {
        FUZZ_CHECK(use.hits == 0 && use.stale == 0);
        for (size_t i = 0; i < list.count(); ++i) FUZZ_CHECK(list[i].size == unknown_size);
        return;
    }
    FUZZ_CHECK(use.dirs == ref.dirs && use.hits + use.stale == ref.entries.size());
    for (size_t i = 0; i < list.count(); ++i) {
        if (list[i].size == unknown_size) continue;
        bool from_entry = false;
        for (const Entry& e : ref.entries)
            from_entry |= e.size == list[i].size && list.compare_base(i, std::string_view(e.name).substr(0, e.name.find(':'))) == 0;
        FUZZ_CHECK(from_entry);
    }
}

void check_written(int maildir, const Reference& ref) {
    MessageList list;
    UidlColumn uidls;
    for (size_t i = 0; i < ref.entries.size(); ++i) {
        if (!ref.entries[i].uidl.empty()) uidls.add(i, ref.entries[i].uidl);
        list.add_sized(ref.entries[i].name, ref.entries[i].size);
    }
    DirStamps stamps{"1:2:3.4:5.6 7:8:9.10:11.12"};
    if (!write_maildir_cache(maildir, list, stamps, uidls)) return;  // a full /dev/shm is not the code's fault
    auto cached = open_cached_listing(maildir, stamps, max_messages);
    FUZZ_CHECK(cached && cached->count == list.count());
    MessageList again;
    UidlColumn uidls_again;
    FUZZ_CHECK(read_cached_listing(*cached, again, uidls_again) && again.count() == list.count());
    for (size_t i = 0; i < list.count(); ++i)
        FUZZ_CHECK(again.name(i).view() == list.name(i).view() && again[i].size == list[i].size &&
                   uidls_again.at(i) == uidls.at(i));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view text = fuzz::as_text(bytes, size);
    if (text.size() >= 64 * 1024) return 0;  // one read chunk: lines are never cut (see fuzz/README.md)
    int maildir = scratch_maildir();
    Reference ref = read_reference(text);
    put_cache(maildir, text);
    check_listing(maildir, ref);
    check_applied(maildir, ref);
    if (ref.entries.size() <= max_messages) check_written(maildir, ref);
    return 0;
}
