// postern-pop3d's settings, from the environment (set by envdir or the run script).
#include "settings.hpp"

#include "env.hpp"

namespace postern::pop3d {

namespace {
bool all_digits(std::string_view s) { return parse_decimal(s).has_value(); }

// RFC 2449: EXPIRE takes "NEVER" or days, LOGIN-DELAY seconds; either may end in " USER".
bool valid_policy(std::string_view value, bool never_allowed) {
    if (value.ends_with(" USER")) value.remove_suffix(5);
    return all_digits(value) || (never_allowed && value == "NEVER");
}
}  // namespace

bool read_settings(Settings& settings) {
    auto timeout = env_number("POSTERN_IDLE_TIMEOUT", 600, 1, 86400);
    if (!timeout) return bad_setting("POSTERN_IDLE_TIMEOUT");
    settings.idle_timeout_seconds = int(*timeout);

    if (!read_number_setting("POSTERN_SCAN_TIMEOUT", settings.scan_timeout_seconds, 1, 86400)) return false;

    auto exclusive = env_flag("POSTERN_LOCK");
    if (!exclusive) return bad_setting("POSTERN_LOCK");
    settings.exclusive = *exclusive;

    auto max_messages = env_number("POSTERN_MAX_MESSAGES", 1000000, 1, 10000000);
    if (!max_messages) return bad_setting("POSTERN_MAX_MESSAGES");
    settings.max_messages = size_t(*max_messages);

    if (auto expire = env_get("POSTERN_EXPIRE"); expire && !expire->empty()) {
        if (!valid_policy(*expire, true)) return bad_setting("POSTERN_EXPIRE");
        settings.expire = std::string(*expire);
    }
    if (auto delay = env_get("POSTERN_LOGIN_DELAY"); delay && !delay->empty()) {
        if (!valid_policy(*delay, false)) return bad_setting("POSTERN_LOGIN_DELAY");
        settings.login_delay = std::string(*delay);
    }
    return true;
}

}  // namespace postern::pop3d
