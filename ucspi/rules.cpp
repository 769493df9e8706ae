#include "rules.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace postern::ucspi {

namespace {

constexpr std::string_view blanks = " \t\r";

std::string_view trim(std::string_view s) {
    size_t start = s.find_first_not_of(blanks);
    if (start == std::string_view::npos) return {};
    return s.substr(start, s.find_last_not_of(blanks) - start + 1);
}

// Where ":allow" or ":deny" starts the instructions. Neither can occur inside
// an IPv6 address (l, o, w, n, y are not hex digits), so the first one is it.
size_t find_instructions(std::string_view line) {
    for (size_t at = line.find(':'); at != std::string_view::npos; at = line.find(':', at + 1)) {
        for (std::string_view verb : {"allow", "deny"}) {
            std::string_view rest = line.substr(at + 1);
            if (rest.substr(0, verb.size()) == verb && (rest.size() == verb.size() || rest[verb.size()] == ','))
                return at;
        }
    }
    return std::string_view::npos;
}

bool is_variable_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char c : name)
        if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

// One ",NAME=value" or ",NAME=\"value\"" at the start of `s`; consumes it.
bool parse_setting(std::string_view& s, EnvSetting& out, std::string& why) {
    size_t eq = s.find('=');
    if (eq == std::string_view::npos || !is_variable_name(s.substr(0, eq))) {
        why = "expected ,NAME=value after allow or deny";
        return false;
    }
    out.name = s.substr(0, eq);
    s.remove_prefix(eq + 1);
    if (!s.empty() && (s[0] == '"' || s[0] == '\'')) {
        size_t close = s.find(s[0], 1);
        if (close == std::string_view::npos) {
            why = "unterminated quoted value";
            return false;
        }
        out.value = s.substr(1, close - 1);
        s.remove_prefix(close + 1);
        if (!s.empty() && s[0] != ',') {
            why = "a comma must follow a quoted value";
            return false;
        }
    } else {
        out.value = s.substr(0, s.find(','));
        s.remove_prefix(out.value.size());
    }
    if (out.value.size() > max_variable_value) {
        why = "value too long";
        return false;
    }
    return true;
}

bool parse_instructions(std::string_view s, Rule& rule, std::string& why) {
    rule.allow = s.substr(0, 5) == "allow";
    s.remove_prefix(rule.allow ? 5 : 4);
    while (!s.empty()) {
        s.remove_prefix(1);  // the comma
        if (rule.env.size() == max_rule_variables) {
            why = "too many variables in one rule";
            return false;
        }
        if (!parse_setting(s, rule.env.emplace_back(), why)) return false;
    }
    return true;
}

bool parse_rule(std::string_view line, Rule& rule, std::string& why) {
    size_t colon = find_instructions(line);
    if (colon == std::string_view::npos) {
        why = "expected ADDRESS:allow or ADDRESS:deny";
        return false;
    }
    auto pattern = parse_address_pattern(line.substr(0, colon), why);
    if (!pattern) return false;
    rule.pattern = *pattern;
    return parse_instructions(line.substr(colon + 1), rule, why);
}

ParsedRules failed(size_t line, std::string reason) {
    ParsedRules r;
    r.error_line = line;
    r.error = std::move(reason);
    return r;
}

}  // namespace

ParsedRules parse_rules(std::string_view text) {
    ParsedRules parsed;
    size_t number = 0;
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = trim(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++number;
        if (line.empty() || line[0] == '#') continue;
        if (parsed.rules.size() == max_rules) return failed(number, "too many rules");
        Rule& rule = parsed.rules.emplace_back();
        rule.line = number;
        std::string why;
        if (!parse_rule(line, rule, why)) return failed(number, why);
    }
    return parsed;
}

ParsedRules read_rules(int fd) {
    std::string text;
    char buf[8192];
    while (true) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return failed(0, std::string("cannot read: ") + std::strerror(errno));
        if (n == 0) break;
        if (text.size() + size_t(n) > max_rules_file) return failed(0, "file larger than 1 MiB");
        text.append(buf, size_t(n));
    }
    return parse_rules(text);
}

const Rule* find_rule(const std::vector<Rule>& rules, const IpAddress& address) {
    for (const Rule& rule : rules)
        if (pattern_matches(rule.pattern, address)) return &rule;
    return nullptr;
}

}  // namespace postern::ucspi
