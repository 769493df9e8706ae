// An IPv4 or IPv6 address as 16 bytes, with IPv4-mapped IPv6 addresses
// (::ffff:a.b.c.d, what a dual-stack socket reports) folded into IPv4, so a
// client has one address whichever socket it came in on.
#pragma once
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern {

struct IpAddress {
    bool v6 = false;
    std::array<uint8_t, 16> bytes{};  // IPv4: the first 4 bytes, the rest zero

    size_t size() const { return v6 ? 16 : 4; }
    auto operator<=>(const IpAddress&) const = default;
};

// A literal address: dotted quad or RFC 4291 text. No names, no ports, no brackets.
std::optional<IpAddress> parse_ip(std::string_view text);
std::optional<IpAddress> parse_ipv4(std::string_view text);
std::optional<IpAddress> parse_ipv6(std::string_view text);

// ::ffff:a.b.c.d as a.b.c.d; any other address unchanged.
IpAddress unmap_v4(IpAddress address);
// a.b.c.d as ::ffff:a.b.c.d; an IPv6 address unchanged.
IpAddress map_v4(IpAddress address);

// "1.2.3.4" or the compressed IPv6 form, as inet_ntop writes it.
std::string format_ip(const IpAddress& address);

struct Endpoint {
    IpAddress address;
    uint16_t port = 0;
};

// From a socket address (AF_INET or AF_INET6); nullopt for any other family.
std::optional<Endpoint> endpoint_from_sockaddr(const sockaddr_storage& sa);

}  // namespace postern
