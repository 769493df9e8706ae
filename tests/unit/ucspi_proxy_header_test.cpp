#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "ucspi/proxy_header.hpp"
#include "ucspi/proxy_read.hpp"

using namespace postern;
using namespace postern::ucspi;

namespace {

const std::string v2_signature("\r\n\r\n\0\r\nQUIT\n", 12);

std::string bytes(std::initializer_list<int> list) {
    std::string s;
    for (int b : list) s += char(b);
    return s;
}

// A v2 header: version/command byte, family byte, then `body` (addresses and TLVs).
std::string v2(int version_command, int family, const std::string& body) {
    return v2_signature + bytes({version_command, family, int(body.size() >> 8), int(body.size() & 0xff)}) + body;
}

const std::string v4_body = bytes({192, 0, 2, 7, 198, 51, 100, 1, 0xc8, 0x22, 0x00, 0x6e});  // 51234 -> 110

ProxyParse parse(const std::string& s) { return parse_proxy_header(s); }

struct SocketPair {
    int fd[2];
    SocketPair() { REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == 0); }
    ~SocketPair() {
        ::close(fd[0]);
        if (fd[1] >= 0) ::close(fd[1]);
    }
    void send(const std::string& s) { REQUIRE(::write(fd[1], s.data(), s.size()) == ssize_t(s.size())); }
    std::string rest() {
        ::close(fd[1]);
        fd[1] = -1;
        std::string all;
        char buf[256];
        ssize_t n;
        while ((n = ::read(fd[0], buf, sizeof buf)) > 0) all.append(buf, size_t(n));
        return all;
    }
};

}  // namespace

TEST_CASE("PROXY v1: TCP4 and TCP6") {
    std::string h = "PROXY TCP4 192.0.2.7 198.51.100.1 51234 110\r\n";
    ProxyParse p = parse(h + "USER bob\r\n");
    REQUIRE(p.status == ProxyStatus::complete);
    CHECK(p.length == h.size());
    CHECK_FALSE(p.header.use_real_endpoints);
    CHECK(format_ip(p.header.source.address) == "192.0.2.7");
    CHECK(p.header.source.port == 51234);
    CHECK(format_ip(p.header.destination.address) == "198.51.100.1");
    CHECK(p.header.destination.port == 110);

    p = parse("PROXY TCP6 2001:db8::7 2001:db8::1 65535 995\r\n");
    REQUIRE(p.status == ProxyStatus::complete);
    CHECK(format_ip(p.header.source.address) == "2001:db8::7");
    CHECK(p.header.source.address.v6);
    CHECK(p.header.source.port == 65535);

    p = parse("PROXY TCP6 ::ffff:192.0.2.7 ::1 1 2\r\n");
    REQUIRE(p.status == ProxyStatus::complete);
    CHECK(format_ip(p.header.source.address) == "192.0.2.7");
}

TEST_CASE("PROXY v1: UNKNOWN keeps the real endpoints") {
    ProxyParse p = parse("PROXY UNKNOWN\r\n");
    REQUIRE(p.status == ProxyStatus::complete);
    CHECK(p.length == 15);
    CHECK(p.header.use_real_endpoints);
    p = parse("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n");
    REQUIRE(p.status == ProxyStatus::complete);
    CHECK(p.header.use_real_endpoints);
}

TEST_CASE("PROXY v1: incomplete until CRLF, and every byte so far is header") {
    std::string h = "PROXY TCP4 192.0.2.7 198.51.100.1 51234 110\r\n";
    for (size_t n = 0; n < h.size(); ++n) {
        INFO(n);
        CHECK(parse(h.substr(0, n)).status == ProxyStatus::incomplete);
    }
}

// Found by fuzz/proxy_header: the whole line was accepted while its prefix up to the LF was refused.
TEST_CASE("PROXY v1: a bare LF before the CRLF is refused, whole or in part") {
    std::string h = "PROXY UNKNOWN a\nb\r\nUSER bob\r\n";
    CHECK(parse(h).status == ProxyStatus::invalid);
    for (size_t n = 0; n < h.size(); ++n) {
        INFO(n);
        CHECK(parse(h.substr(0, n)).status != ProxyStatus::complete);
    }
}

TEST_CASE("PROXY v1: malformed headers are refused") {
    const char* bad[] = {
        "PROXY TCP4 192.0.2.7 198.51.100.1 51234 110\n",
        "PROXY TCP5 192.0.2.7 198.51.100.1 51234 110\r\n",
        "PROXY TCP4 2001:db8::1 198.51.100.1 51234 110\r\n",
        "PROXY TCP6 192.0.2.7 2001:db8::1 51234 110\r\n",
        "PROXY TCP4 192.0.2.7 198.51.100.1 65536 110\r\n",
        "PROXY TCP4 192.0.2.7 198.51.100.1 051234 110\r\n",
        "PROXY TCP4 192.0.2.7 198.51.100.1 -1 110\r\n",
        "PROXY TCP4 192.0.2.7 198.51.100.1 51234\r\n",
        "PROXY TCP4 192.0.2.7 198.51.100.1 51234 110 extra\r\n",
        "PROXY TCP4  192.0.2.7 198.51.100.1 51234 110\r\n",
        "PROXY  TCP4 192.0.2.7 198.51.100.1 51234 110\r\n",
        "proxy TCP4 192.0.2.7 198.51.100.1 51234 110\r\n",
        "USER bob\r\n",
        "+OK\r\n",
        "GET / HTTP/1.0\r\n",
    };
    for (const char* h : bad) {
        INFO(h);
        CHECK(parse(h).status == ProxyStatus::invalid);
    }
}

TEST_CASE("PROXY v1: at most 107 bytes, CRLF included") {
    std::string unknown = "PROXY UNKNOWN ";
    std::string longest = unknown + std::string(107 - unknown.size() - 2, 'x') + "\r\n";
    REQUIRE(longest.size() == 107);
    CHECK(parse(longest).status == ProxyStatus::complete);
    std::string too_long = unknown + std::string(107 - unknown.size() - 1, 'x') + "\r\n";
    CHECK(parse(too_long).status == ProxyStatus::invalid);
    CHECK(parse(std::string("PROXY ") + std::string(200, 'x')).status == ProxyStatus::invalid);
    CHECK(parse(std::string("PROXY ") + std::string(100, 'x')).status == ProxyStatus::incomplete);
}

TEST_CASE("PROXY v2: TCP over IPv4 and IPv6, with TLVs skipped") {
    std::string tlv = bytes({0x04, 0x00, 0x03, 'a', 'b', 'c'});  // PP2_TYPE_NOOP
    std::string h = v2(0x21, 0x11, v4_body + tlv);
    ProxyParse p = parse(h + "CAPA\r\n");
    REQUIRE(p.status == ProxyStatus::complete);
    CHECK(p.length == 16 + 12 + 6);
    CHECK(format_ip(p.header.source.address) == "192.0.2.7");
    CHECK(p.header.source.port == 51234);
    CHECK(format_ip(p.header.destination.address) == "198.51.100.1");
    CHECK(p.header.destination.port == 110);

    std::string v6_body = bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7,
                                 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 0xbb, 0x03, 0xe3});
    p = parse(v2(0x21, 0x21, v6_body));
    REQUIRE(p.status == ProxyStatus::complete);
    CHECK(format_ip(p.header.source.address) == "2001:db8::7");
    CHECK(p.header.source.port == 443);
    CHECK(p.header.destination.port == 995);
}

// PP2_TYPE_SSL: client flags, 32-bit verify, then the sub-TLVs.
std::string ssl_tlv(int client, const std::string& sub_tlvs) {
    std::string value = bytes({client, 0, 0, 0, 0}) + sub_tlvs;
    return bytes({0x20, int(value.size() >> 8), int(value.size() & 0xff)}) + value;
}

TEST_CASE("PROXY v2: the SSL TLV says whether the client came over TLS, and its version") {
    std::string noop = bytes({0x04, 0x00, 0x01, 0});
    std::string version = bytes({0x21, 0x00, 0x07}) + "TLSv1.3";
    std::string cipher = bytes({0x23, 0x00, 0x06}) + "AES128";
    ProxyParse p = parse(v2(0x21, 0x11, v4_body + noop + ssl_tlv(0x05, cipher + version)));
    REQUIRE(p.status == ProxyStatus::complete);
    REQUIRE(p.header.client_tls);
    CHECK(*p.header.client_tls == "TLSv1.3");
    CHECK(format_ip(p.header.source.address) == "192.0.2.7");

    p = parse(v2(0x21, 0x11, v4_body + ssl_tlv(0x01, "")));
    REQUIRE(p.header.client_tls);
    CHECK(*p.header.client_tls == "unknown");
    p = parse(v2(0x21, 0x11, v4_body + ssl_tlv(0x01, bytes({0x21, 0x00, 0x04}) + "a b\n")));
    REQUIRE(p.header.client_tls);
    CHECK(*p.header.client_tls == "unknown");  // nothing but a plain word reaches the environment

    CHECK_FALSE(parse(v2(0x21, 0x11, v4_body + ssl_tlv(0x00, version))).header.client_tls);  // a plain client
    CHECK_FALSE(parse(v2(0x21, 0x11, v4_body)).header.client_tls);
    // A TLV that runs past the header: no TLS claimed, the addresses stand.
    p = parse(v2(0x21, 0x11, v4_body + bytes({0x20, 0x00, 0x09, 0x01})));
    REQUIRE(p.status == ProxyStatus::complete);
    CHECK_FALSE(p.header.client_tls);
    CHECK(format_ip(p.header.source.address) == "192.0.2.7");
}

TEST_CASE("PROXY v2: LOCAL and UNSPEC keep the real endpoints") {
    ProxyParse p = parse(v2(0x20, 0x00, ""));
    REQUIRE(p.status == ProxyStatus::complete);
    CHECK(p.length == 16);
    CHECK(p.header.use_real_endpoints);
    p = parse(v2(0x20, 0x11, v4_body));  // LOCAL ignores the addresses given
    REQUIRE(p.status == ProxyStatus::complete);
    CHECK(p.length == 28);
    CHECK(p.header.use_real_endpoints);
    p = parse(v2(0x21, 0x00, "xyz"));
    REQUIRE(p.status == ProxyStatus::complete);
    CHECK(p.length == 19);
    CHECK(p.header.use_real_endpoints);
}

TEST_CASE("PROXY v2: incomplete until the whole length has arrived") {
    std::string h = v2(0x21, 0x11, v4_body + std::string(40, '\0'));
    for (size_t n = 0; n < h.size(); ++n) {
        INFO(n);
        CHECK(parse(h.substr(0, n)).status == ProxyStatus::incomplete);
    }
    CHECK(parse(h).status == ProxyStatus::complete);
}

TEST_CASE("PROXY v2: malformed headers are refused") {
    CHECK(parse(v2(0x11, 0x11, v4_body)).status == ProxyStatus::invalid);        // version 1
    CHECK(parse(v2(0x22, 0x11, v4_body)).status == ProxyStatus::invalid);        // command 2
    CHECK(parse(v2(0x21, 0x11, v4_body.substr(0, 11))).status == ProxyStatus::invalid);
    CHECK(parse(v2(0x21, 0x21, v4_body)).status == ProxyStatus::invalid);        // too short for IPv6
    CHECK(parse(v2(0x21, 0x12, v4_body)).status == ProxyStatus::invalid);        // UDP
    CHECK(parse(v2(0x21, 0x31, std::string(216, 'a'))).status == ProxyStatus::invalid);  // AF_UNIX
    std::string huge = v2_signature + bytes({0x21, 0x11, 0xff, 0xff});
    CHECK(parse(huge).status == ProxyStatus::invalid);
    std::string near_signature = v2_signature;
    near_signature[11] = 'X';
    CHECK(parse(near_signature).status == ProxyStatus::invalid);
    CHECK(parse(std::string("\r\n\r\n\0\r", 6)).status == ProxyStatus::incomplete);
}

TEST_CASE("reading a header off a socket leaves the client's bytes in place") {
    SocketPair s;
    s.send("PROXY TCP4 192.0.2.7 198.51.100.1 51234 110\r\nUSER bob\r\n");
    ProxyRead r = read_proxy_header(s.fd[0], Deadline::after_seconds(2));
    REQUIRE(r.status == ProxyReadStatus::ok);
    CHECK(format_ip(r.header.source.address) == "192.0.2.7");
    CHECK(s.rest() == "USER bob\r\n");
}

TEST_CASE("a v2 header arriving in pieces is read exactly") {
    SocketPair s;
    std::string h = v2(0x21, 0x11, v4_body + bytes({0x04, 0x00, 0x01, 'z'}));
    s.send(h.substr(0, 5));
    s.send(h.substr(5, 14));
    s.send(h.substr(19) + "QUIT\r\n");
    ProxyRead r = read_proxy_header(s.fd[0], Deadline::after_seconds(2));
    REQUIRE(r.status == ProxyReadStatus::ok);
    CHECK(r.header.destination.port == 110);
    CHECK(s.rest() == "QUIT\r\n");
}

TEST_CASE("no header, a slow header, or a closed connection") {
    {
        SocketPair s;
        s.send("USER bob\r\n");
        CHECK(read_proxy_header(s.fd[0], Deadline::after_seconds(2)).status == ProxyReadStatus::invalid);
    }
    {
        SocketPair s;
        s.send("PROXY TCP4 192.0.2.7");
        ProxyRead r = read_proxy_header(s.fd[0], Deadline::after_ms(100));
        CHECK(r.status == ProxyReadStatus::timeout);
    }
    {
        SocketPair s;
        s.send("PROXY TCP4");
        ::shutdown(s.fd[1], SHUT_WR);
        CHECK(read_proxy_header(s.fd[0], Deadline::after_seconds(2)).status == ProxyReadStatus::eof);
    }
}
