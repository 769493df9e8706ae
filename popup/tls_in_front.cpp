#include "tls_in_front.hpp"

#include <cstdlib>
#include <string_view>
#include <vector>

#include "env.hpp"

extern char** environ;

namespace postern::popup {

std::optional<TlsInFront> tls_in_front(bool terminated_setting, bool ucspi_tls) {
    auto protocol = env_get("SSL_PROTOCOL");
    std::string named = protocol && !protocol->empty() ? std::string(*protocol) : "unknown";
    if (terminated_setting) return TlsInFront{"terminator", named};
    if (ucspi_tls) return std::nullopt;
    auto proto = env_get("PROTO");
    bool sslserver = (proto && *proto == "SSL") || env_get("SSLREMOTEIP");  // PROTO=TCP with -e
    if ((protocol && !protocol->empty()) || sslserver) return TlsInFront{"server", named};
    return std::nullopt;
}

namespace {
// s6-tlsd's and s6-ucspitlsd's (with -Z), and sslserver's (its TLS engine's
// uid, gid and chroot among them).
constexpr std::string_view tls_server_settings[] = {
    "CADIR", "CAFILE", "CCAFILE", "CERTFILE", "CERTCHAINFILE", "CIPHERS", "DHFILE", "KEYFILE",
    "KEYPASS", "VERIFYDEPTH", "TLS_UID", "TLS_GID", "SSL_UID", "SSL_GID", "SSL_CHROOT",
};

// s6's SNI variants: KEYFILE:name and CERTFILE:name.
bool tls_server_setting(std::string_view name) {
    for (std::string_view setting : tls_server_settings)
        if (name == setting) return true;
    return name.starts_with("KEYFILE:") || name.starts_with("CERTFILE:");
}
}  // namespace

void unset_tls_server_settings() {
    std::vector<std::string> names;
    for (char** entry = environ; *entry; ++entry) {
        std::string_view item(*entry);
        std::string_view name = item.substr(0, item.find('='));
        if (tls_server_setting(name)) names.emplace_back(name);
    }
    for (const std::string& name : names) ::unsetenv(name.c_str());
}

}  // namespace postern::popup
