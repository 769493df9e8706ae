#include "child.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "admission.hpp"
#include "exit_code.hpp"
#include "host_names.hpp"
#include "log.hpp"
#include "log_words.hpp"
#include "proxy_read.hpp"
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

[[noreturn]] void denied(const ChildSetup& s, const ConnectionFacts& facts, const Rule& rule) {
    if (s.options.verbosity != Verbosity::quiet)
        log_event("deny").kv("pid", ::getpid()).kv("remote", format_ip(facts.remote.address)).kv("rule", rule.line);
    _exit(exit_child_refused);
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

void learn_host_names(const Options& options, ConnectionFacts& facts) {
    facts.local_host = options.local_host;
    if (!options.lookup_names) return;
    facts.remote_host = confirmed_host_name(facts.remote.address);
    if (!facts.local_host) facts.local_host = confirmed_host_name(facts.local.address);
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
    Deadline header_deadline = Deadline::after_seconds(s.options.proxy_timeout);
    if (s.options.proxy) learn_client_from_proxy(s, facts, header_deadline);

    const Rule* rule = find_rule(s.rules, facts.remote.address);
    if (rule && !rule->allow) denied(s, facts, *rule);
    if (s.admission_fd >= 0) {
        auto admission = ask_admission(s.admission_fd, facts.remote.address, header_deadline);
        if (!admission) no_admission_answer(facts);
        if (!admission->admitted) not_admitted(s);
        facts.from_source = admission->from_source;
        ::close(s.admission_fd);
    }
    learn_host_names(s.options, facts);
    if (!apply_environment(facts, rule)) environment_failed();
    if (s.options.nodelay) set_tcp_nodelay(s.connection);
    if (!connection_to_stdio(s.connection)) environment_failed();
    if (!s.options.banner.empty()) (void)!::write(1, s.options.banner.data(), s.options.banner.size());
    ::execvp(s.options.program[0], s.options.program.data());
    exec_failed(s.options.program[0]);
}

}  // namespace postern::ucspi
