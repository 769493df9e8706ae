#include "session.hpp"

#include "command_line.hpp"
#include "decimal.hpp"
#include "log.hpp"
#include "maildir_name.hpp"
#include "update.hpp"

namespace postern::pop3d {

Session::Session(Maildrop& drop, const Settings& settings, LineReader& in, Writer& out)
    : drop_(drop),
      settings_(settings),
      in_(in),
      out_(out),
      deleted_(drop.count, 0),
      retrieved_(drop.count, 0),
      topped_(drop.count, 0) {}

// Answers are flushed only when the client has nothing more pipelined, so a
// whole pipelined session goes out in a few large writes.
EndReason Session::run() {
    std::string_view line;
    while (!end_) {
        if (!in_.has_buffered_input() && !out_.flush()) return EndReason::write_error;
        ReadStatus status = in_.read_line(line, Deadline::after_seconds(settings_.idle_timeout_seconds));
        switch (status) {
            case ReadStatus::line: dispatch(line); break;
            case ReadStatus::too_long: err("line too long"); break;
            case ReadStatus::timeout:
                err("autologout: idle for too long");
                out_.flush();
                return EndReason::timeout;
            case ReadStatus::eof: return EndReason::eof;
            case ReadStatus::error: return EndReason::read_error;
        }
        if (out_.failed()) return EndReason::write_error;
    }
    if (*end_ == EndReason::quit) return *end_;  // answered by update()
    return out_.flush() ? *end_ : EndReason::write_error;
}

EndReason Session::update() {
    apply_update(drop_, deleted_, retrieved_, totals_);
    if (totals_.delete_failures > 0) err("[SYS/TEMP] some deleted messages were not removed");
    else ok("bye");
    return out_.flush() ? EndReason::quit : EndReason::write_error;
}

void Session::dispatch(std::string_view line) {
    auto [keyword, args] = split_command(line);
    CommandHandler handler = find_command(keyword);
    if (!handler) return err("unknown command");
    (this->*handler)(args);
}

bool Session::no_arguments(std::string_view args) {
    if (args.empty()) return true;
    err("this command takes no argument");
    return false;
}

std::optional<size_t> Session::message_argument(std::string_view arg) {
    auto number = parse_decimal(arg);
    if (!number) {
        err("invalid message number");
        return std::nullopt;
    }
    if (*number == 0 || *number > drop_.count) {
        err("no such message");
        return std::nullopt;
    }
    if (!listing()) return std::nullopt;
    size_t index = size_t(*number - 1);
    if (deleted_[index]) {
        err("message " + std::string(arg) + " already deleted");
        return std::nullopt;
    }
    return index;
}

size_t Session::live_count() const {
    size_t n = 0;
    for (uint8_t d : deleted_) n += !d;
    return n;
}

// Sizes are looked at only for deleted messages: a session that deleted
// nothing needs no listing for its answers.
uint64_t Session::live_octets() const {
    uint64_t octets = drop_.total_octets;
    for (size_t i = 0; i < deleted_.size(); ++i)
        if (deleted_[i]) octets -= drop_.messages[i].size;
    return octets;
}

size_t Session::seen_at_login() {
    if (!seen_at_login_) {
        seen_at_login_ = 0;
        const MessageList& list = drop_.messages;
        for (size_t i = list.count(); i > 0; --i) {
            MessageName name = list.name(i - 1);
            if (parse_maildir_name(name).flags.find('S') != std::string_view::npos) {
                seen_at_login_ = i;
                break;
            }
        }
    }
    return *seen_at_login_;
}

bool Session::listing() {
    if (read_deferred_listing(drop_)) return true;
    log_event("cache-damaged").kv("file", maildir_cache_file);
    err("[SYS/TEMP] the maildrop's listing could not be read; try again");
    end_ = EndReason::read_error;
    return false;
}

}  // namespace postern::pop3d
