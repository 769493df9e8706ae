// Feeding a reader in pieces: a thread writes the next piece only once the
// reader has taken everything before it, so the reader sees its input grow
// piece by piece, at the same places on every run of the same input.
#pragma once
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <string_view>
#include <thread>

#include "check.hpp"

namespace postern::fuzz {

class PieceWriter {
public:
    // Writes `data` to `writer`, watching `reader` (the other end) drain, then
    // closes `writer`, which it owns, so the reader sees the end of its input.
    // After stop() the rest goes in one write.
    PieceWriter(int writer, int reader, std::string_view data, size_t max_piece)
        : watch_(::dup(reader)), thread_([=, this] { run(writer, data, max_piece); }) {}
    ~PieceWriter() { stop(); }
    PieceWriter(const PieceWriter&) = delete;
    PieceWriter& operator=(const PieceWriter&) = delete;

    void stop() {
        done_ = true;
        if (thread_.joinable()) thread_.join();
        if (watch_ >= 0) ::close(watch_);
        watch_ = -1;
    }

private:
    size_t queued() const {
        int n = 0;
        return ::ioctl(watch_, FIONREAD, &n) == 0 ? size_t(n) : 0;
    }
    void run(int writer, std::string_view data, size_t max_piece) {
        SplitSource splits(data);
        while (!data.empty()) {
            while (!done_ && queued() > 0) {
                timespec pause{0, 20000};
                ::nanosleep(&pause, nullptr);
            }
            size_t n = done_ ? data.size() : std::min(data.size(), splits.next(max_piece));
            ssize_t written = ::write(writer, data.data(), n);
            if (written <= 0) break;
            data.remove_prefix(size_t(written));
        }
        ::close(writer);
    }

    int watch_;
    std::atomic<bool> done_ = false;
    std::thread thread_;
};

}  // namespace postern::fuzz
