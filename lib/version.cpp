#include "version.hpp"

#include <unistd.h>
#include <cerrno>
#include <string>

#include "exit_code.hpp"

namespace postern {

int print_version(std::string_view program) {
    std::string line;
    line.append(program).append(" ").append(version).append("\n");
    for (size_t done = 0; done < line.size();) {
        ssize_t n = ::write(1, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return exit_temporary;
        done += size_t(n);
    }
    return exit_ok;
}

}  // namespace postern
