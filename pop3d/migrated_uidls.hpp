// The UIDLs a Maildir's previous POP3 server gave its messages, read where
// that server keeps them, read-only: so its users' clients, which remember
// UIDLs, download nothing again after the move to postern.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "deadline.hpp"
#include "dovecot_uidl_format.hpp"

namespace postern::pop3d {

enum class UidlSource : uint8_t { dovecot, courier };

struct UidlSettings {
    std::vector<UidlSource> sources;  // in the order tried; none: file names only
    DovecotUidlFormat dovecot_format = *DovecotUidlFormat::parse(dovecot_default_uidl_format);
};

// "dovecot,courier" and the like; nullopt for an unknown or repeated source.
std::optional<std::vector<UidlSource>> parse_uidl_sources(std::string_view text);

class MigratedUidls {
public:
    // Reads each source's list from the Maildir. A missing list gives nothing;
    // one that is damaged, too large or slower than `deadline` is logged and
    // gives nothing, so its messages keep postern's own UIDLs.
    void load(int maildir_fd, const UidlSettings& settings, size_t max_messages, Deadline deadline);
    // The UIDL of the message with this base name (its file name up to ':'):
    // the first source's that lists it.
    std::optional<std::string_view> find(std::string_view base_name) const;
    size_t size() const { return by_base_.size(); }

private:
    struct Found {
        std::string_view base_name;
        uint32_t uidl_at;  // in uidls_
        uint32_t uidl_size;
    };
    void read_dovecot(std::string_view text, const DovecotUidlFormat& format, std::vector<Found>& found);
    void read_courier(std::string_view text, std::vector<Found>& found);
    void keep(const std::vector<Found>& found);

    std::vector<std::string> texts_;  // the lists as read: the base names point into them
    std::string uidls_;               // every UIDL kept, end to end
    std::unordered_map<std::string_view, std::pair<uint32_t, uint32_t>> by_base_;  // offset and length in uidls_
};

}  // namespace postern::pop3d
