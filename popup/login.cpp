// The hand-off to the checkpassword program, and one named path for each way
// it can end. The exit-status contract: a child that exits 0 has answered the
// client itself; one that exits non-zero has said nothing, so popup answers.
#include <time.h>

#include "authorization.hpp"
#include "checkpassword.hpp"
#include "log.hpp"

namespace postern::popup {

namespace {
// Sleeps until `at_ms` on the monotonic clock.
void sleep_until(int64_t at_ms) {
    timespec when{time_t(at_ms / 1000), long(at_ms % 1000) * 1000000};
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &when, nullptr) == EINTR) {
    }
}
}  // namespace

void Authorization::login(const LoginRequest& request) {
    CheckpasswordInput input;
    if (!build_checkpassword_input(input, request.user, request.password, request.timestamp))
        return credentials_too_long(request);
    // Everything popup said must reach the client before the child speaks.
    if (!out_.flush()) return client_left(ReadStatus::error);
    ChildStatus child = run_checkpassword(program_, input.view(), tls_ ? &*tls_ : nullptr);
    input.wipe();
    switch (child.kind) {
        case ChildStatus::Kind::not_started: return child_not_started(request, child.code);
        case ChildStatus::Kind::signaled: return child_unavailable(request, "child-crashed", "signal", child.code);
        case ChildStatus::Kind::exited: break;
    }
    if (child.code == 0) return session_ran(request);
    if (child.code == 1) return refused(request);
    // Exit 111 (or 2, or anything but 0 and 1): the check could not be made.
    child_unavailable(request, "login-failed", "status", child.code);
}

// The login succeeded and the session after it has ended.
void Authorization::session_ran(const LoginRequest& request) {
    log_event("login-ok")
        .kv("user", request.user)
        .kv("remote", remote_)
        .kv("mech", request.mechanism)
        .kv("tls", tls_ && tls_->active ? "yes" : "no");
    end_ = Outcome::session_ran;
}

// The answer comes the same time after the command whatever the reason
// (unknown user, wrong password, locked account): no timing oracle.
void Authorization::refused(const LoginRequest& request) {
    ++failures_;
    sleep_until(request.started_ms + settings_.fail_delay_ms);
    log_event("login-refused")
        .kv("user", request.user)
        .kv("remote", remote_)
        .kv("mech", request.mechanism)
        .kv("attempt", failures_);
    if (failures_ < settings_.max_attempts) return err("[AUTH] authentication failed");
    err("[AUTH] authentication failed; too many failures, closing");
    log_event("too-many-failures").kv("remote", remote_).kv("user", request.user).kv("attempts", failures_);
    end_ = Outcome::too_many_failures;
}

// The child ran but could not make the check: `event` logged with `key`=`value` (its status or signal).
void Authorization::child_unavailable(const LoginRequest& request, const char* event, const char* key, int value) {
    log_event(event).kv("user", request.user).kv("remote", remote_).kv("mech", request.mechanism).kv(key, value);
    unavailable();
}

void Authorization::child_not_started(const LoginRequest& request, int error) {
    log_event("child-failed").kv("user", request.user).kv("remote", remote_).err(error);
    unavailable();
}

// The client's answer, and the end, for every way the check could not be made.
void Authorization::unavailable() {
    err("[SYS/TEMP] authentication temporarily unavailable, try again later");
    end_ = Outcome::temporary_failure;
}

// Cannot happen with the line limit and the HOST limit; kept as a named path all the same.
void Authorization::credentials_too_long(const LoginRequest& request) {
    log_event("credentials-too-long").kv("user", request.user).kv("remote", remote_);
    err("[AUTH] credentials too long");
}

}  // namespace postern::popup
