// A file descriptor that closes itself: move-only, so ownership is explicit.
#pragma once
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <span>
#include <utility>

namespace postern {

// True for a socket (the writer and the line reader then use send/recv and peek).
inline bool fd_is_socket(int fd) {
    struct stat st{};
    return ::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

// Moves descriptor `from` to `to`, kept open across exec (skalibs' fd_move).
inline bool move_fd(int from, int to) {
    if (from == to) return ::fcntl(to, F_SETFD, 0) == 0;
    if (::dup2(from, to) < 0) return false;
    ::close(from);
    return true;
}

// Closes every descriptor from `first` up but those in `keep`: before an
// exec, or a confinement, that must hold no other.
void close_fds_from(int first, std::span<const int> keep = {});

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    explicit operator bool() const { return valid(); }
    int release() { return std::exchange(fd_, -1); }

    // Closes the held descriptor; errno survives, as callers report the error that brought them here.
    void reset(int fd = -1) {
        if (fd_ >= 0) {
            int saved = errno;
            ::close(fd_);
            errno = saved;
        }
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

}  // namespace postern
