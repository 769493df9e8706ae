// What the readers of other servers' UIDL lists share: the lines of a list
// file, and the place where one stopped making sense.
#pragma once
#include <cstddef>
#include <string_view>

namespace postern::pop3d {

// Where a list file stopped making sense: line 1 is the header.
struct ListError {
    size_t line = 0;
    const char* reason = "";
};

// The complete lines of `text`, without their newlines: a last line without
// one is being appended by its server, and is left for the next session.
class CompleteLines {
public:
    explicit CompleteLines(std::string_view text) : rest_(text) {}
    bool next(std::string_view& line) {
        size_t end = rest_.find('\n');
        if (end == std::string_view::npos) return false;
        line = rest_.substr(0, end);
        rest_.remove_prefix(end + 1);
        ++number_;
        return true;
    }
    size_t number() const { return number_; }

private:
    std::string_view rest_;
    size_t number_ = 0;
};

}  // namespace postern::pop3d
