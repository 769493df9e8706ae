// What the per-source limit counts as one client: IPv4 addresses one by one
// and IPv6 ones by /64 unless -C says otherwise.
#include <catch2/catch.hpp>

#include "ucspi/connection_table.hpp"
#include "ucspi/source_group.hpp"

using namespace postern;
using namespace postern::ucspi;

namespace {
IpAddress ip(const char* text) { return *parse_ip(text); }
}  // namespace

TEST_CASE("source group: by default one IPv4 address, one IPv6 /64") {
    SourceGrouping g;
    CHECK(source_group(ip("192.0.2.7"), g) == ip("192.0.2.7"));
    CHECK(source_group(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), g) == ip("2001:db8:1:2::"));
    CHECK(source_group(ip("2001:db8:1:2::1"), g) == source_group(ip("2001:db8:1:2::2"), g));
    CHECK(source_group(ip("2001:db8:1:2::1"), g) != source_group(ip("2001:db8:1:3::1"), g));
    CHECK(format_source_group(ip("192.0.2.7"), g) == "192.0.2.7/32");
    CHECK(format_source_group(ip("2001:db8:1:2:aaaa::1"), g) == "2001:db8:1:2::/64");
}

TEST_CASE("source group: prefixes that end inside a byte, and the extremes") {
    SourceGrouping g{20, 56};
    CHECK(source_group(ip("192.0.255.255"), g) == ip("192.0.240.0"));
    CHECK(format_source_group(ip("10.1.2.3"), g) == "10.1.0.0/20");
    CHECK(source_group(ip("2001:db8:1:2ff::1"), g) == ip("2001:db8:1:200::"));
    CHECK(format_source_group(ip("2001:db8:1:2ff::1"), g) == "2001:db8:1:200::/56");
    SourceGrouping whole{0, 0};
    CHECK(source_group(ip("203.0.113.9"), whole) == ip("0.0.0.0"));
    CHECK(format_source_group(ip("2001:db8::1"), whole) == "::/0");
    SourceGrouping exact{32, 128};
    CHECK(source_group(ip("2001:db8::1"), exact) == ip("2001:db8::1"));
    CHECK(format_source_group(ip("2001:db8::1"), exact) == "2001:db8::1/128");
    // The families never share a group, even when the masked bytes agree.
    CHECK(source_group(ip("0.0.0.1"), whole) != source_group(ip("::1"), whole));
}

TEST_CASE("-C values: N, N/V4BITS, N/V4BITS/V6BITS") {
    auto plain = parse_per_source_limit("10");
    REQUIRE(plain);
    CHECK(plain->max == 10);
    CHECK(plain->grouping.v4_bits == 32);
    CHECK(plain->grouping.v6_bits == 64);
    auto v4 = parse_per_source_limit("3/24");
    REQUIRE(v4);
    CHECK(v4->max == 3);
    CHECK(v4->grouping.v4_bits == 24);
    CHECK(v4->grouping.v6_bits == 64);
    auto both = parse_per_source_limit("5/32/48");
    REQUIRE(both);
    CHECK(both->max == 5);
    CHECK(both->grouping.v4_bits == 32);
    CHECK(both->grouping.v6_bits == 48);
    auto edges = parse_per_source_limit("0/0/128");
    REQUIRE(edges);
    CHECK(edges->max == 0);
    CHECK(edges->grouping.v4_bits == 0);
    CHECK(edges->grouping.v6_bits == 128);
    CHECK(parse_per_source_limit("100000"));
    for (const char* bad : {"", "x", "-1", "100001", "5/", "5/33", "5/24/", "5/24/129", "5//64", "/24", "5/24/64/1",
                            "5/ 24", "5/24/64x"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_per_source_limit(bad));
    }
}

TEST_CASE("connection table: IPv6 clients in one /64 share a count, other /64s do not") {
    ConnectionTable t(100, 2);
    t.add(1);
    CHECK(t.attribute(1, ip("2001:db8:0:1::1")) == 1);
    t.add(2);
    CHECK(t.attribute(2, ip("2001:db8:0:1::2")) == 2);
    CHECK(t.source_full(ip("2001:db8:0:1:ffff::9")));
    CHECK(t.from_source(ip("2001:db8:0:1:ffff::9")) == 2);
    CHECK_FALSE(t.source_full(ip("2001:db8:0:2::1")));
    CHECK(t.from_source(ip("2001:db8:0:2::1")) == 0);
    CHECK(t.remove(1));
    CHECK(t.from_source(ip("2001:db8:0:1::2")) == 1);
    CHECK_FALSE(t.source_full(ip("2001:db8:0:1::3")));
    CHECK(t.remove(2));
    CHECK(t.from_source(ip("2001:db8:0:1::2")) == 0);
}

TEST_CASE("connection table: IPv4 addresses count alone by default, together under a prefix") {
    ConnectionTable exact(100, 1);
    exact.add(1);
    exact.attribute(1, ip("192.0.2.1"));
    CHECK(exact.source_full(ip("192.0.2.1")));
    CHECK_FALSE(exact.source_full(ip("192.0.2.2")));

    ConnectionTable by_24(100, 1, SourceGrouping{24, 64});
    by_24.add(1);
    by_24.attribute(1, ip("192.0.2.1"));
    CHECK(by_24.source_full(ip("192.0.2.200")));
    CHECK_FALSE(by_24.source_full(ip("192.0.3.1")));
    CHECK(by_24.remove(1));
    CHECK_FALSE(by_24.source_full(ip("192.0.2.200")));
}
