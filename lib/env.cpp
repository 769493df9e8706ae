#include "env.hpp"

#include <cstdlib>
#include <strings.h>

#include "decimal.hpp"
#include "log.hpp"

namespace postern {

std::optional<std::string_view> env_get(const char* name) {
    const char* value = std::getenv(name);
    if (!value) return std::nullopt;
    return std::string_view(value);
}

std::optional<uint64_t> env_number(const char* name, uint64_t fallback, uint64_t min, uint64_t max) {
    auto value = env_get(name);
    if (!value || value->empty()) return fallback;
    return parse_decimal_in(*value, min, max);
}

bool bad_setting(const char* name) {
    log_event("bad-setting").kv("name", name).kv("value", env_get(name).value_or(""));
    return false;
}

bool read_flag_setting(const char* name, bool& into) {
    auto value = env_flag(name);
    if (!value) return bad_setting(name);
    into = *value;
    return true;
}

std::optional<bool> env_flag(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value) return false;
    for (const char* yes : {"1", "yes", "on", "true"})
        if (strcasecmp(value, yes) == 0) return true;
    for (const char* no : {"0", "no", "off", "false"})
        if (strcasecmp(value, no) == 0) return false;
    return std::nullopt;
}

}  // namespace postern
