// The rules file (ucspi/rules). The input is the file's text.
// Invariants:
//  - an accepted file's rules are within the bounds (rules, variables, value
//    lengths), valid names, and numbered by the non-blank, non-comment lines
//    they came from, in order;
//  - written back (each pattern as text, each value quoted), the file parses
//    to the same rules, and find_rule gives the same answer for the edges of
//    every pattern;
//  - a refused file names the first bad line: the lines before it parse, and
//    the file cut after it is refused at the same line for the same reason.
#include <string>

#include "check.hpp"
#include "pattern_text.hpp"
#include "ucspi/rules.hpp"

using namespace postern;
using namespace postern::ucspi;

namespace {

bool is_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char c : name)
        if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

std::string_view line_at(std::string_view text, size_t number) {
    for (size_t n = 1; n < number; ++n) {
        size_t end = text.find('\n');
        if (end == std::string_view::npos) return {};
        text.remove_prefix(end + 1);
    }
    return text.substr(0, text.find('\n'));
}

std::string_view first_lines(std::string_view text, size_t count) {
    size_t at = 0;
    for (size_t n = 0; n < count && at < text.size(); ++n) {
        size_t end = text.find('\n', at);
        at = end == std::string_view::npos ? text.size() : end + 1;
    }
    return text.substr(0, at);
}

// The value in a form the parser reads back unchanged; nullopt when none is.
std::optional<std::string> quoted(const std::string& value) {
    if (value.find('"') == std::string::npos) return "\"" + value + "\"";
    if (value.find('\'') == std::string::npos) return "'" + value + "'";
    return std::nullopt;
}

std::optional<std::string> written_back(const ParsedRules& parsed) {
    std::string text;
    for (const Rule& rule : parsed.rules) {
        text += fuzz::pattern_text(rule.pattern) + (rule.allow ? ":allow" : ":deny");
        for (const EnvSetting& setting : rule.env) {
            auto value = quoted(setting.value);
            if (!value) return std::nullopt;
            text += "," + setting.name + "=" + *value;
        }
        text += '\n';
    }
    return text;
}

bool same_rules(const ParsedRules& a, const ParsedRules& b) {
    if (a.rules.size() != b.rules.size()) return false;
    for (size_t i = 0; i < a.rules.size(); ++i) {
        const Rule &x = a.rules[i], &y = b.rules[i];
        if (!fuzz::same_pattern(x.pattern, y.pattern) || x.allow != y.allow || x.env.size() != y.env.size()) return false;
        for (size_t j = 0; j < x.env.size(); ++j)
            if (x.env[j].name != y.env[j].name || x.env[j].value != y.env[j].value) return false;
    }
    return true;
}

// Each pattern's own address (or lowest address) and its neighbour.
std::vector<IpAddress> probes(const ParsedRules& parsed) {
    std::vector<IpAddress> out;
    for (const Rule& rule : parsed.rules) {
        IpAddress a = rule.pattern.address;
        if (rule.pattern.kind == AddressPattern::Kind::octets)
            for (size_t i = 0; i < rule.pattern.octet_count; ++i) a.bytes[i] = rule.pattern.octets[i].low;
        out.push_back(a);
        a.bytes[a.size() - 1] ^= 1;
        out.push_back(unmap_v4(a));
        if (out.size() >= 64) break;
    }
    return out;
}

size_t index_of(const ParsedRules& parsed, const Rule* rule) {
    return rule ? size_t(rule - parsed.rules.data()) : parsed.rules.size();
}

void check_accepted(std::string_view text, const ParsedRules& parsed) {
    FUZZ_CHECK(parsed.rules.size() <= max_rules);
    size_t previous = 0;
    for (const Rule& rule : parsed.rules) {
        FUZZ_CHECK(rule.line > previous);
        previous = rule.line;
        std::string_view line = line_at(text, rule.line);
        size_t start = line.find_first_not_of(" \t\r");
        FUZZ_CHECK(start != std::string_view::npos && line[start] != '#');
        FUZZ_CHECK(rule.env.size() <= max_rule_variables);
        for (const EnvSetting& setting : rule.env) {
            FUZZ_CHECK(is_name(setting.name));
            FUZZ_CHECK(setting.value.size() <= max_variable_value);
        }
    }
    auto again_text = written_back(parsed);
    if (!again_text) return;
    ParsedRules again = parse_rules(*again_text);
    FUZZ_CHECK(again.ok() && same_rules(parsed, again));
    for (const IpAddress& a : probes(parsed)) {
        const Rule* rule = find_rule(parsed.rules, a);
        FUZZ_CHECK(index_of(parsed, rule) == index_of(again, find_rule(again.rules, a)));
        if (rule) FUZZ_CHECK(pattern_matches(rule->pattern, a));
        for (const Rule* before = parsed.rules.data(); rule && before < rule; ++before)
            FUZZ_CHECK(!pattern_matches(before->pattern, a));
    }
}

void check_refused(std::string_view text, const ParsedRules& parsed) {
    FUZZ_CHECK(parsed.error_line >= 1 && parsed.rules.empty());
    FUZZ_CHECK(parse_rules(first_lines(text, parsed.error_line - 1)).ok());
    ParsedRules cut = parse_rules(first_lines(text, parsed.error_line));
    FUZZ_CHECK(cut.error_line == parsed.error_line && cut.error == parsed.error);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view text = fuzz::as_text(bytes, size);
    ParsedRules parsed = parse_rules(text);
    if (parsed.ok()) check_accepted(text, parsed);
    else check_refused(text, parsed);
    return 0;
}
