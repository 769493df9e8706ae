#include <catch2/catch.hpp>

#include <unistd.h>
#include <string>

#include "line_reader.hpp"

using namespace postern;

namespace {
struct Pipe {
    int fd[2];
    Pipe() { REQUIRE(pipe(fd) == 0); }
    ~Pipe() {
        ::close(fd[0]);
        if (fd[1] >= 0) ::close(fd[1]);
    }
    void send(const std::string& s) { REQUIRE(::write(fd[1], s.data(), s.size()) == ssize_t(s.size())); }
    void close_writer() {
        ::close(fd[1]);
        fd[1] = -1;
    }
};
}  // namespace

TEST_CASE("lines end in CRLF or LF") {
    Pipe p;
    p.send("STAT\r\nLIST 1\nQUIT\r\n");
    p.close_writer();
    LineReader in(p.fd[0], 255);
    std::string_view line;
    REQUIRE(in.read_line(line, Deadline::never()) == ReadStatus::line);
    CHECK(line == "STAT");
    REQUIRE(in.read_line(line, Deadline::never()) == ReadStatus::line);
    CHECK(line == "LIST 1");
    REQUIRE(in.read_line(line, Deadline::never()) == ReadStatus::line);
    CHECK(line == "QUIT");
    CHECK(in.read_line(line, Deadline::never()) == ReadStatus::eof);
}

TEST_CASE("an over-long line is dropped whole and the next line is read in step") {
    Pipe p;
    p.send(std::string(253, 'a') + "\r\n" + std::string(254, 'b') + "\r\n" + std::string(10000, 'c') + "\r\nNOOP\r\n");
    p.close_writer();
    LineReader in(p.fd[0], 255);
    std::string_view line;
    REQUIRE(in.read_line(line, Deadline::never()) == ReadStatus::line);  // 255 octets with CRLF: allowed
    CHECK(line.size() == 253);
    CHECK(in.read_line(line, Deadline::never()) == ReadStatus::too_long);
    CHECK(in.read_line(line, Deadline::never()) == ReadStatus::too_long);
    REQUIRE(in.read_line(line, Deadline::never()) == ReadStatus::line);
    CHECK(line == "NOOP");
}

TEST_CASE("a silent peer times out") {
    Pipe p;
    LineReader in(p.fd[0], 255);
    std::string_view line;
    CHECK(in.read_line(line, Deadline::after_ms(50)) == ReadStatus::timeout);
}

TEST_CASE("exact mode leaves the bytes after the line unread") {
    Pipe p;
    p.send("USER a\r\nPASS b\r\nSTAT\r\n");
    p.close_writer();  // a reader that took too much then meets the end, not a wait
    LineReader in(p.fd[0], 255, true);
    std::string_view line;
    REQUIRE(in.read_line(line, Deadline::never()) == ReadStatus::line);
    REQUIRE(in.read_line(line, Deadline::never()) == ReadStatus::line);
    CHECK(line == "PASS b");
    CHECK_FALSE(in.has_buffered_input());
    char rest[16] = {};
    CHECK(::read(p.fd[0], rest, sizeof rest) == 6);
    CHECK(std::string(rest) == "STAT\r\n");
}
