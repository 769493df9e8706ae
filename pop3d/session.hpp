// The TRANSACTION state of RFC 1939 over one Maildir snapshot, and the UPDATE
// state that QUIT enters. Commands are dispatched from the table in
// session_commands.cpp.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "line_reader.hpp"
#include "maildrop.hpp"
#include "settings.hpp"
#include "writer.hpp"

namespace postern::pop3d {

enum class EndReason { quit, eof, timeout, read_error, write_error };

// What the session did, for its end line. Each message counts once.
struct SessionTotals {
    size_t retrieved = 0;  // messages RETR sent whole
    uint64_t retrieved_octets = 0;
    size_t topped = 0;  // messages a TOP sent whole (fetchmail's way to read and keep them)
    uint64_t topped_octets = 0;
    size_t deleted = 0;  // messages UPDATE unlinked
    uint64_t deleted_octets = 0;
    size_t vanished = 0;  // marked deleted, but already gone at UPDATE: another session removed them
    uint64_t vanished_octets = 0;
    size_t delete_failures = 0;
};

class Session;
using CommandHandler = void (Session::*)(std::string_view args);
// The handler for a command keyword, in any case; nullptr when unknown.
CommandHandler find_command(std::string_view keyword);

class Session {
public:
    Session(Maildrop& drop, const Settings& settings, LineReader& in, Writer& out);
    // The "+OK" that answers the client's login: the maildrop's size.
    void greet() { maildrop_summary("+OK maildrop has "); }
    // TRANSACTION: commands until QUIT, the end of the input, a time-out or an error.
    EndReason run();
    // UPDATE, after run() returned quit: the deletions and seen flags, then QUIT's answer.
    EndReason update();
    const SessionTotals& totals() const { return totals_; }

    // Command handlers, one per POP3 command; args are what follows the keyword.
    void stat(std::string_view args);
    void list(std::string_view args);
    void uidl(std::string_view args);
    void retr(std::string_view args);
    void top(std::string_view args);
    void dele(std::string_view args);
    void noop(std::string_view args);
    void rset(std::string_view args);
    void last(std::string_view args);
    void capa(std::string_view args);
    void quit(std::string_view args);

private:
    void dispatch(std::string_view line);
    // The message a command names, or nullopt after answering -ERR.
    std::optional<size_t> message_argument(std::string_view arg);
    bool no_arguments(std::string_view args);
    // What send_message sent: nothing (it answered -ERR, or the session ended
    // mid-message), the message cut short by TOP, or all of it.
    enum class Sent { nothing, part, whole };
    Sent send_message(size_t index, uint64_t body_lines);
    void answer_per_message(std::string_view args, void (Session::*put_value)(size_t));
    void put_size(size_t index);
    // UIDL's answer for a message: the previous server's UIDL, else its unique
    // name, or a stable digest of it when the name is not 1-70 characters of
    // 0x21-0x7E (RFC 1939).
    void put_unique_id(size_t index);
    void ok(std::string_view text) {
        out_.put("+OK ");
        out_.put_line(text);
    }
    void err(std::string_view text) {
        out_.put("-ERR ");
        out_.put_line(text);
    }
    void maildrop_summary(std::string_view prefix);
    // The highest message number already seen (S flag) when the session began:
    // LAST's value at login and after RSET. Needs the listing.
    size_t seen_at_login();
    // Reads a deferred listing before a command that needs names or sizes; a
    // cache that fails then ends the session with -ERR (nothing was changed yet).
    bool listing();
    size_t live_count() const;
    uint64_t live_octets() const;

    Maildrop& drop_;
    const Settings& settings_;
    LineReader& in_;
    Writer& out_;
    std::vector<uint8_t> deleted_;
    std::vector<uint8_t> retrieved_;  // sent whole by RETR: flagged seen at UPDATE
    std::vector<uint8_t> topped_;     // sent whole by TOP: counted, not flagged
    size_t last_accessed_ = 0;        // the highest message RETR, TOP or DELE took since login or RSET
    std::optional<size_t> seen_at_login_;
    std::optional<EndReason> end_;  // set by QUIT, or by a failure that ends the session
    static constexpr size_t file_buffer_size = 128 * 1024;
    std::unique_ptr<char[]> file_buffer_;  // allocated by the first RETR or TOP
    SessionTotals totals_;
};

}  // namespace postern::pop3d
