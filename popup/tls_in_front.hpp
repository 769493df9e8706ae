// TLS that runs before popup starts. A TLS server that does the handshake
// first and then runs popup on the cleartext (s6-tlsd, s6-tlsserver,
// sslserver without -n) says so in the environment: SSL_PROTOCOL, or
// sslserver's PROTO=SSL or SSLREMOTEIP (-e sets PROTO=TCP), and no
// UCSPI-TLS descriptors. A terminator in front
// (stunnel, HAProxy) leaves no trace: the administrator says so with
// POSTERN_TLS_TERMINATED, which postern-tcpserver also sets when HAProxy's
// PROXY v2 header says the client came over TLS.
#pragma once
#include <optional>
#include <string>

namespace postern::popup {

struct TlsInFront {
    const char* by;        // "server" or "terminator", for the log
    std::string protocol;  // SSL_PROTOCOL's value, or "unknown"
};

// `ucspi_tls`: the UCSPI-TLS descriptors were given, so the connection is
// cleartext until STLS (sslserver -n sets PROTO=SSL before any handshake).
std::optional<TlsInFront> tls_in_front(bool terminated_setting, bool ucspi_tls);

// The TLS server's own settings (key and certificate files, the TLS
// engine's uid) are none of the mail user's business: removed from the
// environment of everything after popup.
void unset_tls_server_settings();

}  // namespace postern::popup
