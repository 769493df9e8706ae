#include "message_encoding.hpp"

#include <cstring>

namespace postern {

void TransmitSizeCounter::feed(std::string_view chunk) {
    if (chunk.empty()) return;
    const char* p = chunk.data();
    const char* end = p + chunk.size();
    bool previous_cr = last_was_cr_;
    while (const char* lf = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)))) {
        bool cr_before = lf > chunk.data() ? lf[-1] == '\r' : previous_cr;
        if (!cr_before) ++bare_lfs_;
        p = lf + 1;
    }
    bytes_ += chunk.size();
    last_was_cr_ = chunk.back() == '\r';
    last_was_lf_ = chunk.back() == '\n';
}

uint64_t TransmitSizeCounter::total() const { return bytes_ + bare_lfs_ + (last_was_lf_ ? 0 : 2); }

void MessageEncoder::line_ended(bool had_cr) {
    bool blank = line_length_ == 0 || (line_length_ == 1 && had_cr);
    if (in_body_) --body_left_;
    else if (blank) in_body_ = true;
    at_line_start_ = true;
    line_length_ = 0;
    last_was_cr_ = false;
}

bool MessageEncoder::feed(std::string_view chunk) {
    // Encoded, a piece at most doubles (a '.' stuffed and a CR added per line of at least one byte).
    // A quarter of the buffer: room for it is there until the buffer is half full, so
    // writes go out at least half a buffer at a time, the "+OK" line with the first.
    size_t max_piece = (out_.capacity() - 1) / 4;
    for (; chunk.size() > max_piece; chunk.remove_prefix(max_piece))
        if (!feed_piece(chunk.substr(0, max_piece))) return false;
    return feed_piece(chunk);
}

// Copies line by line straight into the writer's buffer: one memchr and one
// memcpy a line, no call per line end.
bool MessageEncoder::feed_piece(std::string_view piece) {
    const char* p = piece.data();
    const char* end = p + piece.size();
    char* const start = out_.reserve(2 * piece.size() + 1);
    char* o = start;
    while (p < end) {
        if (at_line_start_) {
            if (!wants_more_lines()) break;
            if (*p == '.') *o++ = '.';
            at_line_start_ = false;
        }
        const char* lf = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
        const char* stop = lf ? lf : end;
        size_t n = size_t(stop - p);
        if (n > 0) {
            std::memcpy(o, p, n);
            o += n;
            line_length_ += n;
            last_was_cr_ = stop[-1] == '\r';
        }
        if (!lf) {
            p = end;  // the rest of the line comes with the next piece
            break;
        }
        if (!last_was_cr_) *o++ = '\r';
        *o++ = '\n';
        line_ended(last_was_cr_);
        p = lf + 1;
    }
    out_.commit(size_t(o - start));
    consumed_ += uint64_t(p - piece.data());
    return wants_more_lines();
}

void MessageEncoder::finish() {
    if (!at_line_start_) out_.put("\r\n");
    out_.put(".\r\n");
}

}  // namespace postern
