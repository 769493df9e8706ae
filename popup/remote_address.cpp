#include "remote_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "env.hpp"

namespace postern::popup {

namespace {
std::string peer_of_stdin() {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    if (::getpeername(0, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return "";
    char text[INET6_ADDRSTRLEN] = "";
    if (peer.ss_family == AF_INET) {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&peer);
        ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    } else if (peer.ss_family == AF_INET6) {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&peer);
        if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr))  // an IPv4 client on a dual-stack socket
            ::inet_ntop(AF_INET, v6->sin6_addr.s6_addr + 12, text, sizeof text);
        else
            ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    }
    return text;
}
}  // namespace

std::string remote_address() {
    for (const char* name : {"TCPREMOTEIP", "REMOTE_ADDR"})
        if (auto value = env_get(name); value && !value->empty()) return std::string(*value);
    return peer_of_stdin();
}

}  // namespace postern::popup
