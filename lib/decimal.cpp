#include "decimal.hpp"

namespace postern {

std::optional<uint64_t> parse_decimal(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt;  // 19 digits always fit in 64 bits
    uint64_t n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + uint64_t(c - '0');
    }
    return n;
}

std::optional<uint64_t> parse_decimal_in(std::string_view s, uint64_t min, uint64_t max) {
    auto n = parse_decimal(s);
    if (!n || *n < min || *n > max) return std::nullopt;
    return n;
}

}  // namespace postern
