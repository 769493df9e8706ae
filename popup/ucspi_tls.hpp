// STLS through UCSPI-TLS: the TLS-capable UCSPI server (sslserver -n,
// s6-ucspitlsd) holds the TLS library; postern-popup only asks it to start
// and then talks through the descriptors it was given.
#pragma once
#include <optional>
#include <string>

namespace postern::popup {

struct UcspiTls {
    int control = -1;    // SSLCTLFD: write "Y" to start; connection facts come back (-1 once read)
    int read = -1;       // SSLREADFD: the client's cleartext, once TLS runs
    int write = -1;      // SSLWRITEFD
    bool active = false;
};

// A connection that is TLS from its first byte (tls_in_front.hpp): popup
// reads and writes fds 0 and 1 as they are, and never offers STLS.
inline UcspiTls tls_from_start() { return UcspiTls{-1, 0, 1, true}; }

// The descriptors from SSLCTLFD, SSLREADFD and SSLWRITEFD when all three name
// open descriptors; nullopt otherwise. The variables are removed, so the
// programs after popup do not see descriptors they do not have.
std::optional<UcspiTls> ucspi_tls_from_env();

// Asks for the handshake and moves the TLS descriptors onto fds 0 and 1, so
// that everything after popup reads and writes the client as before. The
// cleartext connection is closed here: nothing more is read from it.
bool start_tls(UcspiTls& tls);

// Reads what the server sent back on the control fd after "Y"
// (VAR=value NUL ... NUL), without waiting, exports the variables for the
// programs after popup, and closes the control fd. Returns SSL_PROTOCOL's
// value, or "" when the server sent none.
std::string import_tls_facts(UcspiTls& tls);

}  // namespace postern::popup
