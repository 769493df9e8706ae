// Strict decimal numbers, as settings, options, rules and file names carry them.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace postern {

// Digits only: no sign, no spaces, no overflow.
std::optional<uint64_t> parse_decimal(std::string_view s);
// The same, within [min, max].
std::optional<uint64_t> parse_decimal_in(std::string_view s, uint64_t min, uint64_t max);

// A numeric uid or gid: a strict decimal below 4294967295, which is (uid_t)-1,
// "no change" to setuid; nothing wraps to 0 (root).
template <typename Id>
bool parse_id(std::string_view text, Id& id) {
    auto n = parse_decimal(text);
    if (!n || *n >= 4294967295u) return false;
    id = Id(*n);
    return true;
}

}  // namespace postern
