#include "maildir_name.hpp"

#include <algorithm>

#include "env.hpp"

namespace postern {

namespace {
// The number after ",KEY=" in a base, when there is one made of digits.
std::optional<uint64_t> name_field(std::string_view base, std::string_view key) {
    for (size_t at = base.find(key); at != std::string_view::npos; at = base.find(key, at + 1)) {
        std::string_view rest = base.substr(at + key.size());
        size_t digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
        if (digits > 0) return parse_decimal(rest.substr(0, digits));
    }
    return std::nullopt;
}
}  // namespace

MaildirName parse_maildir_name(std::string_view name) {
    MaildirName parsed;
    size_t colon = name.find(':');
    parsed.base = name.substr(0, colon);
    if (colon != std::string_view::npos && name.substr(colon + 1, 2) == "2,") {
        parsed.has_info = true;
        parsed.flags = name.substr(colon + 3);
    }
    size_t digits = std::min(parsed.base.find_first_not_of("0123456789"), parsed.base.size());
    if (auto t = parse_decimal(parsed.base.substr(0, std::min<size_t>(digits, 18)))) parsed.time = *t;
    parsed.disk_size = name_field(parsed.base, ",S=");
    parsed.transmit_size = name_field(parsed.base, ",W=");
    return parsed;
}

std::string maildir_name_with_flag(std::string_view name, char flag) {
    MaildirName parsed = parse_maildir_name(name);
    std::string flags(parsed.flags);
    if (flags.find(flag) == std::string::npos) {
        flags += flag;
        std::sort(flags.begin(), flags.end());
    }
    return std::string(parsed.base) + ":2," + flags;
}

}  // namespace postern
