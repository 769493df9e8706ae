#include "pop3_conn.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace bench {

namespace {
constexpr size_t max_line = 64 * 1024;

bool wait_for(int fd, short events, int timeout_ms) {
    pollfd p{fd, events, 0};
    for (;;) {
        int r = poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR) continue;
        return r > 0;
    }
}
}  // namespace

Pop3Conn::Pop3Conn(size_t buffer_size) : buf_(new char[buffer_size]), cap_(buffer_size) {}

bool Pop3Conn::fail(std::string what) {
    if (error_.empty()) error_ = std::move(what);
    return false;
}

bool Pop3Conn::connect(uint16_t port) {
    fd_.reset(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd_) return fail(std::string("socket: ") + std::strerror(errno));
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        if (errno != EINPROGRESS) return fail(std::string("connect: ") + std::strerror(errno));
        if (!wait_for(fd_.get(), POLLOUT, read_timeout_ms)) return fail("connect: timed out");
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) return fail(std::string("connect: ") + std::strerror(err));
    }
    return true;
}

bool Pop3Conn::send(std::string_view command) {
    std::string line(command);
    line += "\r\n";
    return send_bytes(line);
}

bool Pop3Conn::send_bytes(std::string_view bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::send(fd_.get(), bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n > 0) { done += size_t(n); continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN && wait_for(fd_.get(), POLLOUT, read_timeout_ms)) continue;
        return fail(std::string("send: ") + std::strerror(errno));
    }
    return true;
}

// Reads more into the buffer, keeping what is unread.
bool Pop3Conn::fill() {
    if (pos_ == end_) pos_ = end_ = 0;
    if (end_ == cap_) {
        std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
        end_ -= pos_;
        pos_ = 0;
    }
    for (;;) {
        ssize_t n = recv(fd_.get(), buf_.get() + end_, cap_ - end_, 0);
        if (n > 0) { end_ += size_t(n); return true; }
        if (n == 0) return fail("connection closed by the server");
        if (errno == EINTR) continue;
        if (errno != EAGAIN) return fail(std::string("recv: ") + std::strerror(errno));
        if (!wait_for(fd_.get(), POLLIN, read_timeout_ms)) return fail("read timed out");
    }
}

bool Pop3Conn::read_line(std::string& line) {
    for (;;) {
        const char* start = buf_.get() + pos_;
        const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
        if (nl) {
            const char* stop = (nl > start && nl[-1] == '\r') ? nl - 1 : nl;
            line.assign(start, stop);
            pos_ = size_t(nl + 1 - buf_.get());
            return true;
        }
        if (end_ - pos_ > max_line || end_ - pos_ == cap_) return fail("line too long");
        if (!fill()) return false;
    }
}

bool Pop3Conn::greeting() {
    std::string line;
    if (!read_line(line)) return false;
    if (line.compare(0, 3, "+OK") != 0) return fail("greeting: " + line);
    return true;
}

bool Pop3Conn::ok(std::string_view command, std::string* reply) {
    return send(command) && read_ok(command, reply);
}

bool Pop3Conn::read_ok(std::string_view command, std::string* reply) {
    std::string line;
    if (!read_line(line)) return false;
    if (line.compare(0, 3, "+OK") != 0) return fail(std::string(command.substr(0, 4)) + ": " + line);
    if (reply) *reply = std::move(line);
    return true;
}

// Streams through the answer without copying it: memchr finds each line end,
// and only a line's first bytes are looked at (the dot-stuffing and the end).
bool Pop3Conn::read_body(BodyCount& count) {
    bool at_line_start = true;
    char previous = '\n', before_previous = '\n';
    for (;;) {
        if (pos_ == end_ && !fill()) return false;
        const char* p = buf_.get() + pos_;
        const char* end = buf_.get() + end_;
        while (p < end) {
            if (at_line_start && *p == '.') {
                if (end - p < 3) break;  // too few bytes to tell; read more
                if (p[1] == '\r' && p[2] == '\n') {
                    pos_ = size_t(p + 3 - buf_.get());
                    return true;
                }
                ++p;  // the stuffed dot is not part of the message
            }
            at_line_start = false;
            const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
            if (!nl) {
                count.octets += uint64_t(end - p);
                if (end - p >= 2) { before_previous = end[-2]; previous = end[-1]; }
                else if (end - p == 1) { before_previous = previous; previous = end[-1]; }
                p = end;
                break;
            }
            char cr = nl > p ? nl[-1] : previous;
            char cr2 = nl - p >= 2 ? nl[-2] : (nl - p == 1 ? previous : before_previous);
            if (cr != '\r' || cr2 == '\r') ++count.bad_line_ends;
            count.octets += uint64_t(nl + 1 - p);
            previous = '\n';
            before_previous = '\r';
            p = nl + 1;
            at_line_start = true;
        }
        pos_ = size_t(p - buf_.get());
        if (pos_ < end_ && !fill()) return false;  // a dot at the buffer's end: need its next bytes
    }
}

}  // namespace bench
