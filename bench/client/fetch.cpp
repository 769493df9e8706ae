// Scenario "fetch": RETR of every message, each one's octets checked against LIST.
#include <cstdio>
#include <vector>

#include "pop3_conn.hpp"
#include "scenarios.hpp"

namespace bench {

namespace {

// A small answer that takes this long waited on something other than the
// bytes, such as the client's delayed ACK (40 ms on Linux).
constexpr double stall_seconds = 0.030;
constexpr uint64_t small_answer = 64 * 1024;

int fetch_failed(const Pop3Conn& c) {
    std::printf("error %s\n", c.error().c_str());
    return 1;
}

}  // namespace

int run_fetch(const Target& t, unsigned hold_seconds) {
    Pop3Conn c(1 << 20);
    if (!log_in(c, t)) return fetch_failed(c);
    std::vector<uint64_t> sizes;
    if (!list_sizes(c, sizes)) return fetch_failed(c);
    if (hold_seconds) hold_session(hold_seconds);  // the session's size before any message passed through it

    uint64_t octets = 0, wrong = 0, bad_line_ends = 0, stalls = 0;
    double slowest_small = 0;
    double cpu_start = cpu_seconds();
    int64_t start = now_ns();
    for (size_t i = 0; i < sizes.size(); ++i) {
        int64_t t0 = now_ns();
        BodyCount body;
        if (!c.ok("RETR " + std::to_string(i + 1)) || !c.read_body(body)) return fetch_failed(c);
        double took = seconds_since(t0);
        if (body.octets != sizes[i]) {
            if (wrong++ < 3)
                std::printf("error message %zu: LIST says %llu octets, RETR sent %llu\n", i + 1,
                            (unsigned long long)sizes[i], (unsigned long long)body.octets);
        }
        bad_line_ends += body.bad_line_ends;
        octets += body.octets;
        if (sizes[i] < small_answer) {
            if (took >= stall_seconds) ++stalls;
            if (took > slowest_small) slowest_small = took;
        }
    }
    double elapsed = seconds_since(start);
    double cpu = cpu_seconds() - cpu_start;
    std::printf("messages %zu\noctets %llu\nfetch_s %.3f\nmb_per_s %.1f\nwrong_sizes %llu\nbad_line_ends %llu\n"
                "stalls %llu\nslowest_small_ms %.2f\nfetch_cpu_pct %.1f\n",
                sizes.size(), (unsigned long long)octets, elapsed, double(octets) / 1e6 / elapsed,
                (unsigned long long)wrong, (unsigned long long)bad_line_ends, (unsigned long long)stalls,
                slowest_small * 1000, 100 * cpu / elapsed);
    if (hold_seconds) hold_session(hold_seconds);
    if (!c.ok("QUIT")) return fetch_failed(c);
    return (wrong || bad_line_ends) ? 1 : 0;
}

}  // namespace bench
