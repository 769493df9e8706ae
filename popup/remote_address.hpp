#pragma once
#include <string>

namespace postern::popup {

// The client's address for log lines: TCPREMOTEIP (UCSPI), else REMOTE_ADDR
// (systemd Accept=yes), else getpeername(0) (inetd); "" when none is known.
std::string remote_address();

}  // namespace postern::popup
