#include "proxy_read.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace postern::ucspi {

namespace {

ProxyRead failed(ProxyReadStatus status, std::string reason) {
    ProxyRead r;
    r.status = status;
    r.reason = std::move(reason);
    return r;
}

// recv that retries on EINTR; flags as for recv(2).
ssize_t receive(int fd, char* at, size_t n, int flags) {
    while (true) {
        ssize_t got = ::recv(fd, at, n, flags);
        if (got >= 0 || errno != EINTR) return got;
    }
}

}  // namespace

// Peek at what is there, parse it with what was consumed before, then consume
// either all of it (all header, so far) or exactly the rest of the header.
ProxyRead read_proxy_header(int fd, Deadline deadline) {
    char buf[max_proxy_header];
    size_t have = 0;
    while (true) {
        Wait w = wait_readable(fd, deadline);
        if (w == Wait::timeout) return failed(ProxyReadStatus::timeout, "no complete header in time");
        if (w == Wait::error) return failed(ProxyReadStatus::error, std::strerror(errno));
        ssize_t seen = receive(fd, buf + have, max_proxy_header - have, MSG_PEEK);
        if (seen < 0) return failed(ProxyReadStatus::error, std::strerror(errno));
        if (seen == 0) return failed(ProxyReadStatus::eof, "connection closed before a complete header");
        ProxyParse parsed = parse_proxy_header(std::string_view(buf, have + size_t(seen)));
        if (parsed.status == ProxyStatus::invalid) return failed(ProxyReadStatus::invalid, parsed.reason);
        size_t take = parsed.status == ProxyStatus::complete ? parsed.length - have : size_t(seen);
        if (receive(fd, buf + have, take, MSG_WAITALL) != ssize_t(take))
            return failed(ProxyReadStatus::error, "short read of peeked bytes");
        have += take;
        if (parsed.status == ProxyStatus::complete) {
            ProxyRead r;
            r.status = ProxyReadStatus::ok;
            r.header = parsed.header;
            return r;
        }
    }
}

}  // namespace postern::ucspi
