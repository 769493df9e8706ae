// The cdb files Debian's tcprules made (tests/unit/data/tcprules), and
// in-memory files to hold them whole, cut short or damaged.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "cdb.hpp"
#include "fd.hpp"

namespace postern::test {

inline std::string fixture_path(const std::string& name) {
    std::string here = __FILE__;  // tests/unit/..., as the Makefile compiles it
    return here.substr(0, here.rfind('/') + 1) + "data/tcprules/" + name;
}

// The path is the source tree's, relative: tests/run runs the tests from its top.
inline std::string fixture(const std::string& name) {
    std::ifstream in(fixture_path(name), std::ios::binary);
    if (!in) FAIL("cannot read " << fixture_path(name) << ": run the unit tests from the top of the tree");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A regular file in memory holding `bytes`.
inline Fd memory_file(const std::string& bytes) {
    Fd fd(::memfd_create("cdb", MFD_CLOEXEC));
    if (fd && ::pwrite(fd.get(), bytes.data(), bytes.size(), 0) != ssize_t(bytes.size())) fd.reset();
    return fd;
}

inline std::optional<Cdb> open_cdb(const std::string& bytes, std::string& why, CdbLimits limits = {}) {
    return Cdb::open(memory_file(bytes), why, limits);
}

inline void put32(std::string& bytes, size_t at, uint32_t n) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = char(n >> (8 * i));
}

inline uint32_t get32(const std::string& bytes, size_t at) {
    uint32_t n = 0;
    for (int i = 3; i >= 0; --i) n = n << 8 | uint8_t(bytes[at + i]);
    return n;
}

}  // namespace postern::test
