// Address patterns (ucspi/address_pattern): the text up to the first newline
// is a pattern, the bytes after it are addresses to match, 17 bytes each
// (a family byte, then 16 address bytes).
// Invariants:
//  - a refused pattern says why; an accepted one is well formed (ranges low to
//    high, at most 4 octets, no bits set past a prefix length);
//  - written back as text, it parses to the same pattern;
//  - matching agrees with a bit-by-bit reference: a prefix matches exactly the
//    addresses of its family that share its first bits; octet ranges match
//    exactly the IPv4 addresses whose octets lie in them; their edges match
//    and one past an edge does not.
#include "check.hpp"
#include "pattern_text.hpp"

using namespace postern;
using namespace postern::ucspi;
using Kind = AddressPattern::Kind;

namespace {

bool bit(const IpAddress& a, unsigned i) { return a.bytes[i / 8] >> (7 - i % 8) & 1; }

bool reference_match(const AddressPattern& p, const IpAddress& a) {
    if (p.kind == Kind::any) return true;
    if (p.kind == Kind::prefix) {
        if (a.v6 != p.address.v6) return false;
        for (unsigned i = 0; i < p.prefix_bits; ++i)
            if (bit(a, i) != bit(p.address, i)) return false;
        return true;
    }
    if (a.v6) return false;
    for (size_t i = 0; i < p.octet_count; ++i)
        if (a.bytes[i] < p.octets[i].low || a.bytes[i] > p.octets[i].high) return false;
    return true;
}

void check_match(const AddressPattern& p, const AddressPattern& again, const IpAddress& a) {
    bool matches = pattern_matches(p, a);
    FUZZ_CHECK(matches == reference_match(p, a));
    FUZZ_CHECK(matches == pattern_matches(again, a));
}

void check_well_formed(const AddressPattern& p) {
    if (p.kind == Kind::prefix) {
        FUZZ_CHECK(p.prefix_bits <= p.address.size() * 8);
        for (unsigned i = p.prefix_bits; i < p.address.size() * 8; ++i) FUZZ_CHECK(!bit(p.address, i));
        FUZZ_CHECK(p.address == unmap_v4(p.address));  // a v4-mapped pattern is an IPv4 pattern
    }
    if (p.kind == Kind::octets) {
        FUZZ_CHECK(p.octet_count >= 1 && p.octet_count <= 4);
        for (size_t i = 0; i < p.octet_count; ++i) FUZZ_CHECK(p.octets[i].low <= p.octets[i].high);
    }
}

// The addresses at a pattern's edges, and one past each.
void check_edges(const AddressPattern& p, const AddressPattern& again) {
    if (p.kind == Kind::prefix) {
        check_match(p, again, p.address);
        FUZZ_CHECK(pattern_matches(p, p.address));
        for (unsigned i : {p.prefix_bits, p.prefix_bits - 1}) {
            if (i >= p.address.size() * 8) continue;  // p.prefix_bits - 1 wraps when it is 0
            IpAddress flipped = p.address;
            flipped.bytes[i / 8] ^= uint8_t(0x80 >> (i % 8));
            if (flipped != unmap_v4(flipped)) continue;  // not an address a caller would pass
            check_match(p, again, flipped);
            FUZZ_CHECK(pattern_matches(p, flipped) == (i >= p.prefix_bits));
        }
        return;
    }
    if (p.kind != Kind::octets) return;
    IpAddress low, high;
    for (size_t i = 0; i < p.octet_count; ++i) {
        low.bytes[i] = p.octets[i].low;
        high.bytes[i] = p.octets[i].high;
    }
    FUZZ_CHECK(pattern_matches(p, low) && pattern_matches(p, high));
    for (size_t i = 0; i < p.octet_count; ++i) {
        IpAddress below = low, above = high;
        if (p.octets[i].low > 0) {
            --below.bytes[i];
            FUZZ_CHECK(!pattern_matches(p, below));
        }
        if (p.octets[i].high < 255) {
            ++above.bytes[i];
            FUZZ_CHECK(!pattern_matches(p, above));
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view data = fuzz::as_text(bytes, size);
    size_t newline = data.find('\n');
    std::string_view text = data.substr(0, newline);
    std::string_view probes = newline == std::string_view::npos ? std::string_view() : data.substr(newline + 1);

    std::string why;
    auto pattern = parse_address_pattern(text, why);
    if (!pattern) {
        FUZZ_CHECK(!why.empty());
        return 0;
    }
    check_well_formed(*pattern);
    std::string written = fuzz::pattern_text(*pattern);
    std::string why_again;
    auto again = parse_address_pattern(written, why_again);
    FUZZ_CHECK(again && fuzz::same_pattern(*pattern, *again));
    check_edges(*pattern, *again);
    for (; probes.size() >= 17; probes.remove_prefix(17)) {
        IpAddress a;
        a.v6 = probes[0] & 1;
        for (size_t i = 0; i < a.size(); ++i) a.bytes[i] = uint8_t(probes[1 + i]);
        check_match(*pattern, *again, unmap_v4(a));
    }
    return 0;
}
