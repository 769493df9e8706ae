#include "writer.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "fd.hpp"

namespace postern {

Writer::Writer(int fd, size_t capacity) : fd_(fd), capacity_(capacity), buf_(new char[capacity]) { set_fd(fd); }

void Writer::set_fd(int fd) {
    fd_ = fd;
    is_socket_ = fd_is_socket(fd);
}

void Writer::put(std::string_view s) {
    while (!s.empty()) {
        if (used_ == capacity_ && !flush()) return;
        size_t n = std::min(s.size(), capacity_ - used_);
        std::memcpy(buf_.get() + used_, s.data(), n);
        used_ += n;
        s.remove_prefix(n);
    }
}

void Writer::put_number(unsigned long long n) {
    char digits[24];
    auto result = std::to_chars(digits, digits + sizeof digits, n);
    put(std::string_view(digits, size_t(result.ptr - digits)));
}

char* Writer::reserve(size_t n) {
    if (capacity_ - used_ < n) flush();
    if (failed_) used_ = 0;  // keep writing into the buffer; nothing reaches the client
    return buf_.get() + used_;
}

bool Writer::flush() {
    if (failed_) {
        used_ = 0;
        return false;
    }
    bool ok = write_all(buf_.get(), used_);
    used_ = 0;
    if (!ok) failed_ = true;
    return ok;
}

// Sockets are written without blocking and waited on with poll, so a client
// that stops reading cannot hold the process past the time limit.
bool Writer::write_all(const char* p, size_t n) {
    while (n > 0) {
        long done = is_socket_ ? ::send(fd_, p, n, MSG_DONTWAIT | MSG_NOSIGNAL) : ::write(fd_, p, n);
        if (done < 0 && errno == EINTR) continue;
        if (done < 0 && errno == EAGAIN) {
            pollfd pfd{fd_, POLLOUT, 0};
            int ready = ::poll(&pfd, 1, timeout_ms_);
            if (ready < 0 && errno == EINTR) continue;
            if (ready <= 0) {
                if (ready == 0) errno = ETIMEDOUT;
                return false;
            }
            continue;
        }
        if (done <= 0) return false;
        p += done;
        n -= size_t(done);
    }
    return true;
}

void set_tcp_nodelay(int fd) {
    int on = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

}  // namespace postern
