// The network child's side of a login: each attempt goes to the root parent
// as one login record, and its verdict comes back as one byte.
#pragma once
#include "login_check.hpp"

namespace postern::popup {

class RemoteChecker final : public LoginChecker {
public:
    // `tls`: the connection was TLS from its start.
    RemoteChecker(int records, bool tls) : records_(records), tls_(tls) {}

    Verdict check(const LoginRequest& request, const UcspiTls* tls) override;
    Verdict refuse(const LoginRequest& request) override;
    // Tells the parent, which reads the TLS server's facts; the child has no more use for the control fd.
    void tls_running(UcspiTls& tls) override;

private:
    Verdict ask(int kind, const LoginRequest& request);

    int records_;
    bool tls_;
};

}  // namespace postern::popup
