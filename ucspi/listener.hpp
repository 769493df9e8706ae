// The listening socket: HOST is an address ("0" or "" for every IPv4
// address, "::" for every address, IPv4 included) or a name; PORT a number
// (0: any free port) or a service name.
#pragma once
#include <optional>
#include <string>

#include "fd.hpp"
#include "ip_address.hpp"
#include "system_failure.hpp"

namespace postern::ucspi {

struct Listener {
    Fd fd;           // non-blocking, close-on-exec
    Endpoint local;  // as bound: the port is the real one when PORT was 0
};

struct ListenSettings {
    int backlog = 64;
    bool ipv4_only = false;  // -4: names resolve to IPv4 only, and "::" is every IPv4 address
    std::string interface;   // -I: the interface of an IPv6 link-local HOST given without %scope
};

// The listener, or (no listener) the step that failed and why.
struct Listening {
    std::optional<Listener> listener;
    SystemFailure failure;
};

Listening open_listener(const std::string& host, const std::string& port, const ListenSettings& settings);

}  // namespace postern::ucspi
