// Scenario "scan": one session on a big Maildir, each step timed.
#include <cstdio>
#include <cstdlib>

#include "pop3_conn.hpp"
#include "scenarios.hpp"

namespace bench {

namespace {

int scan_failed(const Pop3Conn& c) {
    std::printf("error %s\n", c.error().c_str());
    return 1;
}

}  // namespace

int run_scan(const Target& t, unsigned hold_seconds) {
    Pop3Conn c(1 << 20);
    std::string stat;
    int64_t start = now_ns();
    if (!log_in(c, t)) return scan_failed(c);
    double login = seconds_since(start);
    if (!c.ok("STAT", &stat)) return scan_failed(c);
    double login_stat = seconds_since(start);
    unsigned long long count = 0, size = 0;
    std::sscanf(stat.c_str(), "+OK %llu %llu", &count, &size);

    int64_t t0 = now_ns();
    unsigned long long listed = 0, listed_size = 0;
    if (!c.ok("LIST")) return scan_failed(c);
    bool lines_ok = c.read_lines([&](std::string_view l) {
        ++listed;
        listed_size += std::strtoull(l.data() + l.find(' ') + 1, nullptr, 10);
    });
    if (!lines_ok) return scan_failed(c);
    double list = seconds_since(t0);

    t0 = now_ns();
    unsigned long long uids = 0;
    if (!c.ok("UIDL") || !c.read_lines([&](std::string_view) { ++uids; })) return scan_failed(c);
    double uidl = seconds_since(t0);

    std::printf("messages %llu\nlogin_s %.4f\nlogin_stat_s %.4f\nlist_s %.4f\nuidl_s %.4f\n", count, login,
                login_stat, list, uidl);
    int status = 0;
    if (listed != count || uids != count || listed_size != size) {
        std::printf("error STAT says %llu messages of %llu octets, LIST %llu of %llu, UIDL %llu\n", count, size,
                    listed, listed_size, uids);
        status = 1;
    }
    if (hold_seconds) hold_session(hold_seconds);
    if (!c.ok("QUIT")) return scan_failed(c);
    return status;
}

}  // namespace bench
