#include "proxy_header.hpp"

#include <cctype>
#include <cstring>

#include "decimal.hpp"

namespace postern::ucspi {

namespace {

constexpr std::string_view v1_signature = "PROXY ";
constexpr std::string_view v2_signature("\r\n\r\n\0\r\nQUIT\n", 12);

ProxyParse invalid(const char* reason) {
    ProxyParse p;
    p.status = ProxyStatus::invalid;
    p.reason = reason;
    return p;
}

ProxyParse complete(size_t length, ProxyHeader header) {
    ProxyParse p;
    p.status = ProxyStatus::complete;
    p.length = length;
    p.header = header;
    return p;
}

bool starts_as(std::string_view data, std::string_view signature) {
    size_t n = std::min(data.size(), signature.size());
    return data.substr(0, n) == signature.substr(0, n);
}

std::optional<uint16_t> parse_port(std::string_view s) {
    if (s.size() > 5 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
    auto n = parse_decimal(s);
    if (!n || *n > 65535) return std::nullopt;
    return uint16_t(*n);
}

// Splits off the text up to the next space.
std::string_view next_word(std::string_view& line) {
    size_t space = line.find(' ');
    std::string_view word = line.substr(0, space);
    line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
    return word;
}

// "PROXY TCP4 192.0.2.7 198.51.100.1 51234 110\r\n"
ProxyParse parse_v1(std::string_view data) {
    size_t end = data.find("\r\n");
    // A bare LF before the CRLF too: the answer must not depend on how the bytes arrived.
    if (data.substr(0, end).find('\n') != std::string_view::npos) return invalid("v1 line not ended by CRLF");
    if (end == std::string_view::npos) {
        if (data.size() >= max_proxy_v1) return invalid("v1 header longer than 107 bytes");
        return {};
    }
    if (end + 2 > max_proxy_v1) return invalid("v1 header longer than 107 bytes");
    std::string_view line = data.substr(v1_signature.size(), end - v1_signature.size());
    std::string_view family = next_word(line);
    if (family == "UNKNOWN") return complete(end + 2, ProxyHeader{});
    if (family != "TCP4" && family != "TCP6") return invalid("v1 family is not TCP4, TCP6 or UNKNOWN");
    auto parse = family == "TCP4" ? parse_ipv4 : parse_ipv6;
    auto source = parse(next_word(line));
    auto destination = parse(next_word(line));
    auto source_port = parse_port(next_word(line));
    auto destination_port = parse_port(next_word(line));
    if (!source || !destination) return invalid("v1 address does not match its family");
    if (!source_port || !destination_port || !line.empty()) return invalid("v1 ports malformed");
    return complete(end + 2, ProxyHeader{false, {*source, *source_port}, {*destination, *destination_port}});
}

uint16_t big_endian16(const unsigned char* p) { return uint16_t(p[0] << 8 | p[1]); }

// Addresses of family `v6` (4 or 16 bytes each), then the two ports.
ProxyHeader v2_addresses(const unsigned char* p, bool v6) {
    size_t size = v6 ? 16 : 4;
    ProxyHeader h;
    h.use_real_endpoints = false;
    h.source.address.v6 = h.destination.address.v6 = v6;
    std::memcpy(h.source.address.bytes.data(), p, size);
    std::memcpy(h.destination.address.bytes.data(), p + size, size);
    h.source.port = big_endian16(p + 2 * size);
    h.destination.port = big_endian16(p + 2 * size + 2);
    h.source.address = unmap_v4(h.source.address);  // a v4-mapped IPv6 source is an IPv4 client
    h.destination.address = unmap_v4(h.destination.address);
    return h;
}

// The v2 TLVs after the addresses: type, 16-bit length, value. PP2_TYPE_SSL
// holds a client flags byte (PP2_CLIENT_SSL set when the client used TLS), a
// 32-bit verify result, then sub-TLVs, among them PP2_SUBTYPE_SSL_VERSION. A
// TLV that runs past the header ends the look: the addresses still stand.
constexpr unsigned char pp2_type_ssl = 0x20, pp2_subtype_ssl_version = 0x21, pp2_client_ssl = 0x01;
constexpr size_t max_tls_version = 32;

std::optional<std::string_view> find_tlv(std::string_view tlvs, unsigned char type) {
    while (tlvs.size() >= 3) {
        auto* p = reinterpret_cast<const unsigned char*>(tlvs.data());
        size_t length = big_endian16(p + 1);
        if (tlvs.size() < 3 + length) return std::nullopt;
        if (p[0] == type) return tlvs.substr(3, length);
        tlvs.remove_prefix(3 + length);
    }
    return std::nullopt;
}

// Only a short plain word goes into the environment.
std::string tls_version_word(std::optional<std::string_view> version) {
    if (!version || version->empty() || version->size() > max_tls_version) return "unknown";
    for (char c : *version)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return "unknown";
    return std::string(*version);
}

std::optional<std::string> client_tls(std::string_view tlvs) {
    auto ssl = find_tlv(tlvs, pp2_type_ssl);
    if (!ssl || ssl->size() < 5 || !(static_cast<unsigned char>((*ssl)[0]) & pp2_client_ssl)) return std::nullopt;
    return tls_version_word(find_tlv(ssl->substr(5), pp2_subtype_ssl_version));
}

ProxyHeader v2_proxied(std::string_view data, size_t length, bool v6) {
    size_t addresses = v6 ? 36 : 12;
    ProxyHeader h = v2_addresses(reinterpret_cast<const unsigned char*>(data.data()) + 16, v6);
    h.client_tls = client_tls(data.substr(16 + addresses, length - 16 - addresses));
    return h;
}

ProxyParse parse_v2(std::string_view data) {
    if (data.size() < 16) return {};
    auto* p = reinterpret_cast<const unsigned char*>(data.data());
    if (p[12] >> 4 != 2) return invalid("v2 version is not 2");
    unsigned command = p[12] & 0x0f;
    if (command > 1) return invalid("v2 command is neither LOCAL nor PROXY");
    size_t length = 16 + big_endian16(p + 14);
    if (length > max_proxy_header) return invalid("v2 header longer than the limit");
    if (data.size() < length) return {};
    if (command == 0 || p[13] == 0x00) return complete(length, ProxyHeader{});  // LOCAL, or UNSPEC
    if (p[13] == 0x11 && length >= 16 + 12) return complete(length, v2_proxied(data, length, false));
    if (p[13] == 0x21 && length >= 16 + 36) return complete(length, v2_proxied(data, length, true));
    if (p[13] == 0x11 || p[13] == 0x21) return invalid("v2 length too short for its addresses");
    return invalid("v2 family is not TCP over IPv4 or IPv6");
}

}  // namespace

ProxyParse parse_proxy_header(std::string_view data) {
    if (data.empty()) return {};
    if (starts_as(data, v1_signature)) return data.size() < v1_signature.size() ? ProxyParse{} : parse_v1(data);
    if (starts_as(data, v2_signature)) return data.size() < v2_signature.size() ? ProxyParse{} : parse_v2(data);
    return invalid("no PROXY header");
}

}  // namespace postern::ucspi
