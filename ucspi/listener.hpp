// The listening socket: HOST is an address ("0" for every IPv4 address, "::"
// for every address, IPv4 included) or a name; PORT a number (0: any free
// port) or a service name.
#pragma once
#include <optional>
#include <string>

#include "fd.hpp"
#include "ip_address.hpp"

namespace postern::ucspi {

struct Listener {
    Fd fd;           // non-blocking, close-on-exec
    Endpoint local;  // as bound: the port is the real one when PORT was 0
};

// On failure, `step` names what failed and errno says why.
std::optional<Listener> open_listener(const std::string& host, const std::string& port, int backlog,
                                      const char*& step);

}  // namespace postern::ucspi
