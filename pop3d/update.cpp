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
std::string path(std::string_view dir, std::string_view name) { return std::string(dir) + "/" + std::string(name); }

// A message another session already removed counts as deleted: the client's wish holds.
bool remove_message(int maildir_fd, const MessageList& list, size_t i) {
    return ::unlinkat(maildir_fd, path(list.dir(i), list.name(i)).c_str(), 0) == 0 || errno == ENOENT;
}

void mark_seen(int maildir_fd, const MessageList& list, size_t i) {
    std::string seen = maildir_name_with_flag(list.name(i), 'S');
    if (seen == list.name(i) && list.dir(i) == "cur") return;
    std::string from = path(list.dir(i), list.name(i));
    if (::renameat(maildir_fd, from.c_str(), maildir_fd, path("cur", seen).c_str()) != 0 && errno != ENOENT)
        log_event("flag-failed").kv("file", list.name(i)).err(errno);
}
}  // namespace

void apply_update(Maildrop& drop, const std::vector<uint8_t>& deleted, const std::vector<uint8_t>& retrieved,
                  SessionTotals& totals) {
    const MessageList& list = drop.messages;
    for (size_t i = 0; i < list.count(); ++i) {
        if (deleted[i]) {
            if (remove_message(drop.dir.get(), list, i)) {
                ++totals.deleted;
                totals.deleted_octets += list[i].size;
            } else {
                ++totals.delete_failures;
                log_event("delete-failed").kv("file", list.name(i)).err(errno);
            }
        } else if (retrieved[i]) {
            mark_seen(drop.dir.get(), list, i);
        }
    }
}

}  // namespace postern::pop3d
