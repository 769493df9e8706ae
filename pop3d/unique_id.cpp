#include "unique_id.hpp"

#include "md5.hpp"
#include "session.hpp"

namespace postern::pop3d {

// The previous server's UIDL when POSTERN_UIDL_SOURCES names a list that has
// the message; else the name itself, written straight out; else 32 hex
// digits: stable for the name, within RFC 1939's alphabet.
void Session::put_unique_id(size_t index) {
    if (std::string_view migrated = drop_.uidls.at(index); !migrated.empty()) {
        out_.put(migrated);
        return;
    }
    MessageName base = drop_.messages.base(index);
    if (usable_as_unique_id(base)) out_.put(base);
    else out_.put(md5_hex(base));
}

}  // namespace postern::pop3d
