#include "migrated_uidls.hpp"

#include <fcntl.h>

#include "courier_sizelist.hpp"
#include "dovecot_uidlist.hpp"
#include "log.hpp"
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

// The whole list, or nullopt (logged unless the list is simply not there).
std::optional<std::string> read_list(int maildir_fd, UidlSource source, uint64_t max_bytes, Deadline deadline) {
    RegularFile file = open_regular_file(maildir_fd, file_of(source), O_NOFOLLOW);
    if (!file) {
        if (file.error != ENOENT) log_ignored(source, file.not_regular ? "not-regular-file" : "cannot-open", 0, file.error);
        return std::nullopt;
    }
    if (file.size > max_bytes) {
        log_ignored(source, "too-large");
        return std::nullopt;
    }
    std::string text;
    text.reserve(size_t(file.size));
    char buffer[64 * 1024];
    bool in_time = true;
    int error = read_chunks(file.fd.get(), buffer, [&](std::string_view chunk) {
        in_time = !deadline.expired();
        text.append(chunk.substr(0, size_t(max_bytes - std::min<uint64_t>(max_bytes, text.size()))));
        return in_time && text.size() < max_bytes;
    });
    if (error || !in_time) {
        log_ignored(source, error ? "cannot-read" : "too-slow", 0, error);
        return std::nullopt;
    }
    return text;
}

}  // namespace

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

void MigratedUidls::load(int maildir_fd, const UidlSettings& settings, size_t max_messages, Deadline deadline) {
    texts_.reserve(settings.sources.size());  // never moved: views point into them
    for (UidlSource source : settings.sources) {
        auto text = read_list(maildir_fd, source, (uint64_t(max_messages) + 1) * max_list_bytes_per_message, deadline);
        if (!text) continue;
        texts_.push_back(std::move(*text));
        std::vector<Found> found;
        if (source == UidlSource::dovecot) read_dovecot(texts_.back(), settings.dovecot_format, found);
        else read_courier(texts_.back(), found);
        keep(found);
    }
}

// Each UIDL is written straight into uidls_: a list holds up to millions.
void MigratedUidls::read_dovecot(std::string_view text, const DovecotUidlFormat& format, std::vector<Found>& found) {
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
        found.push_back({record.base_name, uint32_t(at), uint32_t(uidls_.size() - at)});
    });
    if (error) {
        log_ignored(UidlSource::dovecot, error->reason, error->line);
        found.clear();
    }
}

void MigratedUidls::read_courier(std::string_view text, std::vector<Found>& found) {
    auto error = parse_courier_sizelist(text, [&](const CourierRecord& record) {
        size_t at = uidls_.size();
        uidls_ += "UID" + std::to_string(record.uid);
        if (record.uid_validity != 0) uidls_ += "-" + std::to_string(record.uid_validity);
        found.push_back({record.base_name, uint32_t(at), uint32_t(uidls_.size() - at)});
    });
    if (error) log_ignored(UidlSource::courier, error->reason, error->line);
}

// The last line for a name is the one its server uses; an earlier source's
// entry stays. A UIDL RFC 1939 does not allow is not kept.
void MigratedUidls::keep(const std::vector<Found>& found) {
    by_base_.reserve(by_base_.size() + found.size());
    for (auto f = found.rbegin(); f != found.rend(); ++f) {
        if (!usable_as_unique_id(std::string_view(uidls_).substr(f->uidl_at, f->uidl_size))) continue;
        by_base_.try_emplace(f->base_name, f->uidl_at, f->uidl_size);
    }
}

std::optional<std::string_view> MigratedUidls::find(std::string_view base_name) const {
    auto at = by_base_.find(base_name);
    if (at == by_base_.end()) return std::nullopt;
    return std::string_view(uidls_).substr(at->second.first, at->second.second);
}

}  // namespace postern::pop3d
