// tcprules' cdb read as tcpserver reads it: the keys in rules.c's order, the
// address as ucspi-tcp-ipv6 writes it, the data's pieces; and the -x file
// told apart as text or cdb. The answers for rules-v4.cdb are tcprulescheck's
// (Debian's ucspi-tcp) for the same TCPREMOTEIP, TCPREMOTEHOST, TCPREMOTEINFO.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tcprules_fixtures.hpp"
#include "ucspi/access_rules.hpp"
#include "ucspi/rules_cdb.hpp"

using namespace postern;
using namespace postern::ucspi;
using namespace postern::test;

namespace {

using Keys = std::vector<std::string>;

IpAddress ip(const char* text) { return *parse_ip(text); }

Cdb fixture_cdb(const char* name) {
    std::string why;
    auto db = open_cdb(fixture(name), why);
    INFO(why);
    REQUIRE(db);
    return std::move(*db);
}

// "KEY: allow A=x B=y" or "KEY: deny", as tcprulescheck says it; "none" when no key is there.
std::string answer(const Cdb& db, const char* address, std::optional<std::string_view> host = std::nullopt,
                   std::optional<std::string_view> info = std::nullopt) {
    CdbMatch m = find_cdb_rule(db, tcpserver_rule_keys(address, host, info));
    if (m.status == CdbMatch::Status::none) return "none";
    if (m.status == CdbMatch::Status::failed) return "failed: " + m.why;
    if (!m.rule.allow) return m.key + ": deny";
    std::string out = m.key + ": allow";
    for (const EnvSetting& e : m.rule.env) out += " " + e.name + "=" + e.value;
    return out;
}

std::string temp_dir() {
    char path[] = "/tmp/postern-rules-cdb.XXXXXX";
    REQUIRE(::mkdtemp(path));
    return path;
}

}  // namespace

TEST_CASE("tcpserver's keys: the address, =host, prefixes, =.suffixes, =, then the default") {
    CHECK(tcpserver_rule_keys("1.2.3.4", std::nullopt) == Keys{"1.2.3.4", "1.2.3.", "1.2.", "1.", ""});
    CHECK(tcpserver_rule_keys("1.2.3.4", "a.b.example") ==
          Keys{"1.2.3.4", "=a.b.example", "1.2.3.", "1.2.", "1.", "=.b.example", "=.example", "=", ""});
    CHECK(tcpserver_rule_keys("1.2.3.4", "a.b.example", "alice") ==
          Keys{"alice@1.2.3.4", "alice@=a.b.example", "1.2.3.4", "=a.b.example", "1.2.3.", "1.2.", "1.",
               "=.b.example", "=.example", "=", ""});
    CHECK(tcpserver_rule_keys("1.2.3.4", std::nullopt, "alice") ==
          Keys{"alice@1.2.3.4", "1.2.3.4", "1.2.3.", "1.2.", "1.", ""});
    CHECK(tcpserver_rule_keys("1.2.3.4", "localhost") == Keys{"1.2.3.4", "=localhost", "1.2.3.", "1.2.", "1.", "=", ""});
}

TEST_CASE("tcpserver's keys: IPv6 prefixes end at each colon, as ucspi-tcp-ipv6 cuts them") {
    CHECK(tcpserver_rule_keys("2001:db8::1", std::nullopt) ==
          Keys{"2001:db8::1", "2001:db8::", "2001:db8:", "2001:", ""});
    CHECK(tcpserver_rule_keys("1::", std::nullopt) == Keys{"1::", "1::", "1:", ""});
    CHECK(tcpserver_rule_keys("::ffff:10.0.0.1", std::nullopt) ==
          Keys{"::ffff:10.0.0.1", "::ffff:10.0.0.", "::ffff:10.0.", "::ffff:10.", "::ffff:", "::", ":", ""});
}

// Checked against ucspi-tcp-ipv6's own formatting, on 200,000 random addresses
// and on a live tcpserver for these.
TEST_CASE("the address as tcpserver writes it into its keys") {
    CHECK(tcpserver_address_text(ip("192.0.2.7")) == "192.0.2.7");
    CHECK(tcpserver_address_text(ip("192.0.2.7"), true) == "::ffff:192.0.2.7");  // -6
    CHECK(tcpserver_address_text(ip("::1")) == "::1");
    CHECK(tcpserver_address_text(ip("::")) == "::");
    CHECK(tcpserver_address_text(ip("1::")) == "1::");
    CHECK(tcpserver_address_text(ip("2001:db8:5::9")) == "2001:db8:5::9");
    CHECK(tcpserver_address_text(ip("2001:db8:0:1:1:1:1:1")) == "2001:db8::1:1:1:1:1");  // RFC 5952 keeps the 0
    CHECK(tcpserver_address_text(ip("0:0:0:254d::")) == "0:0:0:254d::");                 // the longest run
    CHECK(tcpserver_address_text(ip("1:0:0:2:0:0:3:4")) == "1::2:0:0:3:4");              // the first of two
    CHECK(tcpserver_address_text(ip("2001:DB8:AB::CD")) == "2001:db8:ab::cd");
    CHECK(tcpserver_address_text(ip("1:2:3:4:5:6:7:8")) == "1:2:3:4:5:6:7:8");
    IpAddress mapped = ip("::1");
    mapped.bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1};
    CHECK(tcpserver_address_text(mapped) == "::ffff:10.0.0.1");
}

TEST_CASE("a record's data: D denies, +NAME=value sets, anything else is passed over") {
    Rule r = rule_from_cdb_data("");
    CHECK(r.allow);
    CHECK(r.env.empty());
    CHECK_FALSE(rule_from_cdb_data(std::string("D\0", 2)).allow);
    r = rule_from_cdb_data(std::string("D\0+WHY=spam\0", 12));
    CHECK_FALSE(r.allow);
    REQUIRE(r.env.size() == 1);
    r = rule_from_cdb_data(std::string("+A=x\0+B=y=z w\0+=skipped\0+NOEQUALS\0?other\0+C=trailing", 50));
    CHECK(r.allow);
    REQUIRE(r.env.size() == 2);
    CHECK(r.env[0].name == "A");
    CHECK(r.env[0].value == "x");
    CHECK(r.env[1].name == "B");
    CHECK(r.env[1].value == "y=z w");  // only a NUL ends a value
}

TEST_CASE("rules-v4.cdb answers as tcprulescheck does") {
    Cdb db = fixture_cdb("rules-v4.cdb");
    CHECK(answer(db, "127.0.0.2") == "127.0.0.2: deny");
    CHECK(answer(db, "127.0.0.3") == "127.0.0.3: allow RULE=exact TCPREMOTEIP=spoofed");
    CHECK(answer(db, "127.0.0.11") == "127.0.0.11: allow RULE=range");
    CHECK(answer(db, "127.0.0.20") == "127.0.0.20: allow RULE=first");
    CHECK(answer(db, "127.0.1.5") == "127.0.1.: allow RULE=prefix3");
    CHECK(answer(db, "127.1.2.3") == "127.1.: deny");
    CHECK(answer(db, "10.9.9.9") == "10.: allow RULE=prefix1");
    CHECK(answer(db, "127.0.0.9", "mail.example.org") == "=mail.example.org: allow RULE=host");
    CHECK(answer(db, "127.0.1.9", "mail.example.org") == "=mail.example.org: allow RULE=host");  // before prefixes
    CHECK(answer(db, "127.9.0.1", "a.b.example.com") == "=.example.com: allow RULE=suffix QUOTE=single \"quoted\"");
    CHECK(answer(db, "127.0.1.9", "a.b.example.com") == "127.0.1.: allow RULE=prefix3");  // prefixes before suffixes
    CHECK(answer(db, "127.9.0.1", "other.net") == "=: allow RULE=any-name");
    CHECK(answer(db, "127.0.0.4", std::nullopt, "alice") == "alice@127.0.0.4: allow RULE=info-at-ip");
    CHECK(answer(db, "127.0.0.4") == "127.0.0.4: allow RULE=ip");
    CHECK(answer(db, "127.9.0.1", "mail.example.org", "bob") == "bob@=mail.example.org: deny");
    CHECK(answer(db, "127.9.9.9") == ": allow RULE=default EMPTY=");
}

TEST_CASE("rules-v6.cdb answers as ucspi-tcp-ipv6's tcpserver does") {
    Cdb db = fixture_cdb("rules-v6.cdb");
    auto for_client = [&](const char* address, bool as_v6 = false) {
        return answer(db, tcpserver_address_text(ip(address), as_v6).c_str());
    };
    CHECK(for_client("2001:db8:0:1:1:1:1:1") == "2001:db8::1:1:1:1:1: allow RULE=single-zero-group");
    CHECK(for_client("2001:db8:0:1:1:1:1:2") == ": deny");  // its key is in RFC 5952's form
    CHECK(for_client("2001:db8::7") == "2001:db8::7: deny");
    CHECK(for_client("2001:db8:5::9") == "2001:db8:5:: allow RULE=prefix");
    CHECK(for_client("::1") == "::1: allow RULE=loopback X=a:b");
    CHECK(for_client("127.0.0.5") == ": deny");
    CHECK(for_client("127.0.0.5", true) == "::ffff:127.0.0.5: allow RULE=mapped");
}

TEST_CASE("-x: a cdb by its name or its NUL bytes, anything else text") {
    std::string dir = temp_dir();
    auto write = [&](const std::string& name, const std::string& bytes) {
        std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
        return dir + "/" + name;
    };
    LoadedRules cdb = load_access_rules(write("rules", fixture("rules-v4.cdb")), false);
    REQUIRE(cdb.ok());
    CHECK(cdb.rules.format() == AccessRules::Format::cdb);
    CHECK(cdb.rules.size() == 17);
    CHECK(cdb.stamp.exists);
    CHECK(cdb.host_keys == 3);  // =mail.example.org, =.example.com, =
    CHECK(cdb.info_keys == 2);  // alice@127.0.0.4, bob@=mail.example.org

    LoadedRules text = load_access_rules(write("rules.txt", "127.0.0.2:deny\n:allow,A=1\n"), false);
    REQUIRE(text.ok());
    CHECK(text.rules.format() == AccessRules::Format::text);
    CHECK(text.rules.size() == 2);

    for (const char* bytes : {"", "127.0.0.2:deny\n"}) {
        LoadedRules empty = load_access_rules(write("rules.cdb", bytes), false);
        CHECK(empty.malformed);
        CHECK(empty.error.rfind("cdb: truncated: ", 0) == 0);
    }
    LoadedRules cut = load_access_rules(write("cut", fixture("rules-v4.cdb").substr(0, 2100)), false);
    CHECK(cut.malformed);
    CHECK(cut.error.find("(truncated?)") != std::string::npos);

    LoadedRules missing = load_access_rules(dir + "/none.cdb", true);  // -X
    REQUIRE(missing.ok());
    CHECK(missing.missing);
    CHECK(missing.rules.format() == AccessRules::Format::none);
    missing = load_access_rules(dir + "/none.cdb", false);
    CHECK_FALSE(missing.ok());
    CHECK_FALSE(missing.malformed);
    CHECK(missing.error == "cannot open: No such file or directory");
    CHECK(load_access_rules(dir, true).error == "not a regular file");
    std::filesystem::remove_all(dir);
}

TEST_CASE("the verdict: text rules by address, a cdb by tcpserver's keys") {
    std::string dir = temp_dir();
    std::string path = dir + "/rules.cdb";
    std::ofstream(path, std::ios::binary) << fixture("rules-v4.cdb");
    LoadedRules cdb = load_access_rules(path, false);
    REQUIRE(cdb.ok());
    Verdict v = cdb.rules.decide(ip("127.0.0.2"), "127.0.0.2", std::nullopt);
    CHECK(v.status == Verdict::Status::matched);
    CHECK_FALSE(v.rule.allow);
    CHECK(v.key == "127.0.0.2");
    v = cdb.rules.decide(ip("127.9.0.1"), "127.9.0.1", std::string("x.example.com"));
    CHECK(v.key == "=.example.com");

    std::ofstream(path, std::ios::binary) << std::string(2048, '\0');  // the same inode, now no tables
    v = cdb.rules.decide(ip("127.0.0.3"), "127.0.0.3", std::nullopt);
    CHECK(v.status == Verdict::Status::failed);
    CHECK(v.why.rfind("the file changed since it was checked", 0) == 0);

    std::ofstream(dir + "/rules.txt") << "127.0.0.0/8:deny\n";
    LoadedRules text = load_access_rules(dir + "/rules.txt", false);
    v = text.rules.decide(ip("127.0.0.3"), "ignored", std::nullopt);
    CHECK(v.status == Verdict::Status::matched);
    CHECK(v.rule.line == 1);
    CHECK_FALSE(v.key);
    CHECK(AccessRules().decide(ip("127.0.0.3"), "127.0.0.3", std::nullopt).status == Verdict::Status::none);
    std::filesystem::remove_all(dir);
}
