// The root side of a login: runs the checkpassword program, and has one
// named path for each way it can end. The exit-status contract: a child that
// exits 0 has answered the client itself; one that exits non-zero has said
// nothing, so the greeter answers, as the Verdict says. The judge writes the
// login-ok / login-refused lines, applies the fail delay and counts the
// attempts, so that under privilege separation none of them is in the hands
// of the process that reads the network.
#pragma once
#include <string>

#include "log_relay.hpp"
#include "login_check.hpp"
#include "settings.hpp"

namespace postern::popup {

class LoginJudge final : public LoginChecker {
public:
    // `session_log`: where the program's stderr goes; nullptr to share popup's own.
    LoginJudge(const Settings& settings, char* const* program, std::string remote, LogRelay* session_log);

    Verdict check(const LoginRequest& request, const UcspiTls* tls) override;
    Verdict refuse(const LoginRequest& request) override;
    void tls_running(UcspiTls& tls) override;

private:
    Verdict session_ran(const LoginRequest& request, bool tls);
    Verdict child_unavailable(const LoginRequest& request, const char* event, const char* key, int value);
    Verdict child_not_started(const LoginRequest& request, int error);

    const Settings& settings_;
    char* const* program_;
    std::string remote_;
    LogRelay* session_log_;
    unsigned failures_ = 0;
};

}  // namespace postern::popup
