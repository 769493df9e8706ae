// What popup learns before its greeting, from whatever started it: the
// client's address, the UCSPI-TLS descriptors or a TLS server in front, and
// the environment the programs after popup are to see.
#pragma once
#include <optional>
#include <string>

#include "settings.hpp"
#include "tls_in_front.hpp"
#include "ucspi_tls.hpp"
#include "writer.hpp"

namespace postern::popup {

struct Connection {
    const Settings& settings;
    std::string remote;
    std::string timestamp;  // APOP's, for the greeting
    std::optional<UcspiTls> tls;
    Writer& out;
    std::optional<TlsInFront> front;
};

// Whatever started popup may have left signals ignored or blocked: an
// ignored SIGCHLD would make every wait for the checkpassword program fail.
void reset_signals();

// The connection on fds 0 and 1 for the greeting of `host`. The TLS
// server's settings leave the environment, and TCPREMOTEIP is set where
// the address came from elsewhere.
Connection take_connection(const Settings& settings, const char* host, Writer& out);

void log_connect(const Connection& c, bool privsep);

}  // namespace postern::popup
