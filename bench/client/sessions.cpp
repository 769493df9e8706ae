// Scenario "sessions": many short logins, as a busy server sees them.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "pop3_conn.hpp"
#include "scenarios.hpp"

namespace bench {

namespace {

constexpr uint64_t max_sessions_per_client = 100000;

struct ClientTally {
    std::vector<double> latencies_ms;
    uint64_t errors = 0;
    std::string first_error;
    int64_t last_finish_ns = 0;
};

bool one_session(Pop3Conn& c, const Target& t) { return log_in(c, t) && c.ok("STAT") && c.ok("QUIT"); }

void session_loop(const Target& t, int64_t stop_ns, ClientTally& tally) {
    for (uint64_t i = 0; i < max_sessions_per_client && now_ns() < stop_ns; ++i) {
        int64_t start = now_ns();
        Pop3Conn c;
        bool ok = one_session(c, t);
        tally.last_finish_ns = now_ns();
        if (ok) {
            tally.latencies_ms.push_back(double(tally.last_finish_ns - start) / 1e6);
        } else {
            if (tally.errors++ == 0) tally.first_error = c.error();
        }
    }
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    size_t k = std::min(v.size() - 1, size_t(p * double(v.size())));
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return v[k];
}

}  // namespace

int run_sessions(const Target& t, unsigned clients, unsigned seconds) {
    Pop3Conn c;
    if (!one_session(c, t)) {  // a warm-up, which also tells a wrong set-up at once
        std::printf("error %s\n", c.error().c_str());
        return 1;
    }
    std::vector<ClientTally> tallies(clients);
    std::vector<std::thread> threads;
    int64_t start = now_ns();
    int64_t stop = start + int64_t(seconds) * 1000000000;
    for (unsigned i = 0; i < clients; ++i)
        threads.emplace_back(session_loop, std::cref(t), stop, std::ref(tallies[i]));
    for (auto& th : threads) th.join();
    std::vector<double> all;
    uint64_t errors = 0;
    int64_t finish = start;
    std::string first_error;
    for (auto& tally : tallies) {
        all.insert(all.end(), tally.latencies_ms.begin(), tally.latencies_ms.end());
        errors += tally.errors;
        finish = std::max(finish, tally.last_finish_ns);
        if (first_error.empty()) first_error = tally.first_error;
    }
    double elapsed = double(finish - start) / 1e9;
    std::printf("sessions %zu\nerrors %llu\nelapsed %.3f\nrate %.2f\np50_ms %.2f\np99_ms %.2f\n", all.size(),
                (unsigned long long)errors, elapsed, double(all.size()) / elapsed, percentile(all, 0.50),
                percentile(all, 0.99));
    if (errors) std::printf("error %s\n", first_error.c_str());
    return errors ? 1 : 0;
}

}  // namespace bench
