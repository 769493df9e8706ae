#include "host_names.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace postern::ucspi {

namespace {

socklen_t to_sockaddr(const IpAddress& a, sockaddr_storage& sa) {
    std::memset(&sa, 0, sizeof sa);
    if (a.v6) {
        auto& in6 = reinterpret_cast<sockaddr_in6&>(sa);
        in6.sin6_family = AF_INET6;
        std::memcpy(&in6.sin6_addr, a.bytes.data(), 16);
        return sizeof in6;
    }
    auto& in = reinterpret_cast<sockaddr_in&>(sa);
    in.sin_family = AF_INET;
    std::memcpy(&in.sin_addr, a.bytes.data(), 4);
    return sizeof in;
}

bool resolves_to(const char* name, const IpAddress& address) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    if (getaddrinfo(name, nullptr, &hints, &list) != 0) return false;
    bool found = false;
    for (addrinfo* ai = list; ai && !found; ai = ai->ai_next) {
        sockaddr_storage sa{};
        std::memcpy(&sa, ai->ai_addr, std::min<size_t>(ai->ai_addrlen, sizeof sa));
        auto e = endpoint_from_sockaddr(sa);
        found = e && e->address == address;
    }
    freeaddrinfo(list);
    return found;
}

}  // namespace

std::optional<std::string> host_name(const IpAddress& address, bool must_resolve_back) {
    sockaddr_storage sa;
    socklen_t length = to_sockaddr(address, sa);
    char name[NI_MAXHOST];
    if (getnameinfo(reinterpret_cast<sockaddr*>(&sa), length, name, sizeof name, nullptr, 0, NI_NAMEREQD) != 0)
        return std::nullopt;
    if (must_resolve_back && !resolves_to(name, address)) return std::nullopt;
    return std::string(name);
}

}  // namespace postern::ucspi
