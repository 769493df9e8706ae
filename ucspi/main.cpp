// postern-tcpserver [OPTIONS] HOST PORT PROG [ARGS...]: a UCSPI TCP server in
// the manner of tcpserver. It listens on HOST:PORT and, for each connection,
// forks a child that puts the socket on fd 0 and 1, sets PROTO, TCPLOCALIP,
// TCPLOCALPORT, TCPREMOTEIP, TCPREMOTEPORT (and more; see the man page) and
// execs PROG. It takes tcpserver's command lines as they are. Limits per
// server and per client address, access rules in a text file or in
// tcprules' cdb, and the PROXY protocol for running behind a load balancer.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "access_rules.hpp"
#include "exit_code.hpp"
#include "listener.hpp"
#include "log.hpp"
#include "log_words.hpp"
#include "options.hpp"
#include "privileges.hpp"
#include "server.hpp"
#include "signals.hpp"
#include "version.hpp"

using namespace postern;
using namespace postern::ucspi;

namespace {

int usage(const std::string& why) {
    log_event("usage").kv("error", dashed(why));
    std::fprintf(stderr, "usage: %s\n", usage_text);
    return exit_usage;
}

int bad_rules(const std::string& file, const LoadedRules& loaded) {
    log_event("fatal").kv("rules", file).kv("line", loaded.error_line).kv("reason", dashed(loaded.error));
    return loaded.malformed ? exit_usage : exit_temporary;
}

int cannot_listen(const Options& o, const SystemFailure& failure) {
    log_event("fatal").kv("host", o.host).kv("port", o.port).failure(failure);
    return exit_temporary;
}

int bad_identity(const std::string& why) {
    log_event("fatal").kv("identity", dashed(why));
    return exit_usage;
}

int cannot_become(const Identity& id, const SystemFailure& failure) {
    log_event("fatal").kv("uid", id.uid).kv("gid", id.gid).failure(failure);
    return exit_temporary;
}

// IDENT is never done (see the man page): a command line that asks for it is told so.
void note_ignored_options(const Options& o) {
    if (o.verbosity == Verbosity::quiet) return;
    if (o.ident_asked) log_event("ignored").kv("option", "-r").kv("reason", "no-IDENT-lookups");
    if (o.ident_timeout_given) log_event("ignored").kv("option", "-t").kv("reason", "no-IDENT-lookups");
}

int cannot_take_signals(const SystemFailure& failure) {
    log_event("fatal").failure(failure);
    return exit_temporary;
}

// A closed fd 0, 1 or 2 would be handed out by accept() and then clobbered by dup2.
void open_standard_fds() {
    for (int fd = 0; fd <= 2; ++fd)
        if (::fcntl(fd, F_GETFD) < 0 && ::open("/dev/null", O_RDWR) < 0) _exit(exit_temporary);
}

}  // namespace

int main(int argc, char** argv) {
    log_set_program("postern-tcpserver");
    if (version_asked(argc, argv)) return print_version("postern-tcpserver");
    open_standard_fds();
    ParsedOptions parsed = parse_options(argc, argv);
    if (!parsed.error.empty()) return usage(parsed.error);
    const Options& options = parsed.options;
    Identity identity = resolve_identity(options);
    if (!identity.error.empty()) return bad_identity(identity.error);

    LoadedRules rules;
    if (!options.rules_file.empty()) {
        rules = load_access_rules(options.rules_file, options.rules_missing_ok);
        if (!rules.ok()) return bad_rules(options.rules_file, rules);
        if (options.verbosity != Verbosity::quiet) note_rules(options.rules_file, rules, options.lookup_names);
    }
    note_ignored_options(options);
    ListenSettings settings{options.backlog, options.ipv4_only, options.interface};
    Listening listening = open_listener(options.host, options.port, settings);
    if (!listening.listener) return cannot_listen(options, listening.failure);
    if (SystemFailure failed = become(identity)) return cannot_become(identity, failed);
    ServerSignals signals;
    if (SystemFailure failed = take_server_signals(signals)) return cannot_take_signals(failed);

    if (options.print_port) {
        std::printf("%u\n", unsigned(listening.listener->local.port));
        std::fflush(stdout);
    }
    Server server(options, std::move(*listening.listener), std::move(rules), std::move(signals));
    server.run();
    return 0;
}
