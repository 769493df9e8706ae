#include "connection.hpp"

#include <signal.h>
#include <stdlib.h>

#include "apop_timestamp.hpp"
#include "env.hpp"
#include "log.hpp"
#include "remote_address.hpp"

namespace postern::popup {

namespace {
// The programs after popup find the client in TCPREMOTEIP, even where popup
// found it elsewhere (SSLREMOTEIP, REMOTE_ADDR, the socket before STLS).
void pass_on_remote_address(const std::string& remote) {
    auto set = env_get("TCPREMOTEIP");
    if (!remote.empty() && (!set || set->empty())) ::setenv("TCPREMOTEIP", remote.c_str(), 1);
}
}  // namespace

void reset_signals() {
    ::signal(SIGCHLD, SIG_DFL);
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

Connection take_connection(const Settings& settings, const char* host, Writer& out) {
    set_tcp_nodelay(1);
    Connection c{settings, remote_address(), make_apop_timestamp(host), ucspi_tls_from_env(), out, {}};
    c.front = tls_in_front(settings.tls_terminated, c.tls.has_value());
    if (!settings.offer_tls) c.tls.reset();
    if (c.front) c.tls = tls_from_start();
    unset_tls_server_settings();
    pass_on_remote_address(c.remote);
    return c;
}

void log_connect(const Connection& c, bool privsep) {
    auto line = log_event("connect");
    line.kv("remote", c.remote).kv("stls", c.tls && !c.tls->active ? "offered" : "no");
    line.kv("privsep", privsep ? "yes" : "no").kv("tls", c.front ? "yes" : "no");
    if (c.front) line.kv("tls-by", c.front->by).kv("protocol", c.front->protocol);
}

}  // namespace postern::popup
