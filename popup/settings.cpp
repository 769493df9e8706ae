#include "settings.hpp"

#include "env.hpp"

namespace postern::popup {

namespace {
// A name or path: unset keeps the default; set, it must not be empty.
bool read_text_setting(const char* name, std::string& into) {
    auto value = env_get(name);
    if (!value) return true;
    if (value->empty()) return bad_setting(name);
    into = *value;
    return true;
}
}  // namespace

bool read_settings(Settings& settings) {
    if (!read_flag_setting("POSTERN_APOP", settings.apop)) return false;
    if (!read_flag_setting("POSTERN_REQUIRE_TLS", settings.require_tls)) return false;
    if (!read_flag_setting("POSTERN_TLS_TERMINATED", settings.tls_terminated)) return false;
    if (!read_number_setting("POSTERN_AUTH_TIMEOUT", settings.auth_timeout_seconds, 1, 86400)) return false;
    if (!read_number_setting("POSTERN_IDLE_TIMEOUT", settings.idle_timeout_seconds, 1, 86400)) return false;
    if (!read_number_setting("POSTERN_MAX_ATTEMPTS", settings.max_attempts, 1, 100)) return false;
    if (!read_number_setting("POSTERN_FAIL_DELAY", settings.fail_delay_ms, 0, 60000)) return false;
    if (!read_text_setting("POSTERN_POPUP_USER", settings.popup_user)) return false;
    if (!read_text_setting("POSTERN_POPUP_ROOT", settings.popup_root)) return false;
    // The common UCSPI-TLS policy variable: "-" turns STLS off, "!" requires it.
    if (auto policy = env_get("UCSPITLS")) {
        if (*policy == "-") settings.offer_tls = false;
        if (*policy == "!") settings.require_tls = true;
    }
    return true;
}

}  // namespace postern::popup
