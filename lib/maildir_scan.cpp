#include "maildir_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <string>

#include "fd.hpp"
#include "message_file.hpp"

namespace postern {

int for_each_file(int dir_fd, const char* dir, const std::function<bool(std::string_view)>& each) {
    int fd = ::openat(dir_fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    DIR* d = ::fdopendir(fd);
    if (!d) {
        int e = errno;
        ::close(fd);
        return e;
    }
    int error = 0;
    for (;;) {
        errno = 0;
        dirent* entry = ::readdir(d);
        if (!entry) {
            error = errno;
            break;
        }
        if (entry->d_name[0] == '.') continue;
        if (entry->d_type != DT_REG && entry->d_type != DT_UNKNOWN && entry->d_type != DT_LNK) continue;
        if (!each(entry->d_name)) break;
    }
    ::closedir(d);
    return error;
}

namespace {
// A concurrent session may move the same file first: then it is in cur/ already.
int move_to_cur(int maildir_fd, std::string_view name) {
    std::string from = message_path("new", name);
    std::string to = message_path("cur", name);
    if (name.find(':') == std::string_view::npos) to += ":2,";
    return ::renameat(maildir_fd, from.c_str(), maildir_fd, to.c_str()) == 0 ? 0 : errno;
}
}  // namespace

namespace {
// Room for the names, guessed from the directories' sizes so the list is not
// copied as it grows; pages reserved but never filled cost no memory.
void reserve_for_directories(int maildir_fd, MessageList& list, size_t max_messages) {
    off_t bytes = 0;
    for (const char* dir : {"new", "cur"}) {
        struct stat st{};
        if (::fstatat(maildir_fd, dir, &st, 0) == 0) bytes += st.st_size;
    }
    size_t guess = std::min(size_t(bytes) / 48, max_messages);
    list.reserve(guess, guess * 48);
}
}  // namespace

ScanResult scan_maildir(int maildir_fd, MessageList& list, size_t max_messages, Deadline deadline) {
    ScanResult result;
    reserve_for_directories(maildir_fd, list, max_messages);
    auto out_of_time = [&] { return result.timed_out = deadline.expired(); };
    // A message that cannot be moved (a read-only new/, a name too long for ":2,") is served from new/.
    int error = for_each_file(maildir_fd, "new", [&](std::string_view name) {
        if (out_of_time()) return false;
        int moved = move_to_cur(maildir_fd, name);
        if (moved != 0 && moved != ENOENT && list.count() < max_messages) {
            list.add(name, true);
            result.move_error = moved;
        }
        return true;
    });
    if (error) result.failure = {"new", error};
    if (error || result.timed_out) return result;
    error = for_each_file(maildir_fd, "cur", [&](std::string_view name) {
        if (out_of_time()) return false;
        if (list.count() >= max_messages) {
            result.truncated = true;
            return false;
        }
        list.add(name);
        return true;
    });
    if (error) result.failure = {"cur", error};
    return result;
}

size_t clean_maildir_tmp(int maildir_fd, time_t now, Deadline deadline) {
    constexpr time_t abandoned_after = 36 * 3600;
    size_t removed = 0;
    for_each_file(maildir_fd, "tmp", [&](std::string_view name) {
        if (deadline.expired()) return false;
        std::string path = message_path("tmp", name);
        struct stat st{};
        if (::fstatat(maildir_fd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
            st.st_atime + abandoned_after < now && ::unlinkat(maildir_fd, path.c_str(), 0) == 0)
            ++removed;
        return true;
    });
    return removed;
}

}  // namespace postern
