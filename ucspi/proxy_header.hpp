// The PROXY protocol header (HAProxy's specification, versions 1 and 2): what
// a proxy in front says about the client before the client's own bytes.
//
// The parser is a pure function over the bytes received so far. When it says
// `incomplete`, every byte it was given belongs to the header, so a reader
// may consume them all without eating into the client's data.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "ip_address.hpp"

namespace postern::ucspi {

constexpr size_t max_proxy_v1 = 107;             // the specification's bound, CRLF included
constexpr size_t max_proxy_v2_payload = 4096;    // addresses and TLVs after the 16-byte prefix
constexpr size_t max_proxy_header = 16 + max_proxy_v2_payload;

struct ProxyHeader {
    // LOCAL, UNKNOWN or an unspecified family: the connection's own endpoints stand.
    bool use_real_endpoints = true;
    Endpoint source, destination;
    // v2's SSL TLV (HAProxy's send-proxy-v2-ssl): the client came over TLS,
    // which the proxy ended; its version ("TLSv1.3"), or "unknown".
    std::optional<std::string> client_tls;
};

enum class ProxyStatus { incomplete, complete, invalid };

struct ProxyParse {
    ProxyStatus status = ProxyStatus::incomplete;
    size_t length = 0;       // complete: how many bytes the header takes
    ProxyHeader header;      // complete: what it says
    const char* reason = ""; // invalid: why, for the log
};

ProxyParse parse_proxy_header(std::string_view data);

}  // namespace postern::ucspi
