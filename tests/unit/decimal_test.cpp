#include <catch2/catch.hpp>

#include <sys/types.h>

#include "decimal.hpp"

using namespace postern;

TEST_CASE("decimal: digits only, 19 at most", "[decimal]") {
    CHECK(parse_decimal("0") == 0u);
    CHECK(parse_decimal("0042") == 42u);
    CHECK(parse_decimal("9999999999999999999") == 9999999999999999999u);
    CHECK_FALSE(parse_decimal("10000000000000000000"));
    for (const char* bad : {"", "+1", "-1", " 1", "1 ", "1x", "0x10"}) CHECK_FALSE(parse_decimal(bad));
    CHECK(parse_decimal_in("5", 5, 6) == 5u);
    CHECK_FALSE(parse_decimal_in("7", 5, 6));
    CHECK_FALSE(parse_decimal_in("4", 5, 6));
}

TEST_CASE("decimal: an id below (uid_t)-1, never wrapped", "[decimal]") {
    uid_t uid = 7;
    CHECK(parse_id("4294967294", uid));
    CHECK(uid == 4294967294u);
    CHECK_FALSE(parse_id("4294967295", uid));
    CHECK_FALSE(parse_id("4294967296", uid));
    CHECK_FALSE(parse_id("-1", uid));
}
