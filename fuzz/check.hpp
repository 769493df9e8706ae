// What every target shares: a failed invariant is a crash, with the reason on
// stderr, so libFuzzer saves the input and `make fuzz-run` prints it.
#pragma once
#include <sanitizer/common_interface_defs.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace postern::fuzz {

// Where reports go: stderr, or its copy while the program's log is captured.
inline int& report_fd() {
    static int fd = 2;
    return fd;
}

[[noreturn]] inline void invariant_failed(const char* what, const char* file, int line) {
    std::string message = std::string(file) + ":" + std::to_string(line) + ": invariant failed: " + what + "\n";
    (void)!::write(report_fd(), message.data(), message.size());
    std::abort();
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A folder of this run's own, in memory (/dev/shm; /tmp where there is none),
// removed when the run ends. Its name is kept in a plain array: a string would
// be destroyed before the exit handler that needs it runs.
inline const char* scratch_dir() {
    static char path[64] = "";
    if (!*path) {
        for (const char* base : {"/dev/shm", "/tmp"}) {
            std::snprintf(path, sizeof path, "%s/postern-fuzz.XXXXXX", base);
            if (::mkdtemp(path)) break;
            *path = '\0';
        }
        if (!*path) invariant_failed("a scratch folder can be made", __FILE__, __LINE__);
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        });
    }
    return path;
}

// The code under test logs to fd 2. While one of these lives, fd 2 is an
// in-memory file, so a target can look at the log lines (and a long run does
// not fill a disk with them); sanitizer reports still reach the real stderr.
class CapturedStderr {
public:
    CapturedStderr() {
        if (report_fd() == 2) {
            report_fd() = ::fcntl(2, F_DUPFD_CLOEXEC, 10);
            __sanitizer_set_report_fd(reinterpret_cast<void*>(intptr_t(report_fd())));
        }
        static int memory = ::memfd_create("fuzz-log", MFD_CLOEXEC);
        memory_ = memory;
        (void)!::ftruncate(memory_, 0);
        ::lseek(memory_, 0, SEEK_SET);
        ::dup2(memory_, 2);
    }
    ~CapturedStderr() { ::dup2(report_fd(), 2); }
    CapturedStderr(const CapturedStderr&) = delete;
    CapturedStderr& operator=(const CapturedStderr&) = delete;

    std::string text() const {
        std::string all(size_t(::lseek(memory_, 0, SEEK_END)), '\0');
        (void)!::pread(memory_, all.data(), all.size(), 0);
        return all;
    }

private:
    int memory_;
};

// Deterministic split points for inputs that are also meant to be read whole
// (a seed stays a plain header or message): from a hash of the bytes, so a
// saved crash replays with the same splits.
class SplitSource {
public:
    explicit SplitSource(std::string_view data) {
        for (unsigned char c : data) state_ = (state_ ^ c) * 0x100000001b3ull;
    }
    // A number in [1, limit].
    size_t next(size_t limit) {
        state_ ^= state_ >> 29;
        state_ *= 0xbf58476d1ce4e5b9ull;
        state_ ^= state_ >> 32;
        return limit == 0 ? 0 : 1 + size_t(state_ % limit);
    }

private:
    uint64_t state_ = 0xcbf29ce484222325ull;
};

}  // namespace postern::fuzz

#define FUZZ_CHECK(condition) \
    ((condition) ? void(0) : ::postern::fuzz::invariant_failed(#condition, __FILE__, __LINE__))
