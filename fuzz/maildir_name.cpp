// Maildir file names (lib/maildir_name) and the list that stores them
// compactly (lib/message_list). The input is names, one a line.
// Invariants, for each name of at most 255 bytes (NAME_MAX):
//  - the base is the name up to its first ':', the flags what follows ":2,";
//    the time is the leading digits; ",S=" and ",W=" are the first such fields
//    with digits after the first comma, read as decimal;
//  - adding a flag keeps the base, adds exactly that flag (in ASCII order when
//    the flags were), and adding it twice changes nothing more;
//  - the list gives back every name and base byte for byte, whatever its host
//    table holds, compares bases as std::string_view does, keeps the base
//    through a rename, and sorts by delivery time, then base.
#include <algorithm>
#include <string>
#include <vector>

#include "check.hpp"
#include "maildir_name.hpp"
#include "message_list.hpp"

using namespace postern;

namespace {

constexpr std::string_view flag_letters = "DFPRST";

int sign(int n) { return (n > 0) - (n < 0); }

std::optional<uint64_t> reference_field(std::string_view base, char key) {
    size_t comma = base.find(',');
    if (comma == std::string_view::npos) return std::nullopt;
    for (size_t i = comma; i + 3 < base.size(); ++i) {
        if (base[i] != ',' || base[i + 1] != key || base[i + 2] != '=') continue;
        size_t end = i + 3;
        while (end < base.size() && base[end] >= '0' && base[end] <= '9') ++end;
        if (end == i + 3) continue;
        if (end - i - 3 > 19) return std::nullopt;
        uint64_t n = 0;
        for (size_t j = i + 3; j < end; ++j) n = n * 10 + uint64_t(base[j] - '0');
        return n;
    }
    return std::nullopt;
}

void check_name(std::string_view name, char flag) {
    MaildirName parsed = parse_maildir_name(name);
    size_t colon = name.find(':');
    FUZZ_CHECK(parsed.base == name.substr(0, colon));
    FUZZ_CHECK(parsed.has_info == (colon != std::string_view::npos && name.substr(colon + 1, 2) == "2,"));
    FUZZ_CHECK(parsed.flags == (parsed.has_info ? name.substr(colon + 3) : std::string_view()));
    uint64_t time = 0;
    for (size_t i = 0; i < std::min<size_t>(name.size(), 18) && name[i] >= '0' && name[i] <= '9'; ++i)
        time = time * 10 + uint64_t(name[i] - '0');
    FUZZ_CHECK(parsed.time == time && maildir_time(name) == time);
    FUZZ_CHECK(parsed.disk_size == reference_field(parsed.base, 'S'));
    FUZZ_CHECK(parsed.transmit_size == reference_field(parsed.base, 'W'));

    std::string flagged = maildir_name_with_flag(name, flag);
    MaildirName after = parse_maildir_name(flagged);
    FUZZ_CHECK(after.base == parsed.base && after.has_info);
    std::string expected(parsed.flags);
    if (expected.find(flag) == std::string::npos) {
        expected += flag;
        std::sort(expected.begin(), expected.end());
    }
    std::string got(after.flags);
    if (std::is_sorted(parsed.flags.begin(), parsed.flags.end())) FUZZ_CHECK(got == expected);
    std::string got_sorted = got;
    std::sort(expected.begin(), expected.end());
    std::sort(got_sorted.begin(), got_sorted.end());
    FUZZ_CHECK(got_sorted == expected);
    FUZZ_CHECK(maildir_name_with_flag(flagged, flag) == flagged);
}

void check_list(const std::vector<std::string_view>& names) {
    MessageList list;
    for (size_t i = 0; i < names.size(); ++i) list.add(names[i], i % 2 == 1);
    for (size_t i = 0; i < names.size(); ++i) {
        MaildirName parsed = parse_maildir_name(names[i]);
        FUZZ_CHECK(list.name(i) == names[i]);
        FUZZ_CHECK(list.base(i) == parsed.base);
        std::string joined;
        for (std::string_view part : list.name_parts(i)) joined += part;
        FUZZ_CHECK(joined == names[i]);
        FUZZ_CHECK(list[i].time == MessageList::delivery_time(parsed.time));
        uint64_t size = parsed.transmit_size && *parsed.transmit_size < unknown_size ? *parsed.transmit_size
                                                                                      : unknown_size;
        FUZZ_CHECK(list[i].size == size);
        for (size_t j = 0; j < std::min<size_t>(names.size(), 16); ++j) {
            std::string_view other = names[(i + j) % names.size()];
            std::string_view other_base = other.substr(0, other.find(':'));
            FUZZ_CHECK(sign(list.compare_base(i, other_base)) == sign(parsed.base.compare(other_base)));
            FUZZ_CHECK(sign(list.compare_base(i, other)) == sign(parsed.base.compare(other)));
        }
    }
    // A rename changes the flags; the base, and so the message's place, stays.
    for (size_t i = 0; i < names.size(); i += 3) {
        std::string renamed = maildir_name_with_flag(names[i], 'S');
        if (renamed.size() > 255) continue;
        list.renamed(i, renamed);
        FUZZ_CHECK(list.name(i) == renamed && !list[i].in_new);
        FUZZ_CHECK(list.base(i) == parse_maildir_name(names[i]).base);
    }
    list.sort_by_delivery();
    for (size_t i = 1; i < list.count(); ++i) {
        FUZZ_CHECK(list[i - 1].time <= list[i].time);
        if (list[i - 1].time == list[i].time) FUZZ_CHECK(list.base(i - 1).view() <= list.base(i).view());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view data = fuzz::as_text(bytes, size);
    std::vector<std::string_view> names;
    while (!data.empty() && names.size() < 64) {
        size_t end = data.find('\n');
        std::string_view name = data.substr(0, end);
        data.remove_prefix(end == std::string_view::npos ? data.size() : end + 1);
        if (name.size() > 255) continue;  // no file has such a name
        check_name(name, flag_letters[names.size() % flag_letters.size()]);
        names.push_back(name);
    }
    check_list(names);
    return 0;
}
