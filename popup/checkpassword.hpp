// The checkpassword interface, greeter side: PROG runs as a child with
// "user NUL password NUL timestamp NUL" on a pipe at fd 3.
#pragma once
#include <string_view>

#include "checkpassword_input.hpp"
#include "log_relay.hpp"
#include "ucspi_tls.hpp"

namespace postern::popup {

// False (input left empty) when the three fields do not fit in 512 bytes.
bool build_checkpassword_input(CheckpasswordInput& input, std::string_view user, std::string_view password,
                               std::string_view timestamp);

struct ChildStatus {
    enum class Kind { exited, signaled, not_started } kind = Kind::not_started;
    int code = 0;   // exit status, signal number, or errno when not started
};

// Runs argv[0] with `input` on fd 3 and waits for it. The child gets the
// client on fds 0 and 1 (the TLS pipes when TLS runs): when it logs the user
// in, the program it execs answers the client. Its stderr is popup's own, or,
// with `log`, a pipe passed on through it. It gets no other descriptor.
ChildStatus run_checkpassword(char* const* argv, std::string_view input, const UcspiTls* tls, LogRelay* log);

}  // namespace postern::popup
