// popup's AUTHORIZATION dialogue (popup/authorization, commands, login), fed
// a client's whole input through a socket, with a login checker that answers
// without running any program. The input is what the client sends; the
// settings (APOP, TLS required, attempts) come from a hash of it.
// Invariants:
//  - one answer per command line, in order: every line the reader consumed got
//    exactly one "+OK", "-ERR" or "+ " line, but the one after which a session
//    ran (the program after checkpassword answers that); every line ends in
//    CRLF and is at most 512 bytes (RFC 2449);
//  - popup reads no byte past the line that completes a login: the checker is
//    asked right after a line's LF, and when a session ran, the client's
//    pipelined bytes after it are still in the socket, exactly;
//  - each login it asks for is well formed: a user without NUL; USER/PASS's
//    password is PASS's argument for USER's name; APOP's is a digest with the
//    greeting's timestamp; AUTH PLAIN's authzid, if any, is the user;
//  - no password reaches the log.
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "check.hpp"
#include "checkpassword_input.hpp"
#include "line_reader.hpp"
#include "popup/authorization.hpp"
#include "popup/login_check.hpp"
#include "writer.hpp"

using namespace postern;
using namespace postern::popup;

namespace {

constexpr std::string_view timestamp = "<4242.1700000000@fuzz.example>";
constexpr std::string_view remote = "192.0.2.7";

size_t queued(int fd) {
    int n = 0;
    return ::ioctl(fd, FIONREAD, &n) == 0 ? size_t(n) : 0;
}

// Says yes to passwords that start with "ok", "temporary" to "temp", no to
// the rest, and ends the connection after max_attempts refusals, as the
// real judge does; and checks what it is asked.
class FakeChecker final : public LoginChecker {
public:
    FakeChecker(std::string_view input, int socket, unsigned max_attempts)
        : input_(input), socket_(socket), max_attempts_(max_attempts) {}

    Verdict check(const LoginRequest& request, const UcspiTls*) override {
        check_request(request);
        std::string_view p = request.password;
        if (p.starts_with("ok")) return Verdict::session_ran;
        if (p.starts_with("temp")) return Verdict::unavailable;
        return refused();
    }
    Verdict refuse(const LoginRequest& request) override {
        check_request(request);
        FUZZ_CHECK(request.mechanism == std::string_view("plain"));
        return refused();
    }
    void tls_running(UcspiTls&) override { FUZZ_CHECK(!"TLS runs without a TLS server"); }

    size_t consumed_at_last_check = 0;
    std::vector<std::string> passwords, users;

private:
    Verdict refused() { return ++failures_ < max_attempts_ ? Verdict::refused : Verdict::refused_last; }

    void check_request(const LoginRequest& request) {
        size_t consumed = input_.size() - queued(socket_);
        FUZZ_CHECK(consumed > 0 && input_[consumed - 1] == '\n');  // nothing read past the line
        consumed_at_last_check = consumed;
        std::string_view mech = request.mechanism;
        FUZZ_CHECK(!request.user.empty() && request.user.find('\0') == std::string_view::npos);
        FUZZ_CHECK(request.password.find('\0') == std::string_view::npos);
        FUZZ_CHECK(request.user.size() + request.password.size() + request.timestamp.size() + 3 <=
                   max_checkpassword_input);
        std::string_view line = last_line(consumed);
        if (mech == "apop") {
            FUZZ_CHECK(request.timestamp == timestamp && is_apop_digest(request.password));
            FUZZ_CHECK(line.ends_with(std::string(request.user) + " " + std::string(request.password)));
        } else {
            FUZZ_CHECK(mech == "user" || mech == "plain");
            FUZZ_CHECK(request.timestamp.empty());
        }
        if (mech == "user") {
            FUZZ_CHECK(!request.password.empty() && line.ends_with(" " + std::string(request.password)));
            FUZZ_CHECK(line.size() >= 5 && strncasecmp(line.data(), "pass ", 5) == 0);
        }
        users.emplace_back(request.user);
        if (mech != "apop") passwords.emplace_back(request.password);
    }

    // The line just read, without its line end.
    std::string_view last_line(size_t end) const {
        std::string_view before = input_.substr(0, end - 1);
        if (before.ends_with('\r')) before.remove_suffix(1);
        size_t start = before.rfind('\n');
        return before.substr(start == std::string_view::npos ? 0 : start + 1);
    }

    std::string_view input_;
    int socket_;
    unsigned max_attempts_;
    unsigned failures_ = 0;
};

std::string read_all(int fd) {
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) all.append(buf, size_t(n));
    return all;
}

size_t count_answers(std::string_view output) {
    size_t answers = 0;
    while (!output.empty()) {
        size_t end = output.find("\r\n");
        FUZZ_CHECK(end != std::string_view::npos && end + 2 <= 512);
        std::string_view line = output.substr(0, end);
        FUZZ_CHECK(line.find('\n') == std::string_view::npos);
        answers += line.starts_with("+OK") || line.starts_with("-ERR") || line == "+ ";
        output.remove_prefix(end + 2);
    }
    return answers;
}

// A password the log could not hold by chance: one with a byte no fixed log text has.
bool distinctive(std::string_view password) { return password.find_first_of("~|^`{}") != std::string_view::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view input = fuzz::as_text(bytes, size);
    if (input.size() > 16 * 1024) return 0;
    fuzz::SplitSource hash(input);
    Settings settings;
    settings.apop = hash.next(2) == 1;
    settings.require_tls = hash.next(8) == 1;
    settings.max_attempts = unsigned(hash.next(3));

    int ends[2];
    FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0);
    FUZZ_CHECK(::write(ends[1], input.data(), input.size()) == ssize_t(input.size()));
    ::shutdown(ends[1], SHUT_WR);
    int output = ::memfd_create("fuzz-dialogue", MFD_CLOEXEC);
    FUZZ_CHECK(output >= 0);

    FakeChecker checker(input, ends[0], settings.max_attempts);
    Outcome outcome;
    std::string log;
    {
        fuzz::CapturedStderr captured;
        LineReader in(ends[0], max_command_line, /*exact=*/true);
        Writer out(output, 4096);
        Authorization authorization(settings, checker, std::string(remote), std::string(timestamp), std::nullopt,
                                    in, out);
        authorization.greet();
        outcome = authorization.run();
        out.flush();
        log = captured.text();
    }
    size_t consumed = input.size() - queued(ends[0]);
    std::string rest = read_all(ends[0]);
    ::close(ends[0]);
    ::close(ends[1]);
    std::string said(size_t(::lseek(output, 0, SEEK_END)), '\0');
    FUZZ_CHECK(::pread(output, said.data(), said.size(), 0) == ssize_t(said.size()));
    ::close(output);

    FUZZ_CHECK(said.starts_with("+OK"));
    size_t lines = 0;
    for (char c : input.substr(0, consumed)) lines += c == '\n';
    size_t answers = count_answers(said) - 1;  // less the greeting
    FUZZ_CHECK(answers == lines - (outcome == Outcome::session_ran ? 1 : 0));
    if (outcome == Outcome::session_ran) {
        FUZZ_CHECK(consumed == checker.consumed_at_last_check);
        FUZZ_CHECK(rest == input.substr(consumed));
    }
    if (outcome == Outcome::client_left) FUZZ_CHECK(rest.empty());

    for (const std::string& password : checker.passwords) {
        if (!distinctive(password)) continue;
        bool is_a_user = false;  // a client may send the same text as a name, which is logged
        for (const std::string& user : checker.users) is_a_user |= user.find(password) != std::string::npos;
        if (!is_a_user) FUZZ_CHECK(log.find(password) == std::string::npos);
    }
    return 0;
}
