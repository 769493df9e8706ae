#include "courier_sizelist.hpp"

#include "decimal.hpp"

namespace postern::pop3d {

namespace {

// "<uid>:<uidvalidity>[:<utf8>]"
bool parse_uid_pair(std::string_view text, CourierRecord& record) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view validity = text.substr(colon + 1);
    validity = validity.substr(0, validity.find(':'));
    auto uid = parse_decimal(text.substr(0, colon));
    auto uid_validity = parse_decimal(validity);
    if (!uid || !uid_validity || *uid == 0) return false;
    record.uid = *uid;
    record.uid_validity = *uid_validity;
    return true;
}

// "<file name> <size> <uid pair>": split at the last two spaces, as Courier does.
bool parse_line(std::string_view line, CourierRecord& record) {
    size_t last = line.rfind(' ');
    if (last == std::string_view::npos || last == 0) return false;
    size_t before = line.rfind(' ', last - 1);
    if (before == std::string_view::npos || before == 0) return false;
    if (!parse_decimal(line.substr(before + 1, last - before - 1))) return false;
    if (!parse_uid_pair(line.substr(last + 1), record)) return false;
    std::string_view name = line.substr(0, before);
    record.base_name = name.substr(0, name.find(':'));
    return !record.base_name.empty() && record.base_name.find('/') == std::string_view::npos;
}

}  // namespace

std::optional<ListError> parse_courier_sizelist(std::string_view text,
                                                const std::function<void(const CourierRecord&)>& each) {
    CompleteLines lines(text);
    std::string_view header;
    if (!lines.next(header) || !header.starts_with('/')) return ListError{1, "no-header"};
    // "/<version> <nextuid> [<uidvalidity>]": each line carries its own validity.
    header.remove_prefix(1);
    size_t space = header.find(' ');
    std::string_view version = header.substr(0, space);
    if (version != "2" && version != "3") return ListError{1, "unsupported-version"};
    std::string_view next_uid = space == std::string_view::npos ? "" : header.substr(space + 1);
    if (!parse_decimal(next_uid.substr(0, next_uid.find(' ')))) return ListError{1, "no-next-uid"};
    std::string_view line;
    CourierRecord record;
    while (lines.next(line))
        if (parse_line(line, record)) each(record);
    return std::nullopt;
}

}  // namespace postern::pop3d
