#include "rules_cdb.hpp"

#include <cstdio>

namespace postern::ucspi {

namespace {

bool ends_a_prefix(char c) { return c == '.' || c == ':'; }

uint16_t group_at(const IpAddress& a, size_t g) { return uint16_t(a.bytes[2 * g] << 8 | a.bytes[2 * g + 1]); }

std::string hex(uint16_t n) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%x", unsigned(n));
    return buf;
}

struct ZeroRun {
    size_t start = 0, length = 0;
};

// The first of the longest runs of zero groups, however short.
ZeroRun longest_zero_run(const IpAddress& a) {
    ZeroRun best, current;
    for (size_t g = 0; g < 8; ++g) {
        if (group_at(a, g) != 0) {
            current.length = 0;
            continue;
        }
        if (current.length++ == 0) current.start = g;
        if (current.length > best.length) best = current;
    }
    return best;
}

std::string groups(const IpAddress& a, size_t from, size_t to) {
    std::string out;
    for (size_t g = from; g < to; ++g) out += (g == from ? "" : ":") + hex(group_at(a, g));
    return out;
}

std::string ip6_text(const IpAddress& a) {
    if (IpAddress v4 = unmap_v4(a); !v4.v6) return "::ffff:" + format_ip(v4);
    ZeroRun run = longest_zero_run(a);
    if (run.length == 0) return groups(a, 0, 8);
    return groups(a, 0, run.start) + "::" + groups(a, run.start + run.length, 8);
}

}  // namespace

std::string tcpserver_address_text(const IpAddress& address, bool as_v6) {
    if (address.v6) return ip6_text(address);
    return (as_v6 ? "::ffff:" : "") + format_ip(address);
}

std::vector<std::string> tcpserver_rule_keys(std::string_view ip, std::optional<std::string_view> host,
                                             std::optional<std::string_view> info) {
    std::vector<std::string> keys;
    if (info) {
        keys.push_back(std::string(*info) + "@" + std::string(ip));
        if (host) keys.push_back(std::string(*info) + "@=" + std::string(*host));
    }
    keys.emplace_back(ip);
    if (host) keys.push_back("=" + std::string(*host));
    // As rules.c: the whole address is looked at too, so "1::" is tried twice.
    for (size_t length = ip.size(); length > 0; --length)
        if (ends_a_prefix(ip[length - 1])) keys.emplace_back(ip.substr(0, length));
    if (host) {
        for (size_t at = 0; at < host->size(); ++at)
            if ((*host)[at] == '.') keys.push_back("=" + std::string(host->substr(at)));
        keys.emplace_back("=");
    }
    keys.emplace_back();
    return keys;
}

// A "+=value" piece names no variable: setenv would refuse it, so it is skipped.
Rule rule_from_cdb_data(std::string_view data) {
    Rule rule;
    for (size_t end; (end = data.find('\0')) != std::string_view::npos; data.remove_prefix(end + 1)) {
        std::string_view piece = data.substr(0, end);
        if (piece.empty()) continue;
        if (piece[0] == 'D') rule.allow = false;
        size_t eq = piece.find('=');
        if (piece[0] == '+' && eq != std::string_view::npos && eq > 1)
            rule.env.push_back({std::string(piece.substr(1, eq - 1)), std::string(piece.substr(eq + 1))});
    }
    return rule;
}

CdbMatch find_cdb_rule(const Cdb& db, const std::vector<std::string>& keys) {
    CdbMatch match;
    std::string data;
    for (const std::string& key : keys) {
        Cdb::Lookup found = db.find(key, data, match.why);
        if (found == Cdb::Lookup::absent) continue;
        if (found == Cdb::Lookup::failed) {
            match.status = CdbMatch::Status::failed;
            return match;
        }
        match.status = CdbMatch::Status::found;
        match.key = key;
        match.rule = rule_from_cdb_data(data);
        return match;
    }
    return match;
}

}  // namespace postern::ucspi
