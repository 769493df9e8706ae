// Time limits as absolute points on the monotonic clock, so a loop of short
// reads cannot stretch a limit.
#pragma once
#include <poll.h>
#include <time.h>
#include <cerrno>
#include <algorithm>
#include <cstdint>
#include <limits>

namespace postern {

inline int64_t monotonic_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

class Deadline {
public:
    static Deadline never() { return Deadline(std::numeric_limits<int64_t>::max()); }
    static Deadline after_ms(int64_t ms) { return Deadline(monotonic_ms() + ms); }
    static Deadline after_seconds(int64_t s) { return after_ms(s * 1000); }

    // Milliseconds left, in the form poll(2) takes: -1 for no limit, 0 when expired.
    int poll_ms() const {
        if (at_ == std::numeric_limits<int64_t>::max()) return -1;
        int64_t left = at_ - monotonic_ms();
        return int(std::clamp<int64_t>(left, 0, std::numeric_limits<int>::max()));
    }
    bool expired() const { return poll_ms() == 0; }
    Deadline earliest(Deadline other) const { return Deadline(std::min(at_, other.at_)); }

private:
    explicit Deadline(int64_t at) : at_(at) {}
    int64_t at_;
};

enum class Wait { ready, timeout, error };

// Until fd has something to read (or has hung up), the deadline passes, or poll fails; EINTR is retried.
inline Wait wait_readable(int fd, Deadline deadline) {
    pollfd p{fd, POLLIN, 0};
    while (true) {
        int n = ::poll(&p, 1, deadline.poll_ms());
        if (n > 0) return Wait::ready;
        if (n == 0) return Wait::timeout;
        if (errno != EINTR) return Wait::error;
    }
}

}  // namespace postern
