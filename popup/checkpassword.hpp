// The checkpassword interface, greeter side: PROG runs as a child with
// "user NUL password NUL timestamp NUL" on a pipe at fd 3.
#pragma once
#include <string_view>

#include "checkpassword_input.hpp"
#include "ucspi_tls.hpp"

namespace postern::popup {

// False (input left empty) when the three fields do not fit in 512 bytes.
bool build_checkpassword_input(CheckpasswordInput& input, std::string_view user, std::string_view password,
                               std::string_view timestamp);

struct ChildStatus {
    enum class Kind { exited, signaled, not_started } kind = Kind::not_started;
    int code = 0;   // exit status, signal number, or errno when not started
};

// Runs argv[0] with `input` on fd 3 and waits for it. The child shares fds 0,
// 1 and 2: when it logs the user in, the program it execs answers the client.
ChildStatus run_checkpassword(char* const* argv, std::string_view input, const UcspiTls* tls);

}  // namespace postern::popup
