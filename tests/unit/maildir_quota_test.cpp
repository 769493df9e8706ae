#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fstream>
#include <sstream>

#include "capture.hpp"
#include "fd.hpp"
#include "pop3d/maildir_quota.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {
std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

QuotaRecord record(test::TempMaildir& md, uint64_t bytes, uint64_t count) {
    Fd dir(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
    return record_removal(dir.get(), bytes, count);
}
}  // namespace

TEST_CASE("a maildirsize is appended to only with a quota line, a final newline, and under 5120 bytes") {
    CHECK(judge_maildirsize("200000S\n0 0\n", false) == QuotaFileState::appendable);
    CHECK(judge_maildirsize("200000S,1000C\n  1542   3\n", false) == QuotaFileState::appendable);
    CHECK(judge_maildirsize("1000C\n", false) == QuotaFileState::appendable);  // no size line yet
    CHECK(judge_maildirsize("0S\n0 0\n", false) == QuotaFileState::appendable);  // Dovecot's "no limit"
    CHECK(judge_maildirsize("200000S\n0 0\n", true) == QuotaFileState::too_large);
    CHECK(judge_maildirsize("", false) == QuotaFileState::no_quota_line);
    CHECK(judge_maildirsize("\n0 0\n", false) == QuotaFileState::no_quota_line);
    CHECK(judge_maildirsize("1542 3\n", false) == QuotaFileState::no_quota_line);
    CHECK(judge_maildirsize("200000\n0 0\n", false) == QuotaFileState::no_quota_line);
    CHECK(judge_maildirsize("200000S,\n0 0\n", false) == QuotaFileState::no_quota_line);
    CHECK(judge_maildirsize("S\n0 0\n", false) == QuotaFileState::no_quota_line);
    CHECK(judge_maildirsize("200000S\n0 0\n514", false) == QuotaFileState::unterminated);
    CHECK(judge_maildirsize("200000S", false) == QuotaFileState::unterminated);
}

TEST_CASE("the removal line has both numbers negative") {
    CHECK(removal_line(1542, 3) == "-1542 -3\n");
    CHECK(removal_line(0, 1) == "-0 -1\n");
}

TEST_CASE("a message's quota size is its S= size, else its size on disk, never the CRLF size") {
    test::TempMaildir md;
    md.put("cur/1.a.h,S=514,W=530:2,S", "short\n");
    md.put("cur/2.b.h:2,", "line one\nline two\n");
    Fd dir(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
    CHECK(quota_size_of(dir.get(), "cur", "1.a.h,S=514,W=530:2,S") == 514);
    CHECK(quota_size_of(dir.get(), "cur", "2.b.h:2,") == 18);  // 20 octets as POP3 sends it
    CHECK(quota_size_of(dir.get(), "cur", "3.gone.h:2,") == std::nullopt);
}

TEST_CASE("deletions are appended to a maildirsize in one line") {
    test::TempMaildir md;
    md.put("maildirsize", "200000S\n        1542            3\n");
    QuotaRecord r = record(md, 1028, 2);
    CHECK(r.outcome == QuotaOutcome::recorded);
    CHECK(read_all(md.path() / "maildirsize") == "200000S\n        1542            3\n-1028 -2\n");
}

TEST_CASE("a Maildir without maildirsize gets none") {
    test::TempMaildir md;
    CHECK(record(md, 100, 1).outcome == QuotaOutcome::no_file);
    CHECK_FALSE(md.exists("maildirsize"));
}

TEST_CASE("a maildirsize a reader must recalculate is left as it is") {
    test::TempMaildir md;
    SECTION("5120 bytes or more") {
        std::string big = "200000S\n";
        while (big.size() < maildirsize_limit) big += "       514            1\n";
        md.put("maildirsize", big);
        QuotaRecord r = record(md, 514, 1);
        CHECK(r.outcome == QuotaOutcome::not_recorded);
        CHECK(std::string(r.reason) == "too-large");
        CHECK(read_all(md.path() / "maildirsize") == big);
    }
    SECTION("just under 5120 bytes is still appended to") {
        std::string text = "200000S\n";
        text += std::string(maildirsize_limit - 1 - text.size() - 1, ' ') + "\n";
        md.put("maildirsize", text);
        CHECK(text.size() == maildirsize_limit - 1);
        CHECK(record(md, 514, 1).outcome == QuotaOutcome::recorded);
    }
    SECTION("no quota line") {
        md.put("maildirsize", "1542 3\n");
        QuotaRecord r = record(md, 514, 1);
        CHECK(std::string(r.reason) == "no-quota-line");
        CHECK(read_all(md.path() / "maildirsize") == "1542 3\n");
    }
    SECTION("empty") {
        md.put("maildirsize", "");
        CHECK(std::string(record(md, 514, 1).reason) == "no-quota-line");
        CHECK(read_all(md.path() / "maildirsize").empty());
    }
    SECTION("a last line without its newline") {
        md.put("maildirsize", "200000S\n0 0\n514");
        CHECK(std::string(record(md, 514, 1).reason) == "unterminated");
        CHECK(read_all(md.path() / "maildirsize") == "200000S\n0 0\n514");
    }
}

TEST_CASE("a maildirsize that is no plain file of its own is not written") {
    test::TempMaildir md;
    test::TempMaildir elsewhere;
    elsewhere.put("target", "200000S\n0 0\n");
    SECTION("a symlink") {
        REQUIRE(::symlink((elsewhere.path() / "target").c_str(), (md.path() / "maildirsize").c_str()) == 0);
        CHECK(std::string(record(md, 1, 1).reason) == "not-regular");
    }
    SECTION("a hard link") {
        REQUIRE(::link((elsewhere.path() / "target").c_str(), (md.path() / "maildirsize").c_str()) == 0);
        CHECK(std::string(record(md, 1, 1).reason) == "linked");
    }
    SECTION("a FIFO, without waiting on it") {
        REQUIRE(::mkfifo((md.path() / "maildirsize").c_str(), 0600) == 0);
        CHECK(std::string(record(md, 1, 1).reason) == "not-regular");
    }
    CHECK(read_all(elsewhere.path() / "target") == "200000S\n0 0\n");
}
