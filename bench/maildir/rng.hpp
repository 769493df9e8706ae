// A small deterministic random generator (splitmix64): the same seed gives the
// same Maildir on every machine, so runs can be compared.
#pragma once
#include <cmath>
#include <cstdint>

namespace bench {

class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}

    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [lo, hi].
    uint64_t between(uint64_t lo, uint64_t hi) { return lo + next() % (hi - lo + 1); }
    // True with probability 1/n.
    bool one_in(uint64_t n) { return next() % n == 0; }
    // Log-uniform in [lo, hi]: small values common, large ones rare, as message sizes are.
    uint64_t log_between(uint64_t lo, uint64_t hi) {
        double u = double(next() >> 11) / double(1ULL << 53);
        return uint64_t(std::exp(std::log(double(lo)) + u * (std::log(double(hi)) - std::log(double(lo)))));
    }

private:
    uint64_t state_;
};

}  // namespace bench
