#include "line_reader.hpp"

#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "fd.hpp"

namespace postern {

LineReader::LineReader(int fd, size_t max_line, bool exact)
    : fd_(fd), max_line_(std::min(max_line, capacity)), exact_(exact) {
    set_fd(fd);
}

void LineReader::set_fd(int fd) {
    fd_ = fd;
    is_socket_ = fd_is_socket(fd);
}

void LineReader::wipe_consumed_input() {
    ::explicit_bzero(buf_, start_);
    ::explicit_bzero(buf_ + end_, capacity - end_);
}

bool LineReader::find_line(std::string_view& line) {
    const char* begin = buf_ + start_;
    const char* lf = static_cast<const char*>(std::memchr(begin, '\n', end_ - start_));
    if (!lf) return false;
    size_t len = size_t(lf - begin);
    start_ += len + 1;
    if (len > 0 && begin[len - 1] == '\r') --len;
    line = std::string_view(begin, len);
    return true;
}

ReadStatus LineReader::read_line(std::string_view& line, Deadline deadline) {
    for (;;) {
        if (find_line(line)) {
            bool too_long = discarding_ || line.size() + 2 > max_line_;
            discarding_ = false;
            if (!too_long) return ReadStatus::line;
            return ReadStatus::too_long;
        }
        if (end_ - start_ >= max_line_) {  // no end in sight: drop what we have, remember to drop the rest
            discarding_ = true;
            start_ = end_ = 0;
        }
        if (start_ > 0) {
            std::memmove(buf_, buf_ + start_, end_ - start_);
            end_ -= start_;
            start_ = 0;
        }
        ReadStatus status = fill(deadline);
        if (status != ReadStatus::line) return status;
    }
}

ReadStatus LineReader::fill(Deadline deadline) {
    for (;;) {
        Wait ready = wait_readable(fd_, deadline);
        if (ready == Wait::error) return ReadStatus::error;
        if (ready == Wait::timeout) return ReadStatus::timeout;
        long n = read_some(buf_ + end_, capacity - end_);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) return ReadStatus::error;
        if (n == 0) return ReadStatus::eof;
        end_ += size_t(n);
        return ReadStatus::line;
    }
}

// In exact mode, take no byte past the next LF: peek on a socket, one byte at a time otherwise.
long LineReader::read_some(char* at, size_t room) {
    if (!exact_) return ::read(fd_, at, room);
    if (!is_socket_) return ::read(fd_, at, 1);
    long peeked = ::recv(fd_, at, room, MSG_PEEK);
    if (peeked <= 0) return peeked;
    const void* lf = std::memchr(at, '\n', size_t(peeked));
    size_t want = lf ? size_t(static_cast<const char*>(lf) - at) + 1 : size_t(peeked);
    return ::read(fd_, at, want);
}

}  // namespace postern
