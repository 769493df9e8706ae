// A system call that failed: the step's name and the errno captured right
// after it (skalibs' strerr_diefu1sys shape), logged one way by LogLine::failure.
#pragma once
#include <cerrno>

namespace postern {

struct SystemFailure {
    const char* step = nullptr;  // null: nothing failed
    int error = 0;
    explicit operator bool() const { return step != nullptr; }
};

// Call right after the failed call, before anything can change errno.
inline SystemFailure failure_at(const char* step) { return {step, errno}; }

}  // namespace postern
