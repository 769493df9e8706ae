// The UPDATE state (RFC 1939): entered only by QUIT. Deleted messages are
// unlinked; retrieved ones that stay get the Maildir "S" (seen) flag.
#include <cerrno>
#include <cstdio>
#include <string>

#include "log.hpp"
#include "maildir_name.hpp"
#include "message_file.hpp"
#include "session.hpp"

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

// One message's change. A message another session removed counts as deleted
// (the client's wish holds) and needs no flag; ENOENT is reported to the
// caller only when `missing` is given, to look for a rename first.
void update_message(Maildrop& drop, size_t i, bool deleted, SessionTotals& totals, std::vector<size_t>* missing) {
    bool done = deleted ? unlink_message(drop, i) : rename_seen(drop, i);
    if (!done && errno == ENOENT && missing) return missing->push_back(i);
    if (deleted && (done || errno == ENOENT)) {
        ++totals.deleted;
        totals.deleted_octets += drop.messages[i].size;
    } else if (deleted) {
        ++totals.delete_failures;
        log_event("delete-failed").kv("file", drop.messages.name(i)).err(errno);
    } else if (!done && errno != ENOENT) {
        log_event("flag-failed").kv("file", drop.messages.name(i)).err(errno);
    }
}
}  // namespace

void apply_update(Maildrop& drop, const std::vector<uint8_t>& deleted, const std::vector<uint8_t>& retrieved,
                  SessionTotals& totals) {
    std::vector<size_t> missing;  // renamed or removed by someone else since the scan
    for (size_t i = 0; i < deleted.size(); ++i)
        if (deleted[i] || retrieved[i]) update_message(drop, i, deleted[i], totals, &missing);
    if (missing.empty()) return;
    follow_renames(drop, missing);
    for (size_t i : missing) update_message(drop, i, deleted[i], totals, nullptr);
}

}  // namespace postern::pop3d
