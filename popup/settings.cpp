#include "settings.hpp"

#include "env.hpp"

namespace postern::popup {

bool read_settings(Settings& settings) {
    if (!read_flag_setting("POSTERN_APOP", settings.apop)) return false;
    if (!read_flag_setting("POSTERN_REQUIRE_TLS", settings.require_tls)) return false;
    if (!read_number_setting("POSTERN_AUTH_TIMEOUT", settings.auth_timeout_seconds, 1, 86400)) return false;
    if (!read_number_setting("POSTERN_IDLE_TIMEOUT", settings.idle_timeout_seconds, 1, 86400)) return false;
    if (!read_number_setting("POSTERN_MAX_ATTEMPTS", settings.max_attempts, 1, 100)) return false;
    if (!read_number_setting("POSTERN_FAIL_DELAY", settings.fail_delay_ms, 0, 60000)) return false;
    // The common UCSPI-TLS policy variable: "-" turns STLS off, "!" requires it.
    if (auto policy = env_get("UCSPITLS")) {
        if (*policy == "-") settings.offer_tls = false;
        if (*policy == "!") settings.require_tls = true;
    }
    return true;
}

}  // namespace postern::popup
