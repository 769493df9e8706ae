#include <catch2/catch.hpp>

#include <unistd.h>
#include <cerrno>
#include <string>

#include "capture.hpp"
#include "log.hpp"
#include "system_failure.hpp"

using namespace postern;

namespace {
// The lines that `write_lines` logs.
template <typename F>
std::string logged(F write_lines) {
    log_set_program("postern-test");
    return test::capture_stderr(write_lines);
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
