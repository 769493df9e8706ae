#include "apop.hpp"

#include "checkpassword_input.hpp"
#include "constant_time.hpp"
#include "md5.hpp"

namespace postern::checkpass {

bool verify_apop(std::string_view digest, std::string_view timestamp, std::string_view secret) {
    if (!is_apop_digest(digest) || timestamp.empty() || secret.empty()) return false;
    char lower[32];
    for (size_t i = 0; i < 32; ++i) lower[i] = char(digest[i] >= 'A' && digest[i] <= 'F' ? digest[i] + 32 : digest[i]);
    Md5 md5;
    md5.update(timestamp);
    md5.update(secret);
    return equal_constant_time(hex_lower(md5.finish()), std::string_view(lower, 32));
}

}  // namespace postern::checkpass
