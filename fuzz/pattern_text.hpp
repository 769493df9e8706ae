// A parsed address pattern written back as text, and pattern equality: the
// address pattern and rules targets check that what was parsed reads back the same.
#pragma once
#include <string>

#include "ucspi/address_pattern.hpp"

namespace postern::fuzz {

inline std::string pattern_text(const ucspi::AddressPattern& p) {
    using Kind = ucspi::AddressPattern::Kind;
    if (p.kind == Kind::any) return "";
    if (p.kind == Kind::prefix) return format_ip(p.address) + "/" + std::to_string(p.prefix_bits);
    std::string text;
    for (size_t i = 0; i < p.octet_count; ++i) {
        if (i > 0) text += '.';
        text += std::to_string(p.octets[i].low);
        if (p.octets[i].high != p.octets[i].low) text += "-" + std::to_string(p.octets[i].high);
    }
    if (p.octet_count < 4) text += '.';
    return text;
}

inline bool same_pattern(const ucspi::AddressPattern& a, const ucspi::AddressPattern& b) {
    if (a.kind != b.kind) return false;
    if (a.kind == ucspi::AddressPattern::Kind::prefix) return a.address == b.address && a.prefix_bits == b.prefix_bits;
    if (a.octet_count != b.octet_count) return false;
    for (size_t i = 0; i < a.octet_count; ++i)
        if (a.octets[i].low != b.octets[i].low || a.octets[i].high != b.octets[i].high) return false;
    return true;
}

}  // namespace postern::fuzz
