#include "maildir_quota.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>

#include "fd.hpp"
#include "maildir_name.hpp"
#include "message_file.hpp"

namespace postern::pop3d {

namespace {
// One member of the quota definition: digits, then S (bytes) or C (messages).
bool is_quota_member(std::string_view member) {
    if (member.size() < 2 || (member.back() != 'S' && member.back() != 'C')) return false;
    member.remove_suffix(1);
    return member.find_first_not_of("0123456789") == std::string_view::npos;
}

bool is_quota_definition(std::string_view line) {
    if (line.empty()) return false;
    for (size_t at = 0;;) {
        size_t comma = line.find(',', at);
        if (!is_quota_member(line.substr(at, comma == std::string_view::npos ? comma : comma - at))) return false;
        if (comma == std::string_view::npos) return true;
        at = comma + 1;
    }
}

const char* state_name(QuotaFileState state) {
    switch (state) {
        case QuotaFileState::appendable: return "";
        case QuotaFileState::too_large: return "too-large";
        case QuotaFileState::no_quota_line: return "no-quota-line";
        case QuotaFileState::unterminated: return "unterminated";
    }
    return "unknown";
}

QuotaRecord left_alone(const char* reason, int error = 0) { return {QuotaOutcome::not_recorded, reason, error}; }
}  // namespace

QuotaFileState judge_maildirsize(std::string_view contents, bool filled) {
    if (filled) return QuotaFileState::too_large;
    if (!is_quota_definition(contents.substr(0, contents.find('\n')))) return QuotaFileState::no_quota_line;
    if (contents.back() != '\n') return QuotaFileState::unterminated;
    return QuotaFileState::appendable;
}

std::string removal_line(uint64_t bytes, uint64_t count) {
    return "-" + std::to_string(bytes) + " -" + std::to_string(count) + "\n";
}

std::optional<uint64_t> quota_size_of(int maildir_fd, std::string_view dir, std::string_view name) {
    if (auto size = parse_maildir_name(name).disk_size) return size;
    // stat(2), as the specification's recalculation does: a symlink counts as what it points to.
    struct stat st{};
    if (::fstatat(maildir_fd, message_path(dir, name).c_str(), &st, 0) != 0) return std::nullopt;
    return uint64_t(st.st_size);
}

QuotaRecord record_removal(int maildir_fd, uint64_t bytes, uint64_t count) {
    // Without O_CREAT: a Maildir without the file has no quota, and gets none.
    // O_NONBLOCK: a FIFO in its place cannot hold the open.
    Fd file(::openat(maildir_fd, maildirsize_file, O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!file) {
        if (errno == ENOENT) return {};
        return errno == ELOOP ? left_alone("not-regular") : left_alone("open", errno);
    }
    struct stat st{};
    if (::fstat(file.get(), &st) != 0) return left_alone("open", errno);
    if (!S_ISREG(st.st_mode)) return left_alone("not-regular");
    // A second name elsewhere (a hard link) would make this an append to some other file of the user's.
    if (st.st_nlink != 1) return left_alone("linked");

    char contents[maildirsize_limit];
    size_t got = 0;
    while (got < sizeof contents) {
        ssize_t n = ::pread(file.get(), contents + got, sizeof contents - got, off_t(got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return left_alone("read", errno);
        if (n == 0) break;
        got += size_t(n);
    }
    QuotaFileState state = judge_maildirsize(std::string_view(contents, got), got == sizeof contents);
    if (state != QuotaFileState::appendable) return left_alone(state_name(state));

    // One write with O_APPEND: the line lands whole at the end, whoever else appends meanwhile.
    std::string line = removal_line(bytes, count);
    ssize_t n = ::write(file.get(), line.data(), line.size());
    if (n != ssize_t(line.size())) return left_alone("write", n < 0 ? errno : EIO);
    return {QuotaOutcome::recorded, "", 0};
}

}  // namespace postern::pop3d
