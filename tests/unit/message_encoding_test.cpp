#include <catch2/catch.hpp>

#include "capture.hpp"
#include "message_encoding.hpp"

using namespace postern;

namespace {
// The message as sent, feeding the encoder `chunk` bytes at a time.
std::string encode(std::string_view file, uint64_t body_lines = MessageEncoder::whole_message, size_t chunk = 1 << 20) {
    test::CapturedOutput capture;
    MessageEncoder encoder(capture.writer(), body_lines);
    for (size_t at = 0; at < file.size(); at += chunk)
        if (!encoder.feed(file.substr(at, chunk))) break;
    encoder.finish();
    return capture.text();
}

uint64_t size_of(std::string_view file, size_t chunk = 1 << 20) {
    TransmitSizeCounter counter;
    for (size_t at = 0; at < file.size(); at += chunk) counter.feed(file.substr(at, chunk));
    return counter.total();
}

// Octets as transmitted: the encoded form without its final ".\r\n" and without dot-stuffing.
uint64_t unstuffed_size(std::string encoded) {
    encoded.resize(encoded.size() - 3);
    uint64_t stuffed = 0;
    for (size_t at = 0; at < encoded.size(); at = encoded.find('\n', at) + 1) {
        if (encoded[at] == '.') ++stuffed;
        if (encoded.find('\n', at) == std::string::npos) break;
    }
    return encoded.size() - stuffed;
}
}  // namespace

TEST_CASE("LF files are sent with CRLF line ends") {
    CHECK(encode("Subject: a\n\nbody\n") == "Subject: a\r\n\r\nbody\r\n.\r\n");
}

TEST_CASE("CRLF files pass unchanged") {
    CHECK(encode("Subject: a\r\n\r\nbody\r\n") == "Subject: a\r\n\r\nbody\r\n.\r\n");
}

TEST_CASE("an unterminated last line gets a CRLF") {
    CHECK(encode("Subject: a\n\nno newline") == "Subject: a\r\n\r\nno newline\r\n.\r\n");
    CHECK(size_of("Subject: a\n\nno newline") == std::string("Subject: a\r\n\r\nno newline\r\n").size());
}

TEST_CASE("an empty file is an empty message") {
    CHECK(encode("") == ".\r\n");
    CHECK(size_of("") == 0);
}

TEST_CASE("lines starting with a dot are stuffed, and the size counts them once") {
    std::string file = ".hidden\n..two\nmid.dle\n.\n";
    CHECK(encode(file) == "..hidden\r\n...two\r\nmid.dle\r\n..\r\n.\r\n");
    CHECK(size_of(file) == std::string(".hidden\r\n..two\r\nmid.dle\r\n.\r\n").size());
}

TEST_CASE("8-bit bytes, NUL and bare CR pass through") {
    std::string file("a\0b\xff\rc\n", 7);
    std::string sent("a\0b\xff\rc\r\n.\r\n", 11);
    CHECK(encode(file) == sent);
    CHECK(size_of(file) == 8);
}

TEST_CASE("the size matches the bytes sent, whatever the chunking") {
    std::string file = "From: x\r\nTo: y\n\n.dot\r\nplain\n\r\n\rcr\n.end";
    std::string whole = encode(file);
    for (size_t chunk : {1, 2, 3, 5, 7, 64}) {
        CAPTURE(chunk);
        CHECK(encode(file, MessageEncoder::whole_message, chunk) == whole);
        CHECK(size_of(file, chunk) == unstuffed_size(whole));
    }
}

TEST_CASE("a CR and its LF split across chunks make one line end") {
    CHECK(encode("a\r\nb\r\n", MessageEncoder::whole_message, 2) == "a\r\nb\r\n.\r\n");
    CHECK(size_of("a\r\nb\r\n", 2) == 6);
}

TEST_CASE("TOP sends the headers, the blank line and n body lines") {
    std::string file = "H: 1\nH: 2\n\nline1\n.line2\nline3\n";
    CHECK(encode(file, 0) == "H: 1\r\nH: 2\r\n\r\n.\r\n");
    CHECK(encode(file, 2) == "H: 1\r\nH: 2\r\n\r\nline1\r\n..line2\r\n.\r\n");
    CHECK(encode(file, 99) == encode(file));
    CHECK(encode("H: 1\r\n\r\nb1\r\nb2\r\n", 1, 1) == "H: 1\r\n\r\nb1\r\n.\r\n");
}

TEST_CASE("TOP of a message without a body sends it whole") {
    CHECK(encode("H: 1\nH: 2", 0) == "H: 1\r\nH: 2\r\n.\r\n");
}
