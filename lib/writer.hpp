// Buffered output to a client: answers are assembled whole and written in
// large pieces, so no answer ever ends in a small write that waits on the
// peer's delayed ACK. Every write has a time limit; after the first failure
// the writer drops further output and reports failed().
#pragma once
#include <cstddef>
#include <memory>
#include <string_view>

namespace postern {

class Writer {
public:
    static constexpr size_t default_capacity = 128 * 1024;
    explicit Writer(int fd, size_t capacity = default_capacity);

    void put(std::string_view s);
    void put_line(std::string_view s) {  // s then CRLF
        put(s);
        put("\r\n");
    }
    void put_number(unsigned long long n);

    // Room for at least n bytes (n <= capacity), flushing if needed; commit() what was used.
    char* reserve(size_t n);
    void commit(size_t n) { used_ += n; }

    bool flush();
    bool failed() const { return failed_; }
    void set_timeout_ms(int ms) { timeout_ms_ = ms; }
    void set_fd(int fd);
    size_t capacity() const { return capacity_; }

private:
    bool write_all(const char* p, size_t n);

    int fd_;
    bool is_socket_ = false;
    bool failed_ = false;
    int timeout_ms_ = 10 * 60 * 1000;
    size_t capacity_;
    size_t used_ = 0;
    std::unique_ptr<char[]> buf_;
};

// Turns off Nagle's algorithm when fd is a TCP socket; harmless otherwise.
void set_tcp_nodelay(int fd);

}  // namespace postern
