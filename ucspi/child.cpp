#include "child.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

#include "admission.hpp"
#include "exit_code.hpp"
#include "host_names.hpp"
#include "log.hpp"
#include "log_words.hpp"
#include "proxy_read.hpp"
#include "rules_cdb.hpp"
#include "signals.hpp"
#include "ucspi_env.hpp"
#include "writer.hpp"

namespace postern::ucspi {

namespace {

Endpoint local_endpoint(int fd, const Endpoint& fallback) {
    sockaddr_storage sa{};
    socklen_t length = sizeof sa;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &length) != 0) return fallback;
    return endpoint_from_sockaddr(sa).value_or(fallback);
}

[[noreturn]] void bad_proxy_header(const ChildSetup& s, const ProxyRead& read) {
    const char* event = read.status == ProxyReadStatus::timeout ? "proxy-timeout" : "proxy-bad";
    log_event(event).kv("pid", ::getpid()).kv("via", format_ip(s.peer.address)).kv("reason", dashed(read.reason));
    _exit(exit_child_refused);
}

// A cdb rule is named by its key, a text rule by its line.
[[noreturn]] void denied(const ChildSetup& s, const ConnectionFacts& facts, const Verdict& verdict) {
    if (s.options.verbosity != Verbosity::quiet) {
        auto line = log_event("deny");
        line.kv("pid", ::getpid()).kv("remote", format_ip(facts.remote.address));
        if (verdict.key) line.kv("key", *verdict.key);
        else line.kv("rule", verdict.rule.line);
    }
    _exit(exit_child_refused);
}

// As tcpserver, which drops the connection when it cannot read its rules.
[[noreturn]] void rules_unreadable(const ChildSetup& s, const Verdict& verdict) {
    log_event("rules-failed").kv("pid", ::getpid()).kv("file", s.options.rules_file).kv("reason", dashed(verdict.why));
    _exit(exit_temporary);
}

[[noreturn]] void banner_failed() {
    log_event("banner-failed").kv("pid", ::getpid()).err(errno);
    _exit(exit_temporary);
}

[[noreturn]] void not_admitted(const ChildSetup& s) {
    if (s.options.limit_message) send_limit_message(s.connection, *s.options.limit_message);
    _exit(exit_child_refused);  // the server logged why
}

[[noreturn]] void no_admission_answer(const ConnectionFacts& facts) {
    log_event("admission-failed").kv("pid", ::getpid()).kv("remote", format_ip(facts.remote.address));
    _exit(exit_temporary);
}

[[noreturn]] void environment_failed() {
    log_event("environment-failed").kv("pid", ::getpid()).err(errno);
    _exit(exit_temporary);
}

[[noreturn]] void exec_failed(const char* program) {
    log_event("exec-failed").kv("pid", ::getpid()).kv("program", program).err(errno);
    _exit(exit_temporary);
}

// Behind a proxy the client is whoever the header names.
void learn_client_from_proxy(const ChildSetup& s, ConnectionFacts& facts, Deadline deadline) {
    ProxyRead read = read_proxy_header(s.connection, deadline);
    if (read.status != ProxyReadStatus::ok) bad_proxy_header(s, read);
    if (!read.header.use_real_endpoints) {
        facts.remote = read.header.source;
        facts.local = read.header.destination;
        facts.client_tls = read.header.client_tls;
    }
    if (s.options.verbosity == Verbosity::quiet) return;
    auto line = log_event("proxy");
    line.kv("pid", ::getpid()).kv("remote", format_ip(facts.remote.address)).kv("port", facts.remote.port);
    line.kv("via", format_ip(s.peer.address));
    if (facts.client_tls) line.kv("tls", *facts.client_tls);
}

// -O (the default) drops IP options such as a source route, so replies
// take the usual route; -D turns Nagle off; then -B, before any lookup, so
// a client waiting for a greeting gets it at once.
// A client that takes none of the banner within this time is gone.
constexpr int banner_timeout_seconds = 60;

void prepare_connection(const ChildSetup& s) {
    if (s.options.kill_ip_options) (void)::setsockopt(s.connection, IPPROTO_IP, IP_OPTIONS, nullptr, 0);
    if (s.options.nodelay) set_tcp_nodelay(s.connection);
    std::string_view banner = s.options.banner;
    Deadline deadline = Deadline::after_seconds(banner_timeout_seconds);
    while (!banner.empty()) {
        ssize_t n = ::send(s.connection, banner.data(), banner.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            pollfd p{s.connection, POLLOUT, 0};
            if (::poll(&p, 1, deadline.poll_ms()) <= 0) banner_failed();
            continue;
        }
        if (n <= 0) banner_failed();
        banner.remove_prefix(size_t(n));
    }
}

void learn_host_names(const Options& options, ConnectionFacts& facts) {
    facts.local_host = options.local_host;
    if (!options.lookup_names) return;
    facts.remote_host = host_name(facts.remote.address, options.paranoid);
    if (!facts.local_host) facts.local_host = host_name(facts.local.address, options.paranoid);
}

// A deny or an unreadable cdb ends the child here.
Verdict judge(const ChildSetup& s, const ConnectionFacts& facts) {
    std::string key_address = tcpserver_address_text(facts.remote.address, s.options.v4_as_v6);
    Verdict verdict = s.rules.decide(facts.remote.address, key_address, facts.remote_host);
    if (verdict.status == Verdict::Status::failed) rules_unreadable(s, verdict);
    if (verdict.status == Verdict::Status::matched && !verdict.rule.allow) denied(s, facts, verdict);
    return verdict;
}

// Behind a proxy the server counts the client once the header named it. The
// answer has a deadline of its own: host name lookups may have used up the header's.
void pass_admission(const ChildSetup& s, ConnectionFacts& facts) {
    Deadline deadline = Deadline::after_seconds(s.options.proxy_timeout);
    auto admission = ask_admission(s.admission_fd, facts.remote.address, deadline);
    if (!admission) no_admission_answer(facts);
    if (!admission->admitted) not_admitted(s);
    facts.from_source = admission->from_source;
    ::close(s.admission_fd);
}

// fd 0 and fd 1 become the connection; fd 2 stays the log.
bool connection_to_stdio(int fd) {
    if (::dup2(fd, 0) < 0 || ::dup2(fd, 1) < 0) return false;
    if (fd > 1) ::close(fd);
    return true;
}

}  // namespace

void send_limit_message(int fd, const std::string& message) {
    std::string line = message + "\r\n";
    (void)::send(fd, line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
}

void run_child(const ChildSetup& s) {
    reset_child_signals(s.ignored_signals);
    ConnectionFacts facts;
    facts.remote = s.peer;
    facts.local = local_endpoint(s.connection, s.listening);
    facts.from_source = s.from_source;
    if (s.options.proxy) learn_client_from_proxy(s, facts, Deadline::after_seconds(s.options.proxy_timeout));
    prepare_connection(s);
    learn_host_names(s.options, facts);
    Verdict verdict = judge(s, facts);
    if (s.admission_fd >= 0) pass_admission(s, facts);
    if (s.options.v4_as_v6) {  // -6: IPv4 as ::ffff:a.b.c.d, which also makes PROTO TCP6
        facts.remote.address = map_v4(facts.remote.address);
        facts.local.address = map_v4(facts.local.address);
    }
    bool matched = verdict.status == Verdict::Status::matched;
    if (!apply_environment(facts, matched ? &verdict.rule : nullptr)) environment_failed();
    if (!connection_to_stdio(s.connection)) environment_failed();
    ::execvp(s.options.program[0], s.options.program.data());
    exec_failed(s.options.program[0]);
}

}  // namespace postern::ucspi
