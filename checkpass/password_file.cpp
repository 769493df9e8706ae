#include "password_file.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "env.hpp"
#include "log.hpp"

namespace postern::checkpass {

namespace {
bool next_field(std::string_view& rest, std::string_view& field) {
    if (rest.data() == nullptr) return false;
    size_t colon = rest.find(':');
    field = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    return true;
}

}  // namespace

bool valid_field(std::string_view field) {
    for (unsigned char c : field)
        if (c < 0x20 || c == 0x7f) return false;
    return true;
}

bool valid_entry_name(std::string_view name) {
    if (name.empty() || name.size() > 255) return false;
    for (unsigned char c : name)
        if (c <= 0x20 || c == 0x7f || c == ':') return false;
    return true;
}

bool is_blank_or_comment(std::string_view line) { return line.empty() || line.front() == '#'; }

bool parse_password_line(std::string_view line, PasswordEntry& entry) {
    std::string_view fields[6];
    size_t count = 0;
    std::string_view rest = line;
    while (count < 6 && next_field(rest, fields[count])) ++count;
    if (rest.data() != nullptr) return false;  // more than six fields
    if (count != 2 && count != 3 && count != 6) return false;
    if (!valid_entry_name(fields[0])) return false;
    for (size_t i = 1; i < count; ++i)
        if (!valid_field(fields[i])) return false;
    entry.name = fields[0];
    entry.hash = fields[1];
    entry.apop_secret = count >= 3 ? fields[2] : std::string_view();
    entry.mapped = count == 6;
    if (entry.mapped) {
        if (!parse_id(fields[3], entry.uid) || !parse_id(fields[4], entry.gid)) return false;
        if (!fields[5].starts_with("/")) return false;
        entry.home = fields[5];
    }
    return true;
}

std::string format_password_line(const PasswordEntry& entry) {
    std::string line = entry.name + ":" + entry.hash;
    if (entry.mapped) {
        line += ":" + entry.apop_secret + ":" + std::to_string(entry.uid) + ":" + std::to_string(entry.gid) + ":" +
                entry.home;
    } else if (!entry.apop_secret.empty()) {
        line += ":" + entry.apop_secret;
    }
    return line;
}

namespace {
struct FileCloser {
    void operator()(FILE* f) const { std::fclose(f); }
};

// The line buffer held hashes and secrets.
struct LineBuffer {
    char* text = nullptr;
    size_t capacity = 0;
    ~LineBuffer() {
        if (text) wipe_memory(text, capacity);
        std::free(text);
    }
};

bool file_is_private(const struct stat& st) {
    return (st.st_mode & 077) == 0 && (st.st_uid == 0 || st.st_uid == ::geteuid());
}
}  // namespace

FileLookup find_in_password_file(const std::string& path, std::string_view user, PasswordEntry& entry) {
    std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "re"));
    if (!file) {
        log_event("password-file-unreadable").kv("file", path).err(errno);
        return FileLookup::unreadable;
    }
    struct stat st{};
    if (::fstat(::fileno(file.get()), &st) != 0 || !file_is_private(st)) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
        log_event("password-file-insecure").kv("file", path).kv("mode", mode).kv("owner", (unsigned long long)st.st_uid);
        return FileLookup::insecure;
    }
    if (st.st_size > max_password_file) {
        log_event("password-file-too-large").kv("file", path).kv("bytes", (long long)st.st_size);
        return FileLookup::unreadable;
    }
    LineBuffer buffer;
    unsigned long number = 0;
    ssize_t length;
    while ((length = ::getline(&buffer.text, &buffer.capacity, file.get())) >= 0) {
        ++number;
        std::string_view line(buffer.text, size_t(length));
        if (line.ends_with('\n')) line.remove_suffix(1);
        if (is_blank_or_comment(line)) continue;
        PasswordEntry candidate;
        if (line.size() > max_password_line || !parse_password_line(line, candidate)) {
            log_event("password-file-bad-line").kv("file", path).kv("line", number);
            continue;
        }
        if (candidate.name == user) {
            entry = std::move(candidate);
            return FileLookup::found;
        }
    }
    if (std::ferror(file.get())) {
        log_event("password-file-unreadable").kv("file", path).err(errno);
        return FileLookup::unreadable;
    }
    return FileLookup::not_found;
}

}  // namespace postern::checkpass
