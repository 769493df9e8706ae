// Host names for TCPREMOTEHOST and TCPLOCALHOST (-h): a name is used only when
// it resolves back to the address, so a client cannot choose its own name by
// controlling its reverse zone.
#pragma once
#include <optional>
#include <string>

#include "ip_address.hpp"

namespace postern::ucspi {

std::optional<std::string> confirmed_host_name(const IpAddress& address);

}  // namespace postern::ucspi
