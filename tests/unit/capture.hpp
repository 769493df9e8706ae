// Test helpers: capture what a Writer writes, and temporary Maildirs.
#pragma once
#include <sys/mman.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "writer.hpp"

namespace postern::test {

// A Writer over an in-memory file; text() flushes and returns all written bytes.
class CapturedOutput {
public:
    CapturedOutput() : fd_(memfd_create("capture", 0)), writer_(fd_, 4096) {}
    ~CapturedOutput() { ::close(fd_); }
    Writer& writer() { return writer_; }
    std::string text() {
        writer_.flush();
        std::string all(size_t(lseek(fd_, 0, SEEK_END)), '\0');
        (void)!pread(fd_, all.data(), all.size(), 0);
        return all;
    }

private:
    int fd_;
    Writer writer_;
};

// What `run` logs: stderr goes to an in-memory file meanwhile.
template <typename Run>
std::string capture_stderr(Run run) {
    int file = memfd_create("stderr", 0), saved = ::dup(2);
    ::dup2(file, 2);
    run();
    ::dup2(saved, 2);
    ::close(saved);
    std::string all(size_t(lseek(file, 0, SEEK_END)), '\0');
    (void)!pread(file, all.data(), all.size(), 0);
    ::close(file);
    return all;
}

// A fresh Maildir under the system's temporary folder, removed at the end of the test.
class TempMaildir {
public:
    TempMaildir() {
        char pattern[] = "/tmp/postern-unit.XXXXXX";
        path_ = mkdtemp(pattern);
        for (const char* sub : {"new", "cur", "tmp"}) std::filesystem::create_directory(path_ / sub);
    }
    ~TempMaildir() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }
    void put(const std::string& where, const std::string& content) {
        std::ofstream(path_ / where, std::ios::binary) << content;
    }
    bool exists(const std::string& where) const { return std::filesystem::exists(path_ / where); }

private:
    std::filesystem::path path_;
};

}  // namespace postern::test
