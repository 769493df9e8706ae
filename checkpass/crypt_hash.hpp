// Password hashes through crypt(3): whatever schemes the system's libcrypt
// knows (yescrypt, SHA-512, bcrypt, ...), chosen by the hash's own prefix.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace postern::checkpass {

// A hash that no password can match: empty, or starting with '!' or '*'
// (passwd(5)'s locked and disabled accounts).
bool is_locked_hash(std::string_view hash);

// True when crypt(password, hash) reproduces hash. A NULL or failure token
// from crypt (an unknown scheme, a malformed hash) is a refusal.
bool verify_password(std::string_view password, const std::string& hash);

// Spends the time of one verification with the system's default scheme,
// for users that do not exist or cannot log in: no timing oracle.
void burn_password_check(std::string_view password);

// A new hash of `password` in the system's default scheme with a random salt.
std::optional<std::string> make_password_hash(std::string_view password);

}  // namespace postern::checkpass
