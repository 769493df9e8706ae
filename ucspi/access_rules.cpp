#include "access_rules.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "log.hpp"
#include "regular_file.hpp"
#include "rules_cdb.hpp"

namespace postern::ucspi {

namespace {

int64_t nanoseconds(const timespec& t) { return int64_t(t.tv_sec) * 1000000000 + t.tv_nsec; }

FileStamp stamp_from(const struct stat& st) {
    return {true, st.st_dev, st.st_ino, st.st_size, nanoseconds(st.st_mtim), nanoseconds(st.st_ctim)};
}

bool looks_like_cdb(int fd, const std::string& path) {
    if (path.ends_with(".cdb")) return true;
    char head[cdb_header_size];
    ssize_t n = ::pread(fd, head, sizeof head, 0);
    return n > 0 && std::memchr(head, '\0', size_t(n)) != nullptr;
}

LoadedRules failed(std::string why, bool malformed, size_t line = 0) {
    LoadedRules r;
    r.error = std::move(why);
    r.malformed = malformed;
    r.error_line = line;
    return r;
}

// Only a key's start matters here: "=" for a host name, "@" before any "=".
constexpr size_t key_start = 256;

LoadedRules load_cdb(Fd fd) {
    std::string why;
    auto db = Cdb::open(std::move(fd), why, CdbLimits{max_cdb_file, max_cdb_data});
    if (!db) return failed("cdb: " + why, true);
    LoadedRules r;
    auto count = [&r](std::string_view key) {
        if (key.find('@') != std::string_view::npos) ++r.info_keys;
        else if (!key.empty() && key[0] == '=') ++r.host_keys;
    };
    if (!db->for_each_key(key_start, count, why)) return failed("cdb: " + why, false);
    r.rules = AccessRules(std::move(*db));
    return r;
}

LoadedRules load_text(int fd) {
    ParsedRules parsed = read_rules(fd);
    if (!parsed.ok()) return failed(parsed.error, parsed.error_line != 0, parsed.error_line);
    LoadedRules r;
    r.rules = AccessRules(std::move(parsed.rules));
    return r;
}

}  // namespace

void note_rules(const std::string& path, const LoadedRules& loaded, bool host_names) {
    if (loaded.missing) log_event("rules-missing").kv("file", path);
    if (loaded.info_keys)
        log_event("rules-unused").kv("file", path).kv("keys", loaded.info_keys).kv("reason", "no-IDENT-lookups");
    if (loaded.host_keys && !host_names)
        log_event("rules-unused").kv("file", path).kv("keys", loaded.host_keys).kv("reason", "host-names-need--h");
}

FileStamp stamp_of(const char* path) {
    struct stat st {};
    if (::stat(path, &st) != 0) return {};
    return stamp_from(st);
}

size_t AccessRules::size() const {
    if (format_ == Format::cdb) return cdb_->records();
    return text_.size();
}

Verdict AccessRules::decide(const IpAddress& address, const std::string& key_address,
                            const std::optional<std::string>& host) const {
    Verdict v;
    if (format_ == Format::text) {
        const Rule* rule = find_rule(text_, address);
        if (!rule) return v;
        v.status = Verdict::Status::matched;
        v.rule = *rule;
    } else if (format_ == Format::cdb) {
        std::optional<std::string_view> name;
        if (host) name = *host;
        CdbMatch m = find_cdb_rule(*cdb_, tcpserver_rule_keys(key_address, name));
        if (m.status == CdbMatch::Status::none) return v;
        v.status = m.status == CdbMatch::Status::found ? Verdict::Status::matched : Verdict::Status::failed;
        v.rule = std::move(m.rule);
        v.key = std::move(m.key);
        v.why = std::move(m.why);
    }
    return v;
}

// A regular file only, opened without blocking: a FIFO named here must not stall the server.
LoadedRules load_access_rules(const std::string& path, bool missing_ok) {
    RegularFile file = open_regular_file(AT_FDCWD, path.c_str());
    if (file.error == ENOENT && missing_ok) {
        LoadedRules r;
        r.missing = true;
        return r;
    }
    if (file.not_regular) return failed("not a regular file", false);
    if (!file) return failed(std::string("cannot open: ") + std::strerror(file.error), false);
    FileStamp stamp = stamp_from(file.st);
    LoadedRules r = looks_like_cdb(file.fd.get(), path) ? load_cdb(std::move(file.fd)) : load_text(file.fd.get());
    r.stamp = stamp;
    return r;
}

}  // namespace postern::ucspi
