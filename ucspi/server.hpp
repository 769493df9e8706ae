// The accept loop: one poll over the listening socket, the signalfd, and the
// admission requests of children behind a proxy. It stops accepting at the
// total limit (or answers with -m), backs off when out of descriptors,
// memory or processes, and on SIGTERM stops listening and waits for its
// children up to the grace period. The rules are read again on SIGHUP, and
// a cdb (or a missing file, with -X) also when the file changed.
#pragma once
#include <poll.h>
#include <sys/types.h>

#include <optional>
#include <vector>

#include "connection_table.hpp"
#include "fd.hpp"
#include "access_rules.hpp"
#include "listener.hpp"
#include "options.hpp"
#include "signals.hpp"

namespace postern::ucspi {

class Server {
public:
    Server(const Options& options, Listener listener, LoadedRules rules, ServerSignals signals);
    void run();  // until SIGTERM or SIGINT, and the active sessions' grace time

private:
    struct AdmissionChannel {
        Fd fd;
        pid_t pid;
    };

    bool may_accept() const;
    int poll_timeout_ms() const;
    void handle_signals();
    void accept_connections();
    void take_connection(Fd connection, const Endpoint& peer, Fd channel[2]);
    void start_child(Fd connection, const Endpoint& peer, Fd channel[2]);
    void refuse_total(Fd connection, const IpAddress& client);
    void refuse_source(Fd connection, const IpAddress& client);
    void send_refusal(const Fd& connection) const;
    void answer_admission(AdmissionChannel& channel);
    void reap_children(const std::vector<pid_t>& ended);
    void reap_any_children();
    void child_ended(pid_t pid, int status);
    void reload_rules();
    void follow_rules_file();
    void begin_stop();
    void back_off(const char* event, int err);
    void log_status() const;
    bool chatty() const { return options_.verbosity != Verbosity::quiet; }

    const Options& options_;
    Listener listener_;
    AccessRules rules_;
    FileStamp rules_stamp_;   // of the file the rules came from
    std::optional<FileStamp> failed_stamp_;  // of a file that would not load: not tried again until it changes
    ServerSignals signals_;
    ConnectionTable table_;
    std::vector<AdmissionChannel> channels_;
    int64_t sweep_at_ms_ = -1;  // when to look for children whose SIGCHLD was merged into another's; -1: none due
    Fd spare_channel_[2];  // behind a proxy: the next child's admission channel
    std::vector<pollfd> poll_fds_;  // rebuilt each turn of the loop, kept to spare an allocation
    bool stopping_ = false;
    int64_t stop_at_ms_ = 0;
    int64_t paused_until_ms_ = 0;
};

}  // namespace postern::ucspi
