#include <signal.h>
#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>

#include "pop3_conn.hpp"
#include "scenarios.hpp"

namespace bench {

int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

double seconds_since(int64_t start_ns) { return double(now_ns() - start_ns) / 1e9; }

double cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

bool log_in(Pop3Conn& c, const Target& t) {
    return c.connect(t.port) && c.greeting() && c.ok("USER " + t.user) && c.ok("PASS " + t.password);
}

bool list_sizes(Pop3Conn& c, std::vector<uint64_t>& sizes) {
    return c.ok("LIST") &&
           c.read_lines([&](std::string_view l) { sizes.push_back(std::strtoull(l.data() + l.find(' ') + 1, nullptr, 10)); });
}

void hold_session(unsigned seconds) {
    std::printf("holding\n");
    std::fflush(stdout);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    timespec limit{time_t(seconds), 0};
    sigtimedwait(&set, nullptr, &limit);
}

}  // namespace bench
