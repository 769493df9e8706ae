// The UCSPI environment a child gets: PROTO, TCPLOCALIP, TCPLOCALPORT,
// TCPREMOTEIP, TCPREMOTEPORT; TCPLOCALHOST and TCPREMOTEHOST when known (and
// unset otherwise, so stale values from the server's own environment never
// leak through); TCPREMOTEINFO always unset; TCPCONNNUM as s6-tcpserver sets it.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ip_address.hpp"
#include "rules.hpp"

namespace postern::ucspi {

struct ConnectionFacts {
    Endpoint local, remote;
    std::optional<std::string> local_host, remote_host;
    size_t from_source = 1;
    std::optional<std::string> client_tls;  // a PROXY v2 header's word that TLS ended at the proxy
};

struct Variable {
    const char* name;
    std::optional<std::string> value;  // nullopt: unset it
};

std::vector<Variable> ucspi_variables(const ConnectionFacts& facts);

// Sets the UCSPI variables; POSTERN_TLS_TERMINATED=1 and SSL_PROTOCOL when a
// proxy ended TLS for the client (postern-popup then counts the connection
// as TLS); then the rule's own variables, which may override them.
bool apply_environment(const ConnectionFacts& facts, const Rule* rule);

}  // namespace postern::ucspi
