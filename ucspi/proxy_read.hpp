// Reads a PROXY header from a socket within a time limit, consuming exactly
// the header: whatever the client sent after it stays in the socket for the
// program that is exec'd next.
#pragma once
#include <string>

#include "deadline.hpp"
#include "proxy_header.hpp"

namespace postern::ucspi {

enum class ProxyReadStatus { ok, invalid, timeout, eof, error };

struct ProxyRead {
    ProxyReadStatus status = ProxyReadStatus::error;
    ProxyHeader header;
    std::string reason;  // not ok: for the log
};

ProxyRead read_proxy_header(int fd, Deadline deadline);

}  // namespace postern::ucspi
