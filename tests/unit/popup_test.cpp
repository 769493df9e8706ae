// postern-popup's parts: SASL PLAIN decoding, the fd-3 input, the APOP
// timestamp, the remote address, settings, and the AUTHORIZATION state
// driven through a pipe with /bin/sh standing in for checkpassword.
#include <catch2/catch.hpp>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <cstring>
#include <string>

#include "capture.hpp"
#include "line_reader.hpp"
#include "remote_address.hpp"
#include "popup/apop_timestamp.hpp"
#include "popup/authorization.hpp"
#include "popup/checkpassword.hpp"
#include "popup/login_judge.hpp"
#include "popup/sasl_plain.hpp"
#include "popup/settings.hpp"
#include "popup/tls_in_front.hpp"

using namespace postern;
using namespace postern::popup;

namespace {
std::string decode(std::string_view text, bool& ok) {
    PlainMessage message;
    ok = base64_decode(text, message);
    return std::string(message.view());
}

// Sets or unsets variables for one test, and restores them afterwards.
class ScopedEnv {
public:
    ~ScopedEnv() {
        for (auto& [name, value] : saved_) {
            if (value) ::setenv(name.c_str(), value->c_str(), 1);
            else ::unsetenv(name.c_str());
        }
    }
    void set(const char* name, const char* value) {
        remember(name);
        if (value) ::setenv(name, value, 1);
        else ::unsetenv(name);
    }

private:
    void remember(const char* name) {
        const char* old = ::getenv(name);
        saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// One AUTHORIZATION session: `client` is all the client sends; the
// checkpassword program is `sh -c SCRIPT`.
struct Session {
    std::string output;
    Outcome outcome;
};

Session run_session(const std::string& client, const char* script, Settings settings = {}) {
    ::signal(SIGPIPE, SIG_IGN);  // as postern-popup's main does: a child may exit before reading fd 3
    settings.fail_delay_ms = 0;
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    REQUIRE(::write(ends[1], client.data(), client.size()) == ssize_t(client.size()));
    ::close(ends[1]);
    test::CapturedOutput out;
    LineReader in(ends[0], max_command_line, true);
    const char* argv[] = {"/bin/sh", "-c", script, nullptr};
    LoginJudge judge(settings, const_cast<char* const*>(argv), "192.0.2.7", nullptr);
    Authorization authorization(settings, judge, "192.0.2.7", "<1.2.3@host>", std::nullopt, in, out.writer());
    authorization.greet();
    Outcome outcome = authorization.run();
    ::close(ends[0]);
    return {out.text(), outcome};
}
}  // namespace

TEST_CASE("base64: RFC 4648 test vectors", "[popup]") {
    bool ok = false;
    CHECK(decode("", ok) == "");
    CHECK(ok);
    CHECK(decode("Zg==", ok) == "f");
    CHECK(decode("Zm8=", ok) == "fo");
    CHECK(decode("Zm9v", ok) == "foo");
    CHECK(decode("Zm9vYmFy", ok) == "foobar");
    CHECK(ok);
}

TEST_CASE("base64: malformed input is refused", "[popup]") {
    bool ok = true;
    for (const char* bad : {"Zg", "Zg=", "Z===", "Zg=a", "Zm9v!mFy", "Zg==Zg==", "Zm 9v"}) {
        decode(bad, ok);
        INFO(bad);
        CHECK_FALSE(ok);
    }
    std::string long_text(4 * 65, 'A');  // 195 bytes: more than a 255-octet line can carry
    decode(long_text, ok);
    CHECK_FALSE(ok);
}

TEST_CASE("SASL PLAIN: the three fields", "[popup]") {
    PlainCredentials c;
    using namespace std::string_view_literals;
    REQUIRE(split_plain("\0alice\0secret"sv, c));
    CHECK(c.authzid.empty());
    CHECK(c.authcid == "alice");
    CHECK(c.password == "secret");
    REQUIRE(split_plain("alice\0alice\0pass word"sv, c));
    CHECK(c.authzid == "alice");
    CHECK(c.password == "pass word");
    CHECK_FALSE(split_plain("alice"sv, c));
    CHECK_FALSE(split_plain("\0alice"sv, c));
    CHECK_FALSE(split_plain("\0\0secret"sv, c));           // no user
    CHECK_FALSE(split_plain("\0alice\0sec\0ret"sv, c));    // a NUL in the password
}

TEST_CASE("checkpassword input: user NUL password NUL timestamp NUL", "[popup]") {
    CheckpasswordInput input;
    REQUIRE(build_checkpassword_input(input, "alice", "secret", "<1.2@h>"));
    using namespace std::string_view_literals;
    CHECK(input.view() == "alice\0secret\0<1.2@h>\0"sv);
    REQUIRE(build_checkpassword_input(input, "bob", "pw", ""));
    CHECK(input.view() == "bob\0pw\0\0"sv);
    std::string big(300, 'x');
    CHECK_FALSE(build_checkpassword_input(input, big, big, ""));
    CHECK(input.empty());
    std::string edge(512 - 3 - 2, 'y');  // exactly 512 bytes in all
    CHECK(build_checkpassword_input(input, edge, "p", ""));
}

TEST_CASE("APOP timestamp: unique, RFC 1939 form", "[popup]") {
    std::string a = make_apop_timestamp("mail.example.com"), b = make_apop_timestamp("mail.example.com");
    // <digits.digits.16-hex@host>
    REQUIRE(a.front() == '<');
    REQUIRE(a.ends_with("@mail.example.com>"));
    std::string_view head = std::string_view(a).substr(1, a.size() - 1 - std::strlen("@mail.example.com>"));
    size_t dot1 = head.find('.'), dot2 = head.find('.', dot1 + 1);
    REQUIRE(dot2 != std::string_view::npos);
    CHECK(head.substr(0, dot1).find_first_not_of("0123456789") == std::string_view::npos);
    CHECK(head.substr(dot1 + 1, dot2 - dot1 - 1).find_first_not_of("0123456789") == std::string_view::npos);
    CHECK(head.substr(dot2 + 1).size() == 16);
    CHECK(head.substr(dot2 + 1).find_first_not_of("0123456789abcdef") == std::string_view::npos);
    CHECK(a != b);
    CHECK(valid_host("mail.example.com"));
    CHECK_FALSE(valid_host(""));
    CHECK_FALSE(valid_host("a b"));
    CHECK_FALSE(valid_host("a>b"));
    CHECK_FALSE(valid_host(std::string(max_host_length + 1, 'h')));
}

TEST_CASE("remote address: TCPREMOTEIP, then SSLREMOTEIP, then REMOTE_ADDR", "[popup]") {
    ScopedEnv env;
    env.set("TCPREMOTEIP", "192.0.2.7");
    env.set("SSLREMOTEIP", "203.0.113.5");
    env.set("REMOTE_ADDR", "198.51.100.1");
    CHECK(remote_address() == "192.0.2.7");
    env.set("TCPREMOTEIP", nullptr);
    CHECK(remote_address() == "203.0.113.5");
    env.set("SSLREMOTEIP", "");
    CHECK(remote_address() == "198.51.100.1");
}

TEST_CASE("TLS in front: a TLS server's facts or the administrator's word", "[popup]") {
    ScopedEnv env;
    env.set("SSL_PROTOCOL", nullptr);
    env.set("SSLREMOTEIP", nullptr);
    env.set("PROTO", "TCP");
    CHECK_FALSE(tls_in_front(false, false));
    env.set("SSL_PROTOCOL", "TLSv1.3");  // s6-tlsd
    auto front = tls_in_front(false, false);
    REQUIRE(front);
    CHECK(std::string(front->by) == "server");
    CHECK(front->protocol == "TLSv1.3");
    CHECK_FALSE(tls_in_front(false, true));  // UCSPI-TLS descriptors: cleartext until STLS
    env.set("SSL_PROTOCOL", nullptr);
    env.set("PROTO", "SSL");  // sslserver without -s
    front = tls_in_front(false, false);
    REQUIRE(front);
    CHECK(front->protocol == "unknown");
    CHECK_FALSE(tls_in_front(false, true));  // sslserver -n sets PROTO=SSL before any handshake
    env.set("PROTO", "TCP");
    env.set("SSLREMOTEIP", "192.0.2.7");  // sslserver -e
    CHECK(tls_in_front(false, false));
    CHECK_FALSE(tls_in_front(false, true));
    env.set("SSLREMOTEIP", nullptr);
    front = tls_in_front(true, true);  // stunnel in front, whatever follows
    REQUIRE(front);
    CHECK(std::string(front->by) == "terminator");
}

TEST_CASE("the TLS server's settings do not reach the programs after popup", "[popup]") {
    ScopedEnv env;
    for (const char* name : {"CERTFILE", "KEYFILE", "CAFILE", "CADIR", "TLS_UID", "TLS_GID", "KEYPASS", "CIPHERS",
                             "SSL_UID", "KEYFILE:mail.example", "CERTFILE:mail.example"})
        env.set(name, "x");
    env.set("SSL_PROTOCOL", "TLSv1.3");
    env.set("KEYFILES", "kept");
    unset_tls_server_settings();
    for (const char* name : {"CERTFILE", "KEYFILE", "CAFILE", "CADIR", "TLS_UID", "TLS_GID", "KEYPASS", "CIPHERS",
                             "SSL_UID", "KEYFILE:mail.example", "CERTFILE:mail.example"})
        CHECK(::getenv(name) == nullptr);
    CHECK(std::string(::getenv("SSL_PROTOCOL")) == "TLSv1.3");
    CHECK(std::string(::getenv("KEYFILES")) == "kept");
}

TEST_CASE("settings: defaults, values, malformed", "[popup]") {
    ScopedEnv env;
    for (const char* name : {"POSTERN_APOP", "POSTERN_REQUIRE_TLS", "POSTERN_AUTH_TIMEOUT", "POSTERN_IDLE_TIMEOUT",
                             "POSTERN_MAX_ATTEMPTS", "POSTERN_FAIL_DELAY", "UCSPITLS"})
        env.set(name, nullptr);
    Settings s;
    REQUIRE(read_settings(s));
    CHECK_FALSE(s.apop);
    CHECK(s.max_attempts == 3);
    CHECK(s.idle_timeout_seconds == 600);
    env.set("POSTERN_APOP", "1");
    env.set("POSTERN_MAX_ATTEMPTS", "5");
    env.set("UCSPITLS", "!");
    Settings t;
    REQUIRE(read_settings(t));
    CHECK(t.apop);
    CHECK(t.max_attempts == 5);
    CHECK(t.require_tls);
    env.set("UCSPITLS", "-");
    Settings u;
    REQUIRE(read_settings(u));
    CHECK_FALSE(u.offer_tls);
    env.set("POSTERN_FAIL_DELAY", "2s");
    Settings v;
    CHECK_FALSE(read_settings(v));
    env.set("POSTERN_FAIL_DELAY", nullptr);
    env.set("POSTERN_MAX_ATTEMPTS", "0");
    CHECK_FALSE(read_settings(v));
}

TEST_CASE("authorization: CAPA lists the login methods and extensions", "[popup]") {
    Session s = run_session("CAPA\r\nQUIT\r\n", "exit 1");
    CHECK(s.output ==
          "+OK POP3 ready\r\n+OK capability list follows\r\nUSER\r\nSASL PLAIN\r\nTOP\r\nUIDL\r\nPIPELINING\r\n"
          "RESP-CODES\r\nAUTH-RESP-CODE\r\nIMPLEMENTATION postern\r\n.\r\n+OK bye\r\n");
    CHECK(s.outcome == Outcome::quit);
}

TEST_CASE("authorization: CAPA hides logins while TLS is required", "[popup]") {
    Settings settings;
    settings.require_tls = true;
    Session s = run_session("CAPA\r\nUSER a\r\n", "exit 1", settings);
    CHECK(s.output.find("USER\r\n") == std::string::npos);
    CHECK(s.output.find("SASL") == std::string::npos);
    CHECK(s.output.find("-ERR logins need TLS") != std::string::npos);
}

TEST_CASE("authorization: the APOP timestamp only when APOP is on", "[popup]") {
    Settings settings;
    CHECK(run_session("", "exit 1", settings).output == "+OK POP3 ready\r\n");
    settings.apop = true;
    CHECK(run_session("", "exit 1", settings).output == "+OK POP3 ready <1.2.3@host>\r\n");
}

TEST_CASE("authorization: refusals, then the attempt limit", "[popup]") {
    Session s = run_session("USER a\r\nPASS x\r\nUSER a\r\nPASS y\r\nUSER a\r\nPASS z\r\nNOOP\r\n", "exit 1");
    CHECK(s.output ==
          "+OK POP3 ready\r\n+OK send PASS\r\n-ERR [AUTH] authentication failed\r\n+OK send PASS\r\n"
          "-ERR [AUTH] authentication failed\r\n+OK send PASS\r\n"
          "-ERR [AUTH] authentication failed; too many failures, closing\r\n");
    CHECK(s.outcome == Outcome::too_many_failures);
}

TEST_CASE("authorization: the child's exit status decides the answer", "[popup]") {
    CHECK(run_session("USER a\r\nPASS x\r\n", "exit 111").output ==
          "+OK POP3 ready\r\n+OK send PASS\r\n-ERR [SYS/TEMP] authentication temporarily unavailable, try again "
          "later\r\n");
    Session crashed = run_session("USER a\r\nPASS x\r\n", "kill -SEGV $$");
    CHECK(crashed.output.ends_with("-ERR [SYS/TEMP] authentication temporarily unavailable, try again later\r\n"));
    CHECK(crashed.outcome == Outcome::temporary_failure);
    Session ran = run_session("USER a\r\nPASS x\r\nSTAT\r\n", "exit 0");
    CHECK(ran.output == "+OK POP3 ready\r\n+OK send PASS\r\n");  // the child answered for itself
    CHECK(ran.outcome == Outcome::session_ran);
}

TEST_CASE("authorization: the child reads the exact fd-3 bytes", "[popup]") {
    Session s = run_session("USER alice\r\nPASS se cret\r\n",  // in hex, so the space counts
                            "test \"$(od -An -tx1 <&3 | tr -d ' \\n')\" = 616c69636500736520637265740000");
    CHECK(s.outcome == Outcome::session_ran);
}

TEST_CASE("authorization: command order and syntax", "[popup]") {
    Session s = run_session("PASS x\r\nUSER\r\nSTAT\r\nAPOP a b\r\nAUTH CRAM-MD5\r\nSTLS\r\nnoop\r\n", "exit 1");
    CHECK(s.output ==
          "+OK POP3 ready\r\n-ERR USER first\r\n-ERR syntax error\r\n-ERR authorization first\r\n"
          "-ERR APOP is not available\r\n-ERR unsupported authentication mechanism\r\n"
          "-ERR STLS is not available\r\n+OK\r\n");
    CHECK(s.outcome == Outcome::client_left);
}

TEST_CASE("authorization: AUTH PLAIN's continuation is '+ ', '*' cancels", "[popup]") {
    Session s = run_session("AUTH PLAIN\r\n*\r\nAUTH PLAIN\r\nAGFsaWNlAHNlY3JldA==\r\n", "exit 1");
    CHECK(s.output ==
          "+OK POP3 ready\r\n+ \r\n-ERR authentication cancelled\r\n+ \r\n-ERR [AUTH] authentication failed\r\n");
    Session ran = run_session("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n",
                              "test \"$(od -An -tx1 <&3 | tr -d ' \\n')\" = 616c696365007365637265740000");
    CHECK(ran.outcome == Outcome::session_ran);
    Session empty = run_session("AUTH PLAIN =\r\nAUTH PLAIN !!!!\r\n", "exit 0");
    CHECK(empty.output ==
          "+OK POP3 ready\r\n-ERR malformed AUTH PLAIN response\r\n-ERR malformed AUTH PLAIN response\r\n");
}

TEST_CASE("authorization: another authorization identity is refused", "[popup]") {
    // "bob\0alice\0secret": alice asking to act as bob.
    Session s = run_session("AUTH PLAIN Ym9iAGFsaWNlAHNlY3JldA==\r\n", "exit 0");
    CHECK(s.output == "+OK POP3 ready\r\n-ERR [AUTH] authentication failed\r\n");
}

TEST_CASE("authorization: an over-long line is refused, the session goes on", "[popup]") {
    std::string at_limit = "NOOP " + std::string(max_command_line - 7, 'x') + "\r\n";  // 255 octets
    std::string over = "NOOP " + std::string(max_command_line - 6, 'x') + "\r\n";     // 256 octets
    Session s = run_session(at_limit + over + "NOOP\r\n", "exit 1");
    CHECK(s.output == "+OK POP3 ready\r\n+OK\r\n-ERR line too long\r\n+OK\r\n");
}

TEST_CASE("line reader: wipe_consumed_input leaves no password behind", "[popup]") {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    std::string text = "PASS hunter2\r\nNOOP\r\n";
    REQUIRE(::write(ends[1], text.data(), text.size()) == ssize_t(text.size()));
    ::close(ends[1]);  // a lost "NOOP" then shows as the end, not a wait
    LineReader in(ends[0], 255);
    std::string_view line;
    REQUIRE(in.read_line(line, Deadline::never()) == ReadStatus::line);
    const char* buffer = line.data();
    in.wipe_consumed_input();
    CHECK(std::string_view(buffer, 14).find("hunter2") == std::string_view::npos);
    REQUIRE(in.read_line(line, Deadline::never()) == ReadStatus::line);
    CHECK(line == "NOOP");
    ::close(ends[0]);
}
