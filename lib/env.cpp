#include "env.hpp"

#include <cstdlib>
#include <strings.h>

#include "log.hpp"

namespace postern {

std::optional<std::string_view> env_get(const char* name) {
    const char* value = std::getenv(name);
    if (!value) return std::nullopt;
    return std::string_view(value);
}

std::optional<uint64_t> parse_decimal(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt;  // 19 digits always fit in 64 bits
    uint64_t n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + uint64_t(c - '0');
    }
    return n;
}

std::optional<uint64_t> parse_decimal_in(std::string_view s, uint64_t min, uint64_t max) {
    auto n = parse_decimal(s);
    if (!n || *n < min || *n > max) return std::nullopt;
    return n;
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
