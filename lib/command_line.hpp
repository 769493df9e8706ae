// A POP3 command line: a keyword, in any case, then its arguments after one
// space. Both programs that speak POP3 dispatch from a table of these.
#pragma once
#include <strings.h>
#include <cstddef>
#include <span>
#include <string_view>

namespace postern {

// RFC 2449: a command line is at most 255 octets with its CRLF (RFC 5034
// holds AUTH's base64 lines to the same limit).
constexpr size_t max_command_line = 255;

struct CommandLine {
    std::string_view keyword;
    std::string_view args;  // everything after the first space; empty when none
};

inline CommandLine split_command(std::string_view line) {
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return {line, {}};
    return {line.substr(0, space), line.substr(space + 1)};
}

template <typename Handler>
struct CommandEntry {
    std::string_view name;  // lower case
    Handler handler;
};

// The handler for `keyword` in any case, or a null Handler when the table has none.
template <typename Handler>
Handler find_handler(std::span<const CommandEntry<Handler>> table, std::string_view keyword) {
    for (const CommandEntry<Handler>& entry : table)
        if (keyword.size() == entry.name.size() && strncasecmp(keyword.data(), entry.name.data(), keyword.size()) == 0)
            return entry.handler;
    return nullptr;
}

}  // namespace postern
