// Scenario "pipefetch": RETR of every message with up to `window` commands
// unanswered, as a PIPELINING client sends them; each answer is read as it
// comes, and its octets checked against LIST.
#include <cstdio>
#include <string>
#include <vector>

#include "pop3_conn.hpp"
#include "scenarios.hpp"

namespace bench {

namespace {

int pipelined_fetch_failed(const Pop3Conn& c) {
    std::printf("error %s\n", c.error().c_str());
    return 1;
}

std::string retr(size_t number) { return "RETR " + std::to_string(number) + "\r\n"; }

}  // namespace

int run_pipelined_fetch(const Target& t, unsigned hold_seconds, unsigned window) {
    Pop3Conn c(1 << 20);
    if (!log_in(c, t)) return pipelined_fetch_failed(c);
    std::string capabilities;
    if (!c.ok("CAPA") || !c.read_lines([&](std::string_view l) { capabilities += std::string(l) + " "; }))
        return pipelined_fetch_failed(c);
    if (capabilities.find("PIPELINING ") == std::string::npos) {
        std::printf("error the server does not announce PIPELINING\n");
        return 1;
    }
    std::vector<uint64_t> sizes;
    if (!list_sizes(c, sizes)) return pipelined_fetch_failed(c);
    if (hold_seconds) hold_session(hold_seconds);  // the server's CPU time before the fetch

    uint64_t octets = 0, wrong = 0, bad_line_ends = 0;
    double cpu_start = cpu_seconds();
    int64_t start = now_ns();
    size_t sent = 0;
    std::string first_window;
    while (sent < sizes.size() && sent < window) first_window += retr(++sent);
    if (!c.send_bytes(first_window)) return pipelined_fetch_failed(c);
    for (size_t i = 0; i < sizes.size(); ++i) {
        BodyCount body;
        if (!c.read_ok("RETR") || !c.read_body(body)) return pipelined_fetch_failed(c);
        // One answer in: one more command out, so `window` stay unanswered.
        if (sent < sizes.size() && !c.send_bytes(retr(++sent))) return pipelined_fetch_failed(c);
        if (body.octets != sizes[i] && wrong++ < 3)
            std::printf("error message %zu: LIST says %llu octets, RETR sent %llu\n", i + 1,
                        (unsigned long long)sizes[i], (unsigned long long)body.octets);
        bad_line_ends += body.bad_line_ends;
        octets += body.octets;
    }
    double elapsed = seconds_since(start);
    double cpu = cpu_seconds() - cpu_start;
    std::printf("messages %zu\noctets %llu\nfetch_s %.3f\nmb_per_s %.1f\nwrong_sizes %llu\nbad_line_ends %llu\n"
                "fetch_cpu_pct %.1f\n",
                sizes.size(), (unsigned long long)octets, elapsed, double(octets) / 1e6 / elapsed,
                (unsigned long long)wrong, (unsigned long long)bad_line_ends, 100 * cpu / elapsed);
    if (hold_seconds) hold_session(hold_seconds);  // and after it
    if (!c.ok("QUIT")) return pipelined_fetch_failed(c);
    return (wrong || bad_line_ends) ? 1 : 0;
}

}  // namespace bench
