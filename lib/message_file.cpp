#include "message_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <string>

#include "message_encoding.hpp"

namespace postern {

std::string message_path(std::string_view dir, std::string_view name) {
    std::string path;
    path.reserve(dir.size() + 1 + name.size() + 3);  // room for a ":2," added to it
    path.append(dir).append("/").append(name);
    return path;
}

Fd open_message(int maildir_fd, std::string_view dir, std::string_view name) {
    std::string path = message_path(dir, name);
    int fd = ::openat(maildir_fd, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOATIME);
    if (fd < 0 && errno == EPERM) fd = ::openat(maildir_fd, path.c_str(), O_RDONLY | O_CLOEXEC);
    return Fd(fd);
}

int read_chunks(int fd, std::span<char> buffer, const std::function<bool(std::string_view)>& each) {
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        if (n == 0) return 0;
        if (!each(std::string_view(buffer.data(), size_t(n)))) return 0;
    }
}

std::optional<uint64_t> transmitted_size_of(int maildir_fd, std::string_view dir, std::string_view name,
                                            std::span<char> buffer) {
    Fd fd = open_message(maildir_fd, dir, name);
    if (!fd) return std::nullopt;
    TransmitSizeCounter counter;
    int error = read_chunks(fd.get(), buffer, [&](std::string_view chunk) {
        counter.feed(chunk);
        return true;
    });
    if (error) {
        errno = error;
        return std::nullopt;
    }
    return counter.total();
}

}  // namespace postern
