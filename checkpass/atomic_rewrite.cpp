#include "atomic_rewrite.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cerrno>

namespace postern::checkpass {

namespace {
constexpr int max_lock_tries = 10;

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(size_t(n));
    }
    return true;
}

std::string directory_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

// The errno is the failed step's, taken before the clean-up.
SystemFailure fail_and_unlink(const std::string& temporary) {
    SystemFailure failed = failure_at("rewrite");
    ::unlink(temporary.c_str());
    return failed;
}
}  // namespace

SystemFailure lock_file(const std::string& path, LockedFile& file) {
    for (int attempt = 0; attempt < max_lock_tries; ++attempt) {
        // Read-only is enough for flock, and works on a file of mode 0400.
        Fd fd(::open(path.c_str(), O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd) return failure_at("lock");
        if (::flock(fd.get(), LOCK_EX) != 0) return failure_at("lock");
        struct stat held{}, current{};
        if (::fstat(fd.get(), &held) != 0) return failure_at("lock");
        // Another writer may have renamed a new file into place while we waited.
        if (::stat(path.c_str(), &current) == 0 && current.st_ino == held.st_ino && current.st_dev == held.st_dev) {
            file.path = path;
            file.fd = std::move(fd);
            file.st = held;
            return {};
        }
    }
    return {"lock", EAGAIN};
}

SystemFailure read_locked_file(const LockedFile& file, std::string& content, off_t max_bytes) {
    content.clear();
    if (file.st.st_size > max_bytes) return {"read", EFBIG};
    char chunk[8192];
    for (off_t at = 0;;) {
        ssize_t n = ::pread(file.fd.get(), chunk, sizeof chunk, at);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return failure_at("read");
        if (n == 0) return {};
        content.append(chunk, size_t(n));
        at += n;
        if (at > max_bytes) return {"read", EFBIG};  // it grew since the lock was taken
    }
}

SystemFailure replace_locked_file(const LockedFile& file, std::string_view content) {
    std::string temporary = file.path + ".tmp";
    ::unlink(temporary.c_str());  // a leftover from a crash; we hold the lock
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) return failure_at("rewrite");
    if (::fchown(fd.get(), file.st.st_uid, file.st.st_gid) != 0 && errno != EPERM) return fail_and_unlink(temporary);
    if (::fchmod(fd.get(), file.st.st_mode & 07777) != 0) return fail_and_unlink(temporary);
    if (!write_all(fd.get(), content) || ::fsync(fd.get()) != 0) return fail_and_unlink(temporary);
    if (::close(fd.release()) != 0) return fail_and_unlink(temporary);
    if (::rename(temporary.c_str(), file.path.c_str()) != 0) return fail_and_unlink(temporary);
    Fd directory(::open(directory_of(file.path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (directory) ::fsync(directory.get());
    return {};
}

}  // namespace postern::checkpass
