// postern-bench-client: the benchmark's POP3 load client.
//
//   postern-bench-client sessions PORT USER PASSFILE CLIENTS SECONDS
//   postern-bench-client scan     PORT USER PASSFILE [HOLD_SECONDS]
//   postern-bench-client fetch    PORT USER PASSFILE [HOLD_SECONDS]
//   postern-bench-client pipefetch PORT USER PASSFILE WINDOW [HOLD_SECONDS]
//   postern-bench-client hold     PORT USER PASSFILE HOLD_SECONDS COUNT...
//
// Connects to 127.0.0.1:PORT only. Prints "key value" lines, ending with its
// own CPU use, so a run shows whether the client could have been the limit.
// A run ends within max_run_seconds, whatever the server does.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>
#include <vector>

#include "scenarios.hpp"

using namespace bench;

namespace {

constexpr unsigned max_run_seconds = 600;
constexpr unsigned max_window = 1024;
constexpr unsigned max_held = 100000;

[[noreturn]] void die_usage() {
    std::fputs("usage: postern-bench-client sessions|scan|fetch|pipefetch|hold PORT USER PASSFILE [ARGS...]\n", stderr);
    std::exit(2);
}

unsigned number(const char* s, unsigned max) {
    char* end = nullptr;
    unsigned long v = std::strtoul(s, &end, 10);
    if (end == s || *end || v > max) die_usage();
    return unsigned(v);
}

struct Scenario {
    const char* name;
    int (*run)(const Target&, int argc, char** argv);  // argv: the scenario's own arguments
};

int sessions(const Target& t, int argc, char** argv) {
    if (argc != 2) die_usage();
    return run_sessions(t, number(argv[0], 256), number(argv[1], 600));
}
int scan(const Target& t, int argc, char** argv) {
    if (argc > 1) die_usage();
    return run_scan(t, argc ? number(argv[0], 600) : 0);
}
int fetch(const Target& t, int argc, char** argv) {
    if (argc > 1) die_usage();
    return run_fetch(t, argc ? number(argv[0], 600) : 0);
}

int pipefetch(const Target& t, int argc, char** argv) {
    if (argc < 1 || argc > 2) die_usage();
    return run_pipelined_fetch(t, argc > 1 ? number(argv[1], 600) : 0, number(argv[0], max_window));
}
int hold(const Target& t, int argc, char** argv) {
    if (argc < 2) die_usage();
    std::vector<unsigned> counts;
    for (int i = 1; i < argc; ++i) counts.push_back(number(argv[i], max_held));
    return run_held_sessions(t, number(argv[0], 600), counts);
}

constexpr Scenario scenarios[] = {{"sessions", sessions}, {"scan", scan},        {"fetch", fetch},
                                  {"pipefetch", pipefetch}, {"hold", hold}};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) die_usage();
    // Blocked in every thread, so hold_session can wait for it with sigtimedwait.
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, nullptr);
    alarm(max_run_seconds);

    Target t;
    t.port = uint16_t(number(argv[2], 65535));
    t.user = argv[3];
    std::ifstream pass(argv[4]);
    if (!std::getline(pass, t.password)) {
        std::fprintf(stderr, "postern-bench-client: cannot read the password from %s\n", argv[4]);
        return 111;
    }
    int64_t start = now_ns();
    for (const Scenario& s : scenarios) {
        if (std::string_view(argv[1]) != s.name) continue;
        int status = s.run(t, argc - 5, argv + 5);
        double wall = seconds_since(start), cpu = cpu_seconds();
        std::printf("client_cpu_s %.3f\nclient_wall_s %.3f\nclient_cpu_pct %.1f\n", cpu, wall, 100 * cpu / wall);
        return status;
    }
    die_usage();
}
