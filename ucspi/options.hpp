// postern-tcpserver's command line: tcpserver's options where they mean the
// same, and a few of its own (-C, -m, -y, -T, -W).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "source_group.hpp"

namespace postern::ucspi {

enum class Verbosity { quiet, normal, verbose };

struct Options {
    size_t max_total = 40;          // -c
    size_t max_per_source = 0;      // -C N; 0: no limit
    SourceGrouping source_grouping; // -C N/V4BITS/V6BITS
    std::optional<std::string> limit_message;  // -m: answer at a limit instead of waiting
    std::string rules_file;         // -x
    std::string banner;             // -B
    bool print_port = false;        // -1
    int backlog = 64;               // -b
    bool nodelay = false;           // -D / -d
    bool lookup_names = false;      // -h / -H
    std::optional<std::string> local_host;  // -l
    bool proxy = false;             // -y
    unsigned proxy_timeout = 5;     // -T, seconds
    unsigned grace = 10;            // -W, seconds
    std::string user, group;        // -u, -g: names or numbers
    bool ids_from_env = false;      // -U: $UID and $GID
    Verbosity verbosity = Verbosity::normal;  // -q / -Q / -v
    std::string host, port;
    std::vector<char*> program;     // PROG ARGS..., null-terminated for execvp
};

struct ParsedOptions {
    Options options;
    std::string error;  // empty when the command line was good
};

ParsedOptions parse_options(int argc, char** argv);

constexpr const char* usage_text =
    "postern-tcpserver [-1DdHhQqRUvy] [-c n] [-C n[/v4bits[/v6bits]]] [-m message] [-x rules] [-B banner] [-b backlog] "
    "[-l name] [-T seconds] [-W seconds] [-u user] [-g group] HOST PORT PROG [ARGS...]";

}  // namespace postern::ucspi
