// APOP (RFC 1939): the client proves it knows a shared secret by sending
// MD5(timestamp + secret) in hex. Only a secret kept in the password file
// can do this; a system password's hash cannot.
#pragma once
#include <string_view>

namespace postern::checkpass {


bool verify_apop(std::string_view digest, std::string_view timestamp, std::string_view secret);

}  // namespace postern::checkpass
