// lib/cdb: the files Debian's tcprules writes, and files cut short or damaged.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "cdb.hpp"
#include "tcprules_fixtures.hpp"

using namespace postern;
using namespace postern::test;

namespace {

Cdb open_ok(const std::string& bytes) {
    std::string why;
    auto db = open_cdb(bytes, why);
    INFO(why);
    REQUIRE(db);
    return std::move(*db);
}

// The data under `key`, or "(absent)" / "(failed: why)".
std::string lookup(const Cdb& db, std::string_view key) {
    std::string data, why;
    switch (db.find(key, data, why)) {
        case Cdb::Lookup::found: return data;
        case Cdb::Lookup::absent: return "(absent)";
        case Cdb::Lookup::failed: return "(failed: " + why + ")";
    }
    return "";
}

std::string refusal(const std::string& bytes, CdbLimits limits = {}) {
    std::string why;
    auto db = open_cdb(bytes, why, limits);
    return db ? "(opened)" : why;
}

// many.cdb's key for rule i (make.sh).
std::string many_key(int i) {
    return "10." + std::to_string(i / 100) + "." + std::to_string(i % 100) + "." + std::to_string(i % 7);
}

// Where the first slot in use is in the file.
size_t first_used_slot(const std::string& bytes) {
    for (size_t table = 0; table < 256; ++table) {
        uint32_t position = get32(bytes, 8 * table), slots = get32(bytes, 8 * table + 4);
        for (uint32_t s = 0; s < slots; ++s)
            if (get32(bytes, position + 8 * s + 4) != 0) return position + 8 * s;
    }
    return 0;
}

}  // namespace

TEST_CASE("cdb: djb's hash") {
    CHECK(cdb_hash("") == 5381);
    CHECK(cdb_hash("a") == ((5381u * 33) ^ 'a'));
    CHECK(cdb_hash("\xff") == ((5381u * 33) ^ 0xffu));  // bytes are unsigned
    CHECK(cdb_hash("127.0.0.1") == 0x5478120eu);
}

TEST_CASE("cdb: tcprules' records are found by their keys") {
    Cdb db = open_ok(fixture("rules-v4.cdb"));
    CHECK(db.records() == 17);  // 15 lines, a range of 3 among them
    CHECK(lookup(db, "127.0.0.2") == std::string("D\0", 2));
    CHECK(lookup(db, "127.0.0.3") == std::string("+RULE=exact\0+TCPREMOTEIP=spoofed\0", 33));
    for (const char* key : {"127.0.0.10", "127.0.0.11", "127.0.0.12"})
        CHECK(lookup(db, key) == std::string("+RULE=range\0", 12));
    CHECK(lookup(db, "127.0.0.13") == "(absent)");
    CHECK(lookup(db, "127.0.0.20") == std::string("+RULE=first\0", 12));  // a key twice: the first line's
    CHECK(lookup(db, "=") == std::string("+RULE=any-name\0", 15));
    CHECK(lookup(db, "") == std::string("+RULE=default\0+EMPTY=\0", 22));
    CHECK(lookup(db, "127.0.0") == "(absent)");
    CHECK(lookup(db, "127.0.0.2 ") == "(absent)");
}

TEST_CASE("cdb: IPv6 keys from ucspi-tcp-ipv6's tcprules are as written") {
    Cdb db = open_ok(fixture("rules-v6.cdb"));
    CHECK(db.records() == 7);
    CHECK(lookup(db, "2001:db8::1:1:1:1:1") == std::string("+RULE=single-zero-group\0", 24));
    CHECK(lookup(db, "2001:db8:5:") == std::string("+RULE=prefix\0", 13));
    CHECK(lookup(db, "::1") == std::string("+RULE=loopback\0+X=a:b\0", 22));
    CHECK(lookup(db, "2001:db8::7") == std::string("D\0", 2));
    CHECK(lookup(db, "") == std::string("D\0", 2));
}

TEST_CASE("cdb: 400 records, every one found past the collisions") {
    Cdb db = open_ok(fixture("many.cdb"));
    CHECK(db.records() == 400);
    for (int i = 0; i < 400; ++i) {
        std::string key = many_key(i);
        CAPTURE(key);
        CHECK(lookup(db, key) == "+N=" + std::to_string(i) + std::string(1, '\0'));
    }
    CHECK(lookup(db, "10.9.9.9") == "(absent)");
    CHECK(lookup(db, "") == "(absent)");
}

TEST_CASE("cdb: every key in file order, cut to a length") {
    Cdb db = open_ok(fixture("rules-v4.cdb"));
    std::vector<std::string> keys;
    std::string why;
    REQUIRE(db.for_each_key(9, [&](std::string_view key) { keys.emplace_back(key); }, why));
    REQUIRE(keys.size() == 17);
    CHECK(keys[0] == "127.0.0.2");
    CHECK(keys[2] == "127.0.0.1");  // 127.0.0.10, the range's first, cut to 9 bytes
    CHECK(keys[8] == "127.1.");
    CHECK(keys[16].empty());  // the default line's key
}

TEST_CASE("cdb: an empty database is its header alone") {
    Cdb db = open_ok(fixture("empty.cdb"));
    CHECK(db.records() == 0);
    CHECK(lookup(db, "") == "(absent)");
}

TEST_CASE("cdb: a file cut short anywhere is refused") {
    std::string whole = fixture("many.cdb");
    for (size_t length : {size_t(0), size_t(1), size_t(2047)}) {
        CAPTURE(length);
        CHECK(refusal(whole.substr(0, length)) ==
              "truncated: " + std::to_string(length) + " bytes, less than the 2048-byte header");
    }
    // The tables come last: a cut anywhere past the header leaves one outside the file.
    for (size_t length : {size_t(2048), size_t(2049), whole.size() / 2, whole.size() - 8, whole.size() - 1}) {
        CAPTURE(length);
        CHECK(refusal(whole.substr(0, length)).find("lies outside the file (truncated?)") != std::string::npos);
    }
}

TEST_CASE("cdb: damaged files are refused with the reason") {
    std::string good = fixture("rules-v4.cdb");

    std::string bad = good;
    put32(bad, 8 * 3, 100);  // table 3 inside the header
    CHECK(refusal(bad) == "hash table 3 lies outside the file (truncated?)");

    bad = good;
    put32(bad, 2048 + 4, 0x7fffffff);  // the first record's data length
    CHECK(refusal(bad) == "record at byte 2048 has 2147483647 bytes of data, more than 65536");
    put32(bad, 2048 + 4, 60000);
    CHECK(refusal(bad) == "record at byte 2048 runs into the hash tables");

    bad = good;
    put32(bad, 2048, get32(good, 2048) + 1);  // a key one byte longer: the records no longer line up
    CHECK(refusal(bad) == "record at byte 2068 has 822083584 bytes of data, more than 65536");

    size_t slot = first_used_slot(good);
    REQUIRE(slot != 0);
    bad = good;
    put32(bad, slot + 4, 12);  // a record inside the header
    CHECK(refusal(bad) == "slot at byte " + std::to_string(slot) + " points outside the records");
    bad = good;
    put32(bad, slot + 4, uint32_t(good.size() - 4));
    CHECK(refusal(bad) == "slot at byte " + std::to_string(slot) + " points outside the records");
    bad = good;
    put32(bad, slot, get32(good, slot) ^ 1);  // a hash that belongs in the next table
    CHECK(refusal(bad) == "slot at byte " + std::to_string(slot) + " is in the wrong hash table");
}

TEST_CASE("cdb: the limits on the file and on one record's data") {
    CHECK(refusal(fixture("many.cdb"), CdbLimits{4096, 65536}) == "larger than 4096 bytes");
    CHECK(refusal(fixture("rules-v4.cdb"), CdbLimits{1 << 20, 35}) ==
          "record at byte 2393 has 36 bytes of data, more than 35");
    CHECK(refusal(fixture("rules-v4.cdb"), CdbLimits{1 << 20, 36}) == "(opened)");
}

TEST_CASE("cdb: only a regular file is read") {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    ::close(pipe_fds[1]);
    std::string why;
    CHECK_FALSE(Cdb::open(Fd(pipe_fds[0]), why));
    CHECK(why == "not a regular file");
}

TEST_CASE("cdb: a file cut short after it was checked fails the lookup, never reads past it") {
    std::string bytes = fixture("rules-v4.cdb");
    Fd fd = memory_file(bytes);
    int raw = fd.get();
    std::string why;
    auto db = Cdb::open(std::move(fd), why);
    REQUIRE(db);
    REQUIRE(::ftruncate(raw, 2048) == 0);
    CHECK(lookup(*db, "127.0.0.2").rfind("(failed: the file changed since it was checked", 0) == 0);
}

TEST_CASE("cdb: random damage is refused or read within the file") {
    std::string good = fixture("many.cdb");
    std::mt19937 random(1413);
    for (int round = 0; round < 300; ++round) {
        std::string bytes = good;
        for (int flips = 1 + int(random() % 4); flips > 0; --flips)
            bytes[random() % bytes.size()] ^= char(1 + random() % 255);
        std::string why;
        auto db = open_cdb(bytes, why);
        if (!db) {
            CHECK_FALSE(why.empty());
            continue;
        }
        for (int i = 0; i < 400; i += 7) {
            std::string data;
            Cdb::Lookup found = db->find(many_key(i), data, why);
            CHECK(found != Cdb::Lookup::failed);  // nothing changed after the check
            if (found == Cdb::Lookup::found) CHECK(data.size() <= 65536);
        }
    }
}
