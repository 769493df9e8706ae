// The text of one generated message: headers as a real delivery leaves them,
// a body of words with the odd line starting with '.', and for some messages
// a base64 attachment. Line ends are LF or CRLF as the plan says.
#pragma once
#include <string>

#include "message_plan.hpp"

namespace bench {

// Replaces `out` with the message's bytes (about plan.target_size of them).
void write_message_text(const MessagePlan& plan, std::string& out);

}  // namespace bench
