#include <catch2/catch.hpp>

#include "maildir_name.hpp"

using namespace postern;

TEST_CASE("a Maildir name gives its unique part, flags, time and sizes") {
    auto n = parse_maildir_name("1700000000.M20501P1234Q5.host,S=2048,W=2090:2,RS");
    CHECK(n.base == "1700000000.M20501P1234Q5.host,S=2048,W=2090");
    CHECK(n.flags == "RS");
    CHECK(n.has_info);
    CHECK(n.time == 1700000000);
    CHECK(n.disk_size == 2048u);
    CHECK(n.transmit_size == 2090u);
}

TEST_CASE("a name without info, time or sizes") {
    auto n = parse_maildir_name("weird-name");
    CHECK(n.base == "weird-name");
    CHECK_FALSE(n.has_info);
    CHECK(n.time == 0);
    CHECK_FALSE(n.disk_size);
    CHECK_FALSE(n.transmit_size);
}

TEST_CASE("a size field without digits is ignored") {
    CHECK_FALSE(parse_maildir_name("1.x,W=abc,S=:2,").transmit_size);
    CHECK_FALSE(parse_maildir_name("1.x,W=abc,S=:2,").disk_size);
}

TEST_CASE("adding a flag keeps the flags sorted and unique") {
    CHECK(maildir_name_with_flag("1.a.b:2,", 'S') == "1.a.b:2,S");
    CHECK(maildir_name_with_flag("1.a.b:2,RT", 'S') == "1.a.b:2,RST");
    CHECK(maildir_name_with_flag("1.a.b:2,DS", 'S') == "1.a.b:2,DS");
    CHECK(maildir_name_with_flag("1.a.b", 'S') == "1.a.b:2,S");
}
