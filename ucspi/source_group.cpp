#include "source_group.hpp"

#include "decimal.hpp"

namespace postern::ucspi {

unsigned source_bits(const IpAddress& address, const SourceGrouping& grouping) {
    return address.v6 ? grouping.v6_bits : grouping.v4_bits;
}

IpAddress source_group(const IpAddress& address, const SourceGrouping& grouping) {
    IpAddress group = address;
    unsigned bits = source_bits(address, grouping);
    for (size_t i = 0; i < group.bytes.size(); ++i) {
        unsigned first_bit = unsigned(i) * 8;
        if (first_bit >= bits) group.bytes[i] = 0;
        else if (bits - first_bit < 8) group.bytes[i] &= uint8_t(0xff << (8 - (bits - first_bit)));
    }
    return group;
}

std::string format_source_group(const IpAddress& address, const SourceGrouping& grouping) {
    return format_ip(source_group(address, grouping)) + "/" + std::to_string(source_bits(address, grouping));
}

namespace {

constexpr size_t limit_fields = 3;  // N, IPv4 bits, IPv6 bits

struct Fields {
    std::string_view text[limit_fields];
    size_t count = 0;
};

// The '/'-separated fields, or nullopt when there are too many.
std::optional<Fields> split_fields(std::string_view text) {
    Fields f;
    for (;;) {
        if (f.count == limit_fields) return std::nullopt;
        size_t slash = text.find('/');
        f.text[f.count++] = text.substr(0, slash);
        if (slash == std::string_view::npos) return f;
        text.remove_prefix(slash + 1);
    }
}

bool set_bits(unsigned& bits, std::string_view text, unsigned max) {
    auto n = parse_decimal_in(text, 0, max);
    if (n) bits = unsigned(*n);
    return n.has_value();
}

}  // namespace

std::optional<PerSourceLimit> parse_per_source_limit(std::string_view text) {
    auto fields = split_fields(text);
    if (!fields) return std::nullopt;
    auto max = parse_decimal_in(fields->text[0], 0, max_per_source_limit);
    if (!max) return std::nullopt;
    PerSourceLimit limit;
    limit.max = size_t(*max);
    if (fields->count > 1 && !set_bits(limit.grouping.v4_bits, fields->text[1], 32)) return std::nullopt;
    if (fields->count > 2 && !set_bits(limit.grouping.v6_bits, fields->text[2], 128)) return std::nullopt;
    return limit;
}

}  // namespace postern::ucspi
