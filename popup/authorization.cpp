#include "authorization.hpp"

#include <cerrno>

#include "command_line.hpp"
#include "log.hpp"

namespace postern::popup {

Authorization::Authorization(const Settings& settings, LoginChecker& checker, std::string remote,
                             std::string timestamp, std::optional<UcspiTls> tls, LineReader& in, Writer& out)
    : settings_(settings),
      checker_(checker),
      remote_(std::move(remote)),
      timestamp_(std::move(timestamp)),
      tls_(tls),
      in_(in),
      out_(out),
      auth_deadline_(Deadline::after_seconds(settings.auth_timeout_seconds)) {}

void Authorization::greet() {
    if (settings_.apop) {
        ok("POP3 ready " + timestamp_);
    } else {
        ok("POP3 ready");
    }
    out_.flush();
}

Outcome Authorization::run() {
    while (!end_) {
        std::string_view line;
        ReadStatus status = in_.read_line(line, next_read_deadline());
        if (status == ReadStatus::line) {
            if (tls_ && tls_->active && tls_->control >= 0) checker_.tls_running(*tls_);  // facts not read yet
            handshake_unconfirmed_ = false;
            dispatch(line);
            in_.wipe_consumed_input();  // the line may have carried a password
        } else if (status == ReadStatus::too_long) {
            line_too_long();
        } else if (status == ReadStatus::timeout) {
            timed_out();
        } else {
            client_left(status);
        }
        // Flushed even when the session ends: QUIT's "+OK" and the last "-ERR" must go out.
        if (!out_.flush() && !end_) client_left(ReadStatus::error);
    }
    return *end_;
}

void Authorization::dispatch(std::string_view line) {
    auto [keyword, args] = split_command(line);
    CommandHandler handler = find_command(keyword);
    if (!handler) return err("authorization first");
    (this->*handler)(args);
}

// Each command waits at most the idle time, and never past the end of the
// time allowed for the whole AUTHORIZATION state.
Deadline Authorization::next_read_deadline() const {
    return Deadline::after_seconds(settings_.idle_timeout_seconds).earliest(auth_deadline_);
}

std::optional<std::string_view> Authorization::read_continuation() {
    if (!out_.flush()) {
        client_left(ReadStatus::error);
        return std::nullopt;
    }
    std::string_view line;
    ReadStatus status = in_.read_line(line, next_read_deadline());
    if (status == ReadStatus::line) return line;
    if (status == ReadStatus::too_long) line_too_long();
    else if (status == ReadStatus::timeout) timed_out();
    else client_left(status);
    return std::nullopt;
}

void Authorization::line_too_long() {
    log_event("line-too-long").kv("remote", remote_).kv("limit", max_command_line);
    err("line too long");
}

// RFC 1939: an autologout closes the connection without a response.
void Authorization::timed_out() {
    log_event("timeout").kv("remote", remote_).kv("limit", auth_deadline_.expired() ? "authorization" : "idle");
    end_ = Outcome::timeout;
}

// A client that connects and closes at once may reset the connection before
// the greeting is read (ECONNRESET, EPIPE): it left, as with a clean close.
// Ended before a line came through TLS: the handshake failed, or the TLS
// server gave up (s6-tlsd logs why, and closes the pipes).
void Authorization::client_left(ReadStatus status) {
    bool closed = status == ReadStatus::eof || errno == ECONNRESET || errno == EPIPE;
    const char* reason = closed ? "eof" : "error";
    if (handshake_unconfirmed_) log_event("tls-failed").kv("remote", remote_).kv("reason", reason);
    else log_event("disconnect").kv("remote", remote_).kv("reason", reason);
    end_ = Outcome::client_left;
}

void Authorization::ok(std::string_view text) {
    out_.put("+OK");
    if (!text.empty()) {
        out_.put(" ");
        out_.put(text);
    }
    out_.put("\r\n");
}

void Authorization::err(std::string_view text) {
    out_.put("-ERR ");
    out_.put_line(text);
}

}  // namespace postern::popup
