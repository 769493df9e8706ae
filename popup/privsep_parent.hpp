// The root parent of a separated popup: it waits for the network child's
// login records, has each judged, sends the verdict back, passes the child's
// log lines on, and ends when the child does. It never reads the network.
#pragma once
#include <optional>
#include <string_view>

#include "login_judge.hpp"
#include "network_child.hpp"

namespace postern::popup {

// popup's exit status: the child's, or what a verdict decided (0 after a
// session, 1 after too many failures, 111 when the check could not be made
// or the child misbehaved).
int serve_network_child(NetworkChild& child, LoginJudge& judge, std::optional<UcspiTls>& tls,
                        std::string_view apop_timestamp, int auth_timeout_seconds);

}  // namespace postern::popup
