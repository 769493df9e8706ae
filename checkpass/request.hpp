// The checkpassword interface, authenticator side: "user NUL password NUL
// timestamp NUL" on fd 3, at most 512 bytes.
#pragma once
#include <string_view>

#include "checkpassword_input.hpp"
#include "deadline.hpp"
#include "secret.hpp"

namespace postern::checkpass {

using InputBuffer = CheckpasswordInput;

struct Request {
    std::string_view user;
    std::string_view password;   // or an APOP digest
    std::string_view timestamp;  // "" when the greeter sent none
};

enum class InputStatus { ok, error, timeout };

// Reads fd to end of file, or until max_checkpassword_input bytes have come (the rest is
// ignored, as djb's checkpassword does), then closes it.
InputStatus read_checkpassword_input(int fd, InputBuffer& input, Deadline deadline);

// False when the user or the password field lacks its NUL. The timestamp
// may end at the end of the input instead of at a NUL.
bool parse_request(std::string_view input, Request& request);

}  // namespace postern::checkpass
