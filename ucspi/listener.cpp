#include "listener.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

namespace postern::ucspi {

namespace {

struct AddressInfo {
    addrinfo* list = nullptr;
    ~AddressInfo() {
        if (list) freeaddrinfo(list);
    }
};

std::optional<Listener> failed(const char*& step, const char* what, int err) {
    step = what;
    errno = err;
    return std::nullopt;
}

}  // namespace

std::optional<Listener> open_listener(const std::string& host, const std::string& port, int backlog,
                                      const char*& step) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    AddressInfo found;
    const char* name = host == "0" ? "0.0.0.0" : host.c_str();
    int gai = getaddrinfo(name, port.c_str(), &hints, &found.list);
    if (gai != 0 || !found.list) return failed(step, "resolve", gai == EAI_SYSTEM ? errno : EINVAL);

    const addrinfo* ai = found.list;
    Listener l;
    l.fd.reset(::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!l.fd) return failed(step, "socket", errno);
    int on = 1, off = 0;
    ::setsockopt(l.fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    // "::" serves IPv4 clients too, whatever the system's default says.
    if (ai->ai_family == AF_INET6) ::setsockopt(l.fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    if (::bind(l.fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) return failed(step, "bind", errno);
    if (::listen(l.fd.get(), backlog) != 0) return failed(step, "listen", errno);

    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    if (::getsockname(l.fd.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0)
        return failed(step, "getsockname", errno);
    auto local = endpoint_from_sockaddr(bound);
    if (!local) return failed(step, "getsockname", EAFNOSUPPORT);
    l.local = *local;
    return l;
}

}  // namespace postern::ucspi
