#pragma once
#include <string_view>

namespace postern::checkpass {

// Compares without a data-dependent early exit, so the time taken does not
// tell how many leading bytes of a hash or digest were right.
inline bool equal_constant_time(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace postern::checkpass
