#include <catch2/catch.hpp>

#include <fcntl.h>
#include <fstream>
#include <sstream>

#include "capture.hpp"
#include "fd.hpp"
#include "maildir_scan.hpp"
#include "pop3d/size_cache.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {
MessageList scan(const test::TempMaildir& md, Fd& dir) {
    dir.reset(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
    MessageList list;
    REQUIRE(scan_maildir(dir.get(), list, 1000).error == 0);
    list.sort_by_delivery();
    return list;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}
}  // namespace

TEST_CASE("scanning moves new/ to cur/ and lists in delivery order") {
    test::TempMaildir md;
    md.put("new/1700000002.b.host", "x\n");
    md.put("new/1700000001.z.host", "x\n");
    md.put("cur/1700000001.a.host:2,S", "x\n");
    md.put("cur/.hidden", "x\n");
    md.put("tmp/1700000000.t.host", "x\n");
    Fd dir;
    MessageList list = scan(md, dir);
    REQUIRE(list.count() == 3);
    CHECK(list.name(0) == "1700000001.a.host:2,S");
    CHECK(list.name(1) == "1700000001.z.host:2,");
    CHECK(list.name(2) == "1700000002.b.host:2,");
    CHECK(md.exists("cur/1700000002.b.host:2,"));
    CHECK_FALSE(md.exists("new/1700000002.b.host"));
}

TEST_CASE("the size cache round-trips and fills unknown sizes") {
    test::TempMaildir md;
    md.put("cur/1.a.h:2,", "");
    md.put("cur/2.b.h:2,", "");
    md.put("cur/3.c.h,W=77:2,", "");
    Fd dir;
    MessageList list = scan(md, dir);
    list[0].size = 10;
    list[1].size = 20;
    REQUIRE(write_size_cache(dir.get(), list));
    CHECK(slurp(md.path() / size_cache_file) == "postern-sizes 1\n10 1.a.h\n20 2.b.h\nend 2\n");

    MessageList again = scan(md, dir);
    SizeCacheUse use = apply_size_cache(dir.get(), again);
    CHECK(use.present);
    CHECK(use.hits == 2);
    CHECK(use.stale == 0);
    CHECK(again[0].size == 10);
    CHECK(again[1].size == 20);
    CHECK(again[2].size == 77);
}

TEST_CASE("stale cache entries are counted, missing ones stay unknown") {
    test::TempMaildir md;
    md.put("cur/2.b.h:2,", "");
    md.put("cur/4.d.h:2,", "");
    md.put(size_cache_file, "postern-sizes 1\n10 1.a.h\n20 2.b.h\n30 3.c.h\nend 3\n");
    Fd dir;
    MessageList list = scan(md, dir);
    SizeCacheUse use = apply_size_cache(dir.get(), list);
    CHECK(use.hits == 1);
    CHECK(use.stale == 2);
    CHECK(list[0].size == 20);
    CHECK(list[1].size == unknown_size);
}

TEST_CASE("a damaged or foreign cache is ignored") {
    for (const char* text : {"postern-sizes 1\n10 1.a.h\nend 2\n", "postern-sizes 1\n10 1.a.h\n", "other 1\n10 1.a.h\nend 1\n",
                             "postern-sizes 1\nten 1.a.h\nend 1\n"}) {
        test::TempMaildir md;
        md.put("cur/1.a.h:2,", "");
        md.put(size_cache_file, text);
        Fd dir;
        MessageList list = scan(md, dir);
        CAPTURE(text);
        CHECK_FALSE(apply_size_cache(dir.get(), list).hits);
        CHECK(list[0].size == unknown_size);
    }
}
