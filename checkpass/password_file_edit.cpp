#include "password_file_edit.hpp"

#include "password_file.hpp"
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
}  // namespace

EditResult apply_password_edit(std::string_view old_text, const PasswordEdit& edit) {
    EditResult result;
    while (!old_text.empty()) {
        size_t newline = old_text.find('\n');
        std::string_view line = old_text.substr(0, newline);
        old_text = newline == std::string_view::npos ? std::string_view() : old_text.substr(newline + 1);
        PasswordEntry old;
        bool is_entry = !is_blank_or_comment(line) && parse_password_line(line, old);
        if (!result.found && is_entry && old.name == edit.name) {
            result.found = true;
            if (edit.remove) continue;
            PasswordEntry entry;
            fill_entry(edit, &old, entry);
            result.text += format_password_line(entry);
        } else {
            result.text += line;
        }
        result.text += '\n';
    }
    if (!result.found && !edit.remove) {
        PasswordEntry entry;
        fill_entry(edit, nullptr, entry);
        result.text += format_password_line(entry);
        result.text += '\n';
    }
    return result;
}

}  // namespace postern::checkpass
