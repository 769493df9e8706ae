// Host names for TCPREMOTEHOST and TCPLOCALHOST (-h), from the address's
// reverse name. With -p (postern's default) a name is used only when it
// resolves back to the address, so a client cannot choose its own name by
// controlling its reverse zone; -P takes the reverse name as it is, as
// tcpserver does by default.
#pragma once
#include <optional>
#include <string>

#include "ip_address.hpp"

namespace postern::ucspi {

std::optional<std::string> host_name(const IpAddress& address, bool must_resolve_back);

}  // namespace postern::ucspi
