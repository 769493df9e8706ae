// What RFC 1939 allows as a UIDL: 1 to 70 characters from 0x21 to 0x7E.
#pragma once
#include <string_view>

namespace postern::pop3d {

inline bool usable_as_unique_id(std::string_view uidl) {
    constexpr size_t max_uid = 70;
    bool usable = !uidl.empty() && uidl.size() <= max_uid;
    for (unsigned char c : uidl) usable = usable && c >= 0x21 && c <= 0x7e;
    return usable;
}

}  // namespace postern::pop3d
