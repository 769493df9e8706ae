// Exit codes are the interface between the programs of a checkpassword chain.
#pragma once

namespace postern {

constexpr int exit_ok = 0;
constexpr int exit_refused = 1;   // login refused (checkpassword), or nothing said
constexpr int exit_usage = 2;     // misuse: bad arguments, malformed fd-3 data
constexpr int exit_temporary = 111;

}  // namespace postern
