#include "request.hpp"

#include <unistd.h>
#include <cerrno>

namespace postern::checkpass {

InputStatus read_checkpassword_input(int fd, InputBuffer& input, Deadline deadline) {
    input.wipe();
    char chunk[max_checkpassword_input];
    InputStatus status = InputStatus::ok;
    while (input.size() < max_checkpassword_input) {
        Wait ready = wait_readable(fd, deadline);
        if (ready != Wait::ready) {
            status = ready == Wait::timeout ? InputStatus::timeout : InputStatus::error;
            break;
        }
        ssize_t n = ::read(fd, chunk, max_checkpassword_input - input.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) status = InputStatus::error;
        if (n <= 0) break;
        input.append(std::string_view(chunk, size_t(n)));
    }
    wipe_memory(chunk, sizeof chunk);
    ::close(fd);
    return status;
}

bool parse_request(std::string_view input, Request& request) {
    size_t user_end = input.find('\0');
    if (user_end == std::string_view::npos) return false;
    size_t password_end = input.find('\0', user_end + 1);
    if (password_end == std::string_view::npos) return false;
    request.user = input.substr(0, user_end);
    request.password = input.substr(user_end + 1, password_end - user_end - 1);
    std::string_view rest = input.substr(password_end + 1);
    request.timestamp = rest.substr(0, rest.find('\0'));
    return true;
}

}  // namespace postern::checkpass
