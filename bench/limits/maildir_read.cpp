// What reading a Maildir costs at the least: listing it, and reading every file.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "deadline.hpp"
#include "fd.hpp"
#include "limits.hpp"

namespace bench {

namespace {

constexpr unsigned max_repeat = 50;


}  // namespace

int measure_readdir(int argc, char** argv) {
    if (argc != 2) return 2;
    unsigned repeat = std::clamp(unsigned(std::atoi(argv[1])), 1u, max_repeat);
    std::vector<double> times;
    size_t entries = 0;
    for (unsigned i = 0; i < repeat; ++i) {
        double t0 = now_s();
        entries = for_each_message(argv[0], [](int, const char*) {});
        times.push_back(now_s() - t0);
    }
    std::sort(times.begin(), times.end());
    std::printf("entries %zu\nreaddir_s %.5f\nreaddir_min_s %.5f\n", entries, times[times.size() / 2], times[0]);
    return 0;
}

int measure_readall(int argc, char** argv) {
    if (argc != 1) return 2;
    constexpr size_t chunk = 256 * 1024;
    std::unique_ptr<char[]> buf(new char[chunk]);
    unsigned long long bytes = 0, failed = 0;
    double t0 = now_s();
    size_t files = for_each_message(argv[0], [&](int dir, const char* name) {
        postern::Fd fd(openat(dir, name, O_RDONLY | O_CLOEXEC));
        if (!fd) { ++failed; return; }
        ssize_t n;
        while ((n = read(fd.get(), buf.get(), chunk)) > 0) bytes += size_t(n);
    });
    double took = now_s() - t0;
    std::printf("files %zu\nbytes %llu\nreadall_s %.4f\nunreadable %llu\n", files, bytes, took, failed);
    return failed ? 1 : 0;
}

}  // namespace bench
