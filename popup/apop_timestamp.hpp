#pragma once
#include <string>
#include <string_view>

namespace postern::popup {

// The longest HOST argument accepted, so that an APOP hand-off always fits
// in the 512 bytes of the checkpassword interface.
constexpr size_t max_host_length = 128;

// A host name fit for the greeting: printable, no spaces or angle brackets.
bool valid_host(std::string_view host);

// RFC 1939's timestamp, "<pid.seconds.nonce@HOST>": the nonce comes from
// getrandom(2), so it is unique per connection even when a pid is reused
// within a second.
std::string make_apop_timestamp(std::string_view host);

}  // namespace postern::popup
