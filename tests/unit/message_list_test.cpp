#include <catch2/catch.hpp>

#include <string>

#include "message_list.hpp"

using namespace postern;

TEST_CASE("names come back whole, whatever their shape") {
    MessageList list;
    const char* names[] = {
        "1700000001.M1P2Q3.mail.example.org:2,S",          // qmail
        "1700000002.M4P5Q6.mail.example.org,S=120,W=124:2,",  // Dovecot's size fields after the host
        "1700000003.M7P8.mail.example.org",                // no info yet
        "1700000004.M9P10.other.example.net:2,RS",         // a second host
        "1700000005.nohost",                               // no second dot
        "plain",
        "1.a.h:2,",                                        // a one-letter host stays inline
        "1700000006.M1P2..:2,",                            // an empty host
        "1700000007.M1:2,x.y.z",                           // dots only after the info
    };
    for (const char* n : names) list.add_sized(n, 10);
    for (size_t i = 0; i < std::size(names); ++i) {
        CAPTURE(names[i]);
        CHECK(list.name(i) == names[i]);
        std::string_view whole = names[i];
        CHECK(list.base(i) == whole.substr(0, whole.find(':')));
        CHECK(list[i].size == 10);
    }
}

TEST_CASE("a renamed message keeps its place with its new name") {
    MessageList list;
    list.add_sized("1700000001.M1P2Q3.mail.example.org:2,", 10);
    list.add_sized("1700000002.M1P2Q3.mail.example.org:2,", 20);
    list.renamed(0, "1700000001.M1P2Q3.mail.example.org:2,FS");
    CHECK(list.name(0) == "1700000001.M1P2Q3.mail.example.org:2,FS");
    CHECK(list.name(1) == "1700000002.M1P2Q3.mail.example.org:2,");
}

TEST_CASE("past the host table's room, names are kept whole") {
    auto name = [](int i) { return "1700000000.M" + std::to_string(i) + ".host" + std::to_string(i) + ":2,"; };
    MessageList list;
    for (int i = 0; i < 300; ++i) list.add_sized(name(i), 1);
    for (int i = 0; i < 300; ++i) CHECK(list.name(size_t(i)) == name(i));
}

TEST_CASE("delivery order: the time prefix, then the whole unique name") {
    MessageList list;
    list.add_sized("1700000002.a.zhost:2,", 1);
    list.add_sized("1700000001.b.ahost:2,", 2);
    list.add_sized("1700000001.b.bhost:2,", 3);
    list.add_sized("1700000001.a.zhost:2,", 4);
    list.add_sized("1700000001.a.zhost,S=9:2,", 5);
    list.add_sized("1700000001.ab.zhost:2,", 6);
    list.add_sized("1700000001.a.zhos:2,", 7);
    list.sort_by_delivery();
    const char* expected[] = {"1700000001.a.zhos:2,",  "1700000001.a.zhost:2,", "1700000001.a.zhost,S=9:2,",
                              "1700000001.ab.zhost:2,", "1700000001.b.ahost:2,", "1700000001.b.bhost:2,",
                              "1700000002.a.zhost:2,"};
    for (size_t i = 0; i < std::size(expected); ++i) CHECK(list.name(i) == expected[i]);
}

TEST_CASE("a unique part compares with a name from elsewhere as the whole string would") {
    MessageList list;
    list.add_sized("1700000001.a.mail.example.org,S=5:2,S", 1);  // host in the table
    list.add_sized("1700000001.nohost:2,", 1);                   // whole name in the arena
    for (size_t i = 0; i < list.count(); ++i) {
        std::string base(list.base(i).view());
        CAPTURE(base);
        for (std::string other : {base, base + "x", base.substr(0, base.size() - 1), base.substr(0, 12),
                                  std::string("1700000001.a.mail.example.orf"), std::string("2"), std::string()}) {
            CAPTURE(other);
            int expected = std::string_view(base).compare(other);
            int got = list.compare_base(i, other);
            CHECK((got < 0) == (expected < 0));
            CHECK((got == 0) == (expected == 0));
        }
    }
}
