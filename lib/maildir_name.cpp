#include "maildir_name.hpp"

#include <algorithm>

#include "decimal.hpp"

namespace postern {

namespace {
// The number after ",KEY=" in the fields after the first comma, when it is made of digits.
std::optional<uint64_t> name_field(std::string_view fields, char key) {
    for (size_t at = 0; (at = fields.find(',', at)) != std::string_view::npos; ++at) {
        if (fields.size() - at < 3 || fields[at + 1] != key || fields[at + 2] != '=') continue;
        std::string_view rest = fields.substr(at + 3);
        size_t digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
        if (digits > 0) return parse_decimal(rest.substr(0, digits));
    }
    return std::nullopt;
}
}  // namespace

uint64_t maildir_time(std::string_view name) {
    uint64_t time = 0;
    size_t digits = std::min<size_t>(name.size(), 18);
    for (size_t i = 0; i < digits; ++i) {
        unsigned digit = unsigned(name[i]) - '0';
        if (digit > 9) break;
        time = time * 10 + digit;
    }
    return time;
}

MaildirName parse_maildir_name(std::string_view name) {
    MaildirName parsed;
    size_t colon = name.find(':');
    parsed.base = name.substr(0, colon);
    if (colon != std::string_view::npos && name.substr(colon + 1, 2) == "2,") {
        parsed.has_info = true;
        parsed.flags = name.substr(colon + 3);
    }
    parsed.time = maildir_time(parsed.base);
    if (size_t comma = parsed.base.find(','); comma != std::string_view::npos) {  // most names have none
        std::string_view fields = parsed.base.substr(comma);
        parsed.disk_size = name_field(fields, 'S');
        parsed.transmit_size = name_field(fields, 'W');
    }
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
