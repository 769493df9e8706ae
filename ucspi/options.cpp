#include "options.hpp"

#include <string_view>

#include "decimal.hpp"
#include "ip_address.hpp"

namespace postern::ucspi {

namespace {

// Each option sets one field; `value` is its argument for those that take one.
using Setter = bool (*)(Options&, std::string_view value);

struct OptionSpec {
    char letter;
    bool takes_value;
    Setter set;
};

template <typename T>
bool set_number(T& field, std::string_view value, uint64_t min, uint64_t max) {
    auto n = parse_decimal_in(value, min, max);
    if (!n) return false;
    field = T(*n);
    return true;
}

bool set_per_source_limit(Options& o, std::string_view value) {
    auto limit = parse_per_source_limit(value);
    if (!limit) return false;
    o.max_per_source = limit->max;
    o.source_grouping = limit->grouping;
    return true;
}

constexpr OptionSpec option_table[] = {
    {'c', true, [](Options& o, std::string_view v) { return set_number(o.max_total, v, 1, 100000); }},
    {'C', true, set_per_source_limit},
    {'m', true, [](Options& o, std::string_view v) { o.limit_message = std::string(v); return v.size() <= 500; }},
    {'x', true, [](Options& o, std::string_view v) { o.rules_file = v; return !v.empty(); }},
    {'B', true, [](Options& o, std::string_view v) { o.banner = v; return true; }},
    {'b', true, [](Options& o, std::string_view v) { return set_number(o.backlog, v, 0, 65535); }},
    {'l', true, [](Options& o, std::string_view v) { o.local_host = std::string(v); return true; }},
    {'T', true, [](Options& o, std::string_view v) { return set_number(o.proxy_timeout, v, 1, 3600); }},
    {'W', true, [](Options& o, std::string_view v) { return set_number(o.grace, v, 0, 86400); }},
    {'t', true, [](Options& o, std::string_view) { return o.ident_timeout_given = true; }},  // any value: unused
    {'I', true, [](Options& o, std::string_view v) { o.interface = v; return !v.empty(); }},
    {'u', true, [](Options& o, std::string_view v) { o.user = v; return !v.empty(); }},
    {'g', true, [](Options& o, std::string_view v) { o.group = v; return !v.empty(); }},
    {'1', false, [](Options& o, std::string_view) { return o.print_port = true; }},
    {'D', false, [](Options& o, std::string_view) { return o.nodelay = true; }},
    {'d', false, [](Options& o, std::string_view) { o.nodelay = false; return true; }},
    {'h', false, [](Options& o, std::string_view) { return o.lookup_names = true; }},
    {'H', false, [](Options& o, std::string_view) { o.lookup_names = false; return true; }},
    {'p', false, [](Options& o, std::string_view) { return o.paranoid = true; }},
    {'P', false, [](Options& o, std::string_view) { o.paranoid = false; return true; }},
    {'O', false, [](Options& o, std::string_view) { return o.kill_ip_options = true; }},
    {'o', false, [](Options& o, std::string_view) { o.kill_ip_options = false; return true; }},
    {'r', false, [](Options& o, std::string_view) { return o.ident_asked = true; }},
    {'R', false, [](Options& o, std::string_view) { o.ident_asked = false; return true; }},
    {'X', false, [](Options& o, std::string_view) { return o.rules_missing_ok = true; }},
    {'4', false, [](Options& o, std::string_view) { return o.ipv4_only = true; }},
    {'6', false, [](Options& o, std::string_view) { return o.v4_as_v6 = true; }},
    {'U', false, [](Options& o, std::string_view) { return o.ids_from_env = true; }},
    {'y', false, [](Options& o, std::string_view) { return o.proxy = true; }},
    {'q', false, [](Options& o, std::string_view) { o.verbosity = Verbosity::quiet; return true; }},
    {'Q', false, [](Options& o, std::string_view) { o.verbosity = Verbosity::normal; return true; }},
    {'v', false, [](Options& o, std::string_view) { o.verbosity = Verbosity::verbose; return true; }},
};

const OptionSpec* find_option(char letter) {
    for (const OptionSpec& spec : option_table)
        if (spec.letter == letter) return &spec;
    return nullptr;
}

ParsedOptions fail(std::string error) {
    ParsedOptions p;
    p.error = std::move(error);
    return p;
}

}  // namespace

// getopt's conventions: grouped flags (-vD), values attached (-c5) or separate
// (-c 5), "--" ends the options, and so does the first word not starting with "-".
ParsedOptions parse_options(int argc, char** argv) {
    ParsedOptions parsed;
    Options& o = parsed.options;
    int i = 1;
    for (; i < argc; ++i) {
        std::string_view word = argv[i];
        if (word == "--") {
            ++i;
            break;
        }
        if (word.size() < 2 || word[0] != '-') break;
        for (size_t at = 1; at < word.size(); ++at) {
            const OptionSpec* spec = find_option(word[at]);
            std::string letter = std::string("-") + word[at];
            if (!spec) return fail("unknown option " + letter);
            std::string_view value;
            if (spec->takes_value) {
                if (at + 1 < word.size()) value = word.substr(at + 1);
                else if (i + 1 < argc) value = argv[++i];
                else return fail(letter + " needs a value");
                at = word.size();
            }
            if (!spec->set(o, value)) return fail("bad value for " + letter + ": " + std::string(value));
        }
    }
    if (argc - i < 3) return fail("expected HOST PORT PROG");
    auto literal = parse_ip(argv[i]);
    if (o.ipv4_only && literal && literal->v6 && std::string_view(argv[i]) != "::")
        return fail(std::string("-4 with an IPv6 HOST: ") + argv[i]);
    o.host = argv[i];
    o.port = argv[i + 1];
    o.program.assign(argv + i + 2, argv + argc);
    o.program.push_back(nullptr);
    return parsed;
}

}  // namespace postern::ucspi
