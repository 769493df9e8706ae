#include "apop_timestamp.hpp"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <cstdint>
#include <cstdio>

#include "deadline.hpp"

namespace postern::popup {

bool valid_host(std::string_view host) {
    if (host.empty() || host.size() > max_host_length) return false;
    for (unsigned char c : host)
        if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>') return false;
    return true;
}

namespace {
uint64_t nonce() {
    uint64_t n = 0;
    if (::getrandom(&n, sizeof n, GRND_NONBLOCK) == ssize_t(sizeof n)) return n;
    // No entropy yet (early boot): the clock still separates two connections.
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return uint64_t(now.tv_nsec) ^ (uint64_t(monotonic_ms()) << 20);
}
}  // namespace

std::string make_apop_timestamp(std::string_view host) {
    char head[64];
    std::snprintf(head, sizeof head, "<%ld.%lld.%016llx@", long(::getpid()), (long long)::time(nullptr),
                  (unsigned long long)nonce());
    std::string stamp = head;
    stamp += host;
    stamp += '>';
    return stamp;
}

}  // namespace postern::popup
