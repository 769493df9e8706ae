#include "dovecot_uidlist.hpp"

#include "decimal.hpp"

namespace postern::pop3d {

namespace {

constexpr uint64_t max_uid = 0xfffffffe;  // Dovecot's (uint32_t)-1 is "too high"

std::string_view next_word(std::string_view& rest) {
    size_t end = rest.find(' ');
    std::string_view word = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (rest.starts_with(' ')) rest.remove_prefix(1);
    return word;
}

std::optional<uint32_t> parse_uid(std::string_view text) {
    auto n = parse_decimal_in(text, 1, max_uid);
    if (!n) return std::nullopt;
    return uint32_t(*n);
}

struct Header {
    int version = 0;
    uint32_t uid_validity = 0;
    uint32_t next_uid = 0;
};

const char* parse_header(std::string_view line, Header& header) {
    if (line.size() < 2 || line[1] != ' ' || (line[0] != '1' && line[0] != '3')) return "unsupported-version";
    header.version = line[0] - '0';
    std::string_view rest = line.substr(2);
    std::optional<uint32_t> validity, next;
    if (header.version == 1) {
        validity = parse_uid(next_word(rest));
        next = parse_uid(next_word(rest));
    }
    while (header.version == 3 && !rest.empty()) {
        std::string_view field = next_word(rest);
        if (field.starts_with('V')) validity = parse_uid(field.substr(1));
        if (field.starts_with('N')) next = parse_uid(field.substr(1));
    }
    if (!validity || !next) return "no-uidvalidity-or-next-uid";
    header.uid_validity = *validity;
    header.next_uid = *next;
    return nullptr;
}

// The extension fields, up to the ':' before the file name (version 3).
void read_extensions(std::string_view& rest, DovecotRecord& record) {
    while (!rest.empty() && rest[0] != ':') {
        std::string_view field = next_word(rest);
        if (field.starts_with('G')) record.guid = field.substr(1);
        if (field.starts_with('P')) record.saved_uidl = field.substr(1);
    }
    if (rest.starts_with(':')) rest.remove_prefix(1);
}

const char* parse_record(std::string_view line, const Header& header, uint32_t previous_uid, DovecotRecord& record) {
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return "no-file-name";
    auto uid = parse_uid(line.substr(0, space));
    if (!uid) return "not-a-uid";
    if (*uid <= previous_uid) return "uids-not-ascending";
    if (header.version == 1 && *uid >= header.next_uid) return "uid-not-below-next-uid";
    record = DovecotRecord{};
    record.uid = *uid;
    std::string_view rest = line.substr(space + 1);
    while (rest.starts_with(' ')) rest.remove_prefix(1);
    if (header.version == 3) read_extensions(rest, record);
    if (rest.find('/') != std::string_view::npos) return "slash-in-file-name";
    record.base_name = rest.substr(0, rest.find(':'));
    if (record.base_name.empty()) return "no-file-name";
    return nullptr;
}

}  // namespace

std::optional<ListError> parse_dovecot_uidlist(std::string_view text, uint32_t& uid_validity,
                                               const std::function<void(const DovecotRecord&)>& each) {
    CompleteLines lines(text);
    std::string_view line;
    Header header;
    if (!lines.next(line)) return ListError{1, "no-header"};
    if (const char* why = parse_header(line, header)) return ListError{1, why};
    uid_validity = header.uid_validity;
    uint32_t previous_uid = 0;
    DovecotRecord record;
    while (lines.next(line)) {
        if (const char* why = parse_record(line, header, previous_uid, record)) return ListError{lines.number(), why};
        previous_uid = record.uid;
        each(record);
    }
    return std::nullopt;
}

}  // namespace postern::pop3d
