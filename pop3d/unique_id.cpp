#include <string>

#include "md5.hpp"
#include "session.hpp"

namespace postern::pop3d {

std::string unique_id(std::string_view base) {
    constexpr size_t max_uid = 70;
    bool usable = !base.empty() && base.size() <= max_uid;
    for (unsigned char c : base) usable = usable && c >= 0x21 && c <= 0x7e;
    if (usable) return std::string(base);
    return md5_hex(base);  // 32 hex digits: stable for the name, within RFC 1939's alphabet
}

}  // namespace postern::pop3d
