#include <catch2/catch.hpp>

#include <initializer_list>
#include <string_view>
#include <vector>

#include "version.hpp"

using postern::version_asked;

namespace {
bool asked(std::initializer_list<const char*> words) {
    std::vector<char*> argv;
    for (const char* w : words) argv.push_back(const_cast<char*>(w));
    argv.push_back(nullptr);
    return version_asked(int(words.size()), argv.data());
}
}  // namespace

TEST_CASE("-V asks for the version only as the only argument", "[version]") {
    CHECK(asked({"postern-pop3d", "-V"}));
    CHECK_FALSE(asked({"postern-pop3d"}));
    CHECK_FALSE(asked({"postern-pop3d", "Maildir"}));
    CHECK_FALSE(asked({"postern-pop3d", "./-V"}));
    CHECK_FALSE(asked({"postern-popup", "-V", "postern-checkpass"}));
    CHECK_FALSE(asked({"postern-tcpserver", "-vV"}));
    CHECK_FALSE(asked({"postern-passwd", "-v"}));
    CHECK_FALSE(asked({"postern-passwd", "--version"}));
}

TEST_CASE("the version is dotted numbers", "[version]") {
    std::string_view v = postern::version;
    REQUIRE_FALSE(v.empty());
    CHECK(v.find_first_not_of("0123456789.") == std::string_view::npos);
    CHECK(v.front() != '.');
    CHECK(v.back() != '.');
}
