// The AUTHORIZATION state of RFC 1939 (with RFC 2449 CAPA, RFC 5034 AUTH
// PLAIN and RFC 2595 STLS): greets, reads commands until a login hands the
// connection to the checkpassword program, and answers for that program
// when it exits without having said anything. The loop is in
// authorization.cpp; the commands and their table in authorization_commands.cpp;
// the hand-off and its answers in authorization_login.cpp.
// The check itself is a LoginChecker's: this class only talks to the client.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "command_line.hpp"
#include "deadline.hpp"
#include "line_reader.hpp"
#include "login_check.hpp"
#include "settings.hpp"
#include "ucspi_tls.hpp"
#include "writer.hpp"

namespace postern::popup {

enum class Outcome { quit, session_ran, client_left, timeout, too_many_failures, temporary_failure };

class Authorization;
using CommandHandler = void (Authorization::*)(std::string_view args);
// The handler for a command keyword, in any case; nullptr when unknown.
CommandHandler find_command(std::string_view keyword);

class Authorization {
public:
    Authorization(const Settings& settings, LoginChecker& checker, std::string remote, std::string timestamp,
                  std::optional<UcspiTls> tls, LineReader& in, Writer& out);
    void greet();
    Outcome run();

    void user(std::string_view args);
    void pass(std::string_view args);
    void apop(std::string_view args);
    void auth(std::string_view args);
    void capa(std::string_view args);
    void stls(std::string_view args);
    void noop(std::string_view args);
    void quit(std::string_view args);

private:
    void dispatch(std::string_view line);
    // A line read inside a command (AUTH's continuation); nullopt after the session ended.
    std::optional<std::string_view> read_continuation();
    Deadline next_read_deadline() const;
    void line_too_long();
    void timed_out();
    void client_left(ReadStatus status);
    bool login_allowed();
    bool offers_login() const;
    void auth_plain(std::string_view initial_response, int64_t started_ms);

    // authorization_login.cpp
    void login(const LoginRequest& request);
    void answer(Verdict verdict);
    void credentials_too_long(const LoginRequest& request);

    void ok(std::string_view text);
    void err(std::string_view text);

    const Settings& settings_;
    LoginChecker& checker_;
    std::string remote_;
    std::string timestamp_;
    std::optional<UcspiTls> tls_;
    LineReader& in_;
    Writer& out_;
    Deadline auth_deadline_;
    std::string user_;                              // from USER, until PASS
    bool handshake_unconfirmed_ = false;            // after STLS, until a line comes through TLS
    std::optional<Outcome> end_;
};

}  // namespace postern::popup
