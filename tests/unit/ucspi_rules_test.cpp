#include <catch2/catch.hpp>

#include <unistd.h>
#include <cstdlib>
#include <fstream>

#include "ucspi/access_rules.hpp"
#include "ucspi/rules.hpp"

using namespace postern;
using namespace postern::ucspi;

namespace {
ParsedRules parse_ok(std::string_view text) {
    ParsedRules r = parse_rules(text);
    INFO("line " << r.error_line << ": " << r.error);
    REQUIRE(r.ok());
    return r;
}

const Rule* lookup(const ParsedRules& r, const char* address) { return find_rule(r.rules, *parse_ip(address)); }
}  // namespace

TEST_CASE("rules: the first match wins, and no match means no rule") {
    auto r = parse_ok(
        "# trusted first\n"
        "127.0.0.1:allow\n"
        "127.:deny\n"
        "\n"
        "10.0.0.0/8:deny\n"
        "2001:db8::/32:deny\n"
        "::1:allow\n");
    REQUIRE(r.rules.size() == 5);
    REQUIRE(lookup(r, "127.0.0.1"));
    CHECK(lookup(r, "127.0.0.1")->allow);
    CHECK(lookup(r, "127.0.0.1")->line == 2);
    CHECK_FALSE(lookup(r, "127.0.0.2")->allow);
    CHECK(lookup(r, "127.0.0.2")->line == 3);
    CHECK_FALSE(lookup(r, "10.9.9.9")->allow);
    CHECK_FALSE(lookup(r, "2001:db8::7")->allow);
    CHECK(lookup(r, "::1")->allow);
    CHECK(lookup(r, "192.0.2.1") == nullptr);
}

TEST_CASE("rules: variables, quoted or bare") {
    auto r = parse_ok("192.0.2.:allow,POSTERN_APOP=\"1\",GREETING='hello, world',EMPTY=\"\",BARE=x-y\n:deny\n");
    const Rule* rule = lookup(r, "192.0.2.9");
    REQUIRE(rule);
    REQUIRE(rule->env.size() == 4);
    CHECK(rule->env[0].name == "POSTERN_APOP");
    CHECK(rule->env[0].value == "1");
    CHECK(rule->env[1].value == "hello, world");
    CHECK(rule->env[2].value.empty());
    CHECK(rule->env[3].name == "BARE");
    CHECK(rule->env[3].value == "x-y");
    CHECK_FALSE(lookup(r, "198.51.100.1")->allow);
    CHECK(lookup(r, "::1")->line == 2);
}

TEST_CASE("rules: IPv6 addresses with hex digits that spell words") {
    auto r = parse_ok("2001:db8:dead:beef::1:deny\nfe80::/10:allow,A=1\n");
    CHECK_FALSE(lookup(r, "2001:db8:dead:beef::1")->allow);
    CHECK(lookup(r, "fe80::1")->env.at(0).name == "A");
}

TEST_CASE("rules: blanks, CRLF line ends and a missing final newline") {
    auto r = parse_ok("  127.0.0.1:allow  \r\n\t# indented comment\r\n:deny");
    CHECK(r.rules.size() == 2);
    CHECK(r.rules[1].line == 3);
}

TEST_CASE("rules: a malformed line is reported with its number") {
    struct Case {
        const char* text;
        size_t line;
        const char* error;
    };
    Case cases[] = {
        {"127.0.0.1:allow\n127.0.0.1 allow\n", 2, "expected ADDRESS:allow or ADDRESS:deny"},
        {"127.0.0.1:permit\n", 1, "expected ADDRESS:allow or ADDRESS:deny"},
        {"#\n\n300.0.0.1:allow\n", 3, "bad IPv4 octet or range (0-255, low-high)"},
        {"=host.example.org:deny\n", 1, "not an address (host-name rules are not supported)"},
        {"10.:allow,1X=2\n", 1, "expected ,NAME=value after allow or deny"},
        {"10.:allow,X\n", 1, "expected ,NAME=value after allow or deny"},
        {"10.:allow,X=\"open\n", 1, "unterminated quoted value"},
        {"10.:allow,X=\"a\"b\n", 1, "a comma must follow a quoted value"},
        {"10.:allow,\n", 1, "expected ,NAME=value after allow or deny"},
        {"10.:allowed\n", 1, "expected ADDRESS:allow or ADDRESS:deny"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        ParsedRules r = parse_rules(c.text);
        CHECK(r.error_line == c.line);
        CHECK(r.error == c.error);
    }
}

TEST_CASE("rules: the limits are enforced") {
    std::string many;
    for (size_t i = 0; i <= max_rules; ++i) many += "10.:allow\n";
    ParsedRules r = parse_rules(many);
    CHECK(r.error_line == max_rules + 1);
    CHECK(r.error == "too many rules");

    std::string vars = "10.:allow";
    for (size_t i = 0; i <= max_rule_variables; ++i) vars += ",V" + std::to_string(i) + "=1";
    CHECK(parse_rules(vars).error == "too many variables in one rule");
    CHECK(parse_rules("10.:allow,V=" + std::string(max_variable_value + 1, 'x')).error == "value too long");
    CHECK(parse_rules("10.:allow,V=" + std::string(max_variable_value, 'x')).ok());
}

TEST_CASE("rules: files, and files that cannot be read") {
    char path[] = "/tmp/postern-rules.XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(path) << "127.0.0.1:allow,X=1\n:deny\n";
    LoadedRules r = load_access_rules(path, false);
    CHECK(r.ok());
    CHECK(r.rules.size() == 2);
    ::unlink(path);
    LoadedRules missing = load_access_rules(path, false);
    CHECK_FALSE(missing.ok());
    CHECK(missing.error_line == 0);
    CHECK(missing.error.rfind("cannot open", 0) == 0);
    CHECK(load_access_rules(path, true).missing);
    CHECK(load_access_rules("/tmp", false).error == "not a regular file");
}
