// A login attempt and what it came to: the seam between the AUTHORIZATION
// dialogue and whoever runs the checkpassword program. In one process that
// is LoginJudge itself; under privilege separation the network child asks
// the root parent through RemoteChecker.
#pragma once
#include <cstdint>
#include <string_view>

#include "ucspi_tls.hpp"

namespace postern::popup {

// What one login attempt hands to the checkpassword program.
struct LoginRequest {
    std::string_view user;
    std::string_view password;   // or the APOP digest
    std::string_view timestamp;  // empty unless APOP
    const char* mechanism;       // "user", "apop" or "plain", for the log
    int64_t started_ms;          // when the command arrived: refusals are answered relative to it
};

// What the client must hear; the judge has logged it already.
enum class Verdict : char {
    session_ran = 'S',   // the program after checkpassword served the session and answered for itself
    refused = 'r',       // "-ERR [AUTH]", another attempt allowed
    refused_last = 'R',  // "-ERR [AUTH]" and the connection ends: too many failures
    unavailable = 'U',   // "-ERR [SYS/TEMP]": the check could not be made
    // The root parent died while it judged (never its answer): the session
    // may be running already, so nothing more may be written to the client.
    judge_gone = 'g',
};

class LoginChecker {
public:
    virtual ~LoginChecker() = default;
    // Runs the check; `tls` is the connection's UCSPI-TLS state, if it has one.
    virtual Verdict check(const LoginRequest& request, const UcspiTls* tls) = 0;
    // A refusal made without running the program (an AUTH PLAIN identity that
    // is not offered): counted, delayed and logged as any other.
    virtual Verdict refuse(const LoginRequest& request) = 0;
    // TLS runs and the first line came through it: the server's facts can be read.
    virtual void tls_running(UcspiTls& tls) = 0;
};

}  // namespace postern::popup
