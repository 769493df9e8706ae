// Reads CRLF- or LF-terminated lines from an fd with a length bound and a time limit.
//
// In exact mode it never consumes input past the end of the line it returns
// (peeking on a socket, byte-wise otherwise), so a program it execs finds the
// client's pipelined commands still waiting on the fd.
#pragma once
#include <cstddef>
#include <string_view>

#include "deadline.hpp"

namespace postern {

enum class ReadStatus { line, eof, too_long, timeout, error };

class LineReader {
public:
    // max_line counts the whole line with its CRLF, as RFC 2449 counts a command (255).
    static constexpr size_t capacity = 4096;
    LineReader(int fd, size_t max_line, bool exact = false);

    // On ReadStatus::line, `line` holds the line without its end; it stays valid until the next call.
    // An over-long line is read to its end and dropped, so the stream stays in step.
    ReadStatus read_line(std::string_view& line, Deadline deadline);

    bool has_buffered_input() const { return start_ < end_; }
    void discard_buffered_input() { start_ = end_ = 0; }
    // Zeroes every byte of the buffer that is not unread input: a line that
    // carried a password must not linger in memory. Invalidates the last line.
    void wipe_consumed_input();
    void set_fd(int fd);

private:
    bool find_line(std::string_view& line);
    ReadStatus fill(Deadline deadline);
    long read_some(char* at, size_t room);

    int fd_;
    size_t max_line_;
    bool exact_;
    bool is_socket_ = false;
    bool discarding_ = false;
    size_t start_ = 0, end_ = 0;
    char buf_[capacity];
};

}  // namespace postern
