// The hand-off to the login check, and the client's answer for each verdict.
// The exit-status contract: a session that ran has answered the client
// itself; otherwise popup answers, once.
#include "authorization.hpp"
#include "checkpassword.hpp"
#include "log.hpp"

namespace postern::popup {

void Authorization::login(const LoginRequest& request) {
    CheckpasswordInput input;
    bool fits = build_checkpassword_input(input, request.user, request.password, request.timestamp);
    input.wipe();
    if (!fits) return credentials_too_long(request);
    // Everything popup said must reach the client before the child speaks.
    if (!out_.flush()) return client_left(ReadStatus::error);
    answer(checker_.check(request, tls_ ? &*tls_ : nullptr));
}

void Authorization::answer(Verdict verdict) {
    switch (verdict) {
        case Verdict::session_ran:
            end_ = Outcome::session_ran;
            return;
        case Verdict::refused: return err("[AUTH] authentication failed");
        case Verdict::refused_last:
            err("[AUTH] authentication failed; too many failures, closing");
            end_ = Outcome::too_many_failures;
            return;
        case Verdict::unavailable:
            err("[SYS/TEMP] authentication temporarily unavailable, try again later");
            end_ = Outcome::temporary_failure;
            return;
        case Verdict::judge_gone:
            end_ = Outcome::temporary_failure;
            return;
    }
}

// Cannot happen with the line limit and the HOST limit; kept as a named path all the same.
void Authorization::credentials_too_long(const LoginRequest& request) {
    log_event("credentials-too-long").kv("user", request.user).kv("remote", remote_);
    err("[AUTH] credentials too long");
}

}  // namespace postern::popup
