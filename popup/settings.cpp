#include "settings.hpp"

#include "env.hpp"
#include "log.hpp"

namespace postern::popup {

namespace {
bool bad_setting(const char* name) {
    log_event("bad-setting").kv("name", name).kv("value", env_get(name).value_or(""));
    return false;
}

bool read_flag(const char* name, bool& into) {
    auto value = env_flag(name);
    if (!value) return bad_setting(name);
    into = *value;
    return true;
}

template <typename T>
bool read_number(const char* name, T& into, uint64_t min, uint64_t max) {
    auto value = env_number(name, uint64_t(into), min, max);
    if (!value) return bad_setting(name);
    into = T(*value);
    return true;
}
}  // namespace

bool read_settings(Settings& settings) {
    if (!read_flag("POSTERN_APOP", settings.apop)) return false;
    if (!read_flag("POSTERN_REQUIRE_TLS", settings.require_tls)) return false;
    if (!read_number("POSTERN_AUTH_TIMEOUT", settings.auth_timeout_seconds, 1, 86400)) return false;
    if (!read_number("POSTERN_IDLE_TIMEOUT", settings.idle_timeout_seconds, 1, 86400)) return false;
    if (!read_number("POSTERN_MAX_ATTEMPTS", settings.max_attempts, 1, 100)) return false;
    if (!read_number("POSTERN_FAIL_DELAY", settings.fail_delay_ms, 0, 60000)) return false;
    // The common UCSPI-TLS policy variable: "-" turns STLS off, "!" requires it.
    if (auto policy = env_get("UCSPITLS")) {
        if (*policy == "-") settings.offer_tls = false;
        if (*policy == "!") settings.require_tls = true;
    }
    return true;
}

}  // namespace postern::popup
