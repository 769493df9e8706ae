#include "regular_file.hpp"

#include <fcntl.h>
#include <cerrno>

namespace postern {

// O_NONBLOCK so that a FIFO with no writer, or a device, cannot hold the open;
// on a regular file it changes nothing.
RegularFile open_regular_file(int dir_fd, const char* path, int flags) {
    RegularFile file;
    int open_flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | flags;
    file.fd.reset(::openat(dir_fd, path, open_flags));
    if (!file.fd && errno == EPERM && (flags & O_NOATIME))  // not the file's owner
        file.fd.reset(::openat(dir_fd, path, open_flags & ~O_NOATIME));
    if (!file.fd) {
        file.error = errno;
        return file;
    }
    if (::fstat(file.fd.get(), &file.st) != 0) {
        file.error = errno;
        file.fd.reset();
        return file;
    }
    if (!S_ISREG(file.st.st_mode)) {
        file.not_regular = true;
        file.fd.reset();
        return file;
    }
    return file;
}

}  // namespace postern
