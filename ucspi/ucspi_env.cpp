#include "ucspi_env.hpp"

#include <cstdlib>

namespace postern::ucspi {

std::vector<Variable> ucspi_variables(const ConnectionFacts& facts) {
    return {
        {"PROTO", std::string(facts.remote.address.v6 ? "TCP6" : "TCP")},
        {"TCPLOCALIP", format_ip(facts.local.address)},
        {"TCPLOCALPORT", std::to_string(facts.local.port)},
        {"TCPLOCALHOST", facts.local_host},
        {"TCPREMOTEIP", format_ip(facts.remote.address)},
        {"TCPREMOTEPORT", std::to_string(facts.remote.port)},
        {"TCPREMOTEHOST", facts.remote_host},
        {"TCPREMOTEINFO", std::nullopt},
        {"TCPCONNNUM", std::to_string(facts.from_source)},
    };
}

bool apply_environment(const ConnectionFacts& facts, const Rule* rule) {
    for (const Variable& v : ucspi_variables(facts)) {
        int r = v.value ? ::setenv(v.name, v.value->c_str(), 1) : ::unsetenv(v.name);
        if (r != 0) return false;
    }
    if (facts.client_tls &&
        (::setenv("POSTERN_TLS_TERMINATED", "1", 1) != 0 || ::setenv("SSL_PROTOCOL", facts.client_tls->c_str(), 1) != 0))
        return false;
    if (rule)
        for (const EnvSetting& s : rule->env)
            if (::setenv(s.name.c_str(), s.value.c_str(), 1) != 0) return false;
    return true;
}

}  // namespace postern::ucspi
