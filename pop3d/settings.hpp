#pragma once
#include "session.hpp"

namespace postern::pop3d {

// Fills `settings` from POSTERN_* variables; false (after a log line) when one is malformed.
bool read_settings(Settings& settings);

}  // namespace postern::pop3d
