// A message as POP3 sends it: every line ends in CRLF whether the file has LF
// or CRLF, an unterminated last line gets a CRLF, lines starting with '.' are
// dot-stuffed, and every other byte (8-bit, NUL, bare CR) passes unchanged.
// The octet count RFC 1939 asks for is of that form before dot-stuffing.
#pragma once
#include <cstdint>
#include <limits>
#include <string_view>

#include "writer.hpp"

namespace postern {

// Counts transmitted octets from a file's bytes, fed in chunks.
class TransmitSizeCounter {
public:
    void feed(std::string_view chunk);
    uint64_t total() const;

private:
    uint64_t bytes_ = 0;
    uint64_t bare_lfs_ = 0;  // LFs without a CR before them: each gains one octet
    bool last_was_cr_ = false;
    bool last_was_lf_ = true;  // an empty file needs no line end
};

// Streams a message to a Writer for RETR (all of it) or TOP (headers, the
// blank line, then `body_lines` lines of the body), then ".\r\n".
class MessageEncoder {
public:
    static constexpr uint64_t whole_message = std::numeric_limits<uint64_t>::max();
    explicit MessageEncoder(Writer& out, uint64_t body_lines = whole_message) : out_(out), body_left_(body_lines) {}

    // Returns false once TOP has all it needs: the caller can stop reading.
    bool feed(std::string_view chunk);
    // Ends an unterminated last line and writes the final ".\r\n".
    void finish();
    // The file's bytes taken so far: all of them unless TOP stopped early.
    uint64_t consumed() const { return consumed_; }

private:
    bool feed_piece(std::string_view piece);
    void line_ended(bool had_cr);
    bool wants_more_lines() const { return !in_body_ || body_left_ > 0; }

    Writer& out_;
    uint64_t body_left_;
    bool in_body_ = false;
    bool at_line_start_ = true;
    bool last_was_cr_ = false;
    uint64_t line_length_ = 0;  // bytes of the current line so far, to find the blank line after the headers
    uint64_t consumed_ = 0;
};

}  // namespace postern
