#include "ip_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace postern {

namespace {

constexpr uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// inet_pton wants a terminated string; literals are short, so a fixed buffer bounds them.
bool copy_terminated(std::string_view text, char (&out)[INET6_ADDRSTRLEN]) {
    if (text.empty() || text.size() >= sizeof out) return false;
    std::memcpy(out, text.data(), text.size());
    out[text.size()] = '\0';
    return true;
}

}  // namespace

IpAddress unmap_v4(IpAddress a) {
    if (!a.v6 || std::memcmp(a.bytes.data(), v4_mapped_prefix, 12) != 0) return a;
    IpAddress v4;
    std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
    return v4;
}

IpAddress map_v4(IpAddress a) {
    if (a.v6) return a;
    IpAddress mapped;
    mapped.v6 = true;
    std::memcpy(mapped.bytes.data(), v4_mapped_prefix, 12);
    std::memcpy(mapped.bytes.data() + 12, a.bytes.data(), 4);
    return mapped;
}

std::optional<IpAddress> parse_ipv4(std::string_view text) {
    char buf[INET6_ADDRSTRLEN];
    IpAddress a;
    if (!copy_terminated(text, buf) || inet_pton(AF_INET, buf, a.bytes.data()) != 1) return std::nullopt;
    return a;
}

std::optional<IpAddress> parse_ipv6(std::string_view text) {
    char buf[INET6_ADDRSTRLEN];
    IpAddress a;
    a.v6 = true;
    if (!copy_terminated(text, buf) || inet_pton(AF_INET6, buf, a.bytes.data()) != 1) return std::nullopt;
    return unmap_v4(a);
}

std::optional<IpAddress> parse_ip(std::string_view text) {
    if (text.find(':') != std::string_view::npos) return parse_ipv6(text);
    return parse_ipv4(text);
}

std::string format_ip(const IpAddress& address) {
    char buf[INET6_ADDRSTRLEN] = "";
    inet_ntop(address.v6 ? AF_INET6 : AF_INET, address.bytes.data(), buf, sizeof buf);
    return buf;
}

std::optional<Endpoint> endpoint_from_sockaddr(const sockaddr_storage& sa) {
    Endpoint e;
    if (sa.ss_family == AF_INET) {
        const auto& in = reinterpret_cast<const sockaddr_in&>(sa);
        std::memcpy(e.address.bytes.data(), &in.sin_addr, 4);
        e.port = ntohs(in.sin_port);
        return e;
    }
    if (sa.ss_family == AF_INET6) {
        const auto& in6 = reinterpret_cast<const sockaddr_in6&>(sa);
        e.address.v6 = true;
        std::memcpy(e.address.bytes.data(), &in6.sin6_addr, 16);
        e.address = unmap_v4(e.address);
        e.port = ntohs(in6.sin6_port);
        return e;
    }
    return std::nullopt;
}

}  // namespace postern
