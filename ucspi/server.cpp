#include "server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "admission.hpp"
#include "child.hpp"
#include "deadline.hpp"
#include "log.hpp"
#include "log_words.hpp"

namespace postern::ucspi {

namespace {

constexpr int back_off_ms = 1000;           // after EMFILE, ENFILE, ENOMEM or a failed fork
constexpr int accepts_per_wake = 64;        // then look at signals again
// waitpid(-1) walks every child: with 10,000 sessions held, calling it at each
// SIGCHLD made the listener a tenth of the machine's load. Each ended child
// is reaped by its pid instead, and one whose SIGCHLD was merged into another
// (a signal pending is not queued twice) by a sweep at most this often; and
// before a limit refuses a client, so no client is refused for the slot of a
// child that has ended.
constexpr int sweep_interval_ms = 200;

}  // namespace

Server::Server(const Options& options, Listener listener, LoadedRules rules, ServerSignals signals)
    : options_(options),
      listener_(std::move(listener)),
      rules_(std::move(rules.rules)),
      rules_stamp_(rules.stamp),
      signals_(std::move(signals)),
      table_(options.max_total, options.max_per_source, options.source_grouping) {}

void Server::log_status() const {
    if (!chatty()) return;
    log_event("status " + std::to_string(table_.active()) + "/" + std::to_string(table_.max_total()));
}

// At the total limit the backlog holds further clients, unless -m asks for an answer.
bool Server::may_accept() const {
    if (stopping_ || monotonic_ms() < paused_until_ms_) return false;
    return !table_.full() || options_.limit_message.has_value();
}

// The nearest of the pause's end, the sweep and the stop; -1 (no limit) when none is due.
int Server::poll_timeout_ms() const {
    int64_t now = monotonic_ms(), wait = -1;
    auto until = [&](int64_t at) {
        int64_t left = std::max<int64_t>(0, at - now);
        wait = wait < 0 ? left : std::min(wait, left);
    };
    if (paused_until_ms_ > now) until(paused_until_ms_);
    if (sweep_at_ms_ >= 0) until(sweep_at_ms_);
    if (stopping_) until(stop_at_ms_);
    return int(std::min<int64_t>(wait, 60000));
}

void Server::run() {
    if (chatty())
        log_event("start").kv("local", format_ip(listener_.local.address)).kv("port", listener_.local.port);
    log_status();
    while (!(stopping_ && (table_.active() == 0 || monotonic_ms() >= stop_at_ms_))) {
        if (table_.full() && sweep_at_ms_ >= 0) reap_any_children();  // a slot may be free: listen again
        std::vector<pollfd>& fds = poll_fds_;
        fds.assign({{signals_.fd.get(), POLLIN, 0}});
        bool listening = may_accept();
        if (listening) fds.push_back({listener_.fd.get(), POLLIN, 0});
        for (const AdmissionChannel& c : channels_) fds.push_back({c.fd.get(), POLLIN, 0});
        if (::poll(fds.data(), fds.size(), poll_timeout_ms()) < 0 && errno != EINTR) back_off("poll-failed", errno);

        size_t first_channel = listening ? 2 : 1;
        for (size_t i = first_channel; i < fds.size(); ++i)
            if (fds[i].revents) answer_admission(channels_[i - first_channel]);
        std::erase_if(channels_, [](const AdmissionChannel& c) { return !c.fd.valid(); });
        if (fds[0].revents) handle_signals();
        if (sweep_at_ms_ >= 0 && monotonic_ms() >= sweep_at_ms_) reap_any_children();
        if (listening && fds[1].revents && !stopping_) accept_connections();
    }
    if (chatty()) log_event("stopped").kv("active", table_.active());
}

void Server::handle_signals() {
    PendingSignals pending = read_signals(signals_.fd.get());
    if (pending.child) reap_children(pending.ended);
    if (pending.hangup) reload_rules();
    if (pending.terminate) begin_stop();
}

// Behind a proxy each child needs an admission channel; it is made before
// accept(), so when descriptors run out the client waits in the backlog
// instead of being accepted and dropped. One that no child took (accept found
// nobody, or the connection was refused) waits for the next.
void Server::accept_connections() {
    for (int n = 0; n < accepts_per_wake && may_accept(); ++n) {
        Fd* channel = spare_channel_;
        int pair[2];
        if (options_.proxy && !channel[0]) {
            if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
                return back_off("socketpair-failed", errno);
            channel[0].reset(pair[0]);
            channel[1].reset(pair[1]);
        }
        sockaddr_storage sa{};
        socklen_t length = sizeof sa;
        Fd connection(::accept4(listener_.fd.get(), reinterpret_cast<sockaddr*>(&sa), &length, SOCK_CLOEXEC));
        if (!connection) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) back_off("accept-failed", errno);
            else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                log_event("accept-failed").err(errno);
            return;
        }
        auto peer = endpoint_from_sockaddr(sa);
        if (peer) take_connection(std::move(connection), *peer, channel);
    }
}

void Server::take_connection(Fd connection, const Endpoint& peer, Fd channel[2]) {
    if (table_.full()) reap_any_children();
    if (table_.full()) return refuse_total(std::move(connection), peer.address);
    follow_rules_file();
    if (!options_.proxy && table_.source_full(peer.address)) reap_any_children();
    if (!options_.proxy && table_.source_full(peer.address))
        return refuse_source(std::move(connection), peer.address);
    start_child(std::move(connection), peer, channel);
}

namespace {

std::string count_of(size_t count, size_t limit) { return std::to_string(count) + "/" + std::to_string(limit); }

}  // namespace

void Server::refuse_total(Fd connection, const IpAddress& client) {
    if (chatty())
        log_event("refuse")
            .kv("remote", format_ip(client))
            .kv("reason", "total-limit")
            .kv("count", count_of(table_.active(), table_.max_total()));
    send_refusal(connection);
}

// The line names the source counted, so a refusal of a client that has not
// connected before is plain: others in its prefix hold the slots.
void Server::refuse_source(Fd connection, const IpAddress& client) {
    if (chatty())
        log_event("refuse")
            .kv("remote", format_ip(client))
            .kv("reason", "source-limit")
            .kv("count", count_of(table_.from_source(client), options_.max_per_source))
            .kv("source", format_source_group(client, table_.grouping()));
    send_refusal(connection);
}

// Behind a proxy the child holds the connection and sends the message itself.
void Server::send_refusal(const Fd& connection) const {
    if (connection && options_.limit_message) send_limit_message(connection.get(), *options_.limit_message);
}

void Server::start_child(Fd connection, const Endpoint& peer, Fd channel[2]) {
    size_t from_source = options_.proxy ? 0 : table_.from_source(peer.address) + 1;
    pid_t pid = ::fork();
    if (pid < 0) return back_off("fork-failed", errno);
    if (pid == 0) {
        channel[0].reset();
        run_child({options_, rules_, signals_.ignored, connection.get(), channel[1].get(), peer,
                   listener_.local, from_source});
    }
    table_.add(pid);
    channel[1].reset();  // the child's end
    if (options_.proxy) channels_.push_back({std::move(channel[0]), pid});
    else table_.attribute(pid, peer.address);
    if (chatty())
        log_event("connect").kv("pid", pid).kv("remote", format_ip(peer.address)).kv("port", peer.port);
    log_status();
}

// A child behind a proxy read its header: count it under the real client, or refuse it.
void Server::answer_admission(AdmissionChannel& channel) {
    auto source = read_admission_request(channel.fd.get());
    if (source) {
        Admission answer;
        if (table_.source_full(*source)) reap_any_children();
        answer.admitted = !table_.source_full(*source);
        if (answer.admitted) answer.from_source = table_.attribute(channel.pid, *source);
        else refuse_source(Fd(), *source);
        send_admission(channel.fd.get(), answer);
    }
    channel.fd.reset();  // one question per child
}

void Server::reap_children(const std::vector<pid_t>& ended) {
    int status = 0;
    for (pid_t pid : ended)
        if (::waitpid(pid, &status, WNOHANG) == pid) child_ended(pid, status);
    if (sweep_at_ms_ < 0) sweep_at_ms_ = monotonic_ms() + sweep_interval_ms;
}

void Server::reap_any_children() {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) child_ended(pid, status);
    sweep_at_ms_ = -1;
}

void Server::child_ended(pid_t pid, int status) {
    if (!table_.remove(pid)) return;
    std::erase_if(channels_, [pid](const AdmissionChannel& c) { return c.pid == pid; });
    if (chatty()) {
        if (WIFSIGNALED(status)) log_event("end").kv("pid", pid).kv("signal", WTERMSIG(status));
        else log_event("end").kv("pid", pid).kv("status", WEXITSTATUS(status));
    }
    log_status();
}

// A malformed or unreadable file leaves the rules in force unchanged; with
// -X a missing one means no rules, as for tcpserver.
void Server::reload_rules() {
    if (options_.rules_file.empty()) return;
    FileStamp seen = stamp_of(options_.rules_file.c_str());
    LoadedRules loaded = load_access_rules(options_.rules_file, options_.rules_missing_ok);
    if (!loaded.ok()) {
        failed_stamp_ = seen;
        log_event("rules-error")
            .kv("file", options_.rules_file)
            .kv("line", loaded.error_line)
            .kv("reason", dashed(loaded.error))
            .kv("kept", rules_.size());
        return;
    }
    rules_ = std::move(loaded.rules);
    rules_stamp_ = loaded.stamp;
    failed_stamp_.reset();
    if (!chatty()) return;
    note_rules(options_.rules_file, loaded, options_.lookup_names);
    if (loaded.missing) return;
    auto line = log_event("rules-loaded");
    line.kv("file", options_.rules_file).kv("rules", rules_.size());
    if (rules_.format() == AccessRules::Format::cdb) line.kv("format", "cdb");
}

// tcpserver opens its cdb for each connection, so a new one from tcprules
// counts from the next client on: one stat per connection does the same.
// Text rules wait for SIGHUP, as an editor may leave a file half written.
void Server::follow_rules_file() {
    if (options_.rules_file.empty() || rules_.format() == AccessRules::Format::text) return;
    FileStamp now = stamp_of(options_.rules_file.c_str());
    if (now == rules_stamp_ || now == failed_stamp_) return;
    reload_rules();
}

// A second SIGTERM ends the wait at once.
void Server::begin_stop() {
    int64_t now = monotonic_ms();
    if (stopping_) {
        stop_at_ms_ = now;
        return;
    }
    stopping_ = true;
    stop_at_ms_ = now + int64_t(options_.grace) * 1000;
    listener_.fd.reset();
    if (chatty()) log_event("stopping").kv("active", table_.active()).kv("grace", options_.grace);
}

void Server::back_off(const char* event, int err) {
    log_event(event).kv("pause-ms", back_off_ms).err(err);
    paused_until_ms_ = monotonic_ms() + back_off_ms;
}

}  // namespace postern::ucspi
