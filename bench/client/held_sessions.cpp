// Scenario "hold": many logged-in sessions held open at once, idle, as a
// server meets clients that log in and wait; the server's memory and its speed
// for other clients are measured by bench/run.sh while they are held.
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pop3_conn.hpp"
#include "scenarios.hpp"

namespace bench {

namespace {

constexpr unsigned login_threads = 16;
// Past this many failed logins the server is refusing: stop trying.
constexpr unsigned max_failed_logins = 10;
// An idle session reads only short lines.
constexpr size_t session_buffer = 1024;

using Sessions = std::vector<std::unique_ptr<Pop3Conn>>;

struct LoginTally {
    std::atomic<size_t> next{0};
    std::atomic<unsigned> failed{0};
    std::mutex error_lock;
    std::string first_error;
};

void log_in_until(const Target& t, Sessions& sessions, LoginTally& tally) {
    for (;;) {
        if (tally.failed >= max_failed_logins) return;
        size_t i = tally.next++;
        if (i >= sessions.size()) return;
        auto c = std::make_unique<Pop3Conn>(session_buffer);
        if (log_in(*c, t)) {
            sessions[i] = std::move(c);
            continue;
        }
        if (tally.failed++ == 0) {
            std::lock_guard<std::mutex> hold(tally.error_lock);
            tally.first_error = c->error();
        }
    }
}

// Opens sessions until `sessions` has `count` slots, each filled by a logged-in
// session (or left empty where the login failed); returns the failures.
unsigned open_sessions(const Target& t, Sessions& sessions, size_t count, std::string& first_error) {
    LoginTally tally;
    tally.next = sessions.size();
    sessions.resize(count);
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < login_threads; ++i) threads.emplace_back(log_in_until, std::cref(t), std::ref(sessions), std::ref(tally));
    for (auto& th : threads) th.join();
    first_error = tally.first_error;
    return tally.failed;
}

// A held session is one descriptor: as many as the hard limit allows.
void raise_descriptor_limit() {
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

// QUIT on every session at once, then every answer: how many were not +OK.
size_t quit_all(Sessions& sessions) {
    size_t failed = 0;
    for (auto& c : sessions) {
        if (c && !c->send("QUIT")) {
            c.reset();
            ++failed;
        }
    }
    for (auto& c : sessions)
        if (c && !c->read_ok("QUIT")) ++failed;
    return failed;
}

}  // namespace

int run_held_sessions(const Target& t, unsigned hold_seconds, const std::vector<unsigned>& counts) {
    raise_descriptor_limit();
    Sessions sessions;
    unsigned failed = 0;
    for (unsigned count : counts) {
        if (count < sessions.size()) continue;
        int64_t start = now_ns();
        std::string first_error;
        unsigned failed_now = open_sessions(t, sessions, count, first_error);
        failed += failed_now;
        size_t open = 0;
        for (auto& c : sessions) open += bool(c);
        std::printf("held_%u %zu\nlogin_s_%u %.3f\nlogin_failed_%u %u\n", count, open, count, seconds_since(start),
                    count, failed_now);
        if (failed_now) std::printf("error %s\n", first_error.c_str());
        hold_session(hold_seconds);
    }
    size_t quit_failed = quit_all(sessions);
    std::printf("quit_failed %zu\n", quit_failed);
    return (failed || quit_failed) ? 1 : 0;
}

}  // namespace bench
