#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string>
#include <vector>

#include "capture.hpp"
#include "message_encoding.hpp"
#include "message_file.hpp"
#include "message_list.hpp"

using namespace postern;

namespace {
MessageSize size_of(const test::TempMaildir& md, const char* name, uint64_t limit = unknown_size,
                    Deadline deadline = Deadline::never()) {
    Fd dir(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
    std::vector<char> buffer(4096);
    return transmitted_size_of(dir.get(), "cur", name, buffer, limit, deadline);
}

// The transmitted size of `content`, counted from its bytes.
uint64_t counted(const std::string& content) {
    TransmitSizeCounter counter;
    counter.feed(content);
    return counter.total();
}
}  // namespace

TEST_CASE("a FIFO or a directory is refused without blocking, a regular file opens with its size") {
    test::TempMaildir md;
    REQUIRE(::mkfifo((md.path() / "cur/fifo").c_str(), 0600) == 0);
    md.put("cur/plain", "12345");
    Fd dir(::open(md.path().c_str(), O_RDONLY | O_DIRECTORY));
    RegularFile fifo = open_regular_file(dir.get(), "cur/fifo");  // would block for ever without O_NONBLOCK
    CHECK(fifo.not_regular);
    CHECK_FALSE(fifo);
    CHECK(open_regular_file(dir.get(), "cur").not_regular);
    RegularFile plain = open_regular_file(dir.get(), "cur/plain");
    REQUIRE(plain);
    CHECK(plain.size() == 5);
    RegularFile missing = open_regular_file(dir.get(), "cur/none");
    CHECK_FALSE(missing.not_regular);
    CHECK(missing.error == ENOENT);
    CHECK(size_of(md, "fifo").status == MessageSize::not_regular);
}

TEST_CASE("a file as large as the limit on disk is too large, without being read") {
    test::TempMaildir md;
    md.put("cur/m", "0123456789\n");
    CHECK(size_of(md, "m").octets == 12);
    MessageSize size = size_of(md, "m", 11);
    CHECK(size.status == MessageSize::too_large);
    CHECK(size.octets == 11);  // the size on disk: nothing was counted
    // An expired deadline would have stopped any reading: the size on disk alone decided.
    CHECK(size_of(md, "m", 11, Deadline::after_ms(0)).status == MessageSize::too_large);
    md.put("cur/long", std::string(10000, 'x'));  // more than the buffer: read in three chunks
    CHECK(size_of(md, "long", unknown_size, Deadline::after_ms(0)).status == MessageSize::timed_out);
    CHECK(size_of(md, "long").octets == 10002);
    // CRLF makes it reach the limit only once counted.
    CHECK(size_of(md, "m", 12).status == MessageSize::too_large);
}

TEST_CASE("holes in a sparse file are counted as the zeros they read as") {
    test::TempMaildir md;
    std::string path = (md.path() / "cur/sparse").string();
    Fd file(::open(path.c_str(), O_WRONLY | O_CREAT, 0600));
    // data ending in CR, a hole of 1 MiB, data starting with LF (no pair: the hole is between), a final hole
    std::string head = "Subject: s\n\nline\r";
    std::string tail = "\nmore\nlast";
    REQUIRE(::pwrite(file.get(), head.data(), head.size(), 0) == ssize_t(head.size()));
    off_t tail_at = off_t(head.size()) + (1 << 20);
    REQUIRE(::pwrite(file.get(), tail.data(), tail.size(), tail_at) == ssize_t(tail.size()));
    off_t end = tail_at + off_t(tail.size()) + (1 << 20);
    REQUIRE(::ftruncate(file.get(), end) == 0);
    std::string whole = head + std::string(1 << 20, '\0') + tail + std::string(1 << 20, '\0');
    CHECK(size_of(md, "sparse").octets == counted(whole));

    // A file of holes only.
    Fd empty(::open((md.path() / "cur/holes").c_str(), O_WRONLY | O_CREAT, 0600));
    REQUIRE(::ftruncate(empty.get(), 100000) == 0);
    CHECK(size_of(md, "holes").octets == counted(std::string(100000, '\0')));
}

TEST_CASE("a terabyte sparse file is sized at once, or refused at the limit from its size on disk") {
    test::TempMaildir md;
    Fd big(::open((md.path() / "cur/tera").c_str(), O_WRONLY | O_CREAT, 0600));
    if (::ftruncate(big.get(), off_t(unknown_size - 10)) != 0) {
        WARN("this file system takes no sparse file of a terabyte");
        return;
    }
    REQUIRE(::pwrite(big.get(), "x\n", 2, 0) == 2);
    Deadline five_seconds = Deadline::after_seconds(5);  // reading it would take many minutes
    MessageSize size = size_of(md, "tera", unknown_size, five_seconds);
    CHECK(size.status == MessageSize::sized);
    CHECK(size.octets == unknown_size - 10 + 1 + 2);  // one CR added, and the unterminated last line's CRLF
    CHECK(size_of(md, "tera", unknown_size - 10).status == MessageSize::too_large);
}
