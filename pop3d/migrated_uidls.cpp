#include "migrated_uidls.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <utility>

#include "courier_sizelist.hpp"
#include "dovecot_uidlist.hpp"
#include "log.hpp"
#include "md5.hpp"
#include "message_file.hpp"
#include "unique_id.hpp"

namespace postern::pop3d {

namespace {

// Both servers' lines are well under this for any real file name.
constexpr uint64_t max_list_bytes_per_message = 512;

const char* file_of(UidlSource source) {
    return source == UidlSource::dovecot ? dovecot_uidlist_file : courier_sizelist_file;
}

void log_ignored(UidlSource source, std::string_view reason, size_t line = 0, int error = 0) {
    LogLine log = log_event("uidl-list-ignored");
    log.kv("file", file_of(source)).kv("reason", reason);
    if (line) log.kv("line", line);
    if (error) log.err(error);
}

// A list as it was when opened; no text when it is absent, is no list
// postern may read, or could not be read this time (`read` says which).
struct ListRead {
    std::optional<ListText> text;
    ListsRead read;
};

ListRead read_list(int maildir_fd, UidlSource source, uint64_t max_bytes, Deadline deadline) {
    RegularFile file = open_regular_file(maildir_fd, file_of(source), O_NOFOLLOW);
    if (file.not_regular || (file && file.size() > max_bytes)) {
        log_ignored(source, file.not_regular ? "not-regular-file" : "too-large");
        return {};
    }
    if (!file) {
        if (file.error == ENOENT) return {};
        if (file.error == ELOOP) {  // a symbolic link, which may point anywhere: lasts as the file does
            log_ignored(source, "symbolic-link");
            return {};
        }
        log_ignored(source, "cannot-open", 0, file.error);
        return {std::nullopt, {{"uidl-list-open", file.error}}};
    }
    ListText text(size_t(file.size()));
    if (!text.data()) {
        SystemFailure failed = failure_at("uidl-list-memory");
        log_ignored(source, "no-memory", 0, failed.error);
        return {std::nullopt, {failed}};
    }
    size_t got = 0;
    while (got < text.size() && !deadline.expired()) {
        ssize_t n = ::read(file.fd.get(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            SystemFailure failed = failure_at("uidl-list-read");
            log_ignored(source, "cannot-read", 0, failed.error);
            return {std::nullopt, {failed}};
        }
        if (n == 0) break;
        got += size_t(n);
    }
    if (deadline.expired()) {
        log_ignored(source, "too-slow");
        return {std::nullopt, {{}, true}};
    }
    text.shrink(got);  // what is appended meanwhile is left for the next session
    return {std::move(text), {}};
}

size_t count_lines(std::string_view text) {
    size_t lines = 0;
    for (const char* at = text.data(); (at = static_cast<const char*>(std::memchr(at, '\n', size_t(text.end() - at))));
         ++at)
        ++lines;
    return lines;
}

}  // namespace

ListText::ListText(size_t size) : size_(size), mapped_(std::max<size_t>(size, 1)) {
    void* at = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (at != MAP_FAILED) data_ = static_cast<char*>(at);
}

ListText::ListText(ListText&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(other.size_), mapped_(other.mapped_) {}

ListText::~ListText() {
    if (data_) ::munmap(data_, mapped_);
}

std::string uidl_lists_stamp(int maildir_fd, const UidlSettings& settings) {
    if (settings.sources.empty()) return {};
    std::string stamp = " uidls";
    for (UidlSource source : settings.sources) {
        stamp += source == UidlSource::dovecot ? ":dovecot=" + md5_hex(settings.dovecot_format_text) + "=" : ":courier=";
        struct stat st{};
        if (::fstatat(maildir_fd, file_of(source), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            stamp += "-";
            continue;
        }
        stamp += std::to_string(st.st_dev) + "." + std::to_string(st.st_ino) + "." + std::to_string(st.st_size) + "." +
                 std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
    }
    return stamp;
}

ListsRead resolve_migrated_uidls(int maildir_fd, const UidlSettings& settings, const MessageList& list,
                                 size_t max_messages, Deadline deadline, UidlColumn& column) {
    column.clear();
    if (settings.sources.empty()) return {};
    MigratedUidls uidls;
    ListsRead read = uidls.load(maildir_fd, settings, max_messages, deadline);
    for (size_t i = 0; read.complete() && i < list.count(); ++i)
        if (auto uidl = uidls.find(list.base(i))) column.add(i, *uidl);
    return read;
}

std::optional<std::vector<UidlSource>> parse_uidl_sources(std::string_view text) {
    std::vector<UidlSource> sources;
    if (text.ends_with(',')) return std::nullopt;
    while (!text.empty()) {
        size_t comma = text.find(',');
        std::string_view name = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        UidlSource source;
        if (name == "dovecot") source = UidlSource::dovecot;
        else if (name == "courier") source = UidlSource::courier;
        else return std::nullopt;
        for (UidlSource seen : sources)
            if (seen == source) return std::nullopt;
        sources.push_back(source);
    }
    return sources;
}

ListsRead MigratedUidls::load(int maildir_fd, const UidlSettings& settings, size_t max_messages, Deadline deadline) {
    for (UidlSource source : settings.sources) {
        ListRead read = read_list(maildir_fd, source, (uint64_t(max_messages) + 1) * max_list_bytes_per_message, deadline);
        if (!read.read.complete()) return read.read;
        if (!read.text) continue;
        std::string_view lines = read.text->view();
        size_t records = count_lines(lines);
        found_.reserve(found_.size() + records);
        uidls_.reserve(uidls_.size() + records * 20);
        size_t first = found_.size();
        source_ = uint8_t(source);
        if (source == UidlSource::dovecot) read_dovecot(lines, settings.dovecot_format);
        else read_courier(lines);
        std::reverse(found_.begin() + ptrdiff_t(first), found_.end());  // its server uses a name's last line
        texts_.push_back(std::move(*read.text));  // the base names point into it
    }
    index_found();
    return {};
}

// Each UIDL is written straight into uidls_: a list holds up to millions.
void MigratedUidls::read_dovecot(std::string_view text, const DovecotUidlFormat& format) {
    size_t first = found_.size();
    DovecotUidlFields fields;
    auto error = parse_dovecot_uidlist(text, fields.uid_validity, [&](const DovecotRecord& record) {
        size_t at = uidls_.size();
        if (record.saved_uidl) {  // saved by pop3_save_uidl; an empty one means the base name
            uidls_ += record.saved_uidl->empty() ? record.base_name : *record.saved_uidl;
        } else {
            fields.uid = record.uid;
            fields.base_name = record.base_name;
            fields.guid = record.guid;
            format.render(fields, uidls_);
        }
        add_found(record.base_name, at);
    });
    if (error) {
        log_ignored(UidlSource::dovecot, error->reason, error->line);
        found_.resize(first);
    }
}

void MigratedUidls::read_courier(std::string_view text) {
    auto error = parse_courier_sizelist(text, [&](const CourierRecord& record) {
        size_t at = uidls_.size();
        uidls_ += "UID" + std::to_string(record.uid);
        if (record.uid_validity != 0) uidls_ += "-" + std::to_string(record.uid_validity);
        add_found(record.base_name, at);
    });
    if (error) log_ignored(UidlSource::courier, error->reason, error->line);
}

// The UIDL just appended to uidls_, from its end.
void MigratedUidls::add_found(std::string_view base_name, size_t uidl_at) {
    std::string_view uidl = std::string_view(uidls_).substr(uidl_at);
    bool usable = usable_as_migrated_unique_id(uidl);
    found_.push_back({base_name, uint32_t(uidl_at), uint16_t(usable ? uidl.size() : 0), source_, usable});
}

// Within a list, a name's last line decides, and a UIDL that is not printable
// or too long gives none; across lists, the first that gives one wins.
void MigratedUidls::index_found() {
    size_t slots = 16;
    while (slots < 2 * found_.size()) slots *= 2;
    slots_.assign(slots, 0);
    for (size_t i = 0; i < found_.size(); ++i) {
        const Found& f = found_[i];
        size_t slot = std::hash<std::string_view>{}(f.base_name) & (slots - 1);
        while (slots_[slot] != 0 && found_[slots_[slot] - 1].base_name != f.base_name) slot = (slot + 1) & (slots - 1);
        if (slots_[slot] == 0) {
            slots_[slot] = uint32_t(i + 1);
            kept_ += f.usable;
            continue;
        }
        const Found& held = found_[slots_[slot] - 1];
        if (!held.usable && f.usable && held.source != f.source) {
            slots_[slot] = uint32_t(i + 1);
            ++kept_;
        }
    }
}

std::optional<std::string_view> MigratedUidls::find(std::string_view base_name) const {
    if (slots_.empty()) return std::nullopt;
    size_t mask = slots_.size() - 1;
    for (size_t slot = std::hash<std::string_view>{}(base_name) & mask; slots_[slot] != 0; slot = (slot + 1) & mask) {
        const Found& f = found_[slots_[slot] - 1];
        if (f.base_name != base_name) continue;
        if (!f.usable) return std::nullopt;
        return std::string_view(uidls_).substr(f.uidl_at, f.uidl_size);
    }
    return std::nullopt;
}

}  // namespace postern::pop3d
