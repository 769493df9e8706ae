#include <catch2/catch.hpp>

#include <fcntl.h>
#include <fstream>
#include <sstream>

#include "capture.hpp"
#include "fd.hpp"
#include "maildir_scan.hpp"
#include "pop3d/maildir_cache.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {
MessageList scan(const test::TempMaildir& md, Fd& dir) {
    dir.reset(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
    MessageList list;
    REQUIRE(!scan_maildir(dir.get(), list, 1000).failure);
    list.sort_by_delivery();
    return list;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

const DirStamps stamps{"1:2:3.4:5.6 1:7:8.9:10.11"};
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

TEST_CASE("the cache records names, sizes and stamps, and gives the sizes back") {
    test::TempMaildir md;
    md.put("cur/1.a.h:2,", "");
    md.put("cur/2.b.h:2,S", "");
    Fd dir;
    MessageList list = scan(md, dir);
    list[0].size = 10;
    list[1].size = 20;
    REQUIRE(write_maildir_cache(dir.get(), list, stamps));
    CHECK(slurp(md.path() / maildir_cache_file) ==
          "postern-cache 3\ndirs 1:2:3.4:5.6 1:7:8.9:10.11\nmessages 2 30\n10  1.a.h:2,\n20  2.b.h:2,S\nend 2\n");

    std::filesystem::rename(md.path() / "cur/2.b.h:2,S", md.path() / "cur/2.b.h:2,RS");  // flags change, sizes do not
    MessageList again = scan(md, dir);
    CacheUse use = apply_cached_sizes(dir.get(), again);
    CHECK(use.present);
    CHECK(use.hits == 2);
    CHECK(use.stale == 0);
    CHECK(use.dirs == stamps.text);
    CHECK(again[0].size == 10);
    CHECK(again[1].size == 20);
}

TEST_CASE("with unchanged stamps the summary comes first, the listing when asked for") {
    test::TempMaildir md;
    md.put(maildir_cache_file,
           "postern-cache 3\ndirs " + stamps.text + "\nmessages 2 30\n10  1.a.h:2,\n20  2.b.h:2,S\nend 2\n");
    Fd dir(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
    auto cached = open_cached_listing(dir.get(), stamps, 1000);
    REQUIRE(cached);
    CHECK(cached->count == 2);
    CHECK(cached->octets == 30);

    // The open file is the snapshot: a cache written since (renamed into place) does not change it.
    md.put("tmp/cache", "postern-cache 3\ndirs " + stamps.text + "\nmessages 0 0\nend 0\n");
    std::filesystem::rename(md.path() / "tmp/cache", md.path() / maildir_cache_file);
    MessageList list;
    UidlColumn uidls;
    REQUIRE(read_cached_listing(*cached, list, uidls));
    REQUIRE(list.count() == 2);
    CHECK(list.name(1) == "2.b.h:2,S");
    CHECK(list.base(1) == "2.b.h");
    CHECK(list[1].size == 20);
}

TEST_CASE("the cache keeps the UIDLs the lists gave, beside the names") {
    test::TempMaildir md;
    md.put("cur/1.a.h:2,", "");
    md.put("cur/2.b.h:2,S", "");
    md.put("cur/3.c.h:2,", "");
    Fd dir;
    MessageList list = scan(md, dir);
    for (size_t i = 0; i < 3; ++i) list[i].size = 10;
    UidlColumn uidls;
    uidls.add(0, "0000000100000010");
    uidls.add(2, "UID3-16");
    REQUIRE(write_maildir_cache(dir.get(), list, stamps, uidls));
    CHECK(slurp(md.path() / maildir_cache_file) == "postern-cache 3\ndirs " + stamps.text +
                                                       "\nmessages 3 30\n10 0000000100000010 1.a.h:2,\n10  2.b.h:2,S\n"
                                                       "10 UID3-16 3.c.h:2,\nend 3\n");
    auto cached = open_cached_listing(dir.get(), stamps, 1000);
    REQUIRE(cached);
    MessageList listed;
    UidlColumn read;
    REQUIRE(read_cached_listing(*cached, listed, read));
    REQUIRE(listed.count() == 3);
    CHECK(read.at(0) == "0000000100000010");
    CHECK(read.at(1).empty());
    CHECK(read.at(2) == "UID3-16");
    CHECK(read.at(3).empty());
}

TEST_CASE("a cache for other stamps, not settled, or over the limit is not used") {
    test::TempMaildir md;
    md.put(maildir_cache_file,
           "postern-cache 3\ndirs " + stamps.text + "\nmessages 2 30\n10  1.a.h:2,\n20  2.b.h:2,S\nend 2\n");
    Fd dir(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
    CHECK_FALSE(open_cached_listing(dir.get(), DirStamps{"1:2:3.4:5.6 1:7:8.9:10.12"}, 1000));
    CHECK_FALSE(open_cached_listing(dir.get(), DirStamps{"-"}, 1000));
    CHECK_FALSE(open_cached_listing(dir.get(), stamps, 1));  // over the limit: scan instead

    md.put(maildir_cache_file, "postern-cache 3\ndirs -\nmessages 1 10\n10  1.a.h:2,\nend 1\n");
    CHECK_FALSE(open_cached_listing(dir.get(), DirStamps{"-"}, 1000));
}

TEST_CASE("stale cache entries are counted, missing ones stay unknown") {
    test::TempMaildir md;
    md.put("cur/2.b.h:2,", "");
    md.put("cur/4.d.h:2,", "");
    md.put(maildir_cache_file,
           "postern-cache 3\ndirs -\nmessages 3 60\n10  1.a.h:2,\n20  2.b.h:2,\n30  3.c.h:2,S\nend 3\n");
    Fd dir;
    MessageList list = scan(md, dir);
    CacheUse use = apply_cached_sizes(dir.get(), list);
    CHECK(use.hits == 1);
    CHECK(use.stale == 2);
    CHECK(list[0].size == 20);
    CHECK(list[1].size == unknown_size);
}

TEST_CASE("a damaged, foreign or hostile cache is ignored") {
    const std::string head = "postern-cache 3\ndirs " + stamps.text + "\n";
    for (const std::string& text : {head + "messages 1 10\n10  1.a.h:2,\nend 2\n",        // trailer disagrees
                             head + "messages 1 10\n10  1.a.h:2,\n",               // cut short
                             head + "messages 2 10\n10  1.a.h:2,\nend 1\n",        // summary's count disagrees
                             head + "messages 1 11\n10  1.a.h:2,\nend 1\n",        // summary's octets disagree
                             head + "messages 1\n10  1.a.h:2,\nend 1\n",           // summary malformed
                             head + "10 1.a.h:2,\nend 1\n",                       // no summary
                             "postern-cache 1\ndirs " + stamps.text + "\n10  1.a.h:2,\nend 1\n",  // older format
                             std::string("other 1\ndirs -\nmessages 1 10\n10  1.a.h:2,\nend 1\n"),
                             head + "messages 1 10\nten  1.a.h:2,\nend 1\n",
                             head + "messages 1 10\n10  ../1.a.h:2,\nend 1\n",
                             head + "messages 1 10\n10  1.a.h:2,\nend 1\n10  1.a.h:2,\n",
                             head + "messages 1 10\n10 1.a.h:2,\nend 1\n",       // version 2's entry
                             head + "messages 1 10\n10 a\tb 1.a.h:2,\nend 1\n", // a UIDL RFC 1939 does not allow
                             head + "messages 2 20\n10 u1 1.a.h:2,\n10 u2 2.a.h:2,\nend 2\n" + std::string(600, 'x') + "\n"}) {
        test::TempMaildir md;
        md.put("cur/1.a.h:2,", "");
        md.put(maildir_cache_file, text);
        Fd dir;
        MessageList list = scan(md, dir);
        CAPTURE(text);
        CHECK_FALSE(apply_cached_sizes(dir.get(), list).present);
        CHECK(list[0].size == unknown_size);
        // Damage in the header is seen at once; damage further on when the listing is read.
        auto cached = open_cached_listing(dir.get(), stamps, 1000);
        MessageList listed;
        UidlColumn uidls;
        CHECK_FALSE((cached && read_cached_listing(*cached, listed, uidls)));
        CHECK(listed.count() == 0);
        CHECK(uidls.empty());
    }
}

TEST_CASE("the cache is written in a temporary file of this pid on this host only") {
    CHECK(temp_cache_name(42, "node1.example.org") == "tmp/postern-cache.42.node1.example.org");
    CHECK(temp_cache_name(42, "a/b:c d") == "tmp/postern-cache.42.a_b_c_d");
    CHECK(temp_cache_name(42, "") == "tmp/postern-cache.42");
    CHECK(temp_cache_name(42, std::string(100, 'h')) == "tmp/postern-cache.42." + std::string(64, 'h'));

    // Sessions with our pid on machines that share the Maildir are writing
    // theirs (under an older postern's name, and under this one's): both stay.
    test::TempMaildir md;
    md.put("cur/1.a.h:2,", "");
    std::string pid = std::to_string(::getpid());
    md.put("tmp/postern-cache." + pid, "another machine's, half written");
    md.put("tmp/postern-cache." + pid + ".other-node", "another machine's, half written");
    Fd dir;
    MessageList list = scan(md, dir);
    list[0].size = 10;
    REQUIRE(write_maildir_cache(dir.get(), list, stamps));
    CHECK(slurp(md.path() / "tmp" / ("postern-cache." + pid)) == "another machine's, half written");
    CHECK(slurp(md.path() / "tmp" / ("postern-cache." + pid + ".other-node")) == "another machine's, half written");
    CHECK(slurp(md.path() / maildir_cache_file).starts_with("postern-cache 3\n"));
    auto in_tmp = std::distance(std::filesystem::directory_iterator(md.path() / "tmp"), {});
    CHECK(in_tmp == 2);  // ours was renamed into place
}
