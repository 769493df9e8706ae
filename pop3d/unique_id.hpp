// What a UIDL may be. RFC 1939 allows 1 to 70 characters from 0x21 to 0x7E;
// a previous server may have given longer ones (Dovecot's %f gives a whole
// file name), which its clients took and remember, so those are kept as they
// were, up to a file name's length.
#pragma once
#include <cstddef>
#include <string_view>

namespace postern::pop3d {

inline constexpr size_t max_unique_id = 70;           // RFC 1939
inline constexpr size_t max_migrated_unique_id = 255; // NAME_MAX: what %f can give

inline bool printable_without_space(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

inline bool usable_as_unique_id(std::string_view uidl) {
    return !uidl.empty() && uidl.size() <= max_unique_id && printable_without_space(uidl);
}

inline bool usable_as_migrated_unique_id(std::string_view uidl) {
    return !uidl.empty() && uidl.size() <= max_migrated_unique_id && printable_without_space(uidl);
}

}  // namespace postern::pop3d
