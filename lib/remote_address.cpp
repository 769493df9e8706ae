#include "remote_address.hpp"

#include <sys/socket.h>

#include "env.hpp"
#include "ip_address.hpp"

namespace postern {

namespace {
// inetd's way: the socket on fd 0. An IPv4 client on a dual-stack socket is shown as IPv4.
std::string peer_of_stdin() {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    if (::getpeername(0, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return "";
    auto endpoint = endpoint_from_sockaddr(peer);
    return endpoint ? format_ip(endpoint->address) : "";
}
}  // namespace

std::string remote_address() {
    for (const char* name : {"TCPREMOTEIP", "SSLREMOTEIP", "REMOTE_ADDR"})
        if (auto value = env_get(name); value && !value->empty()) return std::string(*value);
    return peer_of_stdin();
}

}  // namespace postern
