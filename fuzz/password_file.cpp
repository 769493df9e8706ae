// The password file: postern-passwd's edit (checkpass/password_file_edit)
// and postern-checkpass's look-up (checkpass/password_file_lookup), through
// the one line reader both use. The input's first line is the edit, fields
// split by tabs: "set|remove|map NAME HASH APOP-SECRET UID GID HOME"; the
// rest is the old file.
// Invariants:
//  - after a change, the reader finds exactly the entry the tool wrote (the
//    mapping kept from the old entry unless a new one is given), never a
//    duplicate; after a removal, it finds no entry for the name;
//  - for every other user, the reader finds after the edit what it found before;
//  - every other line is kept byte for byte, and the one entry for the name
//    takes the place of the first old one (or comes last);
//  - the tool reports the duplicates it dropped and the lines no reader takes
//    for entries; it refuses (and writes nothing) exactly when its new line
//    would not read back as the same entry.
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "check.hpp"
#include "checkpass/password_file.hpp"
#include "checkpass/password_file_edit.hpp"
#include "checkpass/password_file_lookup.hpp"

using namespace postern;
using namespace postern::checkpass;

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    while (true) {
        size_t at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

// Lines as both programs split them: by '\n', a last line without one included.
std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines = split(text, '\n');
    if (lines.back().empty()) lines.pop_back();
    return lines;
}

uint32_t number(std::string_view s) {
    uint32_t n = 0;
    for (char c : s) n = n * 10 + uint32_t(uint8_t(c) - '0');
    return n;
}

void read_edit(std::string_view line, PasswordEdit& edit) {
    std::vector<std::string_view> f = split(line, '\t');
    f.resize(7);
    edit.remove = f[0] == "remove";
    edit.set_mapping = f[0] == "map";
    edit.name = f[1];
    edit.hash = f[2];
    edit.apop_secret = f[3];
    edit.uid = number(f[4]);
    edit.gid = number(f[5]);
    edit.home = f[6];
}

const std::string& scratch_file() {
    static const std::string path = std::string(fuzz::scratch_dir()) + "/passwd";
    return path;
}

void put_file(std::string_view text) {
    int fd = ::open(scratch_file().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(::write(fd, text.data(), text.size()) == ssize_t(text.size()));
    ::close(fd);
}

struct Found {
    FileLookup status;
    std::string hash, apop_secret, home;
    bool mapped = false;
    uid_t uid = 0;
    gid_t gid = 0;
    bool operator==(const Found&) const = default;
};

Found look_up(std::string_view user) {
    PasswordEntry entry;
    fuzz::CapturedStderr log;  // bad lines and duplicates are logged
    FileLookupResult result = find_in_password_file(scratch_file(), user, entry);
    FUZZ_CHECK(result.status != FileLookup::unreadable && result.status != FileLookup::insecure);
    if (result.status != FileLookup::found) return {result.status, {}, {}, {}};
    return {result.status, entry.hash, entry.apop_secret, entry.home, entry.mapped, entry.uid, entry.gid};
}

bool is_entry_for(std::string_view line, std::string_view name, PasswordEntry* out = nullptr) {
    PasswordEntry entry;
    bool is = read_password_line(line, entry) == LineKind::entry && entry.name == name;
    if (is && out) *out = std::move(entry);
    return is;
}

// Whether the line for the edited entry reads back as that entry.
bool reads_back(const PasswordEdit& edit, const PasswordEntry* old) {
    PasswordEntry entry;
    entry.name = edit.name;
    entry.hash = edit.hash;
    entry.apop_secret = edit.apop_secret;
    const PasswordEdit* mapping = edit.set_mapping ? &edit : nullptr;
    entry.mapped = mapping || (old && old->mapped);
    entry.uid = mapping ? edit.uid : old ? old->uid : 0;
    entry.gid = mapping ? edit.gid : old ? old->gid : 0;
    entry.home = mapping ? edit.home : old ? old->home : "";
    PasswordEntry back;
    return read_password_line(format_password_line(entry), back) == LineKind::entry && back.name == entry.name &&
           back.hash == entry.hash && back.apop_secret == entry.apop_secret && back.mapped == entry.mapped &&
           (!entry.mapped || (back.uid == entry.uid && back.gid == entry.gid && back.home == entry.home));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view data = fuzz::as_text(bytes, size);
    size_t newline = data.find('\n');
    if (newline == std::string_view::npos) return 0;
    PasswordEdit edit;
    read_edit(data.substr(0, newline), edit);
    std::string_view old_text = data.substr(newline + 1);
    std::vector<std::string_view> old_lines = lines_of(old_text);

    // The old file as the reader sees it: the first entry for the name, the other users.
    std::vector<std::string> others;
    PasswordEntry first_old;
    size_t entries_for_name = 0;
    std::vector<unsigned long> bad;
    for (size_t i = 0; i < old_lines.size(); ++i) {
        PasswordEntry entry;
        LineKind kind = read_password_line(old_lines[i], entry);
        if (kind == LineKind::malformed || kind == LineKind::too_long) bad.push_back(i + 1);
        if (kind != LineKind::entry) continue;
        if (entry.name == edit.name) {
            if (entries_for_name++ == 0) first_old = std::move(entry);
        } else if (others.size() < 8) {
            others.push_back(entry.name);
        }
    }
    put_file(old_text);
    std::vector<Found> before;
    for (const std::string& name : others) before.push_back(look_up(name));

    EditResult result = apply_password_edit(old_text, edit);
    if (result.unreadable_line) {
        FUZZ_CHECK(result.text.empty() && !edit.remove);
        FUZZ_CHECK(!reads_back(edit, entries_for_name > 0 ? &first_old : nullptr));
        return 0;
    }
    FUZZ_CHECK(result.found == (entries_for_name > 0));
    FUZZ_CHECK(result.duplicates == (entries_for_name > 0 ? entries_for_name - 1 : 0));
    FUZZ_CHECK(result.bad_lines.size() == bad.size());
    for (size_t i = 0; i < bad.size(); ++i) FUZZ_CHECK(result.bad_lines[i].number == bad[i]);

    // The other lines, byte for byte, and the new entry in the first one's place.
    std::vector<std::string_view> new_lines = lines_of(result.text);
    FUZZ_CHECK(result.text.empty() || result.text.back() == '\n');
    size_t n = 0;
    bool placed = false;
    for (std::string_view line : old_lines) {
        if (!is_entry_for(line, edit.name)) {
            FUZZ_CHECK(n < new_lines.size() && new_lines[n++] == line);
        } else if (!placed) {
            placed = true;
            if (!edit.remove) FUZZ_CHECK(n < new_lines.size() && is_entry_for(new_lines[n++], edit.name));
        }
    }
    if (!placed && !edit.remove) FUZZ_CHECK(n < new_lines.size() && is_entry_for(new_lines[n++], edit.name));
    FUZZ_CHECK(n == new_lines.size());

    put_file(result.text);
    Found now = look_up(edit.name);
    if (edit.remove) {
        FUZZ_CHECK(now.status == FileLookup::not_found);
    } else {
        FUZZ_CHECK(now.status == FileLookup::found);
        FUZZ_CHECK(now.hash == edit.hash && now.apop_secret == edit.apop_secret);
        if (edit.set_mapping) {
            FUZZ_CHECK(now.mapped && now.uid == edit.uid && now.gid == edit.gid && now.home == edit.home);
        } else {
            FUZZ_CHECK(now.mapped == (entries_for_name > 0 && first_old.mapped));
            if (now.mapped)
                FUZZ_CHECK(now.uid == first_old.uid && now.gid == first_old.gid && now.home == first_old.home);
        }
    }
    for (size_t i = 0; i < others.size(); ++i) FUZZ_CHECK(look_up(others[i]) == before[i]);
    return 0;
}
