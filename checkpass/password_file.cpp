#include "password_file.hpp"

#include "decimal.hpp"

namespace postern::checkpass {

namespace {
bool next_field(std::string_view& rest, std::string_view& field) {
    if (rest.data() == nullptr) return false;
    size_t colon = rest.find(':');
    field = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    return true;
}

bool parse_fields(std::string_view line, PasswordEntry& entry) {
    std::string_view fields[6];
    size_t count = 0;
    std::string_view rest = line;
    while (count < 6 && next_field(rest, fields[count])) ++count;
    if (rest.data() != nullptr) return false;  // more than six fields
    if (count != 2 && count != 3 && count != 6) return false;
    if (!valid_entry_name(fields[0])) return false;
    for (size_t i = 1; i < count; ++i)
        if (!valid_field(fields[i])) return false;
    entry.name = fields[0];
    entry.hash = fields[1];
    entry.apop_secret = count >= 3 ? fields[2] : std::string_view();
    entry.mapped = count == 6;
    if (entry.mapped) {
        if (!parse_id(fields[3], entry.uid) || !parse_id(fields[4], entry.gid)) return false;
        if (!fields[5].starts_with("/")) return false;
        entry.home = fields[5];
    }
    return true;
}
}  // namespace

bool valid_field(std::string_view field) {
    for (unsigned char c : field)
        if (c < 0x20 || c == 0x7f) return false;
    return true;
}

bool valid_entry_name(std::string_view name) {
    if (name.empty() || name.size() > 255 || name.front() == '#') return false;
    for (unsigned char c : name)
        if (c <= 0x20 || c == 0x7f || c == ':') return false;
    return true;
}

LineKind read_password_line(std::string_view line, PasswordEntry& entry) {
    if (line.empty() || line.front() == '#') return LineKind::blank;
    if (line.size() > max_password_line) return LineKind::too_long;
    return parse_fields(line, entry) ? LineKind::entry : LineKind::malformed;
}

const char* line_problem(LineKind kind) { return kind == LineKind::too_long ? "too-long" : "malformed"; }

std::string format_password_line(const PasswordEntry& entry) {
    std::string line = entry.name + ":" + entry.hash;
    if (entry.mapped) {
        line += ":" + entry.apop_secret + ":" + std::to_string(entry.uid) + ":" + std::to_string(entry.gid) + ":" +
                entry.home;
    } else if (!entry.apop_secret.empty()) {
        line += ":" + entry.apop_secret;
    }
    return line;
}

}  // namespace postern::checkpass
