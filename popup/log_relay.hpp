// Log lines that a less trusted process writes, passed on to the service log
// by the root greeter: the network child's (under a name of its own) and the
// session's (the checkpassword program's and the mail user's pop3d's). Each
// line is bounded and cleaned, and none can take the shape of a line only
// root writes: the fail2ban filter counts postern-popup's refusals, and a
// user who writes "postern-popup: login-refused ... remote=X" must not be
// able to get X banned.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace postern::popup {

constexpr size_t max_relayed_line = 1000;
constexpr size_t network_log_budget = 64 * 1024;   // a network child logs a few lines
constexpr size_t session_log_budget = 1024 * 1024;

// The line as it is passed on, without its newline: printable ASCII (the
// rest becomes '?'), at most max_relayed_line bytes, a root-only tag
// ("postern-popup:", "postern-tcpserver:") defused wherever it appears, and,
// when `name` is given, shown under that name whatever tag the line had.
std::string relayed_form(std::string_view name, std::string_view line);

class LogRelay {
public:
    LogRelay(std::string name, size_t budget) : name_(std::move(name)), budget_(budget) {}
    // Writes each complete line to fd 2; a partial one waits for its end.
    void feed(std::string_view bytes);
    // The end of the input: an unterminated last line is written too.
    void finish();
    // Reads what fd has and feeds it; false at end of file or on an error.
    bool relay_from(int fd);

private:
    void emit(std::string_view line);

    std::string name_;
    size_t budget_;       // bytes still allowed; then one "log-truncated" line and silence
    std::string partial_;
    bool overlong_ = false;  // the current line was cut: the rest of it is dropped
    bool truncated_ = false;
};

}  // namespace postern::popup
