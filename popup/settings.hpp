// postern-popup's settings, from POSTERN_* variables (envdir style).
#pragma once
#include <cstdint>
#include <string>

// The Debian package's build includes debian/popup-defaults.hpp first: the
// account its postinst makes, the folder it installs. Other builds keep these.
#ifndef POSTERN_POPUP_USER_DEFAULT
#define POSTERN_POPUP_USER_DEFAULT "nobody"
#endif
#ifndef POSTERN_POPUP_ROOT_DEFAULT
#define POSTERN_POPUP_ROOT_DEFAULT "/var/empty"
#endif

namespace postern::popup {

struct Settings {
    bool apop = false;                 // POSTERN_APOP: show the timestamp, accept APOP
    bool require_tls = false;          // POSTERN_REQUIRE_TLS, or UCSPITLS="!"
    bool offer_tls = true;             // false when UCSPITLS="-"
    bool tls_terminated = false;       // POSTERN_TLS_TERMINATED: TLS ended in front of us (stunnel, HAProxy)
    int auth_timeout_seconds = 1200;   // POSTERN_AUTH_TIMEOUT: the whole AUTHORIZATION state
    int idle_timeout_seconds = 600;    // POSTERN_IDLE_TIMEOUT: one command; RFC 1939's minimum
    unsigned max_attempts = 3;         // POSTERN_MAX_ATTEMPTS: refused logins per connection
    int fail_delay_ms = 2000;          // POSTERN_FAIL_DELAY: a refusal is answered this long after the command
    // When popup starts as root, the network side runs as this user, chrooted here.
    std::string popup_user = POSTERN_POPUP_USER_DEFAULT;  // POSTERN_POPUP_USER
    std::string popup_root = POSTERN_POPUP_ROOT_DEFAULT;  // POSTERN_POPUP_ROOT
};

// Fills `settings` from the environment; false (after a log line) when a value is malformed.
bool read_settings(Settings& settings);

}  // namespace postern::popup
