// The commands of the AUTHORIZATION state, one handler each, found through
// the table at the bottom. Anything else, transaction commands included,
// gets "-ERR authorization first".
#include <strings.h>
#include <cerrno>

#include "authorization.hpp"
#include "capabilities.hpp"
#include "checkpassword_input.hpp"
#include "command_line.hpp"
#include "log.hpp"
#include "sasl_plain.hpp"

namespace postern::popup {

namespace {
// A NUL would end a field early on fd 3: such a name or password is refused outright.
bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }
}  // namespace

// What CAPA shows about logging in: nothing, while TLS is required and not yet running.
bool Authorization::offers_login() const { return !settings_.require_tls || (tls_ && tls_->active); }

bool Authorization::login_allowed() {
    if (offers_login()) return true;
    log_event("tls-required").kv("remote", remote_);
    err(tls_ ? "STLS first: this server accepts logins only over TLS"
             : "logins need TLS, which this connection cannot offer");
    return false;
}

void Authorization::user(std::string_view args) {
    if (!login_allowed()) return;
    if (args.empty() || has_nul(args)) return err("syntax error");
    user_ = args;
    ok("send PASS");
}

void Authorization::pass(std::string_view args) {
    int64_t started = monotonic_ms();
    if (!login_allowed()) return;
    if (user_.empty()) return err("USER first");
    std::string user = std::move(user_);
    user_.clear();
    if (args.empty() || has_nul(args)) return err("syntax error");
    login({user, args, "", "user", started});
}

void Authorization::apop(std::string_view args) {
    int64_t started = monotonic_ms();
    if (!settings_.apop) return err("APOP is not available");
    if (!login_allowed()) return;
    user_.clear();
    size_t space = args.rfind(' ');
    if (space == std::string_view::npos) return err("syntax error");
    std::string_view name = args.substr(0, space), digest = args.substr(space + 1);
    if (name.empty() || has_nul(name) || !is_apop_digest(digest)) return err("syntax error");
    login({name, digest, timestamp_, "apop", started});
}

void Authorization::auth(std::string_view args) {
    int64_t started = monotonic_ms();
    if (args.empty()) {  // the mechanism list, as clients of RFC 1734 servers ask for it
        ok("methods follow");
        if (offers_login()) out_.put_line("PLAIN");
        out_.put(".\r\n");
        return;
    }
    size_t space = args.find(' ');
    std::string_view mechanism = args.substr(0, space);
    if (mechanism.size() != 5 || strncasecmp(mechanism.data(), "PLAIN", 5) != 0)
        return err("unsupported authentication mechanism");
    if (!login_allowed()) return;
    user_.clear();
    if (space == std::string_view::npos) {
        // RFC 5034: the continuation is "+ " and an empty challenge, never "+OK".
        out_.put("+ \r\n");
        auto response = read_continuation();
        if (!response) return;
        if (*response == "*") return err("authentication cancelled");
        return auth_plain(*response, started);
    }
    std::string_view initial = args.substr(space + 1);
    auth_plain(initial == "=" ? std::string_view() : initial, started);
}

void Authorization::auth_plain(std::string_view response, int64_t started_ms) {
    PlainMessage message;
    PlainCredentials credentials;
    if (!base64_decode(response, message) || !split_plain(message.view(), credentials))
        return err("malformed AUTH PLAIN response");
    LoginRequest request{credentials.authcid, credentials.password, "", "plain", started_ms};
    // Acting as another user (an authorization identity) is not offered.
    if (!credentials.authzid.empty() && credentials.authzid != credentials.authcid)
        return answer(checker_.refuse(request));
    login(request);
}

void Authorization::capa(std::string_view) {
    ok("capability list follows");
    if (offers_login()) {
        out_.put_line("USER");
        out_.put_line("SASL PLAIN");
    }
    if (tls_ && !tls_->active) out_.put_line("STLS");
    for (std::string_view capability : shared_capabilities) out_.put_line(capability);
    out_.put_line(implementation_capability);
    out_.put(".\r\n");
}

void Authorization::stls(std::string_view args) {
    if (!tls_) return err("STLS is not available");
    if (tls_->active) return err("TLS is already active");
    if (!args.empty()) return err("syntax error");
    ok("begin TLS negotiation");
    if (!out_.flush()) return client_left(ReadStatus::error);
    if (!start_tls(*tls_)) {
        log_event("tls-failed").kv("remote", remote_).kv("reason", "start").err(errno);
        end_ = Outcome::temporary_failure;
        return;
    }
    // Whatever came before the handshake is not from the TLS client (CVE-2011-0411).
    in_.discard_buffered_input();
    in_.set_fd(0);
    out_.set_fd(1);
    user_.clear();
    handshake_unconfirmed_ = true;
}

void Authorization::noop(std::string_view) { ok(""); }

void Authorization::quit(std::string_view) {
    ok("bye");
    log_event("quit").kv("remote", remote_);
    end_ = Outcome::quit;
}

CommandHandler find_command(std::string_view keyword) {
    static constexpr CommandEntry<CommandHandler> table[] = {
        {"user", &Authorization::user},
        {"pass", &Authorization::pass},
        {"apop", &Authorization::apop},
        {"auth", &Authorization::auth},
        {"capa", &Authorization::capa},
        {"stls", &Authorization::stls},
        {"noop", &Authorization::noop},
        {"quit", &Authorization::quit},
    };
    return find_handler<CommandHandler>(table, keyword);
}

}  // namespace postern::popup
