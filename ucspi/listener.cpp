#include "listener.hpp"

#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace postern::ucspi {

namespace {

struct AddressInfo {
    addrinfo* list = nullptr;
    ~AddressInfo() {
        if (list) freeaddrinfo(list);
    }
};

// tcpserver's "0" and "" are every IPv4 address; under -4, so is "::".
const char* resolvable_name(const std::string& host, bool ipv4_only) {
    if (host.empty() || host == "0" || (ipv4_only && host == "::")) return "0.0.0.0";
    return host.c_str();
}

// As ucspi-tcp-ipv6's -I: a link-local address needs its interface; any other ignores it.
bool set_scope(sockaddr_storage& sa, const std::string& interface) {
    auto& in6 = reinterpret_cast<sockaddr_in6&>(sa);
    if (interface.empty() || sa.ss_family != AF_INET6 || !IN6_IS_ADDR_LINKLOCAL(&in6.sin6_addr) || in6.sin6_scope_id)
        return true;
    in6.sin6_scope_id = if_nametoindex(interface.c_str());
    return in6.sin6_scope_id != 0;
}

}  // namespace

Listening open_listener(const std::string& host, const std::string& port, const ListenSettings& settings) {
    addrinfo hints{};
    hints.ai_family = settings.ipv4_only ? AF_INET : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    AddressInfo found;
    int gai = getaddrinfo(resolvable_name(host, settings.ipv4_only), port.c_str(), &hints, &found.list);
    if (gai != 0 || !found.list) return {{}, {"resolve", gai == EAI_SYSTEM ? errno : EINVAL}};

    const addrinfo* ai = found.list;
    sockaddr_storage address{};
    std::memcpy(&address, ai->ai_addr, std::min<size_t>(ai->ai_addrlen, sizeof address));
    if (!set_scope(address, settings.interface)) return {{}, {"interface", ENODEV}};
    Listener l;
    l.fd.reset(::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!l.fd) return {{}, failure_at("socket")};
    int on = 1, off = 0;
    ::setsockopt(l.fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    // "::" serves IPv4 clients too, whatever the system's default says.
    if (ai->ai_family == AF_INET6) ::setsockopt(l.fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    if (::bind(l.fd.get(), reinterpret_cast<sockaddr*>(&address), ai->ai_addrlen) != 0)
        return {{}, failure_at("bind")};
    if (::listen(l.fd.get(), settings.backlog) != 0) return {{}, failure_at("listen")};

    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    if (::getsockname(l.fd.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0)
        return {{}, failure_at("getsockname")};
    auto local = endpoint_from_sockaddr(bound);
    if (!local) return {{}, {"getsockname", EAFNOSUPPORT}};
    l.local = *local;
    return {std::move(l), {}};
}

}  // namespace postern::ucspi
