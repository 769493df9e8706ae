// The lists of other servers' UIDLs (pop3d/dovecot_uidlist, courier_sizelist,
// dovecot_uidl_format, migrated_uidls). The input's first line is a UIDL
// format, the rest a list, read as Dovecot's and as Courier's.
// Invariants:
//  - every record has a non-empty base name with neither ':' nor '/', taken
//    from one complete line; Dovecot's UIDs ascend strictly; a list's error
//    names a line it has;
//  - a format either is refused or renders; rendering an unchanged record twice
//    gives the same UIDL;
//  - read from a Maildir, every UIDL found is printable, at most 255 bytes, is the
//    rendering of (or saved for) a record of that base name, and the first
//    source's wins.
#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <string>

#include "check.hpp"
#include "pop3d/courier_sizelist.hpp"
#include "pop3d/dovecot_uidl_format.hpp"
#include "pop3d/dovecot_uidlist.hpp"
#include "pop3d/migrated_uidls.hpp"
#include "pop3d/unique_id.hpp"

using namespace postern;
using namespace postern::pop3d;

namespace {

size_t complete_lines(std::string_view text) {
    size_t n = 0;
    for (char c : text) n += c == '\n';
    return n;
}

void check_base(std::string_view text, std::string_view base) {
    FUZZ_CHECK(!base.empty() && base.find(':') == std::string_view::npos && base.find('/') == std::string_view::npos);
    FUZZ_CHECK(base.data() >= text.data() && base.data() + base.size() <= text.data() + text.size());
}

void put_file(int dir, const char* name, std::string_view text) {
    int fd = ::openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FUZZ_CHECK(fd >= 0 && ::write(fd, text.data(), text.size()) == ssize_t(text.size()));
    ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view input = fuzz::as_text(bytes, size);
    size_t nl = input.find('\n');
    if (nl == std::string_view::npos) return 0;
    std::string_view format_text = input.substr(0, nl), list = input.substr(nl + 1);
    fuzz::CapturedStderr quiet;

    // The UIDL each base name gets from each list, by the lists' own rules: the last line wins.
    std::map<std::string, std::string> dovecot, courier;
    auto format = DovecotUidlFormat::parse(format_text);
    uint32_t validity = 0, previous = 0;
    auto dovecot_error = parse_dovecot_uidlist(list, validity, [&](const DovecotRecord& r) {
        check_base(list, r.base_name);
        FUZZ_CHECK(r.uid > previous);
        previous = r.uid;
        if (!format) return;
        std::string once, twice;
        DovecotUidlFields fields{r.uid, validity, r.base_name, r.guid};
        format->render(fields, once);
        format->render(fields, twice);
        FUZZ_CHECK(once == twice);
        dovecot[std::string(r.base_name)] = r.saved_uidl ? (r.saved_uidl->empty() ? std::string(r.base_name)
                                                                                  : std::string(*r.saved_uidl))
                                                         : once;
    });
    if (dovecot_error) {
        FUZZ_CHECK(dovecot_error->line >= 1 && dovecot_error->line <= complete_lines(list) + 1);
        dovecot.clear();
    }
    auto courier_error = parse_courier_sizelist(list, [&](const CourierRecord& r) {
        check_base(list, r.base_name);
        FUZZ_CHECK(r.uid > 0);
        courier[std::string(r.base_name)] =
            "UID" + std::to_string(r.uid) + (r.uid_validity ? "-" + std::to_string(r.uid_validity) : "");
    });
    if (courier_error) FUZZ_CHECK(courier_error->line == 1);
    if (!format) return 0;

    static int dir = ::open(fuzz::scratch_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    FUZZ_CHECK(dir >= 0);
    put_file(dir, dovecot_uidlist_file, list);
    put_file(dir, courier_sizelist_file, list);
    UidlSettings settings;
    settings.sources = {UidlSource::dovecot, UidlSource::courier};
    settings.dovecot_format = *format;
    MigratedUidls uidls;
    FUZZ_CHECK(uidls.load(dir, settings, 1000, Deadline::never()).complete());
    std::map<std::string, std::string> names = courier;
    for (const auto& [base, uidl] : dovecot) names[base] = uidl;
    for (const auto& [base, ignored] : names) {
        auto found = uidls.find(base);
        std::string expected;  // the first source's usable UIDL for the name, or none
        if (auto d = dovecot.find(base); d != dovecot.end() && usable_as_migrated_unique_id(d->second)) expected = d->second;
        else if (auto c = courier.find(base); c != courier.end() && usable_as_migrated_unique_id(c->second)) expected = c->second;
        FUZZ_CHECK(found.value_or("") == expected);
    }
    return 0;
}
