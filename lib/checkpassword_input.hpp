// The checkpassword interface, as both sides of it see it: the greeter writes
// "user NUL password NUL timestamp NUL" on fd 3 of the program it runs, which
// reads at most this much. The password may be an APOP digest.
#pragma once
#include <cstddef>
#include <string_view>

#include "secret.hpp"

namespace postern {

constexpr size_t max_checkpassword_input = 512;
using CheckpasswordInput = SecretBuffer<max_checkpassword_input>;

// An APOP digest (RFC 1939): 32 hex digits, in either case.
inline bool is_apop_digest(std::string_view s) {
    if (s.size() != 32) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    return true;
}

}  // namespace postern
