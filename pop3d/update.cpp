// The UPDATE state (RFC 1939): entered only by QUIT. Deleted messages are
// unlinked; retrieved ones that stay get the Maildir "S" (seen) flag.
#include <cerrno>
#include <cstdio>
#include <string>

#include "log.hpp"
#include "maildir_name.hpp"
#include "session.hpp"

namespace postern::pop3d {

namespace {
std::string cur_path(std::string_view name) { return "cur/" + std::string(name); }

// A message another session already removed counts as deleted: the client's wish holds.
bool remove_message(int maildir_fd, std::string_view name) {
    return ::unlinkat(maildir_fd, cur_path(name).c_str(), 0) == 0 || errno == ENOENT;
}

void mark_seen(int maildir_fd, std::string_view name) {
    std::string seen = maildir_name_with_flag(name, 'S');
    if (seen == name) return;
    if (::renameat(maildir_fd, cur_path(name).c_str(), maildir_fd, cur_path(seen).c_str()) != 0 && errno != ENOENT)
        log_event("flag-failed").kv("file", name).err(errno);
}
}  // namespace

void apply_update(Maildrop& drop, const std::vector<uint8_t>& deleted, const std::vector<uint8_t>& retrieved,
                  SessionTotals& totals) {
    const MessageList& list = drop.messages;
    for (size_t i = 0; i < list.count(); ++i) {
        if (deleted[i]) {
            if (remove_message(drop.dir.get(), list.name(i))) {
                ++totals.deleted;
                totals.deleted_octets += list[i].size;
            } else {
                ++totals.delete_failures;
                log_event("delete-failed").kv("file", list.name(i)).err(errno);
            }
        } else if (retrieved[i]) {
            mark_seen(drop.dir.get(), list.name(i));
        }
    }
}

}  // namespace postern::pop3d
