// postern-bench-limit: measures one of the machine's limits (see limits.hpp).
//
//   postern-bench-limit crypt USER PASSFILE SECONDS THREADS
//   postern-bench-limit hash PASSFILE [PREFIX]
//   postern-bench-limit readdir MAILDIR REPEAT
//   postern-bench-limit readall MAILDIR
//   postern-bench-limit tcpcopy MAILDIR
//   postern-bench-limit freeport
#include <cstdio>
#include <string_view>

#include "limits.hpp"

namespace {

struct Measure {
    const char* name;
    int (*run)(int argc, char** argv);
};

constexpr Measure measures[] = {
    {"crypt", bench::measure_crypt},     {"hash", bench::make_hash},
    {"readdir", bench::measure_readdir}, {"readall", bench::measure_readall},
    {"tcpcopy", bench::measure_tcp_copy}, {"freeport", bench::print_free_port},
};

}  // namespace

int main(int argc, char** argv) {
    for (const Measure& m : measures) {
        if (argc >= 2 && std::string_view(argv[1]) == m.name) {
            int status = m.run(argc - 2, argv + 2);
            if (status == 2) std::fprintf(stderr, "postern-bench-limit: usage: see bench/limits/main.cpp\n");
            return status;
        }
    }
    std::fputs("usage: postern-bench-limit crypt|hash|readdir|readall|tcpcopy|freeport ARGS...\n", stderr);
    return 2;
}
