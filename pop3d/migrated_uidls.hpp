// The UIDLs a Maildir's previous POP3 server gave its messages, read where
// that server keeps them, read-only: so its users' clients, which remember
// UIDLs, download nothing again after the move to postern.
#pragma once
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deadline.hpp"
#include "dovecot_uidl_format.hpp"
#include "message_list.hpp"
#include "system_failure.hpp"

namespace postern::pop3d {

enum class UidlSource : uint8_t { dovecot, courier };

// Whether the lists could be read this time. A list that is absent, or is
// no list postern may read (damaged, too large: that lasts as long as the
// file), counts as read; a failed open or read, or running out of time, may
// pass, and a session must not then answer UIDLs without it.
struct ListsRead {
    SystemFailure failure;   // the step (uidl-list-open, uidl-list-read, uidl-list-memory) and errno
    bool timed_out = false;
    bool complete() const { return !failure && !timed_out; }
};

struct UidlSettings {
    std::vector<UidlSource> sources;  // in the order tried; none: file names only
    std::string dovecot_format_text{dovecot_default_uidl_format};
    DovecotUidlFormat dovecot_format = *DovecotUidlFormat::parse(dovecot_default_uidl_format);
};

// "dovecot,courier" and the like; nullopt for an unknown or repeated source.
std::optional<std::vector<UidlSource>> parse_uidl_sources(std::string_view text);

// Each message's UIDL from the lists, by its index in the listing; empty for
// none. Four bytes a message and the UIDLs themselves, end to end.
class UidlColumn {
public:
    // Set in increasing order of `index`; the ones skipped have none.
    void add(size_t index, std::string_view uidl) {
        ends_.resize(index, uint32_t(text_.size()));
        text_ += uidl;
        ends_.push_back(uint32_t(text_.size()));
    }
    std::string_view at(size_t index) const {
        if (index >= ends_.size()) return {};
        uint32_t begin = index ? ends_[index - 1] : 0;
        return std::string_view(text_).substr(begin, ends_[index] - begin);
    }
    bool empty() const { return ends_.empty(); }
    void clear() {
        ends_.clear();
        text_.clear();
    }

private:
    std::vector<uint32_t> ends_;
    std::string text_;
};

// What the cache's stamp adds when lists are read: the settings, and each
// list's device, inode, size and modification time ("-" when it is absent),
// so that a change to either makes the cache's listing stale.
std::string uidl_lists_stamp(int maildir_fd, const UidlSettings& settings);

// A list's text, in memory mapped in advance (MAP_POPULATE): a list of
// 100,000 lines is then not thousands of page faults.
class ListText {
public:
    explicit ListText(size_t size);
    ListText(ListText&& other) noexcept;
    ListText& operator=(ListText&&) = delete;
    ~ListText();
    char* data() { return data_; }
    size_t size() const { return size_; }
    void shrink(size_t size) { size_ = std::min(size, size_); }
    std::string_view view() const { return {data_, size_}; }

private:
    char* data_ = nullptr;
    size_t size_ = 0;
    size_t mapped_ = 0;
};

class MigratedUidls {
public:
    // Reads each source's list from the Maildir. A missing list gives nothing;
    // one that is damaged, too large, unreadable or slower than `deadline` is
    // logged and gives nothing; the result says whether one could not be read.
    ListsRead load(int maildir_fd, const UidlSettings& settings, size_t max_messages, Deadline deadline);
    // The UIDL of the message with this base name (its file name up to ':'):
    // that of the first source that gives it one.
    std::optional<std::string_view> find(std::string_view base_name) const;
    size_t size() const { return kept_; }

private:
    struct Found {
        std::string_view base_name;
        uint32_t uidl_at;     // in uidls_
        uint16_t uidl_size;   // when usable
        uint8_t source;       // the UidlSource of its list
        bool usable;          // usable_as_migrated_unique_id
    };
    void add_found(std::string_view base_name, size_t uidl_at);
    void read_dovecot(std::string_view text, const DovecotUidlFormat& format);
    void read_courier(std::string_view text);
    void index_found();

    std::vector<ListText> texts_;  // the lists as read: the base names point into them
    std::string uidls_;            // every UIDL read, end to end
    std::vector<Found> found_;     // every entry, in the order of precedence
    uint8_t source_ = 0;           // the list being read
    // An open-addressed table of base names: 1 + an index in found_, 0 for
    // none. Flat, so a list of 100,000 costs two allocations, not 100,000.
    std::vector<uint32_t> slots_;
    size_t kept_ = 0;
};

// The UIDLs the lists give the messages of `list`, into `column`: read at a
// scan, so that the cache written after it carries them, and the sessions
// that find the cache current read no list.
ListsRead resolve_migrated_uidls(int maildir_fd, const UidlSettings& settings, const MessageList& list,
                                 size_t max_messages, Deadline deadline, UidlColumn& column);

}  // namespace postern::pop3d
