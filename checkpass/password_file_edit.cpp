#include "password_file_edit.hpp"

#include "secret.hpp"

namespace postern::checkpass {

PasswordEdit::~PasswordEdit() {
    wipe_string(hash);
    wipe_string(apop_secret);
}

namespace {
void fill_entry(const PasswordEdit& edit, const PasswordEntry* old, PasswordEntry& entry) {
    entry.name = edit.name;
    entry.hash = edit.hash;
    entry.apop_secret = edit.apop_secret;
    if (edit.set_mapping) {
        entry.mapped = true;
        entry.uid = edit.uid;
        entry.gid = edit.gid;
        entry.home = edit.home;
    } else if (old && old->mapped) {
        entry.mapped = true;
        entry.uid = old->uid;
        entry.gid = old->gid;
        entry.home = old->home;
    }
}

bool same_entry(const PasswordEntry& a, const PasswordEntry& b) {
    return a.name == b.name && a.hash == b.hash && a.apop_secret == b.apop_secret && a.mapped == b.mapped &&
           (!a.mapped || (a.uid == b.uid && a.gid == b.gid && a.home == b.home));
}

// The entry's line, when the reader gets the same entry back from it.
bool format_readable_line(const PasswordEntry& entry, std::string& line) {
    line = format_password_line(entry);
    PasswordEntry back;
    return read_password_line(line, back) == LineKind::entry && same_entry(entry, back);
}

// Appends the new entry's line for `edit` (based on `old` when it had one).
bool append_entry(const PasswordEdit& edit, const PasswordEntry* old, EditResult& result) {
    PasswordEntry entry;
    fill_entry(edit, old, entry);
    std::string line;
    bool readable = format_readable_line(entry, line);
    if (readable) result.text += line;
    wipe_string(line);
    return readable;
}

EditResult refused() {
    EditResult result;
    result.unreadable_line = true;
    return result;
}
}  // namespace

EditResult apply_password_edit(std::string_view old_text, const PasswordEdit& edit) {
    EditResult result;
    for (unsigned long number = 1; !old_text.empty(); ++number) {
        size_t newline = old_text.find('\n');
        std::string_view line = old_text.substr(0, newline);
        old_text = newline == std::string_view::npos ? std::string_view() : old_text.substr(newline + 1);
        PasswordEntry old;
        LineKind kind = read_password_line(line, old);
        if (kind == LineKind::malformed || kind == LineKind::too_long) result.bad_lines.push_back({number, kind});
        if (kind == LineKind::entry && old.name == edit.name) {
            if (result.found) {
                ++result.duplicates;
                continue;
            }
            result.found = true;
            if (edit.remove) continue;
            if (!append_entry(edit, &old, result)) return refused();
        } else {
            result.text += line;
        }
        result.text += '\n';
    }
    if (!result.found && !edit.remove) {
        if (!append_entry(edit, nullptr, result)) return refused();
        result.text += '\n';
    }
    return result;
}

}  // namespace postern::checkpass
