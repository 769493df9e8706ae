// PROXY v1/v2 header (ucspi/proxy_header, ucspi/proxy_read).
// Invariants:
//  - the parser is a function of the bytes so far that never changes its mind:
//    every prefix shorter than a complete header is "incomplete", and every
//    prefix at least as long gives the same length and the same endpoints;
//    a prefix of an incomplete or invalid input is never complete;
//  - a complete header stays within the specification's bounds;
//  - read from a socket in pieces, the header consumes exactly its length, and
//    the bytes after it are left in the socket unchanged.
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "check.hpp"
#include "pieces.hpp"
#include "ucspi/proxy_header.hpp"
#include "ucspi/proxy_read.hpp"

using namespace postern;
using namespace postern::ucspi;

namespace {

bool same_endpoint(const Endpoint& a, const Endpoint& b) { return a.address == b.address && a.port == b.port; }

bool same_parse(const ProxyParse& a, const ProxyParse& b) {
    return a.status == b.status && a.length == b.length &&
           a.header.use_real_endpoints == b.header.use_real_endpoints &&
           same_endpoint(a.header.source, b.header.source) &&
           same_endpoint(a.header.destination, b.header.destination);
}

void check_prefixes(std::string_view data, const ProxyParse& whole) {
    for (size_t k = 0; k < data.size(); ++k) {
        ProxyParse part = parse_proxy_header(data.substr(0, k));
        if (whole.status == ProxyStatus::complete && k >= whole.length) FUZZ_CHECK(same_parse(part, whole));
        else if (whole.status == ProxyStatus::complete) FUZZ_CHECK(part.status == ProxyStatus::incomplete);
        else if (whole.status == ProxyStatus::incomplete) FUZZ_CHECK(part.status == ProxyStatus::incomplete);
        else FUZZ_CHECK(part.status != ProxyStatus::complete);
    }
}

std::string read_rest(int fd) {
    std::string rest;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) rest.append(buf, size_t(n));
    return rest;
}

void check_socket_read(std::string_view data, const ProxyParse& whole) {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) return;
    fuzz::PieceWriter writer(ends[1], ends[0], data, 64);
    ProxyRead read = read_proxy_header(ends[0], Deadline::after_seconds(10));
    writer.stop();
    std::string rest = read_rest(ends[0]);
    ::close(ends[0]);
    FUZZ_CHECK(read.status != ProxyReadStatus::timeout && read.status != ProxyReadStatus::error);
    if (whole.status == ProxyStatus::complete) {
        FUZZ_CHECK(read.status == ProxyReadStatus::ok);
        FUZZ_CHECK(rest == data.substr(whole.length));
    } else {
        FUZZ_CHECK(read.status == (whole.status == ProxyStatus::invalid ? ProxyReadStatus::invalid
                                                                        : ProxyReadStatus::eof));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view data = fuzz::as_text(bytes, size);
    if (data.size() > max_proxy_header + 256) return 0;  // past the limit nothing new is parsed
    ProxyParse whole = parse_proxy_header(data);
    if (whole.status == ProxyStatus::complete) {
        FUZZ_CHECK(whole.length > 0 && whole.length <= data.size() && whole.length <= max_proxy_header);
        if (data.starts_with("PROXY ")) FUZZ_CHECK(whole.length <= max_proxy_v1);
    }
    if (whole.status == ProxyStatus::invalid) FUZZ_CHECK(whole.reason && *whole.reason);
    check_prefixes(data, whole);
    check_socket_read(data, whole);
    return 0;
}
