// Which clients an access rule applies to, written as in tcprules or as CIDR:
//   ""               every address
//   1.2.3.4  ::1     one address
//   10.  192.168.    IPv4 prefixes (whole octets, ending in a dot)
//   1.2.3.37-53      ranges of octet values, in any position: 10.1-5.
//   10.0.0.0/8  2001:db8::/32   CIDR prefixes, IPv4 or IPv6
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ip_address.hpp"

namespace postern::ucspi {

struct AddressPattern {
    enum class Kind { any, octets, prefix };
    Kind kind = Kind::any;
    // Kind::octets: IPv4 octet ranges; fewer than 4 means the rest is free.
    struct Range {
        uint8_t low = 0, high = 255;
    };
    std::array<Range, 4> octets{};
    size_t octet_count = 0;
    // Kind::prefix: the first prefix_bits bits of `address` (all of them for one address).
    IpAddress address;
    unsigned prefix_bits = 0;
};

// The pattern, or nullopt with `why` saying what is wrong with the text.
std::optional<AddressPattern> parse_address_pattern(std::string_view text, std::string& why);

bool pattern_matches(const AddressPattern& pattern, const IpAddress& address);

}  // namespace postern::ucspi
