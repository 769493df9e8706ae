// The fd-3 input of the checkpassword interface: popup's side
// (build_checkpassword_input) and checkpass's (read_checkpassword_input,
// parse_request). The input is the bytes on fd 3; its first three lines,
// without NULs, are also a user, a password and a timestamp for popup to send.
// Invariants:
//  - read from a pipe in pieces, checkpass gets exactly the first 512 bytes
//    (the rest is ignored), and the descriptor is closed;
//  - parse_request accepts exactly the inputs with two NULs, and its fields
//    are the bytes between them (the timestamp up to a third NUL or the end);
//  - what popup builds fits in 512 bytes or is refused, and checkpass parses
//    it back to the same three fields.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include "check.hpp"
#include "checkpass/request.hpp"
#include "checkpassword_input.hpp"
#include "pieces.hpp"
#include "popup/checkpassword.hpp"

using namespace postern;

namespace {

void check_read(std::string_view data) {
    int ends[2];
    FUZZ_CHECK(::pipe2(ends, O_CLOEXEC) == 0);
    checkpass::InputBuffer input;
    checkpass::InputStatus status;
    {
        fuzz::PieceWriter writer(ends[1], ends[0], data, 100);
        status = checkpass::read_checkpassword_input(ends[0], input, Deadline::after_seconds(10));
        FUZZ_CHECK(::fcntl(ends[0], F_GETFD) == -1 && errno == EBADF);
    }
    FUZZ_CHECK(status == checkpass::InputStatus::ok);
    FUZZ_CHECK(input.view() == data.substr(0, max_checkpassword_input));
}

void check_parse(std::string_view input) {
    checkpass::Request request;
    bool parsed = checkpass::parse_request(input, request);
    size_t first = input.find('\0');
    size_t second = first == std::string_view::npos ? first : input.find('\0', first + 1);
    FUZZ_CHECK(parsed == (second != std::string_view::npos));
    if (!parsed) return;
    FUZZ_CHECK(request.user == input.substr(0, first));
    FUZZ_CHECK(request.password == input.substr(first + 1, second - first - 1));
    std::string_view rest = input.substr(second + 1);
    FUZZ_CHECK(rest.starts_with(request.timestamp));
    FUZZ_CHECK(request.timestamp.size() == rest.size() || rest[request.timestamp.size()] == '\0');
    FUZZ_CHECK(request.timestamp.find('\0') == std::string_view::npos);
}

std::string without_nul(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != '\0') out += c;
    return out;
}

void check_round_trip(std::string_view data) {
    std::string fields[3];
    for (std::string& field : fields) {
        size_t end = data.find('\n');
        field = without_nul(data.substr(0, end));
        data.remove_prefix(end == std::string_view::npos ? data.size() : end + 1);
    }
    CheckpasswordInput input;
    bool built = popup::build_checkpassword_input(input, fields[0], fields[1], fields[2]);
    size_t needed = fields[0].size() + fields[1].size() + fields[2].size() + 3;
    FUZZ_CHECK(built == (needed <= max_checkpassword_input));
    if (!built) {
        FUZZ_CHECK(input.empty());
        return;
    }
    FUZZ_CHECK(input.size() == needed);
    checkpass::Request request;
    FUZZ_CHECK(checkpass::parse_request(input.view(), request));
    FUZZ_CHECK(request.user == fields[0] && request.password == fields[1] && request.timestamp == fields[2]);
    bool hex32 = fields[1].size() == 32 && fields[1].find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    FUZZ_CHECK(is_apop_digest(fields[1]) == hex32);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::signal(SIGPIPE, SIG_IGN);  // checkpass stops reading at 512 bytes; the rest meets a closed pipe
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    std::string_view data = fuzz::as_text(bytes, size);
    if (data.size() > 4 * max_checkpassword_input) return 0;
    check_read(data);
    check_parse(data.substr(0, max_checkpassword_input));
    check_round_trip(data);
    return 0;
}
