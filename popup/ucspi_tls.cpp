#include "ucspi_tls.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "decimal.hpp"
#include "env.hpp"
#include "fd.hpp"

namespace postern::popup {

namespace {
constexpr size_t max_facts = 4096;

std::optional<int> fd_from_env(const char* name) {
    auto text = env_get(name);
    if (!text) return std::nullopt;
    auto fd = parse_decimal(*text);
    if (!fd || *fd > 65535 || ::fcntl(int(*fd), F_GETFD) < 0) return std::nullopt;
    return int(*fd);
}

// Only plain names: a value from the TLS server must not set LD_PRELOAD or the like.
bool fact_name_allowed(std::string_view name) {
    if (!(name.starts_with("SSL_") || name.starts_with("TLS_"))) return false;
    for (char c : name)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}
}  // namespace

std::optional<UcspiTls> ucspi_tls_from_env() {
    auto control = fd_from_env("SSLCTLFD");
    auto read = fd_from_env("SSLREADFD");
    auto write = fd_from_env("SSLWRITEFD");
    for (const char* name : {"SSLCTLFD", "SSLREADFD", "SSLWRITEFD"}) ::unsetenv(name);
    if (!control || !read || !write) return std::nullopt;
    UcspiTls tls;
    tls.control = *control;
    tls.read = *read;
    tls.write = *write;
    return tls;
}

bool start_tls(UcspiTls& tls) {
    char command = 'Y';
    ssize_t n;
    do n = ::write(tls.control, &command, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1) return false;
    // The write side first: fd 0 may be the same socket as fd 1.
    if (!move_fd(tls.write, 1) || !move_fd(tls.read, 0)) return false;
    tls.read = 0;
    tls.write = 1;
    tls.active = true;
    return true;
}

std::string import_tls_facts(UcspiTls& tls) {
    if (tls.control < 0) return "";  // read already: the control fd is closed after it
    std::string facts;
    char chunk[512];
    while (facts.size() < max_facts && !facts.ends_with(std::string_view("\0\0", 2))) {
        pollfd p{tls.control, POLLIN, 0};
        if (::poll(&p, 1, 0) != 1) break;
        ssize_t n = ::read(tls.control, chunk, sizeof chunk);
        if (n <= 0) break;
        facts.append(chunk, size_t(n));
    }
    ::close(tls.control);
    tls.control = -1;
    std::string protocol;
    for (size_t at = 0; at < facts.size();) {
        size_t end = facts.find('\0', at);
        if (end == std::string::npos) break;
        std::string item = facts.substr(at, end - at);
        at = end + 1;
        size_t equals = item.find('=');
        if (equals == std::string::npos || !fact_name_allowed(std::string_view(item).substr(0, equals))) continue;
        std::string name = item.substr(0, equals);
        ::setenv(name.c_str(), item.c_str() + equals + 1, 1);
        if (name == "SSL_PROTOCOL") protocol = item.substr(equals + 1);
    }
    return protocol;
}

}  // namespace postern::popup
