// The fixed-format record the network child sends the root parent, one per
// message on a SOCK_SEQPACKET socketpair:
//   KIND MECH TLS user NUL secret NUL timestamp NUL
// KIND 'L' asks for a check, 'R' for a refusal without one (an AUTH PLAIN
// identity that is not offered); a lone 'T' says TLS runs. MECH is 'u'
// (USER/PASS), 'a' (APOP) or 'p' (AUTH PLAIN); TLS is '0' or '1'. The three
// fields are the checkpassword interface's, so they fit in its 512 bytes.
// The parent decodes it strictly: it is the only thing root reads from the
// process that reads the network.
#pragma once
#include <optional>
#include <string_view>

#include "checkpassword_input.hpp"
#include "login_check.hpp"

namespace postern::popup {

constexpr size_t max_login_record = 3 + max_checkpassword_input;
using LoginRecord = SecretBuffer<max_login_record>;

enum class RecordKind : char { check = 'L', refuse = 'R', tls_running = 'T' };

// False (record left empty) when the fields do not fit.
bool encode_login_record(LoginRecord& record, RecordKind kind, const LoginRequest& request, bool tls);

struct DecodedRecord {
    RecordKind kind;
    LoginRequest request;  // views into the record; started_ms is 0
    bool tls = false;
};

// nullopt unless `record` has exactly the shape above: a known kind and
// mechanism, exactly three NUL-terminated fields, a user, an APOP record's
// digest with `apop_timestamp` (the greeting's) as its timestamp, and no
// timestamp for the others.
std::optional<DecodedRecord> decode_login_record(std::string_view record, std::string_view apop_timestamp);

}  // namespace postern::popup
