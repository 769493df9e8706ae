// postern-pop3d's settings, from POSTERN_* variables (set by envdir or the run script).
#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include "migrated_uidls.hpp"

namespace postern::pop3d {

struct Settings {
    int idle_timeout_seconds = 600;           // RFC 1939's minimum autologout
    int scan_timeout_seconds = 300;           // listing and sizing the maildrop, before the +OK
    bool exclusive = false;                   // lock the maildrop: a second session gets [IN-USE]
    size_t max_messages = 1000000;
    std::optional<std::string> expire;        // CAPA EXPIRE, when the administrator set it
    std::optional<std::string> login_delay;   // CAPA LOGIN-DELAY
    UidlSettings uidl;                        // the previous server's UIDLs
};

// Fills `settings` from POSTERN_* variables; false (after a log line) when one is malformed.
bool read_settings(Settings& settings);

}  // namespace postern::pop3d
