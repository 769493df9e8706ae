// What the per-source limit (-C) counts as one client: every address in the
// same prefix. An IPv6 client is given a whole /64 (often a /56 or /48), so
// counting its addresses one by one would let it open a connection from each;
// by default IPv6 sources are grouped by /64 and IPv4 ones stay one address each.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "ip_address.hpp"

namespace postern::ucspi {

constexpr unsigned default_v4_source_bits = 32;
constexpr unsigned default_v6_source_bits = 64;

struct SourceGrouping {
    unsigned v4_bits = default_v4_source_bits;  // 0 to 32
    unsigned v6_bits = default_v6_source_bits;  // 0 to 128
};

// The prefix length that applies to `address`.
unsigned source_bits(const IpAddress& address, const SourceGrouping& grouping);

// `address` with every bit past its family's prefix cleared: the key its connections are counted under.
IpAddress source_group(const IpAddress& address, const SourceGrouping& grouping);

// The group as a log shows it: "192.0.2.7/32", "2001:db8:1:2::/64".
std::string format_source_group(const IpAddress& address, const SourceGrouping& grouping);

struct PerSourceLimit {
    size_t max = 0;  // 0: no limit
    SourceGrouping grouping;
};

constexpr size_t max_per_source_limit = 100000;

// -C's value: "N", "N/V4BITS" or "N/V4BITS/V6BITS"; nullopt when malformed or out of range.
std::optional<PerSourceLimit> parse_per_source_limit(std::string_view text);

}  // namespace postern::ucspi
