// The POP3 commands of the TRANSACTION state (RFC 1939, RFC 2449 CAPA, and
// qmail's LAST), one handler each, found through the table at the bottom.
#include <cerrno>

#include "capabilities.hpp"
#include "command_line.hpp"
#include "decimal.hpp"
#include "log.hpp"
#include "message_encoding.hpp"
#include "message_file.hpp"
#include "md5.hpp"
#include "session.hpp"
#include "unique_id.hpp"

namespace postern::pop3d {

void Session::maildrop_summary(std::string_view prefix) {
    out_.put(prefix);
    out_.put_number(live_count());
    out_.put(" messages (");
    out_.put_number(live_octets());
    out_.put_line(" octets)");
}

void Session::stat(std::string_view args) {
    if (!no_arguments(args)) return;
    out_.put("+OK ");
    out_.put_number(live_count());
    out_.put(" ");
    out_.put_number(live_octets());
    out_.put("\r\n");
}

// LIST and UIDL: with an argument "+OK n value"; without, a line for every
// message not deleted, after the header the caller wrote.
void Session::answer_per_message(std::string_view args, void (Session::*put_value)(size_t)) {
    if (!args.empty()) {
        auto index = message_argument(args);
        if (!index) return;
        out_.put("+OK ");
        out_.put(args);
        out_.put(" ");
        (this->*put_value)(*index);
        out_.put("\r\n");
        return;
    }
    for (size_t i = 0; i < drop_.messages.count(); ++i) {
        if (deleted_[i]) continue;
        out_.put_number(i + 1);
        out_.put(" ");
        (this->*put_value)(i);
        out_.put("\r\n");
    }
    out_.put(".\r\n");
}

void Session::put_size(size_t index) { out_.put_number(drop_.messages[index].size); }

void Session::list(std::string_view args) {
    if (!listing()) return;
    if (args.empty()) maildrop_summary("+OK ");
    answer_per_message(args, &Session::put_size);
}

// The previous server's UIDL when POSTERN_UIDL_SOURCES names a list that has
// the message; else the name itself, written straight out; else 32 hex
// digits: stable for the name, within RFC 1939's alphabet.
void Session::put_unique_id(size_t index) {
    if (std::string_view migrated = drop_.uidls.at(index); !migrated.empty()) {
        out_.put(migrated);
        return;
    }
    MessageName base = drop_.messages.base(index);
    if (usable_as_unique_id(base)) out_.put(base);
    else out_.put(md5_hex(base));
}

void Session::uidl(std::string_view args) {
    if (!listing()) return;
    if (args.empty()) ok("unique-id listing follows");
    answer_per_message(args, &Session::put_unique_id);
}

// Only a message sent whole counts as retrieved, and raises LAST.
void Session::retr(std::string_view args) {
    auto index = message_argument(args);
    if (!index) return;
    if (send_message(*index, MessageEncoder::whole_message) == Sent::nothing) return;
    if (!retrieved_[*index]) {
        retrieved_[*index] = 1;
        ++totals_.retrieved;
        totals_.retrieved_octets += drop_.messages[*index].size;
    }
    last_accessed_ = std::max(last_accessed_, *index + 1);
}

// A TOP whose line count reached past the body sent the whole message, as
// fetchmail reads the mail it keeps: counted apart from RETR, and not flagged seen.
void Session::top(std::string_view args) {
    auto [number, lines] = split_command(args);
    if (lines.empty() || lines.find(' ') != std::string_view::npos) return err("usage: TOP message lines");
    auto body_lines = parse_decimal(lines);
    if (!body_lines) return err("invalid number of lines");
    auto index = message_argument(number);
    if (!index) return;
    Sent sent = send_message(*index, *body_lines);
    if (sent == Sent::nothing) return;
    if (sent == Sent::whole && !topped_[*index]) {
        topped_[*index] = 1;
        ++totals_.topped;
        totals_.topped_octets += drop_.messages[*index].size;
    }
    last_accessed_ = std::max(last_accessed_, *index + 1);
}

// A file that vanished (another session deleted it), that the sandbox or its
// mode keeps from us, or that is no regular file, is answered -ERR before
// anything is sent; a read error mid-message cannot be, so it ends the session.
Session::Sent Session::send_message(size_t index, uint64_t body_lines) {
    RegularFile file = open_message(drop_.dir.get(), drop_.messages.dir(index), drop_.messages.name(index));
    if (!file && file.error == ENOENT && follow_renames(drop_, std::span(&index, 1)) == 1)
        file = open_message(drop_.dir.get(), drop_.messages.dir(index), drop_.messages.name(index));
    if (file.not_regular) {
        log_event("message-not-regular").kv("file", drop_.messages.name(index));
        err("[SYS/PERM] message is not a regular file");
        return Sent::nothing;
    }
    if (!file) {
        log_event("message-unreadable").kv("file", drop_.messages.name(index)).err(file.error);
        if (file.error == ENOENT) err("[SYS/PERM] message is gone: it was deleted by another session");
        else if (file.error == EACCES) err("[SYS/PERM] permission denied on message");
        else err("[SYS/TEMP] cannot read message");
        return Sent::nothing;
    }
    if (body_lines == MessageEncoder::whole_message) {
        out_.put("+OK ");
        out_.put_number(drop_.messages[index].size);
        out_.put_line(" octets");
    } else {
        ok("top of message follows");
    }
    MessageEncoder encoder(out_, body_lines);
    if (!file_buffer_) file_buffer_.reset(new char[file_buffer_size]);
    int error = read_chunks(file.fd.get(), std::span<char>(file_buffer_.get(), file_buffer_size),
                            [&](std::string_view chunk) { return encoder.feed(chunk) && !out_.failed(); });
    if (error) {
        log_event("read-error").kv("file", drop_.messages.name(index)).err(error);
        end_ = EndReason::read_error;  // the client sees no final "." and knows the message is incomplete
        return Sent::nothing;
    }
    encoder.finish();
    if (out_.failed()) return Sent::nothing;
    return encoder.consumed() >= file.size() ? Sent::whole : Sent::part;
}

void Session::dele(std::string_view args) {
    auto index = message_argument(args);
    if (!index) return;
    deleted_[*index] = 1;
    last_accessed_ = std::max(last_accessed_, *index + 1);
    out_.put("+OK message ");
    out_.put(args);
    out_.put_line(" deleted");
}

void Session::noop(std::string_view args) {
    if (no_arguments(args)) out_.put("+OK\r\n");
}

void Session::rset(std::string_view args) {
    if (!no_arguments(args)) return;
    std::fill(deleted_.begin(), deleted_.end(), 0);
    last_accessed_ = 0;
    maildrop_summary("+OK maildrop has ");
}

// RFC 1460's LAST, kept across sessions through the seen flag as UW ipop3d
// does: the highest message seen before this session, or taken in it since.
void Session::last(std::string_view args) {
    if (!no_arguments(args) || !listing()) return;
    out_.put("+OK ");
    out_.put_number(std::max(seen_at_login(), last_accessed_));
    out_.put("\r\n");
}

void Session::capa(std::string_view args) {
    if (!no_arguments(args)) return;
    ok("capability list follows");
    for (std::string_view capability : shared_capabilities) out_.put_line(capability);
    out_.put_line("USER");
    if (settings_.expire) out_.put_line("EXPIRE " + *settings_.expire);
    if (settings_.login_delay) out_.put_line("LOGIN-DELAY " + *settings_.login_delay);
    out_.put_line(implementation_capability);
    out_.put(".\r\n");
}

// Ends TRANSACTION; update() then answers, once UPDATE is done.
void Session::quit(std::string_view args) {
    if (!no_arguments(args)) return;
    end_ = EndReason::quit;
}

CommandHandler find_command(std::string_view keyword) {
    static constexpr CommandEntry<CommandHandler> table[] = {
        {"stat", &Session::stat},
        {"list", &Session::list},
        {"uidl", &Session::uidl},
        {"retr", &Session::retr},
        {"top", &Session::top},
        {"dele", &Session::dele},
        {"noop", &Session::noop},
        {"rset", &Session::rset},
        {"last", &Session::last},
        {"capa", &Session::capa},
        {"quit", &Session::quit},
    };
    return find_handler<CommandHandler>(table, keyword);
}

}  // namespace postern::pop3d
