#pragma once
#include <string>

namespace postern {

// The client's address for log lines: TCPREMOTEIP (UCSPI), else SSLREMOTEIP
// (ucspi-ssl's sslserver, which sets TCPREMOTEIP only with -e), else
// REMOTE_ADDR (systemd Accept=yes), else getpeername(0) (inetd); "" when
// none is known.
std::string remote_address();

}  // namespace postern
