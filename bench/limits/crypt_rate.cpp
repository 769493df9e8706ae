// How many password checks the machine can do: the ceiling for logins per second,
// and what one check costs in CPU time.
#include <crypt.h>
#include <shadow.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "deadline.hpp"
#include "limits.hpp"

namespace bench {

namespace {

constexpr unsigned max_threads = 256;

bool read_password(const char* file, std::string& password) {
    std::ifstream in(file);
    return bool(std::getline(in, password));
}

void check_until(const std::string& password, const std::string& hash, int64_t stop_ms,
                 std::atomic<uint64_t>& checks, std::atomic<uint64_t>& mismatches) {
    auto data = std::make_unique<crypt_data>();
    while (postern::monotonic_ms() < stop_ms) {
        std::memset(data.get(), 0, sizeof(crypt_data));
        const char* out = crypt_r(password.c_str(), hash.c_str(), data.get());
        if (!out || hash != out) ++mismatches;
        ++checks;
    }
}

// User and system time of every thread of this process.
double process_cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int measure_crypt(int argc, char** argv) {
    if (argc != 4) return 2;
    std::string password;
    if (!read_password(argv[1], password)) return 111;
    spwd* sp = getspnam(argv[0]);
    if (!sp) {
        std::fprintf(stderr, "postern-bench-limit: no shadow entry for %s\n", argv[0]);
        return 111;
    }
    std::string hash = sp->sp_pwdp;
    unsigned seconds = unsigned(std::atoi(argv[2]));
    unsigned threads = std::min(max_threads, unsigned(std::atoi(argv[3])));
    std::atomic<uint64_t> checks{0}, mismatches{0};
    double cpu_start = process_cpu_seconds();
    int64_t start = postern::monotonic_ms();
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i)
        pool.emplace_back(check_until, std::cref(password), std::cref(hash), start + seconds * 1000,
                          std::ref(checks), std::ref(mismatches));
    for (auto& t : pool) t.join();
    double elapsed = double(postern::monotonic_ms() - start) / 1000;
    double cpu = process_cpu_seconds() - cpu_start;
    std::printf("checks %llu\nelapsed %.3f\nrate %.2f\ncheck_ms %.2f\ncheck_cpu_ms %.3f\nmismatches %llu\n",
                (unsigned long long)checks.load(), elapsed, double(checks) / elapsed,
                1000 * elapsed * threads / double(checks), 1000 * cpu / double(checks),
                (unsigned long long)mismatches.load());
    return mismatches ? 1 : 0;
}

int make_hash(int argc, char** argv) {
    if (argc < 1 || argc > 2) return 2;
    std::string password;
    if (!read_password(argv[0], password)) return 111;
    const char* salt = crypt_gensalt_ra(argc > 1 ? argv[1] : "$y$", 0, nullptr, 0);
    if (!salt) return 111;
    crypt_data data{};
    const char* hash = crypt_r(password.c_str(), salt, &data);
    if (!hash || hash[0] == '*') return 111;
    std::printf("%s\n", hash);
    return 0;
}

}  // namespace bench
