#include "login_record.hpp"

#include <cstring>

namespace postern::popup {

namespace {
struct Mechanism {
    char code;
    const char* name;
};
constexpr Mechanism mechanisms[] = {{'u', "user"}, {'a', "apop"}, {'p', "plain"}};

const Mechanism* mechanism_by_code(char code) {
    for (const Mechanism& m : mechanisms)
        if (m.code == code) return &m;
    return nullptr;
}

const Mechanism* mechanism_by_name(const char* name) {
    for (const Mechanism& m : mechanisms)
        if (std::strcmp(m.name, name) == 0) return &m;
    return nullptr;
}

// The next NUL-terminated field of `rest`, which it leaves after the NUL; nullopt without one.
std::optional<std::string_view> take_field(std::string_view& rest) {
    size_t nul = rest.find('\0');
    if (nul == std::string_view::npos) return std::nullopt;
    std::string_view field = rest.substr(0, nul);
    rest.remove_prefix(nul + 1);
    return field;
}

bool fields_valid(const Mechanism& mechanism, const LoginRequest& r, std::string_view apop_timestamp) {
    if (r.user.empty()) return false;
    if (mechanism.code != 'a') return r.timestamp.empty();
    return !apop_timestamp.empty() && r.timestamp == apop_timestamp && is_apop_digest(r.password);
}
}  // namespace

bool encode_login_record(LoginRecord& record, RecordKind kind, const LoginRequest& request, bool tls) {
    record.wipe();
    if (kind == RecordKind::tls_running) return record.append(char(kind));
    const Mechanism* mechanism = mechanism_by_name(request.mechanism);
    if (!mechanism) return false;
    char head[3] = {char(kind), mechanism->code, tls ? '1' : '0'};
    if (!record.append(std::string_view(head, 3))) return false;
    for (std::string_view field : {request.user, request.password, request.timestamp})
        if (!record.append(field) || !record.append('\0')) return false;
    return true;
}

std::optional<DecodedRecord> decode_login_record(std::string_view record, std::string_view apop_timestamp) {
    if (record.size() > max_login_record || record.empty()) return std::nullopt;
    auto kind = RecordKind(record[0]);
    if (kind == RecordKind::tls_running) {
        if (record.size() != 1) return std::nullopt;
        return DecodedRecord{kind, {"", "", "", "", 0}, true};
    }
    if ((kind != RecordKind::check && kind != RecordKind::refuse) || record.size() < 3) return std::nullopt;
    const Mechanism* mechanism = mechanism_by_code(record[1]);
    if (!mechanism || (record[2] != '0' && record[2] != '1')) return std::nullopt;
    std::string_view rest = record.substr(3);
    auto user = take_field(rest), secret = take_field(rest), timestamp = take_field(rest);
    if (!user || !secret || !timestamp || !rest.empty()) return std::nullopt;
    DecodedRecord decoded{kind, {*user, *secret, *timestamp, mechanism->name, 0}, record[2] == '1'};
    if (!fields_valid(*mechanism, decoded.request, apop_timestamp)) return std::nullopt;
    return decoded;
}

}  // namespace postern::popup
