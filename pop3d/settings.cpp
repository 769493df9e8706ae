// postern-pop3d's settings, from the environment (set by envdir or the run script).
#include "settings.hpp"

#include "decimal.hpp"
#include "env.hpp"

namespace postern::pop3d {

namespace {
bool all_digits(std::string_view s) { return parse_decimal(s).has_value(); }

// RFC 2449: EXPIRE takes "NEVER" or days, LOGIN-DELAY seconds; either may end in " USER".
bool valid_policy(std::string_view value, bool never_allowed) {
    if (value.ends_with(" USER")) value.remove_suffix(5);
    return all_digits(value) || (never_allowed && value == "NEVER");
}

bool read_policy_setting(const char* name, bool never_allowed, std::optional<std::string>& into) {
    auto value = env_get(name);
    if (!value || value->empty()) return true;
    if (!valid_policy(*value, never_allowed)) return bad_setting(name);
    into = std::string(*value);
    return true;
}

bool read_uidl_settings(UidlSettings& uidl) {
    auto sources = parse_uidl_sources(env_get("POSTERN_UIDL_SOURCES").value_or(""));
    if (!sources) return bad_setting("POSTERN_UIDL_SOURCES");
    uidl.sources = std::move(*sources);
    if (auto text = env_get("POSTERN_DOVECOT_UIDL_FORMAT"); text && !text->empty()) {
        auto format = DovecotUidlFormat::parse(*text);
        if (!format) return bad_setting("POSTERN_DOVECOT_UIDL_FORMAT");
        uidl.dovecot_format = std::move(*format);
        uidl.dovecot_format_text = std::string(*text);
    }
    return true;
}
}  // namespace

bool read_settings(Settings& settings) {
    return read_number_setting("POSTERN_IDLE_TIMEOUT", settings.idle_timeout_seconds, 1, 86400) &&
           read_number_setting("POSTERN_SCAN_TIMEOUT", settings.scan_timeout_seconds, 1, 86400) &&
           read_flag_setting("POSTERN_LOCK", settings.exclusive) &&
           read_number_setting("POSTERN_MAX_MESSAGES", settings.max_messages, 1, 10000000) &&
           read_policy_setting("POSTERN_EXPIRE", true, settings.expire) &&
           read_policy_setting("POSTERN_LOGIN_DELAY", false, settings.login_delay) &&
           read_uidl_settings(settings.uidl);
}

}  // namespace postern::pop3d
