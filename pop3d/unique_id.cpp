#include "unique_id.hpp"

#include "md5.hpp"
#include "session.hpp"

namespace postern::pop3d {

bool usable_as_unique_id(std::string_view uidl) {
    constexpr size_t max_uid = 70;
    bool usable = !uidl.empty() && uidl.size() <= max_uid;
    for (unsigned char c : uidl) usable = usable && c >= 0x21 && c <= 0x7e;
    return usable;
}

// The previous server's UIDL when POSTERN_UIDL_SOURCES names one that lists
// the message; else the name itself, written straight out; else 32 hex
// digits: stable for the name, within RFC 1939's alphabet.
void Session::put_unique_id(size_t index) {
    MessageName base = drop_.messages.base(index);
    if (auto migrated = migrated_uidls().find(base)) out_.put(*migrated);
    else if (usable_as_unique_id(base)) out_.put(base);
    else out_.put(md5_hex(base));
}

// Read at the first UIDL, so a login and STAT cost no more for them.
const MigratedUidls& Session::migrated_uidls() {
    if (!migrated_) {
        migrated_.emplace();
        if (!settings_.uidl.sources.empty())
            migrated_->load(drop_.dir.get(), settings_.uidl, settings_.max_messages,
                            Deadline::after_seconds(settings_.scan_timeout_seconds));
    }
    return *migrated_;
}

}  // namespace postern::pop3d
