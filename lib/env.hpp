// Settings come from the environment, daemontools-style (envdir).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace postern {

// The variable's value, or nullopt when unset. Set-but-empty is returned as "".
std::optional<std::string_view> env_get(const char* name);

// A decimal setting within [min, max]; `fallback` when unset or empty.
// nullopt when set to anything else, so a typo is an error, not a silent default.
std::optional<uint64_t> env_number(const char* name, uint64_t fallback, uint64_t min, uint64_t max);

// "1", "yes", "on", "true" (any case) are true; unset, "", "0", "no", "off", "false" false; nullopt otherwise.
std::optional<bool> env_flag(const char* name);

// Logs "bad-setting name=... value=..." and returns false, for a setting that is malformed.
bool bad_setting(const char* name);

// A flag or a number setting into `into` (whose value is the default); false, logged, when malformed.
bool read_flag_setting(const char* name, bool& into);
template <typename T>
bool read_number_setting(const char* name, T& into, uint64_t min, uint64_t max) {
    auto value = env_number(name, uint64_t(into), min, max);
    if (!value) return bad_setting(name);
    into = T(*value);
    return true;
}

}  // namespace postern
