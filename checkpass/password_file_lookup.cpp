#include "password_file_lookup.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "log.hpp"
#include "secret.hpp"

namespace postern::checkpass {

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

FileLookupResult unreadable(const std::string& path, int error) {
    log_event("password-file-unreadable").kv("file", path).err(error);
    return {FileLookup::unreadable, error};
}

FileLookupResult insecure(const std::string& path, const struct stat& st) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
    log_event("password-file-insecure").kv("file", path).kv("mode", mode).kv("owner", (unsigned long long)st.st_uid);
    return {FileLookup::insecure};
}

FileLookupResult duplicate(const std::string& path, std::string_view user, unsigned long first, unsigned long again) {
    log_event("password-file-duplicate").kv("file", path).kv("user", user).kv("line", again).kv("first", first);
    return {FileLookup::duplicate};
}

// Every line of an open, checked file; the entry for `user` into `entry`.
FileLookupResult scan_lines(FILE* file, const std::string& path, std::string_view user, PasswordEntry& entry) {
    LineBuffer buffer;
    unsigned long number = 0, found_at = 0;
    ssize_t length;
    errno = 0;
    while ((length = ::getline(&buffer.text, &buffer.capacity, file)) >= 0) {
        ++number;
        std::string_view line(buffer.text, size_t(length));
        if (line.ends_with('\n')) line.remove_suffix(1);
        PasswordEntry candidate;
        LineKind kind = read_password_line(line, candidate);
        if (kind == LineKind::blank) continue;
        if (kind != LineKind::entry) {
            log_event("password-file-bad-line").kv("file", path).kv("line", number).kv("reason", line_problem(kind));
            continue;
        }
        if (candidate.name != user) continue;
        if (found_at) return duplicate(path, user, found_at, number);
        found_at = number;
        entry = std::move(candidate);
    }
    // getline's ENOMEM need not set the error flag: anything short of the
    // end is a failure, never a "not found" that would let system users in.
    if (std::ferror(file) || !std::feof(file)) return unreadable(path, errno ? errno : EIO);
    return {found_at ? FileLookup::found : FileLookup::not_found};
}
}  // namespace

FileLookupResult find_in_password_file(const std::string& path, std::string_view user, PasswordEntry& entry) {
    std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "re"));
    if (!file) return unreadable(path, errno);
    struct stat st{};
    if (::fstat(::fileno(file.get()), &st) != 0) return unreadable(path, errno);
    if (!file_is_private(st)) return insecure(path, st);
    if (st.st_size > max_password_file) {
        log_event("password-file-too-large").kv("file", path).kv("bytes", (long long)st.st_size);
        return {FileLookup::too_large};
    }
    return scan_lines(file.get(), path, user, entry);
}

}  // namespace postern::checkpass
