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

void MessageEncoder::end_line(bool had_cr) {
    out_.put(had_cr ? std::string_view("\n") : std::string_view("\r\n"));
    bool blank = line_length_ == 0 || (line_length_ == 1 && had_cr);
    if (in_body_) --body_left_;
    else if (blank) in_body_ = true;
    at_line_start_ = true;
    line_length_ = 0;
    last_was_cr_ = false;
}

bool MessageEncoder::feed(std::string_view chunk) {
    const char* p = chunk.data();
    const char* end = p + chunk.size();
    while (p < end) {
        if (at_line_start_) {
            if (!wants_more_lines()) return false;
            if (*p == '.') out_.put(".");
            at_line_start_ = false;
        }
        const char* lf = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
        const char* stop = lf ? lf : end;
        if (stop > p) {
            out_.put(std::string_view(p, size_t(stop - p)));
            line_length_ += uint64_t(stop - p);
            last_was_cr_ = stop[-1] == '\r';
        }
        if (!lf) break;
        end_line(last_was_cr_);
        p = lf + 1;
    }
    return wants_more_lines();
}

void MessageEncoder::finish() {
    if (!at_line_start_) out_.put("\r\n");
    out_.put(".\r\n");
}

}  // namespace postern
