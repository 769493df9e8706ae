// postern-tcpserver's command line: every option of ucspi-tcp's tcpserver
// and ucspi-tcp-ipv6's (-4, -6, -I) with the same meaning, and a few of its
// own (-C, -m, -y, -T, -W), none of which is a tcpserver letter. IDENT (-r,
// -t) is accepted and not done.
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
    bool rules_missing_ok = false;  // -X: no file, no rules
    std::string banner;             // -B
    bool print_port = false;        // -1
    int backlog = 64;               // -b
    bool nodelay = false;           // -D / -d
    bool lookup_names = false;      // -h / -H
    bool paranoid = true;           // -p / -P: a name must resolve back to the address
    bool kill_ip_options = true;    // -O / -o
    bool ident_asked = false;       // -r / -R: no IDENT lookups either way; -r is logged
    bool ident_timeout_given = false;  // -t: logged, as -r
    bool ipv4_only = false;         // -4
    bool v4_as_v6 = false;          // -6: IPv4 clients as ::ffff:a.b.c.d, PROTO=TCP6
    std::string interface;          // -I: for an IPv6 link-local HOST
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
    "postern-tcpserver [-146DdHhOoPpQqRrUvXy] [-c n] [-C n[/v4bits[/v6bits]]] [-m message] [-x rules] [-B banner] "
    "[-b backlog] [-l name] [-t seconds] [-T seconds] [-W seconds] [-u user] [-g group] [-I interface] "
    "HOST PORT PROG [ARGS...]";

}  // namespace postern::ucspi
