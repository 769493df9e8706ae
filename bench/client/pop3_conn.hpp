// One POP3 connection as an ordinary client holds it: one write per command,
// wait for the whole answer, then the next command (send_bytes and read_ok let
// a pipelining client send ahead instead). No socket options are set, so the
// server meets the kernel's defaults (Nagle, delayed ACK) as it would with any
// mail client. Every read has a time limit.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <memory>

#include "fd.hpp"

namespace bench {

// What a multi-line answer carried, counted as RFC 1939 counts a message:
// CRLF line ends, before dot-stuffing, without the final ".".
struct BodyCount {
    uint64_t octets = 0;
    uint64_t bad_line_ends = 0;  // a LF without CR before it, or CR CR LF
};

class Pop3Conn {
public:
    static constexpr int read_timeout_ms = 30000;

    // The buffer bounds one read; a bulk transfer wants a large one.
    explicit Pop3Conn(size_t buffer_size = 64 * 1024);
    bool connect(uint16_t port);
    // Reads the server's greeting; true when it is +OK.
    bool greeting();
    bool send(std::string_view command);
    // Bytes as they are, already CRLF-terminated: several pipelined commands in one write.
    bool send_bytes(std::string_view bytes);
    // One line without its CRLF.
    bool read_line(std::string& line);
    // Sends `command` and reads its status line; true when it is +OK.
    bool ok(std::string_view command, std::string* reply = nullptr);
    // Reads the status line of a command sent before (pipelining); true when it is +OK.
    bool read_ok(std::string_view command, std::string* reply = nullptr);
    // The rest of a multi-line answer, up to and including the line ".".
    bool read_body(BodyCount& count);
    // The rest of a multi-line answer, one line at a time (short lines only).
    template <class Each> bool read_lines(Each&& each) {
        std::string line;
        for (;;) {
            if (!read_line(line)) return false;
            if (line == ".") return true;
            std::string_view l = line;
            if (!l.empty() && l[0] == '.') l.remove_prefix(1);
            each(l);
        }
    }
    const std::string& error() const { return error_; }

private:
    bool fill();
    bool fail(std::string what);

    postern::Fd fd_;
    std::unique_ptr<char[]> buf_;  // not zeroed: a short session touches little of it
    size_t cap_;
    size_t pos_ = 0, end_ = 0;
    std::string error_;
};

}  // namespace bench
