#include <catch2/catch.hpp>

#include <string>

#include "md5.hpp"

using postern::Md5;
using postern::md5_hex;

TEST_CASE("md5: RFC 1321 test suite", "[md5]") {
    CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(md5_hex("a") == "0cc175b9c0f1b6a831c399e269772661");
    CHECK(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(md5_hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
    CHECK(md5_hex("abcdefghijklmnopqrstuvwxyz") == "c3fcd3d76192e4007dfb496cca67e13b");
    CHECK(md5_hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
          "d174ab98d277d9f5a5611c2c9f419d9f");
    CHECK(md5_hex("1234567890123456789012345678901234567890"
                  "1234567890123456789012345678901234567890") ==
          "57edf4a22be3c955ac49da2e2107b67a");
}

TEST_CASE("md5: RFC 1939 APOP example", "[md5]") {
    CHECK(md5_hex("<1896.697170952@dbc.mtview.ca.us>tanstaaf") ==
          "c4c9334bac560ecc979e58001b3e22fb");
}

TEST_CASE("md5: incremental updates equal one update", "[md5]") {
    std::string text;
    for (int i = 0; i < 1000; ++i) text += static_cast<char>('a' + i % 26);
    for (std::size_t step : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 200u}) {
        Md5 md5;
        for (std::size_t at = 0; at < text.size(); at += step)
            md5.update(std::string_view(text).substr(at, step));
        CHECK(postern::hex_lower(md5.finish()) == md5_hex(text));
    }
}

TEST_CASE("md5: padding boundaries", "[md5]") {
    // Lengths around the 56-byte padding edge take one or two final blocks.
    CHECK(md5_hex(std::string(55, 'a')) == "ef1772b6dff9a122358552954ad0df65");
    CHECK(md5_hex(std::string(56, 'a')) == "3b0c8ac703f828b04c6c197006d17218");
    CHECK(md5_hex(std::string(64, 'a')) == "014842d480b571495a4a0363793f7367");
}
