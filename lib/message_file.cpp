#include "message_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <algorithm>
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

RegularFile open_message(int maildir_fd, std::string_view dir, std::string_view name) {
    return open_regular_file(maildir_fd, message_path(dir, name).c_str(), O_NOATIME);
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

namespace {
// Feeds bytes [from, to) of fd to the counter.
MessageSize::Status count_extent(int fd, off_t from, off_t to, std::span<char> buffer, Deadline deadline,
                                 TransmitSizeCounter& counter, int& error) {
    while (from < to) {
        size_t want = size_t(std::min<off_t>(to - from, off_t(buffer.size())));
        ssize_t n = ::pread(fd, buffer.data(), want, from);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = errno;
            return MessageSize::unreadable;
        }
        if (n == 0) break;  // it shrank meanwhile
        counter.feed(std::string_view(buffer.data(), size_t(n)));
        from += n;
        if (from < to && deadline.expired()) return MessageSize::timed_out;
    }
    return MessageSize::sized;
}

// Where the next data after `at` begins and ends, within the first `end` bytes;
// a file system that cannot tell has data everywhere.
bool next_extent(int fd, off_t at, off_t end, off_t& data, off_t& hole) {
    data = ::lseek(fd, at, SEEK_DATA);
    if (data < 0 && errno == EINVAL) {
        data = at;
        hole = end;
        return true;
    }
    if (data < 0 && errno != ENXIO) return false;
    if (data < 0 || data > end) data = end;  // ENXIO: only a hole is left
    hole = data == end ? end : ::lseek(fd, data, SEEK_HOLE);
    if (hole < 0) return false;
    hole = std::min(hole, end);
    return true;
}

// Counts the file's data extents; a hole reads as zeros, which are sent as they
// are: a single zero byte gives the counter its state after the hole, and the
// rest are added here. So a sparse file of a terabyte is sized in a moment.
MessageSize count_file(int fd, uint64_t size, std::span<char> buffer, Deadline deadline) {
    TransmitSizeCounter counter;
    uint64_t more_zeros = 0;
    MessageSize result;
    off_t end = off_t(size);
    for (off_t at = 0, data, hole; at < end; at = hole) {
        if (!next_extent(fd, at, end, data, hole)) {
            result.error = errno;
            return result;
        }
        if (data > at) {
            counter.feed(std::string_view("\0", 1));
            more_zeros += uint64_t(data - at - 1);
        }
        result.status = count_extent(fd, data, hole, buffer, deadline, counter, result.error);
        if (result.status != MessageSize::sized) return result;
    }
    result.status = MessageSize::sized;
    result.octets = counter.total() + more_zeros;
    return result;
}
}  // namespace

MessageSize transmitted_size_of(int maildir_fd, std::string_view dir, std::string_view name,
                                std::span<char> buffer, uint64_t limit, Deadline deadline) {
    RegularFile file = open_message(maildir_fd, dir, name);
    if (file.not_regular) return {MessageSize::not_regular};
    if (!file) return {MessageSize::unreadable, 0, file.error};
    // CRLF only adds octets: a file this large on disk is too large, unread.
    if (file.size() >= limit) return {MessageSize::too_large, file.size()};
    MessageSize size = count_file(file.fd.get(), file.size(), buffer, deadline);
    if (size.status == MessageSize::sized && size.octets >= limit) size.status = MessageSize::too_large;
    return size;
}

}  // namespace postern
