// Access rules, a plain text file in the spirit of tcprules:
//
//   # comment
//   127.0.0.1:allow,POSTERN_APOP="1"
//   10.:deny
//   2001:db8::/32:allow,GREETING=hello
//   :allow
//
// Each line is ADDRESS:allow or ADDRESS:deny, then ,NAME="value" (or
// ,NAME=value without commas) for variables to set in the child. The first
// rule whose address matches wins; an address no rule matches is allowed.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "address_pattern.hpp"

namespace postern::ucspi {

constexpr size_t max_rules_file = 1 << 20;   // bytes
constexpr size_t max_rules = 10000;
constexpr size_t max_rule_variables = 32;
constexpr size_t max_variable_value = 1024;

struct EnvSetting {
    std::string name, value;
};

struct Rule {
    AddressPattern pattern;
    bool allow = true;
    std::vector<EnvSetting> env;
    size_t line = 0;
};

struct ParsedRules {
    std::vector<Rule> rules;
    size_t error_line = 0;  // 0 with an error: the file itself could not be read
    std::string error;      // empty when the whole text parsed
    bool ok() const { return error.empty(); }
};

ParsedRules parse_rules(std::string_view text);
// The text of an open regular file, from where it stands to its end.
ParsedRules read_rules(int fd);

// The first rule for `address`, or nullptr when none applies.
const Rule* find_rule(const std::vector<Rule>& rules, const IpAddress& address);

}  // namespace postern::ucspi
