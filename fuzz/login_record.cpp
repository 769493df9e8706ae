// The login record (popup/login_record): the one thing popup's root parent
// reads from the network child, so its decoder is as strict as its format.
// The input is a record as a compromised child might send it; its lines are
// also a user, a secret and a timestamp to encode as an honest child would.
// Invariants:
//  - a record that decodes is canonical: encoding what was decoded gives it
//    back byte for byte, so no two records mean the same login;
//  - what decodes is well formed: a user, fields without NUL that fit the
//    checkpassword interface's 512 bytes, an APOP digest with the greeting's
//    own timestamp (and APOP refused when the greeting had none), no
//    timestamp otherwise;
//  - every well-formed request an honest child encodes decodes to itself.
#include <optional>
#include <string>

#include "check.hpp"
#include "checkpassword_input.hpp"
#include "popup/login_record.hpp"

using namespace postern;
using namespace postern::popup;

namespace {

constexpr std::string_view greeting_timestamp = "<4242.1700000000@fuzz.example>";

void check_decoded(std::string_view record, std::string_view apop_timestamp) {
    auto decoded = decode_login_record(record, apop_timestamp);
    if (!decoded) return;
    LoginRecord again;
    FUZZ_CHECK(encode_login_record(again, decoded->kind, decoded->request, decoded->tls));
    FUZZ_CHECK(again.view() == record);
    if (decoded->kind == RecordKind::tls_running) return;
    const LoginRequest& r = decoded->request;
    std::string_view mech = r.mechanism;
    FUZZ_CHECK(!r.user.empty());
    for (std::string_view field : {r.user, r.password, r.timestamp})
        FUZZ_CHECK(field.find('\0') == std::string_view::npos);
    FUZZ_CHECK(r.user.size() + r.password.size() + r.timestamp.size() + 3 <= max_checkpassword_input);
    if (mech == "apop") {
        FUZZ_CHECK(!apop_timestamp.empty() && r.timestamp == apop_timestamp && is_apop_digest(r.password));
    } else {
        FUZZ_CHECK((mech == "user" || mech == "plain") && r.timestamp.empty());
    }
}

void check_round_trip(std::string_view data) {
    std::string fields[3];
    for (std::string& field : fields) {
        size_t end = data.find('\n');
        field = data.substr(0, end);
        data.remove_prefix(end == std::string_view::npos ? data.size() : end + 1);
    }
    const char* mechanisms[] = {"user", "apop", "plain"};
    for (const char* mech : mechanisms) {
        bool apop = std::string_view(mech) == "apop";
        LoginRequest request{fields[0], fields[1], apop ? greeting_timestamp : std::string_view(fields[2]), mech, 0};
        bool well_formed = !request.user.empty() && fields[0].find('\0') == std::string::npos &&
                           fields[1].find('\0') == std::string::npos &&
                           request.timestamp.find('\0') == std::string_view::npos &&
                           (apop ? is_apop_digest(request.password) : request.timestamp.empty()) &&
                           request.user.size() + request.password.size() + request.timestamp.size() + 3 <=
                               max_checkpassword_input;
        for (RecordKind kind : {RecordKind::check, RecordKind::refuse}) {
            LoginRecord record;
            if (!encode_login_record(record, kind, request, fields[2].size() % 2)) {
                FUZZ_CHECK(!well_formed);
                continue;
            }
            auto decoded = decode_login_record(record.view(), greeting_timestamp);
            FUZZ_CHECK(bool(decoded) == well_formed);
            if (!decoded) continue;
            FUZZ_CHECK(decoded->kind == kind && decoded->tls == bool(fields[2].size() % 2));
            FUZZ_CHECK(decoded->request.user == request.user && decoded->request.password == request.password &&
                       decoded->request.timestamp == request.timestamp &&
                       std::string_view(decoded->request.mechanism) == mech);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view data = fuzz::as_text(bytes, size);
    if (data.size() > 2 * max_login_record) return 0;
    check_decoded(data, greeting_timestamp);
    check_decoded(data, "");  // a greeting without APOP
    check_round_trip(data);
    return 0;
}
