#include "fd.hpp"

#include <algorithm>
#include <vector>

namespace postern {

namespace {
// close_range(2), or one close at a time on kernels before 5.9.
void close_between(unsigned first, unsigned last) {
    if (first > last) return;
    if (::close_range(first, last, 0) == 0) return;
    for (unsigned fd = first; fd <= last && fd < 65536; ++fd) ::close(int(fd));
}
}  // namespace

void close_fds_from(int first, std::span<const int> keep) {
    std::vector<int> kept;
    for (int fd : keep)
        if (fd >= first) kept.push_back(fd);
    std::sort(kept.begin(), kept.end());
    unsigned next = unsigned(first);
    for (int fd : kept) {
        if (unsigned(fd) > next) close_between(next, unsigned(fd) - 1);
        next = std::max(next, unsigned(fd) + 1);
    }
    close_between(next, ~0U);
}

}  // namespace postern
