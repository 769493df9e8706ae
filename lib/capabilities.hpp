// RFC 2449 CAPA: what postern-popup and postern-pop3d both list. A client
// may ask either, and the session after the login is pop3d's, so popup
// lists pop3d's capabilities too; each program adds its own.
#pragma once
#include <string_view>

namespace postern {

inline constexpr std::string_view shared_capabilities[] = {"TOP", "UIDL", "PIPELINING", "RESP-CODES",
                                                           "AUTH-RESP-CODE"};
// The last line of each list.
inline constexpr std::string_view implementation_capability = "IMPLEMENTATION postern";

}  // namespace postern
