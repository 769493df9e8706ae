// A rules cdb as tcprules writes it, read as tcpserver reads it (ucspi-tcp's
// rules.c, with ucspi-tcp-ipv6's IPv6 prefixes). Each key is a rule line's
// address as written; tcpserver tries, in order, and the first key present wins:
//
//   INFO@IP  INFO@=HOST      with an IDENT answer (never here: no IDENT)
//   IP                       1.2.3.4, or IPv6 as ucspi-tcp-ipv6 prints it
//   =HOST                    with a host name (-h)
//   IP cut after each . or :, longest first: 1.2.3.  1.2.  1.
//   =.SUFFIX  =              with a host name: =.b.example, =.example, then =
//   the empty key            a ":deny" or ":allow" default line
//
// A record's data is a series of NUL-terminated pieces: "D" denies, "+NAME=value"
// sets a variable, anything else is ignored; an allow may have no piece at all.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdb.hpp"
#include "ip_address.hpp"
#include "rules.hpp"

namespace postern::ucspi {

// The keys tcpserver looks up for a client, most specific first.
std::vector<std::string> tcpserver_rule_keys(std::string_view ip, std::optional<std::string_view> host,
                                             std::optional<std::string_view> info = std::nullopt);

// The client's address as tcpserver writes it into its keys: dotted IPv4;
// IPv6 as ucspi-tcp-ipv6's ip6_fmt does, which, unlike RFC 5952, shortens a
// single zero group too (2001:db8::1:1:1:1:1); with as_v6 (-6), an IPv4
// client as ::ffff:a.b.c.d.
std::string tcpserver_address_text(const IpAddress& address, bool as_v6 = false);

// A record's data as a rule: allow unless a "D" piece, and its variables.
Rule rule_from_cdb_data(std::string_view data);

struct CdbMatch {
    enum class Status { none, found, failed } status = Status::none;
    std::string key;  // found: the key that matched
    Rule rule;        // found: what it says
    std::string why;  // failed: why the file could not be read
};

CdbMatch find_cdb_rule(const Cdb& db, const std::vector<std::string>& keys);

}  // namespace postern::ucspi
