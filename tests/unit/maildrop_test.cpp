#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include "capture.hpp"
#include "pop3d/maildrop.hpp"

using namespace postern;
using namespace postern::pop3d;

TEST_CASE("loading a maildrop stops at its deadline") {
    test::TempMaildir md;
    md.put("cur/1700000001.a.h:2,", "Subject: a\n\n");
    md.put("new/1700000002.b.h", "Subject: b\n\n");
    Maildrop drop;
    REQUIRE(open_maildir(md.path().c_str(), false, drop).status == OpenStatus::ok);
    OpenResult loaded = load_maildrop(md.path().c_str(), 1000, Deadline::after_ms(0), drop);
    CHECK(loaded.status == OpenStatus::timed_out);
    CHECK(std::string(loaded.failure.step) == "scan");
    CHECK(md.exists("new/1700000002.b.h"));  // stopped before it moved anything

    Maildrop again;
    REQUIRE(open_maildir(md.path().c_str(), false, again).status == OpenStatus::ok);
    REQUIRE(load_maildrop(md.path().c_str(), 1000, Deadline::after_seconds(60), again).status == OpenStatus::ok);
    CHECK(again.count == 2);
}

TEST_CASE("a FIFO in place of the cache is neither read nor waited on") {
    test::TempMaildir md;
    md.put("cur/1700000001.a.h:2,", "Subject: a\n\n");
    REQUIRE(::mkfifo((md.path() / "postern-cache").c_str(), 0600) == 0);
    Maildrop drop;
    REQUIRE(open_maildrop(md.path().c_str(), false, 1000, drop).status == OpenStatus::ok);
    CHECK(drop.count == 1);
    CHECK(drop.files_read == 1);
    struct stat st{};
    REQUIRE(::stat((md.path() / "postern-cache").c_str(), &st) == 0);
    CHECK(S_ISREG(st.st_mode));  // replaced by the cache written after the scan
}
