#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <cstring>

#include "ip_address.hpp"
#include "ucspi/address_pattern.hpp"

using namespace postern;
using namespace postern::ucspi;

namespace {
IpAddress ip(const char* text) {
    auto a = parse_ip(text);
    REQUIRE(a);
    return *a;
}

bool matches(const char* pattern, const char* address) {
    std::string why;
    auto p = parse_address_pattern(pattern, why);
    INFO(pattern << ": " << why);
    REQUIRE(p);
    return pattern_matches(*p, ip(address));
}

std::string rejection(const char* pattern) {
    std::string why;
    CHECK_FALSE(parse_address_pattern(pattern, why));
    return why;
}
}  // namespace

TEST_CASE("addresses parse and print in their usual forms") {
    CHECK(format_ip(ip("192.0.2.7")) == "192.0.2.7");
    CHECK(format_ip(ip("2001:db8:0:0::1")) == "2001:db8::1");
    CHECK(format_ip(ip("::1")) == "::1");
    CHECK_FALSE(parse_ip("192.0.2"));
    CHECK_FALSE(parse_ip("192.0.2.256"));
    CHECK_FALSE(parse_ip("example.org"));
    CHECK_FALSE(parse_ip(""));
    CHECK_FALSE(parse_ip("[::1]"));
    CHECK_FALSE(parse_ip(std::string(100, '1')));
}

TEST_CASE("IPv4-mapped IPv6 addresses are IPv4 clients") {
    IpAddress a = ip("::ffff:192.0.2.7");
    CHECK_FALSE(a.v6);
    CHECK(a == ip("192.0.2.7"));
    CHECK(format_ip(a) == "192.0.2.7");

    sockaddr_storage ss{};
    auto& in6 = reinterpret_cast<sockaddr_in6&>(ss);
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(995);
    const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3};
    std::memcpy(&in6.sin6_addr, mapped, 16);
    auto e = endpoint_from_sockaddr(ss);
    REQUIRE(e);
    CHECK(format_ip(e->address) == "10.1.2.3");
    CHECK(e->port == 995);
}

TEST_CASE("-6 maps IPv4 addresses into IPv6 and back") {
    IpAddress mapped = map_v4(ip("192.0.2.7"));
    CHECK(mapped.v6);
    CHECK(format_ip(mapped) == "::ffff:192.0.2.7");
    CHECK(unmap_v4(mapped) == ip("192.0.2.7"));
    CHECK(map_v4(ip("2001:db8::1")) == ip("2001:db8::1"));
}

TEST_CASE("exact addresses match only themselves") {
    CHECK(matches("192.0.2.7", "192.0.2.7"));
    CHECK_FALSE(matches("192.0.2.7", "192.0.2.70"));
    CHECK(matches("::1", "::1"));
    CHECK_FALSE(matches("::1", "::2"));
    CHECK_FALSE(matches("::1", "127.0.0.1"));
    CHECK(matches("::ffff:192.0.2.7", "192.0.2.7"));
}

TEST_CASE("tcprules prefixes match whole octets") {
    CHECK(matches("10.", "10.1.2.3"));
    CHECK_FALSE(matches("10.", "100.1.2.3"));
    CHECK(matches("192.168.", "192.168.200.1"));
    CHECK_FALSE(matches("192.168.", "192.169.0.1"));
    CHECK(matches("192.168.1.", "192.168.1.255"));
    CHECK_FALSE(matches("10.", "::ffff:11.0.0.1"));
    CHECK_FALSE(matches("10.", "2001:db8::a"));
}

TEST_CASE("tcprules ranges match inclusive octet values") {
    CHECK(matches("1.2.3.37-53", "1.2.3.37"));
    CHECK(matches("1.2.3.37-53", "1.2.3.53"));
    CHECK_FALSE(matches("1.2.3.37-53", "1.2.3.36"));
    CHECK_FALSE(matches("1.2.3.37-53", "1.2.3.54"));
    CHECK(matches("10.1-5.", "10.3.9.9"));
    CHECK_FALSE(matches("10.1-5.", "10.6.0.0"));
}

TEST_CASE("CIDR prefixes for IPv4 and IPv6") {
    CHECK(matches("10.0.0.0/8", "10.255.0.1"));
    CHECK_FALSE(matches("10.0.0.0/8", "11.0.0.1"));
    CHECK(matches("192.0.2.128/25", "192.0.2.200"));
    CHECK_FALSE(matches("192.0.2.128/25", "192.0.2.127"));
    CHECK(matches("0.0.0.0/0", "203.0.113.9"));
    CHECK_FALSE(matches("0.0.0.0/0", "::1"));
    CHECK(matches("2001:db8::/32", "2001:db8:ffff::1"));
    CHECK_FALSE(matches("2001:db8::/32", "2001:db9::1"));
    CHECK(matches("2001:db8:0:8000::/49", "2001:db8:0:8001::1"));
    CHECK_FALSE(matches("2001:db8:0:8000::/49", "2001:db8:0:7fff::1"));
    CHECK(matches("::/0", "::1"));
    CHECK(matches("192.0.2.7/32", "192.0.2.7"));
}

TEST_CASE("the empty pattern matches everyone") {
    CHECK(matches("", "192.0.2.7"));
    CHECK(matches("", "2001:db8::1"));
}

TEST_CASE("malformed patterns say what is wrong") {
    CHECK(rejection("10.0.0.1/8") == "address has bits set past the prefix length");
    CHECK(rejection("10.0.0.0/33") == "prefix length must be 0-32");
    CHECK(rejection("2001:db8::/129") == "prefix length must be 0-128");
    CHECK(rejection("10.0.0.0/") == "prefix length must be 0-32");
    CHECK(rejection("mail.example.org") == "not an address (host-name rules are not supported)");
    CHECK(rejection("=mail.example.org") == "not an address (host-name rules are not supported)");
    CHECK(rejection("10.1") == "an IPv4 prefix must end in a dot");
    CHECK(rejection("1.2.3.4.") == "an IPv4 prefix has at most 3 octets");
    CHECK(rejection("1.2.3.4.5") == "too many octets in an IPv4 address");
    CHECK(rejection("1.2.3.256") == "bad IPv4 octet or range (0-255, low-high)");
    CHECK(rejection("1.2.3.53-37") == "bad IPv4 octet or range (0-255, low-high)");
    CHECK(rejection("1..3.4") == "bad IPv4 octet or range (0-255, low-high)");
    CHECK(rejection(".") == "bad IPv4 octet or range (0-255, low-high)");
    CHECK(rejection("2001:db8::g") == "bad IPv6 address");
}
