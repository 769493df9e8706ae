#include "address_pattern.hpp"

#include "decimal.hpp"

namespace postern::ucspi {

namespace {

using Range = AddressPattern::Range;

std::optional<uint8_t> parse_octet(std::string_view s) {
    if (s.size() > 3) return std::nullopt;
    auto n = parse_decimal(s);
    if (!n || *n > 255) return std::nullopt;
    return uint8_t(*n);
}

// "37" or "37-53".
std::optional<Range> parse_range(std::string_view s) {
    size_t dash = s.find('-');
    auto low = parse_octet(s.substr(0, dash));
    if (!low) return std::nullopt;
    if (dash == std::string_view::npos) return Range{*low, *low};
    auto high = parse_octet(s.substr(dash + 1));
    if (!high || *high < *low) return std::nullopt;
    return Range{*low, *high};
}

std::optional<AddressPattern> fail(std::string& why, const char* reason) {
    why = reason;
    return std::nullopt;
}

// tcprules' IPv4 keys: a full address with ranges, or whole octets ending in a dot.
std::optional<AddressPattern> parse_octets(std::string_view text, std::string& why) {
    AddressPattern p;
    p.kind = AddressPattern::Kind::octets;
    bool is_prefix = text.back() == '.';
    if (is_prefix) text.remove_suffix(1);
    while (true) {
        if (p.octet_count == 4) return fail(why, "too many octets in an IPv4 address");
        size_t dot = text.find('.');
        auto range = parse_range(text.substr(0, dot));
        if (!range) return fail(why, "bad IPv4 octet or range (0-255, low-high)");
        p.octets[p.octet_count++] = *range;
        if (dot == std::string_view::npos) break;
        text.remove_prefix(dot + 1);
    }
    if (is_prefix && p.octet_count == 4) return fail(why, "an IPv4 prefix has at most 3 octets");
    if (!is_prefix && p.octet_count != 4) return fail(why, "an IPv4 prefix must end in a dot");
    return p;
}

bool bit_is_set(const IpAddress& a, unsigned bit) { return a.bytes[bit / 8] & (0x80 >> (bit % 8)); }

std::optional<AddressPattern> parse_cidr(std::string_view text, std::string& why) {
    size_t slash = text.find('/');
    auto address = parse_ip(text.substr(0, slash));
    if (!address) return fail(why, "bad address before the prefix length");
    auto bits = parse_decimal(text.substr(slash + 1));
    if (!bits || *bits > address->size() * 8 || text.size() - slash - 1 > 3)
        return fail(why, address->v6 ? "prefix length must be 0-128" : "prefix length must be 0-32");
    for (unsigned bit = unsigned(*bits); bit < address->size() * 8; ++bit)
        if (bit_is_set(*address, bit)) return fail(why, "address has bits set past the prefix length");
    AddressPattern p;
    p.kind = AddressPattern::Kind::prefix;
    p.address = *address;
    p.prefix_bits = unsigned(*bits);
    return p;
}

bool octets_match(const AddressPattern& p, const IpAddress& a) {
    if (a.v6) return false;
    for (size_t i = 0; i < p.octet_count; ++i)
        if (a.bytes[i] < p.octets[i].low || a.bytes[i] > p.octets[i].high) return false;
    return true;
}

bool prefix_matches(const AddressPattern& p, const IpAddress& a) {
    if (a.v6 != p.address.v6) return false;
    unsigned whole = p.prefix_bits / 8, rest = p.prefix_bits % 8;
    for (unsigned i = 0; i < whole; ++i)
        if (a.bytes[i] != p.address.bytes[i]) return false;
    if (rest == 0) return true;
    uint8_t mask = uint8_t(0xff << (8 - rest));
    return (a.bytes[whole] & mask) == (p.address.bytes[whole] & mask);
}

}  // namespace

std::optional<AddressPattern> parse_address_pattern(std::string_view text, std::string& why) {
    if (text.empty()) return AddressPattern{};
    if (text.find('/') != std::string_view::npos) return parse_cidr(text, why);
    if (text.find(':') != std::string_view::npos) {
        auto address = parse_ipv6(text);
        if (!address) return fail(why, "bad IPv6 address");
        AddressPattern p;
        p.kind = AddressPattern::Kind::prefix;
        p.address = *address;
        p.prefix_bits = unsigned(address->size() * 8);
        return p;
    }
    if (text.find_first_not_of("0123456789.-") != std::string_view::npos)
        return fail(why, "not an address (host-name rules are not supported)");
    return parse_octets(text, why);
}

bool pattern_matches(const AddressPattern& pattern, const IpAddress& address) {
    switch (pattern.kind) {
        case AddressPattern::Kind::any: return true;
        case AddressPattern::Kind::octets: return octets_match(pattern, address);
        case AddressPattern::Kind::prefix: return prefix_matches(pattern, address);
    }
    return false;
}

}  // namespace postern::ucspi
