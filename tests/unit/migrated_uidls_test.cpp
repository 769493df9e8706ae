#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <vector>

#include "capture.hpp"
#include "fd.hpp"
#include "pop3d/courier_sizelist.hpp"
#include "pop3d/dovecot_uidl_format.hpp"
#include "pop3d/dovecot_uidlist.hpp"
#include "pop3d/migrated_uidls.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {
std::string render(std::string_view format, DovecotUidlFields fields) {
    auto parsed = DovecotUidlFormat::parse(format);
    REQUIRE(parsed);
    std::string out;
    parsed->render(fields, out);
    return out;
}

std::vector<DovecotRecord> dovecot_records(std::string_view text, uint32_t& validity, std::optional<ListError>& error) {
    std::vector<DovecotRecord> records;
    error = parse_dovecot_uidlist(text, validity, [&](const DovecotRecord& r) { records.push_back(r); });
    return records;
}

MigratedUidls load(test::TempMaildir& md, std::string_view sources, std::string_view format = "%08Xu%08Xv") {
    UidlSettings settings;
    settings.sources = *parse_uidl_sources(sources);
    settings.dovecot_format = *DovecotUidlFormat::parse(format);
    Fd dir(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
    MigratedUidls uidls;
    uidls.load(dir.get(), settings, 1000, Deadline::never());
    return uidls;
}
}  // namespace

TEST_CASE("Dovecot's default UIDL format is the UID and UIDVALIDITY in 8 lower-case hex digits each") {
    CHECK(render(dovecot_default_uidl_format, {1, 1700000000, "1.M1.host", ""}) == "000000016553f100");
    CHECK(render("%08Xu%08Xv", {0xabcdef12, 0x1234, "b", ""}) == "abcdef1200001234");
    CHECK(render("%Xu", {255, 0, "b", ""}) == "ff");
}

TEST_CASE("a UIDL format takes Dovecot's variables, long names, modifiers, widths and %%") {
    DovecotUidlFields f{42, 7, "1700000000.M1P2.Host,S=12", "GuidValue"};
    CHECK(render("%f", f) == "1700000000.M1P2.Host,S=12");
    CHECK(render("%{filename}-%{uid}-%{uidvalidity}", f) == "1700000000.M1P2.Host,S=12-42-7");
    CHECK(render("%g", f) == "GuidValue");
    CHECK(render("%g", {1, 1, "base", ""}) == "base");  // no GUID: the base name stands for it
    CHECK(render("%Lg %Ug", f) == "guidvalue GUIDVALUE");
    CHECK(render("%UXu", f) == "2a");  // modifiers apply left to right
    CHECK(render("%XUu", f) == "2A");
    CHECK(render("%Xf", f) == "0");    // X of what is no number
    CHECK(render("%4f", f) == "1700");  // a width without 0 cuts
    CHECK(render("%05u", f) == "00042");
    CHECK(render("%02u", {12345, 0, "b", ""}) == "12345");  // zero padding never cuts
    CHECK(render("100%% %u", f) == "100% 42");
}

TEST_CASE("a UIDL format outside the subset is refused") {
    for (const char* bad : {"", "%m", "%{md5}", "%Mu", "%Eu", "%1.2u", "%-3u", "%", "%0", "%{uid", "%{env:HOME}", "%q",
                            "%999u"})
        CHECK_FALSE(DovecotUidlFormat::parse(bad));
    CHECK(DovecotUidlFormat::parse("plain"));
}

TEST_CASE("dovecot-uidlist version 3: UIDVALIDITY, UIDs, extension fields, base names") {
    uint32_t validity = 0;
    std::optional<ListError> error;
    auto records = dovecot_records(
        "3 V1700000000 N5 G0123456789abcdef0123456789abcdef\n"
        "1 :1700000001.M1.host\n"
        "2 W1234 S1200 :1700000002.M2.host,S=1200,W=1234:2,S\n"
        "4 P G00ff Xunknown :1700000004.M4.host\n"
        "5 Psaved-uidl :1700000005.M5.host\n",
        validity, error);
    CHECK_FALSE(error);
    CHECK(validity == 1700000000);
    REQUIRE(records.size() == 4);
    CHECK(records[0].uid == 1);
    CHECK(records[0].base_name == "1700000001.M1.host");
    CHECK_FALSE(records[0].saved_uidl);
    CHECK(records[1].base_name == "1700000002.M2.host,S=1200,W=1234");
    CHECK(records[2].uid == 4);
    CHECK(records[2].guid == "00ff");
    REQUIRE(records[2].saved_uidl);
    CHECK(records[2].saved_uidl->empty());
    CHECK(*records[3].saved_uidl == "saved-uidl");
}

TEST_CASE("dovecot-uidlist version 1, and a last line still being appended") {
    uint32_t validity = 0;
    std::optional<ListError> error;
    auto records = dovecot_records("1 1234 10\n3 1700000003.M3.host:2,\n9 1700000009.M9", validity, error);
    CHECK_FALSE(error);
    CHECK(validity == 1234);
    REQUIRE(records.size() == 1);
    CHECK(records[0].uid == 3);
    CHECK(records[0].base_name == "1700000003.M3.host");
}

TEST_CASE("a dovecot-uidlist Dovecot would call corrupted gives no UIDL, and says where") {
    auto error_of = [](std::string_view text) {
        uint32_t validity = 0;
        std::optional<ListError> error;
        dovecot_records(text, validity, error);
        return error;
    };
    for (const char* header : {"", "2 V1 N2\n", "3 N2\n", "3 V0 N2\n", "3 V1\n", "1 1\n", "x\n"}) {
        auto error = error_of(header);
        REQUIRE(error);
        CHECK(error->line == 1);
    }
    for (const char* body : {"2 :a\n1 :b\n", "1 :a\n1 :b\n", "0 :a\n", "1 W1\n", "1 :a/b\n", "x :a\n", "1:a\n",
                             "4294967295 :a\n"}) {
        auto error = error_of(std::string("3 V1 N9\n") + body);
        REQUIRE(error);
        CHECK(error->line >= 2);
    }
    REQUIRE(error_of("1 5 3\n3 a\n"));  // version 1: a UID at or above the next UID
}

TEST_CASE("courierpop3dsizelist versions 2 and 3; a line that does not parse is skipped, as Courier skips it") {
    std::vector<CourierRecord> records;
    auto error = parse_courier_sizelist(
        "/3 4 1699999999\n"
        "1700000001.M1.host:2,S 1200 1:1699999999:0\n"
        "broken line\n"
        "1700000002.M2.host 300 2:1699999999\n"
        "1700000003.M3.host 300 0:1699999999:0\n"
        "1700000004.M4.host 300 3:0:1\n",
        [&](const CourierRecord& r) { records.push_back(r); });
    CHECK_FALSE(error);
    REQUIRE(records.size() == 3);
    CHECK(records[0].base_name == "1700000001.M1.host");
    CHECK(records[0].uid == 1);
    CHECK(records[0].uid_validity == 1699999999);
    CHECK(records[1].base_name == "1700000002.M2.host");
    CHECK(records[2].uid_validity == 0);
    for (const char* header : {"", "/1 4 5\n", "3 4 5\n", "/3\n", "/3 x\n"})
        CHECK(parse_courier_sizelist(header, [](const CourierRecord&) {}));
}

TEST_CASE("a list that cannot be read in time is not read, and says so; one that is no file counts as read") {
    test::TempMaildir md;
    md.put("dovecot-uidlist", "3 V16 N9\n1 :m1\n");
    UidlSettings settings;
    settings.sources = {UidlSource::dovecot};
    Fd dir(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
    MigratedUidls late;
    ListsRead read;
    auto log = test::capture_stderr([&] { read = late.load(dir.get(), settings, 1000, Deadline::after_ms(0)); });
    CHECK(read.timed_out);
    CHECK_FALSE(read.complete());
    CHECK_THAT(log, Catch::Contains("uidl-list-ignored file=dovecot-uidlist reason=too-slow"));

    std::filesystem::remove(md.path() / "dovecot-uidlist");
    std::filesystem::create_symlink("elsewhere", md.path() / "dovecot-uidlist");
    MigratedUidls linked;
    log = test::capture_stderr([&] { read = linked.load(dir.get(), settings, 1000, Deadline::never()); });
    CHECK(read.complete());
    CHECK(linked.size() == 0);
    CHECK_THAT(log, Catch::Contains("reason=symbolic-link"));
}

TEST_CASE("POSTERN_UIDL_SOURCES names each source once") {
    CHECK(parse_uidl_sources("")->empty());
    CHECK(*parse_uidl_sources("courier,dovecot") == std::vector{UidlSource::courier, UidlSource::dovecot});
    for (const char* bad : {"dovecot,dovecot", "qmail", "dovecot,", ",courier", "Dovecot", "dovecot courier"})
        CHECK_FALSE(parse_uidl_sources(bad));
}

TEST_CASE("migrated UIDLs: the first source that lists a message gives its UIDL; in a list the last line wins") {
    test::TempMaildir md;
    md.put("dovecot-uidlist", "3 V16 N9\n1 :m1\n2 :m2\n3 Pm1-again :m1\n");
    md.put("courierpop3dsizelist", "/2 9 5\nm2 10 7:5\nm3:2,S 10 8:5\n");
    MigratedUidls dovecot_first = load(md, "dovecot,courier");
    CHECK(dovecot_first.find("m1") == "m1-again");
    CHECK(dovecot_first.find("m2") == "0000000200000010");
    CHECK(dovecot_first.find("m3") == "UID8-5");
    CHECK_FALSE(dovecot_first.find("m4"));
    MigratedUidls courier_first = load(md, "courier,dovecot");
    CHECK(courier_first.find("m2") == "UID7-5");
    CHECK(courier_first.find("m1") == "m1-again");
    CHECK(load(md, "").size() == 0);
}

TEST_CASE("migrated UIDLs: an unprintable or overlong UIDL, a damaged or missing list give none; nothing is written") {
    test::TempMaildir md;
    md.put("dovecot-uidlist", "3 V16 N9\n1 :m1\n2 :m2\n");
    CHECK(load(md, "dovecot", "%u %v").size() == 0);  // a space is not allowed in a UIDL
    std::string many_names;  // 2 bytes each: 256 in all, longer than any file name
    for (int i = 0; i < 128; ++i) many_names += "%f";
    CHECK(load(md, "dovecot", many_names).size() == 0);
    // Longer than RFC 1939's 70, as Dovecot's %f gives for a long file name: kept, as its clients know it.
    CHECK(load(md, "dovecot", std::string(99, 'n') + "%f").find("m1") == std::string(99, 'n') + "m1");
    CHECK(load(md, "courier").size() == 0);
    md.put("dovecot-uidlist", "3 V16 N9\n1 :m1\n1 :m2\n");
    auto log = test::capture_stderr([&] { CHECK(load(md, "dovecot").size() == 0); });
    CHECK_THAT(log, Catch::Contains("uidl-list-ignored file=dovecot-uidlist reason=uids-not-ascending line=3"));
    CHECK(std::filesystem::file_size(md.path() / "dovecot-uidlist") == 21);
}
