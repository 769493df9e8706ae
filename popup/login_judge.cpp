#include "login_judge.hpp"

#include <time.h>
#include <cerrno>

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

LoginJudge::LoginJudge(const Settings& settings, char* const* program, std::string remote, LogRelay* session_log)
    : settings_(settings), program_(program), remote_(std::move(remote)), session_log_(session_log) {}

Verdict LoginJudge::check(const LoginRequest& request, const UcspiTls* tls) {
    CheckpasswordInput input;
    if (!build_checkpassword_input(input, request.user, request.password, request.timestamp))
        return child_not_started(request, E2BIG);  // the dialogue checked the length: cannot happen
    ChildStatus child = run_checkpassword(program_, input.view(), tls, session_log_);
    input.wipe();
    switch (child.kind) {
        case ChildStatus::Kind::not_started: return child_not_started(request, child.code);
        case ChildStatus::Kind::signaled: return child_unavailable(request, "child-crashed", "signal", child.code);
        case ChildStatus::Kind::exited: break;
    }
    if (child.code == 0) return session_ran(request, tls && tls->active);
    if (child.code == 1) return refuse(request);
    // Exit 111 (or 2, or anything but 0 and 1): the check could not be made.
    return child_unavailable(request, "login-failed", "status", child.code);
}

// The login succeeded and the session after it has ended.
Verdict LoginJudge::session_ran(const LoginRequest& request, bool tls) {
    log_event("login-ok")
        .kv("user", request.user)
        .kv("remote", remote_)
        .kv("mech", request.mechanism)
        .kv("tls", tls ? "yes" : "no");
    return Verdict::session_ran;
}

// The answer comes the same time after the command whatever the reason
// (unknown user, wrong password, locked account): no timing oracle.
Verdict LoginJudge::refuse(const LoginRequest& request) {
    ++failures_;
    sleep_until(request.started_ms + settings_.fail_delay_ms);
    log_event("login-refused")
        .kv("user", request.user)
        .kv("remote", remote_)
        .kv("mech", request.mechanism)
        .kv("attempt", failures_);
    if (failures_ < settings_.max_attempts) return Verdict::refused;
    log_event("too-many-failures").kv("remote", remote_).kv("user", request.user).kv("attempts", failures_);
    return Verdict::refused_last;
}

// The child ran but could not make the check: `event` logged with `key`=`value` (its status or signal).
Verdict LoginJudge::child_unavailable(const LoginRequest& request, const char* event, const char* key, int value) {
    log_event(event).kv("user", request.user).kv("remote", remote_).kv("mech", request.mechanism).kv(key, value);
    return Verdict::unavailable;
}

Verdict LoginJudge::child_not_started(const LoginRequest& request, int error) {
    log_event("child-failed").kv("user", request.user).kv("remote", remote_).err(error);
    return Verdict::unavailable;
}

void LoginJudge::tls_running(UcspiTls& tls) {
    std::string protocol = import_tls_facts(tls);
    log_event("tls").kv("remote", remote_).kv("protocol", protocol);
}

}  // namespace postern::popup
