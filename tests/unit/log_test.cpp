#include <catch2/catch.hpp>

#include <unistd.h>
#include <cerrno>
#include <string>

#include "fd.hpp"
#include "log.hpp"
#include "system_failure.hpp"

using namespace postern;

namespace {
// The lines that `write_lines` logs, read back from a pipe standing in for stderr.
template <typename F>
std::string logged(F write_lines) {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    Fd read_end(ends[0]);
    int saved = ::dup(2);
    ::dup2(ends[1], 2);
    ::close(ends[1]);
    log_set_program("postern-test");
    write_lines();
    ::dup2(saved, 2);
    ::close(saved);
    char buffer[4096];
    ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    return n > 0 ? std::string(buffer, size_t(n)) : std::string();
}
}  // namespace

TEST_CASE("log: a system failure is its step and the errno of that step", "[log]") {
    errno = ENOENT;
    SystemFailure failure = failure_at("open");
    errno = 0;
    CHECK(failure);
    CHECK(failure.error == ENOENT);
    CHECK_FALSE(SystemFailure{});
    CHECK(logged([&] { log_event("fatal").kv("file", "x").failure(failure); }) ==
          "postern-test: fatal file=x step=open error=\"No such file or directory\"\n");
}
