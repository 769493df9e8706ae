// The UPDATE state: what was unlinked is recorded in the Maildir++ quota
// file, where there is one.
#include "update.hpp"

#include <sys/stat.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>

#include "log.hpp"
#include "maildir_name.hpp"
#include "maildir_quota.hpp"
#include "message_file.hpp"

namespace postern::pop3d {

namespace {
bool unlink_message(const Maildrop& drop, size_t i) {
    return ::unlinkat(drop.dir.get(), message_path(drop.messages.dir(i), drop.messages.name(i)).c_str(), 0) == 0;
}

bool rename_seen(const Maildrop& drop, size_t i) {
    const MessageList& list = drop.messages;
    MessageName name = list.name(i);
    std::string seen = maildir_name_with_flag(name, 'S');
    if (seen == name.view() && list.dir(i) == "cur") return true;
    std::string from = message_path(list.dir(i), name);
    return ::renameat(drop.dir.get(), from.c_str(), drop.dir.get(), message_path("cur", seen).c_str()) == 0;
}

// What the deletions took from the Maildir++ quota: the messages unlinked, by
// the sizes Maildir++ counts (see maildir_quota.hpp). Sizes are looked up only
// when the Maildir has a maildirsize.
struct QuotaRemoved {
    bool kept = false;
    uint64_t bytes = 0;
    uint64_t count = 0;
};

// One message's change. A message gone when it was to be deleted (another
// session removed it) counts as vanished, not deleted, and needs no flag;
// ENOENT is reported to the caller only when `missing` is given, to look for
// a rename first.
void update_message(Maildrop& drop, size_t i, bool deleted, SessionTotals& totals, QuotaRemoved& quota,
                    std::vector<size_t>* missing) {
    std::optional<uint64_t> quota_size;
    // Sized before the unlink, which leaves nothing to stat. A size that cannot be
    // found (the name has none, the file cannot be stat'ed) counts as 0 bytes:
    // the recorded usage then stays too high, never letting mail in over the quota.
    if (deleted && quota.kept) quota_size = quota_size_of(drop.dir.get(), drop.messages.dir(i), drop.messages.name(i));
    bool done = deleted ? unlink_message(drop, i) : rename_seen(drop, i);
    if (!done && errno == ENOENT && missing) return missing->push_back(i);
    if (deleted && done) {
        ++totals.deleted;
        totals.deleted_octets += drop.messages[i].size;
        quota.bytes += quota_size.value_or(0);
        ++quota.count;
    } else if (deleted && errno == ENOENT) {
        ++totals.vanished;
        totals.vanished_octets += drop.messages[i].size;
    } else if (deleted) {
        ++totals.delete_failures;
        log_event("delete-failed").kv("file", drop.messages.name(i)).err(errno);
    } else if (!done && errno != ENOENT) {
        log_event("flag-failed").kv("file", drop.messages.name(i)).err(errno);
    }
}

void record_quota(const Maildrop& drop, const QuotaRemoved& quota) {
    if (quota.count == 0) return;
    QuotaRecord record = record_removal(drop.dir.get(), quota.bytes, quota.count);
    if (record.outcome == QuotaOutcome::no_file) return;
    auto line = log_event(record.outcome == QuotaOutcome::recorded ? "quota-recorded" : "quota-not-recorded");
    line.kv("file", maildirsize_file);
    if (record.outcome == QuotaOutcome::not_recorded) line.kv("reason", record.reason);
    line.kv("bytes", -(long long)quota.bytes).kv("messages", -(long long)quota.count);
    if (record.error) line.err(record.error);
}
}  // namespace

void apply_update(Maildrop& drop, const std::vector<uint8_t>& deleted, const std::vector<uint8_t>& retrieved,
                  SessionTotals& totals) {
    QuotaRemoved quota;
    struct stat st{};
    quota.kept = std::find(deleted.begin(), deleted.end(), 1) != deleted.end() &&
                 (::fstatat(drop.dir.get(), maildirsize_file, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT);
    std::vector<size_t> missing;  // renamed or removed by someone else since the scan
    for (size_t i = 0; i < deleted.size(); ++i)
        if (deleted[i] || retrieved[i]) update_message(drop, i, deleted[i], totals, quota, &missing);
    if (!missing.empty()) {
        follow_renames(drop, missing);
        for (size_t i : missing) update_message(drop, i, deleted[i], totals, quota, nullptr);
    }
    record_quota(drop, quota);
}

}  // namespace postern::pop3d
